import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parseAllDocuments } from "yaml";
import { parsePlatformSpec, synthesize } from "../../lib/internal";
import { FLINK_OPERATOR_VERSION, OPERATOR_CRD_URLS } from "../../lib/core";
import { groupChildUrn, manifestTransform, oidcProviderArnOf, requiredCrds, RETAINED_KINDS, StreamingPlatform } from "../../lib/platform/pulumi";
import { catchValidation } from "../helpers";
import { recordRegistrations } from "../helpers/pulumi";
import { exampleSpec } from "../helpers/specs";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
  provider?: string;
}
const registered: Registered[] = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
      // Roles report the ARN IAM gives them; everything else a mock ARN.
      const arn = args.type === "aws:iam/role:Role" ? `arn:aws:iam::123456789012:role/${args.inputs.name}` : `arn:aws:mock:::${args.name}`;
      return { id: args.id || `${args.name}-id`, state: { ...args.inputs, arn } };
    },
    call: (args) => args.inputs,
  },
  "floe",
  "prod",
  false,
);
const requests = recordRegistrations();
// Each StreamingPlatform composes and renders the example (2 regions, 3 tenants): seconds on a busy machine.
jest.setTimeout(60_000);
const valueOf = <T>(o: pulumi.Input<T>): Promise<T> => new Promise((resolve) => pulumi.output(o).apply((v) => resolve(v as T)));
const urnOf = (name: string) => requests.find((r) => r.name === name)?.urn ?? `(no ${name})`;
/** The objects a ConfigGroup applies: its `yaml` input, parsed as the provider parses it (every document). */
const objectsOf = (g: { inputs: any }): unknown[] => parseAllDocuments(g.inputs.yaml as string).map((d) => d.toJS());
const settle = () => new Promise((r) => setTimeout(r, 200));
/** The example's platform, created once by the first describe block. */
const created: { floe?: StreamingPlatform } = {};

/** The example (2 regions, 3 tenants) with an account, clusters and Pulumi delivery. */
function pulumiSpec(delivery: "pulumi" | "gitops" = "pulumi"): any {
  const spec: any = exampleSpec();
  spec.aws = { accountId: "123456789012" };
  spec.delivery = delivery;
  for (const region of spec.regions) {
    region.cluster = {
      kubeconfig: { config: `kubeconfig-${region.name}` },
      oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/oidc.eks.${region.name}.amazonaws.com/id/X`,
      oidcIssuer: `https://oidc.eks.${region.name}.amazonaws.com/id/X`,
    };
  }
  return spec;
}

const secretValues = {
  "payments/orders-db-cdc": pulumi.secret('{"username":"cdc","password":"p"}'),
  "payments/reporting-db-sink": pulumi.secret('{"username":"reporting","password":"p"}'),
  "payments/lake-catalog": pulumi.secret('{"username":"lake","password":"p"}'),
  "logistics/warehouse-db-cdc": pulumi.secret('{"user":"cdc","password":"w"}'),
};

