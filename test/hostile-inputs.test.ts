/**
 * A catalogue of hostile and broken inputs (#19.9-12): each ends with exit 1 and errors that name the input and
 * the fix, never a stack trace, never a hang (jest's timeout), and nothing written or deleted.
 */
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { stringify } from "yaml";
import { run } from "../lib/cli";
import { ROOT } from "./helpers";
import { devSpec } from "./helpers/specs";

async function floe(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** A scratch folder with `files` (path -> content). */
function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "floe-hostile-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), join(rel, e.name));
      else out.push(join(rel, e.name));
    }
  };
  walk(dir, "");
  return out.sort();
}

const aliasBomb = (() => {
  let text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  let prev = "a";
  for (const n of "bcdefghi") {
    text += `${n}: &${n} [${Array(10).fill(`*${prev}`).join(", ")}]\n`;
    prev = n;
  }
  return text;
})();

const spec = (edit: (s: any) => void = () => undefined) => {
  const s = devSpec();
  edit(s);
  return stringify(s);
};

/** Spec texts that must be refused with the given code. */
const HOSTILE_SPECS: [string, string, string][] = [
  ["an alias bomb", aliasBomb, "ExcessiveYamlAliases"],
  ["an empty file", "", "EmptySpec"],
  ["only comments", "# nothing here\n# at all\n", "EmptySpec"],
  ["two YAML documents", `${spec()}---\n${spec()}`, "MultipleYamlDocuments"],
  ["a scalar", "hello\n", "SpecNotAMapping"],
  ["a list", "- a\n- b\n", "SpecNotAMapping"],
  ["broken YAML", "environment: [\n", "InvalidYaml"],
  ["a duplicate key", "environment: a\nenvironment: b\n", "InvalidYaml"],
  ["a tab-indented mapping", "environment: dev\nregions:\n\t- name: x\n", "InvalidYaml"],
  ["a schema file by absolute path", spec((s) => (s.tenants[0].topics[0].valueSchema = { file: "/etc/passwd", type: "json" })), "SchemaFileOutsideSpec"],
  ["a schema file above the spec", spec((s) => (s.tenants[0].topics[0].valueSchema = { file: "../outside.json", type: "json" })), "SchemaFileOutsideSpec"],
  ["a credential in a job's flinkConfiguration", spec((s) => (s.tenants[0].jobs = [{ name: "j", jar: { uri: "local:///j.jar" }, flinkConfiguration: { "fs.s3a.secret.key": "AKIASECRET" } }])), "CredentialInFlinkConfiguration"],
  ["a tenant named kube-system", spec((s) => (s.tenants[0].name = "kube-system")), "ReservedTenantName"],
];

describe("hostile specs: exit 1, the code, no stack trace, nothing written", () => {
  test.each(HOSTILE_SPECS)("%s", async (_name, text, code) => {
    const dir = folder({ "spec/spec.yaml": text, "outside.json": '{"type":"string"}' });
    const before = listing(dir);
    const r = await floe(["synth", join(dir, "spec", "spec.yaml"), "--out", join(dir, "out")]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`[${code}]`);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.err).not.toContain("AKIASECRET");
    expect(r.err).not.toContain("root:x:0:0");
    expect(listing(dir)).toEqual(before);
  });

  test("a schema file that is not JSON: the error never quotes its content", async () => {
    const dir = folder({ "spec.yaml": spec((s) => (s.tenants[0].topics[0].valueSchema = { file: "secret.json", type: "json" })), "secret.json": "root:x:0:0:topsecret\n" });
    const r = await floe(["synth", join(dir, "spec.yaml"), "--out", join(dir, "out")]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("[SchemaNotJson]");
    expect(r.err).not.toContain("topsecret");
    expect(r.err).not.toContain("root:x");
  });

  test("a schema file linked from outside the spec's directory is refused", async () => {
    const dir = folder({ "spec/spec.yaml": spec((s) => (s.tenants[0].topics[0].valueSchema = { file: "link.json", type: "json" })), "outside.json": '{"type":"string"}' });
    symlinkSync(join(dir, "outside.json"), join(dir, "spec", "link.json"));
    const r = await floe(["synth", join(dir, "spec", "spec.yaml"), "--out", join(dir, "out")]);
    expect(r.err).toContain("[SchemaFileOutsideSpec]");
  });
});

