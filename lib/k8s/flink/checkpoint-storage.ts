import { checkS3BucketName, ValidationError } from "../../core";

/**
 * Where Flink keeps checkpoints, savepoints and HA metadata: an S3 bucket, with one prefix per tenant and one
 * per job below it. Implemented by the cloud component that provisions the bucket; offline it is built from
 * the bucket name (`CheckpointStorage.fromBucketName`).
 */
export interface ICheckpointStorage {
  /** Bucket name. */
  readonly bucketName: string;
  /** The key prefix a tenant owns: `tenants/<tenant>/`. */
  tenantPrefix(tenant: string): string;
  /** The key prefix of platform-owned jobs (no tenant): `platform/`. */
  readonly platformPrefix: string;
  /** URI of a key prefix, e.g. `s3://bucket/tenants/payments/enricher/checkpoints`. */
  uri(keyPrefix: string): string;
}

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

/** An S3 bucket as checkpoint storage, referenced by name. */
export class CheckpointStorage implements ICheckpointStorage {
  /** Reference an existing bucket (or one the cloud component creates with this name). */
  public static fromBucketName(bucketName: string): CheckpointStorage {
    ValidationError.throwIfAny(checkS3BucketName(bucketName, { scope: "CheckpointStorage", field: "bucketName" }));
    return new CheckpointStorage(bucketName);
  }

  /** Floe's deterministic bucket name for an environment and region: `floe-<environment>-<region>-state`. */
  public static defaultBucketName(environment: string, region: string): string {
    return `floe-${environment}-${region}-state`;
  }

  public readonly platformPrefix = "platform/";

  private constructor(public readonly bucketName: string) {}

  public tenantPrefix(tenant: string): string {
    return `tenants/${tenant}/`;
  }

  public uri(keyPrefix: string): string {
    return `s3://${this.bucketName}/${keyPrefix.replace(/^\/+/, "").replace(/\/+$/, "")}`;
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
