import { ApiObject, Lazy } from "cdk8s";
import { Construct, IConstruct } from "constructs";
import {
  CDC_SNAPSHOT_COMPONENT,
  addFloeValidation,
  checkCidr,
  checkDnsLabel,
  checkDnsSubdomain,
  checkTopicName,
  componentLabels,
  DEBEZIUM_CONNECTORS,
  DebeziumConnectorKind,
  escapeRegex,
  parseDuration,
  STRIMZI_VERSION,
  ValidationError,
  ValidationIssue,
} from "../../core";
import { KafkaAuthenticationType } from "../kafka/listener";
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from "../security";
import { CleanupPolicy, KafkaTopic } from "../kafka/kafka-topic";
import { STRIMZI_API_VERSION } from "../kafka/strimzi-types";
import { ConnectCluster, connectorLabels } from "./connect-cluster";
import { DatabaseCredentials } from "./credentials";
import { inlineSecretIssue } from "./connector-secrets";

/** Desired connector state (`KafkaConnector.spec.state`). */
export enum ConnectorState {
  /** Capturing changes. */
  RUNNING = "running",
  /** Paused: tasks stay assigned, nothing is captured. */
  PAUSED = "paused",
  /** Stopped: tasks are released; offsets are kept. */
  STOPPED = "stopped",
}

/**
 * What a source connector does with a record it cannot convert or write. There is no dead-letter queue for
 * source connectors in Kafka Connect (`errors.deadletterqueue.*` applies to sink connectors only), so a
 * skipped record is only logged.
 */
export enum SourceErrorPolicy {
  /** Stop the task on the first error (`errors.tolerance=none`): nothing is lost silently. */
  FAIL = "fail",
  /** Skip the record and log it, without its content (`errors.tolerance=all`, `errors.log.enable=true`). */
  LOG_AND_SKIP = "log-and-skip",
}

/** Options every Debezium source connector takes. */
export interface DebeziumSourceOptions {
  /** The Connect cluster the connector runs on. */
  readonly connect: ConnectCluster;
  /** Connector name (its identity: Connect keys offsets by it, so a rename re-snapshots). */
  readonly name: string;
  /** Database host name. */
  readonly hostname: string;
  /**
   * Database port.
   * @default - the database's default port (5432, 3306, 1433)
   */
  readonly port?: number;
  /** Database user and password, by Secret reference. */
  readonly credentials: DatabaseCredentials;
  /**
   * The captured tables; each becomes a declared topic `<topicPrefix>.<table>`. Form: `schema.table`
   * (PostgreSQL), `database.table` (MySQL), `database.schema.table` (SQL Server).
   */
  readonly tables: readonly string[];
  /**
   * Debezium `topic.prefix`; must lie under the Connect cluster's tenant prefix. Changing it loses offsets.
   * @default `<tenant>.<name>`
   */
  readonly topicPrefix?: string;
  /**
   * Signal table for ad-hoc and incremental snapshots (same form as `tables`).
   * @default - none
   */
  readonly signalTable?: string;
  /**
   * Columns never captured (`column.exclude.list`), e.g. `public.customers.ssn`.
   * @default - none
   */
  readonly columnExcludeList?: readonly string[];
  /**
   * Connector tasks.
   * @default 1
   */
  readonly tasksMax?: number;
  /**
   * Desired state.
   * @default ConnectorState.RUNNING
   */
  readonly state?: ConnectorState;
  /**
   * Error handling.
   * @default SourceErrorPolicy.FAIL
   */
  readonly errorPolicy?: SourceErrorPolicy;
  /**
   * How long Connect retries a failed operation before applying the error policy (`errors.retry.timeout`).
   * @default - no retry (Connect's default)
   */
  readonly retryTimeout?: string;
  /**
   * Heartbeat interval (`heartbeat.interval.ms`); keeps offsets (and PostgreSQL WAL) moving on quiet tables.
   * @default "10s" for PostgreSQL, none otherwise
   */
  readonly heartbeatInterval?: string;
  /**
   * Partitions of the declared table topics.
   * @default 3
   */
  readonly topicPartitions?: number;
  /**
   * Let Strimzi restart failed connectors and tasks.
   * @default true
   */
  readonly autoRestart?: boolean;
  /**
   * Network (CIDR) of the database; required when the Connect cluster restricts egress.
   * @default - none
   */
  readonly databaseCidr?: string;
  /**
   * Extra Debezium configuration (keys Floe sets are refused; credentials only as `${secrets:...}`).
   * @default - none
   */
  readonly config?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Incremental snapshots to run: each becomes a Debezium `execute-snapshot` signal (type INCREMENTAL) sent once
   * over the Kafka signal channel by a Job named after its id. Needs `signalTable` (the watermarks go there).
   * @default - none
   */
  readonly incrementalSnapshots?: readonly IncrementalSnapshot[];
}

