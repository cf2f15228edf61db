import { escapeRegex } from "../../core";
import type { IKafkaCluster } from "../kafka/kafka-cluster";
import { AlertRule } from "./monitoring";

/*
 * The alerts Floe ships. Metric names are those of the Strimzi Metrics Reporter (brokers: Kafka's Yammer metrics
 * as kafka_<group>_<type>_<name>; Connect: kafka_connect_<group>_<name>), of Strimzi's Kafka Exporter
 * (kafka_consumergroup_lag, kafka_brokers) and of Flink's Prometheus reporter (flink_jobmanager_*).
 *
 * Two rules hold for every alert, so that alerting survives a broken scrape and a Prometheus that enforces the
 * namespace label (prometheus-operator's `enforcedNamespaceLabel` adds `namespace="<the rule's namespace>"` to
 * every selector of a PrometheusRule, pkg/namespacelabeler):
 * - each group of series an alert reads has an absent-metric alert beside it (`absent_over_time`): no series for
 *   10 minutes fires instead of looking healthy;
 * - an alert selects series of the namespace its PrometheusRule lives in, and only those: tenant alerts on the
 *   Kafka namespace's series (consumer lag, Connect) live in a PrometheusRule in the Kafka namespace, labelled with
 *   the tenant for routing; tenant alerts on the tenant's own pods (Flink) in the tenant's namespace.
 */

/** How long a metric may be missing before its absent-metric alert fires. */
export const ABSENT_WINDOW = "10m";

/** A PromQL string literal (double-quoted, escaped). */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/** A PromQL regex literal matching everything that starts with `prefix`. */
export function promPrefixRegex(prefix: string): string {
  return promString(`${escapeRegex(prefix)}.*`);
}

/** Cluster-wide alerts of a Kafka cluster (the platform team's), in its namespace. */
export function kafkaClusterAlerts(cluster: IKafkaCluster, options: { readonly kafkaExporter?: boolean } = {}): AlertRule[] {
  const sel = `namespace=${promString(cluster.namespace)}, strimzi_io_cluster=${promString(cluster.clusterName)}`;
  return [
    {
      alert: "KafkaMetricsAbsent",
      expr: `absent_over_time(kafka_server_replicamanager_leadercount{${sel}}[${ABSENT_WINDOW}])`,
      for: "5m",
      severity: "critical",
      summary: `No broker metrics from Kafka cluster ${cluster.clusterName}`,
      description: `Prometheus has had no broker series for ${ABSENT_WINDOW}: the brokers are down or their scrape is broken (PodMonitor, NetworkPolicy, metrics reporter). Every other Kafka alert is blind meanwhile.`,
    },
    ...((options.kafkaExporter ?? true)
      ? [
          {
            alert: "KafkaExporterMetricsAbsent",
            expr: `absent_over_time(kafka_brokers{namespace=${promString(cluster.namespace)}}[${ABSENT_WINDOW}])`,
            for: "5m",
            severity: "warning" as const,
            summary: `No Kafka Exporter metrics from cluster ${cluster.clusterName}`,
            description: `Prometheus has had no Kafka Exporter series for ${ABSENT_WINDOW}: consumer lag alerts of every tenant are blind.`,
          },
        ]
      : []),
    {
      alert: "KafkaUnderReplicatedPartitions",
      expr: `sum by (strimzi_io_cluster) (kafka_server_replicamanager_underreplicatedpartitions{${sel}}) > 0`,
      for: "5m",
      severity: "warning",
      summary: `Kafka cluster ${cluster.clusterName} has under-replicated partitions`,
      description: "{{ $value }} partitions have fewer in-sync replicas than replicas: a broker is down or falling behind; one more failure can make them unavailable.",
    },
    {
      alert: "KafkaOfflinePartitions",
      expr: `sum by (strimzi_io_cluster) (kafka_controller_kafkacontroller_offlinepartitionscount{${sel}}) > 0`,
      for: "1m",
      severity: "critical",
      summary: `Kafka cluster ${cluster.clusterName} has offline partitions`,
      description: "{{ $value }} partitions have no leader: producers and consumers of them are stopped now.",
    },
  ];
}

