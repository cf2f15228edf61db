import { composePlatform, parsePlatformSpec, RenderedTree, synthesize } from "../../lib/internal";
import { catchValidation, expectRestrictedPod, issuesWithCode } from "../helpers";
import { devSpecWithSource, exampleSpec } from "../helpers/specs";

type Obj = any;

const tree: RenderedTree = synthesize(parsePlatformSpec(exampleSpec()));
const regions = [...new Set(tree.files.map((f) => f.path.split("/")[0]))];
const objectsOf = (region: string): Obj[] => tree.files.filter((f) => f.path.startsWith(`${region}/`)).flatMap((f) => f.objects);

/** Does a label selector (matchLabels only; matchExpressions would need care) select these labels? */
function selects(selector: Obj | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  expect(selector.matchExpressions ?? []).toEqual([]);
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/** Whether some NetworkPolicy in `ns` admits ingress from pods of namespace `from` (with these labels). */
function admits(objects: Obj[], ns: string, fromNs: Obj): boolean {
  return objects
    .filter((o) => o.kind === "NetworkPolicy" && o.metadata.namespace === ns && (o.spec.policyTypes ?? ["Ingress"]).includes("Ingress"))
    .some((p) =>
      (p.spec.ingress ?? []).some((rule: Obj) => {
        if (!rule.from || rule.from.length === 0) return true; // no `from`: every source
        return rule.from.some((peer: Obj) => {
          if (peer.ipBlock) return true; // could cover pod IPs: treat as admitting
          if (!peer.namespaceSelector) return false; // podSelector alone: the policy's own namespace
          return selects(peer.namespaceSelector, fromNs.metadata.labels ?? {});
        });
      }),
    );
}

describe.each(regions)("tenant isolation in %s", (region) => {
  const objects = objectsOf(region);
  const tenantNamespaces = objects.filter((o) => o.kind === "Namespace" && o.metadata.labels?.["floe.dev/tenant"]);
  const tenants = tenantNamespaces.map((n) => n.metadata.name);
  const pairs = tenants.flatMap((a) => tenants.filter((b) => b !== a).map((b) => [a, b]));

  test("the example has several tenants here", () => {
    expect(tenants.length).toBeGreaterThanOrEqual(2);
  });

  test("every tenant namespace denies all ingress and egress by default", () => {
    for (const t of tenants) {
      const deny = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.namespace === t && o.metadata.name === "default-deny");
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    }
  });

  test.each(pairs)("no NetworkPolicy admits %s's pods... into the other tenant (%s)", (a, b) => {
    expect(admits(objects, b, tenantNamespaces.find((n) => n.metadata.name === a))).toBe(false);
    expect(admits(objects, a, tenantNamespaces.find((n) => n.metadata.name === b))).toBe(false);
  });

  test.each(pairs)("no ACL of %s's users matches a topic or group of %s", (a, b) => {
    const usersOf = (t: string) => objects.filter((o) => o.kind === "KafkaUser" && o.metadata.labels["floe.dev/tenant"] === t);
    const topicsOfB = objects.filter((o) => o.kind === "KafkaTopic" && o.metadata.labels["floe.dev/tenant"] === b).map((t) => t.spec.topicName);
    const groupsOfB = usersOf(b).flatMap((u) => u.spec.authorization.acls.filter((x: Obj) => x.resource.type === "group").map((x: Obj) => x.resource.name));
    expect(topicsOfB.length).toBeGreaterThan(0);
    const prefixB = `${b}.`;
    // Replication identities (MirrorMaker 2, labelled component=replication) are platform users acting for the
    // tenant: they may describe the cluster, and use MirrorMaker 2's own topics and group; nothing of another tenant.
    const replication = (u: Obj) => u.metadata.labels["app.kubernetes.io/component"] === "replication";
    for (const user of usersOf(a)) {
      for (const acl of user.spec.authorization.acls) {
        const { type, name, patternType } = acl.resource;
        if (type === "cluster") {
          expect(replication(user) && acl.operations.join() === "Describe").toBe(true);
          continue;
        }
        const names = type === "topic" ? topicsOfB : groupsOfB;
        const matches = (n: string) => (patternType === "prefix" ? n.startsWith(name) : n === name);
        expect(names.filter(matches)).toEqual([]);
        expect(patternType === "prefix" ? prefixB.startsWith(name) || name.startsWith(prefixB) : name.startsWith(prefixB)).toBe(false);
      }
    }
  });

  test.each(pairs)("no RoleBinding grants %s's groups anything in %s's namespace", (a, b) => {
    const groupsOf = (t: string) =>
      objects
        .filter((o) => o.kind === "RoleBinding" && o.metadata.namespace === t)
        .flatMap((rb) => rb.subjects.filter((s: Obj) => s.kind === "Group").map((s: Obj) => s.name));
    const groupsOfA = groupsOf(a);
    expect(groupsOfA.length).toBeGreaterThan(0);
    const bindingsInB = objects.filter((o) => o.kind === "RoleBinding" && o.metadata.namespace === b);
    for (const rb of bindingsInB) for (const s of rb.subjects) expect(groupsOfA).not.toContain(s.name);
    expect(objects.some((o) => o.kind === "ClusterRoleBinding")).toBe(false);
  });

  test("Kafka listeners only admit tenant namespaces of this cluster (Strimzi networkPolicyPeers)", () => {
    const kafka = objects.find((o) => o.kind === "Kafka");
    const external = kafka.spec.kafka.listeners.filter((l: Obj) => l.type !== "internal" && l.type !== "cluster-ip");
    // The replication listener is reached from the other region (not from pods): TLS and SCRAM, never open.
    expect(external.map((l: Obj) => l.name)).toEqual(["replication"]);
    for (const l of external) expect([l.tls, l.authentication]).toEqual([true, { type: "scram-sha-512" }]);
    for (const l of kafka.spec.kafka.listeners.filter((x: Obj) => !external.includes(x))) {
      expect(l.networkPolicyPeers).toEqual([{ namespaceSelector: { matchLabels: { "floe.dev/kafka-client": kafka.metadata.name } } }, { podSelector: {} }]);
    }
    for (const ns of tenantNamespaces) expect(ns.metadata.labels["floe.dev/kafka-client"]).toBe(kafka.metadata.name);
  });

  test("Connect workers may only reach DNS, the brokers, each other, the API server and their declared databases (and public HTTPS for object storage where they run Iceberg sinks)", () => {
    const policies = objects.filter((o) => o.kind === "NetworkPolicy" && o.metadata.name.endsWith("-connect-egress"));
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) {
      expect(policy.spec.policyTypes).toEqual(["Egress"]);
      const iceberg = objects.some((o) => o.kind === "KafkaConnector" && o.spec.class === "org.apache.iceberg.connect.IcebergSinkConnector" && `${o.metadata.labels["strimzi.io/cluster"]}-connect-egress` === policy.metadata.name);
      for (const rule of policy.spec.egress as Obj[]) {
        for (const to of (rule.to as Obj[]).filter((t) => t.ipBlock?.cidr === "0.0.0.0/0")) {
          // Only with an Iceberg sink, only 443, never a private range (another tenant's pods or the cluster's services).
          expect(iceberg).toBe(true);
          expect(rule.ports).toEqual([{ protocol: "TCP", port: 443 }]);
          expect(to.ipBlock.except).toEqual(expect.arrayContaining(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"]));
        }
      }
    }
  });
});

describe("Pod Security restricted on every pod template Floe renders", () => {
  const all = tree.files.flatMap((f) => f.objects) as Obj[];
  const restrictedContainer = (c: Obj) => {
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(c.securityContext.capabilities).toEqual({ drop: ["ALL"] });
    expect(c.securityContext.runAsNonRoot).toBe(true);
    expect(c.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
  };
  const restrictedPod = (p: Obj) => expect(p.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });

  test("FlinkDeployments", () => {
    const flink = all.filter((o) => o.kind === "FlinkDeployment");
    expect(flink.length).toBeGreaterThan(0);
    for (const fd of flink) expectRestrictedPod(fd.spec.podTemplate.spec);
  });

  test("Strimzi Kafka, node pools and Connect", () => {
    for (const k of all.filter((o) => o.kind === "Kafka")) {
      restrictedPod(k.spec.kafka.template.pod);
      restrictedContainer(k.spec.kafka.template.kafkaContainer);
      restrictedContainer(k.spec.kafka.template.initContainer);
      restrictedPod(k.spec.entityOperator.template.pod);
      restrictedContainer(k.spec.entityOperator.template.topicOperatorContainer);
      restrictedContainer(k.spec.entityOperator.template.userOperatorContainer);
      if (k.spec.cruiseControl) restrictedContainer(k.spec.cruiseControl.template.cruiseControlContainer);
    }
    for (const p of all.filter((o) => o.kind === "KafkaNodePool")) restrictedPod(p.spec.template.pod);
    const connect = all.filter((o) => o.kind === "KafkaConnect");
    expect(connect.length).toBeGreaterThan(0);
    for (const c of connect) {
      restrictedPod(c.spec.template.pod);
      restrictedContainer(c.spec.template.connectContainer);
    }
  });
});

describe("secret references resolve", () => {
  test("every Secret a Flink pod template references is delivered into its namespace by an ExternalSecret", () => {
    const all = tree.files.flatMap((f) => f.objects) as Obj[];
    const delivered = new Set(all.filter((o) => o.kind === "ExternalSecret").map((o) => `${o.metadata.namespace}/${o.spec.target.name}`));
    const flink = all.filter((o) => o.kind === "FlinkDeployment");
    let refs = 0;
    for (const fd of flink) {
      const ns = fd.metadata.namespace;
      const spec = fd.spec.podTemplate.spec;
      for (const env of spec.containers.flatMap((c: Obj) => c.env ?? [])) {
        if (env.valueFrom?.secretKeyRef) {
          refs++;
          expect(delivered).toContain(`${ns}/${env.valueFrom.secretKeyRef.name}`);
        }
      }
      for (const v of spec.volumes ?? []) {
        if (v.secret) {
          refs++;
          expect(delivered).toContain(`${ns}/${v.secret.secretName}`);
        }
      }
    }
    expect(refs).toBeGreaterThan(0);
  });

  test("the delivery account of one tenant may read only its own workloads' Kafka Secrets and the cluster CA", () => {
    const objects = objectsOf("eu-west-1");
    const roles = objects.filter((o) => o.kind === "Role" && o.metadata.name.endsWith("-kafka-credentials"));
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      const tenant = role.metadata.labels["floe.dev/tenant"];
      for (const name of role.rules[0].resourceNames) expect(name === "events-cluster-ca-cert" || name.startsWith(`${tenant}-`)).toBe(true);
    }
  });
});