describe("StreamingPlatform (the stack) under mocks: 2 regions, 3 tenants, Pulumi delivery", () => {
  const spec = parsePlatformSpec(pulumiSpec());
  const platform = new StreamingPlatform("floe", {
    spec,
    secretValues,
    kubeconfigs: { "eu-west-1": pulumi.secret("kubeconfig-euw1"), "us-east-1": pulumi.secret("kubeconfig-use1") },
  });
  created.floe = platform;
  beforeAll(settle);
  const byType = (type: string) => registered.filter((r) => r.type === type && r.name.startsWith("floe-"));

  test("one AWS and one Kubernetes provider per region", () => {
    expect(byType("pulumi:providers:aws").map((r) => [r.name, r.inputs.region]).sort()).toEqual([
      ["floe-eu-west-1-aws", "eu-west-1"],
      ["floe-us-east-1-aws", "us-east-1"],
    ]);
    expect(byType("pulumi:providers:kubernetes").map((r) => r.name).sort()).toEqual(["floe-eu-west-1-k8s", "floe-us-east-1-k8s"]);
  });

  test("the AWS providers refuse any account but the spec's, and tag every resource (#18.12, #18.16)", () => {
    for (const p of byType("pulumi:providers:aws")) {
      // (provider inputs reach the engine as JSON strings)
      expect(JSON.parse(p.inputs.allowedAccountIds)).toEqual(["123456789012"]);
      expect(JSON.parse(p.inputs.defaultTags)).toEqual({
        tags: { "floe.dev/environment": "prod", "floe.dev/region": p.inputs.region, "app.kubernetes.io/managed-by": "floe" },
      });
    }
  });

  test("cloud components per region: storage, a role per tenant with jobs, secrets; each on its region's provider", () => {
    expect(byType("floe:cloud:CheckpointStorage").map((r) => r.name).sort()).toEqual(["floe-eu-west-1-state", "floe-us-east-1-state"]);
    expect(byType("floe:cloud:TenantWorkloadRole").map((r) => r.name).sort()).toEqual([
      "floe-eu-west-1-analytics",
      "floe-eu-west-1-payments",
      "floe-us-east-1-analytics",
      "floe-us-east-1-payments",
    ]);
    expect(byType("floe:cloud:PlatformSecrets").map((r) => r.name).sort()).toEqual(["floe-eu-west-1-secrets", "floe-us-east-1-secrets"]);
    const buckets = byType("aws:s3/bucket:Bucket").sort((a, b) => (a.name < b.name ? -1 : 1));
    // eu-west-1 names its bucket in the spec; us-east-1 gets the deterministic name with the account.
    expect(buckets.map((b) => b.inputs.bucket)).toEqual(["floe-prod-eu-west-1-state", "floe-prod-us-east-1-123456789012"]);
    const dirs = synthesize(spec).files.flatMap((f) => f.objects).filter((o: any) => o.kind === "FlinkDeployment").map((o: any) => o.spec.flinkConfiguration["state.checkpoints.dir"].split("/")[2]);
    expect([...new Set(dirs)].sort()).toEqual(buckets.map((b) => b.inputs.bucket));
    for (const b of buckets) expect(b.provider).toContain(b.name.includes("eu-west-1") ? "floe-eu-west-1-aws" : "floe-us-east-1-aws");
    const secrets = byType("aws:secretsmanager/secret:Secret").map((s) => s.inputs.name);
    expect(secrets.filter((n) => n.startsWith("prod/logistics/"))).toEqual(["prod/logistics/warehouse-db-cdc"]);
  });

  test("operators from pinned charts, then the manifests, per region", () => {
    const releases = byType("kubernetes:helm.sh/v3:Release");
    expect(releases.map((r) => `${r.name} ${r.inputs.chart}@${r.inputs.version}`).sort()).toEqual([
      "floe-eu-west-1-external-secrets external-secrets@1.0.0",
      "floe-eu-west-1-flink-operator flink-kubernetes-operator@1.15.0",
      "floe-eu-west-1-strimzi strimzi-kafka-operator@1.2.0",
      "floe-us-east-1-external-secrets external-secrets@1.0.0",
      "floe-us-east-1-flink-operator flink-kubernetes-operator@1.15.0",
      "floe-us-east-1-strimzi strimzi-kafka-operator@1.2.0",
    ]);
    expect(releases.find((r) => r.name === "floe-eu-west-1-flink-operator")!.inputs.values.watchNamespaces).toEqual(["analytics", "logistics", "payments"]);
    expect(releases.find((r) => r.name === "floe-us-east-1-flink-operator")!.inputs.values.watchNamespaces).toEqual(["analytics", "payments"]);
    for (const r of releases) expect(r.provider).toContain(r.name.includes("eu-west-1") ? "floe-eu-west-1-k8s" : "floe-us-east-1-k8s");
  });

  test("the namespaces come first, then the operators' CRDs and the operators (their charts create RBAC in the watched namespaces) (#18.2)", () => {
    for (const region of ["eu-west-1", "us-east-1"]) {
      const namespaces = urnOf(`floe-${region}-namespaces`);
      const crds = ["strimzi", "flink", "externalSecrets"].map((op) => urnOf(`floe-${region}-crds-${op}`));
      for (const release of ["strimzi", "flink-operator", "external-secrets"]) {
        const deps = requests.find((r) => r.name === `floe-${region}-${release}`)!.dependencies;
        expect([release, deps.includes(namespaces), crds.every((c) => deps.includes(c))]).toEqual([release, true, true]);
      }
      // The namespaces group holds every namespace of the region and nothing else.
      const group = byType("kubernetes:yaml/v2:ConfigGroup").find((g) => g.name === `floe-${region}-namespaces`)!;
      const expected = synthesize(spec).files.filter((f) => f.path.startsWith(`${region}/`)).flatMap((f) => f.objects).filter((o) => o.kind === "Namespace");
      expect(objectsOf(group)).toEqual(expected);
      expect(requests.find((r) => r.name === `floe-${region}-namespaces`)!.dependencies).toEqual([]);
    }
  });

  test("CRDs come from the operators' pinned releases, applied by the stack (kept, upgraded with the pin), never by Helm (#18.9)", () => {
    const groups = byType("kubernetes:yaml/v2:ConfigGroup").filter((g) => g.name.startsWith("floe-eu-west-1-crds-"));
    expect(groups.map((g) => [g.name, g.inputs.files]).sort()).toEqual([
      ["floe-eu-west-1-crds-externalSecrets", OPERATOR_CRD_URLS.externalSecrets],
      ["floe-eu-west-1-crds-flink", OPERATOR_CRD_URLS.flink],
      ["floe-eu-west-1-crds-strimzi", OPERATOR_CRD_URLS.strimzi],
    ]);
    expect(OPERATOR_CRD_URLS.externalSecrets).toEqual(["https://raw.githubusercontent.com/external-secrets/external-secrets/v1.0.0/deploy/crds/bundle.yaml"]);
    const releases = byType("kubernetes:helm.sh/v3:Release").filter((r) => r.name.startsWith("floe-eu-west-1-"));
    for (const r of releases) expect([r.name, r.inputs.skipCrds]).toEqual([r.name, true]);
    expect(releases.find((r) => r.name.endsWith("external-secrets"))!.inputs.values.installCRDs).toBe(false);
    // CRDs are retained on removal (their deletion deletes every object of their kind).
    expect(RETAINED_KINDS).toContain("CustomResourceDefinition");
  });

  test("the Flink operator runs without its webhook (no cert-manager) and from its pinned image, not the chart's 'latest' (#18.3)", () => {
    const flink = byType("kubernetes:helm.sh/v3:Release").find((r) => r.name === "floe-eu-west-1-flink-operator")!;
    expect(flink.inputs.values.webhook).toEqual({ create: false });
    expect(flink.inputs.values.image).toEqual({ repository: "ghcr.io/apache/flink-kubernetes-operator", tag: FLINK_OPERATOR_VERSION });
  });

  test("every other CRD the manifests use is read first, so a missing one stops the update naming it (#18.17)", () => {
    const reads = byType("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition").filter((r) => r.name.startsWith("floe-eu-west-1-crd-"));
    const objects = synthesize(spec).files.filter((f) => f.path.startsWith("eu-west-1/")).flatMap((f) => f.objects);
    const needed = requiredCrds(objects).filter((c) => c.endsWith(".monitoring.coreos.com"));
    expect(needed.length).toBeGreaterThan(0);
    expect(reads.map((r) => r.name.replace("floe-eu-west-1-crd-", "")).sort()).toEqual(needed);
    const platformDeps = requests.find((r) => r.name === "floe-eu-west-1-platform")!.dependencies;
    for (const crd of needed) expect(platformDeps).toContain(urnOf(`floe-eu-west-1-crd-${crd}`));
  });

  test("requiredCrds: the CRD of every kind outside Kubernetes' own groups", () => {
    const o = (apiVersion: string, kind: string) => ({ apiVersion, kind, metadata: { name: "x" } });
    expect(
      requiredCrds([
        o("v1", "ConfigMap"),
        o("apps/v1", "Deployment"),
        o("networking.k8s.io/v1", "NetworkPolicy"),
        o("rbac.authorization.k8s.io/v1", "Role"),
        o("kafka.strimzi.io/v1", "KafkaMirrorMaker2"),
        o("kafka.strimzi.io/v1", "KafkaTopic"),
        o("monitoring.coreos.com/v1", "PodMonitor"),
        o("external-secrets.io/v1alpha1", "PushSecret"),
      ]),
    ).toEqual(["kafkamirrormaker2s.kafka.strimzi.io", "kafkatopics.kafka.strimzi.io", "podmonitors.monitoring.coreos.com", "pushsecrets.external-secrets.io"]);
  });

  test("the manifests wait for their AWS side: tenant roles' policies and the secret values (#18.15)", () => {
    const deps = requests.find((r) => r.name === "floe-eu-west-1-platform")!.dependencies;
    for (const name of ["floe-eu-west-1-payments-state-access", "floe-eu-west-1-analytics-state-access", "floe-eu-west-1-secrets-payments-orders-db-cdc-value", "floe-eu-west-1-secrets-external-secrets-read"]) {
      expect([name, deps.includes(urnOf(name))]).toEqual([name, true]);
    }
    const tenant = requests.find((r) => r.name === "floe-eu-west-1-tenant-payments")!.dependencies;
    expect(tenant).toContain(urnOf("floe-eu-west-1-payments-state-access"));
    expect(tenant).toContain(urnOf("floe-eu-west-1-secrets-payments-orders-db-cdc-value"));
    expect(tenant).toContain(urnOf("floe-eu-west-1-secrets-external-secrets-read"));
    expect(tenant).toContain(urnOf("floe-eu-west-1-platform"));
  });

  test("a tenant's group waits for its own AWS side only, not another tenant's (each group depending on every tenant's made the program quadratic, #24)", () => {
    const deps = (group: string) => requests.find((r) => r.name === group)!.dependencies;
    const awsOf = (tenant: string) => requests.filter((r) => r.name.startsWith(`floe-eu-west-1-${tenant}-`) || r.name.startsWith(`floe-eu-west-1-secrets-${tenant}-`)).map((r) => r.urn);
    const tenants = ["payments", "analytics", "logistics"].filter((t) => requests.some((r) => r.name === `floe-eu-west-1-tenant-${t}`));
    expect(tenants.length).toBeGreaterThanOrEqual(2);
    for (const a of tenants) {
      expect([a, awsOf(a).length > 0]).toEqual([a, true]);
      for (const b of tenants.filter((t) => t !== a)) {
        expect([a, b, awsOf(b).filter((urn) => deps(`floe-eu-west-1-tenant-${a}`).includes(urn))]).toEqual([a, b, []]);
      }
    }
  });

  test("a tenant's group depends on each object of the platform file by URN, so deletes run tenant first (#18.13)", () => {
    const tenant = requests.find((r) => r.name === "floe-eu-west-1-tenant-payments")!.dependencies;
    const platformObjects = synthesize(spec).files.find((f) => f.path === "eu-west-1/platform.yaml")!.objects.filter((o) => o.kind !== "Namespace");
    const group = urnOf("floe-eu-west-1-platform");
    for (const o of platformObjects) expect(tenant).toContain(groupChildUrn(group, o, "floe-eu-west-1"));
    const kafka = platformObjects.find((o) => o.kind === "Kafka")!;
    expect(groupChildUrn(group, kafka, "floe-eu-west-1")).toBe("urn:pulumi:prod::floe::floe:platform:StreamingPlatform$kubernetes:yaml/v2:ConfigGroup$kubernetes:kafka.strimzi.io/v1:Kafka::floe-eu-west-1:kafka/events");
    expect(groupChildUrn(group, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "kafka" } }, "p")).toContain("$kubernetes:core/v1:ConfigMap::p:kafka/c");
  });

  test("what the stack applies is exactly floe synth of the same spec: each file's objects (its namespaces in the namespaces group), one name prefix per region", () => {
    const groups = byType("kubernetes:yaml/v2:ConfigGroup").filter((g) => !g.name.includes("-crds-"));
    const synth = synthesize(spec);
    const fileGroup = (path: string) => `floe-${path.replace("/", "-").replace(/\.yaml$/, "")}`;
    expect(groups.map((g) => g.name).sort()).toEqual([...synth.files.map((f) => fileGroup(f.path)), "floe-eu-west-1-namespaces", "floe-us-east-1-namespaces"].sort());
    for (const f of synth.files) {
      const group = groups.find((g) => g.name === fileGroup(f.path))!;
      expect(objectsOf(group)).toEqual(f.objects.filter((o) => o.kind !== "Namespace"));
      expect(group.inputs.resourcePrefix).toBe(`floe-${f.path.split("/")[0]}`);
    }
    expect(platform.tree.files.map((f) => f.content)).toEqual(synth.files.map((f) => f.content));
  });

  test("exports per region the resources' own outputs: bucket and key ARNs, role ARNs (the ones annotated on the service accounts) (#18.16)", async () => {
    const out = platform.regions["us-east-1"];
    expect(out.bucketName).toBe("floe-prod-us-east-1-123456789012");
    expect(out.bootstrap).toBe("events-kafka-bootstrap.kafka.svc:9093");
    expect(pulumi.Output.isInstance(out.bucketArn)).toBe(true);
    expect(await valueOf(out.bucketArn!)).toBe("arn:aws:mock:::floe-us-east-1-state-bucket");
    expect(await valueOf(out.kmsKeyArn!)).toBe("arn:aws:mock:::floe-us-east-1-state-key");
    expect(pulumi.Output.isInstance(out.tenantRoleArns.payments)).toBe(true);
    expect(await valueOf(out.tenantRoleArns.payments)).toBe("arn:aws:iam::123456789012:role/floe-prod-us-east-1-payments");
    expect(await valueOf(out.tenantRoleArns.analytics)).toBe("arn:aws:iam::123456789012:role/floe-prod-us-east-1-analytics");
    expect(await valueOf(out.externalSecretsRoleArn!)).toBe("arn:aws:iam::123456789012:role/floe-prod-us-east-1-external-secrets");
    const sa = synthesize(spec).files.flatMap((f) => f.objects).find((o: any) => o.kind === "ServiceAccount" && o.metadata.name === "payments-flink" && o.metadata.labels["floe.dev/region"] === "us-east-1") as any;
    expect(sa.metadata.annotations["eks.amazonaws.com/role-arn"]).toBe(await valueOf(out.tenantRoleArns.payments));
  });
});

