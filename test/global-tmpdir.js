"use strict";
// jest globalSetup of the unit tier (jest.config.js): every temporary file of a run (cdk8s's Testing.app output
// directories, the trees and specs the tests write, the CLI processes they start) goes under one fresh directory,
// removed when the run ends (test/global-tmpdir-teardown.js). Workers start after globalSetup and inherit its
// environment, and os.tmpdir() reads TMPDIR at each call. Without it, a run left about 450 directories in /tmp.
const { mkdtempSync } = require("fs");
const { tmpdir } = require("os");
const { join } = require("path");

module.exports = async function globalTmpdir() {
  const dir = mkdtempSync(join(tmpdir(), "floe-unit-"));
  process.env.FLOE_UNIT_TMPDIR = dir;
  process.env.TMPDIR = dir;
};
