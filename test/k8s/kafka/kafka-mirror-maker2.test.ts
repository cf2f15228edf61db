import {
  grantMirrorSource,
  KafkaAuthentication,
  KafkaCluster,
  KafkaListener,
  KafkaMirrorMaker2,
  KafkaMirrorMaker2Props,
  KafkaTopic,
  KafkaTopicPrefix,
  KafkaUser,
  mirrorTopicsPattern,
} from "../../../lib/internal";
import { catchValidation, expectRestrictedPod, expectSchemaValid, issuesWithCode, newChart, ofKind, synth } from "../../helpers";

function setup(clusterProps: { production?: boolean; listeners?: KafkaListener[] } = {}) {
  const { app, chart } = newChart();
  const target = new KafkaCluster(chart, "Kafka", { name: "events", namespace: "kafka", production: clusterProps.production ?? true, listeners: clusterProps.listeners });
  const orders = new KafkaTopic(chart, "Orders", { cluster: target, topicName: "payments.orders" });
  const source = {
    alias: "eu-west-1",
    bootstrapServers: "kafka.eu-west-1.example.com:9095",
    caSecret: { secretName: "floe-kafka-ca-eu-west-1", certificate: "ca.crt" },
    credentials: { username: "payments-mirror-to-us-east-1", secretName: "payments-mirror-eu-west-1-source", passwordKey: "password" },
  };
  const mirror = (props: Partial<KafkaMirrorMaker2Props> = {}) =>
    new KafkaMirrorMaker2(chart, "Mirror", { target, targetAlias: "us-east-1", name: "payments-mirror-eu-west-1", source, topics: [orders], groupPrefix: "payments.", ...props });
  const render = () => synth(app, chart) as any[];
  return { app, chart, target, orders, mirror, render, source };
}

