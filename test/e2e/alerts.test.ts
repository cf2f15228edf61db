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
import { parsePlatformSpec, synthesize } from "../../lib";
import { binary, runDir } from "../../e2e/paths";
import { exampleSpec } from "../helpers/specs";

type Obj = Record<string, any>;

const objects = synthesize(parsePlatformSpec(exampleSpec())).files.filter((f) => f.path.startsWith("eu-west-1/")).flatMap((f) => f.objects) as Obj[];
const rule = (namespace: string, name: string) => objects.find((o) => o.kind === "PrometheusRule" && o.metadata.namespace === namespace && o.metadata.name === name)!;
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
