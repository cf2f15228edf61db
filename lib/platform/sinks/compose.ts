// A tenant's sink connectors on its Kafka Connect cluster.

import { ConnectCluster, ConnectorState, DatabaseCredentials, EMBEDDED_SCHEMA_JSON_CONVERTERS, IcebergCatalog, IcebergSink, JdbcInsertMode, JdbcSink, SinkErrorPolicy } from "../../k8s/debezium";
import { KafkaTopic } from "../../k8s/kafka";
import { SCHEMA_REGISTRY_PORT } from "../../k8s/schema";
import { TenantScope, TenantWiring } from "../compose/context";
import { inSpec } from "../compose/path-map";
import { tenantTopicName } from "../names";
import { avroConverters } from "../sources/converters";
import { IcebergSinkSpec, JdbcSinkSpec, SinkSpec } from "../spec/schema";
import { icebergControlTopicName, icebergSinkNamespace, icebergWarehouse, sinkDeadLetterTopicName, sinkErrorPolicy, sinkMode, sinkTopicTraits } from "./rules";

/** The KafkaConnector name of a tenant's sink: `<tenant>.<sink>` (its consumer group `connect-<tenant>.<sink>`). */
export function sinkConnectorName(tenant: string, sink: string): string {
  return `${tenant}.${sink}`;
}

/**
 * One sink on the tenant's Connect cluster: reads the tenant's topics (the sources' among them), its dead-letter
 * topic declared where the policy asks for one. Stopped (its group's offsets kept) where a topic it reads is a
 * standby copy: the primary region's sink writes the database, and a second writer would apply every change twice.
 */
export function buildSink(s: TenantScope, w: Pick<TenantWiring, "topics" | "isStandby">, connect: ConnectCluster, sink: SinkSpec, i: number): void {
  const { chart, region, tenant, map, pending } = s;
  const at = `${s.path}.sinks[${i}]`;
  const topics = sink.topics.map((t) => w.topics.get(t)).filter((t): t is KafkaTopic => t !== undefined);
  if (topics.length !== sink.topics.length) return; // SinkUnknownTopic names it
  const policy = sinkErrorPolicy(tenant, sink);
  let deadLetterTopic: KafkaTopic | undefined;
  if (policy === "dead-letter") {
    const local = sinkDeadLetterTopicName(sink.name);
    map.add(`${chart.node.path}/DeadLetter-sink-${sink.name}`, `${at}.deadLetter`);
    deadLetterTopic = inSpec(map, pending, () =>
      new KafkaTopic(chart, `DeadLetter-sink-${sink.name}`, {
        cluster: region.kafka,
        topicName: tenantTopicName(tenant.name, local),
        partitions: sink.deadLetter?.partitions ?? 3,
        retention: sink.deadLetter?.retention ?? "14d",
      }),
    );
    if (!deadLetterTopic) return;
    w.topics.set(local, deadLetterTopic);
  }
  const avro = sink.topics.some((t) => sinkTopicTraits(tenant, t)?.encoding === "avro");
  if (avro && region.registry) {
    connect.allowServiceEgress(region.registry.podLabels, SCHEMA_REGISTRY_PORT);
    region.registry.addPrincipal({ user: connect.user, tenant: tenant.name, role: "client" });
    connect.allowOwnCredentials();
  }
  const standby = sink.topics.some(w.isStandby);
  const state = standby ? ConnectorState.STOPPED : (sink.state as ConnectorState | undefined);
  if (sink.type === "iceberg") {
    buildIcebergSink(s, w, connect, sink, at, { topics, policy: policy as SinkErrorPolicy, deadLetterTopic, state, avro: avro && region.registry !== undefined });
    return;
  }
  buildJdbcSink(s, connect, sink, at, { topics, policy: policy as SinkErrorPolicy, deadLetterTopic, state, avro: avro && region.registry !== undefined });
}

/** What the common part of {@link buildSink} resolved for a sink. */
interface ResolvedSink {
  readonly topics: KafkaTopic[];
  readonly policy: SinkErrorPolicy;
  readonly deadLetterTopic: KafkaTopic | undefined;
  readonly state: ConnectorState | undefined;
  readonly avro: boolean;
}