describe("KafkaMirrorMaker2 defaults", () => {
  test("identity policy, offset syncs on the target, group offsets synced, restricted pods, valid against the CRD", () => {
    const { mirror, render } = setup();
    const m = mirror();
    const objects = render();
    expectSchemaValid(objects);
    const [mm2] = ofKind(objects, "KafkaMirrorMaker2") as any[];
    expect(mm2.metadata).toMatchObject({ name: "payments-mirror-eu-west-1", namespace: "kafka" });
    expect(mm2.spec.replicas).toBe(2);
    expect(mm2.spec.version).toBe(m.target.version);
    expect(mm2.spec.resources).toEqual({ requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "2Gi" } });
    expect(mm2.spec.target).toMatchObject({
      alias: "us-east-1",
      bootstrapServers: "events-kafka-bootstrap.kafka.svc:9093",
      groupId: "mirrormaker2.payments-mirror-eu-west-1.connect",
      configStorageTopic: "mirrormaker2.payments-mirror-eu-west-1.configs",
      tls: { trustedCertificates: [{ secretName: "events-cluster-ca-cert", pattern: "*.crt" }] },
      authentication: { type: "scram-sha-512", username: "payments-mirror-eu-west-1", passwordSecret: { secretName: "payments-mirror-eu-west-1", password: "password" } },
    });
    const [mirrorSpec] = mm2.spec.mirrors;
    expect(mirrorSpec.source).toEqual({
      // Scoped to this mirror: MirrorMaker 2 names its checkpoint and offset-sync topics after the source alias.
      alias: "mirrormaker2.payments-mirror-eu-west-1.eu-west-1",
      bootstrapServers: "kafka.eu-west-1.example.com:9095",
      tls: { trustedCertificates: [{ secretName: "floe-kafka-ca-eu-west-1", certificate: "ca.crt" }] },
      authentication: { type: "scram-sha-512", username: "payments-mirror-to-us-east-1", passwordSecret: { secretName: "payments-mirror-eu-west-1-source", password: "password" } },
    });
    expect(mirrorSpec.sourceConnector.tasksMax).toBe(2);
    expect(mirrorSpec.checkpointConnector.config["sync.group.offsets.interval.seconds"]).toBe(60);
    expect(mirrorSpec.topicsPattern).toBe("payments\\.orders");
    expect(mirrorSpec.groupsPattern).toBe("payments\\..*");
    expectRestrictedPod({ securityContext: mm2.spec.template.pod.securityContext, containers: [{ securityContext: mm2.spec.template.connectContainer.securityContext }] });
    // Internal topics are compacted KafkaTopics owned by the MirrorMaker 2 (a diff acknowledgement covers them).
    const internal = (ofKind(objects, "KafkaTopic") as any[]).filter((t) => t.spec.topicName.startsWith("mirrormaker2."));
    expect(internal.map((t) => [t.spec.topicName, t.spec.partitions, t.spec.config["cleanup.policy"], t.metadata.labels["floe.dev/owned-by"]])).toEqual([
      ["mirrormaker2.payments-mirror-eu-west-1.configs", 1, "compact", "KafkaMirrorMaker2.payments-mirror-eu-west-1"],
      ["mirrormaker2.payments-mirror-eu-west-1.offsets", 25, "compact", "KafkaMirrorMaker2.payments-mirror-eu-west-1"],
      ["mirrormaker2.payments-mirror-eu-west-1.status", 5, "compact", "KafkaMirrorMaker2.payments-mirror-eu-west-1"],
    ]);
  });

  test("its target user: the replicated topics, its internal topics and group, the tenant's groups, cluster describe", () => {
    const { mirror, render } = setup();
    mirror();
    const [user] = ofKind(render(), "KafkaUser") as any[];
    expect(user.metadata.labels["app.kubernetes.io/component"]).toBe("replication");
    const acl = (type: string, name?: string) => user.spec.authorization.acls.find((a: any) => a.resource.type === type && a.resource.name === name)?.operations;
    expect(acl("topic", "payments.orders")).toEqual(["Read", "Write", "Describe", "DescribeConfigs"]);
    expect(acl("topic", "mirrormaker2.payments-mirror-eu-west-1.offsets")).toEqual(["Read", "Write", "Create", "Describe", "DescribeConfigs"]);
    expect(acl("topic", "mirrormaker2.payments-mirror-eu-west-1.eu-west-1.checkpoints.internal")).toEqual(["Read", "Write", "Create", "Describe", "DescribeConfigs"]);
    expect(acl("topic", "mm2-offset-syncs.mirrormaker2.payments-mirror-eu-west-1.eu-west-1.internal")).toEqual(["Read", "Write", "Create", "Describe", "DescribeConfigs"]);
    // Nothing every mirror from the region would share: the bare alias' topics, heartbeats.
    for (const shared of ["eu-west-1.checkpoints.internal", "mm2-offset-syncs.eu-west-1.internal", "mm2-offset-syncs.us-east-1.internal", "heartbeats"]) expect(acl("topic", shared)).toBeUndefined();
    expect(acl("group", "payments.")).toEqual(["Read", "Describe"]);
    expect(acl("group", "mirrormaker2.payments-mirror-eu-west-1.connect")).toEqual(["Read", "Describe"]);
    expect(acl("cluster")).toEqual(["Describe"]);
    // Nothing outside: no Alter, Delete or All anywhere.
    expect(user.spec.authorization.acls.flatMap((a: any) => a.operations)).not.toEqual(expect.arrayContaining(["All"]));
    expect(user.spec.authorization.acls.flatMap((a: any) => a.operations).filter((o: string) => ["Alter", "Delete", "All", "AlterConfigs"].includes(o))).toEqual([]);
  });
});

