// Which regions run a Schema Registry, which one assigns ids, and a schema reference as a TopicSchema.

import { TopicSchema } from "../../k8s/schema";
import { PlatformSpec, TenantSpec, TopicSpec } from "../spec/schema";

/** Whether a tenant declares topic schemas, Avro CDC sources or captured tables' columns (its regions then run a Schema Registry). */
export function tenantUsesSchemas(tenant: TenantSpec): boolean {
  return (
    (tenant.topics ?? []).some((t) => t.valueSchema || t.keySchema) ||
    (tenant.sources ?? []).some((s) => s.format === "avro" || Object.keys(s.columns ?? {}).length > 0)
  );
}

/** The name of each region's Schema Registry (Deployment, Service, user; the owner of the leader's mirrors to it). */
export const REGION_REGISTRY_NAME = "schema-registry";

/** The regions that run a Schema Registry: those that ask for one, and those where a tenant uses schemas. */
export function schemaRegistryRegions(spec: PlatformSpec): Set<string> {
  const all = spec.regions.map((r) => r.name);
  const out = new Set(spec.regions.filter((r) => r.schemaRegistry !== undefined).map((r) => r.name));
  for (const tenant of (spec.tenants ?? []).filter(tenantUsesSchemas)) for (const r of tenant.regions ?? all) out.add(r);
  return out;
}

/**
 * The region whose Schema Registry assigns schema ids: the one that says `schemaRegistry.leader: true`, else
 * the only region running a registry. The other regions' registries follow it (read-only, its schemas topic
 * mirrored to them), so an id in a record means the same schema in every region. Undefined when no region, or
 * several without a leader (an error of {@link registryLeaderIssues}).
 */
export function schemaRegistryLeader(spec: PlatformSpec): string | undefined {
  const regions = [...schemaRegistryRegions(spec)];
  const declared = spec.regions.filter((r) => r.schemaRegistry?.leader === true).map((r) => r.name);
  if (declared.length === 1) return declared[0];
  return declared.length === 0 && regions.length === 1 ? regions[0] : undefined;
}

/** A topic schema reference of the spec as a parsed {@link TopicSchema} (after {@link parsePlatformSpec}). */
export function topicSchemaOf(ref: NonNullable<TopicSpec["valueSchema"]>, ctx: { scope: string; field: string }): TopicSchema {
  return ref.type === "avro" ? TopicSchema.avro(ref.definition, ctx) : ref.type === "protobuf" ? TopicSchema.protobuf(ref.definition, ctx) : TopicSchema.jsonSchema(ref.definition, ctx);
}
