import * as pulumi from "@pulumi/pulumi";
import { CheckpointBucket as OfflineStorage, checkpointBucketName, jobStatePaths, roleArn, tenantRoleName } from "../../lib/internal";
import { catchValidation } from "../helpers";
import { recordRegistrations } from "../helpers/pulumi";
import { AuditTrail, CheckpointStorage, PlatformSecrets, SavepointReplication, TenantWorkloadRole } from "../../lib/cloud";
import { statefulResourceOptions } from "../../lib/cloud/checkpoint-storage";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}
const registered: Registered[] = [];

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      const arn =
        args.type === "aws:kms/key:Key"
          ? `arn:aws:kms:eu-west-1:123456789012:key/${args.name}`
          : args.type === "aws:s3/bucket:Bucket"
            ? `arn:aws:s3:::${args.inputs.bucket}`
            : `arn:aws:mock:::${args.name}`;
      return { id: `${args.name}-id`, state: { ...args.inputs, arn, keyId: `${args.name}-key-id` } };
    },
    call: (args) => args.inputs,
  },
  "floe",
  "test",
  false,
);
const requests = recordRegistrations();

const valueOf = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));
const settle = () => new Promise((r) => setTimeout(r, 50));
const ofType = (type: string, prefix: string) => registered.filter((r) => r.type === type && r.name.startsWith(prefix));
const base = { environment: "prod", region: "eu-west-1", accountId: "123456789012" };

