/**
 * `stacks/index.ts` with the real Pulumi engine (CLI and Kubernetes provider built by e2e/install.sh, local file
 * backend, passphrase secrets) against a real kube-apiserver, into an empty cluster.
 *
 * - The operators' Helm charts cannot be fetched here: the spec says `operators: { install: false }` and the
 *   operators' CRDs (../shared/crds, ../shared/crds-ecosystem) are applied first, as a cluster whose operators
 *   are installed by another team would have them.
 * - The AWS side runs with `floe:cloud: none`: the Pulumi AWS provider (module
 *   github.com/pulumi/pulumi-aws/provider/v7) is not served by the Go module proxy, so it cannot be built here
 *   and a moto server would have no provider to talk to. The AWS components stay proven under mocks and with
 *   iam-simulate in `npm test` (test/cloud, test/platform/streaming-platform.test.ts).
 */
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { Manifest, parsePlatformSpec, PlatformSpec, synthesize } from "../../lib/internal";
import { requiredCrds } from "../../lib/platform/pulumi";
import { KubeCluster, startCluster } from "../../e2e/kube";
import { runDir } from "../../e2e/paths";
import { PulumiEnvironment } from "../../e2e/pulumi";
import { devExampleSpec } from "./specs";
import { idOf } from "./support";
import { ROOT } from "../helpers";
import { committedStackConfig } from "../helpers/stack";

const REGION = "eu-west-1";
/** Kinds that hold data or own it: kept in the cluster when removed from the stack. */
const RETAINED = new Set(["Namespace", "Kafka", "KafkaNodePool", "KafkaTopic", "FlinkDeployment", "FlinkStateSnapshot", "PersistentVolumeClaim"]);
/** Every object of a region is named `<prefix>:<namespace>/<name>`, whatever file it is in. */
const PREFIX = `floe-${REGION}`;

let cluster: KubeCluster;
let pulumi: PulumiEnvironment;
let dir: string;
const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"];
const projectFiles = () => PROJECT_FILES.map((f) => readFileSync(join(ROOT, f), "utf8"));
const before = projectFiles();

function stackSpec(edit: (spec: any) => void = () => undefined): PlatformSpec {
  const spec = structuredClone(devExampleSpec()) as any;
  spec.regions[0].operators = { install: false };
  edit(spec);
  return spec;
}

function writeSpec(name: string, spec: PlatformSpec): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(spec));
  return file;
}

/** The committed dev stack's config (Pulumi.dev.yaml), with this tier's spec, no cloud side and the cluster's kubeconfig. */
function config(specFile: string) {
  const committed = Object.fromEntries(Object.entries(committedStackConfig("dev")).map(([k, v]) => [k, { value: v }]));
  return {
    ...committed,
    "floe:spec": { value: specFile },
    "floe:cloud": { value: "none" },
    [`floe:kubeconfig-${REGION}`]: { value: cluster.kubeconfig(), secret: true },
  };
}

/** The type of a URN's resource (the last of its type chain) and its name. */
function urnParts(urn: string): { type: string; name: string } {
  // urn:pulumi:<stack>::<project>::<type chain, $-separated>::<name>
  const parts = urn.split("::");
  return { type: parts[2].split("$").pop()!, name: parts.slice(3).join("::") };
}
const isManifest = (urn: string) => {
  const { type } = urnParts(urn);
  return type.startsWith("kubernetes:") && type !== "kubernetes:yaml/v2:ConfigGroup";
};

function rendered(spec: PlatformSpec): Manifest[] {
  return synthesize(parsePlatformSpec(spec)).files.flatMap((f) => f.objects);
}

beforeAll(async () => {
  cluster = await startCluster({ label: "pulumi" });
  await cluster.installSharedCrds();
  dir = runDir("pulumi-stack");
  pulumi = new PulumiEnvironment(dir);
});
afterAll(async () => cluster?.stop());

