// A tenant's Kafka Connect cluster and its Debezium sources.

import { ConnectCluster, ConnectImage, ConnectorState, DatabaseCredentials, DebeziumPlugin, DebeziumSource, IcebergSinkPlugin, HistorySnapshotMode, MySqlSource, MySqlSourceProps, PostgresSnapshotMode, PostgresSource, PostgresSourceProps, SourceErrorPolicy, SqlServerSource } from "../../k8s/debezium";
import { roleArn, tenantRoleName } from "../../core";
import { SCHEMA_REGISTRY_PORT } from "../../k8s/schema";
import { TenantScope, TenantWiring } from "../compose/context";
import { inSpec } from "../compose/path-map";
import { stringValues } from "../kafka/compose";
import { tenantPrefix, tenantTopicName, tenantUserName } from "../names";
import { RegionSpec, SourceSpec, TenantSpec } from "../spec/schema";
import { buildSink } from "../sinks/compose";
import { avroConverters, jsonConverters } from "./converters";
import { sourceTopicNames } from "./names";

/** The ConnectImage of a region's `connect` block. */
function connectImage(connect: NonNullable<RegionSpec["connect"]>): ConnectImage {
  if (connect.build) {
    return ConnectImage.build({
      outputRepository: connect.build.outputRepository,
      pushSecret: connect.build.pushSecret,
      plugins: connect.build.plugins.map((p) =>
        p.connector === "iceberg" ? IcebergSinkPlugin.of({ repository: p.repository }) : DebeziumPlugin.of(p.connector, { sha512: p.sha512 ?? "", version: p.version, repository: p.repository }),
      ),
    });
  }
  return ConnectImage.prebuilt(connect.image ?? "", connect.connectors ?? []);
}

/**
 * A tenant's Connect cluster (`<tenant>-connect`) and its CDC sources; their table topics join `w.topics` (before
 * the tenant's apps and jobs resolve their references).
 */
export function buildSources(s: TenantScope, w: Pick<TenantWiring, "topics" | "quotas" | "isStandby">): void {
  const { chart, region, tenant, map, pending } = s;
  const tenantPath = s.path;
  const quotas = w.quotas;
  const sources = tenant.sources ?? [];
  const sinks = tenant.sinks ?? [];
  if ((sources.length === 0 && sinks.length === 0) || !region.connect) return;
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
      // Iceberg sinks write the tenant's warehouse prefix with the tenant's role (IRSA; Pod Identity associates it).
      workloadRoleArn:
        sinks.some((k) => k.type === "iceberg") && region.aws?.accountId && (region.aws.workloadIdentity ?? "irsa") === "irsa"
          ? roleArn(region.aws.accountId, tenantRoleName(region.environment, region.regionName, tenant.name))
          : undefined,
    }),
  );
  if (!connect) return;
  sources.forEach((src, i) => buildSource(s, w, connect, src, i));
  // Sinks read the tenant's topics, the sources' among them.
  sinks.forEach((sink, i) => buildSink(s, w, connect, sink, i));
}

/** One CDC source on the tenant's Connect cluster: stopped (offsets kept) where its topics are standby copies. */
function buildSource(s: TenantScope, w: Pick<TenantWiring, "topics" | "isStandby">, connect: ConnectCluster, src: SourceSpec, i: number): void {
  const { chart, region, tenant, map, pending } = s;
  const tenantPath = s.path;
  const { topics, isStandby } = w;
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
    config: sourceConfig(tenant, src, region.registry && src.format === "avro" ? avroConverters(region.registry.url, connect) : undefined),
  };
  if (src.format === "avro" && region.registry) {
    connect.allowServiceEgress(region.registry.podLabels, SCHEMA_REGISTRY_PORT);
    // The converters only read: Floe's registration Job registers each table's schema (derived from its
    // declared columns) ahead of the connector. The Connect user is a client of the tenant's subjects, its
    // password read through the config provider.
    region.registry.addPrincipal({ user: connect.user, tenant: tenant.name, role: "client" });
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
}

/**
 * The connector settings Floe adds to a source's own `config` (which wins): its converters, and, for PostgreSQL
 * tables that a SQL job reads as a changelog table (`jobs[].sql.tables`), full before-images. Flink's
 * `debezium-json` refuses an update without its `before` row (DebeziumJsonDeserializationSchema: "The before field
 * of UPDATE message is null ... set REPLICA IDENTITY to FULL"), and PostgreSQL logs only the key's old values by
 * default; Debezium sets the tables' replica identity itself at start (`replica.identity.autoset.values`,
 * PostgresConnectorConfig / PostgresConnection: `ALTER TABLE ... REPLICA IDENTITY FULL`; its user must own them).
 */
function sourceConfig(tenant: TenantSpec, src: SourceSpec, avro: Record<string, string> | undefined): Record<string, string | number | boolean> | undefined {
  const topics = sourceTopicNames(src);
  const read = new Set((tenant.jobs ?? []).flatMap((j) => (j.sql?.tables ?? []).map((t) => t.topic)));
  const changelog = src.type === "postgres" ? src.tables.filter((_, i) => read.has(topics[i])) : [];
  const out: Record<string, string | number | boolean> = {
    ...(avro ?? jsonConverters(src)),
    ...(changelog.length > 0 ? { "replica.identity.autoset.values": changelog.map((t) => `${t.replace(/\./g, "\\.")}:FULL`).join(",") } : {}),
    ...(src.config ?? {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}
