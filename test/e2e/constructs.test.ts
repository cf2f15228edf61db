/**
 * What the spec cannot declare but the constructs render (docs/constructs.md):
 * the TypeScript example and a Flink session cluster with a session job, applied to a real API server with
 * strict field validation and no warning, re-applied without change, and their pods admitted as "restricted".
 */
import { App, Chart } from "cdk8s";
import { chartManifests, CheckpointBucket, FlinkJob, FlinkSessionCluster, FlinkSessionJob, KafkaCluster, Manifest, RESTRICTED_NAMESPACE_LABELS, Tenant } from "../../lib/internal";
import { KubeObject } from "../../e2e/kube";
import { buildExample } from "../../examples/typescript/kafka-app";
import { flinkPods } from "./pods";
import { applyOne, withRegionCluster } from "./support";

function sessionObjects(): Manifest[] {
  const app = new App();
  const chart = new Chart(app, "sessions");
  const bucket = CheckpointBucket.fromBucketName("floe-staging-eu-west-1-state");
  // The tenant's namespace, accounts and roles come from Tenant; the session cluster's pods must run as the
  // account it creates (no account is made by hand below).
  const kafka = new KafkaCluster(chart, "Kafka", { name: "sessions", namespace: "kafka-sessions", production: false, combinedRoles: true, brokers: { replicas: 1 } });
  const tenant = new Tenant(chart, "Analytics", { name: "analytics", kafka });
  const session = new FlinkSessionCluster(chart, "Session", { name: "analytics-session", namespace: tenant.namespace, tenant: tenant.tenantName, checkpointStorage: bucket, taskManager: { replicas: 2, slots: 4 } });
  new FlinkSessionJob(chart, "Job", { sessionCluster: session, name: "sessionizer", tenant: "analytics", job: FlinkJob.jar("local:///opt/flink/usrlib/job.jar"), checkpointStorage: bucket });
  return chartManifests(chart);
}

const rendered = [...chartManifests(buildExample().chart), ...sessionObjects()];
// The namespaces these objects live in (a Tenant or KafkaCluster's platform chart would render them).
const namespaces: Manifest[] = [...new Set(rendered.map((o) => o.metadata.namespace).filter((n): n is string => !!n))]
  .filter((n) => !rendered.some((o) => o.kind === "Namespace" && o.metadata.name === n))
  .sort()
  .map((name) => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels: { ...RESTRICTED_NAMESPACE_LABELS } },
}));

describe("the TypeScript example and Flink session objects on a real API server", () => {
  const cluster = withRegionCluster("constructs");

  test("every object is accepted by strict server-side apply without a warning, and a second apply changes nothing", async () => {
    for (const ns of namespaces) expect((await applyOne(cluster(), ns as unknown as KubeObject)).status).toBeLessThan(300);
    const first = [];
    for (const o of [...rendered].sort((a, b) => Number(b.kind === "Namespace") - Number(a.kind === "Namespace"))) first.push(await applyOne(cluster(), o as unknown as KubeObject));
    expect(first.filter((r) => r.status >= 300 || r.warnings.length > 0).map((r) => `${r.id}: ${r.status} ${r.message} ${r.warnings.join("; ")}`)).toEqual([]);
    expect([...new Set(rendered.map((o) => o.kind))]).toEqual(expect.arrayContaining(["Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "FlinkDeployment", "FlinkSessionJob", "Namespace", "ServiceAccount", "Role", "RoleBinding"]));
    // The live versions just before the second apply (the quota controller writes the tenant's ResourceQuota
    // status after the first).
    const ordered = [...rendered].sort((a, b) => Number(b.kind === "Namespace") - Number(a.kind === "Namespace"));
    const live = [];
    for (const o of ordered) live.push((await cluster().get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name))?.metadata.resourceVersion);
    const second = [];
    for (const o of ordered) second.push(await applyOne(cluster(), o as unknown as KubeObject));
    expect(second.map((r) => r.resourceVersion)).toEqual(live);
  });

  test("the session cluster's JobManager and TaskManager pods are admitted as restricted", async () => {
    const pods = flinkPods(rendered);
    expect(pods.length).toBe(2);
    for (const { origin, pod } of pods) {
      // The account the pods run as exists (Tenant's, applied above), and the API server lets it do what a
      // JobManager does with Kubernetes HA: create TaskManager pods and keep its leader ConfigMaps.
      const sa = (pod.spec as { serviceAccountName: string }).serviceAccountName;
      const ns = pod.metadata.namespace!;
      expect([sa, (await cluster().get("v1", "ServiceAccount", ns, sa))?.metadata.name]).toEqual([sa, sa]);
      const user = { user: `system:serviceaccount:${ns}:${sa}`, groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`] };
      for (const [verb, resource] of [["create", "pods"], ["delete", "pods"], ["create", "configmaps"], ["update", "configmaps"]] as const) {
        expect([sa, verb, resource, await cluster().canI(user, verb, { resource, namespace: ns })]).toEqual([sa, verb, resource, true]);
      }
      const res = await cluster().createDryRun(pod);
      expect([origin, res.status, res.warnings]).toEqual([origin, 201, []]);
    }
  });
});
