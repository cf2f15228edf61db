/**
 * Kafka config values and names the broker would refuse are refused at synth (#19.15). Each type and validator
 * branch here; test/e2e/kafka-config.test.ts holds the table against Kafka's own ConfigDefs.
 */
import { BROKER_CONFIG_DEFS, KafkaCluster, kafkaConfigIssues, kafkaConfigRefusal, KafkaTopic, parsePlatformSpec, synthesize, TOPIC_CONFIG_DEFS } from "../../../lib/internal";
import { catchValidation, issuesWithCode, newChart } from "../../helpers";
import { devSpec } from "../../helpers/specs";

describe("kafkaConfigRefusal: ConfigDef.parseType and the validators", () => {
  test.each([
    // [config, value, refused?]
    ["min.insync.replicas", "two", true],
    ["min.insync.replicas", "0", true],
    ["min.insync.replicas", 2, false],
    ["min.insync.replicas", " 2 ", false],
    ["min.insync.replicas", "2.0", true],
    ["min.insync.replicas", "2147483648", true],
    ["retention.ms", "-1", false],
    ["retention.ms", "-2", true],
    ["retention.ms", "9223372036854775807", false],
    ["retention.ms", "9223372036854775808", true],
    ["retention.bytes", "-5", false],
    ["min.cleanable.dirty.ratio", "0.5", false],
    ["min.cleanable.dirty.ratio", "1e-1", false],
    ["min.cleanable.dirty.ratio", "1.5", true],
    ["min.cleanable.dirty.ratio", "half", true],
    ["preallocate", "TRUE", false],
    ["preallocate", true, false],
    ["preallocate", "yes", true],
    ["cleanup.policy", "compact,delete", false],
    ["cleanup.policy", "compact, delete", false],
    ["cleanup.policy", "", false],
    ["cleanup.policy", "delete,gone", true],
    ["compression.type", "lz4", false],
    ["compression.type", "LZ4", true],
    ["message.timestamp.type", "LogAppendTime", false],
    ["compression.gzip.level", "10", true],
    ["segment.bytes", "1048575", true],
    ["leader.replication.throttled.replicas", "0:1,1:2", false],
  ] as const)("%s = %j refused: %s", (key, value, refused) => {
    expect(kafkaConfigRefusal(TOPIC_CONFIG_DEFS[key], value) !== undefined).toBe(refused);
  });

  test("broker configs: SHORT range, unknown names pass (the broker only warns)", () => {
    expect(kafkaConfigRefusal(BROKER_CONFIG_DEFS["offsets.topic.replication.factor"], "32768")).toBeDefined();
    expect(kafkaConfigRefusal(BROKER_CONFIG_DEFS["offsets.topic.replication.factor"], "3")).toBeUndefined();
    expect(kafkaConfigIssues({ "some.plugin.setting": "x" }, BROKER_CONFIG_DEFS, { scope: "s", what: "broker", unknownRefused: false })).toEqual([]);
  });

  test("the issue: code, field, the value, Kafka's type, a fix with an example", () => {
    const [issue] = kafkaConfigIssues({ "min.insync.replicas": "two" }, TOPIC_CONFIG_DEFS, { scope: "s", what: "topic", unknownRefused: true });
    expect(issue).toEqual({
      code: "InvalidKafkaConfigValue",
      scope: "s",
      field: "config.min.insync.replicas",
      value: "two",
      message: "is not a whole number, or out of the type's range; the broker would refuse it (Kafka type INT)",
      fix: "write a whole number of at least 1, e.g. 2",
    });
    expect(kafkaConfigIssues({ "cleanup.policy": "gone" }, TOPIC_CONFIG_DEFS, { scope: "s", what: "topic", unknownRefused: true })[0].fix).toBe("use a comma-separated list of compact, delete");
    expect(kafkaConfigIssues({ preallocate: "yes" }, TOPIC_CONFIG_DEFS, { scope: "s", what: "topic", unknownRefused: true })[0].fix).toBe("write preallocate: true or false");
    expect(kafkaConfigIssues({ "min.cleanable.dirty.ratio": "x" }, TOPIC_CONFIG_DEFS, { scope: "s", what: "topic", unknownRefused: true })[0].fix).toBe("write a number from 0 to 1, e.g. 0.5");
  });

  test("an unknown topic config is refused with a near name", () => {
    const [issue] = kafkaConfigIssues({ "retention.millis": 5 }, TOPIC_CONFIG_DEFS, { scope: "s", what: "topic", unknownRefused: true });
    expect(issue).toMatchObject({ code: "UnknownKafkaConfig", field: "config.retention.millis" });
    expect(issue.fix).toMatch(/^did you mean .*retention\.ms/);
    expect(kafkaConfigIssues({ zzz: 5 }, TOPIC_CONFIG_DEFS, { scope: "s", what: "topic", unknownRefused: true })[0].fix).toBe("use one of Kafka's topic configs");
  });
});

describe("constructs and spec refuse them before anything is written", () => {
  test("KafkaTopic config", () => {
    const { chart } = newChart();
    const cluster = new KafkaCluster(chart, "K", { name: "k", namespace: "kafka", production: false });
    const e = catchValidation(() => new KafkaTopic(chart, "T", { cluster, topicName: "t", config: { "min.insync.replicas": "two", "confluent.placement": "x" } }));
    expect(e.issues.map((i) => [i.code, i.field])).toEqual([
      ["UnknownKafkaConfig", "config.confluent.placement"],
      ["InvalidKafkaConfigValue", "config.min.insync.replicas"],
    ]);
  });

  test("KafkaCluster config", () => {
    const { chart } = newChart();
    const e = catchValidation(() => new KafkaCluster(chart, "K", { name: "k", namespace: "kafka", production: false, config: { "num.partitions": "many" } }));
    expect(issuesWithCode(e, "InvalidKafkaConfigValue")[0]).toMatchObject({ field: "config.num.partitions", value: "many" });
  });

  test("the spec: a region's Kafka config and a tenant topic's config, at their spec paths", () => {
    const region = devSpec();
    region.regions[0].kafka.config = { "min.insync.replicas": "two" };
    const e1 = catchValidation(() => synthesize(parsePlatformSpec(region)));
    expect(issuesWithCode(e1, "InvalidKafkaConfigValue").map((i) => `${i.scope}.${i.field}`)).toEqual(["regions[0].kafka.config.min.insync.replicas"]);
    const topic = devSpec();
    topic.tenants[0].topics = [{ name: "events", config: { "retention.ms": "forever" } }];
    const e2 = catchValidation(() => synthesize(parsePlatformSpec(topic)));
    expect(issuesWithCode(e2, "InvalidKafkaConfigValue").map((i) => `${i.scope}.${i.field}`)).toEqual(["tenants[0].topics[0].config.retention.ms"]);
  });
});