describe("hostile outputs: refused before anything is written or deleted", () => {
  test("--out that is a file, or lies under one", async () => {
    const dir = folder({ "spec.yaml": spec(), "afile": "keep me" });
    for (const [out, code] of [
      [join(dir, "afile"), "OutputIsFile"],
      [join(dir, "afile", "sub"), "OutputUnderFile"],
    ]) {
      const r = await floe(["synth", join(dir, "spec.yaml"), "--out", out]);
      expect([out, r.code, r.err.includes(`[${code}]`)]).toEqual([out, 1, true]);
    }
    expect(readFileSync(join(dir, "afile"), "utf8")).toBe("keep me");
  });

  test("--out on /proc ends at once (it used to spin at 100% CPU), as a process", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "floe"), "synth", join(ROOT, "examples", "dev.yaml"), "--out", "/proc/floe-out"], { encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("[OutputNotWritable]");
  });

  test("--out in a directory that cannot be written", async () => {
    if (process.getuid?.() === 0) {
      // root writes everywhere: a read-only file system stands in (sysfs).
      const r = await floe(["synth", join(ROOT, "examples", "dev.yaml"), "--out", "/sys/floe-out"]);
      expect(r.err).toContain("[OutputNotWritable]");
      return;
    }
    const dir = folder({ "spec.yaml": spec() });
    mkdirSync(join(dir, "ro"), { mode: 0o500 });
    const r = await floe(["synth", join(dir, "spec.yaml"), "--out", join(dir, "ro", "out")]);
    expect(r.err).toContain("[OutputNotWritable]");
  });

  test("an environment named like the spec's own folder (--out above the spec) never replaces it", async () => {
    const dir = folder({ "dev/spec.yaml": spec(), "dev/schemas/orders.json": '{"type":"string"}' });
    const before = listing(dir);
    const r = await floe(["synth", join(dir, "dev", "spec.yaml"), "--out", dir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[(OutputHoldsInputs|OutputNotFloes)\]/);
    expect(r.err).toContain("[OutputHoldsInputs]");
    expect(listing(dir)).toEqual(before);
  });

  test("an existing <out>/<environment> that floe did not write is never replaced; one it wrote is", async () => {
    const dir = folder({ "spec.yaml": spec(), "out/dev/notes.txt": "mine" });
    const r = await floe(["synth", join(dir, "spec.yaml"), "--out", join(dir, "out")]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("[OutputNotFloes]");
    expect(readFileSync(join(dir, "out", "dev", "notes.txt"), "utf8")).toBe("mine");
    const ok = await floe(["synth", join(dir, "spec.yaml"), "--out", join(dir, "fresh")]);
    expect(ok.code).toBe(0);
    expect(existsSync(join(dir, "fresh", "dev", ".floe-tree"))).toBe(true);
    const again = await floe(["synth", join(dir, "spec.yaml"), "--out", join(dir, "fresh")]);
    expect(again.code).toBe(0);
  });
});

describe("floe diff on a tree with a document that is not a Kubernetes object: exit 1 naming file and document (#19.13)", () => {
  const tree = (content: string) => folder({ "r/a.yaml": content });
  const base = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a, namespace: x }\n";
  test.each([
    ["malformed YAML after a good object", `${base}---\n: bad: [\n`, "InvalidManifestYaml"],
    ["a mapping that is not an object", "hello: world\n", "NotAKubernetesObject"],
    ["a list", "- 1\n- 2\n", "NotAKubernetesObject"],
    ["a scalar", "42\n", "NotAKubernetesObject"],
    ["an object without metadata (it used to crash)", "apiVersion: v1\nkind: ConfigMap\n", "NotAKubernetesObject"],
  ])("%s", async (_name, content, code) => {
    const r = await floe(["diff", tree(base), tree(content)]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`[${code}]`);
    expect(r.err).toContain("r/a.yaml");
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
  });
  test("an empty trailing document is fine", async () => {
    const r = await floe(["diff", tree(base), tree(`${base}---\n`)]);
    expect(r.code).toBe(0);
  });
});
