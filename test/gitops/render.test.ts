import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ApiObject, App, Chart, JsonPatch, Lazy } from "cdk8s";
import { parse as yamlParse } from "yaml";
import { chartManifests, compareManifests, composePlatform, parsePlatformSpec, renderPlatform, synthesize, synthesizeToDirectory, toYaml, writeTree, yamlOnce } from "../../lib/internal";
import { setFlagsFromString } from "v8";
import { runInNewContext } from "vm";
import { composeRegions } from "../../lib/platform/compose/platform";
import { regionFiles, specFiles } from "../../lib/platform/render";
import { catchValidation } from "../helpers";
import { devSpec, exampleSpec } from "../helpers/specs";

function contents(spec: unknown): Record<string, string> {
  const tree = synthesize(parsePlatformSpec(spec));
  return Object.fromEntries(tree.files.map((f) => [f.path, f.content]));
}

function shuffled<T>(items: T[]): T[] {
  return [...items].reverse();
}

describe("determinism", () => {
  test("rendering the same spec twice gives byte-identical files", () => {
    expect(contents(exampleSpec())).toEqual(contents(exampleSpec()));
  });

  test("the order of tenants, topics, apps and grants in the spec does not change any file", () => {
    const base = contents(exampleSpec());
    const spec: any = exampleSpec();
    spec.tenants = shuffled(spec.tenants).map((t: any) => ({
      ...t,
      topics: shuffled(t.topics),
      apps: shuffled(t.apps).map((a: any) => ({ ...a, produces: a.produces && shuffled(a.produces), consumes: a.consumes && shuffled(a.consumes) })),
    }));
    expect(contents(spec)).toEqual(base);
  });

  test("files are sorted by path, objects by kind rank, namespace and name", () => {
    const tree = synthesize(parsePlatformSpec(exampleSpec()));
    expect(tree.files.map((f) => f.path)).toEqual([...tree.files.map((f) => f.path)].sort());
    for (const f of tree.files) expect([...f.objects].sort(compareManifests)).toEqual(f.objects);
    expect(tree.files[0].objects.map((o) => o.kind)).toEqual([
      "Namespace",
      "NetworkPolicy",
      "ClusterSecretStore",
      "ClusterSecretStore",
      "ClusterSecretStore",
      "ExternalSecret",
      "ConfigMap",
      "ConfigMap",
      "Kafka",
      "KafkaNodePool",
      "KafkaNodePool",
      "KafkaTopic",
      "KafkaUser",
      "KafkaUser",
      "PushSecret",
      "PushSecret",
      "Service",
      "Deployment",
      "PodDisruptionBudget",
      "PodMonitor",
      "PrometheusRule",
      "PrometheusRule",
    ]);
  });

  test("YAML style is fixed: documents separated by ---, long strings never folded", () => {
    const long = "x".repeat(300);
    const yaml = toYaml([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { long } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b" } },
    ]);
    expect(yaml).toContain(`long: ${long}\n`);
    expect(yaml.split("---\n")).toHaveLength(2);
  });
});

