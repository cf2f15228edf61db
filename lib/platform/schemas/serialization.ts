// The serialization format an environment or a tenant enforces (`serialization.format`): every topic carries a
// registered schema in it, CDC sources write it, SQL jobs read and write Kafka only through tables generated
// from the schemas.

import { ValidationIssue } from "../../core";
import { sqlTableDefinitions } from "../../k8s/flink/sql-connection";
import { PlatformSpec, TenantSpec } from "../spec/schema";

/** The format a tenant enforces: its own, else the environment's; undefined when neither declares one. */
export function tenantFormat(spec: Pick<PlatformSpec, "serialization">, tenant: TenantSpec): "avro" | "json" | undefined {
  return tenant.serialization?.format ?? spec.serialization?.format;
}

/**
 * Sources without a `format` write the enforced one (run after parsing, before the rules: the rest of Floe reads
 * `format` as the source's).
 */
export function applySerializationDefaults(spec: PlatformSpec): void {
  for (const tenant of spec.tenants ?? []) {
    const format = tenantFormat(spec, tenant);
    if (!format) continue;
    for (const src of tenant.sources ?? []) if (src.format === undefined) (src as { format?: string }).format = format;
  }
}

/** What breaks a tenant's enforced format: topics without a schema or in another language, sources and SQL tables in another format. */
export function serializationIssues(spec: PlatformSpec, tenant: TenantSpec, scope: string): ValidationIssue[] {
  const format = tenantFormat(spec, tenant);
  if (!format) return [];
  const where = tenant.serialization ? `${scope}.serialization` : "serialization";
  const language = format === "avro" ? "an Avro (.avsc) schema" : "a JSON Schema (.json)";
  const issues: ValidationIssue[] = [];
  (tenant.topics ?? []).forEach((t, i) => {
    const at = `${scope}.topics[${i}]`;
    if (!t.valueSchema) {
      issues.push({ code: "TopicWithoutSchema", scope: at, field: "valueSchema", value: t.name, message: `has no schema, and ${where} enforces ${format}: every topic's records must be described and registered`, fix: `declare the topic's valueSchema, ${language}` });
    }
    for (const which of ["valueSchema", "keySchema"] as const) {
      const ref = t[which];
      if (ref?.type !== undefined && ref.type !== format) {
        issues.push({ code: "SchemaFormatMismatch", scope: at, field: `${which}.type`, value: ref.type, message: `is not the ${format} that ${where} enforces`, fix: `give the topic ${language}` });
      }
    }
  });
  (tenant.sources ?? []).forEach((src, i) => {
    if (src.format !== format) {
      issues.push({ code: "SourceFormatMismatch", scope: `${scope}.sources[${i}]`, field: "format", value: src.format, message: `writes ${src.format}, but ${where} enforces ${format}`, fix: `remove format (the source then writes ${format}) or set it to ${format}` });
    }
  });
  (tenant.jobs ?? []).forEach((job, ji) =>
    sqlTableDefinitions(job.sql?.statements ?? []).tables.forEach(({ statement, table, options }) => {
      if (!["kafka", "upsert-kafka"].includes(options.get("connector") ?? "")) return;
      issues.push({
        code: "SqlTableNotFromSchema",
        scope: `${scope}.jobs[${ji}].sql`,
        field: `statements[${statement}]`,
        value: table,
        message: `creates Kafka table ${table} by hand, and ${where} enforces ${format}: its columns and format would not be checked against the topic's schema`,
        fix: format === "json" ? "list the topic under sql.tables (Floe generates the table from its schema)" : "run the job as a jar job (Flink SQL cannot read Avro with the registry's credentials here; see README, Flink SQL tables from schemas)",
      });
    }),
  );
  return issues;
}
