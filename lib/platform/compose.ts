import { ApiObject, App, Chart } from "cdk8s";
import { posix } from "path";
import { Construct } from "constructs";
import { collectIssues, contextLabels, isValidationError, parseBytes, roleArn, tenantRoleName, ValidationError, ValidationIssue } from "../core";
import { RESTRICTED_NAMESPACE_LABELS } from "../k8s/security";
import { KafkaUserQuotas, ResourceRequirements } from "../k8s/kafka";
import {
  checkCapacity,
  formatCpu,
  KAFKA_CLIENT_LABEL,
  parseCpu,
  PushedSecret,
  QuotaClaim,
  SecretStore,
  splitKafkaQuota,
  Tenant,
  TenantKafkaCredentials,
  TenantSecret,
} from "../k8s/tenancy";
import {
  CleanupPolicy,
  IKafkaTopicResource,
  KafkaAuthentication,
  KafkaAuthenticationType,
  KafkaAuthorization,
  KafkaCluster,
  KafkaListener,
  KafkaNodePoolOptions,
  KafkaStorage,
  KafkaTopic,
  KafkaTopicPrefix,
  KafkaUser,
  grantMirrorSource,
  KafkaMirrorMaker2,
} from "../k8s/kafka";
import { AUTOSCALER_DEFAULT_MAX_PARALLELISM, CheckpointStorage, FlinkApplication, FlinkSessionCluster, FlinkSessionJob, FlinkJob, FlinkSavepointSnapshot, ICheckpointStorage, JobState, UpgradeMode } from "../k8s/flink";
import {
  ConnectCluster,
  ConnectImage,
  ConnectorState,
  DatabaseCredentials,
  DebeziumPlugin,
  DebeziumSource,
  HistorySnapshotMode,
  MySqlSource,
  MySqlSourceProps,
  PostgresSnapshotMode,
  PostgresSource,
  PostgresSourceProps,
  SourceErrorPolicy,
  SqlServerSource,
} from "../k8s/debezium";
import {
  expandTopicRef,
  replicationBootstrap,
  replicationClientCidrs,
  replicationListener,
  resolveReplication,
  ResolvedReplication,
  standbyTopics,
  tenantTopicUniverse,
  tenantUnmirroredTopics,
} from "./replication";
import { ConfluentSchemaRegistry, SCHEMA_REGISTRY_PORT, SchemaRegistration, SchemaSubject } from "../k8s/schema";
import { kafkaClusterAlerts, PodMonitor, PrometheusRule, tenantKafkaAlerts, tenantNamespaceAlerts } from "../k8s/monitoring";
import { FLINK_METRICS_PORT } from "../k8s/flink/flink-deployment";
import { deadLetterTopicName, JobSpec, PlatformSpec, RegionSpec, schemaRegistryLeader, sourceTopicNames, TenantSpec, tenantUsesSchemas, topicSchemaOf } from "./spec";

/** Namespace of a region's Kafka cluster when the spec does not name one. */
export const DEFAULT_KAFKA_NAMESPACE = "kafka";

/** One chart of a region: it becomes one file, `<file>.yaml`. */
export interface RegionChart {
  /** File name without extension (`platform`, `tenant-payments`). */
  readonly file: string;
  /** The chart. */
  readonly chart: Chart;
}

/** The constructs of one region. */
export interface RegionPlatform {
  /** Region name. */
  readonly region: string;
  /** The cdk8s app holding the region's charts. */
  readonly app: App;
  /** The region's Kafka cluster. */
  readonly kafka: KafkaCluster;
  /** Charts in file order: platform first, then tenants by name. */
  readonly charts: readonly RegionChart[];
}

/** A composed platform: one cdk8s app per region, plus the spec path of every construct made from the spec. */
export interface ComposedPlatform {
  /** The spec it was composed from. */
  readonly spec: PlatformSpec;
  /** Regions in spec order. */
  readonly regions: readonly RegionPlatform[];
  /** Maps construct paths to the spec path they came from (for error messages). */
  readonly specPaths: SpecPathMap;
}

/** Where a construct field comes from in the spec: a field of the construct's spec path, or a scope and field elsewhere. */
/**
 * Where a construct field is written in the spec: a field of the same spec path, or a field elsewhere. `affix` is
 * what Floe adds around the written value to name the construct (`<tenant>-` before a job's name): a name that
 * comes out too long is then reported with the written value, the derived name and how long the written one may be.
 */
export type SpecFieldTarget =
  | string
  | { readonly scope?: string; readonly field: string; readonly affix?: { readonly prefix?: string; readonly suffix?: string } };

/** An issue about a derived name, told in terms of the value written in the spec. */
function derivedNameIssue(issue: ValidationIssue, affix: { readonly prefix?: string; readonly suffix?: string }): ValidationIssue {
  const prefix = affix.prefix ?? "";
  const suffix = affix.suffix ?? "";
  const value = issue.value;
  if (issue.code !== "NameTooLong" || typeof value !== "string" || issue.limit === undefined || !value.startsWith(prefix) || !value.endsWith(suffix)) return issue;
  const own = value.slice(prefix.length, value.length - suffix.length);
  const room = issue.limit - prefix.length - suffix.length;
  const why = /\((.*)\)$/.exec(issue.message)?.[1];
  return {
    ...issue,
    value: own,
    message: `names ${JSON.stringify(value)}, ${value.length} characters, over the limit of ${issue.limit}${why ? ` (${why})` : ""}`,
    fix: room > 0 ? `shorten it to at most ${room} characters (${JSON.stringify(prefix + suffix)} takes the other ${prefix.length + suffix.length})` : `shorten the name it is derived with (${JSON.stringify(prefix + suffix)} leaves no room)`,
  };
}

/** Construct path -> spec path (and field renames), so construct errors name the spec. */
export class SpecPathMap {
  private readonly entries = new Map<string, { specPath: string; fields: Readonly<Record<string, SpecFieldTarget>> }>();

  /**
   * Record that `construct` was made from `specPath`; `fields` renames construct fields to spec fields (a field
   * that comes from elsewhere in the spec names its own scope).
   */
  public add(construct: Construct | string, specPath: string, fields: Readonly<Record<string, SpecFieldTarget>> = {}): void {
    this.entries.set(typeof construct === "string" ? construct : construct.node.path, { specPath, fields });
  }

  /** Rewrite an issue's scope (and field) to the spec path of the nearest recorded construct. */
  public toSpec(issue: ValidationIssue): ValidationIssue {
    let path = issue.scope;
    while (path) {
      const entry = this.entries.get(path);
      if (entry) {
        // The longest renamed field that is the issue's field or a parent of it.
        const key = Object.keys(entry.fields)
          .filter((k) => issue.field === k || issue.field.startsWith(`${k}.`) || issue.field.startsWith(`${k}[`))
          .sort((a, b) => b.length - a.length)[0];
        const target = key !== undefined ? entry.fields[key] : undefined;
        const rest = key !== undefined ? issue.field.slice(key.length) : "";
        if (target !== undefined && typeof target !== "string") {
          const moved = { ...issue, scope: target.scope ?? entry.specPath, field: target.field + rest };
          return target.affix && rest === "" ? derivedNameIssue(moved, target.affix) : moved;
        }
        return { ...issue, scope: entry.specPath, field: target !== undefined ? target + rest : issue.field };
      }
      const cut = path.lastIndexOf("/");
      path = cut < 0 ? "" : path.slice(0, cut);
    }
    return issue;
  }
}

/**
 * Run `build`, turning construct-time validation errors into spec-path errors.
 */
function inSpec<T>(map: SpecPathMap, pending: ValidationIssue[], build: () => T): T | undefined {
  try {
    return build();
  } catch (e) {
    if (!isValidationError(e)) throw e;
    pending.push(...e.issues.map((i) => map.toSpec(i)));
    return undefined;
  }
}

function nodePoolOptions(pool: RegionSpec["kafka"]["brokers"]): KafkaNodePoolOptions | undefined {
  if (!pool) return undefined;
  let storage: KafkaStorage | undefined;
  const s = pool.storage;
  if (s && "jbod" in s) {
    storage = KafkaStorage.jbod(
      s.jbod.map((v) => ({ id: v.id, size: v.size, storageClass: v.class, deleteClaim: v.deleteClaim, kraftMetadata: v.kraftMetadata })),
    );
  } else if (s && "ephemeral" in s) {
    storage = KafkaStorage.ephemeral(s.ephemeral.sizeLimit);
  } else if (s) {
    storage = KafkaStorage.persistentClaim({ size: s.size, storageClass: s.class, deleteClaim: s.deleteClaim });
  }
  return {
    replicas: pool.replicas,
    storage,
    resources: pool.resources && {
      requests: pool.resources.requests && stringValues(pool.resources.requests),
      limits: pool.resources.limits && stringValues(pool.resources.limits),
    },
  };
}

function stringValues(o: Readonly<Record<string, string | number | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
}

function authentication(type: "scram-sha-512" | "tls" | "none" | undefined): KafkaAuthentication | undefined {
  switch (type) {
    case "scram-sha-512":
      return KafkaAuthentication.scramSha512();
    case "tls":
      return KafkaAuthentication.tls();
    case "none":
      return KafkaAuthentication.none();
    default:
      return undefined;
  }
}

/**
 * The spec's listeners; the replication listener (`replication`) admits only `clientCidrs`, the networks of the
 * regions that mirror from this one (an internal load balancer, see {@link KafkaExternalListenerOptions.sourceCidrs}).
 */
function listeners(spec: RegionSpec["kafka"]["listeners"], replication?: { readonly name: string; readonly clientCidrs: readonly string[] }): KafkaListener[] | undefined {
  return spec?.map((l) => {
    const auth = authentication(l.authentication);
    if (l.type === "internal") {
      return l.tls
        ? KafkaListener.internalTls({ name: l.name, port: l.port, authentication: auth })
        : KafkaListener.internalPlain({ name: l.name, port: l.port, authentication: auth });
    }
    return KafkaListener.external({
      name: l.name,
      port: l.port,
      type: l.type,
      tls: l.tls,
      authentication: auth,
      bootstrapHost: l.bootstrapHost,
      hostTemplate: l.hostTemplate,
      class: l.class,
      sourceCidrs: replication?.name === l.name ? replication.clientCidrs : undefined,
    });
  });
}

