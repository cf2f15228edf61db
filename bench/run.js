#!/usr/bin/env node
"use strict";
/**
 * `npm run bench`: Floe at platform scale, every measure a whole process (start-up, reading, work, writing), side
 * by side with its floor and its peers in the same run. For each size (N tenants x 3 regions; each tenant 5 topics,
 * 4 apps, a PostgreSQL CDC source, 2 Flink jobs; FLOE_BENCH_SIZES, default 10,100,500,2000) bench/procs/prep.js
 * renders the inputs, then this runs (each FLOE_BENCH_REPEAT times, default 3, 1 at 2000 tenants; the fastest run
 * counts):
 *   synth     floe synth spec --out DIR, against the floor: a process writing the same objects as YAML with the
 *             faster of `yaml` and js-yaml (bench/procs/floor.js), and the peers: plain cdk8s creating the same
 *             objects (bench/procs/cdk8s.js) and kustomize building an overlay tree of them (bench/install.sh);
 *   diff      floe diff of a head where every file changed, against parsing both trees (bench/procs/parse.js), and
 *             of a head where 1% of the tenants changed;
 *   lineage   floe lineage --format json;
 *   validate  floe validate against parsing the tree and the CRDs it reads;
 *   pulumi    the Pulumi program under mocks (bench/procs/pulumi.js; not at 2000 tenants unless FLOE_BENCH_PULUMI=all).
 * Peak memory is each Node process's own maxRSS (bench/procs/rss.js). Prints a table per command, then every target
 * as PASS or FAIL with its ratio, writes bench/results/bench.json, and exits 1 if a target fails.
 */
const { spawnSync } = require("child_process");
const { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require("fs");
const { tmpdir } = require("os");
const { join, resolve } = require("path");

const root = resolve(__dirname, "..");
const CRDS = (process.env.FLOE_CRD_DIR || [join(root, "..", "shared", "crds"), join(root, "..", "shared", "crds-ecosystem")].join(":")).split(":").filter(Boolean);
const KUSTOMIZE = join(root, ".floe", "bench", "bin", "kustomize");
const sizes = (process.env.FLOE_BENCH_SIZES || "10,100,500,2000").split(",").map(Number);
const repeat = (n) => Number(process.env.FLOE_BENCH_REPEAT || (n >= 2000 ? 1 : 3));
const node = (script, args) => [process.execPath, ["--max-old-space-size=8192", "--require", join(__dirname, "procs", "rss.js"), script, ...args]];
const floeCli = (args) => node(join(root, "bin", "floe"), args);

/** Run a command `times` times; the fastest run's wall time (ms) and the peak RSS (MiB) of the Node ones. */
function measure(label, [cmd, args], times, { stdout = "ignore", timeoutMs } = {}) {
  let best;
  for (let i = 0; i < times; i++) {
    const rssFile = join(tmpdir(), `floe-bench-rss-${process.pid}`);
    rmSync(rssFile, { force: true });
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env: { ...process.env, FLOE_BENCH_RSS: rssFile }, stdio: ["ignore", stdout === "ignore" ? "ignore" : "pipe", "pipe"], maxBuffer: 1 << 30, encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (timeoutMs !== undefined && r.error && r.error.code === "ETIMEDOUT") {
      // A peer stopped at the limit: it takes at least that long.
      process.stderr.write(`bench: ${label}: stopped after ${timeoutMs.toFixed(0)} ms\n`);
      return { ms: timeoutMs, timedOut: true };
    }
    if (r.status !== 0) {
      process.stderr.write(`bench: ${label} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ""}): ${(r.stderr || "").split("\n").slice(-5).join("\n")}\n`);
      return undefined;
    }
    const rssMiB = existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) / 1024 : undefined;
    if (!best || ms < best.ms) best = { ms, rssMiB, out: r.stdout };
  }
  process.stderr.write(`bench: ${label}: ${best.ms.toFixed(0)} ms${best.rssMiB ? `, ${best.rssMiB.toFixed(0)} MiB` : ""}\n`);
  return best;
}

