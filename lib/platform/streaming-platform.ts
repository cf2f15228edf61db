import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import {
  checkpointBucketName,
  OPERATOR_CHARTS,
  parseDuration,
  roleArn,
  savepointReplicationRoleName,
  tenantRoleName,
  tenantStoragePrefix,
  ValidationError,
  ValidationIssue,
} from "../core";
import { CheckpointStorage } from "../cloud/checkpoint-storage";
import { PlatformSecrets } from "../cloud/platform-secrets";
import { SavepointReplication } from "../cloud/savepoint-replication";
import { TenantWorkloadRole, WorkloadIdentity } from "../cloud/workload-role";
import { renderPlatform, RenderedTree } from "../gitops/render";
import { composePlatform, ComposedPlatform, DEFAULT_KAFKA_NAMESPACE, secretsAwsRegion } from "./compose";
import { replicatedJobs, replicatedSavepointPrefixes, ResolvedReplication, resolveReplication } from "./replication";
import { PlatformSpec, RegionSpec, TenantSpec } from "./spec";

/**
 * How long a standby bucket keeps the savepoints replicated into it: twice the job's savepoint history age
 * (the operator's 24 hours when the job sets none), at least 7 days, so the standby always holds what the
 * primary still has.
 */
export function replicaExpirations(
  spec: PlatformSpec,
  standby: string,
  plan: readonly ResolvedReplication[] = resolveReplication(spec),
): { prefix: string; days: number }[] {
  const out: { prefix: string; days: number }[] = [];
  for (const entry of plan.filter((r) => r.spec.standby === standby)) {
    for (const job of replicatedJobs(entry)) {
      const ageMs = job.savepointHistory?.maxAge ? parseDuration(job.savepointHistory.maxAge, { scope: "", field: "" }).ms ?? 0 : 86_400_000;
      out.push({ prefix: `${tenantStoragePrefix(entry.tenant.name)}${job.name}/savepoints/`, days: Math.max(7, Math.ceil((2 * ageMs) / 86_400_000)) });
    }
  }
  return out;
}

/**
 * Kinds whose objects hold data or own it (a KafkaTopic's deletion deletes the topic, a Kafka's its brokers'
 * volumes, a namespace's everything in it, a FlinkDeployment's its job and HA state): `pulumi destroy` or their
 * removal from the stack leaves them in the cluster (`retainOnDelete`); deleting them is a reviewed, manual step.
 */
export const RETAINED_KINDS: readonly string[] = ["Namespace", "PersistentVolumeClaim", "Kafka", "KafkaNodePool", "KafkaTopic", "FlinkDeployment", "FlinkStateSnapshot"];

/**
 * A transform for the manifests' ConfigGroups: objects of {@link RETAINED_KINDS} get `retainOnDelete`. (A
 * ConfigGroup passes only `parent` to the objects it registers, so the option must reach them as a transform.)
 */
export function retainStatefulObjects(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
  if (!args.custom) return undefined;
  const kind = args.type.split(":").pop() ?? "";
  if (!RETAINED_KINDS.includes(kind)) return undefined;
  return { props: args.props, opts: { ...args.opts, retainOnDelete: true } };
}

/** The tenants a region runs (a tenant without `regions` runs in every region). */
function tenantsIn(spec: PlatformSpec, region: RegionSpec): TenantSpec[] {
  return (spec.tenants ?? []).filter((t) => (t.regions ?? spec.regions.map((r) => r.name)).includes(region.name));
}

/**
 * A region's cluster for `delivery: pulumi`: a provider, or a kubeconfig (text, or the object a stack reference
 * returns for a kubeconfig output).
 */
export type RegionCluster = k8s.Provider | pulumi.Input<string> | pulumi.Input<Readonly<Record<string, unknown>>>;

/**
 * A kubeconfig as the Kubernetes provider takes it (text): an object is serialized as JSON (a YAML subset),
 * never through `String()`, which turns it into "[object Object]".
 */
export function kubeconfigText(kubeconfig: pulumi.Input<string> | pulumi.Input<Readonly<Record<string, unknown>>>): pulumi.Output<string> {
  return pulumi.output(kubeconfig).apply((v) => (typeof v === "string" ? v : JSON.stringify(v)));
}