/** An incremental snapshot of chosen tables ({@link DebeziumSourceOptions.incrementalSnapshots}). */
export interface IncrementalSnapshot {
  /** Id (a DNS label): the trigger Job is `<connector>-snapshot-<id>`; a new id runs a new snapshot. */
  readonly id: string;
  /** Tables to snapshot again, among the captured tables. */
  readonly tables: readonly string[];
}

/** Keys of connector config that Floe derives from typed props. */
const MANAGED_CONNECTOR_KEYS = [
  "connector.class",
  "tasks.max",
  "database.hostname",
  "database.port",
  "database.user",
  "database.password",
  "topic.prefix",
  "table.include.list",
  "table.exclude.list",
  "column.exclude.list",
  "signal.data.collection",
  "signal.enabled.channels",
  "signal.kafka.topic",
  "signal.kafka.groupId",
  "signal.kafka.bootstrap.servers",
  "errors.tolerance",
  "errors.deadletterqueue.topic.name",
  "slot.name",
  "publication.name",
  "slot.drop.on.stop",
  "database.server.id",
  "schema.history.internal.kafka.topic",
  "schema.history.internal.kafka.bootstrap.servers",
  "topic.heartbeat.prefix",
  "include.schema.changes",
];

/** How long the Kafka signal channel's consumer may wait in each poll (`signal.kafka.poll.timeout.ms`). */
export const SIGNAL_POLL_TIMEOUT_MS = 1000;

/** How long a snapshot trigger Job waits for more records while it looks for its earlier signal. */
const SIGNAL_READ_TIMEOUT_MS = 10_000;

export { CDC_SNAPSHOT_COMPONENT };

/** A Kafka topic name part from a database identifier, as Debezium sanitises it. */
function topicPart(identifier: string): string {
  return identifier.replace(/[^a-zA-Z0-9._-]/g, "_");
}

/** A Debezium include-list entry matching exactly one identifier (the lists are regular expressions). */
export function exactPattern(identifier: string): string {
  return escapeRegex(identifier);
}

const DEFAULT_PORTS: Record<DebeziumConnectorKind, number> = { postgres: 5432, mysql: 3306, sqlserver: 1433 };

/**
 * The common part of Debezium source connectors: a `KafkaConnector` on a Connect cluster, the topics it
 * writes declared as `KafkaTopic`s (so ACLs and lineage are exact), credentials by reference only.
 */
export abstract class DebeziumSource extends Construct {
  /** Connector name. */
  public readonly connectorName: string;
  /** Debezium `topic.prefix`. */
  public readonly topicPrefix: string;
  /** The Connect cluster. */
  public readonly connect: ConnectCluster;
  /** The topics the connector writes, by table (plus heartbeat/signal topics). */
  public readonly topics: readonly KafkaTopic[];
  /** The rendered KafkaConnector. */
  public readonly apiObject: ApiObject;
  /** The Kafka signal topic (`<topicPrefix>.signals`), when the source has a signal table. */
  public readonly signalTopic?: KafkaTopic;
  /** Connector kind. */
  public readonly kind: DebeziumConnectorKind;
  protected readonly options: DebeziumSourceOptions;
  private readonly declared: KafkaTopic[] = [];