describe("StreamingPlatform replication (example: payments eu -> us; analytics us -> eu and experiments eu -> us)", () => {
  const byType = (type: string) => registered.filter((r) => r.type === type && r.name.startsWith("floe-"));
  beforeAll(settle);

  test("each primary bucket replicates exactly its replicated jobs' savepoint directories to the standby bucket", () => {
    const configs = byType("aws:s3/bucketReplicationConfig:BucketReplicationConfig");
    const rules = (region: string) =>
      configs
        .find((c) => c.name === `floe-${region}-savepoint-replication-configuration`)!
        .inputs.rules.map((r: any) => [r.filter.prefix, r.destination.bucket, r.deleteMarkerReplication.status, r.sourceSelectionCriteria.sseKmsEncryptedObjects.status]);
    // payments' fraud-scorer is primary in eu-west-1; analytics' daily-rollup (sessions) in us-east-1.
    expect(rules("eu-west-1")).toEqual([
      ["tenants/payments/fraud-scorer/savepoints/", "arn:aws:mock:::floe-us-east-1-state-bucket", "Enabled", "Enabled"],
      ["tenants/payments/order-totals/savepoints/", "arn:aws:mock:::floe-us-east-1-state-bucket", "Enabled", "Enabled"],
    ]);
    expect(rules("us-east-1")).toEqual([["tenants/analytics/daily-rollup/savepoints/", "arn:aws:mock:::floe-eu-west-1-state-bucket", "Enabled", "Enabled"]]);
    // One replication configuration per bucket (S3 allows one): the storage makes none of its own (#18.16).
    expect(configs.map((c) => c.name).sort()).toEqual(["floe-eu-west-1-savepoint-replication-configuration", "floe-us-east-1-savepoint-replication-configuration"]);
    const roles = byType("aws:iam/role:Role").filter((r) => r.name.endsWith("savepoint-replication-role"));
    expect(roles.map((r) => [r.inputs.name, JSON.parse(r.inputs.assumeRolePolicy).Statement[0].Principal])).toEqual([
      ["floe-prod-eu-west-1-savepoint-replication", { Service: "s3.amazonaws.com" }],
      ["floe-prod-us-east-1-savepoint-replication", { Service: "s3.amazonaws.com" }],
    ]);
    for (const c of configs) expect(c.provider).toContain(c.name.includes("eu-west-1") ? "floe-eu-west-1-aws" : "floe-us-east-1-aws");
    expect(created.floe!.regions["eu-west-1"].savepointReplicationRoleArn).toBeDefined();
  });

  test("a standby keeps what the primary keeps: deletes replicate as delete markers, no copy expires while its original lives (#18.8)", () => {
    for (const region of ["eu-west-1", "us-east-1"]) {
      const rules = byType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((l) => l.name === `floe-${region}-state-lifecycle`)!.inputs.rules;
      // Only non-current versions (a disposed savepoint, in either bucket), expired delete markers and aborted uploads expire.
      expect(rules.map((r: any) => r.id)).toEqual(["expire-noncurrent-versions", "remove-expired-delete-markers", "abort-incomplete-uploads"]);
      for (const r of rules) expect(r.expiration?.days).toBeUndefined();
      expect(rules[1].expiration).toEqual({ expiredObjectDeleteMarker: true });
    }
  });

  test("the replication configuration waits for versioning on both buckets (S3 refuses it before) and is protected (#18.4, #18.11)", () => {
    const config = requests.find((r) => r.name === "floe-eu-west-1-savepoint-replication-configuration")!;
    expect(config.dependencies).toEqual(expect.arrayContaining([urnOf("floe-eu-west-1-state-versioning"), urnOf("floe-us-east-1-state-versioning")]));
    expect(config.protect).toBe(true);
  });

  test("the External Secrets Operator of a primary may push under <env>/platform/kafka/<primary>/ in the standby's region", () => {
    const policies = byType("aws:iam/rolePolicy:RolePolicy").filter((r) => r.name.endsWith("-secrets-external-secrets-read"));
    const push = (region: string) =>
      JSON.parse(policies.find((p) => p.name.startsWith(`floe-${region}-`))!.inputs.policy).Statement.find((st: any) => st.Sid === "PushReplicationSecrets");
    expect(push("eu-west-1").Resource).toEqual(["arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/platform/kafka/eu-west-1/*"]);
    expect(push("us-east-1").Resource).toEqual(["arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/platform/kafka/us-east-1/*"]);
  });
});

