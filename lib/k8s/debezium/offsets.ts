import { ICEBERG_SINK_CONNECTOR_CLASS } from "../../core";
/**
 * How a change to a rendered `KafkaConnector` affects the data it captures. Kafka Connect keys source offsets
 * by connector name, and Debezium keys them by `topic.prefix`; a PostgreSQL slot holds the position in the
 * WAL. Losing any of them means a re-snapshot or a gap. `floe diff` consumes this classification.
 */

/** Risk classes shared with `floe diff`. */
export type ChangeRisk = "safe" | "disruptive" | "destructive";

/** The classification of one connector change. */
export interface ConnectorChangeClassification {
  /** The highest risk among the reasons (`safe` when there is none). */
  readonly risk: ChangeRisk;
  /** Why, one sentence each. */
  readonly reasons: readonly string[];
}

/** A rendered KafkaConnector (the parts read here). */
export interface ConnectorManifest {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec?: { readonly class?: string; readonly state?: string; readonly config?: Readonly<Record<string, unknown>> };
}

const RISK_ORDER: readonly ChangeRisk[] = ["safe", "disruptive", "destructive"];

/** Config keys whose change abandons the connector's captured position, and why. */
const DESTRUCTIVE_KEYS: Readonly<Record<string, string>> = {
  "topic.prefix": "topic.prefix changed: Debezium keys offsets by it, so the connector re-snapshots into new topics and the old offsets are lost",
  "slot.name": "slot.name changed: the new replication slot starts at the current WAL position; changes before it are lost and the old slot keeps WAL until dropped",
  "connector.class": "connector.class changed: the offsets of the old connector do not apply to the new one",
  "database.dbname": "database.dbname changed: the connector captures another database from scratch",
  "database.names": "database.names changed: offsets of removed databases are abandoned",
};

/** Config keys whose change restarts capture without losing its position. */
const DISRUPTIVE_KEYS: Readonly<Record<string, string>> = {
  "database.hostname": "database.hostname changed: capture moves to another server; its binlog/WAL position must match",
  "table.include.list": "table.include.list changed: new tables are snapshotted, removed tables stop being captured",
  "publication.name": "publication.name changed: a new publication is created for the captured tables",
  "snapshot.mode": "snapshot.mode changed: the next restart may snapshot again",
  "schema.history.internal.kafka.topic": "schema history topic changed: the connector must rebuild its schema history",
  "database.server.id": "database.server.id changed: the binlog client identity changes (check no other client uses it)",
};

function raise(current: ChangeRisk, to: ChangeRisk): ChangeRisk {
  return RISK_ORDER.indexOf(to) > RISK_ORDER.indexOf(current) ? to : current;
}

/**
 * Classify the change of one connector between a base and a head tree (either may be missing: created or
 * removed). A rename shows up as a removal (destructive) and a creation.
 */
export function classifyConnectorChange(base: ConnectorManifest | undefined, head: ConnectorManifest | undefined): ConnectorChangeClassification {
  if (!base && !head) return { risk: "safe", reasons: [] };
  if (isSink(base) || isSink(head)) return classifySinkChange(base, head);
  if (!base) return { risk: "safe", reasons: [`connector ${head!.metadata.name} created: it snapshots its tables first`] };
  if (!head) {
    return {
      risk: "destructive",
      reasons: [
        `connector ${base.metadata.name} removed (or renamed): Connect keys offsets by connector name, so a connector under another name starts over with a new snapshot${
          base.spec?.config?.["slot.name"] ? `, and replication slot ${String(base.spec.config["slot.name"])} keeps retaining WAL until dropped` : ""
        }`,
      ],
    };
  }
  let risk: ChangeRisk = "safe";
  const reasons: string[] = [];
  const before = base.spec?.config ?? {};
  const after = head.spec?.config ?? {};
  for (const [key, reason] of Object.entries(DESTRUCTIVE_KEYS)) {
    if (before[key] !== after[key]) {
      risk = raise(risk, "destructive");
      reasons.push(`${reason} (${JSON.stringify(before[key])} -> ${JSON.stringify(after[key])})`);
    }
  }
  for (const [key, reason] of Object.entries(DISRUPTIVE_KEYS)) {
    if (before[key] !== after[key]) {
      risk = raise(risk, "disruptive");
      reasons.push(`${reason} (${JSON.stringify(before[key])} -> ${JSON.stringify(after[key])})`);
    }
  }
  if (after["slot.drop.on.stop"] === true && before["slot.drop.on.stop"] !== true) {
    risk = raise(risk, "destructive");
    reasons.push("slot.drop.on.stop turned on: the next stop drops the slot and loses the changes made meanwhile");
  }
  if ((base.spec?.state ?? "running") !== (head.spec?.state ?? "running")) {
    risk = raise(risk, "disruptive");
    reasons.push(`state ${base.spec?.state ?? "running"} -> ${head.spec?.state ?? "running"}`);
  }
  if (base.metadata.labels?.["strimzi.io/cluster"] !== head.metadata.labels?.["strimzi.io/cluster"]) {
    risk = raise(risk, "destructive");
    reasons.push("moved to another Connect cluster: offsets live in the old cluster's offsets topic");
  }
  return { risk, reasons };
}

