import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import {
  checkpointBucketName,
  FLINK_OPERATOR_IMAGE,
  OPERATOR_CHARTS,
  OPERATOR_CRD_URLS,
  roleArn,
  savepointReplicationRoleName,
  tenantRoleName,
  ValidationError,
  ValidationIssue,
} from "../core";
import { CheckpointStorage } from "../cloud/checkpoint-storage";
import { PlatformSecrets } from "../cloud/platform-secrets";
import { SavepointReplication } from "../cloud/savepoint-replication";
import { TenantWorkloadRole, WorkloadIdentity } from "../cloud/workload-role";
import { Manifest, renderPlatform, RenderedTree } from "../gitops/render";
import { composePlatform, ComposedPlatform, DEFAULT_KAFKA_NAMESPACE, secretsAwsRegion } from "./compose";
import { replicatedSavepointPrefixes, ResolvedReplication, resolveReplication } from "./replication";
import { PlatformSpec, RegionSpec, TenantSpec } from "./spec";

/**
 * Kinds whose objects hold data or own it (a KafkaTopic's deletion deletes the topic, a Kafka's its brokers'
 * volumes, a namespace's everything in it, a FlinkDeployment's its job and HA state, a CRD's every object of its
 * kind): `pulumi destroy` or their removal from the spec leaves them in the cluster (`retainOnDelete`).
 * Deleting one is a reviewed step: list it in the spec's `allowDestructive` (kind, name, namespace, reason) and
 * `pulumi up` while it is still in the spec; a later removal then deletes it.
 */
export const RETAINED_KINDS: readonly string[] = [
  "Namespace",
  "PersistentVolumeClaim",
  "CustomResourceDefinition",
  "Kafka",
  "KafkaNodePool",
  "KafkaTopic",
  "FlinkDeployment",
  "FlinkStateSnapshot",
];

/** A `spec.allowDestructive` entry: the object whose deletion a reviewer accepted. */
export interface DestructiveAcknowledgement {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** The metadata of a resource's inputs (a Kubernetes object's), if it has one. */
function inputMetadata(props: Record<string, unknown>): { name?: string; namespace?: string } {
  const m = props.metadata;
  return m && typeof m === "object" ? (m as { name?: string; namespace?: string }) : {};
}

/**
 * Helm's annotation that keeps an object when a release stops rendering it or is uninstalled. Helm reads it from
 * the live object on upgrade (pkg/kube/client.go `Update`: "Skipping delete ... due to annotation"): a stack made
 * by an earlier Floe had External Secrets' CRDs rendered by its chart (`installCRDs: true`), and turning that off
 * would otherwise delete them, and every ExternalSecret with them.
 */
export const HELM_KEEP = { "helm.sh/resource-policy": "keep" } as const;

/**
 * The transform of the manifests' ConfigGroups (a ConfigGroup passes only `parent` to the objects it registers, so
 * options must reach them as a transform): objects of {@link RETAINED_KINDS} get `retainOnDelete` unless a
 * reviewer acknowledged their deletion; CRDs carry {@link HELM_KEEP}; every object gets an alias to the name it had
 * when each file was its own resource prefix (`<prefix>-<file>:<namespace>/<name>`), so that stacks made by an
 * earlier Floe keep their objects.
 */
export function manifestTransform(
  acknowledged: readonly DestructiveAcknowledgement[] = [],
  formerNames: ReadonlyMap<string, string> = new Map(),
): (args: pulumi.ResourceTransformArgs) => pulumi.ResourceTransformResult | undefined {
  return (args) => {
    if (!args.custom) return undefined;
    const kind = args.type.split(":").pop() ?? "";
    const { name, namespace } = inputMetadata(args.props);
    const acked = acknowledged.some((a) => a.kind === kind && a.name === name && (a.namespace ?? undefined) === (namespace ?? undefined));
    const retain = RETAINED_KINDS.includes(kind) && !acked;
    const former = formerNames.get(objectKey(kind, namespace, name));
    const crd = kind === "CustomResourceDefinition";
    if (!retain && !former && !crd) return undefined;
    const metadata = args.props.metadata as Record<string, unknown> | undefined;
    return {
      props: crd
        ? { ...args.props, metadata: { ...metadata, annotations: { ...((metadata?.annotations as Record<string, string> | undefined) ?? {}), ...HELM_KEEP } } }
        : args.props,
      opts: {
        ...args.opts,
        ...(retain ? { retainOnDelete: true } : {}),
        ...(former ? { aliases: [...(args.opts.aliases ?? []), { name: former }] } : {}),
      },
    };
  };
}

