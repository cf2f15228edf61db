// Sink rules: each topic a sink reads is the tenant's, carries a schema the sink can map to columns, and is of a
// kind (CDC, changelog, append-only) that the sink's write mode fits.

import { glueDatabaseName, ValidationIssue } from "../../core";
import { sourceOfTopic } from "../sources/names";
import { SinkSpec, TenantSpec } from "../spec/schema";

/** What a sink needs to know of a topic it reads. */
export interface SinkTopicTraits {
  /** `cdc`: Debezium change events (a source's table topic); else what the declared topic `carries`. */
  readonly kind: "cdc" | "changelog" | "append";
  /** How its records are serialized for Connect: JSON with the schema in each record, Avro, or without a schema. */
  readonly encoding: "json-embedded" | "avro" | "schemaless";
  /** Whether its records have a key the sink can upsert by. */
  readonly keyed: boolean;
}

/** The traits of a tenant's topic (by local name), or undefined when the tenant has no such topic. */
export function sinkTopicTraits(tenant: TenantSpec, topic: string): SinkTopicTraits | undefined {
  const origin = sourceOfTopic(tenant, topic);
  if (origin) return { kind: "cdc", encoding: origin.src.format === "avro" ? "avro" : origin.src.embedSchemas ? "json-embedded" : "schemaless", keyed: true };
  const declared = (tenant.topics ?? []).find((t) => t.name === topic);
  if (!declared) return undefined;
  return { kind: declared.carries ?? "append", encoding: declared.valueSchema?.type === "avro" ? "avro" : "schemaless", keyed: declared.keySchema !== undefined };
}

/**
 * The write mode of a sink. JDBC: its own, else upsert where every topic is CDC or a changelog, insert where all
 * are append-only. Iceberg: `append` unless it says `history` (the sink only appends).
 */
export function sinkMode(tenant: TenantSpec, sink: SinkSpec): "upsert" | "insert" | "append" | "history" | undefined {
  if (sink.type === "iceberg") return sink.mode ?? "append";
  if (sink.mode) return sink.mode;
  const kinds = new Set(sink.topics.map((t) => sinkTopicTraits(tenant, t)?.kind).filter((k) => k !== undefined));
  if (kinds.size === 0) return "upsert";
  if (!kinds.has("append")) return "upsert";
  return kinds.size === 1 ? "insert" : undefined;
}

/** The local name of a sink's dead-letter topic (`<sink>.sink-dead-letter`; a job's is `<job>.dead-letter`). */
export function sinkDeadLetterTopicName(sink: string): string {
  return `${sink}.sink-dead-letter`;
}

/** The local name of an Iceberg sink's control topic (`<sink>.iceberg-control`). */
export function icebergControlTopicName(sink: string): string {
  return `${sink}.iceberg-control`;
}

/** Where a tenant's Iceberg tables live: `lake/` under the tenant's prefix of the region's bucket. */
export function icebergWarehouse(storage: { uri(keyPrefix: string): string; tenantPrefix(tenant: string): string }, tenant: string): string {
  return storage.uri(`${storage.tenantPrefix(tenant)}lake`);
}

/**
 * The Iceberg namespace of a tenant's sink: the tenant's name with a JDBC catalog (whose rows are keyed by the
 * catalog name, the tenant's too), the Glue database `<environment>_<tenant>` with Glue (one catalog per account and
 * region, shared by the environments there).
 */
export function icebergSinkNamespace(environment: string, tenant: string, sink: Extract<SinkSpec, { type: "iceberg" }>): string {
  return sink.catalog.type === "glue" ? glueDatabaseName(environment, tenant) : tenant;
}

/** The error policy of a sink: its own, else the tenant's malformed-data policy. */
export function sinkErrorPolicy(tenant: TenantSpec, sink: SinkSpec): "fail" | "log-and-skip" | "dead-letter" {
  return sink.errorPolicy ?? (tenant.onMalformed === "dead-letter" ? "dead-letter" : tenant.onMalformed === "skip-and-log" ? "log-and-skip" : "fail");
}

