import { spawnSync } from "child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { stringify } from "yaml";
import { diffChunks, diffDirectories, diffTrees, exceeds, fileReader, formatDiff, formatJson, formatMarkdown, formatText, loadTree, openDiff, parsePlatformSpec, synthesize, treeObjects, writeTree } from "../../lib/internal";
import { run } from "../../lib/cli";
import { devSpec, devSpecWithJob, devSpecWithSource, exampleSpec } from "../helpers/specs";

const render = (spec: unknown) => treeObjects(synthesize(parsePlatformSpec(spec)).files);
const diff = (base: unknown, head: unknown) => diffTrees(render(base), render(head));
const find = (result: ReturnType<typeof diff>, kind: string, name?: string) =>
  result.changes.filter((c) => c.kind === kind && (name === undefined || c.name === name));
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe("floe diff: destructive changes are flagged with the right action", () => {
  test("topic deleted", () => {
    const head = devSpec();
    head.tenants[0].topics.pop();
    const [c] = find(diff(devSpec(), head), "KafkaTopic", "alpha.state");
    expect(c).toMatchObject({ action: "delete", risk: "destructive" });
    expect(c.reasons[0]).toMatch(/deletes the topic and its data/);
  });

  test("strimzi.io/managed dropped", () => {
    const base = render(devSpec());
    const head = new Map([...base].map(([k, v]) => [k, clone(v)]));
    const topic = [...head.values()].find((t) => t.obj.kind === "KafkaTopic")!;
    topic.obj.metadata.annotations = { "strimzi.io/managed": "false" };
    expect(diffTrees(base, head).changes[0].reasons[0]).toMatch(/^strimzi.io\/managed dropped/);
  });

  test("partitions decreased (destructive) vs increased (disruptive)", () => {
    const down = clone(devSpec());
    down.tenants[1].topics[0].partitions = 3;
    expect(find(diff(devSpec(), down), "KafkaTopic", "beta.events")[0]).toMatchObject({ risk: "destructive", fields: [{ path: "spec.partitions", old: 6, new: 3 }] });
    const up = clone(devSpec());
    up.tenants[1].topics[0].partitions = 12;
    expect(find(diff(devSpec(), up), "KafkaTopic", "beta.events")[0].risk).toBe("disruptive");
  });

  test("replicas or storage changed", () => {
    const base: any = exampleSpec();
    const head: any = clone(base);
    head.tenants[0].topics[0].replicas = 2;
    head.tenants[0].topics[0].minInsyncReplicas = 1;
    head.regions[1].kafka.brokers.storage.size = "2Ti";
    const r = diff(base, head);
    expect(find(r, "KafkaTopic", "payments.orders")[0].reasons).toContain("replication factor changed: partitions are reassigned (heavy traffic)");
    expect(find(r, "KafkaNodePool", "brokers").map((c) => c.reasons[0])).toEqual(["storage size changed: volumes are resized (shrinking is impossible)"]);
    const cls: any = clone(base);
    cls.regions[1].kafka.brokers.storage.class = "io2";
    expect(find(diff(base, cls), "KafkaNodePool", "brokers")[0].risk).toBe("destructive");
  });

  test("Kafka cluster renamed, node pool removed", () => {
    const head = devSpec();
    head.regions[0].kafka.name = "dev2";
    const r = diff(devSpec(), head);
    expect(find(r, "Kafka", "dev")[0]).toMatchObject({ action: "delete", risk: "destructive" });
    expect(find(r, "Kafka", "dev2")[0]).toMatchObject({ action: "create", risk: "safe" });
    const pools = devSpec();
    pools.regions[0].kafka = { name: "dev", brokers: { replicas: 3, storage: { size: "10Gi" } } };
    expect(find(diff(devSpec(), pools), "KafkaNodePool", "dual")[0]).toMatchObject({ action: "delete", risk: "destructive" });
  });

  test("deleteClaim turned on", () => {
    const base = devSpec();
    base.regions[0].kafka.brokers.storage = { size: "10Gi" };
    const head = clone(base);
    head.regions[0].kafka.brokers.storage.deleteClaim = true;
    expect(find(diff(base, head), "KafkaNodePool", "dual")[0].reasons).toContain("deleteClaim turned on: volumes are deleted with their brokers");
  });

  test("tenant namespace removed", () => {
    const head = devSpec();
    head.tenants.pop();
    const [ns] = find(diff(devSpec(), head), "Namespace", "beta");
    expect(ns).toMatchObject({ action: "delete", risk: "destructive" });
    expect(ns.reasons[0]).toBe("tenant namespace beta removed: everything in it is deleted");
  });

  test("FlinkDeployment removed, made stateless, moved to another bucket, suspended, allowed to drop state", () => {
    const base = devSpecWithJob();
    const removed = clone(base);
    removed.tenants[0].jobs = [];
    expect(find(diff(base, removed), "FlinkDeployment")[0]).toMatchObject({ action: "delete", risk: "destructive" });
    const stateless = clone(base);
    Object.assign(stateless.tenants[0].jobs[0], { upgradeMode: "stateless", stateless: true });
    expect(find(diff(base, stateless), "FlinkDeployment")[0].reasons).toContain("upgradeMode set to stateless: the next upgrade starts from empty state");
    const moved = clone(base);
    moved.regions[0].flink = { checkpointBucket: "another-bucket" };
    expect(find(diff(base, moved), "FlinkDeployment")[0].reasons.some((r) => r.startsWith("checkpoint directory changed"))).toBe(true);
    const suspended = clone(base);
    suspended.tenants[0].jobs[0].state = "suspended";
    expect(find(diff(base, suspended), "FlinkDeployment")[0]).toMatchObject({ risk: "disruptive", reasons: ["job state running -> suspended"] });
    const drop = clone(base);
    drop.tenants[0].jobs[0].allowNonRestoredState = true;
    expect(find(diff(base, drop), "FlinkDeployment")[0].risk).toBe("destructive");
  });

  test("connector renamed, topic prefix or slot changed", () => {
    const base = devSpecWithSource();
    const renamed = clone(base);
    renamed.tenants[0].sources[0].name = "orders";
    renamed.tenants[0].sources[0].topicPrefix = "orders-db";
    const r = diff(base, renamed);
    expect(find(r, "KafkaConnector", "alpha-orders-db")[0]).toMatchObject({ action: "delete", risk: "destructive" });
    const prefix = clone(base);
    prefix.tenants[0].sources[0].topicPrefix = "orders";
    expect(find(diff(base, prefix), "KafkaConnector")[0].reasons[0]).toMatch(/^topic.prefix changed/);
    const slot = clone(base);
    slot.tenants[0].sources[0].slotName = "other_slot";
    expect(find(diff(base, slot), "KafkaConnector")[0].reasons[0]).toMatch(/^slot.name changed/);
  });

  test("MirrorMaker 2 removed; immutable field changed (replace)", () => {
    const base = render(devSpec());
    const withMm2 = new Map(base);
    withMm2.set("local|kafka.strimzi.io/v1|KafkaMirrorMaker2|kafka|alpha-mm2", {
      file: "local/tenant-alpha.yaml",
      obj: { apiVersion: "kafka.strimzi.io/v1", kind: "KafkaMirrorMaker2", metadata: { name: "alpha-mm2", namespace: "kafka" }, spec: {} },
    });
    expect(diffTrees(withMm2, base).changes[0]).toMatchObject({ kind: "KafkaMirrorMaker2", action: "delete", risk: "destructive" });
    const head = new Map([...base].map(([k, v]) => [k, clone(v)]));
    const topic = [...head.values()].find((t) => t.obj.kind === "KafkaTopic")!;
    topic.obj.spec.topicName = "alpha.renamed";
    expect(diffTrees(base, head).changes[0]).toMatchObject({ action: "replace", risk: "destructive" });
  });

  test("a Job's pod template or a Deployment's selector changed: the API server refuses it in place (replace)", () => {
    const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j", namespace: "kafka" }, spec: { template: { spec: { containers: [{ name: "c", image: "a:1" }] } } } };
    const key = "local|batch/v1|Job|kafka|j";
    const base = new Map([[key, { file: "local/platform.yaml", obj: clone(job) as Record<string, any> }]]);
    const head = new Map([[key, { file: "local/platform.yaml", obj: clone(job) as Record<string, any> }]]);
    head.get(key)!.obj.spec.template.spec.containers[0].image = "a:2";
    const [c] = diffTrees(base, head).changes;
    expect(c).toMatchObject({ action: "replace", risk: "disruptive" });
    expect(c.reasons[0]).toBe("spec.template.spec.containers[name=c].image cannot change in place: the object is deleted and re-created");
    // A label of the Job itself changes in place.
    const labelled = new Map([[key, { file: "local/platform.yaml", obj: { ...clone(job), metadata: { ...job.metadata, labels: { a: "b" } } } as Record<string, any> }]]);
    expect(diffTrees(base, labelled).changes[0].action).toBe("update");
    const dep = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "kafka" }, spec: { selector: { matchLabels: { app: "d" } } } };
    const dkey = "local|apps/v1|Deployment|kafka|d";
    const moved = diffTrees(
      new Map([[dkey, { file: "local/platform.yaml", obj: clone(dep) as Record<string, any> }]]),
      new Map([[dkey, { file: "local/platform.yaml", obj: { ...clone(dep), spec: { selector: { matchLabels: { app: "e" } } } } as Record<string, any> }]]),
    );
    expect(moved.changes[0].action).toBe("replace");
  });

  test("a snapshot trigger Job replaced (Kafka upgrade -> new image) says that its signal is not sent again", () => {
    const spec = clone(devSpecWithSource());
    spec.tenants[0].sources[0].signalTable = "public.debezium_signal";
    spec.tenants[0].sources[0].incrementalSnapshots = [{ id: "once", tables: ["public.orders"] }];
    const base = render(spec);
    const head = new Map([...base].map(([k, v]) => [k, clone(v)]));
    const job = [...head.values()].find((t) => t.obj.kind === "Job" && t.obj.metadata.name.endsWith("-snapshot-once"))!.obj;
    job.spec.template.spec.containers[0].image = "quay.io/strimzi/kafka:1.2.0-kafka-4.2.0";
    const [c] = diffTrees(base, head).changes;
    expect(c).toMatchObject({ kind: "Job", action: "replace", risk: "disruptive" });
    expect(c.reasons).toContain("the snapshot trigger runs again; it finds the signal it sent (same id) in the signal topic and sends none: no new snapshot");
  });

  test("Flink changes the operator refuses in place: a session job's deploymentName, a session cluster becoming an application", () => {
    const sessionJob = { apiVersion: "flink.apache.org/v1beta1", kind: "FlinkSessionJob", metadata: { name: "j", namespace: "t" }, spec: { deploymentName: "s1", job: { upgradeMode: "savepoint" } } };
    const key = "local|flink.apache.org/v1beta1|FlinkSessionJob|t|j";
    const moved = diffTrees(
      new Map([[key, { file: "local/tenant-t.yaml", obj: clone(sessionJob) as Record<string, any> }]]),
      new Map([[key, { file: "local/tenant-t.yaml", obj: { ...clone(sessionJob), spec: { ...sessionJob.spec, deploymentName: "s2" } } as Record<string, any> }]]),
    ).changes[0];
    expect(moved).toMatchObject({ action: "replace", risk: "destructive" });
    expect(moved.reasons[0]).toMatch(/^spec\.deploymentName cannot change in place \(the operator refuses it\)/);
    const session = { apiVersion: "flink.apache.org/v1beta1", kind: "FlinkDeployment", metadata: { name: "d", namespace: "t" }, spec: { mode: "native", flinkVersion: "v1_20" } };
    const dkey = "local|flink.apache.org/v1beta1|FlinkDeployment|t|d";
    const becomesApp = diffTrees(
      new Map([[dkey, { file: "local/tenant-t.yaml", obj: clone(session) as Record<string, any> }]]),
      new Map([[dkey, { file: "local/tenant-t.yaml", obj: { ...clone(session), spec: { ...session.spec, job: { jarURI: "local:///j.jar", upgradeMode: "savepoint" } } } as Record<string, any> }]]),
    ).changes[0];
    expect(becomesApp).toMatchObject({ action: "replace", risk: "destructive" });
    // A change inside an existing job is an in-place update.
    const app = { ...clone(session), spec: { ...session.spec, job: { jarURI: "local:///j.jar", upgradeMode: "savepoint", parallelism: 2 } } };
    const scaled = diffTrees(
      new Map([[dkey, { file: "local/tenant-t.yaml", obj: clone(app) as Record<string, any> }]]),
      new Map([[dkey, { file: "local/tenant-t.yaml", obj: { ...clone(app), spec: { ...app.spec, job: { ...app.spec.job, parallelism: 4 } } } as Record<string, any> }]]),
    ).changes[0];
    expect(scaled.action).toBe("update");
  });
});

