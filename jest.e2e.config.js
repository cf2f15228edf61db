/**
 * The real-systems tier (npm run test:e2e): test/e2e only, one file at a time (the components it starts share
 * two cores), long timeouts for process start-up. `npm test` (jest.config.js) never runs these.
 */
const base = require("./jest.config.js");
module.exports = {
  ...base,
  roots: ["<rootDir>/test/e2e"],
  testPathIgnorePatterns: [],
  // Its own temporary directory, removed at the end (test/e2e-global-tmpdir.js, test/global-tmpdir-teardown.js).
  globalSetup: "<rootDir>/test/e2e-global-tmpdir.js",
  testTimeout: 600_000,
  maxWorkers: 1,
};