/**
 * A tenant's sinks against its topics (`aws`: whether the spec names an AWS account; `environment`: the spec's, for
 * the Glue database name).
 */
export function sinkIssues(tenant: TenantSpec, scope: string, aws = true, environment = ""): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const declared = new Set((tenant.topics ?? []).map((t) => t.name));
  (tenant.sources ?? []).forEach((src, si) => {
    if (src.embedSchemas && src.format === "avro") {
      issues.push({ code: "EmbedSchemasWithAvro", scope: `${scope}.sources[${si}]`, field: "embedSchemas", value: true, message: "Avro records name their schema in the registry; embedding applies to JSON only", fix: "remove embedSchemas (Avro already carries schemas), or write JSON" });
    }
  });
  (tenant.sinks ?? []).forEach((sink, i) => {
    const at = `${scope}.sinks[${i}]`;
    const topics = sinkTopicIssues(tenant, sink, at);
    issues.push(...topics.issues, ...sinkModeIssues(tenant, sink, at, topics.traits));
    if (sink.type === "iceberg") issues.push(...icebergIssues(tenant, sink, at, { aws, environment, declared }));
    if (declared.has(sinkDeadLetterTopicName(sink.name)) && sinkErrorPolicy(tenant, sink) === "dead-letter") {
      issues.push({ code: "SinkDeadLetterTopicTaken", scope: at, field: "name", value: sink.name, message: `the sink's dead-letter topic ${sinkDeadLetterTopicName(sink.name)} is also a declared topic`, fix: "rename the sink or the topic" });
    }
  });
  return issues;
}

/** A sink's topics: each the tenant's, with a schema where the sink needs one, all of one encoding. */
function sinkTopicIssues(tenant: TenantSpec, sink: SinkSpec, at: string): { issues: ValidationIssue[]; traits: SinkTopicTraits[] } {
  const issues: ValidationIssue[] = [];
  const traits: SinkTopicTraits[] = [];
  sink.topics.forEach((topic, ti) => {
    const t = sinkTopicTraits(tenant, topic);
    if (!t) {
      issues.push({ code: "SinkUnknownTopic", scope: at, field: `topics[${ti}]`, value: topic, message: `is not a topic of tenant ${tenant.name} (a declared topic or a source's table topic)`, fix: "name one of the tenant's topics by its local name, e.g. orders-db.public.orders" });
      return;
    }
    traits.push(t);
    if (t.encoding === "schemaless" && sink.type === "jdbc") {
      issues.push({
        code: "SinkTopicWithoutSchema",
        scope: at,
        field: `topics[${ti}]`,
        value: topic,
        message: "the JDBC sink maps each record's Connect schema to columns, and this topic's records carry none (JSON without an embedded schema)",
        fix: t.kind === "cdc" ? "set embedSchemas: true on the source that writes it, or let it write Avro (format: avro)" : "give the topic an Avro value schema (written with the registry), or sink a source's topic with embedSchemas: true",
      });
    }
  });
  // The Iceberg sink reads schemaless JSON too (it infers column types from the values), with other converter
  // settings than embedded-schema JSON: for it, that is a third encoding.
  const encodings = new Set(traits.map((t) => t.encoding).filter((e) => e !== "schemaless" || sink.type === "iceberg"));
  if (encodings.size > 1) {
    issues.push({ code: "SinkMixedEncodings", scope: at, field: "topics", value: sink.topics, message: `reads topics of different encodings (${[...encodings].sort().join(", ")}): one connector has one key and one value converter`, fix: "split the sink by encoding" });
  }
  return { issues, traits };
}

