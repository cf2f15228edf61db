import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bucketKeyAlias, checkpointBucketName, checkS3BucketName, ICheckpointStorage, s3Uri, tenantStoragePrefix, ValidationError } from "../core";
import { bucketTlsOnlyPolicy } from "./policies";

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
   * Keep the bucket, its key and its configuration (versioning, encryption, public access block, TLS policy,
   * lifecycle, ownership, key alias) when the component is deleted from the program.
   * @default true
   */
  readonly retainOnDelete?: boolean;
  /**
   * Refuse to delete the bucket, its key and its configuration (`protect`): removing one of them (or turning
   * versioning or encryption off by deleting its resource) takes a reviewed `pulumi state unprotect`.
   * @default true
   */
  readonly protect?: boolean;
}

/**
 * Options of the bucket, its key and every resource that configures them: kept when removed from the program and
 * protected, unless told otherwise. (A deleted BucketVersioning suspends versioning, a deleted encryption
 * configuration or TLS policy silently weakens the bucket: they are as stateful as the bucket.)
 */
export function statefulResourceOptions(
  args: Pick<CheckpointStorageArgs, "retainOnDelete" | "protect">,
  parent: pulumi.Resource,
): pulumi.CustomResourceOptions {
  return { parent, retainOnDelete: args.retainOnDelete ?? true, protect: args.protect ?? true };
}

/**
 * The checkpoint/savepoint bucket of a region: versioned, SSE-KMS with a rotating customer-managed key, no
 * public access, bucket-owner-enforced ownership, TLS-only bucket policy on the bucket and its objects, a
 * lifecycle that only expires non-current versions, expired delete markers and aborted uploads (never a current
 * object: savepoints replicated into a standby bucket live exactly as long as the primary keeps them, because
 * their deletes replicate too, see {@link SavepointReplication}); the bucket, key and all their configuration
 * kept and protected by default. Its name is the one the Flink constructs derive offline. A bucket's replication
 * configuration is {@link SavepointReplication}'s (S3 allows one per bucket).
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
  /** The bucket's versioning (S3 refuses a replication configuration on either side until it is enabled). */
  public readonly versioning: aws.s3.BucketVersioning;

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
    new aws.kms.Alias(`${name}-key-alias`, { name: bucketKeyAlias(this.bucketName), targetKeyId: this.key.keyId }, stateful);

    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: this.bucketName, forceDestroy: false, tags }, stateful);
    const bucketId = this.bucket.id;
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } }, stateful);
    new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      { bucket: bucketId, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      stateful,
    );
    this.versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucketId, versioningConfiguration: { status: "Enabled" } }, stateful);
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucketId,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
      },
      stateful,
    );
    new aws.s3.BucketPolicy(`${name}-tls-only`, { bucket: bucketId, policy: JSON.stringify(bucketTlsOnlyPolicy(this.bucketName)) }, stateful);
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
            // A delete marker whose versions have all expired is removed (it would otherwise stay forever).
            id: "remove-expired-delete-markers",
            status: "Enabled",
            filter: { prefix: "" },
            expiration: { expiredObjectDeleteMarker: true },
          },
          {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: { prefix: "" },
            abortIncompleteMultipartUpload: { daysAfterInitiation: args.abortIncompleteUploadDays ?? 2 },
          },
        ],
      },
      { ...stateful, dependsOn: [this.versioning] },
    );
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
