// What needs a region's registry: Avro converters in the Connect image, the registry URL in SQL.

import { ValidationIssue } from "../../core";
import { PlatformSpec, TenantSpec } from "../spec/schema";

/** Avro CDC needs the Avro converter in the Connect image; SQL using the registry token needs a registry (and cannot authenticate at it). */
export function registryUseIssues(spec: PlatformSpec, tenant: TenantSpec, scope: string, tenantRegions: readonly string[], registryRegions: ReadonlySet<string>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const sources = tenant.sources ?? [];
  const jobs = tenant.jobs ?? [];
  spec.regions.forEach((region, ri) => {
    if (!tenantRegions.includes(region.name)) return;
    sources.forEach((src, si) => {
      if (src.format !== "avro" || !region.connect || (region.connect.converters ?? []).includes("avro")) return;
      issues.push({
        code: "ConverterMissing",
        scope: `regions[${ri}].connect`,
        field: "converters",
        value: region.connect.converters ?? [],
        message: `${scope}.sources[${si}] writes Avro, but the region's Connect image does not declare the Avro converter`,
        fix: region.connect.build
          ? "use a prebuilt image that contains io.confluent.connect.avro.AvroConverter and list converters: [avro] (Floe builds only Debezium plugins)"
          : "add the Avro converter (io.confluent.connect.avro.AvroConverter) to the image and list converters: [avro]",
      });
    });
    jobs.forEach((job, ji) =>
      (job.sql?.statements ?? []).forEach((st, k) => {
        if (!st.includes("{{schemaRegistryUrl}}")) return;
        if (!registryRegions.has(region.name)) {
          issues.push({
            code: "SchemaRegistryMissing",
            scope: `${scope}.jobs[${ji}].sql`,
            field: `statements[${k}]`,
            value: "{{schemaRegistryUrl}}",
            message: `uses the Schema Registry URL, but region ${region.name} has no Schema Registry`,
            fix: `declare regions[${ri}].schemaRegistry (or a topic schema in the region)`,
          });
          return;
        }
        // The registry admits authenticated principals only (its proxy), and Flink's avro-confluent format hands
        // its options to Confluent's client as they are: no config provider would read the password from the
        // job's mounted Secret, so the statement would have to carry it in clear.
        issues.push({
          code: "RegistryCredentialsUnavailable",
          scope: `${scope}.jobs[${ji}].sql`,
          field: `statements[${k}]`,
          value: "{{schemaRegistryUrl}}",
          message: "Flink's avro-confluent format cannot read a credential from a file, and the registry admits authenticated principals only; the statement would have to hold the job's password",
          fix: "use the json or avro format for the table, or a jar job: it gets FLOE_SCHEMA_REGISTRY_URL and authenticates with its Kafka credential (basic.auth.credentials.source=SASL_INHERIT)",
        });
      }),
    );
  });
  return issues;
}
