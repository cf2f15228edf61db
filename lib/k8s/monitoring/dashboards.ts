import { DashboardBuilder, DatasourceVariableBuilder, RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as TimeseriesPanelBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import { checkDnsLabel, checkDnsSubdomain, componentLabels, escapeRegex, shortHash, ValidationError, ValidationIssue } from "../../core";
import type { IKafkaCluster } from "../kafka/kafka-cluster";
import { alertContextLabels, MonitoringContext } from "./monitoring";
import { promString } from "./alerts";

/*
 * Grafana dashboards as code, built with Grafana's own typed library (@grafana/grafana-foundation-sdk) and delivered
 * the way kube-prometheus-stack's Grafana loads them: a ConfigMap labelled `grafana_dashboard: "1"` (the chart's
 * `grafana.sidecar.dashboards.label` / `labelValue` defaults), whose data is the dashboard JSON, in a namespace the
 * sidecar searches (`grafana.sidecar.dashboards.searchNamespace`: Grafana's own namespace unless set, or ALL).
 *
 * Metric names are those the scraped components export:
 * - brokers, Strimzi Metrics Reporter (server-metrics-reporter YammerMetricWrapper.prometheusName): Yammer metrics as
 *   kafka_<group>_<type>_<name> lower-cased; meters are counters (`_total`), gauges plain; per-topic ones keep their
 *   `topic` label (BrokerTopicMetrics);
 * - Connect and MirrorMaker 2, the client reporter (KafkaMetricWrapper): kafka_connect_<group>_<name>, `-` as `_`,
 *   labels from the metric's tags (`connector`, `task`; for MirrorSourceConnector `topic`, `source`, `target`,
 *   `partition`: client-metrics-reporter TestMirrorMakerMetricsIT);
 * - consumer lag, Strimzi's Kafka Exporter (kafka_consumergroup_lag);
 * - Flink's Prometheus reporter: flink_<scope>_<name>, scope variables as labels (`job_name`, `task_name`,
 *   `subtask_index`).
 * Each series carries `namespace` (prometheus-operator) and, from Strimzi pods, `strimzi_io_cluster` (the PodMonitor's
 * label map).
 */

/** What a dashboard ConfigMap carries: the dashboard model Grafana reads (its JSON). */
export interface GrafanaDashboardModel {
  /** The dashboard's unique id in Grafana. */
  readonly uid?: string;
  /** Its title. */
  readonly title?: string;
  readonly [key: string]: unknown;
}

/** How Grafana's dashboard sidecar finds dashboards (kube-prometheus-stack's `grafana.sidecar.dashboards`). */
export interface DashboardDelivery {
  /** Namespace the sidecar searches (its `searchNamespace`, or Grafana's namespace). */
  readonly namespace: string;
  /**
   * The label the sidecar selects ConfigMaps by.
   * @default "grafana_dashboard"
   */
  readonly label?: string;
  /**
   * Its value.
   * @default "1"
   */
  readonly labelValue?: string;
  /**
   * Annotation naming the dashboard's folder (the sidecar's `folderAnnotation`; Grafana files the dashboard in the
   * General folder unless the chart sets `folderAnnotation` to this name and `provider.foldersFromFilesStructure`).
   * @default "grafana_folder"
   */
  readonly folderAnnotation?: string;
}

/** Properties of a {@link GrafanaDashboard}. */
export interface GrafanaDashboardProps {
  /** ConfigMap name (DNS subdomain); the JSON file in it is `<name>.json`. */
  readonly name: string;
  /** How the sidecar finds it. */
  readonly delivery: DashboardDelivery;
  /** Whose dashboard (its `environment`, `region`, `tenant` labels). */
  readonly context: MonitoringContext;
  /** The dashboard (for example built with @grafana/grafana-foundation-sdk's DashboardBuilder). */
  readonly dashboard: GrafanaDashboardModel;
  /**
   * Folder in Grafana.
   * @default "Floe"
   */
  readonly folder?: string;
}

/** A ConfigMap's data is limited to 1 MiB (etcd's object limit, Kubernetes' ConfigMap validation). */
const CONFIGMAP_LIMIT = 1024 * 1024;

/** A Grafana dashboard delivered as a ConfigMap that kube-prometheus-stack's Grafana sidecar loads. */
export class GrafanaDashboard extends Construct {
  /** The ConfigMap's name. */
  public readonly name: string;
  /** The dashboard JSON. */
  public readonly json: string;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    const ctx = { scope: this.node.path, field: "" };
    const json = `${JSON.stringify(props.dashboard, null, 2)}\n`;
    const issues: ValidationIssue[] = [
      ...checkDnsSubdomain(props.name, { ...ctx, field: "name" }),
      ...checkDnsLabel(props.delivery.namespace, { ...ctx, field: "delivery.namespace" }),
    ];
    if (Buffer.byteLength(json) > CONFIGMAP_LIMIT) {
      issues.push({ code: "DashboardTooLarge", ...ctx, field: "dashboard", value: `${Buffer.byteLength(json)} bytes`, message: "is larger than a ConfigMap may hold (1 MiB)", fix: "split the dashboard into several" });
    }
    if (!props.dashboard.uid) {
      issues.push({ code: "DashboardWithoutUid", ...ctx, field: "dashboard.uid", value: props.dashboard.title ?? "", message: "has no uid: Grafana would make a new dashboard on every load", fix: "give the dashboard a stable uid" });
    }
    ValidationError.throwIfAny(issues);
    this.name = props.name;
    this.json = json;
    new ApiObject(this, "Resource", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: props.name,
        namespace: props.delivery.namespace,
        labels: {
          ...componentLabels("grafana-dashboard", props.name, "monitoring"),
          ...alertContextLabels(props.context),
          [props.delivery.label ?? "grafana_dashboard"]: props.delivery.labelValue ?? "1",
        },
        annotations: { [props.delivery.folderAnnotation ?? "grafana_folder"]: props.folder ?? "Floe" },
      },
      data: { [`${props.name}.json`]: json },
    });
  }
}