  protected constructor(scope: Construct, id: string, kind: DebeziumConnectorKind, options: DebeziumSourceOptions) {
    super(scope, id);
    this.options = options;
    this.kind = kind;
    this.connect = options.connect;
    this.connectorName = options.name;
    this.topicPrefix = options.topicPrefix ?? `${options.connect.topicPrefix}${options.name}`;
    this.topics = this.declared;
    ValidationError.throwIfAny([...this.validateCommon(kind), ...this.validateSpecific()]);

    for (const table of this.capturedTables()) this.declareTopic(this.tableTopic(table));
    if (this.heartbeatMs(kind) !== undefined) this.declareTopic(this.heartbeatTopic);
    if (options.signalTable) {
      // The Kafka signal channel: read by the connector (its own group), written by the snapshot trigger Jobs.
      // Kept forever (a few records per snapshot): a trigger Job looks for its own signal there before sending.
      this.signalTopic = new KafkaTopic(this, "SignalTopic", { cluster: options.connect.cluster, topicName: `${this.topicPrefix}.signals`, partitions: 1, retention: "infinite" });
      options.connect.grantReadWrite(this.signalTopic, this.signalGroup);
      options.connect.allowOwnCredentials();
      for (const snap of options.incrementalSnapshots ?? []) this.addSnapshotTrigger(snap);
    }
    options.connect.allowSecret(options.credentials.namespace, options.credentials.secretName);
    options.connect.requirePlugin(kind, this.node.path);
    if (options.databaseCidr) options.connect.allowDatabase(options.databaseCidr, options.port ?? DEFAULT_PORTS[kind]);

    this.apiObject = new ApiObject(this, "Resource", {
      apiVersion: STRIMZI_API_VERSION,
      kind: "KafkaConnector",
      metadata: {
        name: options.name,
        namespace: options.connect.namespace,
        labels: { ...connectorLabels(options.connect), ...componentLabels("debezium", options.name, kind) },
      },
      spec: Lazy.any({ produce: () => this.renderSpec(kind) }),
    });
    addGroupValidation(this);
  }

  /** The heartbeat topic `<tenant>.debezium-heartbeat.<topic.prefix>` (inside the tenant's prefix). */
  public get heartbeatTopic(): string {
    return `${this.heartbeatPrefix}.${this.topicPrefix}`;
  }

  /** The topic a captured table is written to. */
  public tableTopic(table: string): string {
    return `${this.topicPrefix}.${table.split(".").map(topicPart).join(".")}`;
  }

  /** Declare a topic the connector writes and let the Connect user write it. */
  protected declareTopic(topicName: string, options: { compact?: boolean; partitions?: number; infinite?: boolean } = {}): KafkaTopic {
    const topic = new KafkaTopic(this, `Topic-${topicName}`, {
      cluster: this.connect.cluster,
      topicName,
      derivedName: true,
      partitions: options.partitions ?? this.options.topicPartitions ?? 3,
      ...(options.compact ? { cleanupPolicy: CleanupPolicy.COMPACT } : {}),
      ...(options.infinite ? { retention: "infinite" } : {}),
    });
    this.declared.push(topic);
    this.connect.grantWrite(topic);
    return topic;
  }

  /** Tables whose changes become topics: the captured tables and the signal table. */
  protected capturedTables(): string[] {
    return [...this.options.tables, ...(this.options.signalTable ? [this.options.signalTable] : [])];
  }