/** The replication listener of a region that others mirror from, with the networks they connect from. */
function replicationListenerClients(spec: PlatformSpec, region: RegionSpec): { name: string; clientCidrs: string[] } | undefined {
  const listener = replicationListener(region);
  const clientCidrs = replicationClientCidrs(spec, region.name);
  // Without the networks (reported as PeeringCidrsMissing) the listener is left as declared.
  return listener && clientCidrs && clientCidrs.length > 0 ? { name: listener.name, clientCidrs } : undefined;
}

/** The Kafka topic name of a tenant's topic: `<tenant>.<topic>`. */
export function tenantTopicName(tenant: string, topic: string): string {
  return `${tenant}.${topic}`;
}

/** The KafkaUser name of a tenant's app: `<tenant>-<app>`. */
export function tenantUserName(tenant: string, app: string): string {
  return `${tenant}-${app}`;
}

/** The topic and consumer-group prefix a tenant owns: `<tenant>.`. */
export function tenantPrefix(tenant: string): string {
  return `${tenant}.`;
}

/** What the replication pass needs of a built region. */
interface RegionBuild {
  readonly platform: RegionPlatform;
  readonly spec: RegionSpec;
  /** Index in `regions[]`. */
  readonly index: number;
  readonly platformChart: Chart;
  readonly tenants: ReadonlyMap<string, TenantBuild>;
  /** The region's Schema Registry, if it runs one. */
  readonly registry: ConfluentSchemaRegistry | undefined;
}

/** The AWS region of a region's Secrets Manager (where the stack creates its secrets). */
export function secretsAwsRegion(region: RegionSpec): string {
  return region.secretStore?.awsRegion ?? region.awsRegion ?? region.name;
}

function buildRegion(
  spec: PlatformSpec,
  region: RegionSpec,
  regionIndex: number,
  map: SpecPathMap,
  pending: ValidationIssue[],
  replication: readonly ResolvedReplication[],
): RegionBuild | undefined {
  const production = spec.production ?? true;
  const app = new App({ outdir: "unused" });
  const regionScope = new Construct(app, region.name);
  const ctx = { environment: spec.environment, region: region.name };
  const kafkaSpec = region.kafka;
  const namespace = kafkaSpec.namespace ?? DEFAULT_KAFKA_NAMESPACE;
  const platformChart = new Chart(regionScope, "platform", { labels: contextLabels(ctx) });
  const kafkaPath = `regions[${regionIndex}].kafka`;
  map.add(`${platformChart.node.path}/Kafka`, kafkaPath, { zones: { scope: `regions[${regionIndex}]`, field: "cluster.zones" } });
  map.add(`${platformChart.node.path}/Kafka/Controllers`, `${kafkaPath}.controllers`);
  map.add(`${platformChart.node.path}/Kafka/Brokers`, `${kafkaPath}.brokers`);
  map.add(`${platformChart.node.path}/Kafka/Dual`, `${kafkaPath}.brokers`);

  // Strimzi's Connect build pod (an image builder) cannot run under "restricted"; where a region builds its
  // Connect image, the Kafka namespace enforces "baseline" and still warns and audits against "restricted".
  const buildsConnectImage =
    region.connect?.build !== undefined &&
    (spec.tenants ?? []).some((t) => (t.sources ?? []).length > 0 && (t.regions ?? spec.regions.map((r) => r.name)).includes(region.name));
  new ApiObject(platformChart, "KafkaNamespace", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: namespace,
      labels: {
        ...RESTRICTED_NAMESPACE_LABELS,
        ...(buildsConnectImage ? { "pod-security.kubernetes.io/enforce": "baseline" } : {}),
        "app.kubernetes.io/name": "kafka",
      },
    },
  });
  const kafka = inSpec(map, pending, () =>
    new KafkaCluster(platformChart, "Kafka", {
      name: kafkaSpec.name,
      namespace,
      version: kafkaSpec.version,
      production,
      listeners: listeners(kafkaSpec.listeners, replicationListenerClients(spec, region)),
      authorization:
        kafkaSpec.authorization === "none"
          ? KafkaAuthorization.none()
          : KafkaAuthorization.simple({ superUsers: kafkaSpec.superUsers }),
      controllers: nodePoolOptions(kafkaSpec.controllers),
      brokers: nodePoolOptions(kafkaSpec.brokers),
      combinedRoles: kafkaSpec.combinedRoles,
      rackAwareness: kafkaSpec.rackAwareness,
      rackTopologyKey: kafkaSpec.rackTopologyKey,
      zones: region.cluster?.zones,
      config: kafkaSpec.config,
      cruiseControl: kafkaSpec.cruiseControl,
      metrics: kafkaSpec.metrics,
      kafkaExporter: kafkaSpec.kafkaExporter,
      clientNamespaceLabels: { [KAFKA_CLIENT_LABEL]: kafkaSpec.name },
    }),
  );
  if (!kafka) return undefined;

  const tenants = (spec.tenants ?? [])
    .map((tenant, index) => ({ tenant, index }))
    .filter(({ tenant }) => (tenant.regions ?? spec.regions.map((r) => r.name)).includes(region.name))
    .sort((a, b) => (a.tenant.name < b.tenant.name ? -1 : a.tenant.name > b.tenant.name ? 1 : 0));
  const needsStorage = region.flink?.checkpointBucket !== undefined || tenants.some(({ tenant }) => (tenant.jobs ?? []).length > 0);
  const storage = needsStorage ? regionStorage(spec, region, regionIndex, pending) : undefined;
  // A Schema Registry where the spec asks for one or a tenant of the region declares schemas or Avro sources.
  const needsRegistry = region.schemaRegistry !== undefined || tenants.some(({ tenant }) => tenantUsesSchemas(tenant));
  map.add(`${platformChart.node.path}/SchemaRegistry`, `regions[${regionIndex}].schemaRegistry`);
  const registry = needsRegistry
    ? inSpec(map, pending, () =>
        new ConfluentSchemaRegistry(platformChart, "SchemaRegistry", {
          cluster: kafka,
          image: region.schemaRegistry?.image,
          replicas: region.schemaRegistry?.replicas,
          resources: region.schemaRegistry?.resources && {
            requests: region.schemaRegistry.resources.requests && stringValues(region.schemaRegistry.resources.requests),
            limits: region.schemaRegistry.resources.limits && stringValues(region.schemaRegistry.resources.limits),
          },
          defaultCompatibility: region.schemaRegistry?.compatibility,
          clientNamespaceLabels: { [KAFKA_CLIENT_LABEL]: kafkaSpec.name },
          // One region's registry assigns the ids; the others follow its mirrored schemas topic.
          leaderEligible: (schemaRegistryLeader(spec) ?? region.name) === region.name,
        }),
      )
    : undefined;
  // Monitoring (prometheus-operator): Strimzi pods and Kafka Exporter scraped here, cluster alerts.
  const monitoring: RegionMonitoring | undefined =
    (region.monitoring?.enabled ?? true)
      ? { namespace: region.monitoring?.namespace ?? "monitoring", selectorLabels: region.monitoring?.selectorLabels, lagThreshold: region.monitoring?.consumerLagThreshold ?? 10000 }
      : undefined;
  if (monitoring) {
    const context = { environment: spec.environment, region: region.name };
    map.add(`${platformChart.node.path}/KafkaPodMonitor`, `regions[${regionIndex}].monitoring`);
    inSpec(map, pending, () => {
      new PodMonitor(platformChart, "KafkaPodMonitor", {
        name: `${kafka.clusterName}-strimzi-metrics`,
        namespace,
        context,
        selector: { matchExpressions: [{ key: "strimzi.io/kind", operator: "In", values: ["Kafka", "KafkaConnect", "KafkaMirrorMaker2"] }] },
        port: "tcp-prometheus",
        podLabelMap: "strimzi_io_.+",
        tenantFromPodLabel: { label: "strimzi.io/cluster", regex: "(.+)-(connect|mirror-.+)" },
        selectorLabels: monitoring.selectorLabels,
      });
      if (kafka.metricsEnabled) {
        new PrometheusRule(platformChart, "KafkaAlerts", { name: `${kafka.clusterName}-kafka-alerts`, namespace, context, rules: kafkaClusterAlerts(kafka, { kafkaExporter: kafka.kafkaExporterEnabled }), selectorLabels: monitoring.selectorLabels });
      }
    });
  }
  const secretStore = tenants.some(({ tenant }) => (tenant.secrets ?? []).length > 0)
    ? regionSecretStore(platformChart, spec, region, regionIndex, tenants.map(({ tenant }) => tenant.name), pending)
    : undefined;
  const regionContext: TenantRegionContext = {
    kafka,
    storage,
    production,
    connect: region.connect,
    regionPath: `regions[${regionIndex}]`,
    network: region.network,
    secretStore,
    environment: spec.environment,
    regionName: region.name,
    aws: spec.aws,
    replication,
    registry,
    monitoring,
  };
  const charts: RegionChart[] = [{ file: "platform", chart: platformChart }];
  const builds: TenantBuild[] = [];
  for (const { tenant, index } of tenants) {
    const chart = new Chart(regionScope, `tenant-${tenant.name}`, {
      labels: contextLabels({ ...ctx, tenant: tenant.name }),
    });
    const built = buildTenant(chart, regionContext, tenant, `tenants[${index}]`, map, pending);
    if (built) builds.push(built);
    charts.push({ file: `tenant-${tenant.name}`, chart });
  }
  pending.push(...capacityIssues(region, regionIndex, builds, kafka));
  for (const b of builds) boundAutoscalers(b);
  return {
    platform: { region: region.name, app, kafka, charts },
    spec: region,
    index: regionIndex,
    platformChart,
    tenants: new Map(builds.map((b) => [b.spec.name, b])),
    registry,
  };
}