describe("CheckpointStorage (Pulumi)", () => {
  const storage = new CheckpointStorage("euw1", base);
  beforeAll(async () => {
    await valueOf(storage.bucketArn);
    await valueOf(storage.kmsKeyArn);
    await settle();
  });

  test("the bucket has the deterministic name the Flink constructs derive offline", () => {
    expect(storage.bucketName).toBe("floe-prod-eu-west-1-123456789012");
    expect(storage.bucketName).toBe(checkpointBucketName("prod", "eu-west-1", "123456789012"));
    expect(OfflineStorage.defaultBucketName("prod", "eu-west-1", "123456789012")).toBe(storage.bucketName);
    const offline = jobStatePaths(OfflineStorage.fromBucketName(storage.bucketName), "tenants/payments/fraud-scorer/");
    expect(jobStatePaths(storage, "tenants/payments/fraud-scorer/")).toEqual(offline);
    expect(ofType("aws:s3/bucket:Bucket", "euw1")[0].inputs).toMatchObject({ bucket: storage.bucketName, forceDestroy: false });
  });

  test("the key's alias is a valid KMS alias name, also for a bucket name with dots (#18.7)", async () => {
    // KMS alias names: letters, digits, '/', '_' and '-' (AliasName ^[a-zA-Z0-9/_-]+$).
    const valid = /^alias\/[a-zA-Z0-9/_-]+$/;
    expect(ofType("aws:kms/alias:Alias", "euw1")[0].inputs.name).toBe("alias/floe-prod-eu-west-1-123456789012");
    new CheckpointStorage("dotted", { ...base, bucketName: "floe.prod.eu-west-1.example" });
    new CheckpointStorage("dashed", { ...base, bucketName: "floe-prod-eu-west-1-example" });
    await settle();
    const dotted = ofType("aws:kms/alias:Alias", "dotted")[0].inputs.name as string;
    expect(dotted).toMatch(valid);
    expect(dotted).toMatch(/^alias\/floe-prod-eu-west-1-example-[0-9a-f]{8}$/);
    // A bucket whose name differs only by dots and dashes gets another alias.
    expect(ofType("aws:kms/alias:Alias", "dashed")[0].inputs.name).toBe("alias/floe-prod-eu-west-1-example");
  });

  test("KMS key with rotation; SSE-KMS by default with bucket keys", () => {
    expect(ofType("aws:kms/key:Key", "euw1")[0].inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    const sse = ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "euw1")[0].inputs;
    expect(sse.rules[0]).toEqual({ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:eu-west-1:123456789012:key/euw1-key" }, bucketKeyEnabled: true });
  });

  test("versioning, public access block, owner-enforced ownership", () => {
    expect(ofType("aws:s3/bucketVersioning:BucketVersioning", "euw1")[0].inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "euw1")[0].inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(ofType("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "euw1")[0].inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
  });

  test("bucket policy denies non-TLS access on the bucket and its objects", () => {
    const policy = JSON.parse(ofType("aws:s3/bucketPolicy:BucketPolicy", "euw1")[0].inputs.policy);
    expect(policy.Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::floe-prod-eu-west-1-123456789012", "arn:aws:s3:::floe-prod-eu-west-1-123456789012/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  test("lifecycle expires only non-current versions, expired delete markers and aborted uploads, never live data", () => {
    const rules = ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "euw1")[0].inputs.rules;
    expect(rules).toEqual([
      { id: "expire-noncurrent-versions", status: "Enabled", filter: { prefix: "" }, noncurrentVersionExpiration: { noncurrentDays: 7 } },
      { id: "remove-expired-delete-markers", status: "Enabled", filter: { prefix: "" }, expiration: { expiredObjectDeleteMarker: true } },
      { id: "abort-incomplete-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 2 } },
    ]);
    for (const r of rules) expect(r.expiration?.days).toBeUndefined();
  });

  test("makes no replication configuration of its own (S3 allows one per bucket: SavepointReplication's) (#18.16)", () => {
    expect(ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "euw1")).toEqual([]);
  });

  test("the bucket, its key and every resource configuring them are protected and kept (#18.11)", () => {
    const children = requests.filter((r) => r.custom && r.name.startsWith("euw1-"));
    expect(children.map((r) => r.type).sort()).toEqual(
      [
        "aws:kms/alias:Alias",
        "aws:kms/key:Key",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketVersioning:BucketVersioning",
      ].sort(),
    );
    for (const r of children) expect([r.name, r.protect, r.retainOnDelete]).toEqual([r.name, true, true]);
  });

  test("bucket and key are retained and protected by default (and only when asked otherwise, not)", () => {
    expect(statefulResourceOptions({}, storage)).toEqual({ parent: storage, retainOnDelete: true, protect: true });
    expect(statefulResourceOptions({ retainOnDelete: false, protect: false }, storage)).toMatchObject({ retainOnDelete: false, protect: false });
    expect((storage.bucket as unknown as { __protect?: boolean }).__protect).toBe(true);
    expect((storage.key as unknown as { __protect?: boolean }).__protect).toBe(true);
  });

  test("fails InvalidAccountId", () => {
    expect(() => new CheckpointStorage("bad", { ...base, accountId: "12" })).toThrow(/InvalidAccountId/);
  });
});

describe("TenantWorkloadRole (Pulumi)", () => {
  const storage = new CheckpointStorage("roles-storage", base);
  const role = new TenantWorkloadRole("payments", {
    ...base,
    tenant: "payments",
    storage,
    serviceAccounts: ["payments-flink"],
    identity: { type: "irsa", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC", oidcIssuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC" },
  });
  beforeAll(async () => {
    await valueOf(role.role.arn);
    await settle();
  });

  test("deterministic name and ARN (what the service account annotation renders)", () => {
    expect(role.roleName).toBe("floe-prod-eu-west-1-payments");
    expect(role.roleArn).toBe(roleArn("123456789012", tenantRoleName("prod", "eu-west-1", "payments")));
    expect(ofType("aws:iam/role:Role", "payments")[0].inputs.name).toBe(role.roleName);
  });

  test("trusted only by the tenant's service account through the OIDC provider", () => {
    const trust = JSON.parse(ofType("aws:iam/role:Role", "payments")[0].inputs.assumeRolePolicy);
    expect(trust.Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub"]).toEqual(["system:serviceaccount:payments:payments-flink"]);
  });

  test("its only permissions are the tenant prefix and the bucket key via S3", () => {
    const policy = JSON.parse(ofType("aws:iam/rolePolicy:RolePolicy", "payments")[0].inputs.policy);
    expect(policy.Statement.map((s: any) => s.Resource)).toEqual([
      ["arn:aws:s3:::floe-prod-eu-west-1-123456789012/tenants/payments/*"],
      ["arn:aws:s3:::floe-prod-eu-west-1-123456789012"],
      ["arn:aws:kms:eu-west-1:123456789012:key/roles-storage-key"],
    ]);
  });

  test("the tenant's Connect workers (Iceberg sinks) in the Kafka namespace: trusted too, each associated under Pod Identity", async () => {
    const irsa = new TenantWorkloadRole("logistics", {
      ...base,
      tenant: "logistics",
      storage,
      serviceAccounts: ["logistics-flink"],
      platformServiceAccounts: [{ namespace: "kafka", name: "logistics-connect-connect" }],
      identity: { type: "irsa", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC", oidcIssuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC" },
    });
    const pod = new TenantWorkloadRole("lake", { ...base, tenant: "lake", storage, serviceAccounts: [], platformServiceAccounts: [{ namespace: "kafka", name: "lake-connect-connect" }], identity: { type: "pod-identity", clusterName: "prod-euw1" } });
    await valueOf(irsa.role.arn);
    await valueOf(pod.role.arn);
    await settle();
    const trust = JSON.parse(ofType("aws:iam/role:Role", "logistics")[0].inputs.assumeRolePolicy);
    expect(trust.Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub"]).toEqual([
      "system:serviceaccount:kafka:logistics-connect-connect",
      "system:serviceaccount:logistics:logistics-flink",
    ]);
    expect(ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation", "lake")[0].inputs).toMatchObject({ namespace: "kafka", serviceAccount: "lake-connect-connect" });
  });

  test("EKS Pod Identity: trust the pods service and associate each service account", async () => {
    const pod = new TenantWorkloadRole("analytics", { ...base, tenant: "analytics", storage, serviceAccounts: ["analytics-flink"], identity: { type: "pod-identity", clusterName: "prod-euw1" } });
    await valueOf(pod.role.arn);
    await settle();
    const trust = JSON.parse(ofType("aws:iam/role:Role", "analytics")[0].inputs.assumeRolePolicy);
    expect(trust.Statement[0].Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    expect(ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation", "analytics")[0].inputs).toMatchObject({
      clusterName: "prod-euw1",
      namespace: "analytics",
      serviceAccount: "analytics-flink",
    });
  });
});

describe("PlatformSecrets (Pulumi)", () => {
  const value = JSON.stringify({ username: "cdc", password: "hunter2-very-secret" });
  const secrets = new PlatformSecrets("secrets", {
    ...base,
    secrets: [{ tenant: "payments", name: "orders-db-cdc", value: pulumi.secret(value) }],
    identity: {
      type: "irsa",
      oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
      oidcIssuer: pulumi.output("https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"),
    },
  });
  beforeAll(async () => {
    await valueOf(secrets.versions[0].arn);
    await settle();
  });

  test("secret names are the ones the ExternalSecrets resolve", () => {
    expect(secrets.secretNames).toEqual(["prod/payments/orders-db-cdc"]);
    expect(ofType("aws:secretsmanager/secret:Secret", "secrets")[0].inputs.name).toBe("prod/payments/orders-db-cdc");
  });

  test("values stay Pulumi secrets, and appear in no non-secret input or output", async () => {
    expect(await pulumi.isSecret(secrets.versions[0].secretString)).toBe(true);
    const nonSecret = registered.filter((r) => r.type !== "aws:secretsmanager/secretVersion:SecretVersion");
    expect(JSON.stringify(nonSecret)).not.toContain("hunter2");
    expect(JSON.stringify({ names: secrets.secretNames, role: secrets.externalSecretsRoleArn })).not.toContain("hunter2");
  });

  test("the External Secrets Operator role reads only this environment's secrets", async () => {
    expect(await valueOf(secrets.externalSecretsRoleArn)).toBe("arn:aws:mock:::secrets-external-secrets");
    expect(ofType("aws:iam/role:Role", "secrets")[0].inputs.name).toBe("floe-prod-eu-west-1-external-secrets");
    const policy = JSON.parse(ofType("aws:iam/rolePolicy:RolePolicy", "secrets")[0].inputs.policy);
    expect(policy.Statement[0].Resource).toEqual(["arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/*"]);
    const trust = JSON.parse(ofType("aws:iam/role:Role", "secrets")[0].inputs.assumeRolePolicy);
    expect(trust.Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub"]).toEqual(["system:serviceaccount:external-secrets:external-secrets"]);
    // IRSA: no Pod Identity association.
    expect(ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation", "secrets")).toEqual([]);
  });

  test("ready: the secret values and the role's policy (what the manifests wait for)", () => {
    expect(secrets.ready.length).toBe(2);
  });

  test("readyFor(tenant): that tenant's secret values and the operator's access, never another tenant's values", async () => {
    const two = new PlatformSecrets("twosecrets", {
      ...base,
      secrets: [
        { tenant: "payments", name: "orders-db-cdc", value: pulumi.secret("a") },
        { tenant: "logistics", name: "warehouse-db-cdc", value: pulumi.secret("b") },
        { tenant: "payments", name: "lake", value: pulumi.secret("c") },
      ],
      identity: { type: "pod-identity", clusterName: "prod-euw1" },
    });
    const names = async (rs: readonly pulumi.Resource[]) => (await Promise.all(rs.map((r) => valueOf(r.urn)))).map((u) => u.split("::").pop()).sort();
    expect(await names(two.readyFor("payments"))).toEqual([
      "twosecrets-external-secrets-external-secrets",
      "twosecrets-external-secrets-read",
      "twosecrets-payments-lake-value",
      "twosecrets-payments-orders-db-cdc-value",
    ]);
    expect(await names(two.readyFor("logistics"))).toEqual(expect.arrayContaining(["twosecrets-logistics-warehouse-db-cdc-value", "twosecrets-external-secrets-read"]));
    expect(await names(two.readyFor("logistics"))).not.toContain("twosecrets-payments-lake-value");
    expect(await names(two.readyFor("nobody"))).toEqual(["twosecrets-external-secrets-external-secrets", "twosecrets-external-secrets-read"]);
    expect(two.ready.length).toBe(5);
  });

  test("EKS Pod Identity: the role trusts the pods service and the operator's service account is associated with it (#18.14)", async () => {
    const pod = new PlatformSecrets("podsecrets", { ...base, secrets: [], identity: { type: "pod-identity", clusterName: "prod-euw1" } });
    await valueOf(pod.externalSecretsRoleArn);
    await settle();
    expect(JSON.parse(ofType("aws:iam/role:Role", "podsecrets")[0].inputs.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    expect(ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation", "podsecrets").map((r) => r.inputs)).toEqual([
      expect.objectContaining({ clusterName: "prod-euw1", namespace: "external-secrets", serviceAccount: "external-secrets" }),
    ]);
    expect(pod.ready.length).toBe(2);
  });
});

describe("SavepointReplication (Pulumi)", () => {
  const eu = new CheckpointStorage("sr-euw1", base);
  const us = new CheckpointStorage("sr-use1", { ...base, region: "us-east-1" });
  const replication = new SavepointReplication("sr-euw1-savepoints", {
    source: eu,
    sourceAwsRegion: "eu-west-1",
    roleName: "floe-prod-eu-west-1-savepoint-replication",
    destinations: [{ storage: us, awsRegion: "us-east-1", prefixes: ["tenants/payments/fraud-scorer/savepoints/", "tenants/payments/alerts/savepoints/"] }],
  });
  beforeAll(async () => {
    await valueOf(replication.role.arn);
    await settle();
  });

  test("one configuration on the source bucket, a rule per prefix, re-encrypted with the peer key, deletes replicated as delete markers (#18.8)", () => {
    const [config] = ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "sr-euw1-savepoints");
    expect(config.inputs.bucket).toBe("sr-euw1-bucket-id");
    expect(config.inputs.role).toBe("arn:aws:mock:::sr-euw1-savepoints-role");
    expect(config.inputs.rules.map((r: any) => [r.id, r.priority, r.filter.prefix, r.destination.bucket, r.destination.encryptionConfiguration.replicaKmsKeyId, r.deleteMarkerReplication.status])).toEqual([
      ["savepoints-0", 0, "tenants/payments/alerts/savepoints/", "arn:aws:s3:::floe-prod-us-east-1-123456789012", "arn:aws:kms:eu-west-1:123456789012:key/sr-use1-key", "Enabled"],
      ["savepoints-1", 1, "tenants/payments/fraud-scorer/savepoints/", "arn:aws:s3:::floe-prod-us-east-1-123456789012", "arn:aws:kms:eu-west-1:123456789012:key/sr-use1-key", "Enabled"],
    ]);
  });

  test("the configuration waits for versioning of the source and every destination (S3 refuses it before) and is protected (#18.4)", () => {
    const config = requests.find((r) => r.name === "sr-euw1-savepoints-configuration")!;
    const urn = (name: string) => requests.find((r) => r.name === name)!.urn;
    expect(config.dependencies).toEqual(expect.arrayContaining([urn("sr-euw1-versioning"), urn("sr-use1-versioning"), urn("sr-euw1-savepoints-policy")]));
    expect(config.protect).toBe(true);
  });

  test("its role is assumed by S3 only and holds the replication policy of exactly these prefixes", () => {
    const [role] = ofType("aws:iam/role:Role", "sr-euw1-savepoints");
    expect(role.inputs.name).toBe("floe-prod-eu-west-1-savepoint-replication");
    expect(JSON.parse(role.inputs.assumeRolePolicy).Statement).toEqual([{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    const [policy] = ofType("aws:iam/rolePolicy:RolePolicy", "sr-euw1-savepoints");
    const doc = JSON.parse(policy.inputs.policy);
    expect(doc.Statement.find((s: any) => s.Sid === "DestinationReplicas").Resource).toEqual([
      "arn:aws:s3:::floe-prod-us-east-1-123456789012/tenants/payments/alerts/savepoints/*",
      "arn:aws:s3:::floe-prod-us-east-1-123456789012/tenants/payments/fraud-scorer/savepoints/*",
    ]);
  });

  test("fails NothingToReplicate, ReplicationToSameBucket, InvalidReplicationPrefix", () => {
    const args = { source: eu, sourceAwsRegion: "eu-west-1", roleName: "r" };
    expect(catchValidation(() => new SavepointReplication("bad1", { ...args, destinations: [] })).code).toBe("NothingToReplicate");
    expect(catchValidation(() => new SavepointReplication("bad2", { ...args, destinations: [{ storage: eu, awsRegion: "eu-west-1", prefixes: ["tenants/a/j/savepoints/"] }] })).code).toBe("ReplicationToSameBucket");
    const e = catchValidation(() => new SavepointReplication("bad3", { ...args, destinations: [{ storage: us, awsRegion: "us-east-1", prefixes: ["tenants/a/j/savepoints", "/tenants/b/"] }] }));
    expect(e.issues.map((i) => [i.code, i.value])).toEqual([
      ["InvalidReplicationPrefix", "tenants/a/j/savepoints"],
      ["InvalidReplicationPrefix", "/tenants/b/"],
    ]);
  });
});

describe("AuditTrail (Pulumi)", () => {
  const trail = new AuditTrail("at-euw1", { ...base, dataBuckets: ["floe-prod-eu-west-1-123456789012"] });
  beforeAll(async () => {
    await valueOf(trail.trail.arn);
    await settle();
  });

  test("one trail: management events (secret reads) and the checkpoint bucket's object-level events, log file validation on", () => {
    const [t] = ofType("aws:cloudtrail/trail:Trail", "at-euw1");
    expect(t.inputs).toMatchObject({ name: "floe-prod-eu-west-1-audit", s3BucketName: "at-euw1-bucket-id", enableLogging: true, enableLogFileValidation: true, isMultiRegionTrail: false });
    expect(t.inputs.advancedEventSelectors).toEqual([
      { name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
      {
        name: "Checkpoint bucket objects",
        fieldSelectors: [
          { field: "eventCategory", equals: ["Data"] },
          { field: "resources.type", equals: ["AWS::S3::Object"] },
          { field: "resources.ARN", startsWiths: ["arn:aws:s3:::floe-prod-eu-west-1-123456789012/"] },
        ],
      },
    ]);
    expect(trail.trailArn).toBe("arn:aws:cloudtrail:eu-west-1:123456789012:trail/floe-prod-eu-west-1-audit");
  });

  test("its log bucket: own name, versioned, encrypted, no public access, owner-enforced, expiring after a year, the policy admitting this trail only", () => {
    expect(ofType("aws:s3/bucket:Bucket", "at-euw1")[0].inputs).toMatchObject({ bucket: "floe-prod-eu-west-1-audit-123456789012", forceDestroy: false });
    expect(ofType("aws:s3/bucketVersioning:BucketVersioning", "at-euw1")[0].inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "at-euw1")[0].inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "at-euw1")[0].inputs.rules[0]).toMatchObject({ expiration: { days: 365 } });
    const policy = JSON.parse(ofType("aws:s3/bucketPolicy:BucketPolicy", "at-euw1")[0].inputs.policy);
    expect(policy.Statement.map((x: any) => x.Sid)).toEqual(["CloudTrailAclCheck", "CloudTrailWrite", "DenyInsecureTransport"]);
    expect(policy.Statement[1].Condition.StringEquals["aws:SourceArn"]).toBe(trail.trailArn);
  });

  test("the trail and everything that keeps its logs are protected and kept when removed from the program; the trail waits for its policy", () => {
    for (const name of ["at-euw1-bucket", "at-euw1-versioning", "at-euw1-policy", "at-euw1-lifecycle", "at-euw1-trail"]) {
      const r = requests.find((x) => x.name === name)!;
      expect({ name, protect: r.protect, retainOnDelete: r.retainOnDelete }).toEqual({ name, protect: true, retainOnDelete: true });
    }
    const t = requests.find((x) => x.name === "at-euw1-trail")!;
    expect(t.dependencies).toContain(requests.find((x) => x.name === "at-euw1-policy")!.urn);
  });

  test("fails InvalidAccountId, AuditTrailWithoutBuckets, InvalidRetention", () => {
    const e = catchValidation(() => new AuditTrail("bad-at", { ...base, accountId: "12", dataBuckets: [], retentionDays: 0 }));
    expect(e.issues.map((i) => i.code)).toEqual(["InvalidAccountId", "AuditTrailWithoutBuckets", "InvalidRetention"]);
  });
});
