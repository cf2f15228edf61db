import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import { addFloeValidation, checkDnsSubdomain, componentLabels, ValidationError, ValidationIssue } from "../../core";
import { ICheckpointStorage, JobStatePaths } from "./checkpoint-storage";
import { sortedConfig } from "./flink-deployment";
import { checkParallelism, FlinkJob, FlinkJobOptions, renderJobSpec } from "./flink-job";
import { IFlinkSessionCluster } from "./flink-session-cluster";
import { IKafkaTopicResource } from "../kafka/kafka-topic";
import {
  addStateOverlapValidation,
  FlinkStateOptions,
  FlinkStateOwner,
  FlinkUpgradeOptions,
  resolveStatePaths,
  stateConfiguration,
  upgradeSafetyIssues,
  validateStateOptions,
} from "./flink-state";
import { FLINK_API_VERSION, FlinkSessionJobSpec, UpgradeMode } from "./flink-types";

/** The topics a session job reads and writes, granted to its session cluster's KafkaUser. */
export interface FlinkSessionJobKafkaOptions {
  /**
   * Topics the job consumes (READ in its own consumer group).
   * @default - none
   */
  readonly reads?: readonly IKafkaTopicResource[];
  /**
   * Topics the job produces to.
   * @default - none
   */
  readonly writes?: readonly IKafkaTopicResource[];
  /**
   * The job's consumer group, passed to the job as the job configuration key `floe.kafka.group.id` (the
   * session cluster's `FLOE_KAFKA_GROUP_ID` is the cluster's own).
   * @default - the job name
   */
  readonly group?: string;
}

/** The job configuration key that carries a session job's consumer group. */
export const SESSION_JOB_GROUP_KEY = "floe.kafka.group.id";

/** Properties of a {@link FlinkSessionJob}. */
export interface FlinkSessionJobProps extends FlinkStateOptions, FlinkUpgradeOptions, FlinkJobOptions {
  /** The session cluster the job runs on (the object, not its name). */
  readonly sessionCluster: IFlinkSessionCluster;
  /**
   * Kafka topics of the job: granted to the session cluster's KafkaUser (the cluster needs `kafka`), with the
   * job's own consumer group.
   * @default - no Kafka access
   */
  readonly kafka?: FlinkSessionJobKafkaOptions;
  /** FlinkSessionJob name (a DNS-1123 subdomain). */
  readonly name: string;
  /** The jar job (SQL jobs need their script mounted, so they run as FlinkApplications). */
  readonly job: FlinkJob;
  /**
   * Production rules apply.
   * @default true
   */
  readonly production?: boolean;
}

/**
 * A job on a session cluster (`FlinkSessionJob`), with its own checkpoint and savepoint directories.
 * @see https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-main/docs/custom-resource/reference/#flinksessionjobspec
 */
export class FlinkSessionJob extends Construct implements FlinkStateOwner {
  public readonly statePaths: JobStatePaths | undefined;
  public readonly checkpointStorage: ICheckpointStorage | undefined;
  /** The session cluster. */
  public readonly sessionCluster: IFlinkSessionCluster;
  /** The job's consumer group (when it reads topics). */
  public readonly group?: string;
  /** The rendered FlinkSessionJob. */
  public readonly apiObject: ApiObject;
  private readonly props: FlinkSessionJobProps;
  private readonly intervalMs?: number;

  constructor(scope: Construct, id: string, props: FlinkSessionJobProps) {
    super(scope, id);
    this.props = props;
    this.sessionCluster = props.sessionCluster;
    this.checkpointStorage = props.checkpointStorage;
    this.statePaths = resolveStatePaths(props, props.name);
    const scopePath = this.node.path;
    const state = validateStateOptions(props, { scope: scopePath, field: "" });
    this.intervalMs = state.intervalMs;
    const issues: ValidationIssue[] = [...checkDnsSubdomain(props.name, { scope: scopePath, field: "name" }), ...state.issues];
    if (props.job.kind === "sql") {
      issues.push({
        code: "SqlJobNeedsApplication",
        scope: scopePath,
        field: "job",
        value: "sql",
        message: "a SQL job's script is mounted into its own pods, which a shared session cluster does not have",
        fix: "run SQL jobs as a FlinkApplication",
      });
    }
    issues.push(...checkParallelism(props, scopePath));
    const kafka = props.sessionCluster.kafka;
    if (props.kafka && !kafka) {
      issues.push({
        code: "SessionClusterWithoutKafka",
        scope: scopePath,
        field: "kafka",
        value: props.sessionCluster.deploymentName,
        message: "the job's topics are granted to its session cluster's KafkaUser, and the cluster has no Kafka access",
        fix: "set kafka (the Kafka cluster) on the FlinkSessionCluster",
      });
    }
    ValidationError.throwIfAny(issues);
    props.sessionCluster.addJobSlots(props.parallelism ?? 1);
    if (props.kafka && kafka) {
      if ((props.kafka.reads ?? []).length > 0) this.group = props.kafka.group ?? props.name;
      for (const topic of props.kafka.writes ?? []) topic.grants.produce(kafka.user);
      for (const topic of props.kafka.reads ?? []) topic.grants.consume(kafka.user, { group: this.group! });
    }
    this.apiObject = new ApiObject(this, "Resource", {
      apiVersion: FLINK_API_VERSION,
      kind: "FlinkSessionJob",
      metadata: {
        name: props.name,
        namespace: props.sessionCluster.namespace,
        labels: componentLabels("flink", props.name, "session-job"),
      },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    addFloeValidation(this, () =>
      upgradeSafetyIssues({
        scope: this.node.path,
        options: props,
        paths: this.statePaths,
        highAvailability: props.sessionCluster.highAvailability,
        production: props.production ?? true,
      }),
    );
    addStateOverlapValidation(this);
  }

  private renderSpec(): FlinkSessionJobSpec {
    const props = this.props;
    const style = props.sessionCluster.stateOptionStyle;
    return {
      deploymentName: props.sessionCluster.deploymentName,
      flinkConfiguration: sortedConfig({
        ...stateConfiguration(style, this.statePaths, props, this.intervalMs),
        // Job-level configuration, submitted with the job (flink-kubernetes-operator 1.15.0 runs the jar through
        // the session cluster's REST API with the session job's flinkConfiguration).
        ...(this.group !== undefined ? { [SESSION_JOB_GROUP_KEY]: this.group } : {}),
      }),
      job: renderJobSpec(props.job, props, props.upgradeMode ?? UpgradeMode.SAVEPOINT),
    };
  }
}
