// Flink SQL tables generated from the schemas of the topics a SQL job reads and writes (`jobs[].sql.tables`).
// CDC topics become changelog tables in Debezium's JSON format (Flink's `debezium-json`, flink-json 1.20:
// DebeziumJsonDeserializationSchema reads `before`/`after`/`op` and skips tombstones); topics with a JSON Schema
// become `json` tables, and topics that carry a changelog (`carries: changelog`) `upsert-kafka` tables keyed by
// their key schema.

import { ValidationIssue } from "../../core";
import { postgresChangeEventSchemas } from "../../k8s/debezium";
import { sqlString, sqlTableDefinitions } from "../../k8s/flink/sql-connection";
import { CONNECT_DECIMAL, ConnectSchema } from "../../k8s/schema";
import { tenantTopicName } from "../names";
import { sourceOfTopic } from "../sources/names";
import { excludedColumns } from "../sources/types";
import { JobSpec, TenantSpec } from "../spec/schema";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
const ident = (name: string) => `\`${name.replace(/`/g, "``")}\``;
const quote = sqlString;

/** The Flink SQL type of a Kafka Connect schema as JsonConverter writes it (Decimals as numbers or base64 bytes). */
export function flinkTypeOfConnect(s: ConnectSchema, numericDecimals: boolean): string {
  switch (s.type) {
    case "int8":
      return "TINYINT";
    case "int16":
      return "SMALLINT";
    case "int32":
      return "INT";
    case "int64":
      return "BIGINT";
    case "float":
      return "FLOAT";
    case "double":
      return "DOUBLE";
    case "boolean":
      return "BOOLEAN";
    case "string":
      return "STRING";
    case "bytes":
      if (numericDecimals && s.name === CONNECT_DECIMAL) {
        const scale = Number(s.parameters?.scale ?? 0);
        // money has no precision parameter: PostgreSQL's money holds 19 digits.
        const precision = Number(s.parameters?.["connect.decimal.precision"] ?? 19);
        return `DECIMAL(${precision}, ${scale})`;
      }
      return "BYTES";
    case "array":
      return `ARRAY<${flinkTypeOfConnect(s.items!, numericDecimals)}>`;
    case "map":
      return "MAP<STRING, STRING>";
    case "struct":
      return `ROW<${(s.fields ?? []).map((f) => `${ident(f.field)} ${flinkTypeOfConnect(f, numericDecimals)}`).join(", ")}>`;
  }
}

/** The Flink SQL type of a JSON Schema, or an Error saying why it has none. */
export function flinkTypeOfJsonSchema(s: unknown, path: string): string | Error {
  if (!isObject(s)) return new Error(`${path} is not a schema object`);
  const types = (Array.isArray(s.type) ? (s.type as unknown[]) : s.type === undefined ? [] : [s.type]).filter((t) => t !== "null");
  if (types.length !== 1 || typeof types[0] !== "string") return new Error(`${path} has ${types.length === 0 ? "no type" : `several types (${types.join(", ")})`}: a column needs exactly one`);
  switch (types[0]) {
    case "integer":
      return "BIGINT";
    case "number":
      return "DOUBLE";
    case "string":
      return "STRING";
    case "boolean":
      return "BOOLEAN";
    case "array": {
      const item = flinkTypeOfJsonSchema(s.items, `${path}[]`);
      return item instanceof Error ? item : `ARRAY<${item}>`;
    }
    case "object": {
      const columns = jsonColumns(s, path);
      return columns instanceof Error ? columns : `ROW<${columns.map(([n, t]) => `${ident(n)} ${t}`).join(", ")}>`;
    }
    default:
      return new Error(`${path} has type ${String(types[0])}, which no Flink column holds`);
  }
}

