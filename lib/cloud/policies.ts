/**
 * IAM policy documents of the cloud components, as pure functions of names and ARNs, so that tests can prove
 * them with an IAM simulator without Pulumi.
 */

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** One IAM policy statement. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: unknown;
  readonly Action: string | readonly string[];
  /** Absent in trust policies (IAM refuses it there). */
  readonly Resource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

/** The object actions a Flink job needs on its own state (read, write, delete, multipart). */
export const TENANT_OBJECT_ACTIONS = [
  "s3:GetObject",
  "s3:PutObject",
  "s3:DeleteObject",
  "s3:AbortMultipartUpload",
  "s3:ListMultipartUploadParts",
] as const;

/**
 * What a tenant's workload role may do: objects under its own prefix only, list only that prefix, and use the
 * bucket's KMS key only through S3 in the bucket's region.
 */
export function tenantWorkloadPolicy(input: {
  readonly bucketName: string;
  readonly tenantPrefix: string;
  readonly kmsKeyArn: string;
  readonly region: string;
  /**
   * The tenant's Glue database of Iceberg tables (its Iceberg sinks with a Glue catalog), with the account: the
   * role may read it, create and update its tables (Iceberg's GlueCatalog and GlueTableOperations), never delete.
   */
  readonly glue?: { readonly accountId: string; readonly database: string };
}): PolicyDocument {
  const bucketArn = `arn:aws:s3:::${input.bucketName}`;
  const glue = input.glue;
  const glueArn = glue && `arn:aws:glue:${input.region}:${glue.accountId}`;
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "OwnPrefixObjects", Effect: "Allow", Action: [...TENANT_OBJECT_ACTIONS], Resource: [`${bucketArn}/${input.tenantPrefix}*`] },
      {
        Sid: "ListOwnPrefix",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [bucketArn],
        Condition: { StringLike: { "s3:prefix": [input.tenantPrefix, `${input.tenantPrefix}*`] } },
      },
      {
        Sid: "BucketKeyViaS3",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [input.kmsKeyArn],
        Condition: { StringEquals: { "kms:ViaService": `s3.${input.region}.amazonaws.com` } },
      },
      ...(glue && glueArn
        ? [
            {
              // The sink creates its namespace before its table and only tolerates AlreadyExists (iceberg
              // kafka-connect IcebergWriterFactory.createNamespaceIfNotExist): CreateDatabase on this database only.
              Sid: "OwnGlueDatabaseTables",
              Effect: "Allow" as const,
              Action: ["glue:GetDatabase", "glue:CreateDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable"],
              Resource: [`${glueArn}:catalog`, `${glueArn}:database/${glue.database}`, `${glueArn}:table/${glue.database}/*`],
            },
          ]
        : []),
    ],
  };
}

/** The bucket policy: no request without TLS, on the bucket and on its objects. */
export function bucketTlsOnlyPolicy(bucketName: string): PolicyDocument {
  const bucketArn = `arn:aws:s3:::${bucketName}`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/**
 * The audit bucket's policy: CloudTrail may read the bucket's ACL and write log files under
 * `AWSLogs/<account>/`, for this trail only (`aws:SourceArn`, as AWS documents the CloudTrail bucket policy); no
 * request without TLS. Nothing else is granted: the account's own principals reach it through IAM.
 */
export function auditBucketPolicy(input: { readonly bucketName: string; readonly accountId: string; readonly trailArn: string }): PolicyDocument {
  const bucketArn = `arn:aws:s3:::${input.bucketName}`;
  const tls = bucketTlsOnlyPolicy(input.bucketName);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CloudTrailAclCheck",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:GetBucketAcl",
        Resource: bucketArn,
        Condition: { StringEquals: { "aws:SourceArn": input.trailArn } },
      },
      {
        Sid: "CloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${bucketArn}/AWSLogs/${input.accountId}/*`,
        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": input.trailArn } },
      },
      ...tls.Statement,
    ],
  };
}