/** Arguments of a {@link StreamingPlatform}. */
export interface StreamingPlatformArgs {
  /** The parsed platform spec (`loadPlatformSpec`). */
  readonly spec: PlatformSpec;
  /**
   * Secret values by `<tenant>/<name>` (the spec's `tenants[].secrets[]`), as Pulumi secrets.
   * @default - none (secrets then must already exist in Secrets Manager)
   */
  readonly secretValues?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * The cluster of each region (`delivery: pulumi`), by region name: a `k8s.Provider` (e.g. from the program that
   * created the cluster), or a kubeconfig as a string (YAML or JSON) or as an object (as a stack reference gives
   * it), which becomes the region's provider. The stack reads them from stack config or a stack reference.
   * @default - none (required for `delivery: pulumi`)
   */
  readonly kubeconfigs?: Readonly<Record<string, RegionCluster>>;
  /**
   * Which cloud resources the component creates: `aws`, the checkpoint buckets, keys, tenant roles, platform
   * secrets and savepoint replication; `none`, no cloud resource at all (they are managed by another stack or
   * exist already under the names Floe derives from the spec, which the outputs report): only the Kubernetes
   * side is delivered.
   * @default "aws"
   */
  readonly cloud?: "aws" | "none";
}

/** What the stack exports per region. */
export interface RegionOutputs {
  /** Checkpoint bucket name. */
  readonly bucketName: string;
  /** Kafka bootstrap address (the first listener). */
  readonly bootstrap: string;
  /** Workload role ARN per tenant. */
  readonly tenantRoleArns: Readonly<Record<string, string>>;
  /** The External Secrets Operator's role ARN. */
  readonly externalSecretsRoleArn?: string;
  /** ARN of the role that replicates this region's savepoints to its standby regions, if any. */
  readonly savepointReplicationRoleArn?: pulumi.Output<string>;
}

/**
 * The whole platform as one Pulumi component: per region, an AWS provider for the region, the checkpoint
 * storage, each tenant's workload role and the platform secrets; with `delivery: pulumi` also a Kubernetes
 * provider for the region's cluster, the pinned operators (Strimzi, Flink operator, External Secrets) and
 * the manifests `floe synth` renders, applied with `yaml.v2.ConfigGroup` after the operators (platform file
 * first, then the tenants'). With `delivery: gitops` the manifests are left to the GitOps controller.
 * With `replication[]`, each primary region's bucket replicates the replicated jobs' savepoints to the standby
 * buckets, and the primary's External Secrets Operator may push the MirrorMaker 2 credentials and CA to the
 * standby's Secrets Manager (under `<environment>/platform/kafka/<primary>/`).
 */
export class StreamingPlatform extends pulumi.ComponentResource {
  /** The rendered tree the stack applies (identical to `floe synth` of the same spec). */
  public readonly tree: RenderedTree;
  /** Outputs per region name. */
  public readonly regions: Readonly<Record<string, RegionOutputs>>;

  constructor(name: string, args: StreamingPlatformArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("floe:platform:StreamingPlatform", name, {}, opts);
    const spec = args.spec;
    ValidationError.throwIfAny(this.validate(args));
    const accountId = spec.aws!.accountId!;
    const { platform, warnings } = composePlatform(spec);
    this.tree = renderPlatform(platform, warnings);
    const replication = resolveReplication(spec);
    if (args.cloud === "none") {
      this.regions = Object.fromEntries(spec.regions.map((region) => [region.name, this.deliverRegion(name, region, args, platform)]));
      this.registerOutputs({ regions: this.regions });
      return;
    }
    // Buckets first: replication in either direction needs the peer bucket and key.
    const storages = new Map<string, { storage: CheckpointStorage; awsProvider: aws.Provider }>();
    for (const region of spec.regions) {
      const prefix = `${name}-${region.name}`;
      const awsProvider = new aws.Provider(`${prefix}-aws`, { region: (region.awsRegion ?? region.name) as aws.Region }, { parent: this });
      const storage = new CheckpointStorage(
        `${prefix}-state`,
        {
          environment: spec.environment,
          region: region.name,
          awsRegion: region.awsRegion ?? region.name,
          accountId,
          bucketName: region.flink?.checkpointBucket,
          replicaExpirations: replicaExpirations(spec, region.name, replication),
        },
        { parent: this, providers: { aws: awsProvider } },
      );
      storages.set(region.name, { storage, awsProvider });
    }
    const regions: Record<string, RegionOutputs> = {};
    for (const region of spec.regions) {
      regions[region.name] = this.buildRegion(name, region, args, accountId, platform, storages, replication);
    }
    this.regions = regions;
    this.registerOutputs({ regions });
  }