/** The columns of a JSON Schema object (its properties, in order). */
function jsonColumns(s: Json, path: string): Array<[string, string]> | Error {
  if (!isObject(s.properties) || Object.keys(s.properties).length === 0) return new Error(`${path} declares no properties: a table needs its columns`);
  const out: Array<[string, string]> = [];
  for (const [name, prop] of Object.entries(s.properties)) {
    const t = flinkTypeOfJsonSchema(prop, `${path}.${name}`);
    if (t instanceof Error) return t;
    out.push([name, t]);
  }
  return out;
}

/** The default table name of a topic: its local name with every character outside `[A-Za-z0-9_]` made `_`. */
export const defaultTableName = (topic: string) => topic.replace(/[^A-Za-z0-9_]/g, "_");

/**
 * The `CREATE TABLE` statements of a SQL job's `sql.tables`, from its topics' schemas, and what is wrong with
 * them (`scope` is the job's spec path). The Kafka connection is added later, like the job's own tables'.
 */
export function sqlTables(tenant: TenantSpec, job: JobSpec, scope: string): { statements: string[]; issues: ValidationIssue[] } {
  const statements: string[] = [];
  const issues: ValidationIssue[] = [];
  const tables = job.sql?.tables ?? [];
  const own = new Set(sqlTableDefinitions(job.sql?.statements ?? []).tables.map((d) => d.table));
  const names = new Set<string>();
  tables.forEach((t, i) => {
    const at = `${scope}.sql.tables[${i}]`;
    const issue = (code: string, field: string, value: unknown, message: string, fix: string) => issues.push({ code, scope: at, field, value, message, fix });
    const name = t.name ?? defaultTableName(t.topic);
    if (names.has(name)) return issue("SqlTableNameTwice", "name", name, "two generated tables have this name", "give one of them another name");
    names.add(name);
    if (own.has(name)) return issue("SqlTableDefinedTwice", "name", name, "the job's statements create a table of this name too", "remove that CREATE TABLE (its columns come from the topic's schema) or name the generated table otherwise");
    const reads = (job.reads ?? []).includes(t.topic);
    const writes = (job.writes ?? []).includes(t.topic);
    if (reads === writes) {
      return issue("SqlTableDirection", "topic", t.topic, reads ? "is both read and written by the job: a table is a source or a sink" : "is neither read nor written by the job", `list the topic in ${scope}.reads (a source table) or in ${scope}.writes (a sink table)`);
    }
    const fullTopic = tenantTopicName(tenant.name, t.topic);
    const origin = sourceOfTopic(tenant, t.topic);
    const cdc = origin && !origin.signal ? origin : undefined;
    if (cdc) {
      const columns = cdc.src.columns?.[cdc.table];
      if (writes) return issue("SqlTableSinkOnCdcTopic", "topic", t.topic, "is a CDC topic: only its connector writes it", "write another topic");
      if (!columns) return issue("SqlTableWithoutSchema", "topic", t.topic, `is captured from ${cdc.table}, whose columns the source does not declare`, `declare them under the source's columns["${cdc.table}"]`);
      if (cdc.src.format === "avro") return issue("SqlTableFormatUnsupported", "topic", t.topic, avroMessage, "capture the table with format: json, or read it from a jar job");
      const row = postgresChangeEventSchemas({ topic: fullTopic, columns, excludedColumns: excludedColumns(cdc.src, cdc.table) }).row;
      const numeric = cdc.src.decimalFormat === "numeric";
      const cols = (row.fields ?? []).map((f) => `${ident(f.field)} ${flinkTypeOfConnect(f, numeric)}`);
      // A source that embeds schemas wraps each event as {"schema", "payload"}: flink-json's DebeziumJsonFormatOptions
      // SCHEMA_INCLUDE makes debezium-json read the payload.
      const include = cdc.src.embedSchemas ? ", 'debezium-json.schema-include' = 'true'" : "";
      statements.push(`CREATE TABLE ${ident(name)} (${cols.join(", ")}) WITH ('connector' = 'kafka', 'topic' = ${quote(fullTopic)}, 'format' = 'debezium-json'${include})`);
      return;
    }
    const topic = (tenant.topics ?? []).find((x) => x.name === t.topic);
    const value = topic?.valueSchema;
    if (!value) return issue("SqlTableWithoutSchema", "topic", t.topic, "has no value schema to take the table's columns from", `declare the topic's valueSchema (a JSON Schema) under the tenant's topics`);
    if (value.type !== "json") {
      const message = value.type === "avro" ? avroMessage : "is written in Protobuf with the registry: Flink's protobuf format reads generated classes, not the registry's schemas";
      return issue("SqlTableFormatUnsupported", "topic", t.topic, message, "declare the topic with a JSON Schema, or use a jar job");
    }
    const columns = jsonColumns(value.definition as Json, `${t.topic} valueSchema`);
    if (columns instanceof Error) return issue("SqlTableSchemaUnsupported", "topic", t.topic, columns.message, "give every property of the schema one JSON type (null aside)");
    const cols = columns.map(([n, type]) => `${ident(n)} ${type}`);
    // A changelog topic (the latest value per key) is an upsert table, read or written, keyed by its key schema;
    // an append-only topic a plain one.
    const changelog = topic?.carries === "changelog";
    const key = changelog ? topic?.keySchema : undefined;
    if (changelog && !key) {
      return issue("SqlUpsertWithoutKey", "topic", t.topic, "carries a changelog but declares no key schema: an upsert table needs the key of each row", "declare the topic's keySchema (a JSON Schema object of the key's properties)");
    }
    if (key) {
      if (key.type !== "json") return issue("SqlTableFormatUnsupported", "topic", t.topic, avroMessage, "declare the topic's key with a JSON Schema");
      const keyColumns = jsonColumns(key.definition as Json, `${t.topic} keySchema`);
      if (keyColumns instanceof Error) return issue("SqlTableSchemaUnsupported", "topic", t.topic, keyColumns.message, "give the key schema its properties, each with one JSON type");
      const missing = keyColumns.filter(([n, type]) => !columns.some(([vn, vt]) => vn === n && vt === type)).map(([n]) => n);
      if (missing.length > 0) return issue("SqlTableKeyNotInValue", "topic", t.topic, `key properties ${missing.join(", ")} are not value properties of the same type: upsert-kafka writes the key from the row`, "add the key's properties to the value schema");
      statements.push(
        `CREATE TABLE ${ident(name)} (${cols.join(", ")}, PRIMARY KEY (${keyColumns.map(([n]) => ident(n)).join(", ")}) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = ${quote(fullTopic)}, 'key.format' = 'json', 'value.format' = 'json')`,
      );
      return;
    }
    statements.push(`CREATE TABLE ${ident(name)} (${cols.join(", ")}) WITH ('connector' = 'kafka', 'topic' = ${quote(fullTopic)}, 'format' = 'json')`);
  });
  return { statements, issues };
}

/** Every SQL job's generated-table problems, and sources that set a decimal format Avro has no use for. */
export function sqlTableIssues(tenant: TenantSpec, scope: string): ValidationIssue[] {
  const issues = (tenant.jobs ?? []).flatMap((job, ji) => sqlTables(tenant, job, `${scope}.jobs[${ji}]`).issues);
  (tenant.sources ?? []).forEach((src, si) => {
    if (src.decimalFormat !== undefined && src.format === "avro") {
      issues.push({
        code: "DecimalFormatWithAvro",
        scope: `${scope}.sources[${si}]`,
        field: "decimalFormat",
        value: src.decimalFormat,
        message: "applies to the JSON converter; Avro writes decimals as its decimal logical type",
        fix: "remove decimalFormat, or capture with format: json",
      });
    }
  });
  return issues;
}

const avroMessage =
  "is written in Avro with the registry: Flink's avro-confluent format cannot authenticate at the registry without the job's password in the statement, and its plain avro format does not read the registry's wire format";