describe("KafkaMirrorMaker2 isolation between mirrors", () => {
  test("two mirrors from one source region (two tenants) share no internal topic, ACL or alias", () => {
    const { chart, target, render } = setup();
    const mk = (tenant: string) =>
      new KafkaMirrorMaker2(chart, `M-${tenant}`, {
        target,
        targetAlias: "us-east-1",
        name: `${tenant}-mirror-eu-west-1`,
        source: {
          alias: "eu-west-1",
          bootstrapServers: "kafka.eu-west-1.example.com:9095",
          caSecret: { secretName: "ca", certificate: "ca.crt" },
          credentials: { username: `${tenant}-mirror-to-us-east-1`, secretName: `${tenant}-src`, passwordKey: "password" },
        },
        topics: [new KafkaTopicPrefix(target, `${tenant}.`)],
        groupPrefix: `${tenant}.`,
      });
    const a = mk("alpha");
    const b = mk("beta");
    expect(a.sourceAlias).not.toBe(b.sourceAlias);
    expect(a.mirrorTopics.filter((t) => b.mirrorTopics.includes(t))).toEqual([]);
    const users = ofKind(render(), "KafkaUser") as any[];
    const topicsOf = (name: string) => new Set(users.find((u) => u.metadata.name === name).spec.authorization.acls.filter((x: any) => x.resource.type === "topic").map((x: any) => x.resource.name as string));
    const ta = topicsOf("alpha-mirror-eu-west-1");
    const tb = topicsOf("beta-mirror-eu-west-1");
    expect([...ta].filter((t) => tb.has(t))).toEqual([]);
    for (const t of b.mirrorTopics) expect(ta.has(t)).toBe(false);
  });

  test("egress: DNS, the target's brokers, the workers' REST port, the source port on the source's networks only", () => {
    const { mirror, render } = setup();
    mirror({ egress: { sourceCidrs: ["10.10.0.0/16", "10.11.0.0/16", "10.10.0.0/16"] } });
    const [policy] = (ofKind(render(), "NetworkPolicy") as any[]).filter((p) => p.metadata.name === "payments-mirror-eu-west-1-mirrormaker2-egress");
    expect(policy.metadata.namespace).toBe("kafka");
    expect(policy.spec.podSelector).toEqual({ matchLabels: { "strimzi.io/cluster": "payments-mirror-eu-west-1", "strimzi.io/kind": "KafkaMirrorMaker2" } });
    expect(policy.spec.policyTypes).toEqual(["Egress"]);
    const [dns, brokers, workers, source] = policy.spec.egress;
    expect(dns.ports).toEqual([{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }]);
    expect(brokers.to).toEqual([{ podSelector: { matchLabels: { "strimzi.io/cluster": "events", "strimzi.io/kind": "Kafka" } } }]);
    expect(workers.ports).toEqual([{ protocol: "TCP", port: 8083 }]);
    expect(source).toEqual({ to: [{ ipBlock: { cidr: "10.10.0.0/16" } }, { ipBlock: { cidr: "10.11.0.0/16" } }], ports: [{ protocol: "TCP", port: 9095 }] });
    expect(policy.spec.egress).toHaveLength(4);
    expectSchemaValid([policy]);
    // Without the option: no policy.
    const plain = setup();
    plain.mirror();
    expect((ofKind(plain.render(), "NetworkPolicy") as any[]).filter((p) => /mirrormaker2/.test(p.metadata.name))).toEqual([]);
  });

  test("egress errors: an invalid or empty network list, a bootstrap without port, an alias rendered too long", () => {
    const e1 = catchValidation(() => setup().mirror({ egress: { sourceCidrs: ["10.10.0.1/16", "x"] } }));
    expect(issuesWithCode(e1, "InvalidCidr").map((i) => [i.field, i.message])).toEqual([
      ["egress.sourceCidrs[0]", "has host bits set"],
      ["egress.sourceCidrs[1]", "is not an IPv4 CIDR"],
    ]);
    expect(issuesWithCode(catchValidation(() => setup().mirror({ egress: { sourceCidrs: [] } })), "NoSourceNetwork")[0].field).toBe("egress.sourceCidrs");
    const e3 = catchValidation(() => setup().mirror({ internalPrefix: `${"x".repeat(95)}.` }));
    expect(issuesWithCode(e3, "NameTooLong")[0]).toMatchObject({ field: "source.alias", limit: 100 });
  });
});

