/**
 * `floe audit-policy` on a real kube-apiserver (--audit-policy-file, JSON audit log): a Secret is read and written
 * and only its metadata is logged (never the data); a change to a Floe object (a KafkaTopic) is logged with request
 * and response; reads of Floe objects and their operators' status updates are not logged.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { kubernetesAuditPolicy } from "../../lib/gitops/audit-policy";
import { KubeCluster, startCluster } from "../../e2e/kube";

type Obj = Record<string, any>;

let cluster: KubeCluster;
beforeAll(async () => {
  cluster = await startCluster({ label: "audit", auditPolicy: kubernetesAuditPolicy() });
  await cluster.installSharedCrds();
});
afterAll(async () => cluster?.stop());

function events(): Obj[] {
  return readFileSync(join(cluster.dir, "audit.log"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Obj);
}
const about = (resource: string, name: string, verb: string) => events().filter((e) => e.objectRef?.resource === resource && e.objectRef?.name === name && e.verb === verb);

test("Secrets: who read and wrote which one is logged, the data never", async () => {
  const secret = "s3cr3t-value-never-logged";
  await cluster.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "payments" } });
  const put = await cluster.apply({ apiVersion: "v1", kind: "Secret", metadata: { name: "orders-db-cdc", namespace: "payments" }, stringData: { password: secret } });
  expect(put.status).toBeLessThan(300);
  expect(await cluster.get("v1", "Secret", "payments", "orders-db-cdc")).toBeDefined();
  const written = about("secrets", "orders-db-cdc", "patch");
  const read = about("secrets", "orders-db-cdc", "get");
  expect(written.length).toBeGreaterThan(0);
  expect(read.length).toBeGreaterThan(0);
  for (const e of [...written, ...read]) {
    expect(e.level).toBe("Metadata");
    expect(e.requestObject).toBeUndefined();
    expect(e.responseObject).toBeUndefined();
    expect(e.user.username).toBe("floe-e2e-admin");
  }
  expect(readFileSync(join(cluster.dir, "audit.log"), "utf8")).not.toContain(secret);
  expect(readFileSync(join(cluster.dir, "audit.log"), "utf8")).not.toContain(Buffer.from(secret).toString("base64"));
});

test("a change to a KafkaTopic is logged with the request and the stored object; reading it and its status updates are not", async () => {
  await cluster.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "kafka" } });
  const topic = { apiVersion: "kafka.strimzi.io/v1", kind: "KafkaTopic", metadata: { name: "payments.orders", namespace: "kafka", labels: { "strimzi.io/cluster": "events" } }, spec: { partitions: 12, replicas: 3 } };
  expect((await cluster.apply(topic)).status).toBeLessThan(300);
  expect((await cluster.apply({ ...topic, spec: { partitions: 24, replicas: 3 } })).status).toBeLessThan(300);
  expect(await cluster.get("kafka.strimzi.io/v1", "KafkaTopic", "kafka", "payments.orders")).toBeDefined();
  // What the Topic Operator does after each reconcile: a status update.
  const status = await cluster.request("PATCH", "/apis/kafka.strimzi.io/v1/namespaces/kafka/kafkatopics/payments.orders/status", { status: { observedGeneration: 2 } }, { contentType: "application/merge-patch+json" });
  expect(status.status).toBeLessThan(300);
  const changes = about("kafkatopics", "payments.orders", "patch").filter((e) => !e.objectRef.subresource);
  expect(changes.length).toBe(2);
  for (const e of changes) expect(e.level).toBe("RequestResponse");
  expect(changes[1].requestObject.spec.partitions).toBe(24);
  expect(changes[1].responseObject.spec.partitions).toBe(24);
  expect(about("kafkatopics", "payments.orders", "get")).toEqual([]);
  expect(events().filter((e) => e.objectRef?.resource === "kafkatopics" && e.objectRef?.subresource === "status")).toEqual([]);
});
