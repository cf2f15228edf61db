import { runSimulation } from "@cloud-copilot/iam-simulate";
import {
  auditBucketPolicy,
  bucketTlsOnlyPolicy,
  externalSecretsPolicy,
  irsaTrustPolicy,
  PolicyDocument,
  savepointReplicationPolicy,
  tenantWorkloadPolicy,
} from "../../lib/cloud/policies";

const account = "123456789012";
const bucket = "floe-prod-eu-west-1-123456789012";
const otherBucket = "floe-prod-us-east-1-123456789012";
const kmsKeyArn = `arn:aws:kms:eu-west-1:${account}:key/1111-2222`;
const roleOf = (tenant: string) => tenantWorkloadPolicy({ bucketName: bucket, tenantPrefix: `tenants/${tenant}/`, kmsKeyArn, region: "eu-west-1" });

/** AWS's default key policy (the one a key created without a policy gets): key use is delegated to IAM. */
const defaultKeyPolicy = {
  Version: "2012-10-17",
  Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
};

async function simulate(input: { tenant: string; action: string; resource: string; context?: Record<string, string | string[]>; withBucketPolicy?: boolean }) {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${account}:role/floe-prod-eu-west-1-${input.tenant}`,
        action: input.action,
        resource: { resource: input.resource, accountId: account },
        contextVariables: { "aws:SecureTransport": "true", ...(input.context ?? {}) },
      },
      identityPolicies: [{ name: "state-access", policy: roleOf(input.tenant) }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: input.withBucketPolicy === false ? defaultKeyPolicy : bucketTlsOnlyPolicy(input.resource.startsWith(`arn:aws:s3:::${otherBucket}`) ? otherBucket : bucket),
    },
    {},
  );
  return (result as { overallResult: string }).overallResult;
}

describe("tenant workload role (proven with iam-simulate)", () => {
  test("tenant A may read, write and delete objects under its own prefix", async () => {
    for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]) {
      expect(await simulate({ tenant: "payments", action, resource: `arn:aws:s3:::${bucket}/tenants/payments/fraud-scorer/checkpoints/chk-1/_metadata` })).toBe("Allowed");
    }
  });

  test("and list only its own prefix", async () => {
    expect(await simulate({ tenant: "payments", action: "s3:ListBucket", resource: `arn:aws:s3:::${bucket}`, context: { "s3:prefix": "tenants/payments/fraud-scorer/" } })).toBe("Allowed");
    expect(await simulate({ tenant: "payments", action: "s3:ListBucket", resource: `arn:aws:s3:::${bucket}`, context: { "s3:prefix": "tenants/analytics/" } })).toBe("ImplicitlyDenied");
    expect(await simulate({ tenant: "payments", action: "s3:ListBucket", resource: `arn:aws:s3:::${bucket}` })).toBe("ImplicitlyDenied");
  });

  test("tenant A is denied on tenant B's prefix", async () => {
    expect(await simulate({ tenant: "payments", action: "s3:GetObject", resource: `arn:aws:s3:::${bucket}/tenants/analytics/daily-rollup/savepoints/sp-1/_metadata` })).toBe("ImplicitlyDenied");
    expect(await simulate({ tenant: "payments", action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/tenants/payments-archive/x` })).toBe("ImplicitlyDenied");
    expect(await simulate({ tenant: "payments", action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/platform/x` })).toBe("ImplicitlyDenied");
  });

  test("tenant A is denied on another bucket, even under its own prefix", async () => {
    expect(await simulate({ tenant: "payments", action: "s3:GetObject", resource: `arn:aws:s3:::${otherBucket}/tenants/payments/x` })).toBe("ImplicitlyDenied");
  });

  test("tenant A cannot delete the bucket or change its policy", async () => {
    expect(await simulate({ tenant: "payments", action: "s3:DeleteBucket", resource: `arn:aws:s3:::${bucket}` })).toBe("ImplicitlyDenied");
    expect(await simulate({ tenant: "payments", action: "s3:PutBucketPolicy", resource: `arn:aws:s3:::${bucket}` })).toBe("ImplicitlyDenied");
  });

  test("without TLS even its own prefix is explicitly denied by the bucket policy", async () => {
    expect(await simulate({ tenant: "payments", action: "s3:GetObject", resource: `arn:aws:s3:::${bucket}/tenants/payments/x`, context: { "aws:SecureTransport": "false" } })).toBe(
      "ExplicitlyDenied",
    );
  });

  test("the bucket key is usable only through S3 in the bucket's region", async () => {
    expect(await simulate({ tenant: "payments", action: "kms:Decrypt", resource: kmsKeyArn, context: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" }, withBucketPolicy: false })).toBe("Allowed");
    expect(await simulate({ tenant: "payments", action: "kms:Decrypt", resource: kmsKeyArn, withBucketPolicy: false })).toBe("ImplicitlyDenied");
    expect(await simulate({ tenant: "payments", action: "kms:Encrypt", resource: kmsKeyArn, context: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" }, withBucketPolicy: false })).toBe(
      "ImplicitlyDenied",
    );
  });
});

describe("policy documents", () => {
  test("IRSA trust: only the listed service accounts of the tenant namespace, audience sts", () => {
    const trust = irsaTrustPolicy({
      oidcProviderArn: `arn:aws:iam::${account}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC`,
      oidcIssuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
      serviceAccounts: [{ namespace: "payments", name: "payments-flink" }],
    });
    expect(trust.Statement[0]).toEqual({
      Effect: "Allow",
      Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC` },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
          "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": ["system:serviceaccount:payments:payments-flink"],
        },
      },
    });
  });

  test("the External Secrets Operator may read only the environment's secrets in its region", async () => {
    const policy = externalSecretsPolicy({ region: "eu-west-1", accountId: account, environment: "prod" });
    const sim = async (resource: string) =>
      ((await runSimulation(
        {
          request: { principal: `arn:aws:iam::${account}:role/eso`, action: "secretsmanager:GetSecretValue", resource: { resource, accountId: account }, contextVariables: {} },
          identityPolicies: [{ name: "eso", policy }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
        },
        {},
      )) as { overallResult: string }).overallResult;
    expect(await sim(`arn:aws:secretsmanager:eu-west-1:${account}:secret:prod/payments/orders-db-cdc-AbCdEf`)).toBe("Allowed");
    expect(await sim(`arn:aws:secretsmanager:eu-west-1:${account}:secret:staging/payments/orders-db-cdc-AbCdEf`)).toBe("ImplicitlyDenied");
    expect(await sim(`arn:aws:secretsmanager:us-east-1:${account}:secret:prod/payments/orders-db-cdc-AbCdEf`)).toBe("ImplicitlyDenied");
  });

  test("with push targets it may also write, only under the primary's platform prefix in the standby's region", async () => {
    const policy = externalSecretsPolicy({ region: "eu-west-1", accountId: account, environment: "prod", pushes: [{ awsRegion: "us-east-1", prefix: "prod/platform/kafka/eu-west-1/" }] });
    const sim = (action: string, resource: string) => decide(policy, `arn:aws:iam::${account}:role/eso`, action, resource);
    const pushed = `arn:aws:secretsmanager:us-east-1:${account}:secret:prod/platform/kafka/eu-west-1/cluster-ca-cert-AbCdEf`;
    for (const action of ["secretsmanager:CreateSecret", "secretsmanager:PutSecretValue", "secretsmanager:TagResource"]) {
      expect(await sim(action, pushed)).toBe("Allowed");
    }
    expect(await sim("secretsmanager:PutSecretValue", `arn:aws:secretsmanager:us-east-1:${account}:secret:prod/payments/orders-db-cdc-AbCdEf`)).toBe("ImplicitlyDenied");
    expect(await sim("secretsmanager:PutSecretValue", `arn:aws:secretsmanager:us-east-1:${account}:secret:prod/platform/kafka/us-east-1/cluster-ca-cert-AbCdEf`)).toBe("ImplicitlyDenied");
    expect(await sim("secretsmanager:PutSecretValue", `arn:aws:secretsmanager:eu-west-1:${account}:secret:prod/payments/orders-db-cdc-AbCdEf`)).toBe("ImplicitlyDenied");
    expect(await sim("secretsmanager:DeleteSecret", pushed)).toBe("ImplicitlyDenied");
    // Without push targets the operator stays read-only.
    expect(await decide(externalSecretsPolicy({ region: "eu-west-1", accountId: account, environment: "prod" }), `arn:aws:iam::${account}:role/eso`, "secretsmanager:PutSecretValue", pushed)).toBe("ImplicitlyDenied");
  });
});

