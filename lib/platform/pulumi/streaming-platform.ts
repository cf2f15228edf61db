import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AuditTrail } from "../../cloud/audit-trail";
import { CheckpointStorage } from "../../cloud/checkpoint-storage";
import { PlatformSecrets } from "../../cloud/platform-secrets";
import { SavepointReplication } from "../../cloud/savepoint-replication";
import { TenantWorkloadRole } from "../../cloud/workload-role";
import { checkpointBucketName, glueDatabaseName, roleArn, savepointReplicationRoleName, tenantRoleName, ValidationError } from "../../core";
import { RenderedTree, renderSpec } from "../render";
import { replicatedSavepointPrefixes, ResolvedReplication, resolveReplication } from "../replication/plan";
import { DEFAULT_KAFKA_NAMESPACE } from "../names";
import { PlatformSpec, RegionSpec, TenantSpec } from "../spec/schema";
import { secretsAwsRegion } from "../tenancy/compose";
import { applyManifests, AwsReadiness } from "./apply";
import { RegionOutputs, StreamingPlatformArgs } from "./args";
import { tenantsIn } from "./cluster";
import { argsIssues, identityOf } from "./validate";

/**
 * The spec composed and rendered, and each region's bootstrap address. The composed constructs stay in here: the
 * spec is composed and rendered a region at a time and the component keeps only the rendered tree, so they are
 * garbage before its resources register (render.ts renderSpec).
 */
function renderForStack(spec: PlatformSpec): { tree: RenderedTree; bootstraps: ReadonlyMap<string, string> } {
  const bootstraps = new Map<string, string>();
  const tree = renderSpec(spec, () => undefined, (r) => bootstraps.set(r.region, r.kafka.bootstrapAddress()));
  return { tree, bootstraps };
}

/**
 * Run `build` with no stack trace captured by a new Error, unless PULUMI_DEBUG_PROMISE_LEAKS is set. The SDK keeps
 * `new Error().stack` on each promise it makes for a resource (@pulumi/pulumi runtime/debuggable.ts,
 * debuggablePromise) and reads it only to report leaked promises under that variable: at 100 tenants x 3 regions
 * those strings were 65 MB of the 290 MB live after construction (npm run bench: the Pulumi program's memory).
 * The SDK's own source positions of resources (resource.ts, Resource.callsites) raise the limit for themselves. An
 * error thrown while the resources are made carries its message but no stack trace unless that variable is set.
 */
