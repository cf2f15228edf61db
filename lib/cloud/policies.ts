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
}): PolicyDocument {
  const bucketArn = `arn:aws:s3:::${input.bucketName}`;
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

/** What the External Secrets Operator may read: the environment's secrets in its region, nothing else. */
export function externalSecretsPolicy(input: { readonly region: string; readonly accountId: string; readonly environment: string }): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadEnvironmentSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: [`arn:aws:secretsmanager:${input.region}:${input.accountId}:secret:${input.environment}/*`],
      },
    ],
  };
}
