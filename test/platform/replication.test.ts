import { diffTrees, parsePlatformSpec, synthesize, treeObjects } from "../../lib/internal";
import { catchValidation, expectRestrictedPod, expectSchemaValid, issuesWithCode, ofKind } from "../helpers";
import { exampleSpec } from "../helpers/specs";

type Obj = any;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

const tree = synthesize(parsePlatformSpec(exampleSpec()));
const objectsOf = (region: string): Obj[] => tree.files.filter((f) => f.path.startsWith(`${region}/`)).flatMap((f) => f.objects);
const eu = objectsOf("eu-west-1");
const us = objectsOf("us-east-1");
const get = (objects: Obj[], kind: string, name: string, namespace?: string): Obj => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (!found) throw new Error(`no ${kind} ${namespace ?? ""}/${name}`);
  return found;
};
const replicationUser = (u: Obj) => u.metadata.labels["app.kubernetes.io/component"] === "replication";

describe("replication in the example (payments eu-west-1 -> us-east-1; analytics split both ways)", () => {
  test("one KafkaMirrorMaker2 per entry, in the standby region's Kafka namespace, valid against the Strimzi CRD", () => {
    const mirrors = [...eu, ...us].filter((o) => o.kind === "KafkaMirrorMaker2");
    expect(mirrors.map((m) => `${m.metadata.labels["floe.dev/region"]}/${m.metadata.name}`).sort()).toEqual([
      "eu-west-1/analytics-mirror-us-east-1",
      "us-east-1/analytics-mirror-eu-west-1",
      "us-east-1/payments-mirror-eu-west-1",
      // The follower registry's copy of the leader's schemas topic (test/platform/schemas.test.ts).
      "us-east-1/schema-registry-mirror-eu-west-1",
    ]);
    for (const m of mirrors) expect(m.metadata.namespace).toBe("kafka");
    expectSchemaValid([...eu, ...us].filter((o) => /KafkaMirrorMaker2|PushSecret|ExternalSecret|ClusterSecretStore|KafkaUser/.test(o.kind)));
  });

  test("MirrorMaker 2 keeps topic names, translates the tenant's group offsets, writes nothing to the source", () => {
    const mm2 = get(us, "KafkaMirrorMaker2", "payments-mirror-eu-west-1").spec;
    const [mirror] = mm2.mirrors;
    expect(mm2.mirrors).toHaveLength(1);
    expect(mm2.replicas).toBe(2); // production
    expect(mm2.target).toMatchObject({ alias: "us-east-1", bootstrapServers: "events-kafka-bootstrap.kafka.svc:9093", groupId: "mirrormaker2.payments-mirror-eu-west-1.connect" });
    expect(mirror.source.alias).toBe("mirrormaker2.payments-mirror-eu-west-1.eu-west-1");
    expect(mirror.source.bootstrapServers).toBe("kafka-replication.eu-west-1.prod.example.com:9095");
    expect(mirror.topicsPattern).toBe("payments\\..*");
    // Never copied: the Connect cluster's state and the CDC source's signals (the standby runs the same ones).
    expect(mirror.topicsExcludePattern).toBe(
      "payments\\.orders-db\\.schema-history|payments\\.orders-db\\.signals|payments\\.payments-connect-configs|payments\\.payments-connect-offsets|payments\\.payments-connect-status",
    );
    const excluded = new RegExp(`^(${mirror.topicsExcludePattern})$`);
    const connectTopics = ofKind(eu, "KafkaTopic").map((t: Obj) => t.spec.topicName as string).filter((n: string) => /^payments\.payments-connect-|\.signals$/.test(n));
    expect(connectTopics.length).toBeGreaterThanOrEqual(4);
    for (const t of connectTopics) expect(excluded.test(t)).toBe(true);
    expect(excluded.test("payments.orders-db.public.orders")).toBe(false);
    expect(mirror.groupsPattern).toBe("payments\\..*");
    for (const c of [mirror.sourceConnector, mirror.checkpointConnector]) {
      expect(c.config["replication.policy.class"]).toBe("org.apache.kafka.connect.mirror.IdentityReplicationPolicy");
      expect(c.config["offset-syncs.topic.location"]).toBe("target");
    }
    expect(mirror.sourceConnector.config).toMatchObject({ "sync.topic.configs.enabled": false, "sync.topic.acls.enabled": false });
    expect(mirror.checkpointConnector.config).toMatchObject({ "sync.group.offsets.enabled": true, "emit.checkpoints.interval.seconds": 60 });
    const analytics = get(eu, "KafkaMirrorMaker2", "analytics-mirror-us-east-1").spec.mirrors[0];
    expect(analytics.topicsPattern).toBe("analytics\\.clickstream|analytics\\.daily-aggregates|analytics\\.enriched-clicks|analytics\\.sessions");
    expectRestrictedPod({ securityContext: mm2.template.pod.securityContext, containers: [{ securityContext: mm2.template.connectContainer.securityContext }] });
  });

  test("the source credentials and CA travel primary -> Secrets Manager (standby's AWS region) -> standby, never as values", () => {
    const mm2 = get(us, "KafkaMirrorMaker2", "payments-mirror-eu-west-1").spec.mirrors[0].source;
    // Standby: ExternalSecrets in the Kafka namespace, from a store only the Kafka namespace may use.
    const password = get(us, "ExternalSecret", mm2.authentication.passwordSecret.secretName, "kafka");
    const ca = get(us, "ExternalSecret", mm2.tls.trustedCertificates[0].secretName, "kafka");
    expect(password.spec.data).toEqual([{ secretKey: "password", remoteRef: { key: "prod/platform/kafka/eu-west-1/users/payments-mirror-to-us-east-1", property: "password" } }]);
    expect(ca.spec.data).toEqual([{ secretKey: "ca.crt", remoteRef: { key: "prod/platform/kafka/eu-west-1/cluster-ca-cert", property: "ca.crt" } }]);
    const store = get(us, "ClusterSecretStore", password.spec.secretStoreRef.name);
    expect(store.spec.conditions).toEqual([{ namespaces: ["kafka"] }]);
    expect(store.spec.provider.aws.region).toBe("us-east-1");
    // Primary: PushSecrets of exactly the Strimzi-generated Secrets, to the standby's AWS region.
    const pushes = eu.filter((o) => o.kind === "PushSecret" && o.spec.secretStoreRefs[0].name === "floe-eu-west-1-to-us-east-1");
    const pushed = Object.fromEntries(pushes.map((p) => [p.spec.data[0].match.remoteRef.remoteKey, p.spec.selector.secret.name]));
    expect(pushed[password.spec.data[0].remoteRef.key]).toBe(mm2.authentication.username);
    expect(pushed[ca.spec.data[0].remoteRef.key]).toBe("events-cluster-ca-cert");
    for (const p of pushes) expect(p.spec).toMatchObject({ deletionPolicy: "None", updatePolicy: "Replace" });
    const pushStore = get(eu, "ClusterSecretStore", "floe-eu-west-1-to-us-east-1");
    expect(pushStore.spec.provider.aws.region).toBe("us-east-1");
    expect(pushStore.spec.conditions).toEqual([{ namespaces: ["kafka"] }]);
    // The source user is the SCRAM user named in the MirrorMaker 2 source and exists on the primary's cluster.
    expect(get(eu, "KafkaUser", mm2.authentication.username, "kafka").spec.authentication).toEqual({ type: "scram-sha-512" });
  });

  test("the source user may only read the replicated topics, describe the tenant's groups and the cluster", () => {
    const user = get(eu, "KafkaUser", "payments-mirror-to-us-east-1");
    expect(replicationUser(user)).toBe(true);
    const ops = new Set(user.spec.authorization.acls.flatMap((a: Obj) => a.operations));
    expect([...ops].sort()).toEqual(["Describe", "DescribeConfigs", "Read"]);
    const groupAcls = user.spec.authorization.acls.filter((a: Obj) => a.resource.type === "group");
    expect(groupAcls).toEqual([{ type: "allow", resource: { type: "group", name: "payments.", patternType: "prefix" }, operations: ["Describe"] }]);
    const split = get(us, "KafkaUser", "analytics-mirror-to-eu-west-1").spec.authorization.acls.filter((a: Obj) => a.resource.type === "topic");
    expect(split.map((a: Obj) => a.resource.name).sort()).toEqual(["analytics.clickstream", "analytics.daily-aggregates", "analytics.enriched-clicks", "analytics.sessions"]);
  });

  test("the replication listener admits only the regions that mirror from it, over an internal load balancer", () => {
    const listenerOf = (objects: Obj[]) => (ofKind(objects, "Kafka")[0] as Obj).spec.kafka.listeners.find((l: Obj) => l.name === "replication");
    for (const [objects, peers] of [[eu, "10.20.0.0/16"], [us, "10.10.0.0/16"]] as const) {
      const l = listenerOf(objects as Obj[]);
      // Strimzi's broker NetworkPolicy admits only these peers on the port: no pod of the cluster, no tenant.
      expect(l.networkPolicyPeers).toEqual([{ ipBlock: { cidr: peers } }]);
      expect(l.configuration).toMatchObject({ class: "service.k8s.aws/nlb", externalTrafficPolicy: "Local", loadBalancerSourceRanges: [peers] });
      expect(l.configuration.bootstrap.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"]).toBe("internal");
    }
    // Internal listeners stay open to client namespaces only (unchanged).
    const tls = (ofKind(eu, "Kafka")[0] as Obj).spec.kafka.listeners.find((l: Obj) => l.name === "tls");
    expect(tls.networkPolicyPeers).toEqual([{ namespaceSelector: { matchLabels: { "floe.dev/kafka-client": "events" } } }, { podSelector: {} }]);
    expectSchemaValid(ofKind([...eu, ...us], "Kafka"));
  });

  test("each MirrorMaker 2 may connect only to DNS, its brokers, its workers and the primary's network on the replication port", () => {
    for (const [objects, name, primaryCidr] of [[us, "payments-mirror-eu-west-1", "10.10.0.0/16"], [eu, "analytics-mirror-us-east-1", "10.20.0.0/16"], [us, "schema-registry-mirror-eu-west-1", "10.10.0.0/16"]] as const) {
      const policy = get(objects as Obj[], "NetworkPolicy", `${name}-mirrormaker2-egress`, "kafka");
      expect(policy.spec.podSelector.matchLabels).toEqual({ "strimzi.io/cluster": name, "strimzi.io/kind": "KafkaMirrorMaker2" });
      expect(policy.spec.egress[3]).toEqual({ to: [{ ipBlock: { cidr: primaryCidr } }], ports: [{ protocol: "TCP", port: 9095 }] });
    }
    const mirrors = ofKind([...eu, ...us], "KafkaMirrorMaker2");
    const policies = ofKind([...eu, ...us], "NetworkPolicy").filter((p: Obj) => p.metadata.name.endsWith("-mirrormaker2-egress"));
    expect(policies).toHaveLength(mirrors.length);
  });

  test("every pair of mirrors in a region has its own checkpoint and offset-sync topics, and no ACL on the other's", () => {
    const byRegion = [us, eu].map((objects) => ofKind(objects, "KafkaMirrorMaker2").map((m: Obj) => ({ m, user: get(objects, "KafkaUser", m.metadata.name, "kafka") })));
    let pairs = 0;
    for (const mirrors of byRegion) {
      for (const a of mirrors) {
        for (const b of mirrors) {
          if (a === b) continue;
          pairs++;
          const alias = b.m.spec.mirrors[0].source.alias;
          const own = [`${alias}.checkpoints.internal`, `mm2-offset-syncs.${alias}.internal`];
          const topicsOfA = a.user.spec.authorization.acls.filter((x: Obj) => x.resource.type === "topic").map((x: Obj) => x.resource.name);
          expect(topicsOfA.filter((t: string) => own.includes(t) || t === "heartbeats")).toEqual([]);
          expect(a.m.spec.mirrors[0].source.alias).not.toBe(alias);
        }
      }
    }
    expect(pairs).toBe(6); // us-east-1: payments', analytics' and the registry's mirrors, all from eu-west-1 (ordered pairs)
  });

  test("standby side: jobs suspended, CDC sources stopped, only MirrorMaker 2 may produce to the copies", () => {
    expect(get(eu, "FlinkDeployment", "payments-fraud-scorer").spec.job.state).toBe("running");
    expect(get(us, "FlinkDeployment", "payments-fraud-scorer").spec.job.state).toBe("suspended");
    expect(get(eu, "KafkaConnector", "payments-orders-db").spec.state).toBe("running");
    expect(get(us, "KafkaConnector", "payments-orders-db").spec.state).toBe("stopped");
    // analytics: clicks are primary in us-east-1, so its rollup runs there and waits in eu-west-1.
    expect(get(us, "FlinkDeployment", "analytics-daily-rollup").spec.job.state).toBe("running");
    expect(get(eu, "FlinkDeployment", "analytics-daily-rollup").spec.job.state).toBe("suspended");
    const writers = (objects: Obj[], topic: string) =>
      objects
        .filter((o) => o.kind === "KafkaUser")
        .filter((u) => u.spec.authorization.acls.some((a: Obj) => a.operations.includes("Write") && (a.resource.patternType === "prefix" ? topic.startsWith(a.resource.name) : a.resource.name === topic)))
        .map((u) => u.metadata.name)
        .sort();
    expect(writers(us, "payments.orders")).toEqual(["payments-mirror-eu-west-1"]);
    expect(writers(eu, "payments.orders")).toEqual(["payments-checkout"]);
    expect(writers(eu, "analytics.clickstream")).toEqual(["analytics-mirror-us-east-1"]);
    expect(writers(us, "analytics.clickstream")).toEqual(["analytics-collector"]);
    // experiments is primary in eu-west-1: written there, copied to us-east-1.
    expect(writers(eu, "analytics.experiments")).toEqual(["analytics-experiment-service"]);
    expect(writers(us, "analytics.experiments")).toEqual(["analytics-mirror-eu-west-1"]);
  });

  test("incremental snapshot Jobs run only where the source runs: none in the standby, whose connector is stopped", () => {
    const spec: Obj = clone(exampleSpec());
    const source = spec.tenants.find((t: Obj) => t.name === "payments").sources[0];
    source.incrementalSnapshots = [{ id: "backfill-1", tables: ["public.orders"] }];
    const rendered = synthesize(parsePlatformSpec(spec));
    const jobs = (region: string) =>
      rendered.files.filter((f) => f.path.startsWith(`${region}/`)).flatMap((f) => f.objects as Obj[]).filter((o) => o.kind === "Job" && o.metadata.name.includes("-snapshot-"));
    expect(jobs("eu-west-1").map((j) => j.metadata.name)).toEqual(["payments-orders-db-snapshot-backfill-1"]);
    expect(jobs("us-east-1")).toEqual([]);
    // After a failover, the new primary's Job is a new object: the diff lists it as a re-snapshot to review.
    Object.assign(spec.replication[0], { primary: "us-east-1", standby: "eu-west-1" });
    const after = synthesize(parsePlatformSpec(spec));
    const changes = diffTrees(treeObjects(rendered.files), treeObjects(after.files)).changes.filter((c) => c.kind === "Job");
    expect(changes.map((c) => [c.file.split("/")[0], c.action, c.risk])).toEqual(
      expect.arrayContaining([
        ["us-east-1", "create", "disruptive"],
        ["eu-west-1", "delete", expect.any(String)],
      ]),
    );
    expect(changes.find((c) => c.action === "create")!.reasons.join(" ")).toMatch(/incremental snapshot of public\.orders/);
  });

  test("the primary's replication listener puts its host in the broker certificates", () => {
    const kafka = get(eu, "Kafka", "events");
    const listener = kafka.spec.kafka.listeners.find((l: Obj) => l.name === "replication");
    expect(listener.configuration.bootstrap.alternativeNames).toEqual(["kafka-replication.eu-west-1.prod.example.com"]);
  });
});

describe("replication errors name the entry, the value and the fix", () => {
  const withReplication = (mutate: (spec: Obj) => void): Obj => {
    const spec: Obj = clone(exampleSpec());
    mutate(spec);
    return spec;
  };
  const error = (mutate: (spec: Obj) => void) => catchValidation(() => synthesize(parsePlatformSpec(withReplication(mutate))));

  test("unknown tenant and unknown regions", () => {
    const e = error((s) => s.replication.push({ tenant: "billing", primary: "eu-central-1", standby: "us-east-1" }));
    expect(issuesWithCode(e, "UnknownTenant")[0]).toMatchObject({ scope: "replication[3]", field: "tenant", value: "billing" });
    const [region] = issuesWithCode(e, "UnknownRegion");
    expect(region).toMatchObject({ scope: "replication[3]", field: "primary", value: "eu-central-1" });
    expect(region.fix).toMatch(/use one of eu-west-1, us-east-1/);
  });

  test("a tenant that does not run in the standby region", () => {
    const e = error((s) => s.replication.push({ tenant: "logistics", primary: "eu-west-1", standby: "us-east-1" }));
    const [issue] = issuesWithCode(e, "TenantNotInRegion");
    expect(issue).toMatchObject({ scope: "replication[3]", field: "standby", value: "us-east-1" });
    expect(issue.fix).toBe("add us-east-1 to tenants[1].regions");
  });

  test("standby = primary", () => {
    const e = error((s) => (s.replication[0].standby = "eu-west-1"));
    expect(issuesWithCode(e, "ReplicationToSameRegion")[0]).toMatchObject({ scope: "replication[0]", field: "standby" });
  });

  test("unknown topic or a prefix matching nothing", () => {
    const e = error((s) => (s.replication[0].topics = ["orders", "ledger", "zz*"]));
    expect(issuesWithCode(e, "UnknownTopic").map((i) => [i.field, i.value, i.message])).toEqual([
      ["topics[1]", "ledger", "is not a topic of tenant payments"],
      ["topics[2]", "zz*", "matches no topic of tenant payments"],
    ]);
  });

  test("a topic replicated twice, or both ways (a loop with names kept)", () => {
    const twice = error((s) => s.replication.push({ tenant: "payments", primary: "eu-west-1", standby: "us-east-1", topics: ["orders"] }));
    expect(issuesWithCode(twice, "ReplicationOverlap")[0]).toMatchObject({ scope: "replication[3]", value: ["orders"] });
    const loop = error((s) => s.replication.push({ tenant: "analytics", primary: "eu-west-1", standby: "us-east-1", topics: ["sessions"] }));
    expect(issuesWithCode(loop, "ReplicationOverlap")[0].message).toMatch(/copies these topics the other way; .* back and forth forever/);
  });

  test("the primary has no listener MirrorMaker 2 can reach", () => {
    const e = error((s) => (s.regions[0].kafka.listeners = s.regions[0].kafka.listeners.filter((l: Obj) => l.name !== "replication")));
    const [issue] = issuesWithCode(e, "ReplicationListenerMissing");
    expect(issue).toMatchObject({ scope: "regions[0].kafka", field: "listeners", value: ["tls", "mtls"] });
    expect(issue.fix).toMatch(/type: loadbalancer, tls: true, authentication: scram-sha-512, bootstrapHost/);
    const named = error((s) => (s.regions[0].kafka.replicationListener = "mtls"));
    expect(issuesWithCode(named, "ReplicationListenerMissing")[0]).toMatchObject({ field: "replicationListener", value: "mtls" });
    const unknown = error((s) => (s.regions[0].kafka.replicationListener = "wan"));
    expect(issuesWithCode(unknown, "UnknownListener")[0]).toMatchObject({ scope: "regions[0].kafka", field: "replicationListener", value: "wan" });
  });

  test("a replication listener that is not a load balancer (a route's router, not the peer, reaches the brokers)", () => {
    const e = error((s) => {
      const l = s.regions[0].kafka.listeners.find((x: Obj) => x.name === "replication");
      Object.assign(l, { type: "route", port: 9095 });
    });
    expect(issuesWithCode(e, "ReplicationListenerMissing")[0]).toMatchObject({ scope: "regions[0].kafka", field: "listeners" });
  });

  test("regions that replicate declare their peering networks: valid, canonical, not overlapping", () => {
    const missing = error((s) => delete s.regions[1].network.peeringCidrs);
    expect(issuesWithCode(missing, "PeeringCidrsMissing").map((i) => [i.scope, i.field])).toEqual([["regions[1]", "network.peeringCidrs"]]);
    expect(issuesWithCode(missing, "PeeringCidrsMissing")[0].message).toMatch(/region us-east-1 replicates \(it mirrors from eu-west-1; eu-west-1 mirrors from it\)/);
    const bad = error((s) => (s.regions[0].network.peeringCidrs = ["10.10.0.1/16", "10.300.0.0/16"]));
    expect(issuesWithCode(bad, "InvalidCidr").map((i) => [i.scope, i.field, i.fix])).toEqual([
      ["regions[0]", "network.peeringCidrs[0]", "write the network: 10.10.0.0/16"],
      ["regions[0]", "network.peeringCidrs[1]", "write it like 10.20.0.0/16"],
    ]);
    const overlap = error((s) => (s.regions[1].network.peeringCidrs = ["10.10.128.0/17"]));
    expect(issuesWithCode(overlap, "OverlappingPeeringCidrs")[0]).toMatchObject({ scope: "regions[1]", field: "network.peeringCidrs[0]", value: "10.10.128.0/17" });
  });

  test("a job whose topics have different primaries would run nowhere", () => {
    const e = error((s) => {
      const analytics = s.tenants.find((t: Obj) => t.name === "analytics");
      analytics.jobs[0].writes = ["experiments"];
    });
    const [issue] = issuesWithCode(e, "JobSpansPrimaries");
    expect(issue).toMatchObject({ scope: "tenants[2].jobs[0]", value: { "us-east-1": "sessions", "eu-west-1": "experiments" } });
  });

  test("replication fields are checked by shape too", () => {
    const e = error((s) => (s.replication[0].mode = "active-active"));
    expect(issuesWithCode(e, "UnknownSpecField")[0]).toMatchObject({ scope: "replication[0]", field: "mode" });
  });
});

describe("failover is a spec edit the diff classifies", () => {
  const failover = (): Obj => {
    const spec: Obj = clone(exampleSpec());
    Object.assign(spec.replication[0], { primary: "us-east-1", standby: "eu-west-1" });
    return spec;
  };
  const result = diffTrees(treeObjects(tree.files), treeObjects(synthesize(parsePlatformSpec(failover())).files));
  const change = (kind: string, name: string, region: string) =>
    result.changes.find((c) => c.kind === kind && c.name === name && c.file.startsWith(`${region}/`));

  test("MirrorMaker 2 moves: removed in the old standby (destructive), created in the old primary (disruptive)", () => {
    expect(change("KafkaMirrorMaker2", "payments-mirror-eu-west-1", "us-east-1")).toMatchObject({ action: "delete", risk: "destructive" });
    const created = change("KafkaMirrorMaker2", "payments-mirror-us-east-1", "eu-west-1")!;
    expect(created).toMatchObject({ action: "create", risk: "disruptive" });
    expect(created.reasons[0]).toMatch(/earliest offsets .* duplicated, not merged/);
  });

  test("the job resumes in the new primary and is suspended in the old one; sources follow", () => {
    expect(change("FlinkDeployment", "payments-fraud-scorer", "us-east-1")).toMatchObject({ risk: "disruptive", reasons: ["job state suspended -> running"] });
    expect(change("FlinkDeployment", "payments-fraud-scorer", "eu-west-1")).toMatchObject({ risk: "disruptive", reasons: ["job state running -> suspended"] });
    expect(change("KafkaConnector", "payments-orders-db", "us-east-1")?.fields).toEqual([{ path: "spec.state", old: "stopped", new: "running" }]);
    expect(change("KafkaConnector", "payments-orders-db", "eu-west-1")?.fields).toEqual([{ path: "spec.state", old: "running", new: "stopped" }]);
  });

  test("producers get Write in the new primary and lose it in the old", () => {
    const grant = change("KafkaUser", "payments-checkout", "us-east-1")!;
    expect(JSON.stringify(grant.fields)).toMatch(/payments\.orders/);
    expect(change("KafkaUser", "payments-checkout", "eu-west-1")).toBeDefined();
  });

  test("acknowledging the MirrorMaker 2 removal in the head spec (allowDestructive) also covers its internal topics", () => {
    const internal = result.changes.filter((c) => c.kind === "KafkaTopic" && c.name.startsWith("mirrormaker2.payments-mirror-eu-west-1."));
    expect(internal.map((c) => [c.action, c.risk])).toEqual([["delete", "destructive"], ["delete", "destructive"], ["delete", "destructive"]]);
    expect(result.summary.destructive).toBe(4);
    const head: Obj = failover();
    head.allowDestructive = [{ kind: "KafkaMirrorMaker2", name: "payments-mirror-eu-west-1", namespace: "kafka", reason: "failover of payments to us-east-1 (incident 4711)" }];
    const rendered = synthesize(parsePlatformSpec(head));
    const acked = diffTrees(treeObjects(tree.files), treeObjects(rendered.files), rendered.acknowledgements);
    expect(acked.summary.destructive).toBe(0);
    expect(acked.summary.acknowledged).toBe(4);
    // An acknowledgement of something else covers nothing.
    const other = diffTrees(treeObjects(tree.files), treeObjects(rendered.files), [{ kind: "KafkaMirrorMaker2", name: "analytics-mirror-eu-west-1", reason: "unrelated change here" }]);
    expect(other.summary.destructive).toBe(4);
  });
});
