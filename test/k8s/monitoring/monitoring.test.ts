import { parser } from "@prometheus-io/lezer-promql";
import { kafkaClusterAlerts, KafkaCluster, parsePlatformSpec, PodMonitor, PrometheusRule, promPrefixRegex, schemaRegistryAlerts, synthesize, tenantAlerts, tenantKafkaAlerts, tenantMirrorAlerts, tenantNamespaceAlerts, tenantTopicAlerts } from "../../../lib/internal";
import { catchValidation, expectSchemaValid, newChart, ofKind, synth } from "../../helpers";
import { devSpecWithJob, exampleSpec } from "../../helpers/specs";

type Obj = any;

/** Positions of PromQL syntax errors (empty: the expression parses). */
function promqlErrors(expr: string): number[] {
  const errors: number[] = [];
  parser.parse(expr).iterate({ enter: (n) => void (n.type.isError && errors.push(n.from)) });
  return errors;
}

/**
 * The `namespace` matcher of each vector selector of an expression (null where it has none, or one that is not
 * `namespace="<value>"`): what prometheus-operator's enforcedNamespaceLabel would override.
 */
function namespaceMatchers(expr: string): (string | null)[] {
  const out: (string | null)[] = [];
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.type.name !== "VectorSelector") return;
      const text = expr.slice(n.from, n.to);
      const m = /[{,]\s*namespace\s*=\s*"([^"]*)"/.exec(text);
      out.push(m ? m[1] : null);
    },
  });
  return out;
}

describe("PromQL parsing (the check the rule tests rely on)", () => {
  test("finds syntax errors and accepts valid expressions", () => {
    expect(promqlErrors('sum by (topic) (kafka_consumergroup_lag{consumergroup=~"a\\\\..*"}) > 10')).toEqual([]);
    expect(promqlErrors("sum by (topic (kafka_consumergroup_lag")).not.toEqual([]);
    expect(promqlErrors('increase(flink_jobmanager_job_numRestarts{namespace="a"}[15m) > 2')).not.toEqual([]);
  });
});

describe("PrometheusRule", () => {
  const context = { environment: "prod", region: "eu-west-1", tenant: "payments" };
  const rule = { alert: "SomethingBroke", expr: "up == 0", severity: "critical" as const, summary: "s", description: "d" };

  test("every alert carries severity, tenant, environment and region labels and its annotations; for defaults to 5m", () => {
    const { app, chart } = newChart();
    new PrometheusRule(chart, "R", { name: "payments-alerts", namespace: "payments", context, rules: [rule], selectorLabels: { release: "kube-prometheus-stack" } });
    const [pr] = synth(app, chart) as Obj[];
    expectSchemaValid([pr]);
    expect(pr.metadata.labels.release).toBe("kube-prometheus-stack");
    expect(pr.spec.groups).toEqual([
      {
        name: "payments-alerts",
        rules: [{ alert: "SomethingBroke", expr: "up == 0", for: "5m", labels: { severity: "critical", tenant: "payments", environment: "prod", region: "eu-west-1" }, annotations: { summary: "s", description: "d" } }],
      },
    ]);
    const { app: a2, chart: c2 } = newChart();
    new PrometheusRule(c2, "R", { name: "platform", namespace: "kafka", context: { environment: "prod", region: "eu-west-1" }, rules: [rule] });
    expect((synth(a2, c2) as Obj[])[0].spec.groups[0].rules[0].labels.tenant).toBe("platform");
  });

  test("fails InvalidAlertName, EmptyAlertExpression, a bad duration, NoAlertRules", () => {
    const make = (rules: Obj[]) => catchValidation(() => new PrometheusRule(newChart().chart, "R", { name: "r", namespace: "n", context, rules }));
    expect(make([rule, rule]).issues[0]).toMatchObject({ code: "InvalidAlertName", field: "rules[1].alert", message: "is used twice" });
    expect(make([{ ...rule, alert: "lower_case" }]).code).toBe("InvalidAlertName");
    expect(make([{ ...rule, expr: " " }]).code).toBe("EmptyAlertExpression");
    expect(make([{ ...rule, for: "five minutes" }]).issues[0].field).toBe("rules[0].for");
    expect(make([]).code).toBe("NoAlertRules");
  });
});