describe("no secret value in any rendered file", () => {
  test("no Secret objects, no stringData, credentials only as references", () => {
    for (const f of tree.files) {
      expect(f.content).not.toMatch(/^kind: Secret$/m);
      expect(f.content).not.toMatch(/stringData/);
      for (const line of f.content.split("\n").filter((l) => /password|jaas|token/i.test(l) && /:\s*\S/.test(l))) {
        expect(line).toMatch(/\$\{secrets:|secretKeyRef|passwordSecret|password: password$|(key|path): (user\.password|sasl\.jaas\.config|password)$|name: FLOE_KAFKA_|\.password$|- password$|secretKey: password|property: password|automountServiceAccountToken: (true|false)$|name: SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG$|REGISTRY_PASSWORD_FILE|value: \/etc\/floe\/registrar\/password$|'properties\.sasl\.jaas\.config' = '\$\{floe:\/etc\/floe\/kafka\/user:sasl\.jaas\.config\}'/);
      }
    }
  });

  test("a spec with an inline secret value is refused, and the value is not echoed", () => {
    const spec = devSpecWithSource();
    spec.tenants[0].secrets[0].value = "hunter2-s3cr3t";
    spec.tenants[0].sources[0].credentials.password = "hunter2-s3cr3t";
    const e = catchValidation(() => parsePlatformSpec(spec));
    expect(e.issues.map((i) => `${i.code} ${i.scope}.${i.field}`)).toEqual([
      "InlineSecretValue tenants[0].secrets[0].value",
      "InlineSecretValue tenants[0].sources[0].credentials.password",
    ]);
    expect(e.message).not.toContain("hunter2");
    expect(e.issues[0].fix).toMatch(/AWS Secrets Manager/);
  });

  test("fails UnknownSecret and SecretOutsideTenant (spec paths)", () => {
    const unknown = devSpecWithSource();
    unknown.tenants[0].sources[0].credentials.secret = "nope";
    expect(catchValidation(() => parsePlatformSpec(unknown))).toMatchObject({ code: "UnknownSecret", scope: "tenants[0].sources[0].credentials", field: "secret" });
    const outside = devSpecWithSource();
    outside.tenants[0].secrets[0].remoteKey = "dev/beta/orders-db-cdc";
    expect(catchValidation(() => composePlatform(parsePlatformSpec(outside)))).toMatchObject({ code: "SecretOutsideTenant", scope: "tenants[0].secrets[0]", field: "remoteKey" });
  });
});

describe("quota arithmetic", () => {
  test("the tenants' quotas must fit the region's capacity (error names tenants and totals)", () => {
    const spec: Obj = exampleSpec();
    spec.regions[0].capacity = { cpu: "40", memory: "128Gi", partitions: 100, producerByteRate: 1000 };
    const e = catchValidation(() => composePlatform(parsePlatformSpec(spec)));
    const byField = Object.fromEntries(e.issues.filter((i) => i.code === "RegionCapacityExceeded").map((i) => [i.field, i.message]));
    expect(byField["capacity.cpu"]).toBe("the CPU quota of tenants analytics (16), logistics (8), payments (32) totals 56, over the region's capacity of 40");
    expect(byField["capacity.memory"]).toBe("the memory quota of tenants analytics (64Gi), logistics (32Gi), payments (96Gi) totals 192Gi, over the region's capacity of 128Gi");
    expect(byField["capacity.partitions"]).toMatch(/^the topic partitions of tenants analytics \(\d+\), logistics \(\d+\), payments \(\d+\) totals \d+, over the region's capacity of 100$/);
    expect(byField["capacity.producerByteRate"]).toMatch(/^the Kafka producer byte rate of tenants analytics \(209715200\)/);
    expect(e.issues.every((i) => i.scope === "regions[0]")).toBe(true);
  });

  test("a tenant's Flink jobs must fit its own quota", () => {
    const spec: Obj = exampleSpec();
    spec.tenants[0].quota = { cpu: "4", memory: "8Gi", pods: 3 };
    const e = catchValidation(() => composePlatform(parsePlatformSpec(spec)));
    const issue = e.issues.find((i) => i.code === "TenantQuotaExceeded")!;
    expect(issue).toMatchObject({ scope: "tenants[0]", field: "quota" });
    // The fraud scorer is autoscaled up to parallelism 24 (12 TaskManagers of 2 slots): counted at that size.
    expect(issue.message).toBe("the tenant's Flink jobs need more than its quota in region eu-west-1: CPU 28 > 4, memory 58Gi > 8Gi, pods 16 > 3");
  });

  describe("the Flink autoscaler is bounded by the tenant's quota", () => {
    const payments = (mutate: (spec: Obj) => void = () => undefined) => {
      const spec: Obj = exampleSpec();
      mutate(spec);
      return spec;
    };
    const scorer = (spec: Obj) =>
      synthesize(parsePlatformSpec(spec)).files.find((f) => f.path === "eu-west-1/tenant-payments.yaml")!.objects.find((o: Obj) => o.kind === "FlinkDeployment" && o.metadata.name === "payments-fraud-scorer") as Obj;

    test("its quota options are the room the tenant's quota leaves beside the other jobs and the JobManager", () => {
      const spec = payments();
      const tenant = spec.tenants[0];
      const fd = scorer(spec);
      const config = fd.spec.flinkConfiguration;
      // Quota 32 CPU / 96Gi; the other jobs' most and this job's JobManager take the rest.
      expect(tenant.quota).toMatchObject({ cpu: "32", memory: "96Gi" });
      expect(config["job.autoscaler.vertex.max-parallelism"]).toBe("24");
      expect(Number(config["job.autoscaler.quota.cpu"])).toBeGreaterThanOrEqual(12 * 2);
      // (the SQL job order-totals takes 2 CPU and 6Gi: a JobManager and one TaskManager)
      expect(config["job.autoscaler.quota.cpu"]).toBe("28");
      expect(config["job.autoscaler.quota.memory"]).toBe(`${86 * 1024 ** 3}b`);
    });

    test("a max parallelism whose TaskManagers do not fit is refused, naming the highest that fits", () => {
      const e = catchValidation(() => composePlatform(parsePlatformSpec(payments((s) => (s.tenants[0].jobs[0].autoscaler.maxParallelism = 400)))));
      const issue = issuesWithCode(e, "AutoscalerExceedsQuota")[0];
      expect(issue).toMatchObject({ scope: "tenants[0].jobs[0]", field: "autoscaler.maxParallelism", value: 400 });
      expect(issue.message).toBe(
        "at parallelism 400 the autoscaler may run 200 TaskManagers (400 CPU, 800Gi), but tenant payments's quota in region eu-west-1 leaves room for 14 beside its other jobs",
      );
      expect(issue.fix).toBe("set autoscaler.maxParallelism to at most 28 (the operator's default is 200), or raise the tenant's quota");
    });

    test("without maxParallelism the operator's default (200) is what must fit", () => {
      const e = catchValidation(() => composePlatform(parsePlatformSpec(payments((s) => delete s.tenants[0].jobs[0].autoscaler.maxParallelism))));
      expect(issuesWithCode(e, "AutoscalerExceedsQuota")[0]).toMatchObject({ scope: "tenants[0].jobs[0]", value: 200 });
    });

    test("a disabled autoscaler gets no bound and counts at its fixed parallelism", () => {
      const spec = payments((s) => {
        s.tenants[0].jobs[0].autoscaler = { enabled: false, maxParallelism: 400 };
      });
      const config = scorer(spec).spec.flinkConfiguration;
      expect(config["job.autoscaler.enabled"]).toBe("false");
      expect(config["job.autoscaler.quota.cpu"]).toBeUndefined();
    });
  });

  test("the tenant Kafka quota is split across its users by share; an app cannot also set its own", () => {
    const analytics = tree.files.find((f) => f.path === "eu-west-1/tenant-analytics.yaml")!.objects as Obj[];
    const quota = (name: string) => analytics.find((o) => o.kind === "KafkaUser" && o.metadata.name === name).spec.quotas;
    expect(quota("analytics-collector")).toEqual({ producerByteRate: 104857600, consumerByteRate: 209715200 });
    const others = ["analytics-sessionizer", "analytics-reporting", "analytics-experiment-service", "analytics-daily-rollup"].map(quota);
    for (const q of others) expect(q).toEqual({ producerByteRate: 26214400, consumerByteRate: 52428800 });
    const spec: Obj = exampleSpec();
    spec.tenants[2].apps[0].quotas = { producerByteRate: 1 };
    expect(catchValidation(() => composePlatform(parsePlatformSpec(spec)))).toMatchObject({ code: "QuotaSetTwice", scope: "tenants[2].apps[0]" });
  });
});
