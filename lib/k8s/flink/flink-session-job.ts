import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import { addFloeValidation, checkDnsSubdomain, componentLabels, ValidationError, ValidationIssue } from "../../core";
import { ICheckpointStorage, JobStatePaths } from "./checkpoint-storage";
import { sortedConfig } from "./flink-deployment";
import { checkParallelism, FlinkJob, FlinkJobOptions, renderJobSpec } from "./flink-job";
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
import { FLINK_API_VERSION, FlinkSessionJobSpec, UpgradeMode } from "./flink-types";

/** Properties of a {@link FlinkSessionJob}. */
export interface FlinkSessionJobProps extends FlinkStateOptions, FlinkUpgradeOptions, FlinkJobOptions {
  /** The session cluster the job runs on (the object, not its name). */
  readonly sessionCluster: FlinkSessionCluster;
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
    issues.push(...checkParallelism(props, scopePath));
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
      job: renderJobSpec(props.job, props, props.upgradeMode ?? UpgradeMode.SAVEPOINT),
    };
  }
}