/**
 * Health of a Schema Registry Deployment (the platform team's), read from kube-state-metrics (kube-prometheus-stack
 * runs it; its series keep the object's `namespace`): no available replica, and the absence of the series.
 */
export function schemaRegistryAlerts(namespace: string, deployment: string): AlertRule[] {
  const sel = `namespace=${promString(namespace)}, deployment=${promString(deployment)}`;
  return [
    {
      alert: "SchemaRegistryUnavailable",
      expr: `max(kube_deployment_status_replicas_available{${sel}}) < 1`,
      for: "5m",
      severity: "critical",
      summary: `Schema Registry ${deployment} has no available replica`,
      description: "No replica of the registry is ready: producers that register or look up schemas fail, and so do Avro sources, sinks and Flink jobs that start now.",
    },
    {
      alert: "SchemaRegistryMetricsAbsent",
      expr: `absent_over_time(kube_deployment_status_replicas_available{${sel}}[${ABSENT_WINDOW}])`,
      for: "5m",
      severity: "warning",
      summary: `No kube-state-metrics series for Schema Registry ${deployment}`,
      description: `Prometheus has had no kube-state-metrics series for the registry's Deployment for ${ABSENT_WINDOW}: kube-state-metrics is down or not scraped, and registry health is not watched.`,
    },
  ];
}

/** A topic whose records must keep arriving (`topics[].freshness`). */
export interface FreshTopic {
  /** The Kafka topic name. */
  readonly topic: string;
  /** Longest time without a record before the alert fires (a Prometheus duration, e.g. `30m`). */
  readonly window: string;
}

/** A tenant's MirrorMaker 2 cluster in a standby region. */
export interface TenantMirror {
  /** The KafkaMirrorMaker2 name (`<tenant>-mirror-<primary>`). */
  readonly cluster: string;
  /** The region it copies from. */
  readonly primary: string;
}

/** What a tenant's alerts cover (see `tenantKafkaAlerts` and `tenantNamespaceAlerts`). */
export interface TenantAlertOptions {
  /** The tenant. */
  readonly tenant: string;
  /** The tenant's Kafka cluster (the Kafka Exporter runs in its namespace). */
  readonly cluster: IKafkaCluster;
  /** The tenant's consumer group prefix (`<tenant>.`). */
  readonly groupPrefix: string;
  /**
   * Strimzi's Kafka Exporter runs (the source of consumer lag).
   * @default true
   */
  readonly kafkaExporter?: boolean;
  /** Lag (messages, summed over a group's partitions of a topic) above which the group is alerted. */
  readonly lagThreshold: number;
  /** The tenant runs Flink jobs in its namespace. */
  readonly flinkJobs: boolean;
  /**
   * At least one of them is meant to run here (not a standby's suspended job): its JobManager's metrics must exist.
   * @default - as flinkJobs
   */
  readonly flinkRunning?: boolean;
  /**
   * The tenant's Kafka Connect cluster (its sources and sinks run there), when it has one.
   * @default - no connector alerts
   */
  readonly connectCluster?: string;
  /**
   * The brokers export their metrics (the Strimzi Metrics Reporter): topic alerts read them.
   * @default true
   */
  readonly brokerMetrics?: boolean;
  /**
   * The tenant's dead-letter topics (Kafka names): a record arriving in one is alerted.
   * @default - none
   */
  readonly deadLetterTopics?: readonly string[];
  /**
   * Topics that must not go quiet for longer than their window.
   * @default - none
   */
  readonly freshTopics?: readonly FreshTopic[];
  /**
   * The tenant's MirrorMaker 2 clusters in this (standby) region.
   * @default - none
   */
  readonly mirrors?: readonly TenantMirror[];
  /**
   * Replication latency (milliseconds) above which a mirror is alerted.
   * @default 120000
   */
  readonly replicationLagThresholdMs?: number;
}

/** A tenant's alerts, both parts: `tenantKafkaAlerts` then `tenantNamespaceAlerts`. */
export function tenantAlerts(o: TenantAlertOptions): AlertRule[] {
  return [...tenantKafkaAlerts(o), ...tenantNamespaceAlerts(o)];
}

