import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import { checkDnsSubdomain, componentLabels, ValidationError, ValidationIssue } from "../../core";
import type { FlinkApplication } from "./flink-application";
import { FLINK_API_VERSION } from "./flink-types";

/** Properties of a {@link FlinkSavepointSnapshot}. */
export interface FlinkSavepointSnapshotProps {
  /** The job the savepoint belongs to. */
  readonly job: FlinkApplication;
  /** Snapshot name (the object is `<job>-<name>`). */
  readonly name: string;
  /** The savepoint directory, under the job's savepoint directory. */
  readonly path: string;
}

/**
 * A named savepoint of a job: a `FlinkStateSnapshot` that registers an existing savepoint
 * (`alreadyExists: true`) and is never disposed with the object (`disposeOnDelete: false`), so a restore can
 * name it and reviewers see which savepoints are kept.
 * @see https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.15/docs/custom-resource/snapshots/
 */
export class FlinkSavepointSnapshot extends Construct {
  /** Object name. */
  public readonly snapshotName: string;
  /** The savepoint path. */
  public readonly path: string;

  constructor(scope: Construct, id: string, props: FlinkSavepointSnapshotProps) {
    super(scope, id);
    const job = props.job;
    this.snapshotName = `${job.deploymentName}-${props.name}`;
    this.path = props.path;
    const scopePath = this.node.path;
    const issues: ValidationIssue[] = [...checkDnsSubdomain(this.snapshotName, { scope: scopePath, field: "name" })];
    const dir = job.statePaths ? `${job.statePaths.savepoints}/` : undefined;
    if (!dir || !props.path.startsWith(dir) || props.path.length <= dir.length || props.path.includes("..")) {
      issues.push({
        code: "SnapshotOutsideJobState",
        scope: scopePath,
        field: "path",
        value: props.path,
        message: dir ? "is not a savepoint of this job" : "the job has no checkpoint storage",
        fix: dir ? `use a directory under ${dir}` : "give the job checkpoint storage",
      });
    }
    ValidationError.throwIfAny(issues);
    new ApiObject(this, "Resource", {
      apiVersion: FLINK_API_VERSION,
      kind: "FlinkStateSnapshot",
      metadata: { name: this.snapshotName, namespace: job.namespace, labels: componentLabels("flink", job.deploymentName, "snapshot") },
      spec: {
        jobReference: { kind: "FlinkDeployment", name: job.deploymentName },
        savepoint: { path: props.path, alreadyExists: true, disposeOnDelete: false },
      },
    });
  }
}
