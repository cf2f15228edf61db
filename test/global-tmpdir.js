"use strict";
// jest globalSetup of the unit tier: every temporary file of a run (cdk8s's Testing.app output directories, the
// trees and specs the tests write, the CLI processes they start) goes under one fresh directory, removed when the
// run ends (test/global-tmpdir-teardown.js). Workers start after globalSetup and inherit its environment, and
// os.tmpdir() reads TMPDIR at each call. Without it, a run left about 450 directories in /tmp.
// The real-systems tier uses the same with its own prefix (test/e2e-global-tmpdir.js).
const { chmodSync, mkdtempSync } = require("fs");
const { tmpdir } = require("os");
const { join } = require("path");

/** A global setup making a fresh `<prefix>XXXXXX` directory of the given mode the run's TMPDIR. */
function tmpdirSetup(prefix, mode) {
  return async function globalTmpdir() {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    chmodSync(dir, mode);
    process.env.FLOE_TEST_TMPDIR = dir;
    process.env.TMPDIR = dir;
  };
}

module.exports = tmpdirSetup("floe-unit-", 0o700);
module.exports.tmpdirSetup = tmpdirSetup;
