"use strict";
// jest globalSetup of the real-systems tier (jest.e2e.config.js): the run's TMPDIR is one fresh `floe-e2e-`
// directory, removed at the end (test/global-tmpdir-teardown.js). The processes the tests start inherit it (the
// Pulumi engine and its plugins, the Kubernetes components, npm, moto). It may be read by the database servers,
// which run as their own users under their own directories in it (e2e/postgres.ts, e2e/mariadb.ts): hence 0755.
// The JVMs do not read TMPDIR; the Flink runs are given java.io.tmpdir in their own run directory (e2e/flink.ts).
module.exports = require("./global-tmpdir").tmpdirSetup("floe-e2e-", 0o755);