function measureSize(n, work) {
  const prep = spawnSync(process.execPath, ["--max-old-space-size=8192", join(__dirname, "procs", "prep.js"), String(n), work], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (prep.status !== 0) throw new Error(`prep of ${n} tenants failed: ${prep.stderr}`);
  const info = JSON.parse(prep.stdout);
  const t = repeat(n);
  const at = (p) => join(work, p);
  const r = { tenants: n, ...info };
  r.floorYaml = measure(`${n}: floor (yaml)`, node(join(__dirname, "procs", "floor.js"), [at("objects.json"), at("floor-yaml"), "yaml"]), t);
  r.floorJsYaml = measure(`${n}: floor (js-yaml)`, node(join(__dirname, "procs", "floor.js"), [at("objects.json"), at("floor-js-yaml"), "js-yaml"]), t);
  r.synth = measure(`${n}: floe synth`, floeCli(["synth", at("spec.yaml"), "--out", at("synth"), "--quiet"]), t);
  // Peers stop at 5x Floe's time (at least 20 s): enough to rank them, and kustomize grows faster than linearly.
  const peerLimit = Math.round(Math.max(20000, 5 * (r.synth?.ms ?? 0)));
  r.cdk8s = measure(`${n}: plain cdk8s`, node(join(__dirname, "procs", "cdk8s.js"), [at("objects.json"), at("cdk8s")]), t, { timeoutMs: peerLimit });
  r.kustomize = existsSync(KUSTOMIZE) ? kustomize(n, work, info.regions, t, peerLimit) : undefined;
  r.parseTrees = measure(`${n}: parse base and head`, node(join(__dirname, "procs", "parse.js"), [at("base"), at("head-all")]), t);
  r.diffAll = measure(`${n}: floe diff (every file changed)`, floeCli(["diff", at("base"), at("head-all"), "--format", "json"]), t);
  r.diff1 = measure(`${n}: floe diff (1% changed)`, floeCli(["diff", at("base"), at("head-1pct"), "--format", "json"]), t);
  r.lineage = measure(`${n}: floe lineage --format json`, floeCli(["lineage", at("spec.yaml"), "--format", "json"]), t);
  r.parseValidate = measure(`${n}: parse tree and CRDs`, node(join(__dirname, "procs", "parse.js"), [at("base"), ...CRDS]), t);
  r.validate = measure(`${n}: floe validate`, floeCli(["validate", at("base"), ...CRDS.flatMap((d) => ["--crds", d])]), t);
  if (n < 2000 || process.env.FLOE_BENCH_PULUMI === "all") {
    // Stopped at FLOE_BENCH_PULUMI_LIMIT seconds (default 600): a FAIL with "stopped".
    const limit = 1000 * Number(process.env.FLOE_BENCH_PULUMI_LIMIT || 600);
    r.pulumi = measure(`${n}: Pulumi program (mocks)`, node(join(__dirname, "procs", "pulumi.js"), [String(n)]), t, { stdout: "pipe", timeoutMs: limit });
    if (r.pulumi && !r.pulumi.timedOut) r.pulumi.resources = Number(r.pulumi.out);
  }
  for (const v of Object.values(r)) if (v && typeof v === "object" && "out" in v) delete v.out;
  return r;
}

/** kustomize build of each region's overlay tree, one process per region (the same object exists in every region). */
function kustomize(n, work, regions, times, limitMs) {
  let best;
  for (let i = 0; i < times; i++) {
    let ms = 0;
    for (const region of regions) {
      const m = measure(`${n}: kustomize build ${region}`, [KUSTOMIZE, ["build", join(work, "kustomize", region), "-o", join(work, `kustomize-${region}.yaml`)]], 1, { timeoutMs: Math.max(1, Math.round(limitMs - ms)) });
      if (!m) return undefined;
      ms += m.ms;
      if (m.timedOut) return { ms: limitMs, timedOut: true };
    }
    if (!best || ms < best.ms) best = { ms };
  }
  return best;
}

const f0 = (x) => (x === undefined ? "-" : x.toFixed(0));
const peer = (m) => (m === undefined ? "-" : `${m.timedOut ? ">" : ""}${m.ms.toFixed(0)}`);
const f2 = (x) => (x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(2));
const ratio = (a, b) => (a && b ? a.ms / b.ms : undefined);

function table(title, header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => String(row[i]).length)));
  process.stdout.write(`\n${title}\n`);
  for (const row of all) process.stdout.write(`${row.map((c, i) => String(c).padStart(widths[i])).join("  ")}\n`);
}