describe("PodMonitor", () => {
  test("scrapes /metrics on the named port in its namespace and labels series with environment, region, tenant", () => {
    const { app, chart } = newChart();
    new PodMonitor(chart, "M", { name: "flink-metrics", namespace: "payments", context: { environment: "prod", region: "eu-west-1", tenant: "payments" }, selector: { matchLabels: { "app.kubernetes.io/name": "flink" } }, port: "metrics" });
    const [pm] = synth(app, chart) as Obj[];
    expectSchemaValid([pm]);
    expect(pm.spec).toEqual({
      selector: { matchLabels: { "app.kubernetes.io/name": "flink" } },
      namespaceSelector: { matchNames: ["payments"] },
      podMetricsEndpoints: [
        {
          port: "metrics",
          path: "/metrics",
          interval: "30s",
          relabelings: [
            { action: "replace", targetLabel: "environment", replacement: "prod" },
            { action: "replace", targetLabel: "region", replacement: "eu-west-1" },
            { action: "replace", targetLabel: "tenant", replacement: "payments" },
          ],
        },
      ],
    });
  });

  test("pod label map and tenant from a pod label (shared namespaces); fails on an empty selector or a bad interval", () => {
    const { app, chart } = newChart();
    new PodMonitor(chart, "M", {
      name: "strimzi",
      namespace: "kafka",
      context: { environment: "prod", region: "eu-west-1" },
      selector: { matchExpressions: [{ key: "strimzi.io/kind", operator: "In", values: ["Kafka"] }] },
      port: "tcp-prometheus",
      interval: "15s",
      podLabelMap: "strimzi_io_.+",
      tenantFromPodLabel: { label: "strimzi.io/cluster", regex: "(.+)-connect" },
    });
    const [pm] = synth(app, chart) as Obj[];
    expect(pm.spec.podMetricsEndpoints[0].interval).toBe("15s");
    expect(pm.spec.podMetricsEndpoints[0].relabelings[0]).toEqual({ action: "labelmap", regex: "__meta_kubernetes_pod_label_(strimzi_io_.+)", replacement: "$1" });
    expect(pm.spec.podMetricsEndpoints[0].relabelings[3]).toEqual({ action: "replace", sourceLabels: ["__meta_kubernetes_pod_label_strimzi_io_cluster"], regex: "(.+)-connect", targetLabel: "tenant", replacement: "$1" });
    const base = { name: "m", namespace: "n", context: { environment: "e", region: "r" }, port: "p" };
    expect(catchValidation(() => new PodMonitor(newChart().chart, "A", { ...base, selector: {} })).code).toBe("PodMonitorSelectsAll");
    expect(catchValidation(() => new PodMonitor(newChart().chart, "B", { ...base, selector: { matchLabels: { a: "b" } }, interval: "often" })).issues[0].field).toBe("interval");
  });
});