  private validate(args: StreamingPlatformArgs): ValidationIssue[] {
    const spec = args.spec;
    const issues: ValidationIssue[] = [];
    if (args.cloud !== undefined && args.cloud !== "aws" && args.cloud !== "none") {
      issues.push({
        code: "UnknownCloud",
        scope: "args",
        field: "cloud",
        value: args.cloud,
        message: "is not a cloud the component knows",
        fix: 'use "aws" (the default) or "none" (no cloud resources, Kubernetes side only)',
      });
    }
    if (args.cloud === "none") {
      if (Object.keys(args.secretValues ?? {}).length > 0) {
        issues.push({
          code: "SecretValuesWithoutCloud",
          scope: "args",
          field: "secretValues",
          value: undefined,
          message: "secret values were given, but with cloud \"none\" the component creates no secret to hold them",
          fix: "store them in the secret manager the cloud stack manages, and remove floe:secrets from this stack",
        });
      }
      issues.push(...this.kubeconfigIssues(args));
      return issues;
    }
    if (!spec.aws?.accountId) {
      issues.push({
        code: "AwsAccountMissing",
        scope: "spec",
        field: "aws.accountId",
        value: undefined,
        message: "the Pulumi program creates AWS resources and names them after the account",
        fix: "add aws: { accountId: \"<12 digits>\" } to the spec",
      });
    }
    spec.regions.forEach((region, ri) => {
      const identity = spec.aws?.workloadIdentity ?? "irsa";
      const tenantsWithJobs = (spec.tenants ?? []).some((t) => (t.jobs ?? []).length > 0 && (t.regions ?? [region.name]).includes(region.name));
      if (tenantsWithJobs && identity === "irsa" && (!region.cluster?.oidcProviderArn || !region.cluster?.oidcIssuer)) {
        issues.push({
          code: "OidcProviderMissing",
          scope: `regions[${ri}]`,
          field: "cluster.oidcProviderArn",
          value: undefined,
          message: "tenant workload roles trust the cluster's OIDC provider (IRSA)",
          fix: "set cluster.oidcProviderArn and cluster.oidcIssuer, or aws.workloadIdentity: pod-identity with cluster.clusterName",
        });
      }
      if (tenantsWithJobs && identity === "pod-identity" && !region.cluster?.clusterName) {
        issues.push({
          code: "ClusterNameMissing",
          scope: `regions[${ri}]`,
          field: "cluster.clusterName",
          value: undefined,
          message: "EKS Pod Identity associations name the cluster",
          fix: "set cluster.clusterName",
        });
      }
      const replicates = (spec.replication ?? []).some((r) => r.primary === region.name || r.standby === region.name);
      const reportedAbove = tenantsWithJobs && identity === "irsa";
      if (replicates && !reportedAbove && (!region.cluster?.oidcProviderArn || !region.cluster?.oidcIssuer)) {
        issues.push({
          code: "OidcProviderMissing",
          scope: `regions[${ri}]`,
          field: "cluster.oidcProviderArn",
          value: undefined,
          message: "the region replicates Kafka topics: the External Secrets Operator's role (IRSA) moves MirrorMaker 2's credentials and CA",
          fix: "set cluster.oidcProviderArn and cluster.oidcIssuer",
        });
      }
    });
    issues.push(...this.kubeconfigIssues(args));
    for (const tenant of args.spec.tenants ?? []) {
      for (const secret of tenant.secrets ?? []) {
        const key = `${tenant.name}/${secret.name}`;
        if (args.secretValues && !(key in args.secretValues)) {
          issues.push({
            code: "SecretValueMissing",
            scope: "secretValues",
            field: key,
            value: undefined,
            message: "the spec declares this secret but the stack has no value for it",
            fix: `set it with: pulumi config set --secret --path 'floe:secrets.${key}' <value>`,
          });
        }
      }
    }
    return issues;
  }

  private kubeconfigIssues(args: StreamingPlatformArgs): ValidationIssue[] {
    if (args.spec.delivery !== "pulumi") return [];
    return args.spec.regions.flatMap((region, ri) =>
      args.kubeconfigs?.[region.name] === undefined
        ? [
            {
              code: "ClusterKubeconfigMissing",
              scope: `regions[${ri}]`,
              field: "cluster.kubeconfig",
              value: undefined,
              message: "no kubeconfig was given for the region",
              fix: "set the stack config key or stack reference the spec names",
            },
          ]
        : [],
    );
  }