/**
 * A tenant's alerts on series of the Kafka namespace, for a PrometheusRule in that namespace: consumer lag of its
 * groups (with the Kafka Exporter), its Connect cluster's failed tasks and the absence of its workers' metrics.
 */
export function tenantKafkaAlerts(o: TenantAlertOptions): AlertRule[] {
  const kafkaNs = promString(o.cluster.namespace);
  const rules: AlertRule[] = [];
  if (o.kafkaExporter ?? true) {
    rules.push({
      alert: "KafkaConsumerLagHigh",
      expr: `sum by (consumergroup, topic) (kafka_consumergroup_lag{namespace=${kafkaNs}, consumergroup=~${promPrefixRegex(o.groupPrefix)}}) > ${o.lagThreshold}`,
      for: "10m",
      severity: "warning",
      summary: `Consumer group {{ $labels.consumergroup }} of tenant ${o.tenant} lags on {{ $labels.topic }}`,
      description: `{{ $value }} messages behind (threshold ${o.lagThreshold}) for 10 minutes: the consumers are down, too slow or stuck on a record.`,
    });
  }
  rules.push(...tenantTopicAlerts(o), ...tenantMirrorAlerts(o));
  if (o.connectCluster) {
    const sel = `namespace=${kafkaNs}, strimzi_io_cluster=${promString(o.connectCluster)}`;
    rules.push(
      {
        alert: "KafkaConnectorTasksFailed",
        expr: `sum by (connector) (kafka_connect_connect_worker_metrics_connector_failed_task_count{${sel}}) > 0`,
        for: "5m",
        severity: "critical",
        summary: `Connector {{ $labels.connector }} of tenant ${o.tenant} has failed tasks`,
        description: "{{ $value }} tasks failed: change capture has stopped for them. Check the KafkaConnector status and restart it once the cause is fixed.",
      },
      {
        alert: "KafkaConnectMetricsAbsent",
        expr: `absent_over_time(kafka_connect_connect_worker_metrics_connector_count{${sel}}[${ABSENT_WINDOW}])`,
        for: "5m",
        severity: "warning",
        summary: `No metrics from Kafka Connect ${o.connectCluster} of tenant ${o.tenant}`,
        description: `Prometheus has had no worker series for ${ABSENT_WINDOW}: the workers are down or their scrape is broken, and failed connector tasks would go unnoticed.`,
      },
    );
  }
  return rules;
}

/**
 * Data-quality alerts on the tenant's topics, from the brokers' per-topic meters
 * (kafka_server_brokertopicmetrics_messagesinpersec_total{topic}): records arriving in a dead-letter topic, and a
 * topic with a declared freshness that received nothing for longer than its window (also when the topic's series
 * does not exist at all: a broker creates it on the first record).
 */
export function tenantTopicAlerts(o: TenantAlertOptions): AlertRule[] {
  if (o.brokerMetrics === false) return [];
  const base = `namespace=${promString(o.cluster.namespace)}, strimzi_io_cluster=${promString(o.cluster.clusterName)}`;
  const rules: AlertRule[] = [];
  const dead = [...(o.deadLetterTopics ?? [])].sort();
  if (dead.length > 0) {
    rules.push({
      alert: "DeadLetterRecords",
      expr: `sum by (topic) (rate(kafka_server_brokertopicmetrics_messagesinpersec_total{${base}, topic=~${promString(dead.map(escapeRegex).join("|"))}}[10m])) > 0`,
      for: "5m",
      severity: "warning",
      summary: `Records of tenant ${o.tenant} are dead-lettered into {{ $labels.topic }}`,
      description: "{{ $value }} records per second land in the dead-letter topic: they could not be read or delivered (bad format, schema mismatch, rejected by the target). Inspect them, fix the cause, and replay them.",
    });
  }
  for (const f of [...(o.freshTopics ?? [])].sort((a, b) => (a.topic < b.topic ? -1 : 1))) {
    rules.push({
      alert: "TopicStale",
      expr: `(sum(increase(kafka_server_brokertopicmetrics_messagesinpersec_total{${base}, topic=${promString(f.topic)}}[${f.window}])) or vector(0)) == 0`,
      for: "5m",
      severity: "warning",
      summary: `Topic ${f.topic} of tenant ${o.tenant} received no record for ${f.window}`,
      description: `No record has arrived in ${f.topic} for longer than its declared freshness (${f.window}): its producers (an app, a CDC source, a job or a mirror) are down, stuck, or the data upstream stopped.`,
    });
  }
  return rules;
}