function objectKey(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind}|${namespace ?? ""}|${name ?? ""}`;
}

/** The name a ConfigGroup gives an object under `resourcePrefix` (`<prefix>:<namespace>/<name>`, or `<prefix>:<name>`). */
function childName(resourcePrefix: string, o: Manifest): string {
  return `${resourcePrefix}:${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
}

/**
 * The CRDs (`<plural>.<group>`) the objects need: every kind of a group that is not Kubernetes' own (a group with a
 * dot that does not end in `k8s.io`). Plurals are the lower-case kind plus `s`, as every CRD Floe renders for
 * spells it (kafkamirrormaker2s, flinkstatesnapshots, podmonitors, ...).
 */
export function requiredCrds(objects: readonly Manifest[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
    if (!group.includes(".") || group.endsWith("k8s.io")) continue;
    out.add(`${o.kind.toLowerCase()}s.${group}`);
  }
  return [...out].sort();
}

/** The API groups of the CRDs each operator's pinned release installs (see {@link OPERATOR_CRD_URLS}). */
const OPERATOR_CRD_GROUPS: Readonly<Record<keyof typeof OPERATOR_CHARTS, string>> = {
  strimzi: "kafka.strimzi.io",
  flink: "flink.apache.org",
  externalSecrets: "external-secrets.io",
};

/**
 * The URN of an object a ConfigGroup whose URN is `groupUrn` registers under `resourcePrefix`:
 * `urn:pulumi:<stack>::<project>::<group's type chain>$<type>::<name>`, the type being
 * `kubernetes:<group or core>/<version>:<kind>`.
 */