async function decide(policy: PolicyDocument, principal: string, action: string, resource: string, context: Record<string, string> = {}): Promise<string> {
  const result = await runSimulation(
    {
      request: { principal, action, resource: { resource, accountId: account }, contextVariables: context },
      identityPolicies: [{ name: "policy", policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      // KMS needs a key policy: AWS's default one delegates key use to IAM.
      ...(action.startsWith("kms:") ? { resourcePolicy: defaultKeyPolicy } : {}),
    },
    {},
  );
  return (result as { overallResult: string }).overallResult;
}

describe("savepoint replication role (proven with iam-simulate)", () => {
  const euKey = `arn:aws:kms:eu-west-1:${account}:key/eu`;
  const usKey = `arn:aws:kms:us-east-1:${account}:key/us`;
  const policy = savepointReplicationPolicy({
    sourceBucketName: bucket,
    sourceAwsRegion: "eu-west-1",
    sourceKmsKeyArn: euKey,
    destinations: [{ bucketName: otherBucket, awsRegion: "us-east-1", kmsKeyArn: usKey, prefixes: ["tenants/payments/fraud-scorer/savepoints/"] }],
  });
  const role = `arn:aws:iam::${account}:role/floe-prod-eu-west-1-savepoint-replication`;
  const sim = (action: string, resource: string, context: Record<string, string> = {}) => decide(policy, role, action, resource, context);

  test("reads savepoint versions of the replicated prefix and writes replicas under the same prefix of the peer", async () => {
    expect(await sim("s3:GetReplicationConfiguration", `arn:aws:s3:::${bucket}`)).toBe("Allowed");
    expect(await sim("s3:GetObjectVersionForReplication", `arn:aws:s3:::${bucket}/tenants/payments/fraud-scorer/savepoints/savepoint-1/_metadata`)).toBe("Allowed");
    expect(await sim("s3:ReplicateObject", `arn:aws:s3:::${otherBucket}/tenants/payments/fraud-scorer/savepoints/savepoint-1/_metadata`)).toBe("Allowed");
    expect(await sim("kms:Decrypt", euKey, { "kms:ViaService": "s3.eu-west-1.amazonaws.com" })).toBe("Allowed");
    expect(await sim("kms:Encrypt", usKey, { "kms:ViaService": "s3.us-east-1.amazonaws.com" })).toBe("Allowed");
  });

  test("nothing else: checkpoints, other tenants, other buckets, reads of replicas, keys outside S3", async () => {
    expect(await sim("s3:GetObjectVersionForReplication", `arn:aws:s3:::${bucket}/tenants/payments/fraud-scorer/checkpoints/chk-1/_metadata`)).toBe("ImplicitlyDenied");
    expect(await sim("s3:GetObjectVersionForReplication", `arn:aws:s3:::${bucket}/tenants/analytics/daily-rollup/savepoints/s/_metadata`)).toBe("ImplicitlyDenied");
    expect(await sim("s3:ReplicateObject", `arn:aws:s3:::${otherBucket}/tenants/analytics/daily-rollup/savepoints/s/_metadata`)).toBe("ImplicitlyDenied");
    expect(await sim("s3:ReplicateObject", `arn:aws:s3:::floe-prod-ap-south-1-${account}/tenants/payments/fraud-scorer/savepoints/s/_metadata`)).toBe("ImplicitlyDenied");
    expect(await sim("s3:GetObject", `arn:aws:s3:::${otherBucket}/tenants/payments/fraud-scorer/savepoints/s/_metadata`)).toBe("ImplicitlyDenied");
    expect(await sim("s3:DeleteObject", `arn:aws:s3:::${bucket}/tenants/payments/fraud-scorer/savepoints/s/_metadata`)).toBe("ImplicitlyDenied");
    expect(await sim("kms:Decrypt", euKey)).toBe("ImplicitlyDenied");
    expect(await sim("kms:Decrypt", usKey, { "kms:ViaService": "s3.us-east-1.amazonaws.com" })).toBe("ImplicitlyDenied");
  });
});

describe("tenant workload role with a Glue database of Iceberg tables (proven with iam-simulate)", () => {
  const glueRole = (tenant: string) =>
    tenantWorkloadPolicy({ bucketName: bucket, tenantPrefix: `tenants/${tenant}/`, kmsKeyArn, region: "eu-west-1", glue: { accountId: account, database: `prod__${tenant.replace(/-/g, "_")}` } });
  async function glue(tenant: string, action: string, resource: string): Promise<string> {
    const result = await runSimulation(
      {
        request: { principal: `arn:aws:iam::${account}:role/floe-prod-eu-west-1-${tenant}`, action, resource: { resource, accountId: account }, contextVariables: {} },
        identityPolicies: [{ name: "state-access", policy: glueRole(tenant) }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    return (result as { overallResult: string }).overallResult;
  }
  const arn = (what: string) => `arn:aws:glue:eu-west-1:${account}:${what}`;

  test("its own database: read, create and update tables (what Iceberg's GlueCatalog calls); never delete", async () => {
    for (const action of ["glue:GetDatabase", "glue:CreateDatabase"]) expect(await glue("payments", action, arn("database/prod__payments"))).toBe("Allowed");
    for (const action of ["glue:GetTable", "glue:CreateTable", "glue:UpdateTable", "glue:GetTables"]) expect(await glue("payments", action, arn("table/prod__payments/orders_history"))).toBe("Allowed");
    expect(await glue("payments", "glue:DeleteTable", arn("table/prod__payments/orders_history"))).toBe("ImplicitlyDenied");
    expect(await glue("payments", "glue:DeleteDatabase", arn("database/prod__payments"))).toBe("ImplicitlyDenied");
  });

  test("another tenant's (or environment's) database: nothing, for every tenant pair", async () => {
    const tenants = ["payments", "analytics", "pay"];
    for (const a of tenants) {
      for (const b of tenants.filter((t) => t !== a)) {
        expect(await glue(a, "glue:GetTable", arn(`table/prod__${b}/orders_history`))).toBe("ImplicitlyDenied");
        expect(await glue(a, "glue:UpdateTable", arn(`table/prod__${b}/orders_history`))).toBe("ImplicitlyDenied");
        expect(await glue(a, "glue:CreateTable", arn(`table/prod__${b}/t`))).toBe("ImplicitlyDenied");
      }
      expect(await glue(a, "glue:UpdateTable", arn(`table/staging__${a}/orders_history`))).toBe("ImplicitlyDenied");
    }
  });

  test("without a Glue database, no Glue access", () => {
    expect(JSON.stringify(roleOf("payments"))).not.toContain("glue:");
  });
});

describe("the audit bucket's policy (proven with iam-simulate)", () => {
  const auditBucket = "floe-prod-eu-west-1-audit-123456789012";
  const trailArn = `arn:aws:cloudtrail:eu-west-1:${account}:trail/floe-prod-eu-west-1-audit`;
  const policy = auditBucketPolicy({ bucketName: auditBucket, accountId: account, trailArn });
  async function asCloudTrail(action: string, resource: string, context: Record<string, string>) {
    const result = await runSimulation(
      {
        request: {
          principal: "cloudtrail.amazonaws.com",
          action,
          resource: { resource, accountId: account },
          contextVariables: { "aws:SecureTransport": "true", ...context },
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: policy,
      },
      {},
    );
    return (result as { overallResult: string }).overallResult;
  }

  test("CloudTrail writes this trail's log files under AWSLogs/<account>/ with the owner's ACL, and reads the bucket ACL", async () => {
    const key = `arn:aws:s3:::${auditBucket}/AWSLogs/${account}/CloudTrail/eu-west-1/2026/12/03/x.json.gz`;
    expect(await asCloudTrail("s3:PutObject", key, { "aws:SourceArn": trailArn, "s3:x-amz-acl": "bucket-owner-full-control" })).toBe("Allowed");
    expect(await asCloudTrail("s3:GetBucketAcl", `arn:aws:s3:::${auditBucket}`, { "aws:SourceArn": trailArn })).toBe("Allowed");
  });

  test("another trail, another account's prefix, a missing ACL, a read or a delete are not granted; plain HTTP is denied", async () => {
    const key = `arn:aws:s3:::${auditBucket}/AWSLogs/${account}/CloudTrail/x.json.gz`;
    const ok = { "aws:SourceArn": trailArn, "s3:x-amz-acl": "bucket-owner-full-control" };
    expect(await asCloudTrail("s3:PutObject", key, { ...ok, "aws:SourceArn": `arn:aws:cloudtrail:eu-west-1:999999999999:trail/other` })).toBe("ImplicitlyDenied");
    expect(await asCloudTrail("s3:PutObject", `arn:aws:s3:::${auditBucket}/AWSLogs/999999999999/x.json.gz`, ok)).toBe("ImplicitlyDenied");
    expect(await asCloudTrail("s3:PutObject", key, { "aws:SourceArn": trailArn })).toBe("ImplicitlyDenied");
    expect(await asCloudTrail("s3:GetObject", key, ok)).toBe("ImplicitlyDenied");
    expect(await asCloudTrail("s3:DeleteObject", key, ok)).toBe("ImplicitlyDenied");
    expect(await asCloudTrail("s3:PutObject", key, { ...ok, "aws:SecureTransport": "false" })).toBe("ExplicitlyDenied");
  });
});
