"use strict";
// jest globalTeardown of the unit tier: removes the run's temporary directory (test/global-tmpdir.js).
const { rmSync } = require("fs");

module.exports = async function removeGlobalTmpdir() {
  rmSync(process.env.FLOE_UNIT_TMPDIR, { recursive: true, force: true });
};
