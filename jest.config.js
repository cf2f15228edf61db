/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // The real-systems tier has its own config (jest.e2e.config.js, npm run test:e2e).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/e2e/"],
  // Every temporary file of the run under one directory, removed at the end (test/global-tmpdir.js, test/global-tmpdir-teardown.js).
  globalSetup: "<rootDir>/test/global-tmpdir.js",
  globalTeardown: "<rootDir>/test/global-tmpdir-teardown.js",
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
    // The CEL evaluator ships as ES modules only; Node >= 20.19 requires it natively, jest needs it compiled.
    "/node_modules/@marcbachmann/cel-js/.+\\.js$": [
      "ts-jest",
      { tsconfig: { allowJs: true, module: "commonjs", target: "ES2022", isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: ["/node_modules/(?!@marcbachmann/cel-js/)"],
  moduleFileExtensions: ["ts", "js", "json"],
};
