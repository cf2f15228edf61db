import { Construct } from "constructs";
import { ValidationIssue } from "../../core";
import { KafkaTopic } from "../kafka/kafka-topic";
import { DebeziumSource, DebeziumSourceOptions, exactPattern } from "./source-connector";

/** How a PostgreSQL source takes its initial snapshot (`snapshot.mode`). */
export type PostgresSnapshotMode = "initial" | "initial_only" | "no_data" | "when_needed" | "always";

/** Properties of a {@link PostgresSource}. */
export interface PostgresSourceProps extends DebeziumSourceOptions {
  /** Database name (`database.dbname`). */
  readonly database: string;
  /**
   * Logical replication slot (lower-case letters, digits, `_`, at most 63); unique per database.
   * @default the topic prefix with every other character replaced by `_` (e.g. `payments_orders_db`)
   */
  readonly slotName?: string;
  /**
   * Publication (created by Debezium in `filtered` mode for exactly the captured tables).
   * @default `<slot name>_pub`
   */
  readonly publicationName?: string;
  /**
   * Drop the slot when the connector stops: the next start loses every change made meanwhile. Refused in
   * production.
   * @default false
   */
  readonly slotDropOnStop?: boolean;
  /**
   * Query run at each heartbeat (e.g. an UPDATE of a heartbeat table) so the slot advances on quiet databases.
   * @default - none
   */
  readonly heartbeatActionQuery?: string;
  /**
   * Snapshot mode.
   * @default "initial"
   */
  readonly snapshotMode?: PostgresSnapshotMode;
  /**
   * TLS mode to the database (`database.sslmode`).
   * @default "require"
   */
  readonly sslMode?: "disable" | "require" | "verify-ca" | "verify-full";
}

const SLOT_NAME = /^[a-z0-9_]{1,63}$/;

/**
 * A Debezium PostgreSQL source (`pgoutput`, a filtered publication, a dedicated replication slot).
 * @see https://debezium.io/documentation/reference/stable/connectors/postgresql.html
 */
export class PostgresSource extends DebeziumSource {
  /** The replication slot. */
  public readonly slotName: string;
  /** The publication. */
  public readonly publicationName: string;

  constructor(scope: Construct, id: string, props: PostgresSourceProps) {
    super(scope, id, "postgres", props);
    this.slotName = this.defaultSlot();
    this.publicationName = props.publicationName ?? `${this.slotName}_pub`;
  }

  protected get tableParts(): number {
    return 2;
  }

  private get props(): PostgresSourceProps {
    return this.options as PostgresSourceProps;
  }

  private defaultSlot(): string {
    return this.props.slotName ?? this.topicPrefix.toLowerCase().replace(/[^a-z0-9]/g, "_").slice(0, 63);
  }

  protected includeEntry(table: string): string {
    return exactPattern(table);
  }

  protected specificConfig(): Record<string, string | number | boolean> {
    const p = this.props;
    return {
      "plugin.name": "pgoutput",
      "database.dbname": p.database,
      "database.sslmode": p.sslMode ?? "require",
      "slot.name": this.slotName,
      "publication.name": this.publicationName,
      "publication.autocreate.mode": "filtered",
      "slot.drop.on.stop": p.slotDropOnStop ?? false,
      "snapshot.mode": p.snapshotMode ?? "initial",
      ...(p.heartbeatActionQuery ? { "heartbeat.action.query": p.heartbeatActionQuery } : {}),
    };
  }

  protected validateSpecific(): ValidationIssue[] {
    const scope = this.node.path;
    const p = this.props;
    const issues: ValidationIssue[] = [];
    const slot = this.defaultSlot();
    if (!SLOT_NAME.test(slot)) {
      issues.push({
        code: "InvalidSlotName",
        scope,
        field: "slotName",
        value: slot,
        message: "PostgreSQL slot names are 1-63 lower-case letters, digits and '_'",
        fix: "use e.g. payments_orders",
      });
    }
    if (p.slotDropOnStop && p.connect.production) {
      issues.push({
        code: "SlotDropOnStopInProduction",
        scope,
        field: "slotDropOnStop",
        value: true,
        message: "dropping the slot on stop loses every change made while the connector is stopped (and forces a re-snapshot)",
        fix: "remove slotDropOnStop (default false); drop unused slots by hand",
      });
    }
    if ((p.tasksMax ?? 1) > 1) issues.push(singleTask(scope, "postgres", p.tasksMax));
    issues.push(...oneOf(scope, "snapshotMode", p.snapshotMode, POSTGRES_SNAPSHOT_MODES, "InvalidSnapshotMode"));
    issues.push(...oneOf(scope, "sslMode", p.sslMode, ["disable", "require", "verify-ca", "verify-full"], "InvalidSslMode"));
    if (!p.database) {
      issues.push({ code: "MissingDatabase", scope, field: "database", value: p.database, message: "the database to capture is required", fix: "set database (the dbname)" });
    }
    return issues;
  }