describe("writeTree", () => {
  const tree = () => synthesize(parsePlatformSpec(devSpec()));

  test("writes DIR/<environment>/<region>/<chart>.yaml", () => {
    const out = mkdtempSync(join(tmpdir(), "floe-render-"));
    const dir = writeTree(tree(), out);
    expect(dir).toBe(join(out, "dev"));
    expect(readdirSync(join(out, "dev", "local")).sort()).toEqual(["platform.yaml", "tenant-alpha.yaml", "tenant-beta.yaml"]);
    expect(readFileSync(join(out, "dev", "local", "platform.yaml"), "utf8")).toBe(tree().files.find((f) => f.path === "local/platform.yaml")!.content);
    expect(readdirSync(out)).toEqual(["dev"]);
  });

  test("replaces the environment directory as a whole: stale files disappear, other environments stay", () => {
    const out = mkdtempSync(join(tmpdir(), "floe-render-"));
    mkdirSync(join(out, "dev", "old-region"), { recursive: true });
    writeFileSync(join(out, "dev", "old-region", "stale.yaml"), "stale");
    mkdirSync(join(out, "prod"));
    writeFileSync(join(out, "prod", "keep.yaml"), "keep");
    writeTree(tree(), out);
    expect(existsSync(join(out, "dev", "old-region"))).toBe(false);
    expect(readFileSync(join(out, "prod", "keep.yaml"), "utf8")).toBe("keep");
    expect(readdirSync(out).sort()).toEqual(["dev", "prod"]);
  });

  test("what a killed earlier run left beside the output (staging, previous) is removed; a running process's is kept", () => {
    const spec = parsePlatformSpec(devSpec());
    const out = mkdtempSync(join(tmpdir(), "floe-render-"));
    // A PID that no longer runs: a process that has ended.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid as number;
    const left = (kind: string, pid: number) => {
      mkdirSync(join(out, `.${spec.environment}.${kind}-${pid}`, "sub"), { recursive: true });
      writeFileSync(join(out, `.${spec.environment}.${kind}-${pid}`, "sub", "a.yaml"), "a: 1\n");
    };
    left("staging", dead);
    left("previous", dead);
    // No tree yet: a previous tree of a dead run is the last one there is, and is kept.
    synthesizeToDirectory(spec, out);
    expect(readdirSync(out).sort()).toEqual([`.${spec.environment}.previous-${dead}`, spec.environment]);
    left("staging", dead);
    left("staging", process.ppid);
    left("previous", process.ppid);
    writeFileSync(join(out, `.other.staging-${dead}`), "");
    synthesizeToDirectory(spec, out);
    expect(readdirSync(out).sort()).toEqual([`.${spec.environment}.previous-${process.ppid}`, `.${spec.environment}.staging-${process.ppid}`, `.other.staging-${dead}`, spec.environment].sort());
  });

  test("a failed write leaves the previous tree in place and no staging directory behind", () => {
    const out = mkdtempSync(join(tmpdir(), "floe-render-"));
    writeTree(tree(), out);
    const before = readFileSync(join(out, "dev", "local", "platform.yaml"), "utf8");
    const bad = { ...tree(), files: [...tree().files, { path: "local/platform.yaml/nested.yaml", objects: [], content: "x" }] };
    expect(() => writeTree(bad, out)).toThrow();
    expect(readFileSync(join(out, "dev", "local", "platform.yaml"), "utf8")).toBe(before);
    expect(readdirSync(out)).toEqual(["dev"]);
  });
});

describe("synth releases the constructs as their charts render (regionFiles)", () => {
  // The bench's generated spec: sources, sinks, jobs and schemas for every tenant, in three regions.
  const { generateSpec } = require("../../bench/spec") as { generateSpec: (n: number) => unknown };
  const specs: Record<string, () => unknown> = { example: exampleSpec, dev: devSpec, "bench, 3 tenants": () => generateSpec(3) };

  test.each(Object.keys(specs))("%s: the same files, byte for byte, as rendering with every construct kept", (name) => {
    const spec = parsePlatformSpec(specs[name]());
    const kept = renderPlatform(composePlatform(spec).platform);
    const released = synthesize(spec);
    expect(released.files.map((f) => f.path)).toEqual(kept.files.map((f) => f.path));
    for (const [i, f] of released.files.entries()) expect(f.content).toBe(kept.files[i].content);
  });

  test("each chart is detached from its app and left out of the composed platform; renderPlatform keeps them", () => {
    const spec = parsePlatformSpec(exampleSpec());
    const charts = (p: ReturnType<typeof composePlatform>["platform"]) => p.regions.map((r) => [r.charts.length, r.app.node.findAll().filter((c) => c instanceof Chart).length]);
    const kept = composePlatform(spec).platform;
    const before = charts(kept);
    expect(before.every(([listed, inApp]) => listed > 0 && inApp === listed)).toBe(true);
    renderPlatform(kept);
    expect(charts(kept)).toEqual(before);
    const released = composePlatform(spec).platform;
    const files = released.regions.flatMap((region) => [...regionFiles(region, () => undefined, true)]);
    expect(files).toHaveLength(before.reduce((n, [listed]) => n + listed, 0));
    expect(charts(released)).toEqual(before.map(() => [0, 0]));
  });
});

