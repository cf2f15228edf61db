import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ValidationError, ValidationIssue } from "../core";
import type { CheckpointStorage } from "./checkpoint-storage";
import { s3ReplicationTrustPolicy, savepointReplicationPolicy } from "./policies";

/** One destination of a {@link SavepointReplication}. */
export interface SavepointReplicationTarget {
  /** The standby region's checkpoint storage. */
  readonly storage: CheckpointStorage;
  /** AWS region of that storage. */
  readonly awsRegion: string;
  /** Key prefixes to copy there: the savepoint directories of the jobs that have their standby there. */
  readonly prefixes: readonly string[];
}

/** Arguments of a {@link SavepointReplication}. */
export interface SavepointReplicationArgs {
  /** The primary region's checkpoint storage (the replication source). */
  readonly source: CheckpointStorage;
  /** AWS region of the source storage. */
  readonly sourceAwsRegion: string;
  /** Destinations; all of them go into the source bucket's one replication configuration. */
  readonly destinations: readonly SavepointReplicationTarget[];
  /** IAM role name for S3 replication (deterministic, at most 64 characters). */
  readonly roleName: string;
  /**
   * Refuse to delete the replication configuration (`protect`): ending a standby's copies takes a reviewed
   * `pulumi state unprotect`.
   * @default true
   */
  readonly protect?: boolean;
}

/**
 * Savepoints of a region's jobs copied to their standby regions' buckets (S3 replication, SSE-KMS re-encrypted
 * with the destination key), so a failover can restore a job from its last savepoint. Delete markers replicate
 * too: when the primary's operator disposes a savepoint, its copy in the standby becomes a non-current version
 * (expired by the standby's lifecycle after the same days as the primary's), and a savepoint the primary keeps
 * (the last one of a job without periodic savepoints, kept for ever) the standby keeps as long. (A fixed expiry of
 * the copies would delete the standby's only copy of such a savepoint.) Versions are never deleted by replication.
 * The configuration waits for versioning on the source and every destination bucket (S3 refuses it before).
 * One replication configuration per source bucket (S3 allows one), one rule per prefix, and a role allowed
 * exactly that (proven by the policy tests). Works both ways between two regions: each region's component
 * only needs the other bucket's name and key, never its replication configuration.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
 */
export class SavepointReplication extends pulumi.ComponentResource {
  /** The role S3 replication runs as. */
  public readonly role: aws.iam.Role;
  /** The replication configuration of the source bucket. */
  public readonly configuration: aws.s3.BucketReplicationConfig;

  constructor(name: string, args: SavepointReplicationArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("floe:cloud:SavepointReplication", name, {}, opts);
    ValidationError.throwIfAny(validate(name, args));
    const destinations = [...args.destinations].sort((a, b) => (a.storage.bucketName < b.storage.bucketName ? -1 : 1));
    this.role = new aws.iam.Role(
      `${name}-role`,
      { name: args.roleName, assumeRolePolicy: JSON.stringify(s3ReplicationTrustPolicy()) },
      { parent: this },
    );
    const policy = pulumi
      .all([args.source.kmsKeyArn, ...destinations.map((d) => d.storage.kmsKeyArn)])
      .apply(([sourceKey, ...destKeys]) =>
        JSON.stringify(
          savepointReplicationPolicy({
            sourceBucketName: args.source.bucketName,
            sourceAwsRegion: args.sourceAwsRegion,
            sourceKmsKeyArn: sourceKey,
            destinations: destinations.map((d, i) => ({ bucketName: d.storage.bucketName, awsRegion: d.awsRegion, kmsKeyArn: destKeys[i], prefixes: d.prefixes })),
          }),
        ),
      );
    const rolePolicy = new aws.iam.RolePolicy(`${name}-policy`, { role: this.role.name, policy }, { parent: this });
    let priority = 0;
    const rules = destinations.flatMap((d) =>
      [...d.prefixes].sort().map((prefix) => ({
        id: `savepoints-${priority}`,
        priority: priority++,
        status: "Enabled",
        filter: { prefix },
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: { bucket: d.storage.bucketArn, encryptionConfiguration: { replicaKmsKeyId: d.storage.kmsKeyArn } },
      })),
    );
    this.configuration = new aws.s3.BucketReplicationConfig(
      `${name}-configuration`,
      { bucket: args.source.bucket.id, role: this.role.arn, rules },
      { parent: this, protect: args.protect ?? true, dependsOn: [rolePolicy, args.source.versioning, ...destinations.map((d) => d.storage.versioning)] },
    );
    this.registerOutputs({ roleArn: this.role.arn });
  }
}

function validate(name: string, args: SavepointReplicationArgs): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (args.destinations.length === 0 || args.destinations.every((d) => d.prefixes.length === 0)) {
    issues.push({
      code: "NothingToReplicate",
      scope: name,
      field: "destinations",
      value: args.destinations.length,
      message: "a replication configuration needs at least one destination prefix",
      fix: "create the component only for regions that are the primary of a replicated job",
    });
  }
  for (const d of args.destinations) {
    if (d.storage === args.source) {
      issues.push({
        code: "ReplicationToSameBucket",
        scope: name,
        field: "destinations",
        value: d.storage.bucketName,
        message: "the destination is the source bucket",
        fix: "replicate to the standby region's bucket",
      });
    }
    for (const p of d.prefixes) {
      if (!p.endsWith("/") || p.startsWith("/")) {
        issues.push({
          code: "InvalidReplicationPrefix",
          scope: name,
          field: "prefixes",
          value: p,
          message: "must be a key prefix ending in '/' (a directory), not starting with '/'",
          fix: "use e.g. tenants/payments/fraud-scorer/savepoints/",
        });
      }
    }
  }
  return issues;
}