  public get conflictGroup(): string {
    return `postgres|${this.props.hostname}:${this.props.port ?? 5432}/${this.props.database}`;
  }

  public conflictsWith(others: readonly DebeziumSource[]): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const where = this.conflictGroup.slice("postgres|".length);
    for (const other of others.filter((o): o is PostgresSource => o instanceof PostgresSource)) {
      if (other.slotName === this.slotName) {
        issues.push({
          code: "DuplicateReplicationSlot",
          scope: this.node.path,
          field: "slotName",
          value: this.slotName,
          message: `is also the slot of ${other.node.path} on ${where}; two connectors on one slot lose changes`,
          fix: "give each connector of a database its own slotName",
        });
      }
      if (other.publicationName === this.publicationName) {
        issues.push({
          code: "DuplicatePublication",
          scope: this.node.path,
          field: "publicationName",
          value: this.publicationName,
          message: `is also the publication of ${other.node.path} on ${where}; filtered mode would rewrite its table list`,
          fix: "give each connector of a database its own publicationName",
        });
      }
    }
    return issues;
  }
}

const POSTGRES_SNAPSHOT_MODES: readonly PostgresSnapshotMode[] = ["initial", "initial_only", "no_data", "when_needed", "always"];
const HISTORY_SNAPSHOT_MODES: readonly HistorySnapshotMode[] = ["initial", "initial_only", "no_data", "when_needed", "recovery"];

/** An issue when `value` is set and not one of `allowed`. */
function oneOf(scope: string, field: string, value: string | undefined, allowed: readonly string[], code: string): ValidationIssue[] {
  if (value === undefined || allowed.includes(value)) return [];
  return [{ code, scope, field, value, message: "is not a value the connector accepts", fix: `use one of ${allowed.join(", ")}` }];
}

function singleTask(scope: string, kind: string, tasks: number | undefined): ValidationIssue {
  return {
    code: "SingleTaskConnector",
    scope,
    field: "tasksMax",
    value: tasks,
    message: `the ${kind} connector reads one change stream and always runs one task`,
    fix: "set tasksMax to 1 (or leave it out)",
  };
}

/** How a MySQL/SQL Server source takes its initial snapshot. */
export type HistorySnapshotMode = "initial" | "initial_only" | "no_data" | "when_needed" | "recovery";

/** Options of sources that keep a schema history topic (MySQL, SQL Server). */
interface SchemaHistoryOptions {
  /**
   * Snapshot mode.
   * @default "initial"
   */
  readonly snapshotMode?: HistorySnapshotMode;
}

/**
 * Base of the connectors with a schema history topic: `<topicPrefix>.schema-history`, one partition,
 * infinite retention, delete policy (its records have no key, so it cannot be compacted), read back in its
 * own group with the Connect user's credentials through the config provider.
 */
abstract class SchemaHistorySource extends DebeziumSource {
  /** The schema history topic. */
  public readonly schemaHistoryTopic: KafkaTopic;

  protected constructor(scope: Construct, id: string, kind: "mysql" | "sqlserver", props: DebeziumSourceOptions) {
    super(scope, id, kind, props);
    this.schemaHistoryTopic = this.declareTopic(`${this.topicPrefix}.schema-history`, { partitions: 1, infinite: true });
    this.connect.grantReadWrite(this.schemaHistoryTopic, this.schemaHistoryGroup);
    this.connect.allowOwnCredentials();
  }

  /** The consumer group reading the schema history back. */
  public get schemaHistoryGroup(): string {
    return `${this.connect.topicPrefix}${this.connectorName}-schemahistory`;
  }

  protected historyConfig(options: SchemaHistoryOptions): Record<string, string | number | boolean> {
    return {
      "schema.history.internal.kafka.topic": `${this.topicPrefix}.schema-history`,
      "schema.history.internal.kafka.bootstrap.servers": this.connect.bootstrapServers,
      "schema.history.internal.consumer.group.id": this.schemaHistoryGroup,
      "schema.history.internal.store.only.captured.tables.ddl": true,
      ...this.connect.clientConfig("schema.history.internal.producer."),
      ...this.connect.clientConfig("schema.history.internal.consumer."),
      "snapshot.mode": options.snapshotMode ?? "initial",
    };
  }
}

/** Properties of a {@link MySqlSource}. */
export interface MySqlSourceProps extends DebeziumSourceOptions, SchemaHistoryOptions {
  /** `database.server.id`: unique among all replication clients of the MySQL server (1 to 4294967295). */
  readonly serverId: number;
  /**
   * TLS mode to the database (`database.ssl.mode`).
   * @default "required"
   */
  readonly sslMode?: "disabled" | "preferred" | "required" | "verify_ca" | "verify_identity";
}

/**
 * A Debezium MySQL source (binlog client with its own server id and a schema history topic).
 * @see https://debezium.io/documentation/reference/stable/connectors/mysql.html
 */
