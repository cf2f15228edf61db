import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { auditBucketName, auditTrailName, checkS3BucketName, ValidationError, ValidationIssue } from "../core";
import { statefulResourceOptions } from "./checkpoint-storage";
import { auditBucketPolicy } from "./policies";

/** Arguments of an {@link AuditTrail}. */
export interface AuditTrailArgs {
  /** Environment name. */
  readonly environment: string;
  /** Region name of the spec (part of the names). */
  readonly region: string;
  /**
   * AWS region of the trail, when it differs from the spec's region name.
   * @default - the region name
   */
  readonly awsRegion?: string;
  /** AWS account id (12 digits). */
  readonly accountId: string;
  /**
   * Buckets whose object-level access (every read, write and delete of a checkpoint, savepoint or lake file) the
   * trail records as data events: the region's checkpoint buckets.
   */
  readonly dataBuckets: readonly string[];
  /**
   * Days log files are kept before they expire.
   * @default 365
   */
  readonly retentionDays?: number;
  /**
   * Keep the trail, its bucket and the bucket's configuration when the component is deleted from the program.
   * @default true
   */
  readonly retainOnDelete?: boolean;
  /**
   * Refuse to delete them (`protect`): stopping the audit trail takes a reviewed `pulumi state unprotect`.
   * @default true
   */
  readonly protect?: boolean;
}

/**
 * A region's audit trail: a CloudTrail trail that records the account's management events in the region (Secrets
 * Manager's GetSecretValue on the platform's and tenants' secrets among them: a read management event) and, as data
 * events, every object-level access to the checkpoint buckets; log file integrity validation on; its log files in
 * a bucket of its own (versioned, SSE-S3, no public access, bucket-owner-enforced, TLS only, CloudTrail's write
 * scoped to this trail, expiring after `retentionDays`). All of it kept and protected by default.
 */
export class AuditTrail extends pulumi.ComponentResource {
  /** The log bucket's name. */
  public readonly bucketName: string;
  /** The trail's name. */
  public readonly trailName: string;
  /** The trail's ARN (what the bucket policy admits). */
  public readonly trailArn: string;
  /** The trail. */
  public readonly trail: aws.cloudtrail.Trail;

  constructor(name: string, args: AuditTrailArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("floe:cloud:AuditTrail", name, {}, opts);
    this.bucketName = auditBucketName(args.environment, args.region, args.accountId);
    this.trailName = auditTrailName(args.environment, args.region);
    const awsRegion = args.awsRegion ?? args.region;
    this.trailArn = `arn:aws:cloudtrail:${awsRegion}:${args.accountId}:trail/${this.trailName}`;
    ValidationError.throwIfAny(auditTrailIssues(name, args, this.bucketName));
    const stateful = statefulResourceOptions(args, this);
    const tags = { "floe.dev/environment": args.environment, "floe.dev/region": args.region, "app.kubernetes.io/managed-by": "floe" };

    const bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: this.bucketName, forceDestroy: false, tags }, stateful);
    const bucketId = bucket.id;
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } }, stateful);
    new aws.s3.BucketPublicAccessBlock(`${name}-public-access-block`, { bucket: bucketId, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, stateful);
    const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucketId, versioningConfiguration: { status: "Enabled" } }, stateful);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, { bucket: bucketId, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, stateful);
    const policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      { bucket: bucketId, policy: JSON.stringify(auditBucketPolicy({ bucketName: this.bucketName, accountId: args.accountId, trailArn: this.trailArn })) },
      stateful,
    );
    const days = args.retentionDays ?? 365;
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucketId,
        rules: [
          { id: "expire-log-files", status: "Enabled", filter: { prefix: "" }, expiration: { days }, noncurrentVersionExpiration: { noncurrentDays: days } },
        ],
      },
      { ...stateful, dependsOn: [versioning] },
    );
    this.trail = new aws.cloudtrail.Trail(
      `${name}-trail`,
      {
        name: this.trailName,
        s3BucketName: bucketId,
        enableLogging: true,
        enableLogFileValidation: true,
        includeGlobalServiceEvents: false,
        isMultiRegionTrail: false,
        advancedEventSelectors: [
          // Management events, read and write: Secrets Manager's GetSecretValue, IAM and KMS changes, bucket policy changes.
          { name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
          {
            name: "Checkpoint bucket objects",
            fieldSelectors: [
              { field: "eventCategory", equals: ["Data"] },
              { field: "resources.type", equals: ["AWS::S3::Object"] },
              { field: "resources.ARN", startsWiths: [...args.dataBuckets].sort().map((b) => `arn:aws:s3:::${b}/`) },
            ],
          },
        ],
        tags,
      },
      { ...stateful, dependsOn: [policy] },
    );
    this.registerOutputs({ bucketName: this.bucketName, trailName: this.trailName, trailArn: this.trailArn });
  }
}

function auditTrailIssues(name: string, args: AuditTrailArgs, bucketName: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [...checkS3BucketName(bucketName, { scope: name, field: "bucketName" })];
  if (!/^\d{12}$/.test(args.accountId)) {
    issues.push({ code: "InvalidAccountId", scope: name, field: "accountId", value: args.accountId, message: "is not a 12-digit AWS account id", fix: "use the account's id, e.g. 123456789012" });
  }
  if (args.dataBuckets.length === 0) {
    issues.push({ code: "AuditTrailWithoutBuckets", scope: name, field: "dataBuckets", value: "[]", message: "names no bucket whose object access to record", fix: "pass the region's checkpoint buckets" });
  }
  if (args.retentionDays !== undefined && (!Number.isInteger(args.retentionDays) || args.retentionDays < 1)) {
    issues.push({ code: "InvalidRetention", scope: name, field: "retentionDays", value: args.retentionDays, message: "is not a whole number of days of at least 1", fix: "keep log files for 1 day or more, e.g. 365" });
  }
  return issues;
}
