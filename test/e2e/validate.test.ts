/**
 * `floe validate` against the real API server: on a catalogue of deliberately broken manifests (each a rendered
 * object of the example with one defect, written as YAML), every manifest the API server refuses (server-side
 * apply, strict field validation, dry run) is refused by `floe validate` too.
 */
import { execFileSync } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { Manifest, parsePlatformSpec, synthesize } from "../../lib/internal";
import { KubeCluster, KubeObject, startCluster } from "../../e2e/kube";
import { CACHE, runDir, sharedDir } from "../../e2e/paths";
import { ROOT } from "../helpers";
import { exampleSpec } from "../helpers/specs";

type Obj = Record<string, any>;
const objects = synthesize(parsePlatformSpec(exampleSpec())).files.filter((f) => f.path.startsWith("eu-west-1/")).flatMap((f) => f.objects);
const first = (kind: string, where: (o: Obj) => boolean = () => true): Obj => structuredClone(objects.find((o) => o.kind === kind && where(o))) as Obj;
/** The example's eu-west-1 with Karpenter NodePools (regions[].nodes), validated with Karpenter's CRDs (e2e/install.sh). */
const withNodes = (() => {
  const spec = exampleSpec();
  spec.regions[0].nodes = { karpenter: { instanceCategories: ["m", "r"] } };
  return synthesize(parsePlatformSpec(spec)).files.filter((f) => f.path.startsWith("eu-west-1/")).flatMap((f) => f.objects);
})();
const nodePool = (): Obj => structuredClone(withNodes.find((o) => o.kind === "NodePool")) as Obj;

/** Each case: a name and the broken manifest as YAML text (some defects only exist in YAML). */
const CASES: { name: string; yaml: () => string }[] = [
  { name: "unknown field in a CR spec (pruned silently without strict validation)", yaml: () => stringify(tap(first("Kafka"), (o) => (o.spec.kafka.replicaz = 3))) },
  { name: "unknown field in a core object", yaml: () => stringify(tap(first("Deployment"), (o) => (o.spec.template.spec.containers[0].imagePullPolicyy = "Always"))) },
  { name: "duplicate field in YAML", yaml: () => stringify(first("KafkaTopic")).replace(/^spec:\n/m, "spec:\n  partitions: 3\n") },
  { name: "wrong type (string for integer)", yaml: () => stringify(tap(first("KafkaTopic"), (o) => (o.spec.partitions = "six"))) },
  { name: "value outside an enum", yaml: () => stringify(tap(first("KafkaUser"), (o) => (o.spec.authentication.type = "plain"))) },
  { name: "missing required field", yaml: () => stringify(tap(first("KafkaNodePool"), (o) => delete o.spec.roles)) },
  { name: "CEL rule (rack topology-label without topologyKey)", yaml: () => stringify(tap(first("Kafka"), (o) => (o.spec.kafka.rack = { type: "topology-label", topologyKey: "" }))) },
  { name: "CEL rule (validityDays on a SCRAM user)", yaml: () => stringify(tap(first("KafkaUser", (u) => u.spec.authentication.type === "scram-sha-512"), (o) => (o.spec.authentication.validityDays = 30))) },
  { name: "name that is not a DNS subdomain", yaml: () => stringify(tap(first("KafkaTopic"), (o) => (o.metadata.name = "Orders_Topic"))) },
  { name: "label value too long", yaml: () => stringify(tap(first("ConfigMap"), (o) => (o.metadata.labels = { ...o.metadata.labels, team: "x".repeat(64) }))) },
  { name: "NetworkPolicy port of the wrong type", yaml: () => stringify(tap(first("NetworkPolicy", (p) => (p.spec.egress ?? []).some((e: Obj) => e.ports)), (o) => (o.spec.egress.find((e: Obj) => e.ports).ports[0].port = { number: 9093 }))) },
  { name: "Role rule without verbs", yaml: () => stringify(tap(first("Role"), (o) => delete o.rules[0].verbs)) },
  { name: "FlinkDeployment with an unknown field", yaml: () => stringify(tap(first("FlinkDeployment"), (o) => (o.spec.jobManager.replica = 2))) },
  { name: "FlinkDeployment upgrade mode outside the enum", yaml: () => stringify(tap(first("FlinkDeployment"), (o) => (o.spec.job.upgradeMode = "rolling"))) },
  { name: "KafkaConnector tasksMax of the wrong type", yaml: () => stringify(tap(first("KafkaConnector"), (o) => (o.spec.tasksMax = "one"))) },
  { name: "ExternalSecret with an unknown field", yaml: () => stringify(tap(first("ExternalSecret"), (o) => (o.spec.refreshIntervall = "1h"))) },
  { name: "PodMonitor with an unknown field", yaml: () => stringify(tap(first("PodMonitor"), (o) => (o.spec.podMetricsEndpointz = []))) },
  { name: "a document that is not an object", yaml: () => "- just\n- a list\n" },
  // ^(?i)(abort|warn)?$ in the pinned prometheus-operator CRD: Go RE2, which JavaScript's RegExp cannot compile.
  { name: "PrometheusRule group with a value outside an RE2 (?i) pattern", yaml: () => stringify(tap(first("PrometheusRule"), (o) => (o.spec.groups[0].partial_response_strategy = "sometimes"))) },
  { name: "NodePool consolidation policy outside the enum", yaml: () => stringify(tap(nodePool(), (o) => (o.spec.disruption.consolidationPolicy = "Nightly"))) },
  // Karpenter's CEL rules use the Kubernetes regex library (`find`): a restricted requirement key.
  { name: "NodePool CEL rule (a requirement on the restricted label kubernetes.io/hostname)", yaml: () => stringify(tap(nodePool(), (o) => o.spec.template.spec.requirements.push({ key: "kubernetes.io/hostname", operator: "In", values: ["a"] }))) },
  { name: "NodePool CEL rule (an In requirement without values)", yaml: () => stringify(tap(nodePool(), (o) => (o.spec.template.spec.requirements[0].values = []))) },
  { name: "ExternalSecret secretKey outside its pattern", yaml: () => stringify(tap(first("ExternalSecret", (e) => (e.spec.data ?? []).length > 0), (o) => (o.spec.data[0].secretKey = "ca crt"))) },
];