  /** How many dot-separated parts a table identifier has for this connector. */
  protected abstract get tableParts(): number;
  /** The `table.include.list` entry of a table. */
  protected abstract includeEntry(table: string): string;
  /** Connector-specific configuration. */
  protected abstract specificConfig(): Record<string, string | number | boolean>;
  /** Connector-specific prop checks. */
  protected abstract validateSpecific(): ValidationIssue[];
  /**
   * Connectors that can conflict share a group (the same database or server); `undefined` when none can.
   * @internal
   */
  public abstract get conflictGroup(): string | undefined;
  /**
   * Conflicts with the other connectors of the same group (slot names, server ids).
   * @internal
   */
  public abstract conflictsWith(others: readonly DebeziumSource[]): ValidationIssue[];

  private get heartbeatPrefix(): string {
    return `${this.connect.topicPrefix}debezium-heartbeat`;
  }

  protected heartbeatMs(kind: DebeziumConnectorKind): number | undefined {
    const interval = this.options.heartbeatInterval ?? (kind === "postgres" ? "10s" : undefined);
    if (interval === undefined) return undefined;
    const ms = parseDuration(interval, { scope: "", field: "" }).ms;
    return ms !== undefined && ms > 0 ? ms : undefined;
  }

  /** The consumer group reading the signal topic. */
  public get signalGroup(): string {
    return `${this.connect.topicPrefix}${this.connectorName}-signals`;
  }

