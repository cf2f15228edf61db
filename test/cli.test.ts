import { execFileSync, spawnSync } from "child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { delimiter, join } from "path";
import { parseAllDocuments, stringify } from "yaml";
import { run } from "../lib/cli";
import { crdDir, crdDirs, ROOT } from "./helpers";

const crdArgs = () => crdDirs().flatMap((d) => ["--crds", d]);
import { devSpec } from "./helpers/specs";

async function floe(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function specFile(spec: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "floe-spec-"));
  const file = join(dir, "spec.yaml");
  writeFileSync(file, stringify(spec));
  return file;
}

/** Every file under dir with its content. */
function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), join(rel, e.name));
      else out[join(rel, e.name)] = readFileSync(join(d, e.name), "utf8");
    }
  };
  walk(dir, "");
  return out;
}

describe("floe synth", () => {
  test("renders the example and reports what it wrote", async () => {
    const out = mkdtempSync(join(tmpdir(), "floe-out-"));
    const r = await floe(["synth", join(ROOT, "examples", "platform.yaml"), "--out", out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^floe synth: wrote \d+ objects in 7 files to /);
    expect(r.out).toContain("eu-west-1/tenant-payments.yaml");
    // (and the mark that the directory is floe's to replace)
    expect(readdirSync(join(out, "prod")).sort()).toEqual([".floe-tree", "eu-west-1", "us-east-1"]);
  });

  test("an invalid spec exits 1, names the spec path, and leaves the output untouched", async () => {
    const out = mkdtempSync(join(tmpdir(), "floe-out-"));
    expect((await floe(["synth", specFile(devSpec()), "--out", out])).code).toBe(0);
    const before = snapshotTree(out);
    const spec = devSpec();
    spec.tenants[1].topics[0].partitions = -1;
    const r = await floe(["synth", specFile(spec), "--out", out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("tenants[1].topics[0].partitions");
    expect(r.err).toMatch(/Fix: /);
    expect(r.out).toBe("");
    expect(snapshotTree(out)).toEqual(before);
  });

  test("an error found while composing (not by the schema) also writes nothing", async () => {
    const out = mkdtempSync(join(tmpdir(), "floe-out-"));
    const spec = devSpec();
    spec.tenants[0].topics[0].replicas = 2;
    const r = await floe(["synth", specFile(spec), "--out", out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("[TopicReplicasExceedBrokers] tenants[0].topics[0].replicas");
    expect(readdirSync(out)).toEqual([]);
  });

  test("a missing spec file exits 1", async () => {
    const r = await floe(["synth", "/nonexistent.yaml"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("[SpecNotReadable]");
  });

  test("warnings go to stderr and do not fail", async () => {
    const out = mkdtempSync(join(tmpdir(), "floe-out-"));
    const spec = devSpec();
    spec.tenants[0].topics.push({ name: "order_events" });
    const r = await floe(["synth", specFile(spec), "--out", out]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("warning [TopicNameMixesPeriodAndUnderscore] tenants[0].topics[2].name");
  });

  test("--quiet prints nothing on success; progress goes to stderr only on a terminal", async () => {
    const out = mkdtempSync(join(tmpdir(), "floe-out-"));
    const quiet = await floe(["synth", specFile(devSpec()), "--out", out, "--quiet"]);
    expect(quiet).toEqual({ code: 0, out: "", err: "" });
    expect((await floe(["synth", specFile(devSpec()), "--out", out])).err).toBe("");
    let err = "";
    let stdout = "";
    const code = await run(["synth", specFile(devSpec()), "--out", out], { out: (t) => (stdout += t), err: (t) => (err += t), errIsTTY: true });
    expect(code).toBe(0);
    expect(err).toContain("floe synth: composing region local (1/1)...");
    expect(err).toContain("floe synth: rendering region local (3 files)...");
    // Each file is written as it renders: there is no writing step after the rendering.
    expect(err).not.toContain("writing");
    expect(err.endsWith("\r\u001b[2K")).toBe(true);
    expect(stdout).toMatch(/^floe synth: wrote/);
    let quietErr = "";
    await run(["synth", specFile(devSpec()), "--out", out, "--quiet"], { out: () => undefined, err: (t) => (quietErr += t), errIsTTY: true });
    expect(quietErr).toBe("");
  });

  test("usage errors exit 1 and say where the usage is", async () => {
    for (const args of [["synth"], ["frobnicate"], ["synth", "x.yaml", "--bogus"], ["diff", "a"]]) {
      const r = await floe(args);
      expect([args, r.code, r.out]).toEqual([args, 1, ""]);
      expect(r.err).toMatch(/^error: .*\n\(floe --help lists the commands; floe <command> --help shows a command's arguments and options\)\n$/);
    }
  });
});

describe("floe validate", () => {
  test("valid tree: exit 0", async () => {
    const out = mkdtempSync(join(tmpdir(), "floe-out-"));
    await floe(["synth", join(ROOT, "examples", "platform.yaml"), "--out", out]);
    const r = await floe(["validate", join(out, "prod"), ...crdArgs()]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^floe validate: \d+ objects in 7 files are valid/);
  });

  test("a violation: exit 1, listed with file, object and JSON path", async () => {
    const out = mkdtempSync(join(tmpdir(), "floe-out-"));
    await floe(["synth", specFile(devSpec()), "--out", out]);
    const file = join(out, "dev", "local", "tenant-alpha.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("partitions: 3", "partitions: 3\n  partitionCount: 3"));
    const r = await floe(["validate", join(out, "dev"), ...crdArgs()]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("local/tenant-alpha.yaml: KafkaTopic/kafka/alpha.events: spec.partitionCount: unknown field");
  });

  test("CRD directory from FLOE_CRD_DIR; a missing one is a clear error", async () => {
    const out = mkdtempSync(join(tmpdir(), "floe-out-"));
    await floe(["synth", specFile(devSpec()), "--out", out]);
    const saved = process.env.FLOE_CRD_DIR;
    try {
      process.env.FLOE_CRD_DIR = crdDirs().join(delimiter);
      expect((await floe(["validate", out])).code).toBe(0);
      // The operators' CRDs alone: the External Secrets and prometheus-operator objects have no schema.
      process.env.FLOE_CRD_DIR = crdDir();
      const partial = await floe(["validate", out]);
      expect(partial.code).toBe(1);
      expect(partial.err).toMatch(/PrometheusRule\/kafka\/alpha-kafka-alerts: \(object\): no schema for monitoring\.coreos\.com\/v1\/PrometheusRule/);
      process.env.FLOE_CRD_DIR = "/nonexistent/crds";
      const r = await floe(["validate", out]);
      expect(r.code).toBe(1);
      expect(r.err).toContain("[CrdDirectoryNotFound]");
    } finally {
      if (saved === undefined) delete process.env.FLOE_CRD_DIR;
      else process.env.FLOE_CRD_DIR = saved;
    }
  });

  test("several --crds folders: the operators' and the ecosystem's; a Go RE2 pattern with (?i) is evaluated, not a crash", async () => {
    const out = mkdtempSync(join(tmpdir(), "floe-out-"));
    await floe(["synth", join(ROOT, "examples", "platform.yaml"), "--out", out]);
    const ok = await floe(["validate", join(out, "prod"), ...crdArgs()]);
    expect(ok).toMatchObject({ code: 0, err: "" });
    expect(ok.out).toContain(`CRDs from ${crdDirs().join(", ")}`);
    // PrometheusRule groups[].partial_response_strategy has the RE2 pattern ^(?i)(abort|warn)?$ in the pinned CRD.
    const file = join(out, "prod", "eu-west-1", "tenant-payments.yaml");
    const withStrategy = (value: string) =>
      parseAllDocuments(readFileSync(file, "utf8"))
        .map((d) => d.toJS())
        .map((o) => (o.kind === "PrometheusRule" ? { ...o, spec: { ...o.spec, groups: o.spec.groups.map((g: object) => ({ ...g, partial_response_strategy: value })) } } : o))
        .map((o) => stringify(o))
        .join("---\n");
    const original = readFileSync(file, "utf8");
    try {
      writeFileSync(file, withStrategy("WARN"));
      expect(await floe(["validate", join(out, "prod"), ...crdArgs()])).toMatchObject({ code: 0, err: "" });
      writeFileSync(file, withStrategy("sometimes"));
      const bad = await floe(["validate", join(out, "prod"), ...crdArgs()]);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/PrometheusRule\/payments\/[^:]+: spec\.groups\[0\]\.partial_response_strategy: must match pattern "\^\(\?i\)\(abort\|warn\)\?\$"/);
    } finally {
      writeFileSync(file, original);
    }
  });

  test("an empty directory is not 'valid'", async () => {
    const r = await floe(["validate", mkdtempSync(join(tmpdir(), "floe-empty-")), ...crdArgs()]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("no manifests found");
  });
});

describe("bin/floe (the installed command)", () => {
  const bin = join(ROOT, "bin", "floe");
  beforeAll(() => {
    if (!existsSync(join(ROOT, "dist-lib", "lib", "cli.js"))) {
      throw new Error("dist-lib/ is missing: `npm test` builds it first (npm run build)");
    }
  });

  test("synth then validate, end to end, with exit codes", () => {
    const out = mkdtempSync(join(tmpdir(), "floe-bin-"));
    const synth = execFileSync(process.execPath, [bin, "synth", join(ROOT, "examples", "platform.yaml"), "--out", out], { encoding: "utf8" });
    expect(synth).toMatch(/wrote \d+ objects/);
    const validate = spawnSync(process.execPath, [bin, "validate", join(out, "prod"), ...crdArgs()], { encoding: "utf8" });
    expect(validate.status).toBe(0);
    const bad = spawnSync(process.execPath, [bin, "synth", specFile({ environment: "x" }), "--out", out], { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("regions");
  });

  test("an internal error exits 3 (not 2, --fail-on's), in one line without a stack trace unless FLOE_DEBUG (#19.16)", () => {
    const dir = mkdtempSync(join(tmpdir(), "floe-crash-"));
    const script = join(dir, "crash.js");
    // A defect stands in: the spec loader throws a plain error.
    writeFileSync(
      script,
      `const spec = require(${JSON.stringify(join(ROOT, "dist-lib", "lib", "platform", "spec", "load.js"))});
spec.loadPlatformSpec = () => { throw new TypeError("cannot read properties of undefined (reading 'x')"); };
require(${JSON.stringify(join(ROOT, "dist-lib", "lib", "cli.js"))}).main();`,
    );
    const crash = spawnSync(process.execPath, [script, "synth", join(ROOT, "examples", "platform.yaml"), "--out", join(dir, "out")], { encoding: "utf8", env: { ...process.env, FLOE_DEBUG: "" } });
    expect(crash.status).toBe(3);
    expect(crash.stderr.trim().split("\n")).toHaveLength(1);
    expect(crash.stderr).toMatch(/^floe: internal error: cannot read properties of undefined \(reading 'x'\) \(FLOE_DEBUG=1 shows where/);
    expect(crash.stderr).not.toMatch(/\n\s+at /);
    const debug = spawnSync(process.execPath, [script, "synth", join(ROOT, "examples", "platform.yaml"), "--out", join(dir, "out")], { encoding: "utf8", env: { ...process.env, FLOE_DEBUG: "1" } });
    expect(debug.status).toBe(3);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
