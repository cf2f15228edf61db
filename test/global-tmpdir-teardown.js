"use strict";
// jest globalTeardown of both tiers: removes the run's temporary directory (test/global-tmpdir.js,
// test/e2e-global-tmpdir.js).
const { rmSync } = require("fs");

module.exports = async function removeGlobalTmpdir() {
  if (process.env.FLOE_TEST_TMPDIR) rmSync(process.env.FLOE_TEST_TMPDIR, { recursive: true, force: true });
};