/** A Grafana uid (at most 40 characters: Grafana's limit) for a dashboard name. */
export function dashboardUid(name: string): string {
  return name.length <= 40 ? name : `${name.slice(0, 31)}-${shortHash(name, 8)}`;
}

interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly queries: readonly { readonly expr: string; readonly legend: string }[];
}

const DATASOURCE = { type: "prometheus", uid: "${datasource}" };

function panel(p: PanelSpec): TimeseriesPanelBuilder {
  const b = new TimeseriesPanelBuilder().title(p.title).description(p.description).unit(p.unit).datasource(DATASOURCE).height(8).span(12);
  p.queries.forEach((q, i) => b.withTarget(new DataqueryBuilder().expr(q.expr).legendFormat(q.legend).refId(String.fromCharCode(65 + i)).datasource(DATASOURCE)));
  return b;
}

function dashboard(uid: string, title: string, tags: readonly string[], rows: readonly (readonly [string, readonly PanelSpec[]])[]): GrafanaDashboardModel {
  const b = new DashboardBuilder(title)
    .uid(dashboardUid(uid))
    .tags([...tags])
    .editable()
    .refresh("1m")
    .time({ from: "now-6h", to: "now" })
    .timezone("browser")
    .withVariable(new DatasourceVariableBuilder("datasource").label("Data source").type("prometheus"));
  for (const [title, panels] of rows) {
    b.withRow(new RowBuilder(title));
    for (const p of panels) b.withPanel(panel(p));
  }
  return b.build() as unknown as GrafanaDashboardModel;
}

/** What a region's dashboard covers. */
export interface RegionDashboardOptions {
  /** The environment (dashboard title, `environment` label). */
  readonly environment: string;
  /** The region (dashboard title, `region` label). */
  readonly region: string;
  /** The region's Kafka cluster (its namespace and name select the brokers' metrics). */
  readonly cluster: IKafkaCluster;
  /** Kafka Exporter runs (consumer lag). */
  readonly kafkaExporter: boolean;
}

