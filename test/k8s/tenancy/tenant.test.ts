import { KafkaCluster, KafkaListener, Tenant, TenantProps } from "../../../lib/internal";
import { catchValidation, expectSchemaValid, issuesWithCode, newChart, synth } from "../../helpers";

function tenant(props: Partial<TenantProps> = {}) {
  const { app, chart } = newChart();
  const kafka = new KafkaCluster(chart, "Kafka", {
    name: "events",
    namespace: "kafka",
    listeners: [KafkaListener.internalTls(), KafkaListener.internalTls({ name: "mtls", port: 9094 })],
  });
  const t = new Tenant(chart, "Tenant", { name: "payments", kafka, ...props });
  const objects = synth(app, chart).filter((o) => !o.kind.startsWith("Kafka")) as any[];
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  return { t, objects, find };
}

describe("Tenant defaults", () => {
  const { t, objects, find } = tenant();

  test("everything renders and validates (core schemas)", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      "LimitRange/payments-limits",
      "Namespace/payments",
      "NetworkPolicy/allow-dns",
      "NetworkPolicy/allow-egress",
      "NetworkPolicy/allow-flink-operator",
      "NetworkPolicy/allow-kafka",
      "NetworkPolicy/allow-same-namespace",
      "NetworkPolicy/default-deny",
      "ResourceQuota/payments-quota",
      "Role/payments-flink",
      "Role/payments-tenant-admin",
      "Role/payments-tenant-viewer",
      "RoleBinding/payments-flink",
      "RoleBinding/payments-tenant-admin",
      "RoleBinding/payments-tenant-viewer",
      "ServiceAccount/payments-flink",
    ]);
    expectSchemaValid(objects);
    expect(t.topicPrefix).toBe("payments.");
    expect(t.flinkServiceAccount).toBe("payments-flink");
  });

  test("namespace enforces Pod Security restricted and may reach the Kafka cluster", () => {
    expect(find("Namespace", "payments").metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      "floe.dev/tenant": "payments",
      "floe.dev/kafka-client": "events",
    });
  });

  test("quota and container limits", () => {
    expect(find("ResourceQuota", "payments-quota").spec.hard).toEqual({
      "requests.cpu": "4",
      "limits.cpu": "4",
      "requests.memory": "16Gi",
      "limits.memory": "16Gi",
      pods: "40",
      persistentvolumeclaims: "10",
      "requests.storage": "100Gi",
    });
    expect(find("LimitRange", "payments-limits").spec.limits[0]).toEqual({
      type: "Container",
      defaultRequest: { cpu: "250m", memory: "512Mi" },
      default: { cpu: "1", memory: "512Mi" },
      max: { cpu: "8", memory: "32Gi" },
    });
  });

  test("RBAC is namespaced; admins edit only Flink resources and ConfigMaps; no secrets, no ExternalSecret writes", () => {
    const admin = find("Role", "payments-tenant-admin");
    const writable = admin.rules.filter((r: any) => r.verbs.includes("create")).flatMap((r: any) => r.resources);
    expect(writable.sort()).toEqual(["configmaps", "flinkdeployments", "flinksessionjobs", "flinkstatesnapshots"]);
    for (const role of objects.filter((o) => o.kind === "Role")) {
      for (const rule of role.rules) expect(rule.resources).not.toContain("secrets");
    }
    expect(objects.some((o) => o.kind === "ClusterRole" || o.kind === "ClusterRoleBinding")).toBe(false);
    expect(find("RoleBinding", "payments-tenant-admin").subjects).toEqual([{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "floe:tenant:payments:admins" }]);
    expect(find("RoleBinding", "payments-tenant-viewer").subjects[0].name).toBe("floe:tenant:payments:viewers");
    const viewer = find("Role", "payments-tenant-viewer");
    for (const rule of viewer.rules) expect(rule.verbs).toEqual(["get", "list", "watch"]);
  });

  test("network: default deny, DNS, own namespace, Kafka brokers on the listener ports, the Flink operator, HTTPS out", () => {
    expect(find("NetworkPolicy", "default-deny").spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const kafka = find("NetworkPolicy", "allow-kafka").spec.egress[0];
    expect(kafka.to[0].namespaceSelector).toEqual({ matchLabels: { "kubernetes.io/metadata.name": "kafka" } });
    expect(kafka.to[0].podSelector.matchLabels).toEqual({ "strimzi.io/cluster": "events", "strimzi.io/kind": "Kafka", "strimzi.io/broker-role": "true" });
    expect(kafka.ports).toEqual([{ protocol: "TCP", port: 9093 }, { protocol: "TCP", port: 9094 }]);
    const operator = find("NetworkPolicy", "allow-flink-operator").spec;
    expect(operator.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "flink-operator" } } }]);
    expect(operator.ingress[0].ports).toEqual([{ protocol: "TCP", port: 8081 }]);
    const egress = find("NetworkPolicy", "allow-egress").spec.egress;
    expect(egress).toEqual([{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"] } }], ports: [{ protocol: "TCP", port: 443 }] }]);
  });
});

describe("Tenant options", () => {
  test("quota, limits, groups, API server, declared egress (also added later)", () => {
    const { t: _t, objects, find } = tenant({
      quota: { cpu: "16", memory: "64Gi", pods: 100, persistentVolumeClaims: 4, storage: "1Ti" },
      containerLimits: { maxCpu: "4" },
      adminGroups: ["team-b", "team-a"],
      network: { apiServerCidrs: ["10.10.0.0/16"], apiServerPort: 6443, allowHttpsEgress: false, egress: [{ cidr: "10.50.0.0/16", port: 8443 }], flinkOperatorNamespace: "flink" },
    });
    expect(find("ResourceQuota", "payments-quota").spec.hard["requests.cpu"]).toBe("16");
    expect(find("LimitRange", "payments-limits").spec.limits[0].max.cpu).toBe("4");
    expect(find("RoleBinding", "payments-tenant-admin").subjects.map((s: any) => s.name)).toEqual(["team-a", "team-b"]);
    expect(find("NetworkPolicy", "allow-egress").spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: "10.10.0.0/16" } }], ports: [{ protocol: "TCP", port: 6443 }] },
      { to: [{ ipBlock: { cidr: "10.50.0.0/16" } }], ports: [{ protocol: "TCP", port: 8443 }] },
    ]);
    expect(find("NetworkPolicy", "allow-flink-operator").spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe("flink");
    expectSchemaValid(objects);
  });
});

describe("Tenant validation", () => {
  test("fails InvalidDnsLabel, InvalidQuantity, InvalidQuota, InvalidCidr, InvalidPort", () => {
    expect(catchValidation(() => tenant({ name: "Payments" })).code).toBe("InvalidDnsLabel");
    expect(catchValidation(() => tenant({ quota: { cpu: "four" } })).field).toBe("quota.cpu");
    expect(catchValidation(() => tenant({ quota: { memory: "lots" } })).field).toBe("quota.memory");
    expect(catchValidation(() => tenant({ quota: { pods: -1 } })).code).toBe("InvalidQuota");
    const e = catchValidation(() => tenant({ network: { apiServerCidrs: ["10.0.0.0/33"], egress: [{ cidr: "db", port: 0 }] } }));
    expect(issuesWithCode(e, "InvalidCidr").map((i) => i.field)).toEqual(["network.apiServerCidrs[0]", "network.egress[0].cidr"]);
    expect(issuesWithCode(e, "InvalidPort")[0].field).toBe("network.egress[0].port");
  });
});