describe("StreamingPlatform validation and GitOps delivery", () => {
  test("gitops delivery creates the cloud parts but applies nothing", async () => {
    const before = registered.length;
    new StreamingPlatform("gitops", { spec: parsePlatformSpec(pulumiSpec("gitops")), secretValues });
    await settle();
    const mine = registered.slice(before).filter((r) => r.name.startsWith("gitops-"));
    expect(mine.some((r) => r.type === "floe:cloud:CheckpointStorage")).toBe(true);
    expect(mine.some((r) => r.type.startsWith("kubernetes:") || r.type === "pulumi:providers:kubernetes")).toBe(false);
  });

  test("its resources are made with no stack trace captured (the SDK keeps one per promise), unless PULUMI_DEBUG_PROMISE_LEAKS asks for them; the limit is restored", async () => {
    // The secret values are read while the resources are made: a getter sees the stack trace limit then.
    const probe = (limits: number[], fail = false) =>
      Object.defineProperties({}, Object.fromEntries(Object.keys(secretValues).map((k) => [k, { enumerable: true, get: () => {
        limits.push(Error.stackTraceLimit);
        if (fail && Error.stackTraceLimit === 0) throw new Error("failed while making the resources");
        return secretValues[k as keyof typeof secretValues];
      } }])));
    const before = Error.stackTraceLimit;
    const quiet: number[] = [];
    new StreamingPlatform("stacks-off", { spec: parsePlatformSpec(pulumiSpec("gitops")), secretValues: probe(quiet) });
    expect(quiet).toContain(0);
    expect(Error.stackTraceLimit).toBe(before);
    const debugging: number[] = [];
    process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
    try {
      new StreamingPlatform("stacks-on", { spec: parsePlatformSpec(pulumiSpec("gitops")), secretValues: probe(debugging) });
    } finally {
      delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
    }
    expect(debugging.length).toBeGreaterThan(0);
    expect(debugging).not.toContain(0);
    // A failure while the resources are made restores the limit too.
    expect(() => new StreamingPlatform("stacks-fail", { spec: parsePlatformSpec(pulumiSpec("gitops")), secretValues: probe([], true) })).toThrow("failed while making the resources");
    expect(Error.stackTraceLimit).toBe(before);
    await settle();
  });

  test("fails AwsAccountMissing, OidcProviderMissing, ClusterKubeconfigMissing, SecretValueMissing", () => {
    const noAccount = pulumiSpec("gitops");
    delete noAccount.aws;
    expect(catchValidation(() => new StreamingPlatform("a", { spec: parsePlatformSpec(noAccount) })).code).toBe("AwsAccountMissing");
    expect(catchValidation(() => new StreamingPlatform("a", { spec: parsePlatformSpec(noAccount) })).fix).toMatch(/pulumi config set floe:accountId/);
    const noOidc = pulumiSpec("gitops");
    delete noOidc.regions[1].cluster.oidcIssuer;
    const oidc = catchValidation(() => new StreamingPlatform("b", { spec: parsePlatformSpec(noOidc) }));
    expect(oidc).toMatchObject({ code: "OidcProviderMissing", scope: "regions[1]", field: "cluster.oidcIssuer" });
    // The error names the stack config key to set (#18.1).
    expect(oidc.fix).toContain("pulumi config set --path 'floe:clusters.us-east-1.oidcIssuer'");
    expect(catchValidation(() => new StreamingPlatform("c", { spec: parsePlatformSpec(pulumiSpec()), kubeconfigs: {} })).code).toBe("ClusterKubeconfigMissing");
    const e = catchValidation(() => new StreamingPlatform("d", { spec: parsePlatformSpec(pulumiSpec("gitops")), secretValues: {} }));
    expect(e.issues.map((i) => `${i.code} ${i.field}`)).toEqual(["SecretValueMissing payments/orders-db-cdc", "SecretValueMissing payments/reporting-db-sink", "SecretValueMissing payments/lake-catalog", "SecretValueMissing logistics/warehouse-db-cdc"]);
  });

  test("Pod Identity: the External Secrets Operator gets a role and an association too, its stores use its own credentials (#18.14)", async () => {
    const spec = pulumiSpec("gitops");
    spec.aws.workloadIdentity = "pod-identity";
    for (const r of spec.regions) {
      r.cluster.clusterName = `eks-${r.name}`;
      delete r.cluster.oidcIssuer;
      delete r.cluster.oidcProviderArn;
    }
    const before = registered.length;
    new StreamingPlatform("pod", { spec: parsePlatformSpec(spec), secretValues });
    await settle();
    const mine = registered.slice(before);
    expect(mine.filter((r) => r.type === "floe:cloud:PlatformSecrets").map((r) => r.name).sort()).toEqual(["pod-eu-west-1-secrets", "pod-us-east-1-secrets"]);
    const eso = mine.find((r) => r.type === "aws:iam/role:Role" && r.name === "pod-eu-west-1-secrets-external-secrets")!;
    expect(JSON.parse(eso.inputs.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    const association = mine.find((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" && r.name.startsWith("pod-eu-west-1-secrets-external-secrets"))!;
    expect(association.inputs).toMatchObject({ clusterName: "eks-eu-west-1", namespace: "external-secrets", serviceAccount: "external-secrets" });
    // The stores: no JWT exchange (it would look for an IRSA annotation the service account does not have).
    const stores = synthesize(parsePlatformSpec(spec)).files.flatMap((f) => f.objects).filter((o: any) => o.kind === "ClusterSecretStore");
    expect(stores.length).toBeGreaterThan(0);
    for (const s of stores as any[]) expect(s.spec.provider.aws.auth).toBeUndefined();
    const irsaStores = synthesize(parsePlatformSpec(pulumiSpec("gitops"))).files.flatMap((f) => f.objects).filter((o: any) => o.kind === "ClusterSecretStore") as any[];
    for (const s of irsaStores) expect(s.spec.provider.aws.auth).toEqual({ jwt: { serviceAccountRef: { name: "external-secrets", namespace: "external-secrets" } } });
  });

  test("fails ClusterNameMissing under Pod Identity, naming the stack config key", () => {
    const spec = pulumiSpec("gitops");
    spec.aws.workloadIdentity = "pod-identity";
    for (const r of spec.regions) r.cluster.clusterName = `eks-${r.name}`;
    delete spec.regions[1].cluster.clusterName;
    const e = catchValidation(() => new StreamingPlatform("e", { spec: parsePlatformSpec(spec), secretValues }));
    expect(e).toMatchObject({ code: "ClusterNameMissing", scope: "regions[1]", field: "cluster.clusterName" });
    expect(e.fix).toContain("floe:clusters.us-east-1.clusterName");
  });

  test("identity inputs may come from another program (Outputs) and override the spec; the OIDC provider ARN is derived from the issuer (#18.1, #18.16)", async () => {
    const spec = pulumiSpec("gitops");
    for (const r of spec.regions) delete r.cluster;
    const before = registered.length;
    const issuer = (region: string) => pulumi.output(`https://oidc.eks.${region}.amazonaws.com/id/FROM-OUTPUT`);
    new StreamingPlatform("outputs", { spec: parsePlatformSpec(spec), secretValues, clusters: { "eu-west-1": { oidcIssuer: issuer("eu-west-1") }, "us-east-1": { oidcIssuer: issuer("us-east-1") } } });
    await settle();
    const role = registered.slice(before).find((r) => r.type === "aws:iam/role:Role" && r.name === "outputs-eu-west-1-payments-role")!;
    const trust = JSON.parse(role.inputs.assumeRolePolicy).Statement[0];
    expect(trust.Principal).toEqual({ Federated: oidcProviderArnOf("123456789012", "https://oidc.eks.eu-west-1.amazonaws.com/id/FROM-OUTPUT") });
    expect(trust.Principal.Federated).toBe("arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/FROM-OUTPUT");
    expect(trust.Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/FROM-OUTPUT:sub"]).toEqual([
      // The example's payments runs an Iceberg sink: its Connect workers write the tenant's lake prefix with the role.
      "system:serviceaccount:kafka:payments-connect-connect",
      "system:serviceaccount:payments:payments-flink",
    ]);
    expect(catchValidation(() => new StreamingPlatform("typo", { spec: parsePlatformSpec(pulumiSpec("gitops")), secretValues, clusters: { "eu-west-9": {} } }))).toMatchObject({ code: "UnknownRegion", field: "clusters.eu-west-9" });
  });

  test("the spec refuses pulumi delivery without a kubeconfig source", () => {
    const spec = pulumiSpec();
    delete spec.regions[0].cluster.kubeconfig;
    expect(catchValidation(() => parsePlatformSpec(spec))).toMatchObject({ code: "ClusterKubeconfigMissing", scope: "regions[0]", field: "cluster.kubeconfig" });
  });
});

describe("StreamingPlatform: an Iceberg sink with a Glue catalog (payments' orders-lake)", () => {
  test("the tenant's Glue database per region, protected and retained; the tenant's role may use it; the Connect workers may assume the role", async () => {
    const spec = pulumiSpec();
    const lake = spec.tenants.find((t: any) => t.name === "payments").sinks.find((k: any) => k.name === "orders-lake");
    lake.catalog = { type: "glue" };
    const before = requests.length;
    new StreamingPlatform("lake", { spec: parsePlatformSpec(spec), secretValues, kubeconfigs: { "eu-west-1": pulumi.secret("a"), "us-east-1": pulumi.secret("b") } });
    await settle();
    await settle();
    const mine = requests.slice(before);
    const dbs = mine.filter((r) => r.type === "aws:glue/catalogDatabase:CatalogDatabase");
    expect(dbs.map((r) => r.name).sort()).toEqual(["lake-eu-west-1-payments-lake", "lake-us-east-1-payments-lake"]);
    for (const db of dbs) expect([db.protect, db.retainOnDelete]).toEqual([true, true]);
    const inputs = registered.filter((r) => r.type === "aws:glue/catalogDatabase:CatalogDatabase" && r.name.startsWith("lake-"));
    expect(inputs.map((r) => r.inputs.name)).toEqual(["prod__payments", "prod__payments"]);
    const policy = registered.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "lake-eu-west-1-payments-state-access")!;
    const glue = JSON.parse(policy.inputs.policy).Statement.find((x: any) => x.Sid === "OwnGlueDatabaseTables");
    expect(glue.Resource).toEqual([
      "arn:aws:glue:eu-west-1:123456789012:catalog",
      "arn:aws:glue:eu-west-1:123456789012:database/prod__payments",
      "arn:aws:glue:eu-west-1:123456789012:table/prod__payments/*",
    ]);
    expect(glue.Action).not.toContain("glue:DeleteTable");
    const role = registered.find((r) => r.type === "aws:iam/role:Role" && r.name === "lake-eu-west-1-payments-role")!;
    expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/X:sub"]).toContain("system:serviceaccount:kafka:payments-connect-connect");
    // Tenants without Glue sinks get no Glue access.
    const analytics = registered.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "lake-eu-west-1-analytics-state-access")!;
    expect(analytics.inputs.policy).not.toContain("glue:");
  });
});

describe("StreamingPlatform with cloud: none (the Kubernetes side only)", () => {
  test("creates no cloud resource, applies the same manifests and reports the names Floe derives", async () => {
    const before = registered.length;
    const spec = parsePlatformSpec(pulumiSpec());
    const platform = new StreamingPlatform("k8sonly", {
      spec,
      cloud: "none",
      kubeconfigs: { "eu-west-1": pulumi.secret("a"), "us-east-1": pulumi.secret("b") },
    });
    await settle();
    const mine = registered.slice(before).filter((r) => r.name.startsWith("k8sonly-"));
    expect(mine.filter((r) => r.type.startsWith("aws:") || r.type.startsWith("floe:cloud:") || r.type === "pulumi:providers:aws")).toEqual([]);
    const groups = mine.filter((r) => r.type === "kubernetes:yaml/v2:ConfigGroup" && !r.name.includes("-crds-"));
    const synth = synthesize(spec);
    const applied = groups.flatMap((g) => objectsOf(g) as any[]).map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}/${o.metadata.labels?.["floe.dev/region"] ?? ""}`);
    expect(applied.sort()).toEqual(synth.files.flatMap((f) => f.objects).map((o: any) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}/${o.metadata.labels?.["floe.dev/region"] ?? ""}`).sort());
    expect(platform.regions["eu-west-1"]).toEqual({
      bucketName: "floe-prod-eu-west-1-state",
      bootstrap: "events-kafka-bootstrap.kafka.svc:9093",
      tenantRoleArns: {
        payments: "arn:aws:iam::123456789012:role/floe-prod-eu-west-1-payments",
        analytics: "arn:aws:iam::123456789012:role/floe-prod-eu-west-1-analytics",
      },
    });
  });

  test("a region's cluster as a kubeconfig object (a stack reference output) or as a k8s.Provider (#18.5)", async () => {
    const before = registered.length;
    const spec = parsePlatformSpec(pulumiSpec());
    const kubeconfig = { apiVersion: "v1", kind: "Config", clusters: [{ name: "euw1", cluster: { server: "https://euw1.example.com" } }] };
    const provider = new k8s.Provider("given-use1", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
    new StreamingPlatform("kinds", { spec, cloud: "none", kubeconfigs: { "eu-west-1": pulumi.secret(kubeconfig), "us-east-1": provider } });
    await settle();
    const mine = registered.slice(before);
    const providers = mine.filter((r) => r.type === "pulumi:providers:kubernetes" && r.name.startsWith("kinds-"));
    // The object arrives as kubeconfig text (JSON), never "[object Object]"; no provider is made where one was given.
    expect(providers.map((p) => p.name)).toEqual(["kinds-eu-west-1-k8s"]);
    // (kept secret: the mock sees Pulumi's secret wrapper around the text)
    const input = providers[0].inputs.kubeconfig;
    expect(typeof input === "string" ? input : input.value).toBe(JSON.stringify(kubeconfig));
    const groups = mine.filter((r) => r.type === "kubernetes:yaml/v2:ConfigGroup" && r.name.startsWith("kinds-us-east-1"));
    expect(groups.length).toBeGreaterThan(0);
    expect(groups.every((g) => g.provider?.includes("given-use1"))).toBe(true);
  });

  test("fails SecretValuesWithoutCloud, ClusterKubeconfigMissing and UnknownCloud", () => {
    const spec = parsePlatformSpec(pulumiSpec());
    const e = catchValidation(() => new StreamingPlatform("x", { spec, cloud: "none", secretValues, kubeconfigs: { "eu-west-1": "a" } }));
    expect(e.issues.map((i) => `${i.code} ${i.field}`)).toEqual(["SecretValuesWithoutCloud secretValues", "ClusterKubeconfigMissing cluster.kubeconfig"]);
    expect(e.issues[1].scope).toBe("regions[1]");
    const unknown = catchValidation(() => new StreamingPlatform("y", { spec: parsePlatformSpec(pulumiSpec("gitops")), cloud: "gcp" as never }));
    expect(unknown).toMatchObject({ code: "UnknownCloud", field: "cloud", value: "gcp" });
  });
});

