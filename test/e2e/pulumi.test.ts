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
import { Manifest, parsePlatformSpec, PlatformSpec, synthesize } from "../../lib";
import { KubeCluster, startCluster } from "../../e2e/kube";
import { runDir } from "../../e2e/paths";
import { PulumiEnvironment } from "../../e2e/pulumi";
import { devExampleSpec } from "./specs";
import { idOf } from "./support";
import { ROOT } from "../helpers";

const REGION = "eu-west-1";
/** Kinds that hold data or own it: kept in the cluster when removed from the stack. */
const RETAINED = new Set(["Namespace", "Kafka", "KafkaNodePool", "KafkaTopic", "FlinkDeployment", "FlinkStateSnapshot", "PersistentVolumeClaim"]);

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

function config(specFile: string) {
  return {
    "floe:spec": { value: specFile },
    "floe:cloud": { value: "none" },
    "floe:accountId": { value: "123456789012" },
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

  test("preview into the empty cluster plans a create for every rendered object and nothing else", async () => {
    baseFile = writeSpec("base", base);
    const r = await pulumi.run("preview", "dev", config(baseFile));
    expect(r.error).toBeUndefined();
    const k8s = (r.steps ?? []).filter((s) => isManifest(s.urn));
    expect(k8s.map((s) => s.op).every((op) => op === "create")).toBe(true);
    expect(k8s.length).toBe(objects.length);
    expect((r.steps ?? []).filter((s) => s.op !== "create" && s.op !== "same")).toEqual([]);
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
    const changed = Object.entries(r.changes ?? {}).filter(([op, n]) => op !== "same" && (n as number) > 0);
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
    const group = `floe-${REGION}-tenant-alpha`;
    expect(changed.sort()).toEqual(
      [`create kubernetes:kafka.strimzi.io/v1:KafkaTopic ${group}:kafka/${topic("alpha.audit")}`, `update kubernetes:kafka.strimzi.io/v1:KafkaTopic ${group}:kafka/${topic("alpha.events")}`].sort(),
    );
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

  test("the runs wrote nothing into the repository's Pulumi project files (the workspace is a folder of its own)", () => {
    expect(projectFiles()).toEqual(before);
  });
});
