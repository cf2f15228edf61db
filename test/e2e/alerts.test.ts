/**
 * The rendered alert rules on Prometheus's own rule engine (promtool test rules, github.com/prometheus/prometheus
 * at the pinned module version), #19.6: a broken scrape fires (the broker series stop; a tenant's running Flink
 * jobs export nothing), a tenant's consumer lag fires with that tenant's routing label from the rule in the Kafka
 * namespace, and another tenant's rule stays silent on it. Every selector names its rule's namespace (unit test
 * test/k8s/monitoring), so a Prometheus that enforces the namespace label evaluates the same expressions.
 */
import { execFile } from "child_process";
import { writeFileSync } from "fs";
import { join } from "path";
import { promisify } from "util";
import { stringify } from "yaml";
import { parsePlatformSpec, synthesize } from "../../lib/internal";
import { binary, runDir } from "../../e2e/paths";
import { exampleSpec } from "../helpers/specs";

type Obj = Record<string, any>;

const tree = synthesize(parsePlatformSpec(exampleSpec()));
const objectsOf = (region: string) => tree.files.filter((f) => f.path.startsWith(`${region}/`)).flatMap((f) => f.objects) as Obj[];
const objects = objectsOf("eu-west-1");
const ruleIn = (region: string, namespace: string, name: string) => objectsOf(region).find((o) => o.kind === "PrometheusRule" && o.metadata.namespace === namespace && o.metadata.name === name)!;
const rule = (namespace: string, name: string) => ruleIn("eu-west-1", namespace, name);
const rules = [rule("kafka", "events-kafka-alerts"), rule("kafka", "payments-kafka-alerts"), rule("kafka", "analytics-kafka-alerts"), rule("payments", "payments-alerts")];

/** An alert as promtool expects it: its labels and its annotations with the templates expanded. */
function expected(pr: Obj, alert: string, labels: Record<string, string>, value: string): Obj {
  const r = pr.spec.groups.flatMap((g: Obj) => g.rules).find((x: Obj) => x.alert === alert);
  const expand = (t: string) => t.replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_, l) => labels[l] ?? "").replace(/\{\{ \$value \}\}/g, value);
  return { exp_labels: { ...labels, ...r.labels }, exp_annotations: Object.fromEntries(Object.entries(r.annotations as Record<string, string>).map(([k, v]) => [k, expand(v)])) };
}

describe("alert rules on Prometheus's rule engine (promtool test rules)", () => {
  test("absent metrics fire, tenant lag fires with its tenant label, another tenant's rules stay silent", async () => {
    expect(rules.every(Boolean)).toBe(true);
    const dir = runDir("alerts");
    // The rule files Prometheus would load: each PrometheusRule's groups (prometheus-operator writes them as they are).
    const ruleFiles = rules.map((pr) => {
      const file = join(dir, `${pr.metadata.namespace}-${pr.metadata.name}.yaml`);
      writeFileSync(file, stringify({ groups: pr.spec.groups }));
      return file;
    });
    const lag = { consumergroup: "payments.fraud-scorer", topic: "payments.orders" };
    const tests = {
      rule_files: ruleFiles,
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [
            // The brokers are scraped for 10 minutes, then the scrape breaks.
            { series: 'kafka_server_replicamanager_leadercount{namespace="kafka", strimzi_io_cluster="events"}', values: "5x10" },
            { series: 'kafka_brokers{namespace="kafka"}', values: "3x60" },
            // A payments group lags 20000 messages for an hour.
            { series: `kafka_consumergroup_lag{namespace="kafka", consumergroup="${lag.consumergroup}", topic="${lag.topic}", partition="0"}`, values: "20000x60" },
            { series: 'kafka_connect_connect_worker_metrics_connector_count{namespace="kafka", strimzi_io_cluster="payments-connect"}', values: "1x60" },
            // payments' Flink JobManager exports nothing: its jobs are down or unscraped.
          ],
          alert_rule_test: [
            { eval_time: "5m", alertname: "KafkaMetricsAbsent", exp_alerts: [] },
            {
              eval_time: "40m",
              alertname: "KafkaMetricsAbsent",
              exp_alerts: [expected(rules[0], "KafkaMetricsAbsent", { namespace: "kafka", strimzi_io_cluster: "events" }, "1")],
            },
            { eval_time: "40m", alertname: "KafkaExporterMetricsAbsent", exp_alerts: [] },
            {
              eval_time: "30m",
              alertname: "KafkaConsumerLagHigh",
              // Only payments' rule matches payments' group; analytics' rule (same name, its own prefix) stays silent.
              exp_alerts: [expected(rules[1], "KafkaConsumerLagHigh", lag, "20000")],
            },
            { eval_time: "30m", alertname: "KafkaConnectMetricsAbsent", exp_alerts: [] },
            {
              eval_time: "30m",
              alertname: "FlinkMetricsAbsent",
              exp_alerts: [expected(rules[3], "FlinkMetricsAbsent", { namespace: "payments" }, "1")],
            },
          ],
        },
      ],
    };
    const file = join(dir, "tests.yaml");
    writeFileSync(file, stringify(tests));
    const run = await promisify(execFile)(binary("promtool"), ["test", "rules", file], { encoding: "utf8", timeout: 120_000 }).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? "", stderr: e.stderr ?? String(e) }));
    expect(`${run.stdout}${run.stderr}`).toMatch(/SUCCESS/);
    // And the rule files are valid Prometheus rules.
    const check = await promisify(execFile)(binary("promtool"), ["check", "rules", ...ruleFiles], { encoding: "utf8" });
    expect(check.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });
});