/**
 * Replication between regions, on a standby's MirrorMaker 2 clusters: the latency of the records it copies
 * (kafka_connect_mirror_mirrorsourceconnector_replication_latency_ms_max, per target topic) above the threshold, and
 * the absence of the mirror's worker metrics.
 */
export function tenantMirrorAlerts(o: TenantAlertOptions): AlertRule[] {
  const threshold = o.replicationLagThresholdMs ?? 120_000;
  return [...(o.mirrors ?? [])].sort((a, b) => (a.cluster < b.cluster ? -1 : 1)).flatMap((m): AlertRule[] => {
    const sel = `namespace=${promString(o.cluster.namespace)}, strimzi_io_cluster=${promString(m.cluster)}`;
    return [
      {
        alert: "ReplicationLagHigh",
        expr: `max by (topic) (kafka_connect_mirror_mirrorsourceconnector_replication_latency_ms_max{${sel}}) > ${threshold}`,
        for: "10m",
        severity: "warning",
        summary: `Replication of tenant ${o.tenant} from ${m.primary} lags on {{ $labels.topic }}`,
        description: `Records reach this region {{ $value }} ms after their append in ${m.primary} (threshold ${threshold} ms): a failover now would lose or delay that much. Check MirrorMaker 2 ${m.cluster} and the link between the regions.`,
      },
      {
        alert: "MirrorMetricsAbsent",
        expr: `absent_over_time(kafka_connect_connect_worker_metrics_connector_count{${sel}}[${ABSENT_WINDOW}])`,
        for: "5m",
        severity: "warning",
        summary: `No metrics from MirrorMaker 2 ${m.cluster} of tenant ${o.tenant}`,
        description: `Prometheus has had no worker series of the mirror for ${ABSENT_WINDOW}: it is down or unscraped, and replication lag is not watched.`,
      },
    ];
  });
}

/** A tenant's alerts on its own namespace's series (its Flink jobs), for a PrometheusRule in that namespace. */
export function tenantNamespaceAlerts(o: TenantAlertOptions): AlertRule[] {
  const rules: AlertRule[] = [];
  if (o.flinkJobs) {
    const ns = promString(o.tenant);
    rules.push(
      {
        alert: "FlinkCheckpointsFailing",
        expr: `increase(flink_jobmanager_job_numberOfFailedCheckpoints{namespace=${ns}}[15m]) > 0`,
        for: "5m",
        severity: "warning",
        summary: `Flink job {{ $labels.job_name }} of tenant ${o.tenant} fails checkpoints`,
        description: "{{ $value }} checkpoints failed in 15 minutes: recovery would replay more data, and savepoint upgrades may fail. Check the state backend (S3 access) and back pressure.",
      },
      {
        alert: "FlinkJobRestarting",
        expr: `increase(flink_jobmanager_job_numRestarts{namespace=${ns}}[15m]) > 2`,
        for: "1m",
        severity: "critical",
        summary: `Flink job {{ $labels.job_name }} of tenant ${o.tenant} keeps restarting`,
        description: "{{ $value }} restarts in 15 minutes: the job fails repeatedly (bad record, lost dependency, out of memory). See the JobManager log.",
      },
    );
    if (o.flinkRunning ?? true) {
      rules.push({
        alert: "FlinkMetricsAbsent",
        expr: `absent_over_time(flink_jobmanager_numRunningJobs{namespace=${ns}}[${ABSENT_WINDOW}])`,
        for: "5m",
        severity: "critical",
        summary: `No Flink JobManager metrics from tenant ${o.tenant}`,
        description: `Prometheus has had no JobManager series from the tenant's namespace for ${ABSENT_WINDOW} while its jobs should run: they are down, or their scrape is broken, and checkpoint and restart alerts are blind.`,
      });
    }
  }
  return rules;
}
