/**
 * Floe's table of Kafka config definitions (lib/k8s/kafka/config-defs.ts) against Kafka's own ConfigDefs at the
 * pinned version (#19.15): every topic config the broker knows is in the table with its type (so no real name is
 * refused as unknown), and for every config in the table and a set of probe values, Floe refuses exactly what
 * Kafka's parser and validator refuse. A value Floe let through used to fail only when the broker created the
 * topic or started (`min.insync.replicas: "two"`).
 */
import { BROKER_CONFIG_DEFS, kafkaConfigRefusal, TOPIC_CONFIG_DEFS } from "../../lib/internal";
import { kafkaConfigCheck } from "../../e2e/kafka";

const PROBES = [
  "two", "", " 3 ", "-131073", "-2", "-1", "0", "1", "2", "3", "4", "9", "17", "22", "23", "1048575", "1048576",
  "2147483647", "2147483648", "32768", "9223372036854775807", "9223372036854775808", "1.5", "0.5", "1e3", "NaN",
  "true", "FALSE", "yes", "delete", "compact,delete", "compact, delete", "delete,gone", "CreateTime", "createtime",
  "lz4", "LZ4", "producer", "0:1,1:2", "*", " * ", "0:1", "1,2", "-5", "-131072",
];

describe("Kafka config values: Floe's verdicts are Kafka's (ConfigDef of the pinned kafka_2.13)", () => {
  const entries = [
    ...Object.keys(TOPIC_CONFIG_DEFS).flatMap((key) => PROBES.map((value) => ({ scope: "topic" as const, key, value }))),
    ...Object.keys(BROKER_CONFIG_DEFS).flatMap((key) => PROBES.map((value) => ({ scope: "broker" as const, key, value }))),
  ];
  const real = kafkaConfigCheck(entries);

  test("every topic config of Kafka is in Floe's table with Kafka's type, and nothing else is", () => {
    const ours = Object.fromEntries(Object.entries(TOPIC_CONFIG_DEFS).map(([k, d]) => [k, d.type]));
    expect(ours).toEqual(real.topicTypes);
  });

  test("every broker config in Floe's table is one of Kafka's, with its type", () => {
    const types = Object.fromEntries(real.results.filter((r) => r.scope === "broker").map((r) => [r.key, r.known ? r.type : "unknown"]));
    expect(types).toEqual(Object.fromEntries(Object.entries(BROKER_CONFIG_DEFS).map(([k, d]) => [k, d.type])));
  });

  test(`for ${entries.length} (config, value) pairs Floe refuses exactly what Kafka refuses`, () => {
    const defs = { topic: TOPIC_CONFIG_DEFS, broker: BROKER_CONFIG_DEFS };
    const disagreements = real.results
      .filter((r) => r.known)
      .map((r) => ({ scope: r.scope, key: r.key, value: r.value, kafka: r.ok ? "accepts" : `refuses (${r.error})`, floe: kafkaConfigRefusal(defs[r.scope][r.key], r.value) ?? "accepts" }))
      .filter((d) => (d.kafka === "accepts") !== (d.floe === "accepts"));
    expect(disagreements).toEqual([]);
    // The probes exercise both outcomes for every config.
    for (const key of Object.keys(TOPIC_CONFIG_DEFS)) {
      const verdicts = new Set(real.results.filter((r) => r.scope === "topic" && r.key === key).map((r) => r.ok));
      if (TOPIC_CONFIG_DEFS[key].type !== "LIST" || TOPIC_CONFIG_DEFS[key].values) expect({ key, verdicts: [...verdicts].sort() }).toEqual({ key, verdicts: [false, true] });
    }
  });
});
