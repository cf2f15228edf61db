// Monitoring (prometheus-operator): a region's Strimzi scrape and cluster alerts, a tenant's Flink scrape and alerts.

import { Chart } from "cdk8s";
import { parseDuration, ValidationIssue } from "../../core";
import { FLINK_METRICS_PORT } from "../../k8s/flink/flink-deployment";
import { KafkaCluster } from "../../k8s/kafka";
import { GrafanaDashboard, kafkaClusterAlerts, PodMonitor, PrometheusRule, regionDashboard, schemaRegistryAlerts, TenantAlertOptions, tenantDashboard, tenantKafkaAlerts, tenantNamespaceAlerts } from "../../k8s/monitoring";
import { Tenant } from "../../k8s/tenancy";
import { RegionMonitoring, TenantRegionContext } from "../compose/context";
import { inSpec, SpecPathMap } from "../compose/path-map";
import { deadLetterTopicName, DEFAULT_KAFKA_NAMESPACE, tenantPrefix, tenantRunsConnectors, tenantTopicName } from "../names";
import { sinkDeadLetterTopicName, sinkErrorPolicy } from "../sinks/rules";
import { PlatformSpec, RegionSpec, TenantSpec } from "../spec/schema";

/** The tenant's dead-letter topics (Kafka names): its jobs' and its sinks' that dead-letter. */
function deadLetterTopics(tenant: TenantSpec): string[] {
  const jobs = (tenant.jobs ?? []).filter((j) => (j.onMalformed ?? tenant.onMalformed) === "dead-letter").map((j) => deadLetterTopicName(j.name));
  const sinks = (tenant.sinks ?? []).filter((k) => sinkErrorPolicy(tenant, k) === "dead-letter").map((k) => sinkDeadLetterTopicName(k.name));
  return [...jobs, ...sinks].map((t) => tenantTopicName(tenant.name, t));
}

/** What the tenant's alerts and dashboard cover in this region. */
function tenantAlertOptions(region: TenantRegionContext, tenant: TenantSpec, isStandbyJob: (job: NonNullable<TenantSpec["jobs"]>[number]) => boolean): TenantAlertOptions {
  const monitoring = region.monitoring!;
  return {
    tenant: tenant.name,
    cluster: region.kafka,
    kafkaExporter: region.kafka.kafkaExporterEnabled,
    groupPrefix: tenantPrefix(tenant.name),
    lagThreshold: monitoring.lagThreshold,
    flinkJobs: (tenant.jobs ?? []).length > 0,
    // A job runs here unless it is suspended (by the spec, or as a standby's copy of a replicated job).
    flinkRunning: (tenant.jobs ?? []).some((j) => j.state !== "suspended" && !isStandbyJob(j)),
    connectCluster: tenantRunsConnectors(tenant) && region.connect ? `${tenant.name}-connect` : undefined,
    brokerMetrics: region.kafka.metricsEnabled,
    deadLetterTopics: deadLetterTopics(tenant),
    freshTopics: (tenant.topics ?? []).filter((t) => t.freshness !== undefined).map((t) => ({ topic: tenantTopicName(tenant.name, t.name), window: t.freshness! })),
    // The tenant's MirrorMaker 2 clusters here: one per primary this region is a standby of (`<tenant>-mirror-<primary>`).
    mirrors: region.replication
      .filter((r) => r.tenant.name === tenant.name && r.spec.standby === region.regionName)
      .map((r) => ({ cluster: `${tenant.name}-mirror-${r.spec.primary}`, primary: r.spec.primary })),
    replicationLagThresholdMs: monitoring.replicationLagThresholdMs,
  };
}

/** A tenant's PodMonitor (its Flink jobs), alerts (lag, data quality, replication, Flink, connectors) and dashboard. */
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
  const options = tenantAlertOptions(region, tenant, isStandbyJob);
  for (const id of ["Alerts", "KafkaAlerts", "Dashboard"]) map.add(`${chart.node.path}/${id}`, tenantPath);
  inSpec(map, pending, () => {
    if (options.flinkJobs) {
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
    // Each rule lives in the namespace of the series it reads: a Prometheus that enforces the namespace label
    // would otherwise never match them (see lib/k8s/monitoring/alerts.ts).
    const own = tenantNamespaceAlerts(options);
    if (own.length > 0) {
      new PrometheusRule(chart, "Alerts", { name: `${tenant.name}-alerts`, namespace: tenantConstruct.namespace, context, rules: own, selectorLabels: monitoring.selectorLabels });
    }
    if (monitoring.dashboards) {
      new GrafanaDashboard(chart, "Dashboard", {
        name: `floe-${region.environment}-${region.regionName}-${tenant.name}`,
        delivery: monitoring.dashboards,
        context,
        folder: `Floe/${tenant.name}`,
        dashboard: tenantDashboard({
          environment: region.environment,
          region: region.regionName,
          tenant: tenant.name,
          cluster: region.kafka,
          prefix: tenantPrefix(tenant.name),
          kafkaExporter: options.kafkaExporter ?? true,
          connectCluster: options.connectCluster,
          mirrorClusters: (options.mirrors ?? []).map((m) => m.cluster),
          flink: options.flinkJobs,
        }),
      });
    }
    const onKafka = tenantKafkaAlerts(options);
    if (onKafka.length > 0) {
      new PrometheusRule(chart, "KafkaAlerts", { name: `${tenant.name}-kafka-alerts`, namespace: region.kafka.namespace, context, rules: onKafka, selectorLabels: monitoring.selectorLabels });
    }
  });
}