function buildJdbcSink(s: TenantScope, connect: ConnectCluster, sink: JdbcSinkSpec, at: string, r: ResolvedSink): void {
  const { chart, region, tenant, map, pending } = s;
  const id = `Sink-${sink.name}`;
  const { topics, deadLetterTopic, policy } = r;
  map.add(`${chart.node.path}/${id}`, at, { hostname: "host", connectorName: "name", credentials: "credentials", insertMode: "mode" });
  inSpec(map, pending, () =>
    new JdbcSink(chart, id, {
      connect,
      name: sinkConnectorName(tenant.name, sink.name),
      topics,
      databaseKind: sink.dialect,
      hostname: sink.host,
      port: sink.port,
      database: sink.database,
      databaseCidr: sink.databaseCidr,
      credentials: DatabaseCredentials.fromSecret({ namespace: tenant.name, name: sink.credentials.secret, userKey: sink.credentials.userKey, passwordKey: sink.credentials.passwordKey }),
      insertMode: (sinkMode(tenant, sink) ?? "upsert") as JdbcInsertMode,
      deletes: sink.deletes,
      table: sink.table,
      schemaEvolution: sink.schemaEvolution,
      tasksMax: sink.tasksMax,
      state: r.state,
      errorPolicy: policy,
      deadLetterTopic,
      retryTimeout: sink.retryTimeout,
      converters: r.avro && region.registry ? avroConverters(region.registry.url, connect) : undefined,
      config: sink.config,
    }),
  );
}

/**
 * An Iceberg sink: its control topic (`<tenant>.<sink>.iceberg-control`), the table `<tenant>.<table>` in the
 * tenant's warehouse prefix of the region's bucket, written with the tenant's IAM role (the Connect workers'
 * service account is among the role's, see the Pulumi delivery).
 */
function buildIcebergSink(s: TenantScope, w: Pick<TenantWiring, "topics">, connect: ConnectCluster, sink: IcebergSinkSpec, at: string, r: ResolvedSink): void {
  const { chart, region, tenant, map, pending } = s;
  const storage = region.storage;
  if (!storage) return; // the region's bucket name is invalid: regionStorage reported it
  const id = `Sink-${sink.name}`;
  const local = icebergControlTopicName(sink.name);
  map.add(`${chart.node.path}/IcebergControl-${sink.name}`, at);
  const controlTopic = inSpec(map, pending, () =>
    new KafkaTopic(chart, `IcebergControl-${sink.name}`, {
      cluster: region.kafka,
      topicName: tenantTopicName(tenant.name, local),
      // Commit events matter until the coordinator has committed them (every commit interval); a week outlasts any
      // outage the sink recovers from without a reset.
      partitions: 1,
      retention: "7d",
    }),
  );
  if (!controlTopic) return;
  w.topics.set(local, controlTopic);
  const encodings = sink.topics.map((t) => sinkTopicTraits(tenant, t)?.encoding);
  map.add(`${chart.node.path}/${id}`, at, { connectorName: "name", "catalog.hostname": "catalog.host" });
  inSpec(map, pending, () =>
    new IcebergSink(chart, id, {
      connect,
      name: sinkConnectorName(tenant.name, sink.name),
      topics: r.topics,
      namespace: icebergSinkNamespace(region.environment, tenant.name, sink),
      table: sink.table,
      catalog:
        sink.catalog.type === "glue"
          ? IcebergCatalog.glue()
          : IcebergCatalog.jdbc({
              hostname: sink.catalog.host,
              port: sink.catalog.port,
              database: sink.catalog.database,
              databaseCidr: sink.catalog.databaseCidr,
              credentials: DatabaseCredentials.fromSecret({ namespace: tenant.name, name: sink.catalog.credentials.secret, userKey: sink.catalog.credentials.userKey, passwordKey: sink.catalog.credentials.passwordKey }),
            }),
      warehouse: icebergWarehouse(storage, tenant.name),
      awsRegion: region.awsRegion,
      controlTopic,
      commitInterval: sink.commitInterval,
      partitionBy: sink.partitionBy,
      schemaEvolution: sink.schemaEvolution,
      tasksMax: sink.tasksMax,
      state: r.state,
      errorPolicy: r.policy,
      deadLetterTopic: r.deadLetterTopic,
      retryTimeout: sink.retryTimeout,
      converters: r.avro && region.registry ? avroConverters(region.registry.url, connect) : encodings.includes("json-embedded") ? EMBEDDED_SCHEMA_JSON_CONVERTERS : undefined,
      config: sink.config,
    }),
  );
}