/** The region's checkpoint bucket (named in the spec, or Floe's default name); a bad name is a spec error. */
function regionStorage(spec: PlatformSpec, region: RegionSpec, regionIndex: number, pending: ValidationIssue[]): ICheckpointStorage | undefined {
  const named = region.flink?.checkpointBucket;
  const bucketName = named ?? CheckpointStorage.defaultBucketName(spec.environment, region.name, spec.aws?.accountId);
  try {
    return CheckpointStorage.fromBucketName(bucketName);
  } catch (e) {
    if (!isValidationError(e)) throw e;
    pending.push(
      ...e.issues.map((i) => ({
        ...i,
        scope: `regions[${regionIndex}]`,
        field: named ? "flink.checkpointBucket" : "name",
        fix: named ? i.fix : `the default bucket name ${JSON.stringify(bucketName)} is not valid: set flink.checkpointBucket`,
      })),
    );
    return undefined;
  }
}

/** What a tenant's chart needs from its region. */
interface TenantRegionContext {
  readonly kafka: KafkaCluster;
  readonly storage: ICheckpointStorage | undefined;
  readonly production: boolean;
  readonly connect: RegionSpec["connect"];
  readonly regionPath: string;
  readonly network: RegionSpec["network"];
  readonly secretStore: SecretStore | undefined;
  readonly environment: string;
  readonly regionName: string;
  readonly aws: PlatformSpec["aws"];
  readonly replication: readonly ResolvedReplication[];
  readonly registry: ConfluentSchemaRegistry | undefined;
  readonly monitoring: RegionMonitoring | undefined;
}

/** A region's monitoring settings (when enabled). */
interface RegionMonitoring {
  readonly namespace: string;
  readonly selectorLabels: Readonly<Record<string, string>> | undefined;
  readonly lagThreshold: number;
}

/** What buildTenant made, for the region's capacity checks. */
interface TenantBuild {
  readonly tenant: Tenant;
  readonly spec: TenantSpec;
  readonly path: string;
  readonly chart: Chart;
  readonly jobs: readonly FlinkApplication[];
  /** The tenant's session clusters (their jobs are FlinkSessionJobs). */
  readonly sessions: readonly FlinkSessionCluster[];
  /** The tenant's topic (or `x*` prefix) reference -> its resource in this region. */
  readonly resolve: (ref: string) => IKafkaTopicResource | undefined;
}

/**
 * The service account a region's ClusterSecretStores authenticate as (IRSA, `auth.jwt`); none with EKS Pod
 * Identity, where the operator uses its own credentials (see {@link SecretStore}).
 */
function storeServiceAccount(spec: PlatformSpec, region: RegionSpec): { name: string; namespace: string } | undefined {
  if (spec.aws?.workloadIdentity === "pod-identity") return undefined;
  return region.secretStore?.serviceAccount ?? { name: "external-secrets", namespace: "external-secrets" };
}

/** The region's ClusterSecretStore (AWS Secrets Manager), usable by the tenants of the region only. */
function regionSecretStore(
  chart: Chart,
  spec: PlatformSpec,
  region: RegionSpec,
  regionIndex: number,
  tenantNames: readonly string[],
  pending: ValidationIssue[],
): SecretStore | undefined {
  try {
    return new SecretStore(chart, "SecretStore", {
      name: `floe-${region.name}`,
      awsRegion: secretsAwsRegion(region),
      serviceAccount: storeServiceAccount(spec, region),
      namespaces: tenantNames,
    });
  } catch (e) {
    if (!isValidationError(e)) throw e;
    pending.push(
      ...e.issues.map((i) => ({
        ...i,
        scope: `regions[${regionIndex}]`,
        field: region.secretStore?.awsRegion ? "secretStore.awsRegion" : "name",
        fix: region.secretStore?.awsRegion ? i.fix : `the region name is not an AWS region: set secretStore.awsRegion (e.g. eu-west-1)`,
      })),
    );
    return undefined;
  }
}