/**
 * Where kube-prometheus-stack's Grafana sidecar finds dashboards (regions[].monitoring.dashboards), or none. The
 * sidecar must search that namespace (`grafana.sidecar.dashboards.searchNamespace`: ALL, or a list naming it).
 */
function dashboardDelivery(region: RegionSpec): RegionMonitoring["dashboards"] {
  const d = region.monitoring?.dashboards;
  if (d?.enabled === false) return undefined;
  return {
    // The Kafka namespace by default: it exists (Floe renders it) and is the platform team's. Not the monitoring
    // namespace, which Floe does not own and which may not exist; not a tenant's, whose admins could then edit what
    // the shared Grafana loads (and query other tenants' series with it).
    namespace: d?.namespace ?? region.kafka.namespace ?? DEFAULT_KAFKA_NAMESPACE,
    ...(d?.label ? { label: d.label } : {}),
    ...(d?.labelValue !== undefined ? { labelValue: d.labelValue } : {}),
    ...(d?.folderAnnotation ? { folderAnnotation: d.folderAnnotation } : {}),
  };
}

/** `monitoring.replicationLagThreshold` in milliseconds (default 2 minutes); a bad duration is reported. */
function replicationLagThreshold(region: RegionSpec, regionIndex: number, pending: ValidationIssue[]): number {
  const value = region.monitoring?.replicationLagThreshold;
  if (value === undefined) return 120_000;
  const ctx = { scope: `regions[${regionIndex}].monitoring`, field: "replicationLagThreshold" };
  const { ms, issues } = parseDuration(value, ctx);
  if (issues.length > 0 || ms === undefined || ms <= 0) {
    pending.push({ code: "InvalidDuration", ...ctx, value, message: "is not a positive duration", fix: "write a whole number with a unit, e.g. \"2m\" or \"30s\"" });
    return 120_000;
  }
  return ms;
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
  registry?: { readonly registryName: string },
): RegionMonitoring | undefined {
  const namespace = region.kafka.namespace ?? DEFAULT_KAFKA_NAMESPACE;
  const monitoring: RegionMonitoring | undefined =
    (region.monitoring?.enabled ?? true)
      ? {
          namespace: region.monitoring?.namespace ?? "monitoring",
          selectorLabels: region.monitoring?.selectorLabels,
          lagThreshold: region.monitoring?.consumerLagThreshold ?? 10000,
          replicationLagThresholdMs: replicationLagThreshold(region, regionIndex, pending),
          dashboards: dashboardDelivery(region),
        }
      : undefined;
  if (monitoring) {
    const context = { environment: spec.environment, region: region.name };
    map.add(`${platformChart.node.path}/KafkaPodMonitor`, `regions[${regionIndex}].monitoring`);
    map.add(`${platformChart.node.path}/RegistryAlerts`, `regions[${regionIndex}].schemaRegistry`);
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
      if (monitoring.dashboards) {
        new GrafanaDashboard(platformChart, "Dashboard", {
          name: `floe-${spec.environment}-${region.name}`,
          delivery: monitoring.dashboards,
          context,
          dashboard: regionDashboard({ environment: spec.environment, region: region.name, cluster: kafka, kafkaExporter: kafka.kafkaExporterEnabled }),
        });
      }
      if (kafka.metricsEnabled) {
        new PrometheusRule(platformChart, "KafkaAlerts", { name: `${kafka.clusterName}-kafka-alerts`, namespace, context, rules: kafkaClusterAlerts(kafka, { kafkaExporter: kafka.kafkaExporterEnabled }), selectorLabels: monitoring.selectorLabels });
      }
      if (registry) {
        new PrometheusRule(platformChart, "RegistryAlerts", { name: `${registry.registryName}-alerts`, namespace, context, rules: schemaRegistryAlerts(namespace, registry.registryName), selectorLabels: monitoring.selectorLabels });
      }
    });
  }
  return monitoring;
}
