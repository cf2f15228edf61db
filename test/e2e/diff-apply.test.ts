/**
 * `floe diff` against the real API server: for each spec edit of the diff catalogue (test/gitops/diff.test.ts),
 * the base render is applied, then the next render; the objects the API server refuses to change in place are
 * exactly those `floe diff` marks `replace` (delete and re-create), apart from the fields only an operator holds
 * immutable (the API server accepts them; the operator would not act on them), which `floe diff` marks too.
 */
import { diffTrees, Manifest, parsePlatformSpec, synthesize, treeObjects } from "../../lib/internal";
import { KubeObject } from "../../e2e/kube";
import { devSpec, devSpecWithJob, devSpecWithSource, exampleSpec } from "../helpers/specs";
import { featureSpec } from "./specs";
import { applyOne, idOf, withRegionCluster } from "./support";

type Spec = any;
const clone = <T>(x: T): T => structuredClone(x);

/** Fields that the operators, not the API server, refuse to change in place (floe diff marks them `replace`). */
const OPERATOR_IMMUTABLE: Readonly<Record<string, readonly string[]>> = {
  KafkaTopic: ["spec.topicName"],
  KafkaNodePool: ["spec.roles"],
  FlinkDeployment: ["spec.mode"],
};

interface Edit {
  readonly name: string;
  readonly region: string;
  readonly base: Spec;
  readonly head: Spec;
  /** A hand edit of the head's objects (as a GitOps user might make). @default none */
  readonly tweak?: (objects: Manifest[]) => void;
}

const edit = (name: string, region: string, base: () => Spec, change: (head: Spec) => void, tweak?: Edit["tweak"]): Edit => {
  const head = clone(base());
  change(head);
  return { name, region, base: base(), head, tweak };
};

const EDITS: Edit[] = [
  edit("a topic deleted", "local", devSpec, (h) => h.tenants[0].topics.pop()),
  edit("partitions decreased", "local", devSpec, (h) => (h.tenants[1].topics[0].partitions = 3)),
  edit("partitions increased", "local", devSpec, (h) => (h.tenants[1].topics[0].partitions = 12)),
  edit("replicas and storage size changed", "us-east-1", exampleSpec, (h) => {
    h.tenants[0].topics[0].replicas = 2;
    h.tenants[0].topics[0].minInsyncReplicas = 1;
    h.regions[1].kafka.brokers.storage.size = "2Ti";
  }),
  edit("storage class changed", "us-east-1", exampleSpec, (h) => (h.regions[1].kafka.brokers.storage.class = "io2")),
  edit("Kafka cluster renamed", "local", devSpec, (h) => (h.regions[0].kafka.name = "dev2")),
  edit("combined pool replaced by broker and controller pools", "local", devSpec, (h) => (h.regions[0].kafka = { name: "dev", brokers: { replicas: 3, storage: { size: "10Gi" } } })),
  edit("deleteClaim turned on", "local", () => tap(devSpec(), (s) => (s.regions[0].kafka.brokers.storage = { size: "10Gi" })), (h) => (h.regions[0].kafka.brokers.storage.deleteClaim = true)),
  edit("a tenant removed", "local", devSpec, (h) => h.tenants.pop()),
  edit("a job removed", "local", devSpecWithJob, (h) => (h.tenants[0].jobs = [])),
  edit("a job made stateless", "local", devSpecWithJob, (h) => Object.assign(h.tenants[0].jobs[0], { upgradeMode: "stateless", stateless: true })),
  edit("a job's state moved to another bucket", "local", devSpecWithJob, (h) => (h.regions[0].flink = { checkpointBucket: "another-bucket" })),
  edit("a job suspended", "local", devSpecWithJob, (h) => (h.tenants[0].jobs[0].state = "suspended")),
  edit("a job allowed to drop state", "local", devSpecWithJob, (h) => (h.tenants[0].jobs[0].allowNonRestoredState = true)),
  edit("a connector renamed", "local", devSpecWithSource, (h) => Object.assign(h.tenants[0].sources[0], { name: "orders", topicPrefix: "orders-db" })),
  edit("a connector's topic prefix changed", "local", devSpecWithSource, (h) => (h.tenants[0].sources[0].topicPrefix = "orders")),
  edit("a connector's slot changed", "local", devSpecWithSource, (h) => (h.tenants[0].sources[0].slotName = "other_slot")),
  edit("benign: groups, resources, a new topic and app", "local", devSpecWithJob, (h) => {
    h.tenants[0].adminGroups = ["alpha-team"];
    h.tenants[0].jobs[0].taskManager = { cpu: 1.5, memory: "4096m" };
    h.tenants[0].topics.push({ name: "audit" });
    h.tenants[0].apps.push({ name: "auditor", produces: ["audit"] });
  }),
  edit("Kafka upgraded (the snapshot and registration Jobs' images change)", "local", () => tap(featureSpec(), (s) => (s.regions[0].kafka.version = "4.2.0")), (h) => (h.regions[0].kafka.version = "4.3.0")),
  edit("a topic renamed by hand in the tree", "local", devSpec, () => undefined, (objects) => {
    const topic = objects.find((o) => o.kind === "KafkaTopic") as any;
    topic.spec.topicName = "alpha.renamed";
  }),
  edit("a RoleBinding's role changed by hand in the tree", "local", devSpec, () => undefined, (objects) => {
    const binding = objects.find((o) => o.kind === "RoleBinding") as any;
    binding.roleRef.name = `${binding.roleRef.name}-other`;
  }),
];