function buildTenant(
  chart: Chart,
  region: TenantRegionContext,
  tenant: TenantSpec,
  tenantPath: string,
  map: SpecPathMap,
  pending: ValidationIssue[],
): TenantBuild | undefined {
  const kafka = region.kafka;
  // The Tenant construct takes the region's network settings beside the tenant's egress (under `network.`):
  // report each where it is written, the region's once (dedupe) and the tenant's egress under `egress`.
  map.add(`${chart.node.path}/Tenant`, tenantPath, {
    "network.egress": "egress",
    "network.apiServerCidrs": { scope: region.regionPath, field: "network.apiServerCidrs" },
    "network.apiServerPort": { scope: region.regionPath, field: "network.apiServerPort" },
    "network.flinkOperatorNamespace": { scope: region.regionPath, field: "network.flinkOperatorNamespace" },
  });
  const tenantConstruct = inSpec(map, pending, () =>
    new Tenant(chart, "Tenant", {
      name: tenant.name,
      kafka,
      quota: tenant.quota && {
        ...tenant.quota,
        cpu: tenant.quota.cpu === undefined ? undefined : String(tenant.quota.cpu),
      },
      containerLimits: tenant.containerLimits && {
        ...tenant.containerLimits,
        defaultCpuRequest: optionalString(tenant.containerLimits.defaultCpuRequest),
        defaultCpuLimit: optionalString(tenant.containerLimits.defaultCpuLimit),
        maxCpu: optionalString(tenant.containerLimits.maxCpu),
      },
      adminGroups: tenant.adminGroups,
      viewerGroups: tenant.viewerGroups,
      workloadRoleArn:
        region.aws?.accountId && (region.aws.workloadIdentity ?? "irsa") === "irsa"
          ? roleArn(region.aws.accountId, tenantRoleName(region.environment, region.regionName, tenant.name))
          : undefined,
      network: {
        flinkOperatorNamespace: region.network?.flinkOperatorNamespace,
        apiServerCidrs: region.network?.apiServerCidrs,
        apiServerPort: region.network?.apiServerPort,
        egress: tenant.egress,
      },
    }),
  );
  if (!tenantConstruct) return undefined;
  (tenant.secrets ?? []).forEach((sec, i) => {
    const id = `Secret-${sec.name}`;
    map.add(`${chart.node.path}/${id}`, `${tenantPath}.secrets[${i}]`);
    if (!region.secretStore) return;
    const store = region.secretStore;
    inSpec(map, pending, () =>
      new TenantSecret(chart, id, {
        store,
        namespace: tenantConstruct.namespace,
        name: sec.name,
        remoteKey: sec.remoteKey,
        properties: sec.properties,
        refreshInterval: sec.refreshInterval,
        allowedPrefix: `${region.environment}/${tenant.name}/`,
      }),
    );
  });
  const quotas = kafkaQuotas(tenant, tenantPath, pending);
  const topics = new Map<string, KafkaTopic>();
  (tenant.topics ?? []).forEach((t, i) => {
    const id = `Topic-${t.name}`;
    map.add(`${chart.node.path}/${id}`, `${tenantPath}.topics[${i}]`, { topicName: "name" });
    const topic = inSpec(map, pending, () =>
      new KafkaTopic(chart, id, {
        cluster: kafka,
        topicName: tenantTopicName(tenant.name, t.name),
        partitions: t.partitions,
        replicas: t.replicas,
        retention: t.retention,
        retentionBytes: t.retentionBytes,
        cleanupPolicy: t.cleanupPolicy as CleanupPolicy | undefined,
        minInsyncReplicas: t.minInsyncReplicas,
        maxMessageBytes: t.maxMessageBytes,
        config: t.config,
      }),
    );
    if (topic) topics.set(t.name, topic);
  });
  const registry = region.registry;
  if (registry) {
    tenantConstruct.allowServiceEgress({ name: "schema-registry", namespace: registry.namespace, podLabels: registry.podLabels, port: SCHEMA_REGISTRY_PORT });
    const subjects: SchemaSubject[] = [];
    (tenant.topics ?? []).forEach((t, i) => {
      for (const [which, suffix] of [["valueSchema", "value"], ["keySchema", "key"]] as const) {
        const ref = t[which];
        if (!ref) continue;
        subjects.push({
          subject: `${tenantTopicName(tenant.name, t.name)}-${suffix}`,
          schema: topicSchemaOf(ref, { scope: `${tenantPath}.topics[${i}]`, field: which }),
          compatibility: t.compatibility,
        });
      }
    });
    // Registered with the leading registry only: a follower is read-only and gets them through the mirror.
    if (subjects.length > 0 && registry.leaderEligible) {
      map.add(`${chart.node.path}/Schemas`, `${tenantPath}.topics`);
      map.add(`${chart.node.path}/SchemaRegistrar`, `${tenantPath}.topics`);
      inSpec(map, pending, () => {
        // The tenant's registration principal: a KafkaUser with no ACL, whose password authenticates it at the registry.
        const registrar = new KafkaUser(chart, "SchemaRegistrar", { cluster: kafka, userName: tenantUserName(tenant.name, "schema-registrar") });
        return new SchemaRegistration(chart, "Schemas", { registry, name: `${tenant.name}-schemas`, subjects, registrar: { user: registrar, tenant: tenant.name } });
      });
    }
  }
  const prefix = tenantPrefix(tenant.name);
  // Topics replicated into this region from their primary: MirrorMaker 2 is their only writer here.
  const standby = standbyTopics(region.replication, tenant.name, region.regionName);
  const universe = tenantTopicUniverse(tenant);
  const isStandby = (ref: string) => expandTopicRef(ref, universe).some((t) => standby.has(t));
  buildSources(chart, region, tenant, tenantPath, map, pending, topics, quotas, isStandby);
  const resolve = (ref: string): IKafkaTopicResource | undefined =>
    ref.endsWith("*") ? new KafkaTopicPrefix(kafka, `${prefix}${ref.slice(0, -1)}`) : topics.get(ref);
  /** What a produce grant on `ref` may cover here: nothing of a standby copy (a prefix becomes its other topics). */
  const writable = (ref: string): string[] =>
    !isStandby(ref) ? [ref] : ref.endsWith("*") ? expandTopicRef(ref, universe).filter((t) => !standby.has(t)) : [];

  (tenant.apps ?? []).forEach((a, i) => {
    const id = `App-${a.name}`;
    const appPath = `${tenantPath}.apps[${i}]`;
    map.add(`${chart.node.path}/${id}`, appPath, { userName: { field: "name", affix: { prefix: `${tenant.name}-` } } });
    inSpec(map, pending, () => {
      const user = new KafkaUser(chart, id, {
        cluster: kafka,
        userName: tenantUserName(tenant.name, a.name),
        authentication:
          a.authentication === "tls" ? KafkaAuthenticationType.TLS : KafkaAuthenticationType.SCRAM_SHA_512,
        quotas: a.quotas ?? quotas.get(tenantUserName(tenant.name, a.name)),
        aclScope: { topicPrefix: prefix, groupPrefix: prefix },
      });
      (a.produces ?? []).flatMap(writable).forEach((ref) => resolve(ref)?.grants.produce(user));
      (a.consumes ?? []).forEach((c) => {
        const ref = typeof c === "string" ? c : c.topic;
        const group = `${prefix}${(typeof c === "string" ? undefined : c.group) ?? a.name}`;
        resolve(ref)?.grants.consume(user, { group });
      });
      // Its Kafka credential also reads the tenant's schemas (Confluent clients: basic.auth.credentials.source=SASL_INHERIT).
      if (registry && user.authentication === KafkaAuthenticationType.SCRAM_SHA_512) registry.addPrincipal({ user, tenant: tenant.name, role: "client" });
      return user;
    });
  });

  const jobs = tenant.jobs ?? [];
  const built: FlinkApplication[] = [];
  // Jobs run in the tenant namespace; their Strimzi Secrets (KafkaUser, cluster CA) are delivered there.
  const sessions = buildSessionClusters(chart, region, tenantConstruct, tenant, tenantPath, quotas, map, pending);
  const credentials = jobs.some((j) => (j.reads ?? []).length + (j.writes ?? []).length > 0)
    ? new TenantKafkaCredentials(chart, "KafkaCredentials", { tenant: tenantConstruct, kafka })
    : undefined;
  jobs.forEach((j, i) => {
    // Malformed records: a dead-letter topic per job (retention bounded), written by the job only.
    if ((j.onMalformed ?? tenant.onMalformed) === "dead-letter") {
      const local = deadLetterTopicName(j.name);
      map.add(`${chart.node.path}/DeadLetter-${j.name}`, `${tenantPath}.jobs[${i}].deadLetter`);
      const dlq = inSpec(map, pending, () =>
        new KafkaTopic(chart, `DeadLetter-${j.name}`, {
          cluster: kafka,
          topicName: tenantTopicName(tenant.name, local),
          partitions: j.deadLetter?.partitions ?? 3,
          retention: j.deadLetter?.retention ?? "14d",
        }),
      );
      if (dlq) topics.set(local, dlq);
    }
    const id = `Job-${j.name}`;
    map.add(`${chart.node.path}/${id}`, `${tenantPath}.jobs[${i}]`, {
      "job.jarURI": j.sql ? "sql.runnerJarUri" : "jar.uri",
      "job.statements": "sql.statements",
      userName: { field: "name", affix: { prefix: `${tenant.name}-` } },
      name: { field: "name", affix: { prefix: `${tenant.name}-` } },
    });
    // A job touching a standby copy is the standby of the job in the primary region: rendered suspended.
    const jobStandby = [...(j.reads ?? []), ...(j.writes ?? [])].some(isStandby);
    if (j.session !== undefined) {
      const session = sessions.get(j.session);
      if (session) inSpec(map, pending, () => new FlinkSessionJob(chart, id, sessionJobProps(j, tenantConstruct, region, session, resolve, prefix, jobStandby ? writable : undefined, tenant.onMalformed)));
      return;
    }
    const job = inSpec(map, pending, () =>
      new FlinkApplication(chart, id, flinkApplicationProps(j, tenantConstruct, region, resolve, prefix, quotas, jobStandby ? writable : undefined, tenant.onMalformed)),
    );
    if (job) built.push(job);
    if (job?.kafka) credentials?.addUser(job.kafka.user.secretName);
    if (job?.kafka && registry && job.kafka.user.authentication === KafkaAuthenticationType.SCRAM_SHA_512) registry.addPrincipal({ user: job.kafka.user, tenant: tenant.name, role: "client" });
    if (j.backfill) {
      const bf = buildBackfill(chart, region, tenantConstruct, tenant, j, `${tenantPath}.jobs[${i}]`, topics, resolve, prefix, quotas, jobStandby ? writable : undefined, map, pending);
      if (bf) {
        built.push(bf);
        if (bf.kafka) credentials?.addUser(bf.kafka.user.secretName);
      }
    }
    (j.snapshots ?? []).forEach((snap, si) => {
      if (!job) return;
      map.add(`${chart.node.path}/Snapshot-${j.name}-${snap.name}`, `${tenantPath}.jobs[${i}].snapshots[${si}]`);
      inSpec(map, pending, () => new FlinkSavepointSnapshot(chart, `Snapshot-${j.name}-${snap.name}`, { job, name: snap.name, path: jobStatePath(region, tenant.name, j.name, snap.path) }));
    });
  });
  for (const session of sessions.values()) if (session.kafka) credentials?.addUser(session.kafka.user.secretName);
  const isStandbyJob = (j: NonNullable<TenantSpec["jobs"]>[number]) => [...(j.reads ?? []), ...(j.writes ?? [])].some(isStandby);
  if (region.monitoring) addTenantMonitoring(chart, region, tenantConstruct, tenant, tenantPath, map, pending, isStandbyJob);
  return { tenant: tenantConstruct, spec: tenant, path: tenantPath, chart, jobs: built, sessions: [...sessions.values()], resolve };
}

/** A tenant's PodMonitor (its Flink jobs) and alerts (consumer lag, Flink checkpoints and restarts, connector tasks). */
function addTenantMonitoring(
  chart: Chart,
  region: TenantRegionContext,
  tenantConstruct: Tenant,
  tenant: TenantSpec,
  tenantPath: string,
  map: SpecPathMap,
  pending: ValidationIssue[],
  isStandbyJob: (job: NonNullable<TenantSpec["jobs"]>[number]) => boolean,
): void {
  const monitoring = region.monitoring!;
  const context = { environment: region.environment, region: region.regionName, tenant: tenant.name };
  const flinkJobs = (tenant.jobs ?? []).length > 0;
  // A job runs here unless it is suspended (by the spec, or as a standby's copy of a replicated job).
  const flinkRunning = (tenant.jobs ?? []).some((j) => j.state !== "suspended" && !isStandbyJob(j));
  map.add(`${chart.node.path}/Alerts`, tenantPath);
  map.add(`${chart.node.path}/KafkaAlerts`, tenantPath);
  inSpec(map, pending, () => {
    if (flinkJobs) {
      new PodMonitor(chart, "FlinkPodMonitor", {
        name: "flink-metrics",
        namespace: tenantConstruct.namespace,
        context,
        selector: { matchLabels: { "app.kubernetes.io/name": "flink" } },
        port: "metrics",
        selectorLabels: monitoring.selectorLabels,
      });
      tenantConstruct.allowMetricsScraping({ namespace: monitoring.namespace, port: FLINK_METRICS_PORT });
    }
    const options = {
      tenant: tenant.name,
      cluster: region.kafka,
      kafkaExporter: region.kafka.kafkaExporterEnabled,
      groupPrefix: tenantPrefix(tenant.name),
      lagThreshold: monitoring.lagThreshold,
      flinkJobs,
      flinkRunning,
      connectCluster: (tenant.sources ?? []).length > 0 && region.connect ? `${tenant.name}-connect` : undefined,
    };
    // Each rule lives in the namespace of the series it reads: a Prometheus that enforces the namespace label
    // would otherwise never match them (see lib/k8s/monitoring/alerts.ts).
    const own = tenantNamespaceAlerts(options);
    if (own.length > 0) {
      new PrometheusRule(chart, "Alerts", { name: `${tenant.name}-alerts`, namespace: tenantConstruct.namespace, context, rules: own, selectorLabels: monitoring.selectorLabels });
    }
    const onKafka = tenantKafkaAlerts(options);
    if (onKafka.length > 0) {
      new PrometheusRule(chart, "KafkaAlerts", { name: `${tenant.name}-kafka-alerts`, namespace: region.kafka.namespace, context, rules: onKafka, selectorLabels: monitoring.selectorLabels });
    }
  });
}

function optionalString(v: string | number | undefined): string | undefined {
  return v === undefined ? undefined : String(v);
}

/**
 * The tenant's Kafka quota split across its users (apps, jobs with Kafka access, the Connect workers) by
 * their `quotaShare`, the rest equally. Empty when the tenant declares no Kafka quota.
 */
