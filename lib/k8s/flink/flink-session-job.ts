import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import { addFloeValidation, checkDnsSubdomain, componentLabels, ValidationError, ValidationIssue } from "../../core";
import { ICheckpointStorage, JobStatePaths } from "./checkpoint-storage";
import { sortedConfig } from "./flink-deployment";
import { FlinkJob } from "./flink-job";
import { FlinkSessionCluster } from "./flink-session-cluster";
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
import { FLINK_API_VERSION, FlinkSessionJobSpec, JobState, UpgradeMode } from "./flink-types";

/** Properties of a {@link FlinkSessionJob}. */
export interface FlinkSessionJobProps extends FlinkStateOptions, FlinkUpgradeOptions {
  /** The session cluster the job runs on (the object, not its name). */
  readonly sessionCluster: FlinkSessionCluster;
  /** FlinkSessionJob name (a DNS-1123 subdomain). */
  readonly name: string;
  /** The jar job (SQL jobs need their script mounted, so they run as FlinkApplications). */
  readonly job: FlinkJob;
  /**
   * Job parallelism.
   * @default 1
   */
  readonly parallelism?: number;
  /**
   * Desired state.
   * @default JobState.RUNNING
   */
  readonly state?: JobState;
  /**
   * Allow restoring a savepoint with state for removed operators.
   * @default false
   */
  readonly allowNonRestoredState?: boolean;
  /**
   * Savepoint to start from on first deployment.
   * @default - none
   */
  readonly initialSavepointPath?: string;
  /**
   * Change this number to trigger a manual savepoint.
   * @default - none
   */
  readonly savepointTriggerNonce?: number;
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
  public readonly sessionCluster: FlinkSessionCluster;
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
    const parallelism = props.parallelism ?? 1;
    if (!Number.isInteger(parallelism) || parallelism < 1) {
      issues.push({ code: "InvalidParallelism", scope: scopePath, field: "parallelism", value: parallelism, message: "must be a whole number, 1 or more", fix: "set parallelism to e.g. 2" });
    }
    ValidationError.throwIfAny(issues);
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
      flinkConfiguration: sortedConfig(stateConfiguration(style, this.statePaths, props, this.intervalMs)),
      job: {
        jarURI: props.job.jarUri,
        ...(props.job.entryClass ? { entryClass: props.job.entryClass } : {}),
        ...(props.job.args.length > 0 ? { args: props.job.args } : {}),
        parallelism: props.parallelism ?? 1,
        upgradeMode: props.upgradeMode ?? UpgradeMode.SAVEPOINT,
        state: props.state ?? JobState.RUNNING,
        ...(props.allowNonRestoredState !== undefined ? { allowNonRestoredState: props.allowNonRestoredState } : {}),
        ...(props.initialSavepointPath ? { initialSavepointPath: props.initialSavepointPath } : {}),
        ...(props.savepointTriggerNonce !== undefined ? { savepointTriggerNonce: props.savepointTriggerNonce } : {}),
      },
    };
  }
}