describe("the alerts Floe ships", () => {
  const { chart } = newChart();
  const kafka = new KafkaCluster(chart, "Kafka", { name: "events", namespace: "kafka" });

  test("cluster alerts: absent broker and exporter metrics, under-replicated and offline partitions of this cluster", () => {
    const rules = kafkaClusterAlerts(kafka);
    expect(rules.map((r) => [r.alert, r.severity])).toEqual([
      ["KafkaMetricsAbsent", "critical"],
      ["KafkaExporterMetricsAbsent", "warning"],
      ["KafkaUnderReplicatedPartitions", "warning"],
      ["KafkaOfflinePartitions", "critical"],
    ]);
    for (const r of rules) {
      expect(promqlErrors(r.expr)).toEqual([]);
      expect(namespaceMatchers(r.expr).every((ns) => ns === "kafka")).toBe(true);
    }
    expect(rules[0].expr).toBe('absent_over_time(kafka_server_replicamanager_leadercount{namespace="kafka", strimzi_io_cluster="events"}[10m])');
    expect(rules[1].expr).toBe('absent_over_time(kafka_brokers{namespace="kafka"}[10m])');
    expect(kafkaClusterAlerts(kafka, { kafkaExporter: false }).map((r) => r.alert)).not.toContain("KafkaExporterMetricsAbsent");
  });

  test("tenant alerts: on the Kafka namespace's series (lag, Connect) and on the tenant's own (Flink), each with its absent-metric alert", () => {
    const o = { tenant: "payments", cluster: kafka, groupPrefix: "payments.", lagThreshold: 5000, flinkJobs: true, connectCluster: "payments-connect" };
    const onKafka = tenantKafkaAlerts(o);
    const own = tenantNamespaceAlerts(o);
    expect(onKafka.map((r) => r.alert)).toEqual(["KafkaConsumerLagHigh", "KafkaConnectorTasksFailed", "KafkaConnectMetricsAbsent"]);
    expect(own.map((r) => r.alert)).toEqual(["FlinkCheckpointsFailing", "FlinkJobRestarting", "FlinkMetricsAbsent"]);
    expect(tenantAlerts(o).map((r) => r.alert)).toEqual([...onKafka, ...own].map((r) => r.alert));
    for (const r of onKafka) expect([r.alert, namespaceMatchers(r.expr).every((ns) => ns === "kafka")]).toEqual([r.alert, true]);
    for (const r of own) expect([r.alert, namespaceMatchers(r.expr).every((ns) => ns === "payments")]).toEqual([r.alert, true]);
    for (const r of [...onKafka, ...own]) expect(promqlErrors(r.expr)).toEqual([]);
    expect(onKafka[0].expr).toBe('sum by (consumergroup, topic) (kafka_consumergroup_lag{namespace="kafka", consumergroup=~"payments\\\\..*"}) > 5000');
    expect(onKafka[2].expr).toBe('absent_over_time(kafka_connect_connect_worker_metrics_connector_count{namespace="kafka", strimzi_io_cluster="payments-connect"}[10m])');
    expect(own[2].expr).toBe('absent_over_time(flink_jobmanager_numRunningJobs{namespace="payments"}[10m])');
    // A standby's suspended jobs export nothing: no absent alert there; no exporter, no lag alert.
    expect(tenantNamespaceAlerts({ ...o, flinkRunning: false }).map((r) => r.alert)).toEqual(["FlinkCheckpointsFailing", "FlinkJobRestarting"]);
    expect(tenantKafkaAlerts({ ...o, kafkaExporter: false, connectCluster: undefined })).toEqual([]);
    expect(tenantAlerts({ tenant: "a", cluster: kafka, groupPrefix: "a.", lagThreshold: 1, flinkJobs: false }).map((r) => r.alert)).toEqual(["KafkaConsumerLagHigh"]);
    expect(promPrefixRegex("a.b")).toBe('"a\\\\.b.*"');
  });
});

