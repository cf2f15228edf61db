import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import { checkDnsSubdomain, componentLabels, DEBEZIUM_SINK_CONNECTORS, ValidationError, ValidationIssue } from "../../core";
import { KafkaTopic } from "../kafka/kafka-topic";
import { STRIMZI_API_VERSION } from "../kafka/strimzi-types";
import { ConnectCluster, connectorLabels } from "./connect-cluster";
import { DatabaseCredentials } from "./credentials";
import { databaseEndpointIssues, MANAGED_SINK_COMMON_KEYS, sinkConnectorSpec, SinkConnectorOptions, sinkDeadLetterIssues, sinkErrorConfig, sinkOptionIssues } from "./sink-common";

export { SinkErrorPolicy } from "./sink-common";
export type { SinkConnectorOptions } from "./sink-common";


/** How the JDBC sink writes a record (`insert.mode`). */
export enum JdbcInsertMode {
  /** Insert each record as a new row: a redelivered record is a duplicate row (at-least-once). */
  INSERT = "insert",
  /**
   * Insert or update the row of the record's key (`primary.key.mode=record_key`): a redelivery rewrites the same
   * row, so the table converges on the latest value per key (at-least-once delivery, idempotent writes).
   */
  UPSERT = "upsert",
}

/** The database a JDBC sink writes to (its JDBC URL; Debezium picks the SQL dialect from it). */
export type JdbcDatabaseKind = "postgresql" | "mysql";

const JDBC_DEFAULT_PORTS: Record<JdbcDatabaseKind, number> = { postgresql: 5432, mysql: 3306 };


/** Properties of a {@link JdbcSink}. */
export interface JdbcSinkProps extends SinkConnectorOptions {
  /** The Connect cluster the connector runs on (its image must hold the JDBC sink plugin). */
  readonly connect: ConnectCluster;
  /**
   * Connector name: its identity. Kafka Connect keeps a sink's position as the offsets of the consumer group
   * `connect-<name>`, so a rename starts over from the topics' earliest records.
   */
  readonly name: string;
  /** The topics it reads (the tenant's), each applied to its table. */
  readonly topics: readonly KafkaTopic[];
  /** The kind of database (the JDBC URL's scheme). */
  readonly databaseKind: JdbcDatabaseKind;
  /** Database host name. */
  readonly hostname: string;
  /**
   * Database port.
   * @default - the database's default port (5432, 3306)
   */
  readonly port?: number;
  /** Database name. */
  readonly database: string;
  /** Database user and password, by Secret reference. */
  readonly credentials: DatabaseCredentials;
  /**
   * Network (CIDR) of the database; required when the Connect cluster restricts egress.
   * @default - none
   */
  readonly databaseCidr?: string;
  /**
   * How records are written.
   * @default JdbcInsertMode.UPSERT
   */
  readonly insertMode?: JdbcInsertMode;
  /**
   * Apply deletes: a Debezium delete event (and a tombstone) deletes the key's row (`delete.enabled`). Needs
   * {@link JdbcInsertMode.UPSERT} (the row is found by the record key).
   * @default true in upsert mode, false in insert mode
   */
  readonly deletes?: boolean;
  /**
   * The table of a record (`collection.name.format`): `${topic}` (dots become underscores), `${source.table}`,
   * `${source.schema}` and `${source.db}` (of a Debezium change event) and literal identifier characters.
   * @default "${source.table}"
   */
  readonly table?: string;
  /**
   * Create missing tables and add missing columns (`schema.evolution=basic`); `none` writes only to existing tables
   * with the records' columns.
   * @default "basic"
   */
  readonly schemaEvolution?: "none" | "basic";
  /**
   * Converter settings of the connector (`key.converter*`, `value.converter*`): the records must carry a
   * Connect schema, which the JDBC sink maps to columns.
   * @default JSON with embedded schemas (JsonConverter `schemas.enable=true`) for keys and values
   */
  readonly converters?: Readonly<Record<string, string>>;
}


/** Keys of a JDBC sink's config that Floe derives from its props. */
const MANAGED_SINK_KEYS = [
  ...MANAGED_SINK_COMMON_KEYS,
  "connection.url",
  "connection.username",
  "connection.password",
  "insert.mode",
  "primary.key.mode",
  "delete.enabled",
  "collection.name.format",
  "table.name.format",
  "schema.evolution",
];

const TABLE_FORMAT = /^(?:\$\{(?:topic|source\.table|source\.schema|source\.db)\}|[A-Za-z0-9_.])+$/;

/** Connect's JSON with the schema in each record (what the JDBC sink needs to map fields to typed columns). */
export const EMBEDDED_SCHEMA_JSON_CONVERTERS: Readonly<Record<string, string>> = {
  "key.converter": "org.apache.kafka.connect.json.JsonConverter",
  "key.converter.schemas.enable": "true",
  "value.converter": "org.apache.kafka.connect.json.JsonConverter",
  "value.converter.schemas.enable": "true",
};

/**
 * Debezium's JDBC sink connector (`io.debezium.connector.jdbc.JdbcSinkConnector`, 3.2.0.Final) on a tenant's
 * Connect cluster: it reads the tenant's topics in the consumer group `connect-<name>` and applies each record to a
 * table, upserting by the record key and deleting on Debezium delete events and tombstones (CDC topics), or
 * inserting (append-only topics). Credentials by reference; a dead-letter topic for records its converter cannot
 * read. Delivery is at-least-once (Connect commits the group's offsets after the rows are written); in upsert mode
 * writes are idempotent, so the table converges on each key's latest value.
 * @see https://debezium.io/documentation/reference/3.2/connectors/jdbc.html
 */