export class MySqlSource extends SchemaHistorySource {
  constructor(scope: Construct, id: string, props: MySqlSourceProps) {
    super(scope, id, "mysql", props);
  }

  protected get tableParts(): number {
    return 2;
  }

  private get props(): MySqlSourceProps {
    return this.options as MySqlSourceProps;
  }

  protected includeEntry(table: string): string {
    return exactPattern(table);
  }

  protected specificConfig(): Record<string, string | number | boolean> {
    const databases = [...new Set(this.capturedTables().map((t) => t.split(".")[0]))].sort();
    return {
      "database.server.id": this.props.serverId,
      "database.include.list": databases.map(exactPattern).join(","),
      "database.ssl.mode": this.props.sslMode ?? "required",
      ...this.historyConfig(this.props),
    };
  }

  protected validateSpecific(): ValidationIssue[] {
    const scope = this.node.path;
    const id = this.props.serverId;
    const issues: ValidationIssue[] = [];
    if (!Number.isInteger(id) || id < 1 || id > 4294967295) {
      issues.push({
        code: "InvalidServerId",
        scope,
        field: "serverId",
        value: id,
        message: "must be a whole number from 1 to 4294967295, unique among the MySQL server's replication clients",
        fix: "pick an id no replica or other connector of that server uses, e.g. 184054",
      });
    }
    if ((this.props.tasksMax ?? 1) > 1) issues.push(singleTask(scope, "mysql", this.props.tasksMax));
    issues.push(...oneOf(scope, "snapshotMode", this.props.snapshotMode, HISTORY_SNAPSHOT_MODES, "InvalidSnapshotMode"));
    issues.push(
      ...oneOf(scope, "sslMode", this.props.sslMode, ["disabled", "preferred", "required", "verify_ca", "verify_identity"], "InvalidSslMode"),
    );
    return issues;
  }

  public get conflictGroup(): string {
    return `mysql|${this.props.hostname}:${this.props.port ?? 3306}`;
  }

  public conflictsWith(others: readonly DebeziumSource[]): ValidationIssue[] {
    const host = this.conflictGroup.slice("mysql|".length);
    return others
      .filter((o): o is MySqlSource => o instanceof MySqlSource && o.props.serverId === this.props.serverId)
      .map((o) => ({
        code: "DuplicateServerId",
        scope: this.node.path,
        field: "serverId",
        value: this.props.serverId,
        message: `is also the server id of ${o.node.path} on ${host}; MySQL disconnects one of two clients with the same id`,
        fix: "give each connector of a MySQL server its own serverId",
      }));
  }
}

/** Properties of a {@link SqlServerSource}. */
export interface SqlServerSourceProps extends DebeziumSourceOptions, SchemaHistoryOptions {
  /**
   * Encrypt the connection (`database.encrypt`).
   * @default true
   */
  readonly encrypt?: boolean;
}

/**
 * A Debezium SQL Server source (CDC tables; several databases, one task per database at most). Tables are
 * written `database.schema.table`.
 * @see https://debezium.io/documentation/reference/stable/connectors/sqlserver.html
 */
export class SqlServerSource extends SchemaHistorySource {
  constructor(scope: Construct, id: string, props: SqlServerSourceProps) {
    super(scope, id, "sqlserver", props);
  }

  protected get tableParts(): number {
    return 3;
  }

  private get props(): SqlServerSourceProps {
    return this.options as SqlServerSourceProps;
  }

  /** Databases of the captured tables. */
  public get databases(): string[] {
    return [...new Set(this.capturedTables().map((t) => t.split(".")[0]))].sort();
  }

  protected includeEntry(table: string): string {
    return exactPattern(table.split(".").slice(1).join("."));
  }

  protected specificConfig(): Record<string, string | number | boolean> {
    return {
      "database.names": this.databases.join(","),
      "database.encrypt": this.props.encrypt ?? true,
      ...this.historyConfig(this.props),
    };
  }

  protected validateSpecific(): ValidationIssue[] {
    const tasks = this.props.tasksMax ?? 1;
    const databases = new Set(this.capturedTables().map((t) => t.split(".")[0])).size;
    const issues = oneOf(this.node.path, "snapshotMode", this.props.snapshotMode, HISTORY_SNAPSHOT_MODES, "InvalidSnapshotMode");
    if (tasks <= Math.max(1, databases)) return issues;
    return [
      ...issues,
      {
        code: "TasksExceedDatabases",
        scope: this.node.path,
        field: "tasksMax",
        value: tasks,
        message: `the SQL Server connector runs at most one task per database (${databases} captured)`,
        fix: `set tasksMax to at most ${Math.max(1, databases)}`,
      },
    ];
  }

  public get conflictGroup(): undefined {
    return undefined;
  }

  public conflictsWith(): ValidationIssue[] {
    return [];
  }
}