function tap<T>(o: T, f: (o: T) => unknown): T {
  f(o);
  return o;
}

let cluster: KubeCluster;
let dir: string;
beforeAll(async () => {
  cluster = await startCluster({ label: "validate" });
  await cluster.installSharedCrds();
  for (const ns of objects.filter((o) => o.kind === "Namespace")) await cluster.apply(ns as unknown as KubeObject);
  dir = runDir("validate-cases");
});
afterAll(async () => cluster?.stop());

/** What the API server says of one YAML manifest: a dry-run server-side apply with strict field validation. */
async function apiServerAccepts(yaml: string): Promise<{ accepted: boolean; message: string }> {
  const doc = (() => {
    try {
      return require("yaml").parse(yaml, { uniqueKeys: false }) as Manifest;
    } catch {
      return undefined;
    }
  })();
  if (!doc || typeof doc !== "object" || Array.isArray(doc) || !doc.kind) return { accepted: false, message: "not an object with a kind" };
  let path: string;
  try {
    path = await cluster.pathOf(doc.apiVersion, doc.kind, doc.metadata?.namespace, doc.metadata?.name);
  } catch (e) {
    return { accepted: false, message: (e as Error).message };
  }
  const res = await cluster.request("PATCH", `${path}?fieldManager=floe&fieldValidation=Strict&force=true&dryRun=All`, yaml, { contentType: "application/apply-patch+yaml" });
  return { accepted: res.status < 300, message: res.status < 300 ? "" : (res.body as { message?: string })?.message ?? String(res.status) };
}

function floeValidate(caseDir: string): { ok: boolean; output: string } {
  try {
    const crds = [sharedDir("crds"), sharedDir("crds-ecosystem"), join(CACHE, "crds", "karpenter")].flatMap((d) => ["--crds", d]);
    const out = execFileSync(process.execPath, [join(ROOT, "bin", "floe"), "validate", caseDir, ...crds], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { ok: true, output: out };
  } catch (e) {
    const err = e as { status?: number; stderr?: string; stdout?: string };
    return { ok: false, output: `exit ${err.status}: ${err.stderr ?? ""}${err.stdout ?? ""}` };
  }
}

describe("floe validate refuses what the API server refuses", () => {
  test.each(CASES)("$name", async ({ name, yaml }) => {
    const text = yaml();
    const server = await apiServerAccepts(text);
    const caseDir = join(dir, name.replace(/[^a-z0-9]+/gi, "-"));
    mkdirSync(caseDir, { recursive: true });
    writeFileSync(join(caseDir, "case.yaml"), text);
    const floe = floeValidate(caseDir);
    // Every case is a real defect: the API server refuses it (otherwise the catalogue proves nothing) ...
    expect({ name, server: server.accepted }).toEqual({ name, server: false });
    // ... and so does floe validate.
    expect({ name, floe: floe.ok, server: server.message }).toEqual({ name, floe: false, server: server.message });
  });

  test("the unbroken objects are accepted by both", async () => {
    const caseDir = join(dir, "unbroken");
    mkdirSync(caseDir, { recursive: true });
    const sample = ["Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "Deployment", "NetworkPolicy", "Role", "FlinkDeployment", "KafkaConnector", "ExternalSecret", "SecretStore", "ClusterSecretStore", "PushSecret", "PodMonitor", "PrometheusRule"].map((k) => first(k));
    // An upper-case value the RE2 (?i) pattern admits: accepted by both.
    sample.push(tap(first("PrometheusRule"), (o) => (o.spec.groups[0].partial_response_strategy = "WARN")));
    // Both NodePools (the tenants', limited; the Kafka nodes', tainted) and the Kafka node pool placed on them.
    sample.push(...withNodes.filter((o) => o.kind === "NodePool").map((o) => structuredClone(o) as Obj), structuredClone(withNodes.find((o) => o.kind === "KafkaNodePool")) as Obj);
    for (const o of sample) expect([o.kind, await apiServerAccepts(stringify(o))]).toEqual([o.kind, { accepted: true, message: "" }]);
    writeFileSync(join(caseDir, "all.yaml"), sample.map((o) => stringify(o)).join("---\n"));
    expect(floeValidate(caseDir)).toMatchObject({ ok: true });
  });
});