export class JdbcSink extends Construct {
  /** Connector name. */
  public readonly connectorName: string;
  /** The Connect cluster. */
  public readonly connect: ConnectCluster;
  /** The consumer group holding the sink's position (`connect-<name>`). */
  public readonly consumerGroup: string;
  /** The rendered KafkaConnector. */
  public readonly apiObject: ApiObject;
  /** Delivery guarantee: Kafka Connect sinks deliver at least once. */
  public readonly deliveryGuarantee = "at-least-once" as const;
  /** Whether a redelivered record rewrites the same row (upsert by key) rather than adding one. */
  public readonly idempotentWrites: boolean;
  private readonly props: JdbcSinkProps;

  constructor(scope: Construct, id: string, props: JdbcSinkProps) {
    super(scope, id);
    this.props = props;
    this.connect = props.connect;
    this.connectorName = props.name;
    this.consumerGroup = props.connect.sinkGroup(props.name);
    this.idempotentWrites = (props.insertMode ?? JdbcInsertMode.UPSERT) === JdbcInsertMode.UPSERT;
    ValidationError.throwIfAny(this.validate());

    for (const topic of props.topics) props.connect.grantSinkRead(topic, props.name);
    if (props.deadLetterTopic) props.connect.grantWrite(props.deadLetterTopic);
    props.connect.allowSecret(props.credentials.namespace, props.credentials.secretName);
    props.connect.requirePlugin("jdbc", this.node.path);
    if (props.databaseCidr) props.connect.allowDatabase(props.databaseCidr, this.port);

    this.apiObject = new ApiObject(this, "Resource", {
      apiVersion: STRIMZI_API_VERSION,
      kind: "KafkaConnector",
      metadata: {
        name: props.name,
        namespace: props.connect.namespace,
        labels: { ...connectorLabels(props.connect), ...componentLabels("debezium", props.name, "jdbc-sink") },
      },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
  }

  private get port(): number {
    return this.props.port ?? JDBC_DEFAULT_PORTS[this.props.databaseKind];
  }

  /** The JDBC URL (no credentials in it). */
  public get connectionUrl(): string {
    return `jdbc:${this.props.databaseKind}://${this.props.hostname}:${this.port}/${this.props.database}`;
  }

  private validate(): ValidationIssue[] {
    const scope = this.node.path;
    const p = this.props;
    const issues: ValidationIssue[] = [...checkDnsSubdomain(p.name, { scope, field: "name" })];
    const mode = p.insertMode ?? JdbcInsertMode.UPSERT;
    if (p.topics.length === 0) {
      issues.push({ code: "SinkWithoutTopics", scope, field: "topics", value: [], message: "a sink must name the topics it reads", fix: "list the tenant's topics to write to the database" });
    }
    if (p.deletes === true && mode !== JdbcInsertMode.UPSERT) {
      issues.push({ code: "SinkDeletesNeedUpsert", scope, field: "deletes", value: true, message: "the JDBC sink finds the row to delete by the record key, which only upsert mode uses (primary.key.mode=record_key)", fix: "use insertMode upsert, or leave deletes off" });
    }
    issues.push(...sinkDeadLetterIssues(scope, p));
    if (p.table !== undefined && !TABLE_FORMAT.test(p.table)) {
      issues.push({ code: "InvalidSinkTable", scope, field: "table", value: p.table, message: "is not a table name format of the JDBC sink", fix: "use identifier characters and ${topic}, ${source.table}, ${source.schema} or ${source.db}" });
    }
    issues.push(
      ...databaseEndpointIssues(
        scope,
        {
          hostname: p.hostname,
          database: p.database,
          port: this.port,
          databaseCidr: p.databaseCidr,
          fields: { hostname: "hostname", database: "database", port: "port", databaseCidr: "databaseCidr" },
          describe: { host: "database", defaultPort: JDBC_DEFAULT_PORTS[p.databaseKind], undeclared: "this sink", cidrFix: "set databaseCidr to the database's network (e.g. 10.20.0.0/16)" },
        },
        p.connect,
      ),
      ...sinkOptionIssues(scope, p, (key) => MANAGED_SINK_KEYS.includes(key)),
    );
    return issues;
  }

  private renderSpec(): Record<string, unknown> {
    const p = this.props;
    const mode = p.insertMode ?? JdbcInsertMode.UPSERT;
    const config: Record<string, string | number | boolean> = {
      "connector.class": DEBEZIUM_SINK_CONNECTORS.jdbc.connectorClass,
      topics: p.topics.map((t) => t.topicName).join(","),
      "connection.url": this.connectionUrl,
      "connection.username": p.credentials.userReference,
      "connection.password": p.credentials.passwordReference,
      "insert.mode": mode,
      // Upsert and delete find the row by the record key (JdbcSinkConnectorConfig validateInsertMode /
      // validateDeleteEnabled refuse them with primary.key.mode=none).
      "primary.key.mode": mode === JdbcInsertMode.UPSERT ? "record_key" : "none",
      "delete.enabled": p.deletes ?? mode === JdbcInsertMode.UPSERT,
      "collection.name.format": p.table ?? "${source.table}",
      "schema.evolution": p.schemaEvolution ?? "basic",
      ...sinkErrorConfig(p),
      ...(p.converters ?? EMBEDDED_SCHEMA_JSON_CONVERTERS),
      ...(p.config ?? {}),
    };
    return sinkConnectorSpec(DEBEZIUM_SINK_CONNECTORS.jdbc.connectorClass, p, config);
  }
}