describe("floe synth writes each file as it renders (synthesizeToDirectory)", () => {
  const { generateSpec } = require("../../bench/spec") as { generateSpec: (n: number) => unknown };
  const jsYaml = require("js-yaml") as typeof import("js-yaml");
  afterEach(() => jest.restoreAllMocks());
  /** Every file under `dir`, path -> text. */
  const files = (dir: string): Record<string, string> => {
    const out: Record<string, string> = {};
    const walk = (d: string, rel: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
        else out[`${rel}${e.name}`] = readFileSync(join(d, e.name), "utf8");
      }
    };
    walk(dir, "");
    return out;
  };
  const withAck = () => ({ ...(exampleSpec() as object), allowDestructive: [{ kind: "KafkaTopic", name: "payments.old", namespace: "kafka", reason: "retired in review 42" }] });
  const specs: Record<string, () => unknown> = { example: exampleSpec, dev: devSpec, "bench, 3 tenants": () => generateSpec(3), "with an acknowledged deletion": withAck };

  test.each(Object.keys(specs))("%s: the same files, byte for byte, as writeTree(synthesize(spec)), and the same summary", (name) => {
    const spec = parsePlatformSpec(specs[name]());
    const a = mkdtempSync(join(tmpdir(), "floe-render-"));
    const b = mkdtempSync(join(tmpdir(), "floe-render-"));
    const tree = synthesize(spec);
    writeTree(tree, a);
    const written = synthesizeToDirectory(spec, b);
    expect(written.dir).toBe(join(b, spec.environment));
    expect(files(b)).toEqual(files(a));
    expect(Object.keys(files(b)).length).toBe(tree.files.length + 1 + (tree.acknowledgements.length > 0 ? 1 : 0));
    expect(written.files).toEqual(tree.files.map((f) => ({ path: f.path, objects: f.objects.length })));
    expect(written.warnings).toEqual(tree.warnings);
  });

  test("a file's YAML is made after the previous file is written, never all first", () => {
    const spec = parsePlatformSpec(generateSpec(3));
    const out = mkdtempSync(join(tmpdir(), "floe-render-"));
    const staging = join(out, `.${spec.environment}.staging-${process.pid}`);
    // At each object's YAML, how many files are already in the staging directory.
    const staged: number[] = [];
    const dump = jsYaml.dump;
    jest.spyOn(jsYaml, "dump").mockImplementation((...args) => {
      staged.push(existsSync(staging) ? Object.keys(files(staging)).length : 0);
      return dump(...args);
    });
    const written = synthesizeToDirectory(spec, out);
    expect(staged).toHaveLength(written.files.reduce((n, f) => n + f.objects, 0));
    // File k's objects are written while exactly k files are staged: 0 for the first, then one more each time.
    expect([...new Set(staged)]).toEqual(written.files.map((_, k) => k));
  });

  test("a spec error, then an output issue, is thrown before anything is written", () => {
    const out = mkdtempSync(join(tmpdir(), "floe-render-"));
    const file = join(out, "a-file");
    writeFileSync(file, "x");
    const bad = parsePlatformSpec({ ...(devSpec() as object), tenants: [{ name: "alpha", topics: [{ name: "t", partitions: 3, replicas: 9 }] }] });
    expect(() => synthesizeToDirectory(bad, file)).toThrow(/replicas/);
    expect(() => synthesizeToDirectory(parsePlatformSpec(devSpec()), file)).toThrow(/is a file, not a directory/);
    expect(readdirSync(out)).toEqual(["a-file"]);
    expect(readFileSync(file, "utf8")).toBe("x");
  });

  test("a failure while the files are written leaves the previous tree in place and no staging directory behind", () => {
    const out = mkdtempSync(join(tmpdir(), "floe-render-"));
    const spec = parsePlatformSpec(devSpec());
    synthesizeToDirectory(spec, out);
    const before = files(out);
    let dumps = 0;
    const dump = jsYaml.dump;
    jest.spyOn(jsYaml, "dump").mockImplementation((...args) => {
      if (++dumps > 20) throw new Error("disk on fire");
      return dump(...args);
    });
    expect(() => synthesizeToDirectory(spec, out)).toThrow("disk on fire");
    expect(files(out)).toEqual(before);
    expect(readdirSync(out)).toEqual(["dev"]);
  });
});