describe("pulumi preview, up, up, edit and destroy of stacks/index.ts", () => {
  const base = stackSpec();
  const objects = rendered(base);
  let baseFile: string;

  test("the engine refuses a stack without floe:spec, naming the key Pulumi.yaml declares (#18.1)", async () => {
    const withoutSpec: Record<string, { value: string; secret?: boolean }> = config(writeSpec("unused", base));
    delete withoutSpec["floe:spec"];
    const r = await pulumi.run("preview", "nospec", withoutSpec);
    expect(r.error).toMatch(/missing configuration value 'spec'/);
  });

  test("preview into the empty cluster plans a create for every rendered object, a read of every CRD they need, and nothing else", async () => {
    baseFile = writeSpec("base", base);
    const r = await pulumi.run("preview", "dev", config(baseFile));
    expect(r.error).toBeUndefined();
    const k8s = (r.steps ?? []).filter((s) => isManifest(s.urn));
    const creates = k8s.filter((s) => s.op === "create");
    const reads = k8s.filter((s) => s.op === "read");
    expect(creates.length + reads.length).toBe(k8s.length);
    expect(creates.length).toBe(objects.length);
    // operators.install is false here: every CRD the objects use is read (the cluster's own must be there).
    expect(reads.map((s) => urnParts(s.urn).name.replace(`${PREFIX}-crd-`, "")).sort()).toEqual(requiredCrds(objects));
    expect((r.steps ?? []).filter((s) => !["create", "same", "read"].includes(s.op))).toEqual([]);
  });

  test("up creates every rendered object in the API server", async () => {
    const r = await pulumi.run("up", "dev", config(baseFile));
    expect(r.error).toBeUndefined();
    const missing: string[] = [];
    for (const o of objects) if (!(await cluster.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name))) missing.push(idOf(o));
    expect(missing).toEqual([]);
    const outputs = r.outputs?.regions as Record<string, { bucketName: string; bootstrap: string }>;
    expect(outputs[REGION].bucketName).toBe("floe-dev-eu-west-1-123456789012");
    expect(outputs[REGION].bootstrap).toMatch(/^dev-kafka-bootstrap\.kafka\.svc:\d+$/);
  });

  test("a second up is a no-op", async () => {
    const r = await pulumi.run("up", "dev", config(baseFile));
    expect(r.error).toBeUndefined();
    // (the CRD reads run again on every update: reads, not changes)
    const changed = Object.entries(r.changes ?? {}).filter(([op, n]) => op !== "same" && op !== "read" && (n as number) > 0);
    expect(changed).toEqual([]);
  });

  test("a spec edit (a new topic, more partitions) previews exactly those changes", async () => {
    const edited = stackSpec((s) => {
      s.tenants[0].topics.push({ name: "audit", partitions: 3 });
      s.tenants[0].topics[0].partitions = 6;
    });
    const r = await pulumi.run("preview", "dev", config(writeSpec("edited", edited)));
    expect(r.error).toBeUndefined();
    const changed = (r.steps ?? []).filter((s) => s.op !== "same").map((s) => `${s.op} ${urnParts(s.urn).type} ${urnParts(s.urn).name}`);
    const topic = (name: string) => rendered(edited).find((o) => o.kind === "KafkaTopic" && (o as any).spec.topicName === name)!.metadata.name;
    expect(changed.filter((c) => !c.startsWith("read ")).sort()).toEqual(
      [`create kubernetes:kafka.strimzi.io/v1:KafkaTopic ${PREFIX}:kafka/${topic("alpha.audit")}`, `update kubernetes:kafka.strimzi.io/v1:KafkaTopic ${PREFIX}:kafka/${topic("alpha.events")}`].sort(),
    );
  });

  test("the state: stateful objects retained, namespaces applied before everything else, a tenant's objects after each object of the platform file (#18.2, #18.10, #18.13)", async () => {
    const r = await pulumi.run("export", "dev", config(baseFile));
    expect(r.error).toBeUndefined();
    const resources = r.resources ?? [];
    const byName = (type: string, name: string) => resources.find((x) => x.type === type && urnParts(x.urn).name === name);
    const kafkaObject = objects.find((o) => o.kind === "Kafka")!;
    const kafka = byName("kubernetes:kafka.strimzi.io/v1:Kafka", `${PREFIX}:${kafkaObject.metadata.namespace}/${kafkaObject.metadata.name}`)!;
    expect(kafka.retainOnDelete).toBe(true);
    const tenantGroup = byName("kubernetes:yaml/v2:ConfigGroup", `${PREFIX}-tenant-alpha`)!;
    // The tenant's topics and users are deleted before the Kafka whose entity operator removes their finalizers.
    expect(tenantGroup.dependencies).toContain(kafka.urn);
    const namespaces = byName("kubernetes:yaml/v2:ConfigGroup", `${PREFIX}-namespaces`)!;
    expect(byName("kubernetes:yaml/v2:ConfigGroup", `${PREFIX}-platform`)!.dependencies).toContain(namespaces.urn);
    const alphaNamespace = byName("kubernetes:core/v1:Namespace", `${PREFIX}:alpha`)!;
    expect(alphaNamespace.parent).toBe(namespaces.urn);
    expect(alphaNamespace.retainOnDelete).toBe(true);
    const topicObject = objects.find((o) => o.kind === "KafkaTopic")!;
    expect(byName("kubernetes:kafka.strimzi.io/v1:KafkaTopic", `${PREFIX}:kafka/${topicObject.metadata.name}`)!.retainOnDelete).toBe(true);
  });

  test("removing a tenant from the spec keeps its namespace and topics (no acknowledgement) (#18.10)", async () => {
    const withBeta = stackSpec((s) => s.tenants.push({ name: "beta", topics: [{ name: "orders", partitions: 3 }] }));
    const up = await pulumi.run("up", "dev", config(writeSpec("with-beta", withBeta)));
    expect(up.error).toBeUndefined();
    const betaTopic = rendered(withBeta).find((o) => o.kind === "KafkaTopic" && (o as any).spec.topicName === "beta.orders")!;
    expect(await cluster.get(betaTopic.apiVersion, "KafkaTopic", "kafka", betaTopic.metadata.name)).toBeDefined();
    const removed = await pulumi.run("up", "dev", config(baseFile));
    expect(removed.error).toBeUndefined();
    expect(await cluster.get(betaTopic.apiVersion, "KafkaTopic", "kafka", betaTopic.metadata.name)).toBeDefined();
    expect(await cluster.get("v1", "Namespace", undefined, "beta")).toBeDefined();
  });

  test("an acknowledged deletion (allowDestructive, applied while the object is still in the spec) deletes it on removal (#18.10)", async () => {
    const withAudit = (ack: boolean) =>
      stackSpec((s) => {
        s.tenants[0].topics.push({ name: "audit", partitions: 3 });
        if (ack) s.allowDestructive = [{ kind: "KafkaTopic", name: auditName(), namespace: "kafka", reason: "audit topic retired, data archived" }];
      });
    const auditName = () => rendered(withAudit(false)).find((o) => o.kind === "KafkaTopic" && (o as any).spec.topicName === "alpha.audit")!.metadata.name;
    expect((await pulumi.run("up", "dev", config(writeSpec("audit", withAudit(false))))).error).toBeUndefined();
    expect((await pulumi.run("up", "dev", config(writeSpec("audit-ack", withAudit(true))))).error).toBeUndefined();
    const state = await pulumi.run("export", "dev", config(baseFile));
    expect(state.resources!.find((x) => urnParts(x.urn).name === `${PREFIX}:kafka/${auditName()}`)!.retainOnDelete).toBeFalsy();
    expect((await pulumi.run("up", "dev", config(baseFile))).error).toBeUndefined();
    const live = await cluster.get("kafka.strimzi.io/v1", "KafkaTopic", "kafka", auditName());
    // Deleted (or being deleted: without a topic operator here its finalizer, if any, stays).
    expect(live === undefined || live.metadata.deletionTimestamp !== undefined).toBe(true);
  });

  test("destroy deletes the stack's objects but leaves every retained one (namespaces, Kafka, node pools, topics, Flink state) in place", async () => {
    const r = await pulumi.run("destroy", "dev", config(baseFile));
    expect(r.error).toBeUndefined();
    const kept: string[] = [];
    const gone: string[] = [];
    for (const o of objects) {
      const live = await cluster.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
      if (live && !live.metadata.deletionTimestamp) kept.push(idOf(o));
      else gone.push(idOf(o));
    }
    expect(kept.sort()).toEqual(objects.filter((o) => RETAINED.has(o.kind)).map(idOf).sort());
    expect(gone.length).toBeGreaterThan(0);
  });

  test("a CRD the manifests need that the cluster lacks stops the preview, naming it (#18.17)", async () => {
    const monitored = stackSpec((s) => (s.regions[0].monitoring = { enabled: true }));
    const crds = requiredCrds(rendered(monitored)).filter((c) => c.endsWith("monitoring.coreos.com"));
    expect(crds.length).toBeGreaterThan(0);
    const path = await cluster.pathOf("apiextensions.k8s.io/v1", "CustomResourceDefinition", undefined, crds[0]);
    const deleted = await cluster.request("DELETE", path);
    expect([200, 202]).toContain(deleted.status);
    for (let i = 0; i < 100 && (await cluster.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", undefined, crds[0])); i++) await new Promise((r) => setTimeout(r, 100));
    const r = await pulumi.run("preview", "monitored", config(writeSpec("monitored", monitored)));
    expect(r.error).toBeDefined();
    expect(`${r.error}\n${r.log}`).toContain(crds[0]);
  });

  test("the runs wrote nothing into the repository's Pulumi project files (the workspace is a folder of its own)", () => {
    expect(projectFiles()).toEqual(before);
  });
});
