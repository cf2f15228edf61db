import { ApiObject, App, Chart } from "cdk8s";
import { Construct } from "constructs";
import { collectIssues, contextLabels, isValidationError, ValidationError, ValidationIssue } from "../core";
import { RESTRICTED_NAMESPACE_LABELS } from "../k8s/security";
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
} from "../k8s/kafka";
import { CheckpointStorage, FlinkApplication, FlinkJob, ICheckpointStorage, JobState, UpgradeMode } from "../k8s/flink";
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
import { JobSpec, PlatformSpec, RegionSpec, TenantSpec } from "./spec";

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

/** Construct path -> spec path (and field renames), so construct errors name the spec. */
export class SpecPathMap {
  private readonly entries = new Map<string, { specPath: string; fields: Readonly<Record<string, string>> }>();

  /** Record that `construct` was made from `specPath`; `fields` renames construct fields to spec fields. */
  public add(construct: Construct | string, specPath: string, fields: Readonly<Record<string, string>> = {}): void {
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
        return {
          ...issue,
          scope: entry.specPath,
          field: key !== undefined ? entry.fields[key] + issue.field.slice(key.length) : issue.field,
        };
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

function listeners(spec: RegionSpec["kafka"]["listeners"]): KafkaListener[] | undefined {
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
    });
  });
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

function buildRegion(
  spec: PlatformSpec,
  region: RegionSpec,
  regionIndex: number,
  map: SpecPathMap,
  pending: ValidationIssue[],
): RegionPlatform | undefined {
  const production = spec.production ?? true;
  const app = new App({ outdir: "unused" });
  const regionScope = new Construct(app, region.name);
  const ctx = { environment: spec.environment, region: region.name };
  const kafkaSpec = region.kafka;
  const namespace = kafkaSpec.namespace ?? DEFAULT_KAFKA_NAMESPACE;
  const platformChart = new Chart(regionScope, "platform", { labels: contextLabels(ctx) });
  const kafkaPath = `regions[${regionIndex}].kafka`;
  map.add(`${platformChart.node.path}/Kafka`, kafkaPath);
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
      listeners: listeners(kafkaSpec.listeners),
      authorization:
        kafkaSpec.authorization === "none"
          ? KafkaAuthorization.none()
          : KafkaAuthorization.simple({ superUsers: kafkaSpec.superUsers }),
      controllers: nodePoolOptions(kafkaSpec.controllers),
      brokers: nodePoolOptions(kafkaSpec.brokers),
      combinedRoles: kafkaSpec.combinedRoles,
      rackAwareness: kafkaSpec.rackAwareness,
      rackTopologyKey: kafkaSpec.rackTopologyKey,
      config: kafkaSpec.config,
      cruiseControl: kafkaSpec.cruiseControl,
      metrics: kafkaSpec.metrics,
    }),
  );
  if (!kafka) return undefined;

  const tenants = (spec.tenants ?? [])
    .map((tenant, index) => ({ tenant, index }))
    .filter(({ tenant }) => (tenant.regions ?? spec.regions.map((r) => r.name)).includes(region.name))
    .sort((a, b) => (a.tenant.name < b.tenant.name ? -1 : a.tenant.name > b.tenant.name ? 1 : 0));
  const needsStorage = region.flink?.checkpointBucket !== undefined || tenants.some(({ tenant }) => (tenant.jobs ?? []).length > 0);
  const storage = needsStorage ? regionStorage(spec, region, regionIndex, pending) : undefined;
  const regionContext: TenantRegionContext = {
    kafka,
    storage,
    production,
    serviceAccount: region.flink?.serviceAccount,
    connect: region.connect,
    regionPath: `regions[${regionIndex}]`,
  };
  const charts: RegionChart[] = [{ file: "platform", chart: platformChart }];
  for (const { tenant, index } of tenants) {
    const chart = new Chart(regionScope, `tenant-${tenant.name}`, {
      labels: contextLabels({ ...ctx, tenant: tenant.name }),
    });
    buildTenant(chart, regionContext, tenant, `tenants[${index}]`, map, pending);
    charts.push({ file: `tenant-${tenant.name}`, chart });
  }
  return { region: region.name, app, kafka, charts };
}

/** The region's checkpoint bucket (named in the spec, or Floe's default name); a bad name is a spec error. */
function regionStorage(spec: PlatformSpec, region: RegionSpec, regionIndex: number, pending: ValidationIssue[]): ICheckpointStorage | undefined {
  const named = region.flink?.checkpointBucket;
  const bucketName = named ?? CheckpointStorage.defaultBucketName(spec.environment, region.name);
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
  readonly serviceAccount: string | undefined;
  readonly connect: RegionSpec["connect"];
  readonly regionPath: string;
}

