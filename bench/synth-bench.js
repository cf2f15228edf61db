#!/usr/bin/env node
"use strict";
/**
 * `npm run bench` (issue 9 extends it with Pulumi registration times, jobs and sources in the generated specs).
 * For growing generated specs (N tenants x 3 regions, each tenant with topics and apps) it measures, each size
 * in its own process: object count, synth wall time (compose + render, no disk), peak RSS, the time to
 * serialise the same objects with `yaml` alone (the floor), their ratio, and `floe diff` of the whole tree
 * against a 1% change. Prints a table and writes bench/results/synth.json. Uses the compiled library
 * (dist-lib), so run after `npm run build`.
 */
const { execFileSync } = require("child_process");
const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = require("fs");
const { tmpdir } = require("os");
const { join } = require("path");

function generateSpec(tenants) {
  const regions = ["eu-west-1", "us-east-1", "ap-southeast-1"].map((name) => ({
    name,
    kafka: { name: "events", brokers: { replicas: 6, storage: { size: "1Ti" } } },
  }));
  return {
    environment: "bench",
    regions,
    tenants: Array.from({ length: tenants }, (_, i) => ({
      name: `tenant-${String(i).padStart(4, "0")}`,
      topics: ["orders", "payments", "events", "state", "dlq"].map((t, j) => ({
        name: t,
        partitions: 6 + j,
        retention: `${j + 1}d`,
        ...(t === "state" ? { cleanupPolicy: "compact" } : {}),
      })),
      apps: [
        { name: "writer", produces: ["orders", "payments"] },
        { name: "reader", consumes: [{ topic: "orders", group: "reader" }, "payments"] },
        { name: "processor", consumes: ["events"], produces: ["state", "dlq"] },
        { name: "auditor", consumes: ["*"] },
      ],
    })),
  };
}

function measureOne(tenants) {
  const floe = require("../dist-lib/lib");
  const { stringify } = require("yaml");
  const spec = floe.parsePlatformSpec(generateSpec(tenants));
  const t0 = process.hrtime.bigint();
  const tree = floe.synthesize(spec);
  const synthMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const objects = tree.files.flatMap((f) => f.objects);
  const t1 = process.hrtime.bigint();
  for (const f of tree.files) f.objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");
  const floorMs = Number(process.hrtime.bigint() - t1) / 1e6;
  // floe diff of the whole tree against a head where 1% of the tenants changed a topic's partitions.
  const headSpec = generateSpec(tenants);
  for (let i = 0; i < Math.max(1, Math.round(tenants / 100)); i++) headSpec.tenants[i].topics[0].partitions += 6;
  const head = floe.synthesize(floe.parsePlatformSpec(headSpec));
  const baseObjects = floe.treeObjects(tree.files);
  const headObjects = floe.treeObjects(head.files);
  const t2 = process.hrtime.bigint();
  const diff = floe.diffTrees(baseObjects, headObjects);
  const diffMs = Number(process.hrtime.bigint() - t2) / 1e6;
  // The same through the CLI's path: both trees written to disk, `floe diff <base> <head>` (diffDirectories).
  const dir = mkdtempSync(join(tmpdir(), "floe-bench-"));
  const baseDir = floe.writeTree(tree, join(dir, "base"));
  const headDir = floe.writeTree(head, join(dir, "head"));
  const t3 = process.hrtime.bigint();
  floe.diffDirectories(baseDir, headDir);
  const diffDirMs = Number(process.hrtime.bigint() - t3) / 1e6;
  rmSync(dir, { recursive: true, force: true });
  return {
    tenants,
    regions: 3,
    objects: objects.length,
    files: tree.files.length,
    synthMs,
    floorMs,
    ratio: synthMs / floorMs,
    diffMs,
    diffDirMs,
    diffChanges: diff.changes.length,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

function main() {
  if (process.argv[2] === "--one") {
    process.stdout.write(JSON.stringify(measureOne(Number(process.argv[3]))));
    return;
  }
  const sizes = (process.env.FLOE_BENCH_SIZES || "10,100,300").split(",").map(Number);
  const results = sizes.map((n) => JSON.parse(execFileSync(process.execPath, [__filename, "--one", String(n)], { encoding: "utf8" })));
  const rows = [["tenants x regions", "objects", "synth ms", "yaml floor ms", "ratio", "diff ms (1%)", "diff dirs ms", "peak RSS MiB"]];
  for (const r of results) {
    rows.push([
      `${r.tenants} x ${r.regions}`,
      String(r.objects),
      r.synthMs.toFixed(0),
      r.floorMs.toFixed(0),
      r.ratio.toFixed(2),
      `${r.diffMs.toFixed(0)} (${r.diffChanges})`,
      r.diffDirMs.toFixed(0),
      r.peakRssMiB.toFixed(0),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) process.stdout.write(row.map((c, i) => c.padStart(widths[i])).join("  ") + "\n");
  const dir = join(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "synth.json"), JSON.stringify({ node: process.version, results }, null, 2) + "\n");
  process.stdout.write(`results written to ${join(dir, "synth.json")}\n`);
}

module.exports = { generateSpec };
if (require.main === module) main();