function kafkaQuotas(tenant: TenantSpec, tenantPath: string, pending: ValidationIssue[]): Map<string, KafkaUserQuotas> {
  if (!tenant.kafkaQuota) return new Map();
  const claims: QuotaClaim[] = [];
  (tenant.apps ?? []).forEach((a, i) => {
    if (a.quotas) {
      pending.push({
        code: "QuotaSetTwice",
        scope: `${tenantPath}.apps[${i}]`,
        field: "quotas",
        value: a.quotas,
        message: `tenant ${tenant.name} declares a Kafka quota that is split across its users; an app cannot set its own as well`,
        fix: "remove the app's quotas and give it a quotaShare of the tenant quota",
      });
    }
    claims.push({ user: tenantUserName(tenant.name, a.name), share: a.quotaShare, ctx: { scope: `${tenantPath}.apps[${i}]`, field: "quotaShare" } });
  });
  (tenant.jobs ?? []).forEach((j, i) => {
    if ((j.reads ?? []).length + (j.writes ?? []).length === 0 || j.session !== undefined) return;
    claims.push({ user: tenantUserName(tenant.name, j.name), share: j.quotaShare, ctx: { scope: `${tenantPath}.jobs[${i}]`, field: "quotaShare" } });
  });
  // A session cluster's jobs share its KafkaUser, and its quota.
  (tenant.sessionClusters ?? []).forEach((c, i) => {
    claims.push({ user: tenantUserName(tenant.name, c.name), share: c.quotaShare, ctx: { scope: `${tenantPath}.sessionClusters[${i}]`, field: "quotaShare" } });
  });
  if ((tenant.sources ?? []).length > 0) {
    claims.push({ user: `${tenant.name}-connect`, ctx: { scope: `${tenantPath}.sources`, field: "" } });
  }
  const { quotas, issues } = splitKafkaQuota(tenant.kafkaQuota, claims, { scope: tenantPath, field: "kafkaQuota" });
  pending.push(...issues);
  return quotas;
}

/**
 * The region's capacity against its tenants' quotas (CPU, memory, pods, Kafka byte rates, partitions), and
 * each tenant's Flink jobs against its own quota.
 */
function capacityIssues(region: RegionSpec, regionIndex: number, builds: readonly TenantBuild[], kafka: KafkaCluster): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const cap = region.capacity ?? {};
  const ctx = (field: string) => ({ scope: `regions[${regionIndex}]`, field: `capacity.${field}` });
  const cpu = (v: string | number) => parseCpu(String(v), { scope: "", field: "" }).millis ?? 0;
  const mem = (v: string) => parseBytes(v, { scope: "", field: "" }).bytes ?? 0;
  issues.push(
    ...checkCapacity("the CPU quota", cap.cpu === undefined ? undefined : cpu(cap.cpu), builds.map((b) => ({ tenant: b.tenant.tenantName, amount: cpu(b.tenant.quota.cpu) })), ctx("cpu"), formatCpu),
    ...checkCapacity("the memory quota", cap.memory === undefined ? undefined : mem(cap.memory), builds.map((b) => ({ tenant: b.tenant.tenantName, amount: mem(b.tenant.quota.memory) })), ctx("memory"), formatBytes),
    ...checkCapacity("the pod quota", cap.pods, builds.map((b) => ({ tenant: b.tenant.tenantName, amount: b.tenant.quota.pods })), ctx("pods")),
    ...checkCapacity("the Kafka producer byte rate", cap.producerByteRate, builds.map((b) => ({ tenant: b.tenant.tenantName, amount: b.spec.kafkaQuota?.producerByteRate ?? 0 })), ctx("producerByteRate")),
    ...checkCapacity("the Kafka consumer byte rate", cap.consumerByteRate, builds.map((b) => ({ tenant: b.tenant.tenantName, amount: b.spec.kafkaQuota?.consumerByteRate ?? 0 })), ctx("consumerByteRate")),
  );
  const partitionsOf = (b: TenantBuild) =>
    b.chart.node.findAll().filter((c): c is KafkaTopic => c instanceof KafkaTopic && c.cluster === kafka).reduce((n, t) => n + t.partitions, 0);
  issues.push(...checkCapacity("the topic partitions", cap.partitions, builds.map((b) => ({ tenant: b.tenant.tenantName, amount: partitionsOf(b) })), ctx("partitions")));
  for (const b of builds) {
    const quota = tenantQuotaAmounts(b);
    issues.push(...autoscalerQuotaIssues(b, quota, region.name));
    const used = [...b.jobs, ...b.sessions].reduce((sum, j) => ({ cpu: sum.cpu + j.footprint.cpuMillis, memory: sum.memory + j.footprint.memoryBytes, pods: sum.pods + j.footprint.pods }), { cpu: 0, memory: 0, pods: 0 });
    const over: string[] = [];
    if (used.cpu > quota.cpu) over.push(`CPU ${formatCpu(used.cpu)} > ${formatCpu(quota.cpu)}`);
    if (used.memory > quota.memory) over.push(`memory ${formatBytes(used.memory)} > ${formatBytes(quota.memory)}`);
    if (used.pods > quota.pods) over.push(`pods ${used.pods} > ${quota.pods}`);
    if (over.length > 0) {
      issues.push({
        code: "TenantQuotaExceeded",
        scope: b.path,
        field: "quota",
        value: b.tenant.quota,
        message: `the tenant's Flink jobs need more than its quota in region ${region.name}: ${over.join(", ")}`,
        fix: "raise the tenant's quota, or lower the jobs' parallelism, replicas or resources",
      });
    }
  }
  return issues;
}

interface TenantQuotaAmounts {
  readonly cpu: number;
  readonly memory: number;
  readonly pods: number;
}

/** A tenant's quota in millicores, bytes and pods. */
function tenantQuotaAmounts(b: TenantBuild): TenantQuotaAmounts {
  const parse = { scope: "", field: "" };
  return { cpu: parseCpu(String(b.tenant.quota.cpu), parse).millis ?? 0, memory: parseBytes(b.tenant.quota.memory, parse).bytes ?? 0, pods: b.tenant.quota.pods };
}

/**
 * What a tenant's quota leaves for one job's TaskManagers: the quota less its other jobs (each at its most,
 * autoscaled ones at their max parallelism) and this job's JobManagers.
 */
function taskManagerRoom(b: TenantBuild, job: FlinkApplication, quota: TenantQuotaAmounts): { cpuMillis: number; memoryBytes: number; pods: number } {
  const others = [...b.jobs.filter((j) => j !== job), ...b.sessions];
  const sum = (f: (fp: FlinkApplication["footprint"]) => number) => others.reduce((n, j) => n + f(j.footprint), 0);
  const tm = job.taskManagerResources;
  const n = job.maxTaskManagers;
  const own = job.footprint;
  return {
    cpuMillis: quota.cpu - sum((f) => f.cpuMillis) - (own.cpuMillis - tm.cpuMillis * n),
    memoryBytes: quota.memory - sum((f) => f.memoryBytes) - (own.memoryBytes - tm.memoryBytes * n),
    pods: quota.pods - sum((f) => f.pods) - (own.pods - n),
  };
}

/** The spec path of a tenant's job construct (`tenants[i].jobs[k]`). */
function jobSpecPath(b: TenantBuild, job: FlinkApplication): string {
  const k = (b.spec.jobs ?? []).findIndex((j) => tenantUserName(b.spec.name, j.name) === job.deploymentName);
  return k >= 0 ? `${b.path}.jobs[${k}]` : b.path;
}

/**
 * An autoscaled job may scale to `ceil(maxParallelism / slots)` TaskManagers: that many must fit in the tenant's
 * quota beside its other jobs, or the autoscaler scales into pods the ResourceQuota refuses.
 */
function autoscalerQuotaIssues(b: TenantBuild, quota: TenantQuotaAmounts, region: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const job of b.jobs.filter((j) => j.autoscalerEnabled)) {
    const room = taskManagerRoom(b, job, quota);
    const tm = job.taskManagerResources;
    const fit = Math.max(0, Math.min(Math.floor(room.cpuMillis / Math.max(1, tm.cpuMillis)), Math.floor(room.memoryBytes / Math.max(1, tm.memoryBytes)), room.pods));
    const n = job.maxTaskManagers;
    if (n <= fit) continue;
    const limit = fit * job.slots;
    issues.push({
      code: "AutoscalerExceedsQuota",
      scope: jobSpecPath(b, job),
      field: "autoscaler.maxParallelism",
      value: job.autoscalerMaxParallelism,
      message:
        `at parallelism ${job.autoscalerMaxParallelism} the autoscaler may run ${n} TaskManagers (${formatCpu(n * tm.cpuMillis)} CPU, ${formatBytes(n * tm.memoryBytes)}), ` +
        `but tenant ${b.tenant.tenantName}'s quota in region ${region} leaves room for ${fit} beside its other jobs`,
      fix:
        limit >= 1
          ? `set autoscaler.maxParallelism to at most ${limit} (the operator's default is ${AUTOSCALER_DEFAULT_MAX_PARALLELISM}), or raise the tenant's quota`
          : "raise the tenant's quota (its other jobs leave no room for this one's TaskManagers)",
    });
  }
  return issues;
}

/**
 * Give each autoscaled job the operator's resource quota (`job.autoscaler.quota.*`): the room its tenant's quota
 * leaves for its TaskManagers, so that the autoscaler never scales beyond what the namespace's ResourceQuota admits.
 */
function boundAutoscalers(b: TenantBuild): void {
  const quota = tenantQuotaAmounts(b);
  for (const job of b.jobs.filter((j) => j.autoscalerEnabled)) {
    const room = taskManagerRoom(b, job, quota);
    if (room.cpuMillis > 0 && room.memoryBytes > 0) job.limitAutoscaler({ cpu: room.cpuMillis / 1000, memoryBytes: room.memoryBytes });
  }
}