  /** `cloud: none`: the region's manifests only; the cloud names are the ones Floe derives from the spec. */
  private deliverRegion(name: string, region: RegionSpec, args: StreamingPlatformArgs, platform: ComposedPlatform): RegionOutputs {
    const spec = args.spec;
    const accountId = spec.aws?.accountId;
    const tenants = tenantsIn(spec, region);
    if (spec.delivery === "pulumi") {
      this.applyManifests(`${name}-${region.name}`, region, args.kubeconfigs![region.name], tenants.map((t) => t.name), undefined);
    }
    return {
      bucketName: region.flink?.checkpointBucket ?? checkpointBucketName(spec.environment, region.name, accountId),
      bootstrap: platform.regions.find((r) => r.region === region.name)!.kafka.bootstrapAddress(),
      tenantRoleArns: accountId
        ? Object.fromEntries(tenants.filter((t) => (t.jobs ?? []).length > 0).map((t) => [t.name, roleArn(accountId, tenantRoleName(spec.environment, region.name, t.name))]))
        : {},
    };
  }

  private buildRegion(
    name: string,
    region: RegionSpec,
    args: StreamingPlatformArgs,
    accountId: string,
    platform: ComposedPlatform,
    storages: ReadonlyMap<string, { storage: CheckpointStorage; awsProvider: aws.Provider }>,
    replication: readonly ResolvedReplication[],
  ): RegionOutputs {
    const spec = args.spec;
    const prefix = `${name}-${region.name}`;
    const awsRegion = region.awsRegion ?? region.name;
    const { storage, awsProvider } = storages.get(region.name)!;
    const cloud: pulumi.ComponentResourceOptions = { parent: this, providers: { aws: awsProvider } };
    const base = { environment: spec.environment, region: region.name, awsRegion, accountId };
    const asPrimary = replication.filter((r) => r.spec.primary === region.name);
    let savepointReplicationRoleArn: pulumi.Output<string> | undefined;
    const destinations = [...new Set(asPrimary.map((r) => r.spec.standby))]
      .map((standby) => ({
        storage: storages.get(standby)!.storage,
        awsRegion: spec.regions.find((r) => r.name === standby)!.awsRegion ?? standby,
        prefixes: [...new Set(asPrimary.filter((r) => r.spec.standby === standby).flatMap(replicatedSavepointPrefixes))].sort(),
      }))
      .filter((d) => d.prefixes.length > 0);
    if (destinations.length > 0) {
      const savepoints = new SavepointReplication(
        `${prefix}-savepoint-replication`,
        { source: storage, sourceAwsRegion: awsRegion, destinations, roleName: savepointReplicationRoleName(spec.environment, region.name) },
        cloud,
      );
      savepointReplicationRoleArn = savepoints.role.arn;
    }
    const tenants = tenantsIn(spec, region);
    const identity = (): WorkloadIdentity =>
      (spec.aws?.workloadIdentity ?? "irsa") === "irsa"
        ? { type: "irsa", oidcProviderArn: region.cluster!.oidcProviderArn!, oidcIssuer: region.cluster!.oidcIssuer! }
        : { type: "pod-identity", clusterName: region.cluster!.clusterName! };
    const tenantRoleArns: Record<string, string> = {};
    for (const tenant of tenants.filter((t) => (t.jobs ?? []).length > 0)) {
      const role = new TenantWorkloadRole(
        `${prefix}-${tenant.name}`,
        { ...base, tenant: tenant.name, storage, serviceAccounts: [`${tenant.name}-flink`], identity: identity() },
        cloud,
      );
      tenantRoleArns[tenant.name] = role.roleArn;
    }
    const secrets = tenants.flatMap((t) =>
      (t.secrets ?? []).map((s) => ({ tenant: t.name, name: s.name, value: args.secretValues?.[`${t.name}/${s.name}`] })),
    );
    let externalSecretsRoleArn: string | undefined;
    const replicates = replication.some((r) => r.spec.primary === region.name || r.spec.standby === region.name);
    if ((secrets.length > 0 || replicates) && region.cluster?.oidcProviderArn && region.cluster.oidcIssuer) {
      const platformSecrets = new PlatformSecrets(
        `${prefix}-secrets`,
        {
          ...base,
          secrets: secrets.filter((s) => s.value !== undefined).map((s) => ({ tenant: s.tenant, name: s.name, value: s.value! })),
          oidcProviderArn: region.cluster.oidcProviderArn,
          oidcIssuer: region.cluster.oidcIssuer,
          // MirrorMaker 2 in each standby region reads this region's replication user and CA from there.
          pushes: [...new Set(asPrimary.map((r) => r.spec.standby))].sort().map((standby) => ({
            awsRegion: secretsAwsRegion(spec.regions.find((r) => r.name === standby)!),
            prefix: `${spec.environment}/platform/kafka/${region.name}/`,
          })),
        },
        cloud,
      );
      externalSecretsRoleArn = platformSecrets.externalSecretsRoleArn;
    }

    if (spec.delivery === "pulumi") {
      this.applyManifests(prefix, region, args.kubeconfigs![region.name], tenants.map((t) => t.name), externalSecretsRoleArn);
    }
    const bootstrap = platform.regions.find((r) => r.region === region.name)!.kafka.bootstrapAddress();
    return {
      bucketName: storage.bucketName,
      bootstrap,
      tenantRoleArns,
      ...(externalSecretsRoleArn ? { externalSecretsRoleArn } : {}),
      ...(savepointReplicationRoleArn ? { savepointReplicationRoleArn } : {}),
    };
  }

