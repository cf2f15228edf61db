import { CleanupPolicy, KafkaCluster, KafkaClusterProps, KafkaTopic, KafkaTopicProps } from "../../../lib/internal";
import { catchValidation, expectSchemaValid, issuesWithCode, newChart, ofKind, synth, validateApp } from "../../helpers";

function setup(clusterProps: Partial<KafkaClusterProps> = {}) {
  const { app, chart } = newChart();
  const cluster = new KafkaCluster(chart, "Kafka", { name: "events", namespace: "kafka", ...clusterProps });
  return { app, chart, cluster };
}

function topic(props: Partial<KafkaTopicProps> = {}, clusterProps: Partial<KafkaClusterProps> = {}) {
  const { app, chart, cluster } = setup(clusterProps);
  const t = new KafkaTopic(chart, "Topic", { cluster, topicName: "payments.orders", ...props });
  const objects = synth(app, chart);
  return { t, objects, kt: ofKind(objects, "KafkaTopic")[0] as any };
}

describe("KafkaTopic defaults", () => {
  const { kt, objects, t } = topic();
  test("renders a KafkaTopic in the cluster namespace, bound to the cluster, valid against the CRD", () => {
    expect(kt.apiVersion).toBe("kafka.strimzi.io/v1");
    expect(kt.metadata).toMatchObject({ name: "payments.orders", namespace: "kafka" });
    expect(kt.metadata.labels["strimzi.io/cluster"]).toBe("events");
    expect(kt.spec).toEqual({ topicName: "payments.orders", partitions: 3, replicas: 3, config: {} });
    expectSchemaValid(objects);
    expect(t.resourceName).toBe("payments.orders");
  });
});

describe("KafkaTopic options", () => {
  test("typed config props render as Kafka topic configs", () => {
    const { kt, objects } = topic({
      partitions: 12,
      replicas: 3,
      retention: "7d",
      retentionBytes: "50Gi",
      cleanupPolicy: CleanupPolicy.COMPACT_DELETE,
      minInsyncReplicas: 2,
      maxMessageBytes: "2Mi",
      config: { "compression.type": "zstd" },
    });
    expect(kt.spec).toEqual({
      topicName: "payments.orders",
      partitions: 12,
      replicas: 3,
      config: {
        "cleanup.policy": "compact,delete",
        "compression.type": "zstd",
        "max.message.bytes": 2097152,
        "min.insync.replicas": 2,
        "retention.bytes": 53687091200,
        "retention.ms": 604800000,
      },
    });
    expectSchemaValid(objects);
  });

  test("infinite retention is -1", () => {
    expect(topic({ retention: "infinite" }).kt.spec.config["retention.ms"]).toBe(-1);
  });

  test("a topic name that is not a Kubernetes name gets a sanitised resource name and spec.topicName", () => {
    const { kt, objects } = topic({ topicName: "Payments_Orders" });
    expect(kt.metadata.name).toMatch(/^payments-orders-[0-9a-f]{8}$/);
    expect(kt.spec.topicName).toBe("Payments_Orders");
    expectSchemaValid(objects);
  });

  test("replicas default to the cluster's replication factor (development: broker count)", () => {
    const { kt } = topic({}, { production: false, combinedRoles: true, brokers: { replicas: 1 } });
    expect(kt.spec.replicas).toBe(1);
  });

  test("warns (does not fail) when '.' and '_' are mixed", () => {
    const { app, chart, cluster } = setup();
    new KafkaTopic(chart, "T", { cluster, topicName: "payments.order_events" });
    expect(validateApp(app).map((w) => w.code)).toEqual(["TopicNameMixesPeriodAndUnderscore"]);
  });

  test("a derived name (e.g. from a captured table) gets no naming warning", () => {
    const { app, chart, cluster } = setup();
    new KafkaTopic(chart, "T", { cluster, topicName: "payments.db.public.order_lines", derivedName: true });
    expect(validateApp(app)).toEqual([]);
  });
});