describe("KafkaMirrorMaker2 options", () => {
  test("replicas, tasks, resources, internal prefix, offset sync interval; development cluster = 1 replica", () => {
    const { mirror, render } = setup({ production: false });
    mirror({ tasksMax: 6, resources: { requests: { cpu: "1", memory: "4Gi" } }, internalPrefix: "platform.mm2.payments.", offsetSyncIntervalSeconds: 30 });
    const [mm2] = ofKind(render(), "KafkaMirrorMaker2") as any[];
    expect(mm2.spec.replicas).toBe(1);
    expect(mm2.spec.mirrors[0].sourceConnector.tasksMax).toBe(6);
    expect(mm2.spec.resources).toEqual({ requests: { cpu: "1", memory: "4Gi" } });
    expect(mm2.spec.target.groupId).toBe("platform.mm2.payments.connect");
    expect(mm2.spec.mirrors[0].checkpointConnector.config).toMatchObject({ "emit.checkpoints.interval.seconds": 30, "sync.group.offsets.interval.seconds": 30 });
    const { mirror: m2, render: r2 } = setup();
    m2({ replicas: 3 });
    expect((ofKind(r2(), "KafkaMirrorMaker2") as any[])[0].spec.replicas).toBe(3);
  });

  test("topic patterns: literal names escaped, prefixes become .*, sorted and unique", () => {
    const { target, chart } = setup();
    const refunds = new KafkaTopic(chart, "Refunds", { cluster: target, topicName: "payments.refunds_v2" });
    expect(mirrorTopicsPattern([refunds, new KafkaTopicPrefix(target, "payments.cdc."), refunds])).toBe("payments\\.cdc\\..*|payments\\.refunds_v2");
    // Group prefixes are free text: every regex metacharacter is escaped.
    expect(mirrorTopicsPattern([{ aclName: "team(a)+", aclPatternType: "prefix" }])).toBe("team\\(a\\)\\+.*");
  });

  test("grantMirrorSource: read-only on the topics, describe groups and cluster, labelled replication", () => {
    const { chart, target, orders, render } = setup();
    const user = new KafkaUser(chart, "Source", { cluster: target, userName: "payments-mirror-to-us-east-1" });
    grantMirrorSource(user, [orders], "payments.");
    const u = (ofKind(render(), "KafkaUser") as any[]).find((x) => x.metadata.name === "payments-mirror-to-us-east-1");
    expect(u.metadata.labels["app.kubernetes.io/component"]).toBe("replication");
    expect(u.spec.authorization.acls.map((a: any) => `${a.resource.type}:${a.resource.name ?? ""}:${a.operations.join("/")}`)).toEqual([
      "cluster::Describe",
      "group:payments.:Describe",
      "topic:payments.orders:Read/Describe/DescribeConfigs",
    ]);
  });
});

describe("KafkaMirrorMaker2 validation", () => {
  test("fails on a long or invalid name", () => {
    const { mirror } = setup();
    const e = catchValidation(() => mirror({ name: `${"a".repeat(35)}-mirror-x` }));
    expect(e.issues[0]).toMatchObject({ code: "NameTooLong", field: "name", fix: "use at most 40 characters" });
    const { mirror: m2 } = setup();
    expect(catchValidation(() => m2({ name: "Payments_Mirror" })).issues[0].field).toBe("name");
  });

  test("fails with nothing to mirror", () => {
    const { mirror } = setup();
    expect(catchValidation(() => mirror({ topics: [] })).issues[0]).toMatchObject({ code: "NothingToMirror", field: "topics" });
  });

  test("fails when source and target are the same cluster alias", () => {
    const { mirror, source } = setup();
    const e = catchValidation(() => mirror({ source: { ...source, alias: "us-east-1" } }));
    expect(e.issues[0]).toMatchObject({ code: "MirrorToItself", field: "source.alias", value: "us-east-1" });
  });

  test("fails on a topic of another cluster", () => {
    const { mirror, chart } = setup();
    const other = new KafkaCluster(chart, "Other", { name: "other", namespace: "kafka-b" });
    const foreign = new KafkaTopic(chart, "Foreign", { cluster: other, topicName: "payments.orders" });
    const e = catchValidation(() => mirror({ topics: [foreign] }));
    expect(e.issues[0]).toMatchObject({ code: "TopicOfAnotherCluster", value: "payments.orders" });
    expect(e.issues[0].message).toMatch(/cluster other, not of the target cluster events/);
  });

  test("fails when no internal listener of the target accepts SCRAM", () => {
    const { mirror } = setup({ listeners: [KafkaListener.internalTls({ authentication: KafkaAuthentication.tls() })] });
    expect(catchValidation(() => mirror()).issues[0]).toMatchObject({ code: "NoListenerForAuthentication", field: "target" });
  });
});