describe("a region at a time: composed, checked, rendered and released before the next (composeRegions, specFiles)", () => {
  /** The example with a tenant in each region whose topic asks for more replicas than the region has brokers. */
  const withBadTopics = (regions: string[]) => {
    const s = exampleSpec() as { tenants: unknown[] };
    const bad = regions.map((region, i) => ({ name: `bad${i}`, regions: [region], topics: [{ name: "t", partitions: 3, replicas: 9 }] }));
    return parsePlatformSpec({ ...s, tenants: [...s.tenants, ...bad] });
  };

  test("each region is composed, checked and rendered before the next is composed", () => {
    const steps: string[] = [];
    synthesize(parsePlatformSpec(exampleSpec()), (s) => steps.push(s));
    expect(steps).toEqual([
      "composing region eu-west-1 (1/2)",
      "validating region eu-west-1",
      "rendering region eu-west-1 (4 files)",
      "composing region us-east-1 (2/2)",
      "validating region us-east-1",
      "rendering region us-east-1 (3 files)",
    ]);
  });

  test("once a region's files are made, none of its charts' constructs is held but its Kafka cluster", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const spec = parsePlatformSpec(exampleSpec());
    const first = synthesize(spec).files.filter((f) => f.path.startsWith("eu-west-1/")).length;
    // Every construct under the first region's charts (the example's registry names the tenants' users).
    const made: { path: string; ref: WeakRef<object> }[] = [];
    let kafka = "";
    const files = specFiles(spec, () => undefined, (r) => {
      if (r.region !== "eu-west-1") return;
      kafka = r.kafka.node.path;
      for (const { chart } of r.charts) for (const c of chart.node.findAll()) if (c !== chart) made.push({ path: c.node.path, ref: new WeakRef(c) });
    });
    for (let i = 0; i < first; i++) files.next();
    // Its files are made; the next region is not composed yet. A WeakRef holds its target until the job that made it ends.
    await new Promise((r) => setImmediate(r));
    gc();
    const held = made.filter((m) => m.ref.deref() !== undefined).map((m) => m.path);
    expect(made.length).toBeGreaterThan(100);
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((p) => p === kafka || p.startsWith(`${kafka}/`))).toBe(true);
    for (let step = files.next(); !step.done; step = files.next());
  });

  test("an error in one region: every region is still composed and checked, nothing is yielded after it, all errors together", () => {
    const yielded: string[] = [];
    const steps = composeRegions(withBadTopics(["us-east-1"]));
    const e = catchValidation(() => {
      for (let step = steps.next(); !step.done; step = steps.next()) yielded.push(step.value.region);
    });
    expect(yielded).toEqual(["eu-west-1"]);
    expect(e.issues.map((i) => [i.code, i.scope, i.field])).toEqual([["TopicReplicasExceedBrokers", "tenants[3].topics[0]", "replicas"]]);
    const both = catchValidation(() => {
      const all = composeRegions(withBadTopics(["eu-west-1", "us-east-1"]));
      for (let step = all.next(); !step.done; step = all.next()) throw new Error(`yielded ${step.value.region}`);
    });
    expect(both.issues.map((i) => [i.code, i.scope])).toEqual([
      ["TopicReplicasExceedBrokers", "tenants[3].topics[0]"],
      ["TopicReplicasExceedBrokers", "tenants[4].topics[0]"],
    ]);
  });

  test("floe synth of a spec whose second region has an error: the first region's files were staged, nothing is left", () => {
    const jsYaml = require("js-yaml") as typeof import("js-yaml");
    const spec = withBadTopics(["us-east-1"]);
    const root = mkdtempSync(join(tmpdir(), "floe-render-"));
    let dumps = 0;
    const dump = jsYaml.dump;
    const spy = jest.spyOn(jsYaml, "dump").mockImplementation((...args) => (dumps++, dump(...args)));
    try {
      // Into directories that do not exist yet: none is left behind.
      expect(() => synthesizeToDirectory(spec, join(root, "new", "out"))).toThrow(/tenants\[3\]\.topics\[0\]\.replicas/);
      expect(dumps).toBeGreaterThan(0);
      expect(readdirSync(root)).toEqual([]);
      // Over a previous tree: it stays as it was, and no staging directory is left.
      synthesizeToDirectory(parsePlatformSpec(exampleSpec()), root);
      const before = readFileSync(join(root, "prod", "eu-west-1", "platform.yaml"), "utf8");
      expect(() => synthesizeToDirectory(spec, root)).toThrow(/TopicReplicasExceedBrokers/);
      expect(readdirSync(root)).toEqual(["prod"]);
      expect(readFileSync(join(root, "prod", "eu-west-1", "platform.yaml"), "utf8")).toBe(before);
    } finally {
      spy.mockRestore();
    }
  });

  test("the example's mirrors, made an end per region, are those of the platform composed whole", () => {
    const spec = parsePlatformSpec(exampleSpec());
    const whole = renderPlatform(composePlatform(spec).platform);
    const mirrors = (t: { files: readonly { objects: readonly { kind: string }[] }[] }) =>
      t.files.flatMap((f) => f.objects).filter((o) => /KafkaMirrorMaker2|PushSecret|ExternalSecret|ClusterSecretStore|KafkaUser/.test(o.kind));
    expect(mirrors(whole).filter((o) => o.kind === "KafkaMirrorMaker2").length).toBeGreaterThan(1);
    expect(mirrors(synthesize(spec))).toEqual(mirrors(whole));
  });
});