function withoutPromiseStacks<T>(build: () => T): T {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return build();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

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
    ValidationError.throwIfAny(argsIssues(args));
    const { tree, bootstraps } = renderForStack(spec);
    this.tree = tree;
    this.regions = withoutPromiseStacks(() => this.build(name, args, bootstraps));
    this.registerOutputs({ regions: this.regions });
  }

  /** Every region's resources; their outputs per region. */
  private build(name: string, args: StreamingPlatformArgs, bootstraps: ReadonlyMap<string, string>): Record<string, RegionOutputs> {
    const spec = args.spec;
    const replication = resolveReplication(spec);
    if (args.cloud === "none") {
      return Object.fromEntries(spec.regions.map((region) => [region.name, this.deliverRegion(name, region, args, bootstraps)]));
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
      if (spec.aws?.auditTrail) {
        // The region's audit trail: management events (secret reads among them) and the checkpoint bucket's objects.
        new AuditTrail(
          `${prefix}-audit`,
          { environment: spec.environment, region: region.name, awsRegion: region.awsRegion ?? region.name, accountId, dataBuckets: [storage.bucketName], retentionDays: spec.aws.auditTrail.retentionDays },
          { parent: this, providers: { aws: awsProvider } },
        );
      }
    }
    const regions: Record<string, RegionOutputs> = {};
    for (const region of spec.regions) {
      regions[region.name] = this.buildRegion(name, region, args, accountId, bootstraps, storages, replication);
    }
    return regions;
  }

  /** `cloud: none`: the region's manifests only; the cloud names are the ones Floe derives from the spec. */
  private deliverRegion(name: string, region: RegionSpec, args: StreamingPlatformArgs, bootstraps: ReadonlyMap<string, string>): RegionOutputs {
    const spec = args.spec;
    const accountId = spec.aws?.accountId;
    const tenants = tenantsIn(spec, region);
    if (spec.delivery === "pulumi") {
      applyManifests(this, this.tree, `${name}-${region.name}`, region, args, tenants.map((t) => t.name), undefined, { all: [], tenants: new Map() });
    }
    return {
      bucketName: region.flink?.checkpointBucket ?? checkpointBucketName(spec.environment, region.name, accountId),
      bootstrap: bootstraps.get(region.name)!,
      tenantRoleArns: accountId
        ? Object.fromEntries(tenants.filter(needsWorkloadRole).map((t) => [t.name, roleArn(accountId, tenantRoleName(spec.environment, region.name, t.name))]))
        : {},
    };
  }

  private buildRegion(
    name: string,
    region: RegionSpec,
    args: StreamingPlatformArgs,
    accountId: string,
    bootstraps: ReadonlyMap<string, string>,
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
    const savepointReplicationRoleArn = this.replicateSavepoints(prefix, region, spec, storages, asPrimary, cloud);
    const tenants = tenantsIn(spec, region);
    const identity = identityOf(spec, region, args);
    const { tenantRoleArns, roleReady } = this.tenantRoles(prefix, region, spec, tenants, { base, storage, identity, awsProvider, cloud });
    const secrets = tenants.flatMap((t) =>
      (t.secrets ?? []).map((s) => ({ tenant: t.name, name: s.name, value: args.secretValues?.[`${t.name}/${s.name}`] })),
    );
    let externalSecretsRoleArn: pulumi.Output<string> | undefined;
    let platformSecrets: PlatformSecrets | undefined;
    const replicates = replication.some((r) => r.spec.primary === region.name || r.spec.standby === region.name);
    if ((secrets.length > 0 || replicates) && identity) {
      platformSecrets = new PlatformSecrets(
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
    }
    const awsReady: AwsReadiness = {
      all: [...[...roleReady.values()].flat(), ...(platformSecrets?.ready ?? [])],
      tenants: new Map(tenants.map((t) => [t.name, [...(roleReady.get(t.name) ?? []), ...(platformSecrets?.readyFor(t.name) ?? [])]])),
    };

    if (spec.delivery === "pulumi") {
      const irsaRoleArn = identity?.type === "irsa" ? externalSecretsRoleArn : undefined;
      applyManifests(this, this.tree, prefix, region, args, tenants.map((t) => t.name), irsaRoleArn, awsReady);
    }
    return {
      bucketName: storage.bucketName,
      bucketArn: storage.bucketArn,
      kmsKeyArn: storage.kmsKeyArn,
      bootstrap: bootstraps.get(region.name)!,
      tenantRoleArns,
      ...(externalSecretsRoleArn ? { externalSecretsRoleArn } : {}),
      ...(savepointReplicationRoleArn ? { savepointReplicationRoleArn } : {}),
    };
  }

  /** Each tenant's workload role (and its Glue database when its Iceberg tables use Glue); their ARNs and readiness. */
  private tenantRoles(
    prefix: string,
    region: RegionSpec,
    spec: PlatformSpec,
    tenants: readonly TenantSpec[],
    ctx: {
      base: { environment: string; region: string; awsRegion: string; accountId: string };
      storage: CheckpointStorage;
      identity: ReturnType<typeof identityOf>;
      awsProvider: aws.Provider;
      cloud: pulumi.ComponentResourceOptions;
    },
  ): { tenantRoleArns: Record<string, pulumi.Output<string>>; roleReady: Map<string, readonly pulumi.Resource[]> } {
    const { base, storage, identity, awsProvider, cloud } = ctx;
    const roleReady = new Map<string, readonly pulumi.Resource[]>();
    const tenantRoleArns: Record<string, pulumi.Output<string>> = {};
    for (const tenant of tenants.filter(needsWorkloadRole)) {
      const connect = hasIcebergSinks(tenant) && region.connect ? [{ namespace: region.kafka.namespace ?? DEFAULT_KAFKA_NAMESPACE, name: `${tenant.name}-connect-connect` }] : [];
      // The Glue database of its Iceberg tables (Glue catalog): created here, kept like the data it describes.
      const glue = usesGlueCatalog(tenant) ? glueDatabaseName(spec.environment, tenant.name) : undefined;
      if (glue) {
        new aws.glue.CatalogDatabase(
          `${prefix}-${tenant.name}-lake`,
          { name: glue, description: `Iceberg tables of tenant ${tenant.name} (Floe, ${spec.environment})` },
          { parent: this, provider: awsProvider, retainOnDelete: true, protect: true },
        );
      }
      const role = new TenantWorkloadRole(
        `${prefix}-${tenant.name}`,
        { ...base, tenant: tenant.name, storage, serviceAccounts: [`${tenant.name}-flink`], platformServiceAccounts: connect, identity: identity!, glueDatabase: glue },
        cloud,
      );
      tenantRoleArns[tenant.name] = role.role.arn;
      roleReady.set(tenant.name, role.ready);
    }
    return { tenantRoleArns, roleReady };
  }

  /** The primary's bucket replicates its replicated jobs' savepoints to each standby's bucket; the role's ARN. */
  private replicateSavepoints(
    prefix: string,
    region: RegionSpec,
    spec: PlatformSpec,
    storages: ReadonlyMap<string, { storage: CheckpointStorage; awsProvider: aws.Provider }>,
    asPrimary: readonly ResolvedReplication[],
    cloud: pulumi.ComponentResourceOptions,
  ): pulumi.Output<string> | undefined {
    const awsRegion = region.awsRegion ?? region.name;
    const { storage } = storages.get(region.name)!;
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
      return savepoints.role.arn;
    }
    return undefined;
  }
}

/** Whether a tenant's Iceberg sinks write its warehouse prefix (its Connect workers then use its role). */
function hasIcebergSinks(tenant: TenantSpec): boolean {
  return (tenant.sinks ?? []).some((s) => s.type === "iceberg");
}

/** Whether a tenant's Iceberg sinks commit to the Glue catalog (its database is then created with the stack). */
function usesGlueCatalog(tenant: TenantSpec): boolean {
  return (tenant.sinks ?? []).some((s) => s.type === "iceberg" && s.catalog.type === "glue");
}

/** Whether a tenant needs its workload role in a region: its jobs' state, or its Iceberg sinks' tables. */
function needsWorkloadRole(tenant: TenantSpec): boolean {
  return (tenant.jobs ?? []).length > 0 || hasIcebergSinks(tenant);
}