describe("KafkaTopic validation", () => {
  const fails = (props: Partial<KafkaTopicProps>) =>
    catchValidation(() => {
      const { chart, cluster } = setup();
      new KafkaTopic(chart, "T", { cluster, topicName: "payments.orders", ...props });
    });
  const failsAtSynth = (props: Partial<KafkaTopicProps>, clusterProps: Partial<KafkaClusterProps> = {}) =>
    catchValidation(() => {
      const { app, chart, cluster } = setup(clusterProps);
      new KafkaTopic(chart, "T", { cluster, topicName: "payments.orders", ...props });
      validateApp(app);
    });

  test("fails InvalidTopicName and TopicNameTooLong", () => {
    expect(fails({ topicName: "orders!" }).code).toBe("InvalidTopicName");
    expect(fails({ topicName: "x".repeat(250) }).code).toBe("TopicNameTooLong");
  });

  test("fails InvalidPartitions", () => {
    const e = fails({ partitions: 0 });
    expect(e).toMatchObject({ code: "InvalidPartitions", field: "partitions", value: 0 });
    expect(e.fix).toMatch(/never lowered/);
  });

  test("fails InvalidReplicas", () => {
    expect(fails({ replicas: 0 }).code).toBe("InvalidReplicas");
  });

  test("fails InvalidDuration for a bad retention; inside config, Kafka's milliseconds only (the broker takes no '7d')", () => {
    expect(fails({ retention: "a week" })).toMatchObject({ code: "InvalidDuration", field: "retention" });
    expect(fails({ config: { "retention.ms": "a week" } })).toMatchObject({ code: "InvalidKafkaConfigValue", field: "config.retention.ms" });
    expect(fails({ config: { "retention.ms": "7d" } })).toMatchObject({ code: "InvalidKafkaConfigValue", field: "config.retention.ms" });
  });

  test("fails InvalidQuantity for bad byte sizes", () => {
    expect(fails({ maxMessageBytes: "big" })).toMatchObject({ code: "InvalidQuantity", field: "maxMessageBytes" });
    expect(fails({ retentionBytes: "huge" })).toMatchObject({ code: "InvalidQuantity", field: "retentionBytes" });
  });

  test("fails InvalidCleanupPolicy and InvalidMinInsyncReplicas", () => {
    expect(fails({ cleanupPolicy: "forever" as CleanupPolicy }).code).toBe("InvalidCleanupPolicy");
    expect(fails({ minInsyncReplicas: 0 }).code).toBe("InvalidMinInsyncReplicas");
  });

  test("fails ConflictingTopicConfig when config repeats a typed prop", () => {
    const e = fails({ retention: "7d", config: { "retention.ms": 1000 } });
    expect(e).toMatchObject({ code: "ConflictingTopicConfig", field: "config.retention.ms" });
    expect(e.fix).toBe("remove config.retention.ms and keep retention");
  });

  test("fails TopicReplicasExceedBrokers", () => {
    const e = failsAtSynth({ replicas: 5, minInsyncReplicas: 2 });
    expect(e).toMatchObject({ code: "TopicReplicasExceedBrokers", value: 5 });
    expect(e.issues[0].message).toBe("is more than the 3 broker(s) of cluster events");
  });

  test("fails MinInsyncReplicasNotBelowReplicas in production, allows it in development", () => {
    const e = failsAtSynth({ replicas: 2 });
    expect(e.code).toBe("MinInsyncReplicasNotBelowReplicas");
    expect(e.fix).toBe("set minInsyncReplicas to 1");
    expect(failsAtSynth({ replicas: 1 }).fix).toBe("use 3 replicas with minInsyncReplicas 2");
    const { app, chart, cluster } = setup({ production: false });
    new KafkaTopic(chart, "T", { cluster, topicName: "t", replicas: 2, minInsyncReplicas: 2 });
    expect(() => validateApp(app)).not.toThrow();
  });

  test("fails DuplicateTopic and TopicNameCollision within one cluster", () => {
    const { app, chart, cluster } = setup();
    new KafkaTopic(chart, "A", { cluster, topicName: "payments.orders" });
    new KafkaTopic(chart, "B", { cluster, topicName: "payments.orders" });
    new KafkaTopic(chart, "C", { cluster, topicName: "a.b" });
    new KafkaTopic(chart, "D", { cluster, topicName: "a_b" });
    const e = catchValidation(() => validateApp(app));
    expect(issuesWithCode(e, "DuplicateTopic")[0].scope).toBe("test/B");
    const collision = issuesWithCode(e, "TopicNameCollision")[0];
    expect(collision.scope).toBe("test/D");
    expect(collision.message).toMatch(/collides with topic "a\.b" \(test\/C\)/);
  });

  test("the same topic name in two clusters is fine", () => {
    const { app, chart, cluster } = setup();
    const other = new KafkaCluster(chart, "Other", { name: "other", namespace: "kafka2" });
    new KafkaTopic(chart, "A", { cluster, topicName: "payments.orders" });
    new KafkaTopic(chart, "B", { cluster: other, topicName: "payments.orders" });
    expect(() => validateApp(app)).not.toThrow();
  });
});
