import { checkpointBucketName, checkS3BucketName, ICheckpointStorage, s3Uri, tenantStoragePrefix, ValidationError } from "../../core";

export type { ICheckpointStorage } from "../../core/cloud-names";

/** The state locations of one job. */
export interface JobStatePaths {
  /** The job's key prefix, ending in `/`. */
  readonly prefix: string;
  /** `state.checkpoints.dir` */
  readonly checkpoints: string;
  /** `state.savepoints.dir` */
  readonly savepoints: string;
  /** `high-availability.storageDir` */
  readonly ha: string;
}

/**
 * An S3 bucket as the Flink jobs' checkpoint storage, referenced by name (the bucket itself is made by the Pulumi
 * component `CheckpointStorage` of `floe-platform/cloud`, or by you).
 */
export class CheckpointBucket implements ICheckpointStorage {
  /** Reference an existing bucket (or one the cloud component creates with this name). */
  public static fromBucketName(bucketName: string): CheckpointBucket {
    ValidationError.throwIfAny(checkS3BucketName(bucketName, { scope: "CheckpointBucket", field: "bucketName" }));
    return new CheckpointBucket(bucketName);
  }

  /** Floe's deterministic bucket name (`floe-<environment>-<region>-<account>`, or `...-state` without account). */
  public static defaultBucketName(environment: string, region: string, accountId?: string): string {
    return checkpointBucketName(environment, region, accountId);
  }

  public readonly platformPrefix = "platform/";

  private constructor(public readonly bucketName: string) {}

  public tenantPrefix(tenant: string): string {
    return tenantStoragePrefix(tenant);
  }

  public uri(keyPrefix: string): string {
    return s3Uri(this.bucketName, keyPrefix);
  }
}

/** The checkpoint, savepoint and HA locations under a job's prefix. */
export function jobStatePaths(storage: ICheckpointStorage, prefix: string): JobStatePaths {
  const p = prefix.endsWith("/") ? prefix : `${prefix}/`;
  return {
    prefix: p,
    checkpoints: storage.uri(`${p}checkpoints`),
    savepoints: storage.uri(`${p}savepoints`),
    ha: storage.uri(`${p}ha`),
  };
}