  /** A Job that sends one `execute-snapshot` signal with the Connect user's credentials (by reference). */
  private addSnapshotTrigger(snap: IncrementalSnapshot): void {
    const connect = this.connect;
    const name = `${this.connectorName}-snapshot-${snap.id}`;
    const caDir = "/etc/floe/kafka-ca";
    // The signal's `id` is the Job's name: Debezium's Kafka channel reads it as the signal id, "can be used for
    // deduplication" (debezium-core 3.2.0.Final, pipeline/signal/channels/KafkaSignalChannel.java).
    const signal = JSON.stringify({ id: name, type: "execute-snapshot", data: { "data-collections": [...snap.tables], type: "INCREMENTAL" } });
    const script = [
      "set -eu",
      "printf 'security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nssl.truststore.type=PEM\nssl.truststore.location=%s\nsasl.jaas.config=%s\n' \"$CA_FILE\" \"$SASL_JAAS_CONFIG\" > /tmp/client.properties",
      // A Job's pod template is immutable: a new image (a Kafka upgrade) or a GitOps re-creation replaces the Job,
      // which runs again; a retried pod runs again too. Each sends only when no earlier run did: the signal topic
      // (one partition, kept forever) is read from the start, without a consumer group (assigned partition, no
      // commit), and a failure to read it stops the Job rather than risk a second snapshot.
      "signals=$(/opt/kafka/bin/kafka-console-consumer.sh --bootstrap-server \"$BOOTSTRAP_SERVERS\" --topic \"$SIGNAL_TOPIC\" --partition 0 --offset earliest --timeout-ms \"$READ_TIMEOUT_MS\" --consumer.config /tmp/client.properties)",
      "case \"$signals\" in *\"\\\"id\\\":\\\"$SIGNAL_ID\\\"\"*) echo \"execute-snapshot $SIGNAL_ID was sent before: not sending it again\"; exit 0;; esac",
      "printf '%s|%s\n' \"$SIGNAL_KEY\" \"$SIGNAL_VALUE\" | /opt/kafka/bin/kafka-console-producer.sh --bootstrap-server \"$BOOTSTRAP_SERVERS\" --topic \"$SIGNAL_TOPIC\" --producer.config /tmp/client.properties --property parse.key=true --property key.separator='|'",
      "echo \"sent execute-snapshot $SIGNAL_ID to $SIGNAL_TOPIC\"",
    ].join("\n");
    const labels = componentLabels("debezium", this.connectorName, CDC_SNAPSHOT_COMPONENT);
    new ApiObject(this, `Snapshot-${snap.id}`, {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name, namespace: connect.namespace, labels },
      spec: {
        // No TTL: a deleted Job would be re-created by GitOps and send the signal again.
        backoffLimit: 4,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: "OnFailure",
            automountServiceAccountToken: false,
            securityContext: { ...RESTRICTED_POD_SECURITY_CONTEXT, runAsUser: 1001 },
            containers: [
              {
                name: "signal",
                image: `quay.io/strimzi/kafka:${STRIMZI_VERSION}-kafka-${connect.cluster.version}`,
                command: ["/bin/sh", "-c", script],
                env: [
                  { name: "BOOTSTRAP_SERVERS", value: connect.bootstrapServers },
                  { name: "SIGNAL_TOPIC", value: this.signalTopic!.topicName },
                  { name: "SIGNAL_KEY", value: this.topicPrefix },
                  { name: "SIGNAL_ID", value: name },
                  { name: "READ_TIMEOUT_MS", value: String(SIGNAL_READ_TIMEOUT_MS) },
                  { name: "SIGNAL_VALUE", value: signal },
                  { name: "CA_FILE", value: `${caDir}/ca.crt` },
                  { name: "SASL_JAAS_CONFIG", valueFrom: { secretKeyRef: { name: connect.user.secretName, key: "sasl.jaas.config" } } },
                ],
                resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
                securityContext: { ...RESTRICTED_CONTAINER_SECURITY_CONTEXT, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
                volumeMounts: [
                  { name: "kafka-ca", mountPath: caDir, readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
            volumes: [
              { name: "kafka-ca", secret: { secretName: `${connect.cluster.clusterName}-cluster-ca-cert`, items: [{ key: "ca.crt", path: "ca.crt" }] } },
              { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
            ],
          },
        },
      },
    });
  }

  private validateCommon(kind: DebeziumConnectorKind): ValidationIssue[] {
    const scope = this.node.path;
    const o = this.options;
    const issues: ValidationIssue[] = [...checkDnsSubdomain(o.name, { scope, field: "name" })];
    const snaps = o.incrementalSnapshots ?? [];
    if (snaps.length > 0 && !o.signalTable) {
      issues.push({ code: "SignalTableMissing", scope, field: "incrementalSnapshots", value: snaps.map((x) => x.id), message: "incremental snapshots write their watermarks to the signal table", fix: "set signalTable (and create it in the database)" });
    }
    if (snaps.length > 0 && o.connect.user.authentication !== KafkaAuthenticationType.SCRAM_SHA_512) {
      issues.push({ code: "SnapshotTriggerNeedsScram", scope, field: "incrementalSnapshots", value: o.connect.user.authentication, message: "the snapshot trigger Job authenticates with the Connect user's SCRAM credentials", fix: "use SCRAM-SHA-512 for the Connect cluster" });
    }
    const ids = new Set<string>();
    snaps.forEach((snap, i) => {
      issues.push(...checkDnsLabel(snap.id, { scope, field: `incrementalSnapshots[${i}].id` }, 63 - o.name.length - "-snapshot-".length, "the trigger Job is <connector>-snapshot-<id>"));
      if (ids.has(snap.id)) issues.push({ code: "DuplicateSnapshotId", scope, field: `incrementalSnapshots[${i}].id`, value: snap.id, message: "is used twice", fix: "give each snapshot its own id" });
      ids.add(snap.id);
      if (snap.tables.length === 0) issues.push({ code: "SnapshotWithoutTables", scope, field: `incrementalSnapshots[${i}].tables`, value: [], message: "names no table", fix: "list the captured tables to snapshot again" });
      snap.tables.forEach((t, ti) => {
        if (!o.tables.includes(t)) {
          issues.push({ code: "UnknownSnapshotTable", scope, field: `incrementalSnapshots[${i}].tables[${ti}]`, value: t, message: "is not a captured table of this source", fix: `use one of ${o.tables.join(", ")}` });
        }
      });
    });
    issues.push(...checkTopicName(this.topicPrefix, { scope, field: "topicPrefix" }).errors);
    if (!this.topicPrefix.startsWith(o.connect.topicPrefix) || this.topicPrefix === o.connect.topicPrefix) {
      issues.push({
        code: "TopicPrefixOutsideTenant",
        scope,
        field: "topicPrefix",
        value: this.topicPrefix,
        message: `must start with the Connect cluster's tenant prefix ${JSON.stringify(o.connect.topicPrefix)}`,
        fix: `use ${JSON.stringify(`${o.connect.topicPrefix}${o.name}`)} (the default)`,
      });
    }
    if (!/^[A-Za-z0-9.-]+$/.test(o.hostname)) {
      issues.push({ code: "InvalidHostname", scope, field: "hostname", value: o.hostname, message: "is not a host name", fix: "use the database's DNS name" });
    }
    const port = o.port ?? DEFAULT_PORTS[kind];
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      issues.push({ code: "InvalidPort", scope, field: "port", value: port, message: "is not a TCP port", fix: `use e.g. ${DEFAULT_PORTS[kind]}` });
    }
    if (o.connect.egressRestricted && !o.databaseCidr) {
      issues.push({
        code: "DatabaseNetworkUndeclared",
        scope,
        field: "databaseCidr",
        value: undefined,
        message: "the Connect workers may only reach declared networks, and this source declares none",
        fix: "set databaseCidr to the database's network (e.g. 10.20.0.0/16)",
      });
    }
    if (o.databaseCidr) issues.push(...checkCidr(o.databaseCidr, { scope, field: "databaseCidr" }));
    if (o.tables.length === 0) {
      issues.push({
        code: "NoTables",
        scope,
        field: "tables",
        value: [],
        message: "a source must name the tables it captures, so that its topics are declared",
        fix: "list the tables, e.g. public.orders",
      });
    }
    const seen = new Set<string>();
    this.capturedTables().forEach((t, i) => {
      const field = i < o.tables.length ? `tables[${i}]` : "signalTable";
      if (t.split(".").length !== this.tableParts || t.split(".").some((p) => p.length === 0)) {
        issues.push({
          code: "InvalidTableName",
          scope,
          field,
          value: t,
          message: `must have ${this.tableParts} dot-separated parts for a ${kind} source`,
          fix: kind === "postgres" ? "write schema.table" : kind === "mysql" ? "write database.table" : "write database.schema.table",
        });
      }
      if (seen.has(t)) {
        issues.push({ code: "DuplicateTable", scope, field, value: t, message: "is listed twice", fix: "list each table once" });
      }
      seen.add(t);
      issues.push(...checkTopicName(this.tableTopic(t), { scope, field }).errors);
    });
    const tasks = o.tasksMax ?? 1;
    if (!Number.isInteger(tasks) || tasks < 1) {
      issues.push({ code: "InvalidTasksMax", scope, field: "tasksMax", value: tasks, message: "must be a whole number, 1 or more", fix: "use 1" });
    }
    for (const field of ["retryTimeout", "heartbeatInterval"] as const) {
      const v = o[field];
      if (v !== undefined) issues.push(...parseDuration(v, { scope, field }).issues);
    }
    for (const [key, value] of Object.entries(o.config ?? {}).sort()) {
      if (MANAGED_CONNECTOR_KEYS.includes(key)) {
        issues.push({
          code: key.startsWith("errors.deadletterqueue") ? "NoDeadLetterQueueForSources" : "ManagedConnectorConfig",
          scope,
          field: `config.${key}`,
          value,
          message: key.startsWith("errors.deadletterqueue")
            ? "Kafka Connect has no dead-letter queue for source connectors; records that fail are logged or stop the task"
            : "is set by Floe from the typed props",
          fix: key.startsWith("errors.deadletterqueue") ? "use errorPolicy log-and-skip (logs the failure) or fail" : "remove it and use the typed prop",
        });
      } else {
        const inline = inlineSecretIssue(scope, key, value);
        if (inline) issues.push(inline);
      }
    }
    return issues;
  }

  private renderSpec(kind: DebeziumConnectorKind): Record<string, unknown> {
    const o = this.options;
    const policy = o.errorPolicy ?? SourceErrorPolicy.FAIL;
    const heartbeat = this.heartbeatMs(kind);
    const config: Record<string, string | number | boolean> = {
      "connector.class": DEBEZIUM_CONNECTORS[kind].connectorClass,
      "database.hostname": o.hostname,
      "database.port": o.port ?? DEFAULT_PORTS[kind],
      "database.user": o.credentials.userReference,
      "database.password": o.credentials.passwordReference,
      "topic.prefix": this.topicPrefix,
      "table.include.list": this.capturedTables().map((t) => this.includeEntry(t)).join(","),
      "include.schema.changes": false,
      "tombstones.on.delete": true,
      "errors.tolerance": policy === SourceErrorPolicy.FAIL ? "none" : "all",
      "errors.log.enable": true,
      "errors.log.include.messages": false,
      ...(o.retryTimeout ? { "errors.retry.timeout": parseDuration(o.retryTimeout, { scope: "", field: "" }).ms ?? 0 } : {}),
      ...(o.columnExcludeList?.length ? { "column.exclude.list": o.columnExcludeList.map(exactPattern).join(",") } : {}),
      ...(o.signalTable && this.signalTopic
        ? {
            "signal.data.collection": o.signalTable,
            "signal.enabled.channels": "source,kafka",
            "signal.kafka.topic": this.signalTopic.topicName,
            "signal.kafka.groupId": this.signalGroup,
            "signal.kafka.bootstrap.servers": this.connect.bootstrapServers,
            // Debezium polls the signal consumer once per signal.poll.interval.ms (5 s) with this timeout, whose
            // default is 0 (debezium-core 3.2.0.Final, pipeline/signal/channels/KafkaSignalChannel.java
            // SIGNAL_POLL_TIMEOUT_MS): a TLS + SCRAM connection, which needs a dozen round trips, then advances one
            // step per 5 s and never completes within the client's 10 s connection setup timeout. One second per
            // poll lets it connect (shown on a real broker in test/e2e/cdc.test.ts).
            "signal.kafka.poll.timeout.ms": SIGNAL_POLL_TIMEOUT_MS,
            ...this.connect.clientConfig("signal.consumer."),
          }
        : {}),
      ...(heartbeat !== undefined ? { "heartbeat.interval.ms": heartbeat, "topic.heartbeat.prefix": this.heartbeatPrefix } : {}),
      ...this.specificConfig(),
      ...(o.config ?? {}),
    };
    return {
      class: DEBEZIUM_CONNECTORS[kind].connectorClass,
      tasksMax: o.tasksMax ?? 1,
      state: o.state ?? ConnectorState.RUNNING,
      autoRestart: { enabled: o.autoRestart ?? true },
      config: Object.fromEntries(Object.keys(config).sort().map((k) => [k, config[k]])),
    };
  }
}

const CHECKED_ROOTS = new WeakSet<IConstruct>();

/**
 * One validation per app compares connectors within their conflict group (linear in the number of
 * connectors, not quadratic).
 */
function addGroupValidation(source: DebeziumSource): void {
  const root = source.node.root;
  if (CHECKED_ROOTS.has(root)) return;
  CHECKED_ROOTS.add(root);
  addFloeValidation(root, () => {
    const groups = new Map<string, DebeziumSource[]>();
    const sources = root.node.findAll().filter((c): c is DebeziumSource => c instanceof DebeziumSource);
    for (const s of sources) {
      const key = s.conflictGroup;
      if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    return sources.flatMap((s) => {
      const group = s.conflictGroup === undefined ? [] : groups.get(s.conflictGroup)!;
      return group.length > 1 ? s.conflictsWith(group.filter((o) => o !== s)) : [];
    });
  });
}
