// A tenant's sink connectors on its Kafka Connect cluster.

import { ConnectCluster, ConnectorState, DatabaseCredentials, JdbcInsertMode, JdbcSink, SinkErrorPolicy } from "../../k8s/debezium";
import { KafkaTopic } from "../../k8s/kafka";
import { SCHEMA_REGISTRY_PORT } from "../../k8s/schema";
import { TenantScope, TenantWiring } from "../compose/context";
import { inSpec } from "../compose/path-map";
import { tenantTopicName } from "../names";
import { avroConverters } from "../sources/converters";
import { SinkSpec } from "../spec/schema";
import { sinkDeadLetterTopicName, sinkErrorPolicy, sinkMode, sinkTopicTraits } from "./rules";

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
  const id = `Sink-${sink.name}`;
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
      state: standby ? ConnectorState.STOPPED : (sink.state as ConnectorState | undefined),
      errorPolicy: policy as SinkErrorPolicy,
      deadLetterTopic,
      retryTimeout: sink.retryTimeout,
      converters: avro && region.registry ? avroConverters(region.registry.url, connect) : undefined,
      config: sink.config,
    }),
  );
}
