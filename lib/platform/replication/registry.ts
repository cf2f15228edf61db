// Schema Registry leadership across regions (one region assigns ids, the others follow its mirrored topic).

import { ValidationIssue } from "../../core";
import { schemaRegistryLeader, schemaRegistryRegions } from "../schemas/registry";
import { PlatformSpec } from "../spec/schema";
import { replicationBootstrap } from "./listener";

/**
 * With registries in several regions: exactly one leader, which the followers can reach over its replication
 * listener; tenants with declared schemas run there (their registration runs against the leader), and Avro CDC
 * sources (whose converters register the schemas they derive) run only there.
 */
export function registryLeaderIssues(spec: PlatformSpec): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const regions = schemaRegistryRegions(spec);
  const declared = spec.regions.map((r, i) => ({ r, i })).filter(({ r }) => r.schemaRegistry?.leader === true);
  if (declared.length > 1) {
    declared.slice(1).forEach(({ i }) =>
      issues.push({
        code: "RegistryLeaderTwice",
        scope: `regions[${i}]`,
        field: "schemaRegistry.leader",
        value: true,
        message: `region ${declared[0].r.name} already leads: two leaders would assign the same ids to different schemas`,
        fix: `keep leader: true on one region only (${declared.map((d) => d.r.name).join(" or ")})`,
      }),
    );
    return issues;
  }
  if (regions.size <= 1) return issues;
  const leader = schemaRegistryLeader(spec);
  if (!leader) {
    issues.push({
      code: "RegistryLeaderMissing",
      scope: "regions",
      field: "schemaRegistry.leader",
      value: [...regions].sort(),
      message: "several regions run a Schema Registry: one must assign the schema ids, or the same id would mean different schemas in different regions (and mirrored records would be read with the wrong schema)",
      fix: `set schemaRegistry.leader: true on one of ${[...regions].sort().join(", ")}`,
    });
    return issues;
  }
  const leaderIndex = spec.regions.findIndex((r) => r.name === leader);
  if (!replicationBootstrap(spec.regions[leaderIndex])) {
    issues.push({
      code: "RegistryLeaderUnreachable",
      scope: `regions[${leaderIndex}]`,
      field: "kafka.listeners",
      value: spec.regions[leaderIndex].kafka.replicationListener ?? null,
      message: `the other regions' registries follow ${leader}'s schemas topic, which MirrorMaker 2 copies over ${leader}'s replication listener, and it has none`,
      fix: "declare a replication listener (type loadbalancer, with a bootstrapHost) on the leader's Kafka",
    });
  }
  const all = spec.regions.map((r) => r.name);
  (spec.tenants ?? []).forEach((tenant, ti) => {
    const tenantRegions = tenant.regions ?? all;
    const declaresSchemas = (tenant.topics ?? []).some((t) => t.valueSchema || t.keySchema);
    if (declaresSchemas && !tenantRegions.includes(leader)) {
      issues.push({
        code: "SchemasOutsideRegistryLeader",
        scope: `tenants[${ti}]`,
        field: "regions",
        value: tenantRegions,
        message: `the tenant declares schemas, which are registered with the leading registry in ${leader}, where the tenant does not run`,
        fix: `add ${leader} to the tenant's regions`,
      });
    }
    (tenant.sources ?? []).forEach((src, si) => {
      if (src.format !== "avro") return;
      const elsewhere = tenantRegions.filter((r) => r !== leader && regions.has(r));
      if (elsewhere.length === 0) return;
      issues.push({
        code: "AvroSourceOutsideRegistryLeader",
        scope: `tenants[${ti}].sources[${si}]`,
        field: "format",
        value: "avro",
        message: `the Avro converter registers the schemas it derives; in ${elsewhere.join(", ")} the registry is a read-only follower of ${leader}'s`,
        fix: `run the tenant only in ${leader} (regions), or use format json`,
      });
    });
  });
  return issues;
}
