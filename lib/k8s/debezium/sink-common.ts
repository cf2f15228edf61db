// What the sink connectors (JDBC, Iceberg) share: their common options, those options' checks and config, the
// checks of a database they reach, and their KafkaConnector spec. Internal: the constructs' modules re-export
// the public types (SinkErrorPolicy, SinkConnectorOptions).

import { checkCidr, parseDuration, ValidationIssue } from "../../core";
import { KafkaTopic } from "../kafka/kafka-topic";
import { ConnectCluster } from "./connect-cluster";
import { inlineSecretIssue } from "./connector-secrets";
import { ConnectorState } from "./source-connector";

/**
 * What a sink connector does with a record its converter cannot read (malformed data). Kafka Connect reports
 * conversion and transformation failures to the error handler (`errors.tolerance`, the dead-letter queue); a row
 * the database refuses is not malformed data: the Debezium JDBC sink retries it (`flush.max.retries`) and then
 * stops the task (debezium-connector-jdbc 3.2.0.Final has no errant-record reporter), so nothing is skipped silently.
 */
export enum SinkErrorPolicy {
  /** Stop the task on the first unreadable record (`errors.tolerance=none`). */
  FAIL = "fail",
  /** Skip it and log where it was, without its content (`errors.tolerance=all`, `errors.log.enable=true`). */
  LOG_AND_SKIP = "log-and-skip",
  /** Skip it into the sink's dead-letter topic, with the failure in its headers (`errors.deadletterqueue.*`). */
  DEAD_LETTER = "dead-letter",
}

/** What every sink connector takes besides its target: tasks, state, malformed data, restarts, extra config. */
export interface SinkConnectorOptions {
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
   * What happens to a record the converter cannot read.
   * @default SinkErrorPolicy.FAIL
   */
  readonly errorPolicy?: SinkErrorPolicy;
  /**
   * The dead-letter topic of {@link SinkErrorPolicy.DEAD_LETTER} (written by the Connect workers only).
   * @default - none (required with the dead-letter policy)
   */
  readonly deadLetterTopic?: KafkaTopic;
  /**
   * How long Connect retries a failed conversion before applying the error policy (`errors.retry.timeout`).
   * @default - no retry (Connect's default)
   */
  readonly retryTimeout?: string;
  /**
   * Let Strimzi restart failed connectors and tasks.
   * @default true
   */
  readonly autoRestart?: boolean;
  /**
   * Extra connector configuration (keys Floe sets are refused; credentials only as `${secrets:...}`).
   * @default - none
   */
  readonly config?: Readonly<Record<string, string | number | boolean>>;
}

/** Keys every sink's config gets from Floe (class, tasks, topics, error handling, converters, its group). */
export const MANAGED_SINK_COMMON_KEYS: readonly string[] = [
  "connector.class",
  "tasks.max",
  "topics",
  "topics.regex",
  "errors.tolerance",
  "errors.deadletterqueue.topic.name",
  "errors.deadletterqueue.context.headers.enable",
  "key.converter",
  "value.converter",
  "consumer.override.group.id",
];

/** SinkDeadLetterTopicMissing: the dead-letter policy without its topic. */
export function sinkDeadLetterIssues(scope: string, p: SinkConnectorOptions): ValidationIssue[] {
  return (p.errorPolicy ?? SinkErrorPolicy.FAIL) === SinkErrorPolicy.DEAD_LETTER && !p.deadLetterTopic
    ? [{ code: "SinkDeadLetterTopicMissing", scope, field: "deadLetterTopic", value: undefined, message: "the dead-letter policy needs the topic the records go to", fix: "pass deadLetterTopic (a KafkaTopic of the tenant)" }]
    : [];
}

