// A region's Schema Registry and the registration of a tenant's topic schemas.

import { Chart } from "cdk8s";
import { ValidationIssue } from "../../core";
import { KafkaCluster, KafkaUser } from "../../k8s/kafka";
import { ConfluentSchemaRegistry, SCHEMA_REGISTRY_PORT, SchemaRegistration, SchemaSubject } from "../../k8s/schema";
import { KAFKA_CLIENT_LABEL, Tenant } from "../../k8s/tenancy";
import { TenantScope } from "../compose/context";
import { inSpec, SpecPathMap } from "../compose/path-map";
import { stringValues } from "../kafka/compose";
import { tenantUserName } from "../names";
import { PlatformSpec, RegionSpec, TenantSpec } from "../spec/schema";
import { REGION_REGISTRY_NAME, schemaRegistryLeader, tenantUsesSchemas } from "./registry";
import { tenantSubjects } from "./subjects";

/** A Schema Registry where the spec asks for one or a tenant of the region declares schemas or Avro sources. */
export function buildRegionRegistry(
  spec: PlatformSpec,
  region: RegionSpec,
  regionIndex: number,
  platformChart: Chart,
  kafka: KafkaCluster,
  tenants: readonly TenantSpec[],
  map: SpecPathMap,
  pending: ValidationIssue[],
): ConfluentSchemaRegistry | undefined {
  const kafkaSpec = region.kafka;
  const needsRegistry = region.schemaRegistry !== undefined || tenants.some((tenant) => tenantUsesSchemas(tenant));
  map.add(`${platformChart.node.path}/SchemaRegistry`, `regions[${regionIndex}].schemaRegistry`);
  return needsRegistry
    ? inSpec(map, pending, () =>
        new ConfluentSchemaRegistry(platformChart, "SchemaRegistry", {
          name: REGION_REGISTRY_NAME,
          cluster: kafka,
          image: region.schemaRegistry?.image,
          replicas: region.schemaRegistry?.replicas,
          resources: region.schemaRegistry?.resources && {
            requests: region.schemaRegistry.resources.requests && stringValues(region.schemaRegistry.resources.requests),
            limits: region.schemaRegistry.resources.limits && stringValues(region.schemaRegistry.resources.limits),
          },
          defaultCompatibility: region.schemaRegistry?.compatibility,
          clientNamespaceLabels: { [KAFKA_CLIENT_LABEL]: kafkaSpec.name },
          // One region's registry assigns the ids; the others follow its mirrored schemas topic.
          leaderEligible: (schemaRegistryLeader(spec) ?? region.name) === region.name,
        }),
      )
    : undefined;
}

/** The tenant's topic schemas, registered by its registrar with the leading registry; its pods may reach the registry. */
export function registerTenantSchemas(s: TenantScope, tenantConstruct: Tenant): void {
  const { chart, region, tenant, map, pending } = s;
  const tenantPath = s.path;
  const kafka = region.kafka;
  const registry = region.registry;
  if (registry) {
    tenantConstruct.allowServiceEgress({ name: "schema-registry", namespace: registry.namespace, podLabels: registry.podLabels, port: SCHEMA_REGISTRY_PORT });
    const subjects: SchemaSubject[] = tenantSubjects(tenant, tenantPath).map(({ topic: _topic, ...subject }) => subject);
    // Registered with the leading registry only: a follower is read-only and gets them through the mirror.
    if (subjects.length > 0 && registry.leaderEligible) {
      map.add(`${chart.node.path}/Schemas`, `${tenantPath}.topics`);
      map.add(`${chart.node.path}/SchemaRegistrar`, `${tenantPath}.topics`);
      inSpec(map, pending, () => {
        // The tenant's registration principal: a KafkaUser with no ACL, whose password authenticates it at the registry.
        const registrar = new KafkaUser(chart, "SchemaRegistrar", { cluster: kafka, userName: tenantUserName(tenant.name, "schema-registrar") });
        return new SchemaRegistration(chart, "Schemas", { registry, name: `${tenant.name}-schemas`, subjects, registrar: { user: registrar, tenant: tenant.name } });
      });
    }
  }
}