  private applyManifests(prefix: string, region: RegionSpec, cluster: RegionCluster, tenantNamespaces: string[], esoRoleArn: string | undefined): void {
    const provider =
      cluster instanceof k8s.Provider ? cluster : new k8s.Provider(`${prefix}-k8s`, { kubeconfig: kubeconfigText(cluster), enableServerSideApply: true }, { parent: this });
    const k8sOpts: pulumi.CustomResourceOptions = { parent: this, provider };
    const operators: pulumi.Resource[] = [];
    if (region.operators?.install ?? true) {
      const kafkaNamespace = region.kafka.namespace ?? DEFAULT_KAFKA_NAMESPACE;
      const release = (id: string, chart: { chart: string; version: string; repo: string; namespace: string }, values: Record<string, unknown>) =>
        new k8s.helm.v3.Release(
          `${prefix}-${id}`,
          {
            name: chart.chart,
            chart: chart.chart,
            version: chart.version,
            repositoryOpts: { repo: chart.repo },
            namespace: chart.namespace,
            createNamespace: true,
            atomic: true,
            values,
          },
          k8sOpts,
        );
      operators.push(
        release("strimzi", OPERATOR_CHARTS.strimzi, {
          watchNamespaces: [kafkaNamespace],
          extraEnvs: [{ name: "STRIMZI_POD_SECURITY_PROVIDER_CLASS", value: "restricted" }],
        }),
        release("flink-operator", OPERATOR_CHARTS.flink, { watchNamespaces: [...tenantNamespaces].sort() }),
        release("external-secrets", OPERATOR_CHARTS.externalSecrets, {
          installCRDs: true,
          ...(esoRoleArn ? { serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": esoRoleArn } } } : {}),
        }),
      );
    }
    const files = this.tree.files.filter((f) => f.path.startsWith(`${region.name}/`));
    const platformFile = files.find((f) => f.path === `${region.name}/platform.yaml`)!;
    // The SDK refuses transforms under `setMocks` (its mock monitor has no transform callbacks), where a mocked
    // ConfigGroup registers no object to transform anyway; the real engine (test/e2e/pulumi.test.ts) runs them.
    const mocked = pulumi.runtime.getMonitor() instanceof MockMonitor;
    const groupOpts = { ...k8sOpts, ...(mocked ? {} : { transforms: [retainStatefulObjects] }) };
    const platformGroup = new k8s.yaml.v2.ConfigGroup(`${prefix}-platform`, { yaml: platformFile.content }, { ...groupOpts, dependsOn: operators });
    for (const file of files.filter((f) => f !== platformFile)) {
      const id = file.path.slice(region.name.length + 1).replace(/\.yaml$/, "");
      new k8s.yaml.v2.ConfigGroup(`${prefix}-${id}`, { yaml: file.content }, { ...groupOpts, dependsOn: [...operators, platformGroup] });
    }
  }
}
