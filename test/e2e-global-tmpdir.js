"use strict";
// jest globalSetup of the real-systems tier (jest.e2e.config.js): the run's TMPDIR is one fresh `floe-e2e-`
// directory, removed at the end (test/global-tmpdir-teardown.js). The processes the tests start inherit it (the
// Pulumi engine and its plugins, the Kubernetes components, npm, moto, the database servers). The servers run as
// their own users (e2e/postgres.ts, e2e/mariadb.ts), each in its own directory here, where it also writes its
// temporary files. Mode 01777, /tmp's own, so that any server running as another user that writes to TMPDIR can,
// and no user can remove another's files.
// The JVMs do not read TMPDIR; the Flink runs are given java.io.tmpdir in their own run directory (e2e/flink.ts).
module.exports = require("./global-tmpdir").tmpdirSetup("floe-e2e-", 0o1777);