/** A sink's tasks, retry timeout and extra config (`managed`: the keys Floe sets, refused there; secrets only by reference). */
export function sinkOptionIssues(scope: string, p: SinkConnectorOptions, managed: (key: string) => boolean): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const tasks = p.tasksMax ?? 1;
  if (!Number.isInteger(tasks) || tasks < 1) {
    issues.push({ code: "InvalidTasksMax", scope, field: "tasksMax", value: tasks, message: "must be a whole number, 1 or more", fix: "use 1" });
  }
  if (p.retryTimeout !== undefined) issues.push(...parseDuration(p.retryTimeout, { scope, field: "retryTimeout" }).issues);
  for (const [key, value] of Object.entries(p.config ?? {}).sort()) {
    if (managed(key)) {
      issues.push({ code: "ManagedConnectorConfig", scope, field: `config.${key}`, value, message: "is set by Floe from the typed props", fix: "remove it and use the typed prop" });
    } else {
      const inline = inlineSecretIssue(scope, key, value);
      if (inline) issues.push(inline);
    }
  }
  return issues;
}

/** A database a connector reaches: its host, database name, port and network, with the spec fields they come from. */
export interface DatabaseEndpoint {
  readonly hostname: string;
  readonly database: string;
  readonly port: number;
  readonly databaseCidr?: string;
  /** Field names (`hostname`, `catalog.hostname`, ...). */
  readonly fields: { readonly hostname: string; readonly database: string; readonly port: string; readonly databaseCidr: string };
  /** What the fixes call it and the port they suggest. */
  readonly describe: { readonly host: string; readonly defaultPort: number; readonly undeclared: string; readonly cidrFix: string };
}

/** A database endpoint's checks: a host name, a database name Floe puts in a JDBC URL, a port, a declared network. */
export function databaseEndpointIssues(scope: string, e: DatabaseEndpoint, connect: ConnectCluster): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!/^[A-Za-z0-9.-]+$/.test(e.hostname)) {
    issues.push({ code: "InvalidHostname", scope, field: e.fields.hostname, value: e.hostname, message: "is not a host name", fix: `use the ${e.describe.host}'s DNS name` });
  }
  if (!/^[A-Za-z0-9_$-]+$/.test(e.database)) {
    issues.push({ code: "InvalidDatabaseName", scope, field: e.fields.database, value: e.database, message: "is not a database name Floe puts in a JDBC URL", fix: "use letters, digits, '_', '-' or '$'" });
  }
  if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) {
    issues.push({ code: "InvalidPort", scope, field: e.fields.port, value: e.port, message: "is not a TCP port", fix: `use e.g. ${e.describe.defaultPort}` });
  }
  if (connect.egressRestricted && !e.databaseCidr) {
    issues.push({ code: "DatabaseNetworkUndeclared", scope, field: e.fields.databaseCidr, value: undefined, message: `the Connect workers may only reach declared networks, and ${e.describe.undeclared} declares none`, fix: e.describe.cidrFix });
  }
  if (e.databaseCidr) issues.push(...checkCidr(e.databaseCidr, { scope, field: e.fields.databaseCidr }));
  return issues;
}

/** The error handling keys of a sink's config: tolerance, logging without contents, dead letters, retries. */
export function sinkErrorConfig(p: SinkConnectorOptions): Record<string, string | number | boolean> {
  const policy = p.errorPolicy ?? SinkErrorPolicy.FAIL;
  return {
    "errors.tolerance": policy === SinkErrorPolicy.FAIL ? "none" : "all",
    "errors.log.enable": true,
    "errors.log.include.messages": false,
    ...(policy === SinkErrorPolicy.DEAD_LETTER && p.deadLetterTopic
      ? { "errors.deadletterqueue.topic.name": p.deadLetterTopic.topicName, "errors.deadletterqueue.context.headers.enable": true }
      : {}),
    ...(p.retryTimeout ? { "errors.retry.timeout": parseDuration(p.retryTimeout, { scope: "", field: "" }).ms ?? 0 } : {}),
  };
}

/** A sink's KafkaConnector spec: its class, tasks, state, restarts and config (keys sorted: stable output). */
export function sinkConnectorSpec(connectorClass: string, p: SinkConnectorOptions, config: Record<string, string | number | boolean>): Record<string, unknown> {
  return {
    class: connectorClass,
    tasksMax: p.tasksMax ?? 1,
    state: p.state ?? ConnectorState.RUNNING,
    autoRestart: { enabled: p.autoRestart ?? true },
    config: Object.fromEntries(Object.keys(config).sort().map((k) => [k, config[k]])),
  };
}