/** The platform team's dashboard of a region: brokers, partitions, Connect and MirrorMaker 2 workers, Flink jobs. */
export function regionDashboard(o: RegionDashboardOptions): GrafanaDashboardModel {
  const ns = `namespace=${promString(o.cluster.namespace)}`;
  const kafka = `${ns}, strimzi_io_cluster=${promString(o.cluster.clusterName)}`;
  const rows: [string, PanelSpec[]][] = [
    [
      `Kafka cluster ${o.cluster.clusterName}`,
      [
        { title: "Messages in", description: "Records appended per second, per broker pod.", unit: "short", queries: [{ expr: `sum by (pod) (rate(kafka_server_brokertopicmetrics_messagesinpersec_total{${kafka}}[5m]))`, legend: "{{pod}}" }] },
        {
          title: "Bytes in and out",
          description: "Produced and fetched bytes per second over the cluster (replication excluded).",
          unit: "Bps",
          queries: [
            { expr: `sum(rate(kafka_server_brokertopicmetrics_bytesinpersec_total{${kafka}}[5m]))`, legend: "in" },
            { expr: `sum(rate(kafka_server_brokertopicmetrics_bytesoutpersec_total{${kafka}}[5m]))`, legend: "out" },
          ],
        },
        {
          title: "Partitions at risk",
          description: "Under-replicated partitions (one more failure from unavailable) and offline partitions (unavailable now).",
          unit: "short",
          queries: [
            { expr: `sum(kafka_server_replicamanager_underreplicatedpartitions{${kafka}})`, legend: "under-replicated" },
            { expr: `sum(kafka_controller_kafkacontroller_offlinepartitionscount{${kafka}})`, legend: "offline" },
          ],
        },
        { title: "Partition leaders per broker", description: "Leadership balance: a broker far from the others serves more than its share.", unit: "short", queries: [{ expr: `sum by (pod) (kafka_server_replicamanager_leadercount{${kafka}})`, legend: "{{pod}}" }] },
        { title: "Network threads idle", description: "Share of time the brokers' network threads are idle; below 30% the brokers are saturated.", unit: "percentunit", queries: [{ expr: `avg by (pod) (kafka_network_socketserver_networkprocessoravgidlepercent{${kafka}})`, legend: "{{pod}}" }] },
        ...(o.kafkaExporter
          ? [{ title: "Consumer lag, top 10 groups", description: "Messages behind, summed per consumer group (Kafka Exporter).", unit: "short", queries: [{ expr: `topk(10, sum by (consumergroup) (kafka_consumergroup_lag{${ns}}))`, legend: "{{consumergroup}}" }] }]
          : []),
      ],
    ],
    [
      "Kafka Connect and MirrorMaker 2",
      [
        { title: "Connectors and failed tasks", description: "Per Connect or MirrorMaker 2 cluster: connectors running, tasks failed.", unit: "short", queries: [
          { expr: `sum by (strimzi_io_cluster) (kafka_connect_connect_worker_metrics_connector_count{${ns}})`, legend: "{{strimzi_io_cluster}} connectors" },
          { expr: `sum by (strimzi_io_cluster) (kafka_connect_connect_worker_metrics_connector_failed_task_count{${ns}})`, legend: "{{strimzi_io_cluster}} failed tasks" },
        ] },
        { title: "Replication latency between regions (max)", description: "MirrorMaker 2: time from a record's append in the primary to its copy in this region, per mirror.", unit: "ms", queries: [{ expr: `max by (strimzi_io_cluster) (kafka_connect_mirror_mirrorsourceconnector_replication_latency_ms_max{${ns}})`, legend: "{{strimzi_io_cluster}}" }] },
        { title: "Dead-letter records", description: "Records Connect wrote to dead-letter topics, per connector.", unit: "short", queries: [{ expr: `sum by (connector) (rate(kafka_connect_task_error_metrics_deadletterqueue_produce_requests{${ns}}[5m]))`, legend: "{{connector}}" }] },
      ],
    ],
    [
      "Flink",
      [
        { title: "Running jobs per namespace", description: "Jobs each tenant's JobManagers report running.", unit: "short", queries: [{ expr: "sum by (namespace) (flink_jobmanager_numRunningJobs)", legend: "{{namespace}}" }] },
        { title: "Failed checkpoints (15 min)", description: "Checkpoints that failed in the last 15 minutes, per job.", unit: "short", queries: [{ expr: "sum by (namespace, job_name) (increase(flink_jobmanager_job_numberOfFailedCheckpoints[15m]))", legend: "{{namespace}}/{{job_name}}" }] },
      ],
    ],
  ];
  return dashboard(`floe-${o.environment}-${o.region}`, `Floe ${o.environment} / ${o.region}: platform`, ["floe", o.environment, o.region], rows);
}