describe("observability in the example environment", () => {
  const tree = synthesize(parsePlatformSpec(exampleSpec()));
  const all = tree.files.flatMap((f) => f.objects) as Obj[];
  const monitors = all.filter((o) => o.kind === "PodMonitor");
  const ruleObjects = all.filter((o) => o.kind === "PrometheusRule");

  test("every PodMonitor and PrometheusRule is well-formed (schema) and every expression parses", () => {
    expect(monitors.length).toBeGreaterThan(0);
    expect(ruleObjects.length).toBeGreaterThan(0);
    expectSchemaValid([...monitors, ...ruleObjects]);
    for (const pr of ruleObjects) {
      for (const r of pr.spec.groups.flatMap((g: Obj) => g.rules)) expect([r.alert, promqlErrors(r.expr)]).toEqual([r.alert, []]);
    }
  });

  test("under a Prometheus that enforces the namespace label, every selector of every rule keeps matching: it names the rule's own namespace", () => {
    let selectors = 0;
    for (const pr of ruleObjects) {
      for (const r of pr.spec.groups.flatMap((g: Obj) => g.rules)) {
        const ns = namespaceMatchers(r.expr);
        selectors += ns.length;
        expect({ rule: `${pr.metadata.namespace}/${pr.metadata.name}/${r.alert}`, ns: ns.filter((x) => x !== pr.metadata.namespace) }).toEqual({ rule: `${pr.metadata.namespace}/${pr.metadata.name}/${r.alert}`, ns: [] });
      }
    }
    expect(selectors).toBeGreaterThan(20);
  });

  test("every group of series an alert reads has an absent-metric alert in the same region (a broken scrape fires)", () => {
    // The series each alert reads, by the metric whose absence shows that their source went quiet.
    const SOURCE: [RegExp, string][] = [
      [/^kafka_(server|controller)_/, "kafka_server_replicamanager_leadercount"],
      [/^kafka_consumergroup_/, "kafka_brokers"],
      [/^kafka_connect_/, "kafka_connect_connect_worker_metrics_connector_count"],
      [/^flink_/, "flink_jobmanager_numRunningJobs"],
      [/^kube_deployment_/, "kube_deployment_status_replicas_available"],
    ];
    let checked = 0;
    for (const region of ["eu-west-1", "us-east-1"]) {
      const rules = ruleObjects
        .filter((pr) => pr.metadata.labels["floe.dev/region"] === region)
        .flatMap((pr) => pr.spec.groups.flatMap((g: Obj) => g.rules.map((r: Obj) => ({ ...r, ns: pr.metadata.namespace }))));
      const covered = new Set(rules.filter((r: Obj) => r.expr.startsWith("absent_over_time(")).map((r: Obj) => `${r.ns}|${/^absent_over_time\(([a-zA-Z_:]+)\{/.exec(r.expr)![1]}`));
      // A standby's suspended jobs export nothing: their namespace has no Flink absent alert.
      const running = new Set(all.filter((o) => o.metadata.labels?.["floe.dev/region"] === region && o.kind === "FlinkDeployment" && o.spec.job.state !== "suspended").map((o) => o.metadata.namespace));
      for (const r of rules.filter((x: Obj) => !x.expr.startsWith("absent_over_time("))) {
        for (const [, metric] of r.expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)) {
          const source = SOURCE.find(([re]) => re.test(metric))![1];
          if (source.startsWith("flink_") && !running.has(r.ns)) continue;
          checked++;
          expect({ alert: r.alert, region, ns: r.ns, source, covered: covered.has(`${r.ns}|${source}`) }).toEqual({ alert: r.alert, region, ns: r.ns, source, covered: true });
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  test("every alert is labelled with severity, tenant, environment and region, and those match the object's own labels", () => {
    for (const pr of ruleObjects) {
      const tenant = pr.metadata.labels["floe.dev/tenant"] ?? "platform";
      for (const r of pr.spec.groups.flatMap((g: Obj) => g.rules)) {
        expect(r.labels).toEqual({ severity: expect.stringMatching(/^(critical|warning)$/), tenant, environment: "prod", region: pr.metadata.labels["floe.dev/region"] });
        expect(r.annotations.summary.length).toBeGreaterThan(0);
        expect(r.annotations.description.length).toBeGreaterThan(0);
      }
    }
  });

  test("every PodMonitor labels its series with environment and region (tenant monitors with their tenant) and selects pods that expose the port", () => {
    for (const pm of monitors) {
      const relabel = pm.spec.podMetricsEndpoints[0].relabelings;
      const target = (label: string) => relabel.find((r: Obj) => r.targetLabel === label);
      expect(target("environment").replacement).toBe("prod");
      expect(target("region").replacement).toBe(pm.metadata.labels["floe.dev/region"]);
      const tenant = pm.metadata.labels["floe.dev/tenant"];
      if (tenant) expect(target("tenant").replacement).toBe(tenant);
      else expect(target("tenant").sourceLabels).toEqual(["__meta_kubernetes_pod_label_strimzi_io_cluster"]);
    }
    // Flink pods carry the selected label and expose port "metrics" with the Prometheus reporter configured.
    for (const fd of all.filter((o) => o.kind === "FlinkDeployment")) {
      expect(fd.spec.podTemplate.metadata.labels["app.kubernetes.io/name"]).toBe("flink");
      expect(fd.spec.podTemplate.spec.containers[0].ports).toEqual([{ name: "metrics", containerPort: 9249, protocol: "TCP" }]);
      expect(fd.spec.flinkConfiguration["metrics.reporter.prom.port"]).toBe("9249");
    }
    const tenantMonitors = monitors.filter((m) => m.metadata.labels["floe.dev/tenant"]);
    expect(tenantMonitors.map((m) => `${m.metadata.labels["floe.dev/region"]}/${m.metadata.namespace}`).sort()).toEqual(["eu-west-1/analytics", "eu-west-1/payments", "us-east-1/analytics", "us-east-1/payments"]);
  });

  test("Strimzi side: Kafka Exporter with restricted pods, metrics on Connect and MirrorMaker 2", () => {
    for (const k of all.filter((o) => o.kind === "Kafka")) {
      expect(k.spec.kafkaExporter).toMatchObject({ topicRegex: ".*", groupRegex: ".*" });
      expect(k.spec.kafkaExporter.template.pod.securityContext).toMatchObject({ runAsNonRoot: true });
      expect(k.spec.kafkaExporter.template.container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    }
    for (const o of all.filter((x) => x.kind === "KafkaConnect" || x.kind === "KafkaMirrorMaker2")) {
      expect(o.spec.metricsConfig).toEqual({ type: "strimziMetricsReporter", values: { allowList: ["kafka_connect.*"] } });
    }
  });

  test("Prometheus (namespace monitoring) may scrape the tenants' Flink pods, on the metrics port only", () => {
    const policy = all.find((o) => o.kind === "NetworkPolicy" && o.metadata.namespace === "payments" && o.metadata.name === "allow-metrics-scraping");
    expect(policy.spec).toEqual({
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 9249 }] }],
    });
  });
});

describe("regions[].monitoring", () => {
  test("namespace, selector labels and lag threshold; no lag alert without the Kafka Exporter", () => {
    const spec = devSpecWithJob();
    spec.regions[0].monitoring = { namespace: "observability", selectorLabels: { release: "prom" }, consumerLagThreshold: 250 };
    const objects = synthesize(parsePlatformSpec(spec)).files.flatMap((f) => f.objects) as Obj[];
    // The lag alert reads the Kafka namespace's series: it lives there, labelled with the tenant.
    const rules = objects.find((o) => o.kind === "PrometheusRule" && o.metadata.name === "alpha-kafka-alerts");
    expect(rules.metadata.namespace).toBe("kafka");
    expect(rules.metadata.labels).toMatchObject({ release: "prom", "floe.dev/tenant": "alpha" });
    expect(rules.spec.groups[0].rules[0]).toMatchObject({ alert: "KafkaConsumerLagHigh", labels: { tenant: "alpha" } });
    expect(rules.spec.groups[0].rules[0].expr).toMatch(/> 250$/);
    expect((ofKind(objects, "NetworkPolicy") as Obj[]).find((p: Obj) => p.metadata.name === "allow-metrics-scraping").spec.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({ "kubernetes.io/metadata.name": "observability" });
    spec.regions[0].kafka.metrics = false;
    const noExporter = synthesize(parsePlatformSpec(spec)).files.flatMap((f) => f.objects) as Obj[];
    expect(noExporter.find((o) => o.kind === "Kafka").spec.kafkaExporter).toBeUndefined();
    expect(noExporter.find((o) => o.kind === "PrometheusRule" && o.metadata.namespace === "alpha").spec.groups[0].rules.map((r: Obj) => r.alert)).toEqual(["FlinkCheckpointsFailing", "FlinkJobRestarting", "FlinkMetricsAbsent"]);
    expect(noExporter.some((o) => o.kind === "PrometheusRule" && o.metadata.namespace === "kafka")).toBe(false);
  });

  test("enabled: false renders no monitoring objects", () => {
    const spec = devSpecWithJob();
    spec.regions[0].monitoring = { enabled: false };
    const objects = synthesize(parsePlatformSpec(spec)).files.flatMap((f) => f.objects) as Obj[];
    expect(objects.filter((o) => ["PodMonitor", "PrometheusRule"].includes(o.kind) || o.metadata.name === "allow-metrics-scraping")).toEqual([]);
  });
});

describe("health and quality alerts: dead letters, freshness, replication lag, registry", () => {
  const { chart } = newChart();
  const cluster = new KafkaCluster(chart, "K", { name: "events", namespace: "kafka", production: false, combinedRoles: true, brokers: { replicas: 1 } });
  const base = { tenant: "pay", cluster, groupPrefix: "pay.", lagThreshold: 100, flinkJobs: false };
  const byName = (rules: { alert: string; expr: string }[], name: string) => rules.filter((r) => r.alert === name);

  test("records in the tenant's dead-letter topics alert, naming those topics exactly", () => {
    const rules = tenantTopicAlerts({ ...base, deadLetterTopics: ["pay.scorer.dead-letter", "pay.lake.sink-dead-letter"] });
    const [dl] = byName(rules, "DeadLetterRecords");
    expect(dl.expr).toBe('sum by (topic) (rate(kafka_server_brokertopicmetrics_messagesinpersec_total{namespace="kafka", strimzi_io_cluster="events", topic=~"pay\\\\.lake\\\\.sink-dead-letter|pay\\\\.scorer\\\\.dead-letter"}[10m])) > 0');
    expect(promqlErrors(dl.expr)).toEqual([]);
    expect(tenantTopicAlerts({ ...base })).toEqual([]);
  });

  test("a topic with a freshness alerts when nothing arrived for its window, also when its series never existed", () => {
    const [stale] = tenantTopicAlerts({ ...base, freshTopics: [{ topic: "pay.orders", window: "15m" }] });
    expect(stale).toMatchObject({ alert: "TopicStale", for: "5m", severity: "warning" });
    expect(stale.expr).toBe('(sum(increase(kafka_server_brokertopicmetrics_messagesinpersec_total{namespace="kafka", strimzi_io_cluster="events", topic="pay.orders"}[15m])) or vector(0)) == 0');
    expect(promqlErrors(stale.expr)).toEqual([]);
  });

  test("without broker metrics there are no topic alerts (they would never fire)", () => {
    expect(tenantTopicAlerts({ ...base, brokerMetrics: false, deadLetterTopics: ["pay.x.dead-letter"], freshTopics: [{ topic: "pay.orders", window: "1h" }] })).toEqual([]);
  });

  test("a standby's mirror alerts on replication latency above the threshold and on its absent metrics", () => {
    const rules = tenantMirrorAlerts({ ...base, mirrors: [{ cluster: "pay-mirror-eu", primary: "eu" }], replicationLagThresholdMs: 30_000 });
    expect(rules.map((r) => r.alert)).toEqual(["ReplicationLagHigh", "MirrorMetricsAbsent"]);
    expect(rules[0].expr).toBe('max by (topic) (kafka_connect_mirror_mirrorsourceconnector_replication_latency_ms_max{namespace="kafka", strimzi_io_cluster="pay-mirror-eu"}) > 30000');
    expect(rules[1].expr).toBe('absent_over_time(kafka_connect_connect_worker_metrics_connector_count{namespace="kafka", strimzi_io_cluster="pay-mirror-eu"}[10m])');
    expect(tenantMirrorAlerts({ ...base, mirrors: [{ cluster: "m", primary: "p" }] })[0].expr).toMatch(/> 120000$/);
    for (const r of rules) expect(promqlErrors(r.expr)).toEqual([]);
  });

  test("the Schema Registry is alerted when no replica is available (kube-state-metrics) and when that series is absent", () => {
    const rules = schemaRegistryAlerts("kafka", "schema-registry");
    expect(rules.map((r) => [r.alert, r.severity, r.expr])).toEqual([
      ["SchemaRegistryUnavailable", "critical", 'max(kube_deployment_status_replicas_available{namespace="kafka", deployment="schema-registry"}) < 1'],
      ["SchemaRegistryMetricsAbsent", "warning", 'absent_over_time(kube_deployment_status_replicas_available{namespace="kafka", deployment="schema-registry"}[10m])'],
    ]);
  });

  test("in the example: freshness of payments.orders in both regions, replication lag in the standby, registry health where it runs", () => {
    const objects = synthesize(parsePlatformSpec(exampleSpec())).files.flatMap((f) => f.objects) as Obj[];
    const alerts = (region: string, name: string) =>
      objects.filter((o) => o.kind === "PrometheusRule" && o.metadata.labels["floe.dev/region"] === region && o.metadata.name === name).flatMap((o) => o.spec.groups[0].rules.map((r: Obj) => r.alert));
    for (const region of ["eu-west-1", "us-east-1"]) expect(alerts(region, "payments-kafka-alerts")).toContain("TopicStale");
    expect(alerts("us-east-1", "payments-kafka-alerts")).toEqual(expect.arrayContaining(["ReplicationLagHigh", "MirrorMetricsAbsent"]));
    expect(alerts("eu-west-1", "payments-kafka-alerts")).not.toContain("ReplicationLagHigh");
    expect(alerts("eu-west-1", "schema-registry-alerts")).toEqual(["SchemaRegistryUnavailable", "SchemaRegistryMetricsAbsent"]);
    const dead = objects.find((o) => o.kind === "PrometheusRule" && o.metadata.name === "payments-kafka-alerts")!.spec.groups[0].rules.find((r: Obj) => r.alert === "DeadLetterRecords");
    expect(dead.labels).toMatchObject({ tenant: "payments", severity: "warning" });
  });

  test("a freshness below a minute or not a duration, and a bad replication threshold, are refused with their spec paths", () => {
    const s = devSpecWithJob();
    s.tenants[0].topics[0].freshness = "30s";
    s.tenants[0].topics[1].freshness = "soon";
    const e = catchValidation(() => synthesize(parsePlatformSpec(s)));
    expect(e.issues.map((i) => `${i.code} ${i.scope}.${i.field}`)).toEqual(
      expect.arrayContaining(["InvalidFreshness tenants[0].topics[0].freshness", "InvalidFreshness tenants[0].topics[1].freshness"]),
    );
    const r = devSpecWithJob();
    r.regions[0].monitoring = { replicationLagThreshold: "fast" };
    expect(catchValidation(() => synthesize(parsePlatformSpec(r))).issues.map((i) => `${i.code} ${i.scope}.${i.field} ${i.value}`)).toEqual(["InvalidDuration regions[0].monitoring.replicationLagThreshold fast"]);
  });
});
