import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bucketKeyAlias, checkpointBucketName, checkS3BucketName, ICheckpointStorage, s3Uri, tenantStoragePrefix, ValidationError } from "../core";
import { bucketTlsOnlyPolicy } from "./policies";

/** Replication of savepoints to a peer region's bucket. */
export interface CheckpointReplication {
  /** The peer region's bucket (its ARN) and KMS key. */
  readonly destinationBucketArn: pulumi.Input<string>;
  /** KMS key of the destination bucket (replicas are encrypted with it). */
  readonly destinationKmsKeyArn: pulumi.Input<string>;
  /** Key prefixes to replicate: the jobs' savepoint directories (`tenants/<tenant>/<job>/savepoints/`). */
  readonly prefixes: readonly string[];
  /** IAM role S3 replication runs as (it needs read here, write and encrypt there). */
  readonly roleArn: pulumi.Input<string>;
}

/** Arguments of a {@link CheckpointStorage}. */
export interface CheckpointStorageArgs {
  /** Environment name. */
  readonly environment: string;
  /** Region name of the spec (part of the deterministic names). */
  readonly region: string;
  /**
   * AWS region, when it differs from the spec's region name.
   * @default - the region name
   */
  readonly awsRegion?: string;
  /** AWS account id (12 digits); part of the bucket name. */
  readonly accountId: string;
  /**
   * Bucket name, when the spec names one (`regions[].flink.checkpointBucket`).
   * @default `floe-<environment>-<region>-<account>`
   */
  readonly bucketName?: string;
  /**
   * Days a non-current object version is kept before it expires (live checkpoint data never expires).
   * @default 7
   */
  readonly noncurrentVersionDays?: number;
  /**
   * Days after which incomplete multipart uploads are aborted.
   * @default 2
   */
  readonly abortIncompleteUploadDays?: number;
  /**
   * Replicated savepoints this bucket receives from a primary region, and how long they are kept: the primary's
   * operator disposes old savepoints, but S3 replication does not replicate deletes, so the copies expire here.
   * @default - none
   */
  readonly replicaExpirations?: readonly { readonly prefix: string; readonly days: number }[];
  /**
   * Savepoint replication to a peer region.
   * @default - none
   */
  readonly replication?: CheckpointReplication;
  /**
   * Keep the bucket and key when the component is deleted from the program.
   * @default true
   */
  readonly retainOnDelete?: boolean;
  /**
   * Refuse to delete the bucket and key (`protect`).
   * @default true
   */
  readonly protect?: boolean;
}

/** Options of the bucket and key: kept when removed from the program and protected, unless told otherwise. */
export function statefulResourceOptions(
  args: Pick<CheckpointStorageArgs, "retainOnDelete" | "protect">,
  parent: pulumi.Resource,
): pulumi.CustomResourceOptions {
  return { parent, retainOnDelete: args.retainOnDelete ?? true, protect: args.protect ?? true };
}

/**
 * The checkpoint/savepoint bucket of a region: versioned, SSE-KMS with a rotating customer-managed key, no
 * public access, bucket-owner-enforced ownership, TLS-only bucket policy on the bucket and its objects, a
 * lifecycle that only expires non-current versions and aborted uploads, optional savepoint replication, kept
 * and protected by default. Its name is the one the Flink constructs derive offline.
 */
export class CheckpointStorage extends pulumi.ComponentResource implements ICheckpointStorage {
  public readonly bucketName: string;
  public readonly platformPrefix = "platform/";
  /** The bucket. */
  public readonly bucket: aws.s3.Bucket;
  /** The customer-managed KMS key. */
  public readonly key: aws.kms.Key;
  /** Bucket ARN. */
  public readonly bucketArn: pulumi.Output<string>;
  /** KMS key ARN. */
  public readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: CheckpointStorageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("floe:cloud:CheckpointStorage", name, {}, opts);
    this.bucketName = args.bucketName ?? checkpointBucketName(args.environment, args.region, args.accountId);
    ValidationError.throwIfAny([
      ...checkS3BucketName(this.bucketName, { scope: name, field: "bucketName" }),
      ...(/^\d{12}$/.test(args.accountId)
        ? []
        : [{ code: "InvalidAccountId", scope: name, field: "accountId", value: args.accountId, message: "is not a 12-digit AWS account id", fix: "use the account's id, e.g. 123456789012" }]),
    ]);
    const stateful = statefulResourceOptions(args, this);
    const child: pulumi.CustomResourceOptions = { parent: this };
    const tags = { "floe.dev/environment": args.environment, "floe.dev/region": args.region, "app.kubernetes.io/managed-by": "floe" };

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Floe checkpoint and savepoint encryption for ${args.environment}/${args.region}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      },
      stateful,
    );
    new aws.kms.Alias(`${name}-key-alias`, { name: bucketKeyAlias(this.bucketName), targetKeyId: this.key.keyId }, child);

    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: this.bucketName, forceDestroy: false, tags }, stateful);
    const bucketId = this.bucket.id;
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
    new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      { bucket: bucketId, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucketId, versioningConfiguration: { status: "Enabled" } }, child);
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucketId,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
      },
      child,
    );
    new aws.s3.BucketPolicy(`${name}-tls-only`, { bucket: bucketId, policy: JSON.stringify(bucketTlsOnlyPolicy(this.bucketName)) }, child);
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucketId,
        rules: [
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: { prefix: "" },
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays ?? 7 },
          },
          {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: { prefix: "" },
            abortIncompleteMultipartUpload: { daysAfterInitiation: args.abortIncompleteUploadDays ?? 2 },
          },
          ...[...(args.replicaExpirations ?? [])]
            .sort((a, b) => (a.prefix < b.prefix ? -1 : 1))
            .map((r, i) => ({ id: `expire-replicated-savepoints-${i}`, status: "Enabled", filter: { prefix: r.prefix }, expiration: { days: r.days } })),
        ],
      },
      { parent: this, dependsOn: [versioning] },
    );
    if (args.replication && args.replication.prefixes.length > 0) {
      const r = args.replication;
      new aws.s3.BucketReplicationConfig(
        `${name}-replication`,
        {
          bucket: bucketId,
          role: r.roleArn,
          rules: [...r.prefixes].sort().map((prefix, i) => ({
            id: `savepoints-${i}`,
            priority: i,
            status: "Enabled",
            filter: { prefix },
            deleteMarkerReplication: { status: "Disabled" },
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
            destination: { bucket: r.destinationBucketArn, encryptionConfiguration: { replicaKmsKeyId: r.destinationKmsKeyArn } },
          })),
        },
        { parent: this, dependsOn: [versioning] },
      );
    }
    this.bucketArn = this.bucket.arn;
    this.kmsKeyArn = this.key.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, kmsKeyArn: this.kmsKeyArn });
  }

  public tenantPrefix(tenant: string): string {
    return tenantStoragePrefix(tenant);
  }

  public uri(keyPrefix: string): string {
    return s3Uri(this.bucketName, keyPrefix);
  }
}