/** Run promtool's rule unit tests on these PrometheusRules (their groups as rule files) and the given test groups. */
async function promtoolTest(label: string, prs: readonly Obj[], groups: readonly Obj[]): Promise<string> {
  const dir = runDir(label);
  const ruleFiles = prs.map((pr, i) => {
    const file = join(dir, `${i}-${pr.metadata.namespace}-${pr.metadata.name}.yaml`);
    writeFileSync(file, stringify({ groups: pr.spec.groups }));
    return file;
  });
  const file = join(dir, "tests.yaml");
  writeFileSync(file, stringify({ rule_files: ruleFiles, evaluation_interval: "1m", tests: groups }));
  const run = await promisify(execFile)(binary("promtool"), ["test", "rules", file], { encoding: "utf8", timeout: 120_000 }).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? "", stderr: e.stderr ?? String(e) }));
  return `${run.stdout}${run.stderr}`;
}

describe("health and quality alerts on Prometheus's rule engine", () => {
  const broker = { namespace: "kafka", strimzi_io_cluster: "events" };
  const series = (name: string, labels: Record<string, string>) => `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(", ")}}`;

  test("a dead-lettered record, a topic gone quiet past its freshness and a registry without replicas fire, with the tenant's label", async () => {
    const payments = rule("kafka", "payments-kafka-alerts");
    const registry = rule("kafka", "schema-registry-alerts");
    // The dead-letter topics the rule watches are those the example renders for payments.
    const deadLetter = objects.filter((o) => o.kind === "KafkaTopic" && /^payments\..*dead-letter$/.test(o.spec.topicName)).map((o) => o.spec.topicName as string)[0];
    expect(deadLetter).toBeDefined();
    const meter = "kafka_server_brokertopicmetrics_messagesinpersec_total";
    const out = await promtoolTest("alerts-quality", [payments, registry], [
      {
        interval: "1m",
        input_series: [
          // payments.orders gets 100 records a minute for 10 minutes, then none.
          { series: series(meter, { ...broker, topic: "payments.orders", pod: "events-broker-0" }), values: "0+100x10 1000x50" },
          // Another of payments' topics keeps flowing; it declares no freshness.
          { series: series(meter, { ...broker, topic: "payments.payments", pod: "events-broker-0" }), values: "0+100x60" },
          // 5 records a minute land in a dead-letter topic.
          { series: series(meter, { ...broker, topic: deadLetter, pod: "events-broker-0" }), values: "0+5x60" },
          { series: series("kafka_connect_connect_worker_metrics_connector_count", { namespace: "kafka", strimzi_io_cluster: "payments-connect" }), values: "2x60" },
          { series: series("kafka_consumergroup_lag", { namespace: "kafka", consumergroup: "payments.x", topic: "payments.orders", partition: "0" }), values: "0x60" },
          // The registry loses its last replica at minute 10.
          { series: series("kube_deployment_status_replicas_available", { namespace: "kafka", deployment: "schema-registry" }), values: "1x10 0x50" },
        ],
        alert_rule_test: [
          { eval_time: "12m", alertname: "TopicStale", exp_alerts: [] },
          { eval_time: "35m", alertname: "TopicStale", exp_alerts: [expected(payments, "TopicStale", {}, "0")] },
          { eval_time: "3m", alertname: "DeadLetterRecords", exp_alerts: [] },
          { eval_time: "20m", alertname: "DeadLetterRecords", exp_alerts: [expected(payments, "DeadLetterRecords", { topic: deadLetter }, "0.08333333333333334")] },
          { eval_time: "12m", alertname: "SchemaRegistryUnavailable", exp_alerts: [] },
          { eval_time: "20m", alertname: "SchemaRegistryUnavailable", exp_alerts: [expected(registry, "SchemaRegistryUnavailable", {}, "0")] },
          { eval_time: "20m", alertname: "SchemaRegistryMetricsAbsent", exp_alerts: [] },
        ],
      },
    ]);
    expect(out).toMatch(/SUCCESS/);
  });

  test("replication latency of the standby's mirror above the threshold fires there, labelled with the tenant and topic", async () => {
    const standby = ruleIn("us-east-1", "kafka", "payments-kafka-alerts");
    const mirror = { namespace: "kafka", strimzi_io_cluster: "payments-mirror-eu-west-1" };
    const out = await promtoolTest("alerts-replication", [standby], [
      {
        interval: "1m",
        input_series: [
          { series: series("kafka_connect_connect_worker_metrics_connector_count", mirror), values: "3x60" },
          // 30 s behind for 10 minutes, then 10 minutes behind.
          { series: series("kafka_connect_mirror_mirrorsourceconnector_replication_latency_ms_max", { ...mirror, topic: "payments.orders", partition: "0", source: "eu-west-1", target: "us-east-1" }), values: "30000x10 600000x50" },
        ],
        alert_rule_test: [
          { eval_time: "10m", alertname: "ReplicationLagHigh", exp_alerts: [] },
          { eval_time: "30m", alertname: "ReplicationLagHigh", exp_alerts: [expected(standby, "ReplicationLagHigh", { topic: "payments.orders" }, "600000")] },
          { eval_time: "30m", alertname: "MirrorMetricsAbsent", exp_alerts: [] },
        ],
      },
    ]);
    expect(out).toMatch(/SUCCESS/);
  });
});