/** Trust of a tenant role: only the given service accounts, through the cluster's OIDC provider (IRSA). */
export function irsaTrustPolicy(input: {
  readonly oidcProviderArn: string;
  readonly oidcIssuer: string;
  readonly serviceAccounts: readonly { readonly namespace: string; readonly name: string }[];
}): PolicyDocument {
  const issuer = input.oidcIssuer.replace(/^https:\/\//, "");
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: input.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:aud`]: "sts.amazonaws.com",
            [`${issuer}:sub`]: input.serviceAccounts.map((sa) => `system:serviceaccount:${sa.namespace}:${sa.name}`).sort(),
          },
        },
      },
    ],
  };
}

/** Trust of a role used with EKS Pod Identity (the association pins namespace and service account). */
export function podIdentityTrustPolicy(accountId: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}

/** Where the External Secrets Operator may write (PushSecret): a secret-name prefix in an AWS region. */
export interface SecretPushTarget {
  /** AWS region of the Secrets Manager written to (the standby region of a replication). */
  readonly awsRegion: string;
  /** Secret-name prefix, e.g. `prod/platform/kafka/eu-west-1/`. */
  readonly prefix: string;
}

/** The actions the External Secrets Operator's AWS provider uses to push a secret (create, update, tag, read back). */
export const SECRET_PUSH_ACTIONS = [
  "secretsmanager:CreateSecret",
  "secretsmanager:PutSecretValue",
  "secretsmanager:TagResource",
  "secretsmanager:DescribeSecret",
  "secretsmanager:GetSecretValue",
] as const;

/**
 * What the External Secrets Operator may do: read the environment's secrets in its region, and write (only)
 * under the given push prefixes (replication credentials and CA certificates for another region).
 */
export function externalSecretsPolicy(input: {
  readonly region: string;
  readonly accountId: string;
  readonly environment: string;
  readonly pushes?: readonly SecretPushTarget[];
}): PolicyDocument {
  const pushes = [...(input.pushes ?? [])].sort((a, b) => (`${a.awsRegion}/${a.prefix}` < `${b.awsRegion}/${b.prefix}` ? -1 : 1));
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadEnvironmentSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: [`arn:aws:secretsmanager:${input.region}:${input.accountId}:secret:${input.environment}/*`],
      },
      ...(pushes.length > 0
        ? [
            {
              Sid: "PushReplicationSecrets",
              Effect: "Allow" as const,
              Action: [...SECRET_PUSH_ACTIONS],
              Resource: pushes.map((p) => `arn:aws:secretsmanager:${p.awsRegion}:${input.accountId}:secret:${p.prefix}*`),
            },
          ]
        : []),
    ],
  };
}

/** One destination of a savepoint replication: the peer bucket, its key, and the key prefixes copied there. */
export interface SavepointDestination {
  /** Destination bucket name. */
  readonly bucketName: string;
  /** AWS region of the destination bucket. */
  readonly awsRegion: string;
  /** KMS key ARN of the destination bucket (replicas are encrypted with it). */
  readonly kmsKeyArn: string;
  /** Key prefixes replicated (the jobs' savepoint directories). */
  readonly prefixes: readonly string[];
}

/** Trust policy of the role S3 replication runs as. */
export function s3ReplicationTrustPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
  };
}

/**
 * What S3 replication may do: read the replication configuration and the object versions under the replicated
 * prefixes of the source bucket, decrypt them with the source key (through S3 in the source region), write
 * replicas under the same prefixes of the destination buckets and encrypt them with the destination keys.
 */
export function savepointReplicationPolicy(input: {
  readonly sourceBucketName: string;
  readonly sourceAwsRegion: string;
  readonly sourceKmsKeyArn: string;
  readonly destinations: readonly SavepointDestination[];
}): PolicyDocument {
  const source = `arn:aws:s3:::${input.sourceBucketName}`;
  const prefixes = [...new Set(input.destinations.flatMap((d) => d.prefixes))].sort();
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "SourceBucket", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: [source] },
      {
        Sid: "SourceVersions",
        Effect: "Allow",
        Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
        Resource: prefixes.map((p) => `${source}/${p}*`),
      },
      {
        Sid: "DestinationReplicas",
        Effect: "Allow",
        Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
        Resource: input.destinations.flatMap((d) => [...d.prefixes].sort().map((p) => `arn:aws:s3:::${d.bucketName}/${p}*`)),
      },
      {
        Sid: "DecryptSource",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: [input.sourceKmsKeyArn],
        Condition: { StringEquals: { "kms:ViaService": `s3.${input.sourceAwsRegion}.amazonaws.com` } },
      },
      ...input.destinations.map((d, i) => ({
        Sid: `EncryptDestination${i}`,
        Effect: "Allow" as const,
        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
        Resource: [d.kmsKeyArn],
        Condition: { StringEquals: { "kms:ViaService": `s3.${d.awsRegion}.amazonaws.com` } },
      })),
    ],
  };
}
