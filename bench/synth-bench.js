#!/usr/bin/env node
"use strict";
/**
 * First cut of `npm run bench` (issue 9 extends it with diff and Pulumi registration times and larger sizes).
 * For growing generated specs (N tenants x 3 regions, each tenant with topics and apps) it measures, each size
 * in its own process: object count, synth wall time (compose + render, no disk), peak RSS, the time to
 * serialise the same objects with `yaml` alone (the floor) and their ratio. Prints a table and writes
 * bench/results/synth.json. Uses the compiled library (dist-lib), so run after `npm run build`.
 */
const { execFileSync } = require("child_process");
const { mkdirSync, writeFileSync } = require("fs");
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
  return { tenants, regions: 3, objects: objects.length, files: tree.files.length, synthMs, floorMs, ratio: synthMs / floorMs, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
}

function main() {
  if (process.argv[2] === "--one") {
    process.stdout.write(JSON.stringify(measureOne(Number(process.argv[3]))));
    return;
  }
  const sizes = (process.env.FLOE_BENCH_SIZES || "10,50,100").split(",").map(Number);
  const results = sizes.map((n) => JSON.parse(execFileSync(process.execPath, [__filename, "--one", String(n)], { encoding: "utf8" })));
  const rows = [["tenants x regions", "objects", "synth ms", "yaml floor ms", "ratio", "peak RSS MiB"]];
  for (const r of results) {
    rows.push([`${r.tenants} x ${r.regions}`, String(r.objects), r.synthMs.toFixed(0), r.floorMs.toFixed(0), r.ratio.toFixed(2), r.peakRssMiB.toFixed(0)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) process.stdout.write(row.map((c, i) => c.padStart(widths[i])).join("  ") + "\n");
  const dir = join(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "synth.json"), JSON.stringify({ node: process.version, results }, null, 2) + "\n");
  process.stdout.write(`results written to ${join(dir, "synth.json")}\n`);
}

module.exports = { generateSpec };
main();