/** Bytes as a binary quantity (`16Gi`), or plain bytes when not a whole number of Mi. */
function formatBytes(bytes: number): string {
  for (const [unit, size] of [["Ti", 1024 ** 4], ["Gi", 1024 ** 3], ["Mi", 1024 ** 2]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** The ConnectImage of a region's `connect` block. */
function connectImage(connect: NonNullable<RegionSpec["connect"]>): ConnectImage {
  if (connect.build) {
    return ConnectImage.build({
      outputRepository: connect.build.outputRepository,
      pushSecret: connect.build.pushSecret,
      plugins: connect.build.plugins.map((p) => DebeziumPlugin.of(p.connector, { sha512: p.sha512, version: p.version, repository: p.repository })),
    });
  }
  return ConnectImage.prebuilt(connect.image ?? "", connect.connectors ?? []);
}

/** A tenant's Connect cluster (`<tenant>-connect`) and its CDC sources; their table topics join `topics`. */
function buildSources(
  chart: Chart,
  region: TenantRegionContext,
  tenant: TenantSpec,
  tenantPath: string,
  map: SpecPathMap,
  pending: ValidationIssue[],
  topics: Map<string, KafkaTopic>,
  quotas: Map<string, KafkaUserQuotas>,
  isStandby: (ref: string) => boolean,
): void {
  const sources = tenant.sources ?? [];
  if (sources.length === 0 || !region.connect) return;
  const connectSpec = region.connect;
  // The Connect cluster is the tenant's (`<tenant>-connect`), configured by the region's `connect`.
  map.add(`${chart.node.path}/Connect`, `${region.regionPath}.connect`, {
    userName: { scope: tenantPath, field: "name", affix: { suffix: "-connect" } },
    name: { scope: tenantPath, field: "name", affix: { suffix: "-connect" } },
  });
  const connect = inSpec(map, pending, () =>
    new ConnectCluster(chart, "Connect", {
      cluster: region.kafka,
      name: `${tenant.name}-connect`,
      tenant: tenant.name,
      image: connectImage(connectSpec),
      replicas: connectSpec.replicas,
      resources: connectSpec.resources && {
        requests: connectSpec.resources.requests && stringValues(connectSpec.resources.requests),
        limits: connectSpec.resources.limits && stringValues(connectSpec.resources.limits),
      },
      production: region.production,
      networkPolicy: { apiServerCidrs: region.network?.apiServerCidrs ?? [], apiServerPort: region.network?.apiServerPort },
      quotas: quotas.get(`${tenant.name}-connect`),
    }),
  );
  if (!connect) return;
  sources.forEach((src, i) => {
    const id = `Source-${src.name}`;
    const standbySource = sourceTopicNames(src).some(isStandby);
    map.add(`${chart.node.path}/${id}`, `${tenantPath}.sources[${i}]`, { hostname: "host", connectorName: "name", credentials: "credentials" });
    map.add(`${chart.node.path}/${id}/SignalTopic`, `${tenantPath}.sources[${i}]`, { topicName: "topicPrefix" });
    const common = {
      connect,
      name: tenantUserName(tenant.name, src.name),
      hostname: src.host,
      port: src.port,
      databaseCidr: src.databaseCidr,
      credentials: DatabaseCredentials.fromSecret({
        namespace: tenant.name,
        name: src.credentials.secret,
        userKey: src.credentials.userKey,
        passwordKey: src.credentials.passwordKey,
      }),
      tables: src.tables,
      topicPrefix: tenantTopicName(tenant.name, src.topicPrefix ?? src.name),
      signalTable: src.signalTable,
      columnExcludeList: src.columnExcludeList,
      tasksMax: src.tasksMax,
      // Where the source's topics are standby copies, its connector is stopped (offsets kept) until failover.
      state: standbySource ? ConnectorState.STOPPED : (src.state as ConnectorState | undefined),
      errorPolicy: (src.errorPolicy ?? (tenant.onMalformed === "skip-and-log" ? "log-and-skip" : tenant.onMalformed === "fail" ? "fail" : undefined)) as SourceErrorPolicy | undefined,
      retryTimeout: src.retryTimeout,
      heartbeatInterval: src.heartbeatInterval,
      topicPartitions: src.topicPartitions,
      // No snapshot trigger Jobs where the connector is stopped: their signals would wait in the standby's signal
      // topic and run old snapshots after failover (the connector's signal consumer starts at `earliest`).
      // After a failover the new primary's Jobs are new objects, which `floe diff` lists as re-snapshots.
      incrementalSnapshots: standbySource ? undefined : src.incrementalSnapshots,
      config: src.format === "avro" && region.registry ? { ...avroConverters(region.registry.url, connect), ...(src.config ?? {}) } : src.config,
    };
    if (src.format === "avro" && region.registry) {
      connect.allowServiceEgress(region.registry.podLabels, SCHEMA_REGISTRY_PORT);
      // The converters register the schemas they derive (until registration moves ahead of the connector): the
      // Connect user is the registrar of the tenant's subjects, its password read through the config provider.
      region.registry.addPrincipal({ user: connect.user, tenant: tenant.name, role: "registrar" });
      connect.allowOwnCredentials();
    }
    const source = inSpec(map, pending, (): DebeziumSource => {
      switch (src.type) {
        case "postgres":
          return new PostgresSource(chart, id, {
            ...common,
            database: src.database ?? "",
            slotName: src.slotName,
            publicationName: src.publicationName,
            slotDropOnStop: src.slotDropOnStop,
            heartbeatActionQuery: src.heartbeatActionQuery,
            snapshotMode: src.snapshotMode as PostgresSnapshotMode | undefined,
            sslMode: src.sslMode as PostgresSourceProps["sslMode"],
          });
        case "mysql":
          return new MySqlSource(chart, id, {
            ...common,
            serverId: src.serverId as number,
            snapshotMode: src.snapshotMode as HistorySnapshotMode | undefined,
            sslMode: src.sslMode as MySqlSourceProps["sslMode"],
          });
        case "sqlserver":
          return new SqlServerSource(chart, id, { ...common, encrypt: src.encrypt, snapshotMode: src.snapshotMode as HistorySnapshotMode | undefined });
      }
    });
    if (!source) return;
    const tablePrefix = tenantPrefix(tenant.name);
    for (const topic of source.topics) topics.set(topic.topicName.slice(tablePrefix.length), topic);
  });
}

/**
 * A bounded backfill next to a live job: its own FlinkDeployment `<tenant>-<job>-backfill` (own user, group
 * `<tenant>.<job>-backfill` and state prefix), reading the job's inputs from `earliest` or a timestamp up to the
 * offsets at its start, writing either `<topic>.backfill` copies (declared here) or the live topics. Promotion is a
 * spec edit: remove `backfill`, and restore the live job from one of the backfill's savepoints if wanted.
 */
function buildBackfill(
  chart: Chart,
  region: TenantRegionContext,
  tenantConstruct: Tenant,
  tenant: TenantSpec,
  j: JobSpec,
  jobPath: string,
  topics: Map<string, KafkaTopic>,
  resolve: (ref: string) => IKafkaTopicResource | undefined,
  prefix: string,
  quotas: Map<string, KafkaUserQuotas>,
  standbyWritable: ((ref: string) => string[]) | undefined,
  map: SpecPathMap,
  pending: ValidationIssue[],
): FlinkApplication | undefined {
  const bf = j.backfill!;
  const separate = (bf.output ?? "separate") === "separate";
  const writes = j.writes ?? [];
  if (separate) {
    for (const ref of writes.filter((w) => !w.endsWith("*"))) {
      const local = `${ref}.backfill`;
      map.add(`${chart.node.path}/Backfill-${j.name}-${ref}`, `${jobPath}.backfill`, { topicName: "output" });
      const original = topics.get(ref);
      const topic = inSpec(map, pending, () =>
        new KafkaTopic(chart, `Backfill-${j.name}-${ref}`, { cluster: region.kafka, topicName: tenantTopicName(tenant.name, local), partitions: original?.partitions ?? 3 }),
      );
      if (topic) topics.set(local, topic);
    }
  }
  const spec: JobSpec = {
    ...j,
    name: `${j.name}-backfill`,
    parallelism: bf.parallelism ?? j.parallelism,
    writes: separate ? writes.filter((w) => !w.endsWith("*")).map((w) => `${w}.backfill`) : j.writes,
    group: `${j.group ?? j.name}-backfill`,
    autoscaler: undefined,
    periodicSavepointInterval: undefined,
    savepointHistory: undefined,
    snapshots: undefined,
    restore: undefined,
    initialSavepointPath: undefined,
    backfill: undefined,
    // A backfill has no dead-letter topic of its own: where the live job dead-letters, it logs and skips.
    onMalformed: j.onMalformed === "dead-letter" || (j.onMalformed === undefined && tenant.onMalformed === "dead-letter") ? "skip-and-log" : j.onMalformed,
    quotaShare: undefined,
  };
  const id = `Job-${spec.name}`;
  map.add(`${chart.node.path}/${id}`, `${jobPath}.backfill`, { "job.jarURI": j.sql ? "sql.runnerJarUri" : "jar.uri", "job.statements": "sql.statements", userName: "name", name: "name" });
  const start = bf.from === "earliest" ? "earliest" : `timestamp:${Date.parse(bf.from)}`;
  return inSpec(map, pending, () => {
    const props = flinkApplicationProps(spec, tenantConstruct, region, resolve, prefix, quotas, standbyWritable, tenant.onMalformed);
    return new FlinkApplication(chart, id, {
      ...props,
      backfill: { of: tenantUserName(tenant.name, j.name), startingOffsets: start, outputTopicSuffix: separate ? ".backfill" : undefined },
    });
  });
}

/**
 * A state path of the spec: absolute (`s3://...`), or relative to the job's state directory in the region's
 * bucket (`savepoints/savepoint-1a2b`, `../<job>-backfill/savepoints/...`), so one spec names the same
 * savepoint in every region (replicated savepoints keep their keys).
 */
function jobStatePath(region: TenantRegionContext, tenant: string, job: string, path: string): string {
  if (path.includes("://") || !region.storage) return path;
  return region.storage.uri(posix.join(`${region.storage.tenantPrefix(tenant)}${job}/`, path));
}

/** Plain environment of a job: the registry URL, its malformed-record policy and dead-letter topic. */
function jobEnv(j: JobSpec, tenant: string, region: TenantRegionContext, policy: TenantSpec["onMalformed"]): { name: string; value: string }[] | undefined {
  const env: { name: string; value: string }[] = [];
  if (region.registry) env.push({ name: "FLOE_SCHEMA_REGISTRY_URL", value: region.registry.url });
  if (policy) env.push({ name: "FLOE_MALFORMED_POLICY", value: policy });
  if (policy === "dead-letter") env.push({ name: "FLOE_DEAD_LETTER_TOPIC", value: tenantTopicName(tenant, deadLetterTopicName(j.name)) });
  return env.length > 0 ? env : undefined;
}

/**
 * Connector converters that write Avro with the region's Schema Registry (the image must contain them),
 * authenticating at its proxy as the Connect user (Confluent's `basic.auth.credentials.source=USER_INFO`; the
 * password a `${secrets:...}` reference that the workers' config provider resolves).
 */
function avroConverters(url: string, connect: ConnectCluster): Record<string, string> {
  const userInfo = `${connect.user.userName}:\${secrets:${connect.namespace}/${connect.user.secretName}:password}`;
  const out: Record<string, string> = {};
  for (const side of ["key", "value"]) {
    out[`${side}.converter`] = "io.confluent.connect.avro.AvroConverter";
    out[`${side}.converter.basic.auth.credentials.source`] = "USER_INFO";
    out[`${side}.converter.basic.auth.user.info`] = userInfo;
    out[`${side}.converter.schema.registry.url`] = url;
  }
  return out;
}

/** The token SQL statements use for the region's Schema Registry URL (replaced at synth). */
export const SCHEMA_REGISTRY_URL_TOKEN = "{{schemaRegistryUrl}}";

function flinkApplicationProps(
  j: JobSpec,
  tenantConstruct: Tenant,
  region: TenantRegionContext,
  resolve: (ref: string) => IKafkaTopicResource | undefined,
  prefix: string,
  quotas: Map<string, KafkaUserQuotas>,
  standbyWritable?: (ref: string) => string[],
  tenantMalformed?: TenantSpec["onMalformed"],
): ConstructorParameters<typeof FlinkApplication>[2] {
  const tenant = tenantConstruct.tenantName;
  const reads = (j.reads ?? []).map(resolve).filter((t): t is IKafkaTopicResource => t !== undefined);
  const policy = j.onMalformed ?? tenantMalformed;
  const writes = jobWrites(j, policy, resolve, standbyWritable);
  return {
    name: tenantUserName(tenant, j.name),
    namespace: tenantConstruct.namespace,
    tenant,
    production: region.production,
    flinkVersion: j.flinkVersion,
    image: j.image,
    serviceAccount: tenantConstruct.flinkServiceAccount,
    secretEnv: j.secretEnv,
    env: jobEnv(j, tenantConstruct.tenantName, region, policy),
    deliveryGuarantee: j.guarantee,
    restorePrefixes: region.storage ? [`${region.storage.uri(`${region.storage.tenantPrefix(tenant)}${j.name}-backfill/savepoints`)}/`] : undefined,
    savepointHistory: j.savepointHistory,
    restore: j.restore && {
      path: jobStatePath(region, tenant, j.name, j.restore.path ?? (j.snapshots ?? []).find((x) => x.name === j.restore!.snapshot)?.path ?? ""),
      nonce: j.restore.nonce,
    },
    job: j.sql
      ? FlinkJob.sql(
          j.sql.statements.map((st) => (region.registry ? st.split(SCHEMA_REGISTRY_URL_TOKEN).join(region.registry.url) : st)),
          { runnerJarUri: j.sql.runnerJarUri, runnerEntryClass: j.sql.runnerEntryClass },
        )
      : FlinkJob.jar(j.jar?.uri ?? "", { entryClass: j.jar?.entryClass, args: j.jar?.args }),
    ...jobStateProps(j, region, tenant, standbyWritable !== undefined),
    periodicSavepointInterval: j.periodicSavepointInterval,
    highAvailability: j.highAvailability,
    jobManager: j.jobManager && { replicas: j.jobManager.replicas, resources: flinkResources(j.jobManager, 1, "2048m") },
    taskManager: j.taskManager && { replicas: j.taskManager.replicas, slots: j.taskManager.slots, resources: flinkResources(j.taskManager, 1, "4096m") },
    autoscaler: j.autoscaler,
    flinkConfiguration: j.flinkConfiguration,
    kafka:
      reads.length + writes.length > 0
        ? {
            cluster: region.kafka,
            reads,
            writes,
            group: `${prefix}${j.group ?? j.name}`,
            userName: tenantUserName(tenant, j.name),
            authentication: j.authentication === "tls" ? KafkaAuthenticationType.TLS : KafkaAuthenticationType.SCRAM_SHA_512,
            aclScope: { topicPrefix: prefix, groupPrefix: prefix },
            quotas: quotas.get(tenantUserName(tenant, j.name)),
          }
        : undefined,
  };
}

/**
 * A tenant's session clusters (`<tenant>-<cluster>`): each a FlinkDeployment without a job, with one KafkaUser of
 * the same name that its session jobs' topics are granted to, its state (HA) under the tenant's prefix.
 */
function buildSessionClusters(
  chart: Chart,
  region: TenantRegionContext,
  tenantConstruct: Tenant,
  tenant: TenantSpec,
  tenantPath: string,
  quotas: Map<string, KafkaUserQuotas>,
  map: SpecPathMap,
  pending: ValidationIssue[],
): Map<string, FlinkSessionCluster> {
  const out = new Map<string, FlinkSessionCluster>();
  const prefix = tenantPrefix(tenant.name);
  (tenant.sessionClusters ?? []).forEach((c, i) => {
    const id = `Session-${c.name}`;
    const name = tenantUserName(tenant.name, c.name);
    map.add(`${chart.node.path}/${id}`, `${tenantPath}.sessionClusters[${i}]`, {
      userName: { field: "name", affix: { prefix: `${tenant.name}-` } },
      name: { field: "name", affix: { prefix: `${tenant.name}-` } },
    });
    const cluster = inSpec(map, pending, () =>
      new FlinkSessionCluster(chart, id, {
        name,
        namespace: tenantConstruct.namespace,
        tenant: tenant.name,
        flinkVersion: c.flinkVersion,
        image: c.image,
        highAvailability: c.highAvailability,
        checkpointStorage: region.storage,
        storagePrefix: region.storage ? `${region.storage.tenantPrefix(tenant.name)}sessions/${c.name}/` : undefined,
        jobManager: c.jobManager && { replicas: c.jobManager.replicas, resources: flinkResources(c.jobManager, 1, "2048m") },
        taskManager: c.taskManager && { replicas: c.taskManager.replicas, slots: c.taskManager.slots, resources: flinkResources(c.taskManager, 1, "4096m") },
        flinkConfiguration: c.flinkConfiguration,
        kafka: {
          cluster: region.kafka,
          userName: name,
          authentication: c.authentication === "tls" ? KafkaAuthenticationType.TLS : KafkaAuthenticationType.SCRAM_SHA_512,
          aclScope: { topicPrefix: prefix, groupPrefix: prefix },
          quotas: quotas.get(name),
        },
      }),
    );
    if (cluster) out.set(c.name, cluster);
  });
  return out;
}

/** Flink resources of a spec block: undefined when it sets neither CPU nor memory (the construct's defaults). */
function flinkResources(r: { cpu?: number; memory?: string } | undefined, cpu: number, memory: string): { cpu: number; memory: string } | undefined {
  return r && (r.cpu !== undefined || r.memory !== undefined) ? { cpu: r.cpu ?? cpu, memory: r.memory ?? memory } : undefined;
}

/** The topics a job may write here: its writes and dead-letter topic, less what is a standby copy in this region. */
function jobWrites(
  j: JobSpec,
  policy: TenantSpec["onMalformed"],
  resolve: (ref: string) => IKafkaTopicResource | undefined,
  standbyWritable?: (ref: string) => string[],
): IKafkaTopicResource[] {
  return [...(j.writes ?? []), ...(policy === "dead-letter" ? [deadLetterTopicName(j.name)] : [])]
    .flatMap((ref) => (standbyWritable ? standbyWritable(ref) : [ref]))
    .map(resolve)
    .filter((t): t is IKafkaTopicResource => t !== undefined);
}

/**
 * What a job's spec says of its run and its state, the same for an application and a session job: parallelism,
 * upgrade mode, state (suspended where it is a standby), checkpoints, and its state under the tenant's prefix.
 */
function jobStateProps(j: JobSpec, region: TenantRegionContext, tenant: string, standby: boolean) {
  return {
    parallelism: j.parallelism,
    upgradeMode: j.upgradeMode as UpgradeMode | undefined,
    state: standby ? JobState.SUSPENDED : (j.state as JobState | undefined),
    stateless: j.stateless,
    allowNonRestoredState: j.allowNonRestoredState,
    initialSavepointPath: j.initialSavepointPath,
    savepointTriggerNonce: j.savepointTriggerNonce,
    checkpointInterval: j.checkpointInterval,
    checkpointsRetained: j.checkpointsRetained,
    checkpointStorage: region.storage,
    storagePrefix: region.storage ? `${region.storage.tenantPrefix(tenant)}${j.name}/` : undefined,
  };
}

/** A session job's props: its jar, state under the tenant's prefix, its topics granted to its cluster's user. */
function sessionJobProps(
  j: JobSpec,
  tenantConstruct: Tenant,
  region: TenantRegionContext,
  session: FlinkSessionCluster,
  resolve: (ref: string) => IKafkaTopicResource | undefined,
  prefix: string,
  standbyWritable?: (ref: string) => string[],
  tenantMalformed?: TenantSpec["onMalformed"],
): ConstructorParameters<typeof FlinkSessionJob>[2] {
  const tenant = tenantConstruct.tenantName;
  const policy = j.onMalformed ?? tenantMalformed;
  const reads = (j.reads ?? []).map(resolve).filter((t): t is IKafkaTopicResource => t !== undefined);
  const writes = jobWrites(j, policy, resolve, standbyWritable);
  return {
    sessionCluster: session,
    name: tenantUserName(tenant, j.name),
    tenant,
    production: region.production,
    job: FlinkJob.jar(j.jar?.uri ?? "", { entryClass: j.jar?.entryClass, args: j.jar?.args }),
    ...jobStateProps(j, region, tenant, standbyWritable !== undefined),
    kafka: reads.length + writes.length > 0 ? { reads, writes, group: `${prefix}${j.group ?? j.name}` } : undefined,
  };
}

/**
 * Compose a parsed spec into one cdk8s app per region. Construct-time and synth-time validation errors are
 * reported together, each with its spec path. Warnings come back in `warnings`.
 */
export function composePlatform(
  spec: PlatformSpec,
  onProgress: (step: string) => void = () => undefined,
): { platform: ComposedPlatform; warnings: ValidationIssue[] } {
  const map = new SpecPathMap();
  const pending: ValidationIssue[] = [];
  const regions: RegionPlatform[] = [];
  const replication = resolveReplication(spec);
  const builds = new Map<string, RegionBuild>();
  spec.regions.forEach((region, i) => {
    onProgress(`composing region ${region.name} (${i + 1}/${spec.regions.length})`);
    const built = buildRegion(spec, region, i, map, pending, replication);
    if (built) {
      regions.push(built.platform);
      builds.set(region.name, built);
    }
  });
  buildReplication(spec, replication, builds, map, pending);
  const warnings: ValidationIssue[] = [];
  for (const r of regions) {
    onProgress(`validating region ${r.region}`);
    for (const issue of collectIssues(r.app)) {
      const mapped = map.toSpec(issue);
      (issue.severity === "warning" ? warnings : pending).push(mapped);
    }
  }
  ValidationError.throwIfAny(dedupe(pending));
  return { platform: { spec, regions, specPaths: map }, warnings: dedupe(warnings) };
}

/**
 * Cross-region replication (`replication[]`), for each entry:
 * - primary region: a read-only KafkaUser `<tenant>-mirror-to-<standby>` on the replicated topics, and
 *   PushSecrets that copy its Strimzi-generated password and the cluster CA certificate to Secrets Manager in
 *   the standby's AWS region (under `<environment>/platform/kafka/<primary>/`), through a ClusterSecretStore
 *   usable only from the Kafka namespace;
 * - standby region: ExternalSecrets that bring both into its Kafka namespace, and a KafkaMirrorMaker2
 *   `<tenant>-mirror-<primary>` that keeps topic names, translates the tenant's consumer group offsets, and
 *   connects to the primary's external replication listener.
 * Jobs, sources and producers of the standby side were already rendered passive by buildTenant.
 */
function buildReplication(
  spec: PlatformSpec,
  plan: readonly ResolvedReplication[],
  regions: ReadonlyMap<string, RegionBuild>,
  map: SpecPathMap,
  pending: ValidationIssue[],
): void {
  const env = spec.environment;
  const once = new Map<string, unknown>();
  const memo = <T>(key: string, make: () => T): T => {
    if (!once.has(key)) once.set(key, make());
    return once.get(key) as T;
  };
  const serviceAccount = (r: RegionSpec) => storeServiceAccount(spec, r);
  /** One mirror: `what.sourceChart` in the primary holds the source user, `what.targetChart` in the standby the MirrorMaker 2. */
  interface Mirror {
    readonly primary: RegionBuild;
    readonly standby: RegionBuild;
    readonly scope: string;
    readonly sourceChart: Chart;
    readonly targetChart: Chart;
    /** KafkaMirrorMaker2 name; its source user is `<owner>-mirror-to-<standby>`, its credentials `<owner>-mirror-<primary>-source`. */
    readonly owner: string;
    readonly sourceTopics: readonly IKafkaTopicResource[];
    readonly targetTopics: readonly IKafkaTopicResource[];
    readonly excludeTopics?: readonly string[];
    readonly groupPrefix: string;
    readonly replicas?: number;
    readonly tasksMax?: number;
    readonly resources?: ResourceRequirements;
  }
  const mirror = (m: Mirror): void => {
    const { primary, standby } = m;
    const bootstrap = replicationBootstrap(primary.spec);
    if (!bootstrap) return; // reported by checkReplication / registryLeaderIssues
    const scope = m.scope;
    const p = primary.platform.region;
    const t = standby.platform.region;
    const pKafka = primary.platform.kafka;
    const tKafka = standby.platform.kafka;
    const remotePrefix = `${env}/platform/kafka/${p}/`;
    const owner = m.owner;
    inSpec(map, pending, () => {
      const pushStore = memo(`push|${p}|${t}`, () =>
        new SecretStore(primary.platformChart, `ReplicationPushStore-${t}`, {
          name: `floe-${p}-to-${t}`,
          awsRegion: secretsAwsRegion(standby.spec),
          serviceAccount: serviceAccount(primary.spec),
          namespaces: [pKafka.namespace],
        }),
      );
      const caRemoteKey = `${remotePrefix}cluster-ca-cert`;
      memo(`ca-push|${p}|${t}`, () =>
        new PushedSecret(primary.platformChart, `ClusterCaPush-${t}`, {
          store: pushStore,
          namespace: pKafka.namespace,
          name: `${pKafka.clusterName}-cluster-ca-cert-to-${t}`,
          secretName: `${pKafka.clusterName}-cluster-ca-cert`,
          key: "ca.crt",
          remoteKey: caRemoteKey,
          allowedPrefix: remotePrefix,
        }),
      );
      const platformStore = memo(`store|${t}`, () =>
        new SecretStore(standby.platformChart, "ReplicationSecretStore", {
          name: `floe-${t}-platform`,
          awsRegion: secretsAwsRegion(standby.spec),
          serviceAccount: serviceAccount(standby.spec),
          namespaces: [tKafka.namespace],
        }),
      );
      const caSecret = memo(`ca|${p}|${t}`, () =>
        new TenantSecret(standby.platformChart, `ClusterCa-${p}`, {
          store: platformStore,
          namespace: tKafka.namespace,
          name: `floe-kafka-ca-${p}`,
          remoteKey: caRemoteKey,
          properties: ["ca.crt"],
          allowedPrefix: remotePrefix,
        }),
      );
      const sourceUser = new KafkaUser(m.sourceChart, `MirrorSource-${owner}-${t}`, { cluster: pKafka, userName: `${owner}-mirror-to-${t}` });
      grantMirrorSource(sourceUser, m.sourceTopics, m.groupPrefix);
      const passwordKey = `${remotePrefix}users/${sourceUser.userName}`;
      new PushedSecret(m.sourceChart, `MirrorSourcePush-${owner}-${t}`, {
        store: pushStore,
        namespace: pKafka.namespace,
        name: `${sourceUser.userName}-push`,
        secretName: sourceUser.secretName,
        key: "password",
        remoteKey: passwordKey,
        allowedPrefix: remotePrefix,
      });
      const credentials = new TenantSecret(m.targetChart, `MirrorCredentials-${owner}-${p}`, {
        store: platformStore,
        namespace: tKafka.namespace,
        name: `${owner}-mirror-${p}-source`,
        remoteKey: passwordKey,
        properties: ["password"],
        allowedPrefix: remotePrefix,
      });
      map.add(`${m.targetChart.node.path}/Mirror-${owner}-${p}`, scope, { name: "tenant" });
      return new KafkaMirrorMaker2(m.targetChart, `Mirror-${owner}-${p}`, {
        target: tKafka,
        targetAlias: t,
        name: `${owner}-mirror-${p}`,
        source: {
          alias: p,
          bootstrapServers: bootstrap,
          caSecret: { secretName: caSecret.secretName, certificate: "ca.crt" },
          credentials: { username: sourceUser.userName, secretName: credentials.secretName, passwordKey: "password" },
        },
        topics: m.targetTopics,
        excludeTopics: m.excludeTopics,
        groupPrefix: m.groupPrefix,
        replicas: m.replicas,
        tasksMax: m.tasksMax,
        resources: m.resources,
        // Only DNS, the local brokers, the other workers and the primary's load balancers.
        egress: primary.spec.network?.peeringCidrs?.length ? { sourceCidrs: primary.spec.network.peeringCidrs } : undefined,
      });
    });
  };
  for (const entry of plan) {
    const primary = regions.get(entry.spec.primary);
    const standby = regions.get(entry.spec.standby);
    const tenant = entry.tenant.name;
    const source = primary?.tenants.get(tenant);
    const target = standby?.tenants.get(tenant);
    if (!primary || !standby || !source || !target || primary === standby) continue; // reported by checkReplication
    mirror({
      primary,
      standby,
      scope: `replication[${entry.index}]`,
      sourceChart: source.chart,
      targetChart: target.chart,
      owner: tenant,
      sourceTopics: entry.refs.map(source.resolve).filter((x): x is IKafkaTopicResource => x !== undefined),
      targetTopics: entry.refs.map(target.resolve).filter((x): x is IKafkaTopicResource => x !== undefined),
      excludeTopics: tenantUnmirroredTopics(entry.tenant),
      groupPrefix: tenantPrefix(tenant),
      replicas: entry.spec.replicas,
      tasksMax: entry.spec.tasksMax,
      resources: entry.spec.resources && {
        requests: entry.spec.resources.requests && stringValues(entry.spec.resources.requests),
        limits: entry.spec.resources.limits && stringValues(entry.spec.resources.limits),
      },
    });
  }
  // The registries of the other regions follow the leader's: its schemas topic is copied to each of them (ids
  // assigned once, in the leader; the followers serve them read-only), by a MirrorMaker 2 of the platform.
  const leader = schemaRegistryLeader(spec);
  const leading = leader !== undefined ? regions.get(leader) : undefined;
  const leaderRegistry = leading?.registry;
  if (!leading || !leaderRegistry) return;
  for (const follower of regions.values()) {
    const registry = follower.registry;
    if (follower === leading || !registry || registry.leaderEligible) continue;
    mirror({
      primary: leading,
      standby: follower,
      scope: `regions[${follower.index}].schemaRegistry`,
      sourceChart: leading.platformChart,
      targetChart: follower.platformChart,
      owner: registry.registryName,
      sourceTopics: [leaderRegistry.topic],
      targetTopics: [registry.topic],
      groupPrefix: `${registry.registryName}.`,
      replicas: 1,
      tasksMax: 1,
    });
  }
}

/** The same issue found in several regions is reported once. */
function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.code}|${i.scope}|${i.field}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
