import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parsePlatformSpec, synthesize } from "../../lib";
import { replicaExpirations, RETAINED_KINDS, retainStatefulObjects, StreamingPlatform } from "../../lib/pulumi";
import { catchValidation } from "../helpers";
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
      return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:aws:mock:::${args.name}` } };
    },
    call: (args) => args.inputs,
  },
  "floe",
  "prod",
  false,
);
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

  test("what the stack applies is byte-identical to floe synth of the same spec", () => {
    const groups = byType("kubernetes:yaml/v2:ConfigGroup");
    const synth = synthesize(spec);
    expect(groups.map((g) => g.name).sort()).toEqual(synth.files.map((f) => `floe-${f.path.replace("/", "-").replace(/\.yaml$/, "")}`).sort());
    for (const f of synth.files) {
      const group = groups.find((g) => g.name === `floe-${f.path.replace("/", "-").replace(/\.yaml$/, "")}`)!;
      expect(group.inputs.yaml).toBe(f.content);
    }
    expect(platform.tree.files.map((f) => f.content)).toEqual(synth.files.map((f) => f.content));
  });

  test("exports per region: bucket, bootstrap, tenant role ARNs (the ones annotated on the service accounts)", () => {
    expect(platform.regions["us-east-1"]).toMatchObject({
      bucketName: "floe-prod-us-east-1-123456789012",
      bootstrap: "events-kafka-bootstrap.kafka.svc:9093",
      tenantRoleArns: { analytics: "arn:aws:iam::123456789012:role/floe-prod-us-east-1-analytics", payments: "arn:aws:iam::123456789012:role/floe-prod-us-east-1-payments" },
      externalSecretsRoleArn: "arn:aws:iam::123456789012:role/floe-prod-us-east-1-external-secrets",
    });
    const sa = synthesize(spec).files.flatMap((f) => f.objects).find((o: any) => o.kind === "ServiceAccount" && o.metadata.name === "payments-flink" && o.metadata.labels["floe.dev/region"] === "us-east-1") as any;
    expect(sa.metadata.annotations["eks.amazonaws.com/role-arn"]).toBe(platform.regions["us-east-1"].tenantRoleArns.payments);
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
    expect(rules("eu-west-1")).toEqual([["tenants/payments/fraud-scorer/savepoints/", "arn:aws:mock:::floe-us-east-1-state-bucket", "Disabled", "Enabled"]]);
    expect(rules("us-east-1")).toEqual([["tenants/analytics/daily-rollup/savepoints/", "arn:aws:mock:::floe-eu-west-1-state-bucket", "Disabled", "Enabled"]]);
    const roles = byType("aws:iam/role:Role").filter((r) => r.name.endsWith("savepoint-replication-role"));
    expect(roles.map((r) => [r.inputs.name, JSON.parse(r.inputs.assumeRolePolicy).Statement[0].Principal])).toEqual([
      ["floe-prod-eu-west-1-savepoint-replication", { Service: "s3.amazonaws.com" }],
      ["floe-prod-us-east-1-savepoint-replication", { Service: "s3.amazonaws.com" }],
    ]);
    for (const c of configs) expect(c.provider).toContain(c.name.includes("eu-west-1") ? "floe-eu-west-1-aws" : "floe-us-east-1-aws");
    expect(created.floe!.regions["eu-west-1"].savepointReplicationRoleArn).toBeDefined();
  });

  test("standby buckets expire the replicated savepoints (deletes are not replicated): twice the history age, at least 7 days", () => {
    const lifecycle = (region: string) =>
      byType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((l) => l.name === `floe-${region}-state-lifecycle`)!.inputs.rules.filter((r: any) => r.id.startsWith("expire-replicated"));
    expect(lifecycle("us-east-1").map((r: any) => [r.filter.prefix, r.expiration.days])).toEqual([["tenants/payments/fraud-scorer/savepoints/", 7]]);
    expect(lifecycle("eu-west-1").map((r: any) => [r.filter.prefix, r.expiration.days])).toEqual([["tenants/analytics/daily-rollup/savepoints/", 7]]);
    const spec: any = exampleSpec();
    spec.tenants[0].jobs[0].savepointHistory = { maxAge: "10d" };
    expect(replicaExpirations(parsePlatformSpec(spec), "us-east-1")).toEqual([{ prefix: "tenants/payments/fraud-scorer/savepoints/", days: 20 }]);
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

  test("fails AwsAccountMissing, OidcProviderMissing, ClusterKubeconfigMissing, SecretValueMissing", () => {
    const noAccount = pulumiSpec("gitops");
    delete noAccount.aws;
    expect(catchValidation(() => new StreamingPlatform("a", { spec: parsePlatformSpec(noAccount) })).code).toBe("AwsAccountMissing");
    const noOidc = pulumiSpec("gitops");
    delete noOidc.regions[1].cluster.oidcProviderArn;
    expect(catchValidation(() => new StreamingPlatform("b", { spec: parsePlatformSpec(noOidc) }))).toMatchObject({ code: "OidcProviderMissing", scope: "regions[1]" });
    expect(catchValidation(() => new StreamingPlatform("c", { spec: parsePlatformSpec(pulumiSpec()), kubeconfigs: {} })).code).toBe("ClusterKubeconfigMissing");
    const e = catchValidation(() => new StreamingPlatform("d", { spec: parsePlatformSpec(pulumiSpec("gitops")), secretValues: {} }));
    expect(e.issues.map((i) => `${i.code} ${i.field}`)).toEqual(["SecretValueMissing payments/orders-db-cdc", "SecretValueMissing logistics/warehouse-db-cdc"]);
  });

  test("fails OidcProviderMissing for a replicating region even when its workloads use Pod Identity", () => {
    const spec = pulumiSpec("gitops");
    spec.aws.workloadIdentity = "pod-identity";
    for (const r of spec.regions) r.cluster.clusterName = `eks-${r.name}`;
    delete spec.regions[1].cluster.oidcIssuer;
    const e = catchValidation(() => new StreamingPlatform("e", { spec: parsePlatformSpec(spec), secretValues }));
    expect(e).toMatchObject({ code: "OidcProviderMissing", scope: "regions[1]", field: "cluster.oidcProviderArn" });
    expect(e.issues[0].message).toMatch(/replicates Kafka topics/);
  });

  test("the spec refuses pulumi delivery without a kubeconfig source", () => {
    const spec = pulumiSpec();
    delete spec.regions[0].cluster.kubeconfig;
    expect(catchValidation(() => parsePlatformSpec(spec))).toMatchObject({ code: "ClusterKubeconfigMissing", scope: "regions[0]", field: "cluster.kubeconfig" });
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
    const groups = mine.filter((r) => r.type === "kubernetes:yaml/v2:ConfigGroup");
    const synth = synthesize(spec);
    expect(groups.map((g) => g.inputs.yaml).sort()).toEqual(synth.files.map((f) => f.content).sort());
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

describe("retained objects", () => {
  const transform = (type: string, custom = true) => retainStatefulObjects({ custom, type, name: "n", props: { a: 1 }, opts: { protect: false } });
  test("namespaces, volumes, Kafka clusters, node pools, topics and Flink state are kept when removed from the stack", () => {
    for (const kind of RETAINED_KINDS) {
      const group = kind === "Namespace" || kind === "PersistentVolumeClaim" ? "core/v1" : kind.startsWith("Flink") ? "flink.apache.org/v1beta1" : "kafka.strimzi.io/v1";
      expect([kind, transform(`kubernetes:${group}:${kind}`)]).toEqual([kind, { props: { a: 1 }, opts: { protect: false, retainOnDelete: true } }]);
    }
  });
  test("everything else is deleted with the stack, and components are left alone", () => {
    for (const type of ["kubernetes:kafka.strimzi.io/v1:KafkaUser", "kubernetes:core/v1:ConfigMap", "kubernetes:batch/v1:Job", "kubernetes:kafka.strimzi.io/v1:KafkaConnector"]) {
      expect([type, transform(type)]).toEqual([type, undefined]);
    }
    expect(transform("kubernetes:core/v1:Namespace", false)).toBeUndefined();
  });
});
