// The schemas of a CDC source's topics, derived from its declared columns as Debezium maps their types
// (lib/k8s/debezium/types.ts), and the rules of those declarations.

import { ValidationIssue } from "../../core";
import { HEARTBEAT_SCHEMAS, isAvroName, postgresChangeEventSchemas, postgresColumnSchema, POSTGRES_TYPES, SIGNAL_TABLE_COLUMNS } from "../../k8s/debezium";
import { connectToAvro, connectToJsonSchema, SchemaSubject, TopicSchema } from "../../k8s/schema";
import { tenantTopicName } from "../names";
import { SourceSpec, TenantSpec } from "../spec/schema";
import { sourceTopicNames } from "./names";

/** Problems of a tenant's column declarations (checked before anything is derived from them). */
export function columnIssues(tenant: TenantSpec, scope: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  (tenant.sources ?? []).forEach((src, si) => {
    const at = `${scope}.sources[${si}]`;
    const columns = src.columns ?? {};
    if (Object.keys(columns).length > 0 && src.type !== "postgres") {
      issues.push({
        code: "ColumnTypesUnsupported",
        scope: at,
        field: "columns",
        value: src.type,
        message: `Floe translates the column types of postgres sources only (Debezium's PostgreSQL mapping, proven on the real connector); ${src.type} columns cannot be derived`,
        fix: "remove columns from this source, or declare the topic schemas under topics[].valueSchema",
      });
      return;
    }
    for (const [table, cols] of Object.entries(columns)) {
      if (!src.tables.includes(table) && table !== src.signalTable) {
        issues.push({ code: "ColumnsForUncapturedTable", scope: `${at}.columns`, field: table, value: table, message: "is not one of the source's tables", fix: `capture it (add it to ${at}.tables) or use one of ${src.tables.join(", ")}` });
        continue;
      }
      const names = new Set<string>();
      cols.forEach((c, ci) => {
        const cat = `${at}.columns.${table}[${ci}]`;
        if (names.has(c.name)) issues.push({ code: "DuplicateColumn", scope: cat, field: "name", value: c.name, message: `column ${c.name} is declared twice in ${table}`, fix: "declare each column once" });
        names.add(c.name);
        if (!postgresColumnSchema(c.type, c.values)) {
          issues.push({
            code: "UnknownColumnType",
            scope: cat,
            field: c.values ? "values" : "type",
            value: c.type,
            message: c.values ? "an enum column's values apply to a scalar enum type, not an array" : "is not a PostgreSQL type Floe translates (or Debezium leaves such columns out of its events)",
            fix: `use one of ${POSTGRES_TYPES.join(", ")}`,
          });
        }
        if (c.primaryKey && c.nullable === true) issues.push({ code: "NullablePrimaryKey", scope: cat, field: "nullable", value: true, message: "a primary-key column cannot be NULL", fix: "remove nullable: true (or primaryKey)" });
        if (src.format === "avro" && !isAvroName(c.name)) {
          issues.push({ code: "InvalidAvroFieldName", scope: cat, field: "name", value: c.name, message: "is not a valid Avro field name, and the source writes Avro", fix: "rename the column, or capture the table with format: json" });
        }
      });
    }
    if (src.format === "avro") {
      src.tables.forEach((table, ti) => {
        if (columns[table]) return;
        issues.push({
          code: "TableSchemaMissing",
          scope: at,
          field: `tables[${ti}]`,
          value: table,
          message: "the source writes Avro, and its converters do not register schemas (only Floe's registration step does): the table's columns are needed to derive and register its schema ahead of the connector",
          fix: `declare the table's columns under ${at}.columns["${table}"] (name, type, primaryKey, nullable)`,
        });
      });
    }
  });
  return issues;
}

/** The columns of a captured table that the source's `columnExcludeList` leaves out (by column name). */
export function excludedColumns(src: SourceSpec, table: string): string[] {
  return (src.columnExcludeList ?? []).filter((c) => c.startsWith(`${table}.`)).map((c) => c.slice(table.length + 1));
}

/**
 * The registry subjects of a source's tables with declared columns: `<topic>-key` (with a primary key) and
 * `<topic>-value`. An Avro source's converters register nothing, so every topic it writes needs its subjects:
 * also its signal table's (the columns Debezium documents unless declared) and its heartbeats'.
 */
export function sourceSubjects(tenant: TenantSpec, src: SourceSpec, scope: string): SchemaSubject[] {
  const subjects: SchemaSubject[] = [];
  const topics = sourceTopicNames(src);
  const avro = src.format === "avro";
  const tables = [...src.tables, ...(src.signalTable && (avro || src.columns?.[src.signalTable]) ? [src.signalTable] : [])];
  tables.forEach((table, ti) => {
    const columns = src.columns?.[table] ?? (table === src.signalTable ? SIGNAL_TABLE_COLUMNS : undefined);
    if (!columns) return;
    const topic = tenantTopicName(tenant.name, topics[ti]);
    const schemas = postgresChangeEventSchemas({ topic, columns, excludedColumns: excludedColumns(src, table), avroNames: avro });
    const ctx = (side: string) => ({ scope: `${scope}.columns`, field: `${table} (${side})` });
    const of = (side: "key" | "value", s: NonNullable<typeof schemas.key>) =>
      avro ? TopicSchema.avro(connectToAvro(s), ctx(side)) : TopicSchema.jsonSchema(connectToJsonSchema(s, `${topic}-${side}`, { numericDecimals: src.decimalFormat === "numeric", embedded: src.embedSchemas === true }), ctx(side));
    if (schemas.key) subjects.push({ subject: `${topic}-key`, schema: of("key", schemas.key) });
    subjects.push({ subject: `${topic}-value`, schema: of("value", schemas.value) });
  });
  // Heartbeats (a PostgreSQL source always has them; others with heartbeatInterval), in the topic the connector names.
  if (avro && (src.type === "postgres" || src.heartbeatInterval !== undefined)) {
    const topic = tenantTopicName(tenant.name, `debezium-heartbeat.${tenantTopicName(tenant.name, src.topicPrefix ?? src.name)}`);
    const ctx = (side: string) => ({ scope, field: `heartbeat (${side})` });
    subjects.push({ subject: `${topic}-key`, schema: TopicSchema.avro(connectToAvro(HEARTBEAT_SCHEMAS.key), ctx("key")) });
    subjects.push({ subject: `${topic}-value`, schema: TopicSchema.avro(connectToAvro(HEARTBEAT_SCHEMAS.value), ctx("value")) });
  }
  return subjects;
}
