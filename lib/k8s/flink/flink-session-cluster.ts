import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import { componentLabels, FlinkStateOptionStyle, FloeLabels, ValidationError, ValidationIssue } from "../../core";
import { ICheckpointStorage, jobStatePaths, JobStatePaths } from "./checkpoint-storage";
import {
  clusterFootprint,
  deploymentSpec,
  flinkDeploymentObject,
  FlinkClusterOptions,
  FLINK_METRICS_PORT,
  flinkPodTemplate,
  prometheusReporterConfiguration,
  resolveCluster,
  s3PluginJar,
  validateClusterOptions,
} from "./flink-deployment";
import { haConfiguration } from "./flink-state";
import { FlinkDeploymentSpec } from "./flink-types";
import { KafkaClientAccess } from "../kafka/kafka-client-access";
import { FlinkFootprint, flinkKafkaAccess, FlinkKafkaOptions } from "./flink-application";


/** Properties of a {@link FlinkSessionCluster}. */
export interface FlinkSessionClusterProps extends FlinkClusterOptions {
  /**
   * Bucket for the cluster's HA metadata (and the S3 plugin for its jobs' checkpoints).
   * @default - none (no HA)
   */
  readonly checkpointStorage?: ICheckpointStorage;
  /**
   * Key prefix of the cluster's HA metadata.
   * @default `platform/sessions/<name>/` (or `tenants/<tenant>/sessions/<name>/`)
   */
  readonly storagePrefix?: string;
  /**
   * Expose Flink metrics with the Prometheus reporter on container port `metrics` (9249).
   * @default true
   */
  readonly metrics?: boolean;
  /**
   * Tenant owning the cluster.
   * @default - none: a platform cluster
   */
  readonly tenant?: string;
  /**
   * Kafka access of the cluster's jobs: one KafkaUser for the cluster (its jobs share its TaskManager JVMs, so
   * per-job credentials would isolate nothing), whose connection and credentials reach every pod as the
   * `FLOE_KAFKA_*` variables and mounted files; each {@link FlinkSessionJob} adds the ACLs of its own topics
   * and consumer group. Adding a job changes the user's ACLs, not the cluster's pods (no restart).
   * `reads`, `writes` and `group` here are the cluster's own (usually none).
   * @default - no Kafka access
   */
  readonly kafka?: FlinkKafkaOptions;
}

/** What session jobs need to know about their session cluster. */
export interface IFlinkSessionCluster {
  /** FlinkDeployment name (the session jobs' `deploymentName`). */
  readonly deploymentName: string;
  /** Namespace (session jobs live in the same one). */
  readonly namespace: string;
  /** Whether Kubernetes HA is on (needed by last-state session jobs). */
  readonly highAvailability: boolean;
  /** Task slots per TaskManager. */
  readonly slots: number;
  /** How the cluster's Flink version spells checkpoint/savepoint options. */
  readonly stateOptionStyle: FlinkStateOptionStyle;
  /** The cluster's Kafka access, when it has one (its jobs' topics are granted to its user). */
  readonly kafka?: KafkaClientAccess;
  /** Record a job's parallelism (its slots count towards the cluster's TaskManagers). */
  addJobSlots(parallelism: number): void;
}

/**
 * A Flink session cluster: a `FlinkDeployment` without `job`, on which `FlinkSessionJob`s run.
 * @see https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-main/docs/custom-resource/overview/#flinksessionjob
 */
export class FlinkSessionCluster extends Construct implements IFlinkSessionCluster {
  public readonly deploymentName: string;
  public readonly namespace: string;
  public readonly highAvailability: boolean;
  public readonly slots: number;
  public readonly stateOptionStyle: FlinkStateOptionStyle;
  /** HA metadata location, when HA is on. */
  public readonly haPaths?: JobStatePaths;
  /** The rendered FlinkDeployment. */
  public readonly apiObject: ApiObject;
  /** The cluster's Kafka access (its KafkaUser and client settings), when `kafka` is set. */
  public readonly kafka?: KafkaClientAccess;
  private readonly props: FlinkSessionClusterProps;
  private jobSlots = 0;

  constructor(scope: Construct, id: string, props: FlinkSessionClusterProps) {
    super(scope, id);
    this.props = props;
    this.deploymentName = props.name;
    this.namespace = props.namespace;
    this.slots = props.taskManager?.slots ?? 2;
    this.stateOptionStyle = resolveCluster(props).stateOptions;
    const storage = props.checkpointStorage;
    if (storage) {
      const base = props.tenant ? storage.tenantPrefix(props.tenant) : storage.platformPrefix;
      this.haPaths = jobStatePaths(storage, props.storagePrefix ?? `${base}sessions/${props.name}/`);
    }
    this.highAvailability = props.highAvailability ?? this.haPaths !== undefined;
    const issues: ValidationIssue[] = validateClusterOptions(props, this.node.path);
    if (this.highAvailability && !this.haPaths) {
      issues.push({
        code: "HighAvailabilityRequiresStorage",
        scope: this.node.path,
        field: "highAvailability",
        value: true,
        message: "Kubernetes HA keeps its metadata in the state bucket",
        fix: "set checkpointStorage",
      });
    }
    ValidationError.throwIfAny(issues);
    if (props.kafka) this.kafka = flinkKafkaAccess(this, props.kafka, props.name);
    this.apiObject = flinkDeploymentObject(this, props, "session", () => this.renderSpec());
  }

  public addJobSlots(parallelism: number): void {
    this.jobSlots += parallelism;
  }

  /**
   * The most the cluster runs: its JobManagers and its TaskManagers (the fixed count, else enough for the
   * slots of its jobs: the operator's native mode asks for TaskManagers as jobs need slots).
   */
  public get footprint(): FlinkFootprint {
    const cluster = resolveCluster(this.props);
    return clusterFootprint(cluster, cluster.taskManager.replicas ?? Math.ceil(this.jobSlots / cluster.slots));
  }

  private renderSpec(): FlinkDeploymentSpec {
    const props = this.props;
    const cluster = resolveCluster(props);
    const config: Record<string, string> = {
      ...(this.highAvailability && this.haPaths ? haConfiguration(this.haPaths) : {}),
      ...((props.metrics ?? true) ? prometheusReporterConfiguration() : {}),
      ...(props.flinkConfiguration ?? {}),
    };
    return deploymentSpec(
      cluster,
      config,
      flinkPodTemplate({
        env: this.kafka?.env ?? [],
        secretVolumes: this.kafka?.volumes() ?? [],
        configMapVolumes: [],
        builtInPlugins: props.builtInPlugins ?? (props.checkpointStorage ? [s3PluginJar(cluster.flinkVersion)] : []),
        labels: { ...componentLabels("flink", props.name, "session"), ...(props.tenant ? { [FloeLabels.TENANT]: props.tenant } : {}) },
        metricsPort: (props.metrics ?? true) ? FLINK_METRICS_PORT : undefined,
      }),
    );
  }
}