/** A sink connector (it reads `topics`): its position is its consumer group's offsets in Kafka, not Connect's. */
function isSink(c: ConnectorManifest | undefined): boolean {
  return c?.spec?.config?.topics !== undefined || c?.spec?.config?.["topics.regex"] !== undefined;
}

/** Sink config keys whose change leaves the target without the rows written before, and why. */
const SINK_DESTRUCTIVE_KEYS: Readonly<Record<string, string>> = {
  "connection.url": "connection.url changed: the new database receives only the records after the group's position; the rows written before stay in the old one",
  "collection.name.format": "collection.name.format changed: new tables receive only the records after the group's position",
  "iceberg.tables": "iceberg.tables changed: the new Iceberg table receives only the records after the group's position; the old one keeps what was appended",
  "iceberg.catalog.uri": "iceberg.catalog.uri changed: another catalog receives only the records after the group's position, the tables of the old one stay there",
};

/** Sink config keys whose change alters what is written without losing the position. */
const SINK_DISRUPTIVE_KEYS: Readonly<Record<string, string>> = {
  topics: "topics changed: an added topic is read from its earliest retained record, a removed one no longer reaches the database",
  "insert.mode": "insert.mode changed: rows are written another way from now on",
  "primary.key.mode": "primary.key.mode changed: rows are matched by another key from now on",
  "delete.enabled": "delete.enabled changed: deletes are applied (or ignored) from now on",
  "schema.evolution": "schema.evolution changed: tables and columns are (or are no longer) created by the sink",
  "iceberg.catalog.warehouse": "iceberg.catalog.warehouse changed: tables created from now on live under the new location (existing tables keep theirs)",
  "iceberg.control.topic": "iceberg.control.topic changed: data files written but not yet committed on the old control topic are written again from the group's position",
  "iceberg.tables.evolve-schema-enabled": "iceberg.tables.evolve-schema-enabled changed: new fields are (or are no longer) added as columns",
  "iceberg.tables.default-partition-by": "iceberg.tables.default-partition-by changed: applies to tables created from now on only",
};

/**
 * A sink keeps its position as the committed offsets of the group `connect-<connector>` (Kafka Connect's
 * SinkUtils.consumerGroupId) in Kafka itself. A new name starts a new group, which reads from the earliest retained
 * records (Connect's consumer default `auto.offset.reset=earliest`): idempotent rewrites in upsert mode, duplicate
 * rows in insert mode.
 */
function classifySinkChange(base: ConnectorManifest | undefined, head: ConnectorManifest | undefined): ConnectorChangeClassification {
  // Appending sinks (JDBC insert mode, Iceberg's sink) write a reread record again as a new row.
  const insert = (c: ConnectorManifest | undefined) => c?.spec?.config?.["insert.mode"] === "insert" || c?.spec?.config?.["connector.class"] === ICEBERG_SINK_CONNECTOR_CLASS;
  if (!base) return { risk: "safe", reasons: [`sink connector ${head!.metadata.name} created: its group connect-${head!.metadata.name} starts at the topics' earliest retained records`] };
  if (!head) {
    return {
      risk: insert(base) ? "destructive" : "disruptive",
      reasons: [
        `sink connector ${base.metadata.name} removed (or renamed): the database stops receiving changes; under another name a new group rereads the topics from their earliest retained records${
          insert(base) ? ", inserting every record again as a new row" : " (upserts: the rows are rewritten)"
        }`,
      ],
    };
  }
  let risk: ChangeRisk = "safe";
  const reasons: string[] = [];
  const before = base.spec?.config ?? {};
  const after = head.spec?.config ?? {};
  for (const [keys, to] of [[SINK_DESTRUCTIVE_KEYS, "destructive"], [SINK_DISRUPTIVE_KEYS, "disruptive"]] as const) {
    for (const [key, reason] of Object.entries(keys)) {
      if (before[key] === after[key]) continue;
      risk = raise(risk, to);
      reasons.push(`${reason} (${JSON.stringify(before[key])} -> ${JSON.stringify(after[key])})`);
    }
  }
  if (before["connector.class"] !== after["connector.class"]) {
    risk = raise(risk, "destructive");
    reasons.push(`connector.class changed: another connector writes the database (${JSON.stringify(before["connector.class"])} -> ${JSON.stringify(after["connector.class"])})`);
  }
  if ((base.spec?.state ?? "running") !== (head.spec?.state ?? "running")) {
    risk = raise(risk, "disruptive");
    reasons.push(`state ${base.spec?.state ?? "running"} -> ${head.spec?.state ?? "running"}`);
  }
  return { risk, reasons };
}