describe("retained objects, acknowledged deletions and former names (the manifests' transform) (#18.10)", () => {
  const args = (type: string, metadata: Record<string, string> = { name: "n", namespace: "ns" }, custom = true) => ({ custom, type, name: "n", props: { metadata }, opts: { protect: false } });
  test("namespaces, volumes, CRDs, Kafka clusters, node pools, topics and Flink state are kept when removed from the stack", () => {
    const transform = manifestTransform();
    for (const kind of RETAINED_KINDS) {
      const group = kind === "Namespace" || kind === "PersistentVolumeClaim" ? "core/v1" : kind === "CustomResourceDefinition" ? "apiextensions.k8s.io/v1" : kind.startsWith("Flink") ? "flink.apache.org/v1beta1" : "kafka.strimzi.io/v1";
      const result = transform(args(`kubernetes:${group}:${kind}`));
      expect([kind, result?.opts]).toEqual([kind, { protect: false, retainOnDelete: true }]);
    }
  });
  test("everything else is deleted with the stack, and components are left alone", () => {
    const transform = manifestTransform();
    for (const type of ["kubernetes:kafka.strimzi.io/v1:KafkaUser", "kubernetes:core/v1:ConfigMap", "kubernetes:batch/v1:Job", "kubernetes:kafka.strimzi.io/v1:KafkaConnector"]) {
      expect([type, transform(args(type))]).toEqual([type, undefined]);
    }
    expect(transform(args("kubernetes:core/v1:Namespace", { name: "n" }, false))).toBeUndefined();
  });
  test("an object a reviewer acknowledged (allowDestructive: kind, name, namespace) is not retained; others of its kind still are", () => {
    const transform = manifestTransform([{ kind: "KafkaTopic", name: "payments.orders", namespace: "kafka" }]);
    expect(transform(args("kubernetes:kafka.strimzi.io/v1:KafkaTopic", { name: "payments.orders", namespace: "kafka" }))).toBeUndefined();
    expect(transform(args("kubernetes:kafka.strimzi.io/v1:KafkaTopic", { name: "payments.refunds", namespace: "kafka" }))?.opts.retainOnDelete).toBe(true);
    expect(transform(args("kubernetes:kafka.strimzi.io/v1:KafkaTopic", { name: "payments.orders", namespace: "other" }))?.opts.retainOnDelete).toBe(true);
  });
  test("CRDs carry Helm's keep annotation (a chart that rendered them before never deletes them on upgrade or uninstall) (#18.9)", () => {
    const r = manifestTransform()(args("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", { name: "externalsecrets.external-secrets.io" }));
    expect(r?.props.metadata).toEqual({ name: "externalsecrets.external-secrets.io", annotations: { "helm.sh/resource-policy": "keep" } });
    expect(r?.opts.retainOnDelete).toBe(true);
  });
  test("an object keeps the name it had as a member of its file's group (an alias), so earlier stacks neither delete nor recreate it", () => {
    const transform = manifestTransform([], new Map([["KafkaUser|kafka|payments-app", "floe-eu-west-1-tenant-payments:kafka/payments-app"]]));
    expect(transform(args("kubernetes:kafka.strimzi.io/v1:KafkaUser", { name: "payments-app", namespace: "kafka" }))?.opts.aliases).toEqual([{ name: "floe-eu-west-1-tenant-payments:kafka/payments-app" }]);
  });
  test("the stack registers the groups with that transform (the real engine runs it: test/e2e/pulumi.test.ts)", () => {
    const tenant = requests.find((r) => r.name === "floe-eu-west-1-tenant-payments")!;
    expect(tenant.type).toBe("kubernetes:yaml/v2:ConfigGroup");
  });
});