describe("a file's YAML written once (yamlOnce) for writeTree", () => {
  // The module object render.ts calls dump on (a namespace import would not let jest replace it).
  const jsYaml = require("js-yaml") as typeof import("js-yaml");
  afterEach(() => jest.restoreAllMocks());

  test("yamlOnce writes the text without keeping it; after a read of content, it gives the kept text", () => {
    const file = synthesize(parsePlatformSpec(devSpec())).files.find((f) => f.path === "local/platform.yaml")!;
    const dump = jest.spyOn(jsYaml, "dump");
    const once = yamlOnce(file);
    expect(dump).toHaveBeenCalledTimes(file.objects.length);
    expect(yamlOnce(file)).toBe(once);
    expect(dump).toHaveBeenCalledTimes(2 * file.objects.length);
    expect(file.content).toBe(once);
    expect(dump).toHaveBeenCalledTimes(3 * file.objects.length);
    expect(yamlOnce(file)).toBe(once);
    expect(file.content).toBe(once);
    expect(dump).toHaveBeenCalledTimes(3 * file.objects.length);
  });

  test("a file made elsewhere (no yamlOnce of its own) gives its content", () => {
    expect(yamlOnce({ path: "r/x.yaml", objects: [], content: "made: elsewhere\n" })).toBe("made: elsewhere\n");
  });

  test("writeTree writes every file's YAML and keeps none of it in the tree", () => {
    const tree = synthesize(parsePlatformSpec(devSpec()));
    const out = mkdtempSync(join(tmpdir(), "floe-render-"));
    const dump = jest.spyOn(jsYaml, "dump");
    writeTree(tree, out);
    const objects = tree.files.reduce((n, f) => n + f.objects.length, 0);
    expect(dump).toHaveBeenCalledTimes(objects);
    // Nothing was kept: reading each file's content writes it again, the same as what is on disk.
    for (const f of tree.files) expect(f.content).toBe(readFileSync(join(out, "dev", f.path), "utf8"));
    expect(dump).toHaveBeenCalledTimes(2 * objects);
  });
});

describe("rendering each object in one pass (chartManifests) is cdk8s's own toJson()", () => {
  test("every object of the example renders as ApiObject.toJson() renders it", () => {
    const { platform } = composePlatform(parsePlatformSpec(exampleSpec()));
    let objects = 0;
    for (const region of platform.regions) {
      for (const { chart } of region.charts) {
        const own = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
        expect(chartManifests(chart)).toEqual(own.map((o) => o.toJson()));
        // Same key order too (the YAML is written in it).
        expect(JSON.stringify(chartManifests(chart))).toBe(JSON.stringify(own.map((o) => o.toJson())));
        objects += own.length;
      }
    }
    expect(objects).toBeGreaterThan(200);
  });

  test("an object with a JSON patch, a subclass or a value only cdk8s can resolve goes through toJson()", () => {
    class Custom extends ApiObject {
      public override toJson(): any {
        return { ...super.toJson(), custom: true };
      }
    }
    class Token {
      public resolve(): string {
        return "resolved";
      }
    }
    const chart = new Chart(new App(), "c");
    const patched = new ApiObject(chart, "patched", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "patched" }, data: { a: "1" } });
    patched.addJsonPatch(JsonPatch.add("/data/b", "2"));
    new Custom(chart, "custom", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "custom" } });
    new ApiObject(chart, "token", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "token" }, data: { t: new Token() } });
    new ApiObject(chart, "lazy", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "lazy" }, data: Lazy.any({ produce: () => ({ z: "1", a: null, m: [null, "x"] }) }) });
    const byName = Object.fromEntries(chartManifests(chart).map((m) => [m.metadata.name, m]));
    expect(byName.patched.data).toEqual({ a: "1", b: "2" });
    expect(byName.custom.custom).toBe(true);
    expect(byName.token.data).toEqual({ t: "resolved" });
    expect(byName.lazy.data).toEqual({ m: [undefined, "x"], z: "1" });
    expect(Object.keys(byName.lazy)).toEqual(["apiVersion", "kind", "metadata", "data"]);
  });
});

describe("YAML output (js-yaml)", () => {
  test("strings a YAML 1.1 reader would take for another type are quoted; multi-line strings are literal blocks", () => {
    const text = toYaml([{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: "on", b: "yes", c: "2024-01-01", d: "1", e: "null", f: "line1\nline2\n", g: "-c", h: 'say "hi"' } }]);
    expect(text).toContain('a: "on"\n');
    expect(text).toContain('b: "yes"\n');
    expect(text).toContain('c: "2024-01-01"\n');
    expect(text).toContain('d: "1"\n');
    expect(text).toContain('e: "null"\n');
    expect(text).toContain("f: |\n    line1\n    line2\n");
    expect(text).toContain('h: say "hi"\n');
    expect(yamlParse(text)).toEqual({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: "on", b: "yes", c: "2024-01-01", d: "1", e: "null", f: "line1\nline2\n", g: "-c", h: 'say "hi"' } });
  });
});
