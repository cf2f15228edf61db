import { escapeRegex } from "../../core";
import type { IKafkaCluster } from "../kafka/kafka-cluster";
import { AlertRule } from "./monitoring";

/*
 * The alerts Floe ships. Metric names are those of the Strimzi Metrics Reporter (brokers: Kafka's Yammer metrics
 * as kafka_<group>_<type>_<name>; Connect: kafka_connect_<group>_<name>), of Strimzi's Kafka Exporter
 * (kafka_consumergroup_lag) and of Flink's Prometheus reporter (flink_jobmanager_job_*).
 */

/** A PromQL string literal (double-quoted, escaped). */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/** A PromQL regex literal matching everything that starts with `prefix`. */
export function promPrefixRegex(prefix: string): string {
  return promString(`${escapeRegex(prefix)}.*`);
}

/** Cluster-wide alerts of a Kafka cluster (the platform team's). */
export function kafkaClusterAlerts(cluster: IKafkaCluster): AlertRule[] {
  const sel = `namespace=${promString(cluster.namespace)}, strimzi_io_cluster=${promString(cluster.clusterName)}`;
  return [
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

/** What a tenant's alerts cover. */
export interface TenantAlertOptions {
  /** The tenant. */
  readonly tenant: string;
  /** The tenant's Kafka cluster (the Kafka Exporter runs in its namespace). */
  readonly cluster: IKafkaCluster;
  /** The tenant's consumer group prefix (`<tenant>.`). */
  readonly groupPrefix: string;
  /** Lag (messages, summed over a group's partitions of a topic) above which the group is alerted. */
  readonly lagThreshold: number;
  /** The tenant runs Flink jobs in its namespace. */
  readonly flinkJobs: boolean;
  /** The tenant's Kafka Connect cluster (its CDC connectors run there), when it has one. */
  readonly connectCluster?: string;
}

/** A tenant's alerts: consumer lag of its groups, its Flink jobs' failed checkpoints and restarts, its connectors' failed tasks. */
export function tenantAlerts(o: TenantAlertOptions): AlertRule[] {
  const kafkaNs = promString(o.cluster.namespace);
  const rules: AlertRule[] = [
    {
      alert: "KafkaConsumerLagHigh",
      expr: `sum by (consumergroup, topic) (kafka_consumergroup_lag{namespace=${kafkaNs}, consumergroup=~${promPrefixRegex(o.groupPrefix)}}) > ${o.lagThreshold}`,
      for: "10m",
      severity: "warning",
      summary: `Consumer group {{ $labels.consumergroup }} of tenant ${o.tenant} lags on {{ $labels.topic }}`,
      description: `{{ $value }} messages behind (threshold ${o.lagThreshold}) for 10 minutes: the consumers are down, too slow or stuck on a record.`,
    },
  ];
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
  }
  if (o.connectCluster) {
    rules.push({
      alert: "KafkaConnectorTasksFailed",
      expr: `sum by (connector) (kafka_connect_connect_worker_metrics_connector_failed_task_count{namespace=${kafkaNs}, strimzi_io_cluster=${promString(o.connectCluster)}}) > 0`,
      for: "5m",
      severity: "critical",
      summary: `Connector {{ $labels.connector }} of tenant ${o.tenant} has failed tasks`,
      description: "{{ $value }} tasks failed: change capture has stopped for them. Check the KafkaConnector status and restart it once the cause is fixed.",
    });
  }
  return rules;
}
