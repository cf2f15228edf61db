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

/** What a tenant's alerts cover (see {@link tenantKafkaAlerts} and {@link tenantNamespaceAlerts}). */
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
  /** The tenant's Kafka Connect cluster (its CDC connectors run there), when it has one. */
  readonly connectCluster?: string;
}

/** A tenant's alerts, both parts: {@link tenantKafkaAlerts} then {@link tenantNamespaceAlerts}. */
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