/** What a tenant's dashboard covers. */
export interface TenantDashboardOptions {
  /** The environment (dashboard title, `environment` label). */
  readonly environment: string;
  /** The region (dashboard title, `region` label). */
  readonly region: string;
  /** The tenant the dashboard shows (its namespace, topics and groups). */
  readonly tenant: string;
  /** The region's Kafka cluster (its namespace and name select the brokers' metrics). */
  readonly cluster: IKafkaCluster;
  /** Topic and group prefix of the tenant (`<tenant>.`). */
  readonly prefix: string;
  /** Kafka Exporter runs (consumer lag panels). */
  readonly kafkaExporter: boolean;
  /**
   * The tenant's Connect cluster, when it runs connectors here.
   * @default - no Connect panels
   */
  readonly connectCluster?: string;
  /** The tenant's MirrorMaker 2 clusters in this region (it is a standby of another region). */
  readonly mirrorClusters: readonly string[];
  /** The tenant runs Flink jobs here. */
  readonly flink: boolean;
}

/** A tenant's dashboard of one region: its topics, lag, connectors, mirrors, Flink jobs and dead letters. */
export function tenantDashboard(o: TenantDashboardOptions): GrafanaDashboardModel {
  const ns = `namespace=${promString(o.cluster.namespace)}`;
  const topics = `${ns}, strimzi_io_cluster=${promString(o.cluster.clusterName)}, topic=~${promString(`${escapeRegex(o.prefix)}.+`)}`;
  const deadLetters = `${ns}, strimzi_io_cluster=${promString(o.cluster.clusterName)}, topic=~${promString(`${escapeRegex(o.prefix)}.+dead-letter`)}`;
  const flink = `namespace=${promString(o.tenant)}`;
  const rows: [string, PanelSpec[]][] = [
    [
      "Topics",
      [
        { title: "Messages in per topic", description: "Records appended per second to the tenant's topics.", unit: "short", queries: [{ expr: `sum by (topic) (rate(kafka_server_brokertopicmetrics_messagesinpersec_total{${topics}}[5m]))`, legend: "{{topic}}" }] },
        { title: "Dead-letter records", description: "Records per second into the tenant's dead-letter topics (jobs' and sinks'): each is a record that could not be processed.", unit: "short", queries: [{ expr: `sum by (topic) (rate(kafka_server_brokertopicmetrics_messagesinpersec_total{${deadLetters}}[5m]))`, legend: "{{topic}}" }] },
        ...(o.kafkaExporter
          ? [{ title: "Consumer lag", description: "Messages behind, per consumer group and topic of the tenant.", unit: "short", queries: [{ expr: `sum by (consumergroup, topic) (kafka_consumergroup_lag{${ns}, consumergroup=~${promString(`${escapeRegex(o.prefix)}.+`)}})`, legend: "{{consumergroup}} on {{topic}}" }] }]
          : []),
      ],
    ],
  ];
  if (o.connectCluster) {
    const connect = `${ns}, strimzi_io_cluster=${promString(o.connectCluster)}`;
    rows.push([
      "Connectors",
      [
        { title: "Failed tasks", description: "Failed connector tasks: change capture or delivery stopped for them.", unit: "short", queries: [{ expr: `sum by (connector) (kafka_connect_connect_worker_metrics_connector_failed_task_count{${connect}})`, legend: "{{connector}}" }] },
        { title: "Record errors and dead letters", description: "Records that failed conversion or delivery, and those written to a dead-letter topic.", unit: "short", queries: [
          { expr: `sum by (connector) (rate(kafka_connect_task_error_metrics_total_record_errors{${connect}}[5m]))`, legend: "{{connector}} errors" },
          { expr: `sum by (connector) (rate(kafka_connect_task_error_metrics_deadletterqueue_produce_requests{${connect}}[5m]))`, legend: "{{connector}} dead letters" },
        ] },
      ],
    ]);
  }
  if (o.mirrorClusters.length > 0) {
    const mirrors = `${ns}, strimzi_io_cluster=~${promString(o.mirrorClusters.map(escapeRegex).join("|"))}`;
    rows.push([
      "Replication into this region",
      [
        { title: "Replication latency (max)", description: "MirrorMaker 2: time from a record's append in the primary to its copy here, per topic.", unit: "ms", queries: [{ expr: `max by (topic) (kafka_connect_mirror_mirrorsourceconnector_replication_latency_ms_max{${mirrors}})`, legend: "{{topic}}" }] },
        { title: "Record age at replication (max)", description: "Age of the records MirrorMaker 2 copies: how far behind the primary this region's copy is.", unit: "ms", queries: [{ expr: `max by (topic) (kafka_connect_mirror_mirrorsourceconnector_record_age_ms_max{${mirrors}})`, legend: "{{topic}}" }] },
      ],
    ]);
  }
  if (o.flink) {
    rows.push([
      "Flink jobs",
      [
        { title: "Checkpoint duration", description: "Duration of each job's last completed checkpoint.", unit: "ms", queries: [{ expr: `max by (job_name) (flink_jobmanager_job_lastCheckpointDuration{${flink}})`, legend: "{{job_name}}" }] },
        { title: "Checkpoints failed and restarts (15 min)", description: "Failed checkpoints and job restarts in the last 15 minutes.", unit: "short", queries: [
          { expr: `sum by (job_name) (increase(flink_jobmanager_job_numberOfFailedCheckpoints{${flink}}[15m]))`, legend: "{{job_name}} failed checkpoints" },
          { expr: `sum by (job_name) (increase(flink_jobmanager_job_numRestarts{${flink}}[15m]))`, legend: "{{job_name}} restarts" },
        ] },
        { title: "Back pressure per vertex", description: "Share of time each job vertex is back-pressured (the worst subtask): its downstream cannot keep up.", unit: "percentunit", queries: [{ expr: `max by (job_name, task_name) (flink_taskmanager_job_task_backPressuredTimeMsPerSecond{${flink}}) / 1000`, legend: "{{job_name}} {{task_name}}" }] },
        { title: "Busy per vertex", description: "Share of time each job vertex is busy (the worst subtask): what the autoscaler scales on.", unit: "percentunit", queries: [{ expr: `max by (job_name, task_name) (flink_taskmanager_job_task_busyTimeMsPerSecond{${flink}}) / 1000`, legend: "{{job_name}} {{task_name}}" }] },
        { title: "Parallelism per vertex (autoscaler decisions)", description: "Subtasks reporting per job vertex: its parallelism, which changes when the autoscaler rescales.", unit: "short", queries: [{ expr: `count by (job_name, task_name) (flink_taskmanager_job_task_busyTimeMsPerSecond{${flink}})`, legend: "{{job_name}} {{task_name}}" }] },
      ],
    ]);
  }
  return dashboard(`floe-${o.environment}-${o.region}-${o.tenant}`, `Floe ${o.environment} / ${o.region}: tenant ${o.tenant}`, ["floe", o.environment, o.region, `tenant:${o.tenant}`], rows);
}