function buildTenant(
  chart: Chart,
  region: TenantRegionContext,
  tenant: TenantSpec,
  tenantPath: string,
  map: SpecPathMap,
  pending: ValidationIssue[],
): void {
  const kafka = region.kafka;
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
  const prefix = tenantPrefix(tenant.name);
  buildSources(chart, region, tenant, tenantPath, map, pending, topics);
  const resolve = (ref: string): IKafkaTopicResource | undefined =>
    ref.endsWith("*") ? new KafkaTopicPrefix(kafka, `${prefix}${ref.slice(0, -1)}`) : topics.get(ref);

  (tenant.apps ?? []).forEach((a, i) => {
    const id = `App-${a.name}`;
    const appPath = `${tenantPath}.apps[${i}]`;
    map.add(`${chart.node.path}/${id}`, appPath, { userName: "name" });
    inSpec(map, pending, () => {
      const user = new KafkaUser(chart, id, {
        cluster: kafka,
        userName: tenantUserName(tenant.name, a.name),
        authentication:
          a.authentication === "tls" ? KafkaAuthenticationType.TLS : KafkaAuthenticationType.SCRAM_SHA_512,
        quotas: a.quotas,
        aclScope: { topicPrefix: prefix, groupPrefix: prefix },
      });
      (a.produces ?? []).forEach((ref) => resolve(ref)?.grants.produce(user));
      (a.consumes ?? []).forEach((c) => {
        const ref = typeof c === "string" ? c : c.topic;
        const group = `${prefix}${(typeof c === "string" ? undefined : c.group) ?? a.name}`;
        resolve(ref)?.grants.consume(user, { group });
      });
      return user;
    });
  });

  const jobs = tenant.jobs ?? [];
  if (jobs.length > 0 || (tenant.sources ?? []).length > 0) {
    new ApiObject(chart, "Namespace", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: tenant.name, labels: { ...RESTRICTED_NAMESPACE_LABELS } },
    });
  }
  jobs.forEach((j, i) => {
    const id = `Job-${j.name}`;
    map.add(`${chart.node.path}/${id}`, `${tenantPath}.jobs[${i}]`, {
      "job.jarURI": j.sql ? "sql.runnerJarUri" : "jar.uri",
      "job.statements": "sql.statements",
      userName: "name",
    });
    inSpec(map, pending, () =>
      new FlinkApplication(chart, id, flinkApplicationProps(j, tenant.name, region, resolve, prefix)),
    );
  });
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
): void {
  const sources = tenant.sources ?? [];
  if (sources.length === 0 || !region.connect) return;
  const connectSpec = region.connect;
  map.add(`${chart.node.path}/Connect`, `${region.regionPath}.connect`, { userName: "name" });
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
    }),
  );
  if (!connect) return;
  sources.forEach((src, i) => {
    const id = `Source-${src.name}`;
    map.add(`${chart.node.path}/${id}`, `${tenantPath}.sources[${i}]`, { hostname: "host", connectorName: "name" });
    const common = {
      connect,
      name: tenantUserName(tenant.name, src.name),
      hostname: src.host,
      port: src.port,
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
      state: src.state as ConnectorState | undefined,
      errorPolicy: src.errorPolicy as SourceErrorPolicy | undefined,
      retryTimeout: src.retryTimeout,
      heartbeatInterval: src.heartbeatInterval,
      topicPartitions: src.topicPartitions,
      config: src.config,
    };
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

function flinkApplicationProps(
  j: JobSpec,
  tenant: string,
  region: TenantRegionContext,
  resolve: (ref: string) => IKafkaTopicResource | undefined,
  prefix: string,
): ConstructorParameters<typeof FlinkApplication>[2] {
  const resources = (r: { cpu?: number; memory?: string } | undefined, cpu: number, memory: string) =>
    r && (r.cpu !== undefined || r.memory !== undefined) ? { cpu: r.cpu ?? cpu, memory: r.memory ?? memory } : undefined;
  const reads = (j.reads ?? []).map(resolve).filter((t): t is IKafkaTopicResource => t !== undefined);
  const writes = (j.writes ?? []).map(resolve).filter((t): t is IKafkaTopicResource => t !== undefined);
  return {
    name: tenantUserName(tenant, j.name),
    namespace: tenant,
    tenant,
    production: region.production,
    flinkVersion: j.flinkVersion,
    image: j.image,
    serviceAccount: region.serviceAccount,
    job: j.sql
      ? FlinkJob.sql(j.sql.statements, { runnerJarUri: j.sql.runnerJarUri, runnerEntryClass: j.sql.runnerEntryClass })
      : FlinkJob.jar(j.jar?.uri ?? "", { entryClass: j.jar?.entryClass, args: j.jar?.args }),
    parallelism: j.parallelism,
    upgradeMode: j.upgradeMode as UpgradeMode | undefined,
    state: j.state as JobState | undefined,
    stateless: j.stateless,
    allowNonRestoredState: j.allowNonRestoredState,
    initialSavepointPath: j.initialSavepointPath,
    savepointTriggerNonce: j.savepointTriggerNonce,
    periodicSavepointInterval: j.periodicSavepointInterval,
    checkpointInterval: j.checkpointInterval,
    checkpointsRetained: j.checkpointsRetained,
    highAvailability: j.highAvailability,
    checkpointStorage: region.storage,
    storagePrefix: region.storage ? `${region.storage.tenantPrefix(tenant)}${j.name}/` : undefined,
    jobManager: j.jobManager && { replicas: j.jobManager.replicas, resources: resources(j.jobManager, 1, "2048m") },
    taskManager: j.taskManager && { replicas: j.taskManager.replicas, slots: j.taskManager.slots, resources: resources(j.taskManager, 1, "4096m") },
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
          }
        : undefined,
  };
}

/**
 * Compose a parsed spec into one cdk8s app per region. Construct-time and synth-time validation errors are
 * reported together, each with its spec path. Warnings come back in `warnings`.
 */
export function composePlatform(spec: PlatformSpec): { platform: ComposedPlatform; warnings: ValidationIssue[] } {
  const map = new SpecPathMap();
  const pending: ValidationIssue[] = [];
  const regions: RegionPlatform[] = [];
  spec.regions.forEach((region, i) => {
    const built = buildRegion(spec, region, i, map, pending);
    if (built) regions.push(built);
  });
  const warnings: ValidationIssue[] = [];
  for (const r of regions) {
    for (const issue of collectIssues(r.app)) {
      const mapped = map.toSpec(issue);
      (issue.severity === "warning" ? warnings : pending).push(mapped);
    }
  }
  ValidationError.throwIfAny(dedupe(pending));
  return { platform: { spec, regions, specPaths: map }, warnings: dedupe(warnings) };
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
