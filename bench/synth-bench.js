#!/usr/bin/env node
"use strict";
/**
 * `npm run bench`: Floe at platform scale. For generated specs of growing size (N tenants x 3 regions; each
 * tenant with 5 topics, 4 apps, a PostgreSQL CDC source and 2 Flink jobs) it measures, each size in its own
 * process:
 *   - object count, `floe synth` wall time (compose + render) and the peak memory after it;
 *   - the time to serialise the same objects with `yaml` alone (the floor) and the ratio;
 *   - `floe diff` of a 1% change (1% of the tenants change a topic), in memory and on directories (the CLI path);
 *   - the Pulumi program's registration time under mocks (`StreamingPlatform`, Pulumi delivery).
 * Prints a table, checks the targets (synth <= 3x the floor; 500 tenants <= ~5.5x the time of 100; peak < 1 GiB;
 * diff of the largest trees < 5 s) and writes bench/results/synth.json. Uses dist-lib: run `npm run build` first
 * (`npm run bench` does). Sizes: FLOE_BENCH_SIZES=10,100,500 (default).
 */
const { execFileSync } = require("child_process");
const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = require("fs");
const { tmpdir } = require("os");
const { join } = require("path");

const { REGIONS, generateSpec } = require("./spec");

const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;

async function measureOne(tenants) {
  const floe = require("../dist-lib/lib");
  const { stringify } = require("yaml");
  const spec = floe.parsePlatformSpec(generateSpec(tenants));
  const t0 = process.hrtime.bigint();
  const tree = floe.synthesize(spec);
  const synthMs = ms(t0);
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const objects = tree.files.reduce((n, f) => n + f.objects.length, 0);

  const t1 = process.hrtime.bigint();
  for (const f of tree.files) f.objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");
  const floorMs = ms(t1);

  const headSpec = generateSpec(tenants);
  for (let i = 0; i < Math.max(1, Math.round(tenants / 100)); i++) headSpec.tenants[i].topics[0].partitions += 6;
  const head = floe.synthesize(floe.parsePlatformSpec(headSpec));
  const t2 = process.hrtime.bigint();
  const diff = floe.diffTrees(floe.treeObjects(tree.files), floe.treeObjects(head.files));
  const diffMs = ms(t2);
  const dir = mkdtempSync(join(tmpdir(), "floe-bench-"));
  const baseDir = floe.writeTree(tree, join(dir, "base"));
  const headDir = floe.writeTree(head, join(dir, "head"));
  const t3 = process.hrtime.bigint();
  floe.diffDirectories(baseDir, headDir);
  const diffDirMs = ms(t3);
  rmSync(dir, { recursive: true, force: true });

  const { registerMs, resources } = await pulumiRegistration(spec);
  return { tenants, regions: REGIONS.length, objects, files: tree.files.length, synthMs, floorMs, ratio: synthMs / floorMs, diffMs, diffDirMs, diffChanges: diff.changes.length, registerMs, resources, peakRssMiB };
}

/** Registration of the Pulumi program under mocks: time until no new resource registers for 200 ms. */
async function pulumiRegistration(spec) {
  const pulumi = require("@pulumi/pulumi");
  let count = 0;
  let last = process.hrtime.bigint();
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        count++;
        last = process.hrtime.bigint();
        return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:aws:mock:::${args.name}` } };
      },
      call: (args) => args.inputs,
    },
    "floe",
    "bench",
    false,
  );
  const { StreamingPlatform } = require("../dist-lib/lib/pulumi");
  const kubeconfigs = Object.fromEntries(REGIONS.map((r) => [r, "kubeconfig"]));
  const secretValues = Object.fromEntries((spec.tenants ?? []).flatMap((t) => (t.secrets ?? []).map((s) => [`${t.name}/${s.name}`, pulumi.secret("x")])));
  const start = process.hrtime.bigint();
  new StreamingPlatform("floe", { spec: { ...spec, delivery: "pulumi" }, kubeconfigs, secretValues });
  let seen = -1;
  while (seen !== count) {
    seen = count;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { registerMs: Number(last - start) / 1e6, resources: count };
}

function main() {
  if (process.argv[2] === "--one") {
    measureOne(Number(process.argv[3])).then((r) => process.stdout.write(JSON.stringify(r)));
    return;
  }
  const sizes = (process.env.FLOE_BENCH_SIZES || "10,100,500").split(",").map(Number);
  const results = sizes.map((n) =>
    JSON.parse(execFileSync(process.execPath, ["--max-old-space-size=4096", __filename, "--one", String(n)], { encoding: "utf8", maxBuffer: 1 << 26 })),
  );
  const rows = [["tenants x regions", "objects", "synth ms", "yaml floor ms", "ratio", "diff ms (1%)", "diff dirs ms", "pulumi register ms", "peak RSS MiB"]];
  for (const r of results) {
    rows.push([
      `${r.tenants} x ${r.regions}`,
      String(r.objects),
      r.synthMs.toFixed(0),
      r.floorMs.toFixed(0),
      r.ratio.toFixed(2),
      `${r.diffMs.toFixed(0)} (${r.diffChanges})`,
      r.diffDirMs.toFixed(0),
      `${r.registerMs.toFixed(0)} (${r.resources})`,
      r.peakRssMiB.toFixed(0),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) process.stdout.write(row.map((c, i) => c.padStart(widths[i])).join("  ") + "\n");

  const targets = [];
  for (const r of results) targets.push([`synth within 3x the floor at ${r.tenants} tenants`, r.ratio <= 3, r.ratio.toFixed(2)]);
  const t100 = results.find((r) => r.tenants === 100);
  const t500 = results.find((r) => r.tenants === 500);
  if (t100 && t500) targets.push(["500 tenants within ~5.5x the synth time of 100", t500.synthMs / t100.synthMs <= 5.5, (t500.synthMs / t100.synthMs).toFixed(2)]);
  const largest = results[results.length - 1];
  targets.push([`peak memory under 1 GiB at ${largest.tenants} tenants`, largest.peakRssMiB < 1024, `${largest.peakRssMiB.toFixed(0)} MiB`]);
  targets.push([`diff of the largest trees under 5 s`, largest.diffDirMs < 5000 && largest.diffMs < 5000, `${largest.diffDirMs.toFixed(0)} ms`]);
  process.stdout.write("\n");
  for (const [what, ok, value] of targets) process.stdout.write(`${ok ? "PASS" : "FAIL"}  ${what}: ${value}\n`);

  const dir = join(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "synth.json"), JSON.stringify({ node: process.version, results, targets: targets.map(([what, ok, value]) => ({ what, ok, value })) }, null, 2) + "\n");
  process.stdout.write(`results written to ${join(dir, "synth.json")}\n`);
}

module.exports = { generateSpec };
if (require.main === module) main();