/** A sink's write mode against what its topics carry. */
function sinkModeIssues(tenant: TenantSpec, sink: SinkSpec, at: string, traits: readonly SinkTopicTraits[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const mode = sinkMode(tenant, sink);
  if (mode === undefined) {
    issues.push({ code: "SinkMixedTopicKinds", scope: at, field: "mode", value: undefined, message: "reads append-only topics and changelog (or CDC) topics, which need different write modes (insert, upsert)", fix: "set mode, or split the sink by topic kind" });
  }
  sink.topics.forEach((topic, ti) => {
    const t = sinkTopicTraits(tenant, topic);
    if (!t) return;
    if (mode === "upsert" && !t.keyed) {
      issues.push({ code: "SinkUpsertWithoutKey", scope: at, field: `topics[${ti}]`, value: topic, message: "an upsert sink writes each record to the row of its key, and this append-only topic declares no key schema", fix: "use mode insert, or give the topic a keySchema" });
    }
    if (mode === "append" && t.kind !== "append") {
      issues.push({
        code: "SinkAppendOnChangelog",
        scope: at,
        field: `topics[${ti}]`,
        value: topic,
        message: `the topic carries ${t.kind === "cdc" ? "change events" : "a changelog"}, and the Iceberg sink only appends (apache/iceberg 1.10.1 kafka-connect IcebergWriter ignores tombstones): the table would hold every change, never the current rows`,
        fix: "set mode: history to keep the change history as a table, or sink the topic with a jdbc sink (upsert)",
      });
    }
    if (mode === "insert" && t.kind !== "append") {
      issues.push({ code: "SinkInsertOnChangelog", scope: at, field: `topics[${ti}]`, value: topic, message: `the topic carries ${t.kind === "cdc" ? "change events" : "a changelog"}: inserting each record would add a row per change (and ignore deletes)`, fix: "use mode upsert (the default for such topics)" });
    }
  });
  if (sink.type === "jdbc" && sink.deletes === true && mode === "insert") {
    issues.push({ code: "SinkDeletesNeedUpsert", scope: at, field: "deletes", value: true, message: "the JDBC sink finds the row to delete by the record key, which only upsert mode uses", fix: "use mode upsert, or leave deletes off" });
  }
  if (sink.type === "jdbc" && sink.table === undefined && traits.some((t) => t.kind !== "cdc")) {
    issues.push({ code: "SinkTableRequired", scope: at, field: "table", value: undefined, message: "the default table, ${source.table}, names the captured table of a Debezium change event, and this sink reads topics that are not CDC topics", fix: "set table, e.g. order_totals or ${topic}" });
  }
  return issues;
}

/** An Iceberg sink's catalog and control topic against the spec. */
function icebergIssues(tenant: TenantSpec, sink: Extract<SinkSpec, { type: "iceberg" }>, at: string, ctx: { aws: boolean; environment: string; declared: ReadonlySet<string> }): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (sink.catalog.type === "glue" && !ctx.aws) {
    issues.push({
      code: "IcebergGlueWithoutAccount",
      scope: at,
      field: "catalog.type",
      value: "glue",
      message: "the Glue catalog is reached with the tenant's IAM role, and the spec names no AWS account to derive it from",
      fix: "set aws.accountId (the role floe-<env>-<region>-<tenant> then holds the Glue database's permissions), or use a jdbc catalog",
    });
  }
  if (sink.catalog.type === "glue" && (tenant.name.includes("--") || ctx.environment.includes("--"))) {
    issues.push({
      code: "IcebergGlueNameAmbiguous",
      scope: at,
      field: "catalog.type",
      value: glueDatabaseName(ctx.environment, tenant.name),
      message: "the Glue database <environment>__<tenant> (with '-' as '_') of a name holding '--' could be another environment's or tenant's",
      fix: "use a tenant and environment name without '--', or a jdbc catalog",
    });
  }
  if (ctx.declared.has(icebergControlTopicName(sink.name))) {
    issues.push({ code: "SinkControlTopicTaken", scope: at, field: "name", value: sink.name, message: `the Iceberg sink's control topic ${icebergControlTopicName(sink.name)} is also a declared topic`, fix: "rename the sink or the topic" });
  }
  return issues;
}