export function groupChildUrn(groupUrn: string, o: Manifest, resourcePrefix: string): string {
  const [head, project, chain] = groupUrn.split("::");
  const apiVersion = o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`;
  return `${head}::${project}::${chain}$kubernetes:${apiVersion}:${o.kind}::${childName(resourcePrefix, o)}`;
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

/**
 * How a region's workloads reach AWS, when it comes from outside the spec (stack config, or another program's
 * outputs): overrides the spec's `regions[].cluster` fields of the same names.
 */
export interface ClusterIdentity {
  /**
   * The cluster's OIDC issuer URL (IRSA).
   * @default - the spec's `cluster.oidcIssuer`
   */
  readonly oidcIssuer?: pulumi.Input<string>;
  /**
   * The IAM OIDC provider's ARN (IRSA).
   * @default - the spec's `cluster.oidcProviderArn`, else `arn:aws:iam::<account>:oidc-provider/<issuer host and path>`
   */
  readonly oidcProviderArn?: pulumi.Input<string>;
  /**
   * The EKS cluster's name (Pod Identity associations).
   * @default - the spec's `cluster.clusterName`
   */
  readonly clusterName?: pulumi.Input<string>;
}

/**
 * The ARN IAM gives the OIDC provider of an issuer: `arn:aws:iam::<account>:oidc-provider/<issuer without https://>`
 * (https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html).
 */
export function oidcProviderArnOf(accountId: string, issuer: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${issuer.replace(/^https:\/\//, "")}`;
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
   * Each region's workload identity inputs (OIDC issuer and provider, EKS cluster name), by region name; they may
   * be outputs of the program that created the cluster.
   * @default - the spec's `regions[].cluster`
   */
  readonly clusters?: Readonly<Record<string, ClusterIdentity>>;
  /**
   * Which cloud resources the component creates: `aws`, the checkpoint buckets, keys, tenant roles, platform
   * secrets and savepoint replication; `none`, no cloud resource at all (they are managed by another stack or
   * exist already under the names Floe derives from the spec, which the outputs report): only the Kubernetes
   * side is delivered.
   * @default "aws"
   */
  readonly cloud?: "aws" | "none";
}

/** What the stack exports per region (resource outputs where the component created the resource). */
export interface RegionOutputs {
  /** Checkpoint bucket name. */
  readonly bucketName: string;
  /** Checkpoint bucket ARN (with cloud `aws`). */
  readonly bucketArn?: pulumi.Output<string>;
  /** ARN of the bucket's KMS key (with cloud `aws`). */
  readonly kmsKeyArn?: pulumi.Output<string>;
  /** Kafka bootstrap address (the first listener). */
  readonly bootstrap: string;
  /** Workload role ARN per tenant (the role's output with cloud `aws`, the derived ARN otherwise). */
  readonly tenantRoleArns: Readonly<Record<string, pulumi.Input<string>>>;
  /** The External Secrets Operator's role ARN. */
  readonly externalSecretsRoleArn?: pulumi.Output<string>;
  /** ARN of the role that replicates this region's savepoints to its standby regions, if any. */
  readonly savepointReplicationRoleArn?: pulumi.Output<string>;
}

/** The stack config keys a missing setting can be given with (the Floe program's `Pulumi.yaml`). */
const CONFIG_HINT = {
  accountId: "pulumi config set floe:accountId <12 digits> (or aws.accountId in the spec)",
  oidcIssuer: (region: string) => `pulumi config set --path 'floe:clusters.${region}.oidcIssuer' https://oidc.eks.<region>.amazonaws.com/id/<id> (or cluster.oidcIssuer in the spec)`,
  clusterName: (region: string) => `pulumi config set --path 'floe:clusters.${region}.clusterName' <EKS cluster> (or cluster.clusterName in the spec)`,
} as const;

/**
 * The whole platform as one Pulumi component: per region, an AWS provider for the region (pinned to the spec's
 * account, every resource tagged), the checkpoint storage, each tenant's workload role and the platform secrets;
 * with `delivery: pulumi` also a Kubernetes provider for the region's cluster and, in this order: the namespaces
 * Floe renders; the operators' CRDs (from their pinned releases, kept on removal) and the pinned operators
 * (Strimzi, Flink operator, External Secrets; their charts create RBAC in the watched namespaces); then the
 * manifests `floe synth` renders, applied with `yaml.v2.ConfigGroup`s after the AWS side they use (roles, Pod
 * Identity associations, secret values) and every CRD they need (read, so a missing one stops the update with
 * its name): the platform file first, then the tenants', which also depend on each object of the platform file
 * (a tenant's topics are deleted before the Kafka whose operator removes their finalizers). With
 * `delivery: gitops` the manifests are left to the GitOps controller.
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
    const { platform, warnings } = composePlatform(spec);
    this.tree = renderPlatform(platform, warnings);
    const replication = resolveReplication(spec);
    if (args.cloud === "none") {
      this.regions = Object.fromEntries(spec.regions.map((region) => [region.name, this.deliverRegion(name, region, args, platform)]));
      this.registerOutputs({ regions: this.regions });
      return;
    }
    const accountId = spec.aws!.accountId!;
    // Buckets first: replication in either direction needs the peer bucket and key.
    const storages = new Map<string, { storage: CheckpointStorage; awsProvider: aws.Provider }>();
    for (const region of spec.regions) {
      const prefix = `${name}-${region.name}`;
      const awsProvider = new aws.Provider(
        `${prefix}-aws`,
        {
          region: (region.awsRegion ?? region.name) as aws.Region,
          // The names Floe derives (buckets, roles, ARNs in the manifests) carry this account: refuse any other.
          allowedAccountIds: [accountId],
          defaultTags: { tags: { "floe.dev/environment": spec.environment, "floe.dev/region": region.name, "app.kubernetes.io/managed-by": "floe" } },
        },
        { parent: this },
      );
      const storage = new CheckpointStorage(
        `${prefix}-state`,
        {
          environment: spec.environment,
          region: region.name,
          awsRegion: region.awsRegion ?? region.name,
          accountId,
          bucketName: region.flink?.checkpointBucket,
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

  /** Whether a region's workloads or operators need an AWS identity (roles for jobs, secrets, replication). */
  private static needsIdentity(spec: PlatformSpec, region: RegionSpec): boolean {
    const tenants = tenantsIn(spec, region);
    return (
      tenants.some((t) => (t.jobs ?? []).length > 0 || (t.secrets ?? []).length > 0) ||
      (spec.replication ?? []).some((r) => r.primary === region.name || r.standby === region.name)
    );
  }

  /** The region's workload identity: the args' values over the spec's (undefined when a required one is missing). */
  private static identityOf(spec: PlatformSpec, region: RegionSpec, args: StreamingPlatformArgs): WorkloadIdentity | undefined {
    const given = args.clusters?.[region.name] ?? {};
    const cluster = region.cluster ?? {};
    if ((spec.aws?.workloadIdentity ?? "irsa") === "pod-identity") {
      const clusterName = given.clusterName ?? cluster.clusterName;
      return clusterName === undefined ? undefined : { type: "pod-identity", clusterName };
    }
    const issuer = given.oidcIssuer ?? cluster.oidcIssuer;
    if (issuer === undefined) return undefined;
    const accountId = spec.aws?.accountId ?? "";
    const providerArn = given.oidcProviderArn ?? cluster.oidcProviderArn ?? pulumi.output(issuer).apply((i) => oidcProviderArnOf(accountId, i));
    return { type: "irsa", oidcProviderArn: providerArn, oidcIssuer: issuer };
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
    for (const regionName of Object.keys(args.clusters ?? {})) {
      if (!spec.regions.some((r) => r.name === regionName)) {
        issues.push({
          code: "UnknownRegion",
          scope: "args",
          field: `clusters.${regionName}`,
          value: regionName,
          message: "names no region of the spec",
          fix: `use one of: ${spec.regions.map((r) => r.name).join(", ")}`,
        });
      }
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
        fix: CONFIG_HINT.accountId,
      });
    }
    spec.regions.forEach((region, ri) => {
      if (!StreamingPlatform.needsIdentity(spec, region) || StreamingPlatform.identityOf(spec, region, args)) return;
      const podIdentity = spec.aws?.workloadIdentity === "pod-identity";
      issues.push(
        podIdentity
          ? {
              code: "ClusterNameMissing",
              scope: `regions[${ri}]`,
              field: "cluster.clusterName",
              value: undefined,
              message: "EKS Pod Identity associations (tenant roles, the External Secrets Operator) name the cluster",
              fix: CONFIG_HINT.clusterName(region.name),
            }
          : {
              code: "OidcProviderMissing",
              scope: `regions[${ri}]`,
              field: "cluster.oidcIssuer",
              value: undefined,
              message: "the tenants' workload roles and the External Secrets Operator's role trust the cluster's OIDC issuer (IRSA)",
              fix: `${CONFIG_HINT.oidcIssuer(region.name)}; or use workloadIdentity pod-identity with the cluster's name`,
            },
      );
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
              fix:
                region.cluster?.kubeconfig && "config" in region.cluster.kubeconfig
                  ? `pulumi config set --secret floe:${region.cluster.kubeconfig.config} "$(cat <kubeconfig>)"`
                  : "set the stack config key or stack reference the spec names in cluster.kubeconfig",
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
      this.applyManifests(`${name}-${region.name}`, region, args, tenants.map((t) => t.name), undefined, []);
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
    const identity = StreamingPlatform.identityOf(spec, region, args);
    const awsReady: pulumi.Resource[] = [];
    const tenantRoleArns: Record<string, pulumi.Output<string>> = {};
    for (const tenant of tenants.filter((t) => (t.jobs ?? []).length > 0)) {
      const role = new TenantWorkloadRole(
        `${prefix}-${tenant.name}`,
        { ...base, tenant: tenant.name, storage, serviceAccounts: [`${tenant.name}-flink`], identity: identity! },
        cloud,
      );
      tenantRoleArns[tenant.name] = role.role.arn;
      awsReady.push(...role.ready);
    }
    const secrets = tenants.flatMap((t) =>
      (t.secrets ?? []).map((s) => ({ tenant: t.name, name: s.name, value: args.secretValues?.[`${t.name}/${s.name}`] })),
    );
    let externalSecretsRoleArn: pulumi.Output<string> | undefined;
    const replicates = replication.some((r) => r.spec.primary === region.name || r.spec.standby === region.name);
    if ((secrets.length > 0 || replicates) && identity) {
      const platformSecrets = new PlatformSecrets(
        `${prefix}-secrets`,
        {
          ...base,
          secrets: secrets.filter((s) => s.value !== undefined).map((s) => ({ tenant: s.tenant, name: s.name, value: s.value! })),
          identity,
          externalSecretsServiceAccount: region.secretStore?.serviceAccount,
          // MirrorMaker 2 in each standby region reads this region's replication user and CA from there.
          pushes: [...new Set(asPrimary.map((r) => r.spec.standby))].sort().map((standby) => ({
            awsRegion: secretsAwsRegion(spec.regions.find((r) => r.name === standby)!),
            prefix: `${spec.environment}/platform/kafka/${region.name}/`,
          })),
        },
        cloud,
      );
      externalSecretsRoleArn = platformSecrets.externalSecretsRoleArn;
      awsReady.push(...platformSecrets.ready);
    }

    if (spec.delivery === "pulumi") {
      const irsaRoleArn = identity?.type === "irsa" ? externalSecretsRoleArn : undefined;
      this.applyManifests(prefix, region, args, tenants.map((t) => t.name), irsaRoleArn, awsReady);
    }
    const bootstrap = platform.regions.find((r) => r.region === region.name)!.kafka.bootstrapAddress();
    return {
      bucketName: storage.bucketName,
      bucketArn: storage.bucketArn,
      kmsKeyArn: storage.kmsKeyArn,
      bootstrap,
      tenantRoleArns,
      ...(externalSecretsRoleArn ? { externalSecretsRoleArn } : {}),
      ...(savepointReplicationRoleArn ? { savepointReplicationRoleArn } : {}),
    };
  }

  private applyManifests(
    prefix: string,
    region: RegionSpec,
    args: StreamingPlatformArgs,
    tenantNamespaces: string[],
    esoIrsaRoleArn: pulumi.Output<string> | undefined,
    awsReady: readonly pulumi.Resource[],
  ): void {
    const cluster = args.kubeconfigs![region.name];
    const provider =
      cluster instanceof k8s.Provider ? cluster : new k8s.Provider(`${prefix}-k8s`, { kubeconfig: kubeconfigText(cluster), enableServerSideApply: true }, { parent: this });
    const k8sOpts: pulumi.CustomResourceOptions = { parent: this, provider };
    const files = this.tree.files.filter((f) => f.path.startsWith(`${region.name}/`));
    const platformFile = files.find((f) => f.path === `${region.name}/platform.yaml`)!;
    const groupOf = (file: { path: string }) => `${prefix}-${file.path.slice(region.name.length + 1).replace(/\.yaml$/, "")}`;
    // Every object is named `<prefix>:<namespace>/<name>` whatever file it is in (a move between files keeps its
    // identity); the names an earlier Floe gave (`<prefix>-<file>:...`) become aliases.
    const formerNames = new Map<string, string>();
    for (const file of files) for (const o of file.objects) formerNames.set(objectKey(o.kind, o.metadata.namespace, o.metadata.name), childName(groupOf(file), o));
    // The SDK refuses transforms under `setMocks` (its mock monitor has no transform callbacks), where a mocked
    // ConfigGroup registers no object to transform anyway; the real engine (test/e2e/pulumi.test.ts) runs them.
    const mocked = pulumi.runtime.getMonitor() instanceof MockMonitor;
    const transforms = mocked ? {} : { transforms: [manifestTransform(args.spec.allowDestructive ?? [], formerNames)] };
    const group = (id: string, objs: readonly Manifest[], dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]>) =>
      new k8s.yaml.v2.ConfigGroup(id, { objs: [...objs], resourcePrefix: prefix }, { ...k8sOpts, ...transforms, dependsOn });

    // 1. The namespaces: the operators' charts create RBAC in the namespaces they watch.
    const isNamespace = (o: Manifest) => o.apiVersion === "v1" && o.kind === "Namespace";
    const namespaces = group(`${prefix}-namespaces`, files.flatMap((f) => f.objects.filter(isNamespace)), []);

    // 2. The operators' CRDs and the operators.
    const before: pulumi.Resource[] = [namespaces, ...awsReady];
    const installed = new Set<string>();
    if (region.operators?.install ?? true) {
      const crds = (Object.keys(OPERATOR_CRD_URLS) as (keyof typeof OPERATOR_CRD_URLS)[]).map((op) => {
        installed.add(OPERATOR_CRD_GROUPS[op]);
        return new k8s.yaml.v2.ConfigGroup(`${prefix}-crds-${op}`, { files: [...OPERATOR_CRD_URLS[op]] }, { ...k8sOpts, ...transforms });
      });
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
            // The CRDs are the stack's own objects (above): Helm never upgrades a chart's crds/.
            skipCrds: true,
            values,
          },
          { ...k8sOpts, dependsOn: [namespaces, ...crds] },
        );
      const kafkaNamespace = region.kafka.namespace ?? DEFAULT_KAFKA_NAMESPACE;
      before.push(
        ...crds,
        release("strimzi", OPERATOR_CHARTS.strimzi, {
          watchNamespaces: [kafkaNamespace],
          extraEnvs: [{ name: "STRIMZI_POD_SECURITY_PROVIDER_CLASS", value: "restricted" }],
        }),
        release("flink-operator", OPERATOR_CHARTS.flink, {
          watchNamespaces: [...tenantNamespaces].sort(),
          image: { repository: FLINK_OPERATOR_IMAGE.repository, tag: FLINK_OPERATOR_IMAGE.tag },
          // The webhook's certificate is cert-manager's (templates/cert-manager/*.yaml render only with it).
          webhook: { create: region.operators?.flinkWebhook ?? false },
        }),
        release("external-secrets", OPERATOR_CHARTS.externalSecrets, {
          installCRDs: false,
          ...(esoIrsaRoleArn ? { serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": esoIrsaRoleArn } } } : {}),
        }),
      );
    }
    // 3. Every other CRD the manifests need must be in the cluster: read it, so that its absence stops the update
    //    naming it (e.g. prometheus-operator's PodMonitor with monitoring enabled).
    const objects = files.flatMap((f) => f.objects);
    for (const crd of requiredCrds(objects)) {
      if (installed.has(crd.slice(crd.indexOf(".") + 1))) continue;
      before.push(k8s.apiextensions.v1.CustomResourceDefinition.get(`${prefix}-crd-${crd}`, crd, k8sOpts));
    }

    // 4. The manifests: the platform file, then the tenants' (after each object of the platform file).
    const platformGroup = group(`${prefix}-platform`, platformFile.objects.filter((o) => !isNamespace(o)), before);
    // Depending on the group orders creation only: the engine orders deletes by the dependencies of each object,
    // so the tenants' groups depend on each object of the platform file by URN (the group's `resources` output
    // cannot give them: the SDK turns a reference to a custom resource kind it has no class for, a Kafka, into
    // its id). The URN is derived from the group's (never from this component's: a dependency on the component
    // would wait for all its children, these groups among them).
    const platformObjectsOf = platformFile.objects.filter((o) => !isNamespace(o));
    const afterPlatform = platformGroup.urn.apply((groupUrn) => [
      ...before,
      platformGroup,
      ...platformObjectsOf.map((o) => new pulumi.DependencyResource(groupChildUrn(groupUrn, o, prefix))),
    ]);
    for (const file of files.filter((f) => f !== platformFile)) {
      group(groupOf(file), file.objects.filter((o) => !isNamespace(o)), afterPlatform);
    }
  }
}
