/**
 * Names both the Kubernetes side and the Pulumi side derive from the spec (the seam): charts never read
 * Pulumi outputs, so these are pure functions of environment, region, account and tenant.
 */
import { shortHash } from "./names";

/**
 * Where Flink keeps checkpoints, savepoints and HA metadata: an S3 bucket, with one prefix per tenant and one
 * per job below it. Implemented offline from a bucket name (`CheckpointStorage.fromBucketName`) and by the
 * Pulumi component that provisions the bucket (same deterministic name).
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

/** `tenants/<tenant>/` */
export function tenantStoragePrefix(tenant: string): string {
  return `tenants/${tenant}/`;
}

/** `s3://<bucket>/<prefix>` without leading or trailing slashes in the prefix. */
export function s3Uri(bucket: string, keyPrefix: string): string {
  return `s3://${bucket}/${keyPrefix.replace(/^\/+/, "").replace(/\/+$/, "")}`;
}

/** A name cut to `max` characters, keeping it unique with a hash of the full name. */
function fit(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = shortHash(name, 8);
  return `${name.slice(0, max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/**
 * The checkpoint bucket of an environment and region: `floe-<environment>-<region>-<account>` when the AWS
 * account is known (globally unique), else `floe-<environment>-<region>-state`; at most 63 characters.
 */
export function checkpointBucketName(environment: string, region: string, accountId?: string): string {
  return fit(`floe-${environment}-${region}-${accountId ?? "state"}`, 63);
}

/**
 * The KMS alias of a checkpoint bucket's key: `alias/<bucket>`. Alias names allow letters, digits, `/`, `_` and
 * `-` only (AWS KMS CreateAlias, AliasName `^[a-zA-Z0-9/_-]+$`), while bucket names may have dots: those become
 * `-`, with a hash of the bucket name so that `a.b` and `a-b` never share an alias. Names without dots keep their
 * alias as it was.
 */
export function bucketKeyAlias(bucketName: string): string {
  return bucketName.includes(".") ? `alias/${bucketName.replace(/\./g, "-")}-${shortHash(bucketName, 8)}` : `alias/${bucketName}`;
}

/** The IAM role of a tenant's workloads in a region: `floe-<environment>-<region>-<tenant>` (at most 64). */
export function tenantRoleName(environment: string, region: string, tenant: string): string {
  return fit(`floe-${environment}-${region}-${tenant}`, 64);
}

/**
 * The Glue database of a tenant's Iceberg tables in an environment: `<environment>__<tenant>` with `-` as `_` (Glue
 * databases are per account and region, shared by every environment there; names Athena reads: lowercase letters,
 * digits, `_`). The double `_` keeps environment `prod-a` with tenant `b` apart from `prod` with `a-b`; names with
 * `--` would break that, and the spec rules refuse them for Glue catalogs.
 */
export function glueDatabaseName(environment: string, tenant: string): string {
  return `${environment.replace(/-/g, "_")}__${tenant.replace(/-/g, "_")}`;
}

/** `arn:aws:iam::<account>:role/<name>` */
export function roleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/** The Secrets Manager name of a tenant secret: `<environment>/<tenant>/<name>`. */
export function tenantSecretName(environment: string, tenant: string, name: string): string {
  return `${environment}/${tenant}/${name}`;
}

/** The IAM role S3 replication of a region's savepoints runs as: `floe-<environment>-<region>-savepoint-replication`. */
export function savepointReplicationRoleName(environment: string, region: string): string {
  return fit(`floe-${environment}-${region}-savepoint-replication`, 64);
}

/** The IAM role of the External Secrets Operator in a region: `floe-<environment>-<region>-external-secrets`. */
export function externalSecretsRoleName(environment: string, region: string): string {
  return fit(`floe-${environment}-${region}-external-secrets`, 64);
}

/** The bucket of a region's audit trail (CloudTrail's log files): `floe-<environment>-<region>-audit-<account>`. */
export function auditBucketName(environment: string, region: string, accountId: string): string {
  return fit(`floe-${environment}-${region}-audit-${accountId}`, 63);
}

/** The CloudTrail trail of a region: `floe-<environment>-<region>-audit`. */
export function auditTrailName(environment: string, region: string): string {
  return `floe-${environment}-${region}-audit`;
}