function targets(results) {
  const out = [];
  const add = (what, value, limit, show = f2, stopped = false) =>
    out.push({ what, ok: value !== undefined && !stopped && value <= limit, value: value === undefined ? "not measured" : `${stopped ? "stopped at " : ""}${show(value)} (limit ${show(limit)})` });
  for (const r of results) {
    const floor = [r.floorYaml, r.floorJsYaml].filter(Boolean).sort((a, b) => a.ms - b.ms)[0];
    add(`synth at ${r.tenants} tenants within 1.5x the floor`, ratio(r.synth, floor), 1.5);
    add(`synth at ${r.tenants} tenants ahead of plain cdk8s`, ratio(r.synth, r.cdk8s), 1);
    add(`synth at ${r.tenants} tenants ahead of kustomize`, ratio(r.synth, r.kustomize), 1);
    add(`diff of every file at ${r.tenants} tenants within 1.5x parsing both trees`, ratio(r.diffAll, r.parseTrees), 1.5);
    add(`diff of 1% at ${r.tenants} tenants under 5 s`, r.diff1 && r.diff1.ms / 1000, 5, (x) => `${x.toFixed(2)} s`);
    add(`validate at ${r.tenants} tenants within 2x parsing its inputs`, ratio(r.validate, r.parseValidate), 2);
  }
  const by = (n) => results.find((r) => r.tenants === n);
  const growth = (key, a, b) => (by(a)?.[key] && by(b)?.[key] ? by(b)[key].ms / by(a)[key].ms : undefined);
  // Linear: the time grows no faster than the size (25% slack for noise), between consecutive large sizes.
  const pairs = [[100, 500], [500, 2000]].filter(([a, b]) => by(a) && by(b));
  for (const [a, b] of pairs) {
    for (const key of ["synth", "diffAll", "lineage", "validate", "pulumi"]) {
      const g = growth(key, a, b);
      const stopped = Boolean(by(a)?.[key]?.timedOut || by(b)?.[key]?.timedOut);
      if (g !== undefined) add(`${key} linear from ${a} to ${b} tenants (time ratio against ${b / a}x the size)`, g, (b / a) * 1.25, f2, stopped);
    }
  }
  const mib = (x) => `${x.toFixed(0)} MiB`;
  if (by(500)) add("synth peak memory at 500 tenants under 1 GiB", by(500).synth?.rssMiB, 1024, mib);
  if (by(2000)) add("synth peak memory at 2000 tenants under 1 GiB (streamed output)", by(2000).synth?.rssMiB, 1024, mib);
  if (by(500)) add("Pulumi program peak memory at 500 tenants under 1 GiB", by(500).pulumi?.timedOut ? undefined : by(500).pulumi?.rssMiB, 1024, mib);
  // Memory independent of the tree beyond one file pair: against the floor at the same size, a process that parses
  // both trees a file at a time and keeps nothing (bench/procs/parse.js). Not against the diff at the smallest size:
  // a long run alone grows a Node process (V8 sizes its young generation and its old-generation limit up as it goes),
  // and the floor itself, keeping nothing, grew 57 -> 86 MiB from 10 to 2000 tenants (docs/performance.md).
  for (const r of results) {
    const floorMiB = r.parseTrees?.rssMiB;
    add(`diff memory independent of the tree: diff of every file at ${r.tenants} tenants within 1.5x the memory of parsing both trees`, r.diffAll?.rssMiB / floorMiB, 1.5);
    add(`diff memory independent of the tree: 1% diff at ${r.tenants} tenants within 1.5x the memory of parsing both trees`, r.diff1?.rssMiB / floorMiB, 1.5);
  }
  return out;
}

function main() {
  const install = spawnSync("bash", [join(__dirname, "install.sh")], { stdio: ["ignore", "inherit", "inherit"] });
  if (install.status !== 0) process.stderr.write("bench: kustomize could not be installed; its peer run is left out\n");
  const base = mkdtempSync(join(tmpdir(), "floe-bench-"));
  const results = [];
  try {
    for (const n of sizes) {
      const work = join(base, String(n));
      results.push(measureSize(n, work));
      rmSync(work, { recursive: true, force: true });
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  table(
    "floe synth (whole process, ms; floor: the objects written by the faster serializer; peak RSS MiB)",
    ["tenants x 3", "objects", "files", "floe synth", "floor yaml", "floor js-yaml", "ratio", "plain cdk8s", "kustomize", "synth RSS"],
    results.map((r) => {
      const floor = [r.floorYaml, r.floorJsYaml].filter(Boolean).sort((a, b) => a.ms - b.ms)[0];
      return [r.tenants, r.objects, r.files, f0(r.synth?.ms), f0(r.floorYaml?.ms), f0(r.floorJsYaml?.ms), f2(ratio(r.synth, floor)), peer(r.cdk8s), peer(r.kustomize), f0(r.synth?.rssMiB)];
    }),
  );
  table(
    "floe diff, lineage, validate, Pulumi (whole process, ms; peak RSS MiB)",
    ["tenants x 3", "diff all", "parse both", "ratio", "diff all RSS", "parse RSS", "diff 1%", "diff 1% RSS", "lineage", "validate", "parse inputs", "ratio", "pulumi", "resources", "pulumi RSS"],
    results.map((r) => [r.tenants, f0(r.diffAll?.ms), f0(r.parseTrees?.ms), f2(ratio(r.diffAll, r.parseTrees)), f0(r.diffAll?.rssMiB), f0(r.parseTrees?.rssMiB), f0(r.diff1?.ms), f0(r.diff1?.rssMiB), f0(r.lineage?.ms), f0(r.validate?.ms), f0(r.parseValidate?.ms), f2(ratio(r.validate, r.parseValidate)), peer(r.pulumi), r.pulumi?.resources ?? "-", f0(r.pulumi?.rssMiB)]),
  );
  const checks = targets(results);
  process.stdout.write("\n");
  for (const c of checks) process.stdout.write(`${c.ok ? "PASS" : "FAIL"}  ${c.what}: ${c.value}\n`);
  const dir = join(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "bench.json"), `${JSON.stringify({ node: process.version, sizes, results, targets: checks }, null, 2)}\n`);
  process.stdout.write(`\nresults written to ${join(dir, "bench.json")}\n`);
  process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
}

main();
