// Monitoring (prometheus-operator): a region's Strimzi scrape and cluster alerts, a tenant's Flink scrape and alerts.

import { Chart } from "cdk8s";
import { ValidationIssue } from "../../core";
import { FLINK_METRICS_PORT } from "../../k8s/flink/flink-deployment";
import { KafkaCluster } from "../../k8s/kafka";
import { kafkaClusterAlerts, PodMonitor, PrometheusRule, tenantKafkaAlerts, tenantNamespaceAlerts } from "../../k8s/monitoring";
import { Tenant } from "../../k8s/tenancy";
import { RegionMonitoring, TenantRegionContext } from "../compose/context";
import { inSpec, SpecPathMap } from "../compose/path-map";
import { DEFAULT_KAFKA_NAMESPACE, tenantPrefix } from "../names";
import { PlatformSpec, RegionSpec, TenantSpec } from "../spec/schema";

/** A tenant's PodMonitor (its Flink jobs) and alerts (consumer lag, Flink checkpoints and restarts, connector tasks). */
export function addTenantMonitoring(
  chart: Chart,
  region: TenantRegionContext,
  tenantConstruct: Tenant,
  tenant: TenantSpec,
  tenantPath: string,
  map: SpecPathMap,
  pending: ValidationIssue[],
  isStandbyJob: (job: NonNullable<TenantSpec["jobs"]>[number]) => boolean,
): void {
  const monitoring = region.monitoring!;
  const context = { environment: region.environment, region: region.regionName, tenant: tenant.name };
  const flinkJobs = (tenant.jobs ?? []).length > 0;
  // A job runs here unless it is suspended (by the spec, or as a standby's copy of a replicated job).
  const flinkRunning = (tenant.jobs ?? []).some((j) => j.state !== "suspended" && !isStandbyJob(j));
  map.add(`${chart.node.path}/Alerts`, tenantPath);
  map.add(`${chart.node.path}/KafkaAlerts`, tenantPath);
  inSpec(map, pending, () => {
    if (flinkJobs) {
      new PodMonitor(chart, "FlinkPodMonitor", {
        name: "flink-metrics",
        namespace: tenantConstruct.namespace,
        context,
        selector: { matchLabels: { "app.kubernetes.io/name": "flink" } },
        port: "metrics",
        selectorLabels: monitoring.selectorLabels,
      });
      tenantConstruct.allowMetricsScraping({ namespace: monitoring.namespace, port: FLINK_METRICS_PORT });
    }
    const options = {
      tenant: tenant.name,
      cluster: region.kafka,
      kafkaExporter: region.kafka.kafkaExporterEnabled,
      groupPrefix: tenantPrefix(tenant.name),
      lagThreshold: monitoring.lagThreshold,
      flinkJobs,
      flinkRunning,
      connectCluster: (tenant.sources ?? []).length > 0 && region.connect ? `${tenant.name}-connect` : undefined,
    };
    // Each rule lives in the namespace of the series it reads: a Prometheus that enforces the namespace label
    // would otherwise never match them (see lib/k8s/monitoring/alerts.ts).
    const own = tenantNamespaceAlerts(options);
    if (own.length > 0) {
      new PrometheusRule(chart, "Alerts", { name: `${tenant.name}-alerts`, namespace: tenantConstruct.namespace, context, rules: own, selectorLabels: monitoring.selectorLabels });
    }
    const onKafka = tenantKafkaAlerts(options);
    if (onKafka.length > 0) {
      new PrometheusRule(chart, "KafkaAlerts", { name: `${tenant.name}-kafka-alerts`, namespace: region.kafka.namespace, context, rules: onKafka, selectorLabels: monitoring.selectorLabels });
    }
  });
}

/** Monitoring (prometheus-operator): Strimzi pods and Kafka Exporter scraped here, cluster alerts. */
export function buildRegionMonitoring(
  spec: PlatformSpec,
  region: RegionSpec,
  regionIndex: number,
  platformChart: Chart,
  kafka: KafkaCluster,
  map: SpecPathMap,
  pending: ValidationIssue[],
): RegionMonitoring | undefined {
  const namespace = region.kafka.namespace ?? DEFAULT_KAFKA_NAMESPACE;
  const monitoring: RegionMonitoring | undefined =
    (region.monitoring?.enabled ?? true)
      ? { namespace: region.monitoring?.namespace ?? "monitoring", selectorLabels: region.monitoring?.selectorLabels, lagThreshold: region.monitoring?.consumerLagThreshold ?? 10000 }
      : undefined;
  if (monitoring) {
    const context = { environment: spec.environment, region: region.name };
    map.add(`${platformChart.node.path}/KafkaPodMonitor`, `regions[${regionIndex}].monitoring`);
    inSpec(map, pending, () => {
      new PodMonitor(platformChart, "KafkaPodMonitor", {
        name: `${kafka.clusterName}-strimzi-metrics`,
        namespace,
        context,
        selector: { matchExpressions: [{ key: "strimzi.io/kind", operator: "In", values: ["Kafka", "KafkaConnect", "KafkaMirrorMaker2"] }] },
        port: "tcp-prometheus",
        podLabelMap: "strimzi_io_.+",
        tenantFromPodLabel: { label: "strimzi.io/cluster", regex: "(.+)-(connect|mirror-.+)" },
        selectorLabels: monitoring.selectorLabels,
      });
      if (kafka.metricsEnabled) {
        new PrometheusRule(platformChart, "KafkaAlerts", { name: `${kafka.clusterName}-kafka-alerts`, namespace, context, rules: kafkaClusterAlerts(kafka, { kafkaExporter: kafka.kafkaExporterEnabled }), selectorLabels: monitoring.selectorLabels });
      }
    });
  }
  return monitoring;
}