describe("floe diff: benign changes are not flagged", () => {
  test("labels, resources within quota, a new topic and app are safe", () => {
    const base: any = devSpecWithJob();
    const head: any = clone(base);
    head.tenants[0].adminGroups = ["alpha-team"];
    head.tenants[0].jobs[0].taskManager = { cpu: 1.5, memory: "4096m" };
    head.tenants[0].topics.push({ name: "audit" });
    head.tenants[0].apps.push({ name: "auditor", produces: ["audit"] });
    const r = diff(base, head);
    expect(r.changes.length).toBeGreaterThan(0);
    expect(r.changes.filter((c) => c.risk !== "safe")).toEqual([]);
    expect(r.summary.destructive + r.summary.disruptive).toBe(0);
    expect(exceeds(r, "disruptive")).toBe(false);
  });

  test("identical specs give no changes", () => {
    expect(diff(exampleSpec(), exampleSpec()).changes).toEqual([]);
  });
});

describe("formats", () => {
  const base = devSpec();
  const head = clone(base);
  head.tenants[0].topics.pop();
  head.tenants[1].topics[0].partitions = 12;
  head.tenants[0].topics.push({ name: "new" });
  const r = diff(base, head);

  test("json has the stable shape of the design doc", () => {
    const parsed = JSON.parse(formatJson(r));
    expect(Object.keys(parsed)).toEqual(["summary", "changes"]);
    expect(Object.keys(parsed.changes[0])).toEqual(["action", "apiVersion", "kind", "namespace", "name", "file", "risk", "reasons", "fields"]);
    expect(parsed.summary).toMatchObject({ create: 1, delete: 1, update: 1, destructive: 1, disruptive: 1, safe: 1 });
  });

  test("markdown: summary table first, destructive changes on top, details collapsed", () => {
    const md = formatMarkdown(r);
    expect(md.indexOf("| risk | changes |")).toBeLessThan(md.indexOf("| risk | action |"));
    const rows = md.split("\n").filter((l) => l.startsWith("| 🔴") || l.startsWith("| 🟠") || l.startsWith("| 🟢")).slice(3);
    expect(rows.map((l) => l.slice(0, 4))).toEqual(["| 🔴", "| 🟠", "| 🟢"]);
    expect(md).toContain("<details><summary>Field changes</summary>");
    // Each field-change heading names the region of the object (the same object exists in every region).
    const headings = md.split("\n").filter((l) => /^\*\*(update|replace) /.test(l));
    expect(headings.length).toBeGreaterThan(0);
    for (const h of headings) expect(h).toMatch(/` in [a-z0-9-]+\*\*$/);
    expect(headings.join("\n")).toContain(` in ${r.changes.find((c) => c.fields.length > 0)!.file.split("/")[0]}**`);
  });

  test("text: colour only when asked (a TTY)", () => {
    expect(formatText(r, false)).not.toContain("\u001b[");
    expect(formatText(r, true)).toContain("\u001b[31m");
    expect(formatText(r, false)).toMatch(/^floe diff: 3 change\(s\)/);
  });

  test("secret values are never printed", () => {
    const base2 = new Map([["x|v1|Secret|ns|s", { file: "x/a.yaml", obj: { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "ns" }, data: { password: "aGVsbG8=" } } }]]);
    const head2 = new Map([["x|v1|Secret|ns|s", { file: "x/a.yaml", obj: { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "ns" }, data: { password: "d29ybGQ=" } } }]]);
    const out = formatJson(diffTrees(base2, head2));
    expect(out).toContain("<redacted>");
    expect(out).not.toMatch(/aGVsbG8=|d29ybGQ=/);
  });
});

describe("floe diff CLI: --fail-on and reviewed acknowledgements", () => {
  async function floe(args: string[]) {
    let out = "";
    let err = "";
    const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  }
  const synthTo = (spec: unknown) => {
    const out = mkdtempSync(join(tmpdir(), "floe-diff-"));
    return writeTree(synthesize(parsePlatformSpec(spec)), out);
  };

  test("exit 2 on a destructive change with --fail-on destructive; 0 without", async () => {
    const head = devSpec();
    head.tenants[0].topics.pop();
    const [b, h] = [synthTo(devSpec()), synthTo(head)];
    expect((await floe(["diff", b, h, "--fail-on", "destructive"])).code).toBe(2);
    expect((await floe(["diff", b, h])).code).toBe(0);
    const md = await floe(["diff", b, h, "--format", "markdown"]);
    expect(md.out).toMatch(/^## Floe platform diff/);
  });

  test("--fail-on disruptive also fails on disruptive changes; safe changes never fail", async () => {
    const up = devSpec();
    up.tenants[1].topics[0].partitions = 12;
    const [b, h] = [synthTo(devSpec()), synthTo(up)];
    expect((await floe(["diff", b, h, "--fail-on", "disruptive"])).code).toBe(2);
    expect((await floe(["diff", b, h, "--fail-on", "destructive"])).code).toBe(0);
    const safe = devSpec();
    safe.tenants[0].topics.push({ name: "new" });
    expect((await floe(["diff", b, synthTo(safe), "--fail-on", "disruptive"])).code).toBe(0);
  });

  test("an allowDestructive entry in the head spec acknowledges the change", async () => {
    const head = devSpec();
    head.tenants[0].topics.pop();
    head.allowDestructive = [{ kind: "KafkaTopic", name: "alpha.state", reason: "state topic replaced by the alpha.totals table (ticket OPS-42)" }];
    const r = await floe(["diff", synthTo(devSpec()), synthTo(head), "--fail-on", "destructive", "--format", "json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.summary).toMatchObject({ destructive: 0, acknowledged: 1 });
    expect(json.changes[0].acknowledged).toBe(true);
  });

  test("an acknowledgement needs a reason", () => {
    const spec = devSpec();
    spec.allowDestructive = [{ kind: "KafkaTopic", name: "x", reason: "ok" }];
    expect(() => parsePlatformSpec(spec)).toThrow(/allowDestructive\[0\]\.reason/);
  });

  test("bad options and missing trees exit 1", async () => {
    const b = synthTo(devSpec());
    expect((await floe(["diff", b, b, "--format", "html"])).err).toContain("[InvalidOption] diff.--format");
    expect((await floe(["diff", b, b, "--fail-on", "safe"])).code).toBe(1);
    expect((await floe(["diff", b, "/nonexistent"])).err).toContain("[TreeNotFound]");
  });

  test("parsing only the files that differ gives the same result as parsing everything", () => {
    const head: any = exampleSpec();
    head.tenants[0].topics[0].partitions = 24;
    head.tenants[2].apps.pop();
    const [b, h] = [synthTo(exampleSpec()), synthTo(head)];
    const quick = diffDirectories(b, h);
    expect(quick.changes.length).toBeGreaterThan(2);
    expect(quick).toEqual(diffTrees(loadTree(b), loadTree(h)));
  });

  test("file pair by file pair: an object moved to another file of its region is one update, not a delete and a create", () => {
    const b = synthTo(devSpec());
    const h = synthTo(devSpec());
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "moved", namespace: "alpha" }, data: { a: "b" } };
    writeFileSync(join(b, "local", "a-first.yaml"), stringify(cm));
    writeFileSync(join(h, "local", "z-last.yaml"), stringify({ ...cm, data: { a: "c" } }));
    writeFileSync(join(h, "other-region.yaml"), stringify(cm));
    const result = diffDirectories(b, h);
    const moved = result.changes.filter((c) => c.name === "moved");
    expect(moved).toEqual([
      // The same object in another directory (region) is another object.
      expect.objectContaining({ action: "create", file: "other-region.yaml" }),
      expect.objectContaining({ action: "update", file: join("local", "z-last.yaml"), fields: [{ path: "data.a", old: "b", new: "c" }] }),
    ]);
    expect(result).toEqual(diffTrees(loadTree(b), loadTree(h)));
  });

  test("a file whose aliases expand an alias bomb is refused, naming the file", async () => {
    const b = synthTo(devSpec());
    const h = synthTo(devSpec());
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    writeFileSync(join(h, "local", "bomb.yaml"), `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bomb, namespace: alpha }\ndata:\n  ${levels.join("\n  ")}\n`);
    const r = await floe(["diff", b, h]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[InvalidManifestYaml\] .*bomb\.yaml: .*uses more than 100 aliases/);
  });

  test("a hand-edited tree file is diffed too", async () => {
    const b = synthTo(devSpec());
    const h = synthTo(devSpec());
    writeFileSync(join(h, "local", "extra.yaml"), stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "alpha" }, data: { a: "b" } }));
    const r = await floe(["diff", b, h, "--format", "json"]);
    expect(JSON.parse(r.out).changes).toEqual([expect.objectContaining({ action: "create", kind: "ConfigMap", file: join("local", "extra.yaml") })]);
  });
});

describe("floe diff: lists of ACLs, rules and alerts by identity; lost access is classified", () => {
  const objectsOf = (spec: unknown) => render(spec);
  const edit = (base: ReturnType<typeof render>, kind: string, name: string, mutate: (o: any) => void) => {
    const head = new Map([...base].map(([k, v]) => [k, clone(v)]));
    const entry = [...head.values()].find((t) => t.obj.kind === kind && t.obj.metadata.name === name);
    if (!entry) throw new Error(`no ${kind} ${name}`);
    mutate(entry.obj);
    return diffTrees(base, head);
  };

  test("a job that stops reading a topic: its user loses Read on it, shown as that ACL (not as every later ACL shifting) and disruptive", () => {
    const head = clone(devSpecWithJob());
    head.tenants[0].jobs[0].reads = [];
    const [c] = find(diff(devSpecWithJob(), head), "KafkaUser", "alpha-enricher");
    expect(c.risk).toBe("disruptive");
    expect(c.fields.every((f) => /^spec\.authorization\.acls\[acl=/.test(f.path))).toBe(true);
    expect(c.fields.map((f) => f.path)).toContain("spec.authorization.acls[acl=allow topic:literal:alpha.events]");
    expect(c.reasons).toEqual([
      "user alpha-enricher loses Read on allow group:literal:alpha.enricher: a running client that uses it fails",
      "user alpha-enricher loses Read on allow topic:literal:alpha.events: a running client that uses it fails",
    ]);
  });

  test("an ACL removed from the middle of the list is one change; an ACL added is safe", () => {
    const base = objectsOf(devSpecWithJob());
    const acls = (o: any) => o.spec.authorization.acls as any[];
    const removed = edit(base, "KafkaUser", "alpha-enricher", (o) => acls(o).splice(0, 1));
    const [c] = find(removed, "KafkaUser", "alpha-enricher");
    expect(c.fields).toHaveLength(1);
    expect(c.fields[0].new).toBeUndefined();
    const added = edit(base, "KafkaUser", "alpha-enricher", (o) => acls(o).unshift({ resource: { type: "topic", name: "alpha.extra", patternType: "literal" }, operations: ["Read"] }));
    const [a] = find(added, "KafkaUser", "alpha-enricher");
    expect(a).toMatchObject({ risk: "safe", fields: [{ path: "spec.authorization.acls[acl=allow topic:literal:alpha.extra]", old: undefined }] });
  });

  test("operations dropped from an ACL that stays are lost access; operations added are not", () => {
    const rendered = objectsOf(devSpecWithJob());
    const base = new Map([...rendered].map(([k, v]) => [k, clone(v)]));
    const user = [...base.values()].find((t) => t.obj.kind === "KafkaUser" && t.obj.metadata.name === "alpha-enricher")!.obj;
    user.spec.authorization.acls[0].operations = ["Read", "Describe"];
    const first = (o: any) => o.spec.authorization.acls[0];
    const dropped = edit(base, "KafkaUser", "alpha-enricher", (o) => (first(o).operations = first(o).operations.slice(0, 1)));
    const [c] = find(dropped, "KafkaUser", "alpha-enricher");
    expect(c.risk).toBe("disruptive");
    expect(c.reasons).toEqual([expect.stringMatching(/^user alpha-enricher loses Describe on allow \w+:literal:/)]);
    const grown = edit(base, "KafkaUser", "alpha-enricher", (o) => first(o).operations.push("Alter"));
    expect(find(grown, "KafkaUser", "alpha-enricher")[0].risk).toBe("safe");
  });

  test("RBAC: a rule or verb removed from a Role is disruptive; NetworkPolicy: an allowed path removed is disruptive", () => {
    const base = objectsOf(devSpecWithJob());
    const roleName = [...base.values()].find((t) => t.obj.kind === "Role" && t.obj.rules.some((r: any) => r.verbs.length > 1))!.obj.metadata.name;
    const verbs = edit(base, "Role", roleName, (o) => {
      const rule = o.rules.find((r: any) => r.verbs.length > 1);
      rule.verbs = rule.verbs.slice(1);
    });
    const [r] = find(verbs, "Role", roleName);
    expect(r.risk).toBe("disruptive");
    expect(r.reasons[0]).toMatch(new RegExp(`^Role ${roleName} no longer grants \\w+ on `));
    const policy = [...base.values()].find((t) => t.obj.kind === "NetworkPolicy" && (t.obj.spec.egress ?? []).length > 0)!.obj;
    const egress = edit(base, "NetworkPolicy", policy.metadata.name, (o) => o.spec.egress.splice(0, 1));
    const [n] = find(egress, "NetworkPolicy", policy.metadata.name);
    expect(n.risk).toBe("disruptive");
    expect(n.fields).toEqual([{ path: "spec.egress[0]", old: policy.spec.egress[0], new: undefined }]);
    expect(n.reasons[0]).toMatch(/no longer allows egress/);
  });

  test("alerts are matched by name: one alert inserted first is one change", () => {
    const base = objectsOf(devSpecWithJob());
    const rule = [...base.values()].find((t) => t.obj.kind === "PrometheusRule")!.obj;
    const result = edit(base, "PrometheusRule", rule.metadata.name, (o) => o.spec.groups[0].rules.unshift({ alert: "E2eNew", expr: "vector(1)", labels: { severity: "warning" } }));
    const [c] = find(result, "PrometheusRule", rule.metadata.name);
    expect(c.fields.map((f) => f.path)).toEqual([`spec.groups[name=${rule.spec.groups[0].name}].rules[alert=E2eNew]`]);
  });
});

describe("fileReader (floe diff reads each file pair into two buffers it reuses)", () => {
  test("gives each file's bytes, whatever the sizes before it; a file larger than the buffer grows it", () => {
    const dir = mkdtempSync(join(tmpdir(), "floe-reader-"));
    const files = { small: "a: 1\n", large: "x".repeat(300_000), prefix: "a: 1\nb: 2\n", empty: "" };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const read = fileReader();
    for (const name of ["small", "large", "small", "prefix", "empty", "large"] as const) {
      expect(read(join(dir, name)).toString("utf8")).toBe(files[name]);
    }
    // Two readers, as diffDirectories uses them: a file equals another only with the same bytes and length.
    const other = fileReader();
    expect(read(join(dir, "small")).equals(other(join(dir, "prefix")))).toBe(false);
    expect(read(join(dir, "prefix")).equals(other(join(dir, "prefix")))).toBe(true);
  });
});

describe("floe diff prints a change at a time: openDiff keeps the changes in a file until they are read", () => {
  const synthTo = (spec: unknown) => writeTree(synthesize(parsePlatformSpec(spec)), mkdtempSync(join(tmpdir(), "floe-tree-")));
  /** Run `f` with a fresh directory for the diff's temporary files; the names left in it after. */
  const leftIn = (f: (tmp: string) => void): string[] => {
    const tmp = mkdtempSync(join(tmpdir(), "floe-tmpdir-"));
    f(tmp);
    const left = readdirSync(tmp);
    rmSync(tmp, { recursive: true, force: true });
    return left;
  };
  const cm = (name: string, data: Record<string, string>) => stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "alpha" }, data });

  test("the changes read back are those of the in-memory diff, as often as asked; close removes the file", () => {
    const head: any = exampleSpec();
    head.tenants[0].topics[0].partitions = 24;
    head.tenants[2].apps.pop();
    const [b, h] = [synthTo(exampleSpec()), synthTo(head)];
    // A topic deleted: destructive, and matched only after every file pair.
    writeFileSync(join(b, "gone.yaml"), stringify({ apiVersion: "kafka.strimzi.io/v1", kind: "KafkaTopic", metadata: { name: "gone", namespace: "kafka" }, spec: { partitions: 1 } }));
    const expected = diffTrees(loadTree(b), loadTree(h));
    expect(expected.changes.map((c) => c.risk)).toEqual(expect.arrayContaining(["destructive", "disruptive"]));
    const left = leftIn((tmp) => {
      const stream = openDiff(b, h, tmp);
      // The files are open with their names already removed (not on Windows, which keeps them until close).
      expect(readdirSync(tmp)).toEqual(process.platform === "win32" ? [expect.stringMatching(/^floe-diff-spill-/)] : []);
      expect(stream.summary).toEqual(expected.summary);
      expect(stream.count).toBe(expected.changes.length);
      expect([...stream.changes()]).toEqual(expected.changes);
      expect([...stream.changes()]).toEqual(expected.changes);
      for (const format of ["json", "text", "markdown"] as const) expect([...diffChunks(stream, format)].join("")).toBe(formatDiff(expected, format));
      stream.close();
    });
    expect(left).toEqual([]);
  });

  test("a diff killed while its changes are held (SIGKILL, before close) leaves nothing in the temporary directory", () => {
    const head: any = exampleSpec();
    head.tenants[0].topics[0].partitions = 24;
    const [b, h] = [synthTo(exampleSpec()), synthTo(head)];
    // The compiled library (npm test builds it first), in a process of its own that dies the way a CI timeout kills.
    const script = `
      const { openDiff } = require(${JSON.stringify(join(__dirname, "..", "..", "dist-lib", "lib", "internal.js"))});
      const [b, h, tmp] = process.argv.slice(1);
      const stream = openDiff(b, h, tmp);
      const first = stream.changes()[Symbol.iterator]().next();
      process.stdout.write(JSON.stringify({ count: stream.count, first: first.value.name }));
      process.kill(process.pid, "SIGKILL");`;
    let out: ReturnType<typeof spawnSync> | undefined;
    const left = leftIn((tmp) => {
      out = spawnSync(process.execPath, ["-e", script, b, h, tmp], { encoding: "utf8" });
    });
    expect(out?.signal).toBe("SIGKILL");
    expect(JSON.parse(String(out?.stdout))).toEqual({ count: expect.any(Number), first: expect.any(String) });
    expect(JSON.parse(String(out?.stdout)).count).toBeGreaterThan(0);
    expect(left).toEqual([]);
  });

  test("a diff that fails (a file that is not YAML) leaves nothing in the temporary directory", () => {
    const [b, h] = [synthTo(devSpec()), synthTo(devSpec())];
    writeFileSync(join(b, "local", "a.yaml"), cm("a", { x: "1" }));
    writeFileSync(join(h, "local", "a.yaml"), cm("a", { x: "2" }));
    writeFileSync(join(h, "local", "z.yaml"), "a: [\n");
    const left = leftIn((tmp) => expect(() => openDiff(b, h, tmp)).toThrow(/InvalidManifestYaml/));
    expect(left).toEqual([]);
  });

  test("acknowledgements that are not what synth writes are refused, naming the file and the entry; nothing is left behind", async () => {
    const [b, h] = [synthTo(devSpec()), synthTo(devSpec())];
    const file = join(h, "floe-acknowledgements.json");
    writeFileSync(file, "[{ not json");
    expect(leftIn((tmp) => expect(() => openDiff(b, h, tmp)).toThrow(/\[InvalidAcknowledgements\] .*floe-acknowledgements\.json: is not valid JSON/))).toEqual([]);
    let err = "";
    const r = await run(["diff", b, h], { out: () => undefined, err: (t) => void (err += t) });
    expect(r).toBe(1);
    expect(err).toContain("[InvalidAcknowledgements]");
    expect(err).toContain("re-run it, or remove the file");
    writeFileSync(file, JSON.stringify({ kind: "KafkaTopic" }));
    expect(() => openDiff(b, h)).toThrow(/floe-acknowledgements\.json: is not a list of acknowledgements/);
    writeFileSync(file, JSON.stringify([{ kind: "KafkaTopic", name: "t", reason: "ok" }, { kind: "KafkaTopic", name: "u" }]));
    expect(() => openDiff(b, h)).toThrow(/floe-acknowledgements\.json\[1\]\.reason: must be a string/);
    writeFileSync(file, JSON.stringify([{ kind: "KafkaTopic", name: "t", reason: "ok", namespace: 3 }]));
    expect(() => openDiff(b, h)).toThrow(/\[0\]\.namespace: must be a string when given/);
  });

  test("a change larger than the read buffer (1 MiB) reads back whole; the order is risk, region, file, object", () => {
    const [b, h] = [synthTo(devSpec()), synthTo(devSpec())];
    const large = "v".repeat(3 << 20);
    writeFileSync(join(b, "local", "c-large.yaml"), cm("large", { x: large }));
    writeFileSync(join(h, "local", "c-large.yaml"), cm("large", { x: `${large}w` }));
    writeFileSync(join(b, "local", "a.yaml"), cm("z-a", { x: "1" }) + "---\n" + cm("a-a", { x: "1" }));
    writeFileSync(join(h, "local", "a.yaml"), cm("z-a", { x: "2" }) + "---\n" + cm("a-a", { x: "2" }));
    // Only in the head: its change is matched after every file pair, and merged back in file order.
    writeFileSync(join(h, "local", "b-new.yaml"), cm("b-new", { x: "1" }));
    writeFileSync(join(h, "top.yaml"), cm("top", { x: "1" }));
    const result = diffDirectories(b, h);
    expect(result.changes.map((c) => `${c.file} ${c.name}`)).toEqual([
      "top.yaml top",
      `${join("local", "a.yaml")} a-a`,
      `${join("local", "a.yaml")} z-a`,
      `${join("local", "b-new.yaml")} b-new`,
      `${join("local", "c-large.yaml")} large`,
    ]);
    expect(result.changes[4].fields).toEqual([{ path: "data.x", old: large, new: `${large}w` }]);
    expect(result).toEqual(diffTrees(loadTree(b), loadTree(h)));
  });

  test("json in pieces is JSON.stringify of the whole result, with and without changes", () => {
    const head = devSpec();
    head.tenants[0].topics.pop();
    head.tenants[0].topics.push({ name: "new" });
    for (const r of [diff(devSpec(), head), diff(devSpec(), devSpec())]) expect(formatJson(r)).toBe(`${JSON.stringify(r, null, 2)}\n`);
  });

  test("the CLI writes the same bytes as the in-memory formats, for a diff longer than one write (64 KiB)", async () => {
    const head: any = exampleSpec();
    head.tenants[0].topics[0].partitions = 24;
    head.tenants[2].apps.pop();
    const [b, h] = [synthTo(exampleSpec()), synthTo(head)];
    writeFileSync(join(b, "local-large.yaml"), cm("large", { x: "v".repeat(100_000) }));
    writeFileSync(join(h, "local-large.yaml"), cm("large", { x: "w".repeat(100_000) }));
    const expected = diffDirectories(b, h);
    for (const format of ["json", "text", "markdown"] as const) {
      const writes: string[] = [];
      const code = await run(["diff", b, h, "--format", format], { out: (t) => writes.push(t), err: () => undefined });
      expect(code).toBe(0);
      expect(writes.join("")).toBe(formatDiff(expected, format));
      if (format === "json") expect(writes.length).toBeGreaterThan(1);
    }
  });
});