describe("StreamingPlatform with aws.auditTrail: a CloudTrail trail per region over its checkpoint bucket", () => {
  const spec = pulumiSpec("gitops");
  spec.aws.auditTrail = { retentionDays: 400 };
  new StreamingPlatform("audited", { spec: parsePlatformSpec(spec), secretValues });
  beforeAll(settle);

  test("each region's trail records its own checkpoint bucket's objects, on its region's provider, keeping logs as long as asked", () => {
    const trails = registered.filter((r) => r.type === "aws:cloudtrail/trail:Trail" && r.name.startsWith("audited-")).sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(trails.map((t) => [t.inputs.name, t.inputs.advancedEventSelectors[1].fieldSelectors[2].startsWiths])).toEqual([
      ["floe-prod-eu-west-1-audit", ["arn:aws:s3:::floe-prod-eu-west-1-state/"]],
      ["floe-prod-us-east-1-audit", ["arn:aws:s3:::floe-prod-us-east-1-123456789012/"]],
    ]);
    for (const t of trails) expect(t.provider).toContain(t.name.includes("eu-west-1") ? "audited-eu-west-1-aws" : "audited-us-east-1-aws");
    const lifecycle = registered.filter((r) => r.type === "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration" && r.name.startsWith("audited-") && r.name.includes("-audit-"));
    expect(lifecycle.map((l) => l.inputs.rules[0].expiration.days)).toEqual([400, 400]);
  });

  test("without aws.auditTrail there is no trail", () => {
    expect(registered.some((r) => r.type === "aws:cloudtrail/trail:Trail" && r.name.startsWith("floe-"))).toBe(false);
  });
});