function tap<T>(o: T, f: (o: T) => unknown): T {
  f(o);
  return o;
}

function render(spec: Spec, region: string): Manifest[] {
  return synthesize(parsePlatformSpec(spec)).files.filter((f) => f.path.startsWith(`${region}/`)).flatMap((f) => f.objects.map((o) => clone(o)));
}

describe("floe diff's in-place verdicts agree with the API server", () => {
  const cluster = withRegionCluster("diff-apply");

  /** Apply every object; an object the API server refuses to change in place (left by an earlier edit) is re-created. */
  async function applyAll(objects: readonly Manifest[]): Promise<string[]> {
    const failed: string[] = [];
    for (const o of objects) {
      let r = await applyOne(cluster(), o as unknown as KubeObject);
      if (r.status === 422) {
        const path = await cluster().pathOf(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
        await cluster().request("DELETE", `${path}?propagationPolicy=Background`);
        r = await applyOne(cluster(), o as unknown as KubeObject);
      }
      if (r.status >= 300) failed.push(`${r.id}: ${r.status} ${r.message}`);
    }
    return failed;
  }

  test.each(EDITS)("$name", async ({ region, base, head, tweak }) => {
    const baseObjects = render(base, region);
    const headObjects = render(head, region);
    tweak?.(headObjects);
    const result = diffTrees(treeObjects([{ path: `${region}/all.yaml`, objects: baseObjects }]), treeObjects([{ path: `${region}/all.yaml`, objects: headObjects }]));
    expect(result.changes.length).toBeGreaterThan(0);
    expect(await applyAll(baseObjects)).toEqual([]);

    const refused: string[] = [];
    for (const o of headObjects) {
      const r = await applyOne(cluster(), o as unknown as KubeObject);
      if (r.status >= 300) refused.push(r.id);
    }
    const replaced = result.changes.filter((c) => c.action === "replace");
    const id = (c: { kind: string; namespace?: string; name: string }) => idOf({ kind: c.kind, metadata: { name: c.name, namespace: c.namespace } });
    const operatorOnly = replaced.filter((c) => c.fields.every((f) => (OPERATOR_IMMUTABLE[c.kind] ?? []).some((p) => f.path === p || f.path.startsWith(`${p}.`) || f.path.startsWith(`${p}[`))));
    // What the API server refuses, floe diff calls a replacement ...
    expect(refused.sort()).toEqual(replaced.filter((c) => !operatorOnly.includes(c)).map(id).sort());
  });
});
