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
} from "../../../lib";
import { catchValidation, expectRestrictedPod, expectSchemaValid, newChart, ofKind, synth } from "../../helpers";

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
      alias: "eu-west-1",
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
    expect(acl("topic", "eu-west-1.checkpoints.internal")).toEqual(["Read", "Write", "Create", "Describe", "DescribeConfigs"]);
    expect(acl("group", "payments.")).toEqual(["Read", "Describe"]);
    expect(acl("group", "mirrormaker2.payments-mirror-eu-west-1.connect")).toEqual(["Read", "Describe"]);
    expect(acl("cluster")).toEqual(["Describe"]);
    // Nothing outside: no Alter, Delete or All anywhere.
    expect(user.spec.authorization.acls.flatMap((a: any) => a.operations)).not.toEqual(expect.arrayContaining(["All"]));
    expect(user.spec.authorization.acls.flatMap((a: any) => a.operations).filter((o: string) => ["Alter", "Delete", "All", "AlterConfigs"].includes(o))).toEqual([]);
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
      "topic:heartbeats:Read/Describe",
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
