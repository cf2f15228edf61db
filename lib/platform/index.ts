// The platform layer: the spec (spec/), its composition by domain (kafka/, tenancy/, topics/, schemas/, sources/,
// jobs/, monitoring/, replication/, walked by compose/) and rendering (render.ts). Re-exports only.
export type { ComposedPlatform, RegionChart, RegionPlatform } from "./compose/context";
export { SpecPathMap } from "./compose/path-map";
export type { SpecFieldTarget } from "./compose/path-map";
export { composePlatform } from "./compose/platform";
export { SCHEMA_REGISTRY_URL_TOKEN } from "./jobs/props";
export { DEFAULT_KAFKA_NAMESPACE, deadLetterTopicName, tenantPrefix, tenantTopicName, tenantUserName } from "./names";
export { peeringIssues, regionsMirroringFrom, replicationBootstrap, replicationClientCidrs, replicationListener } from "./replication/listener";
export { expandTopicRef, replicatedJobs, replicatedSavepointPrefixes, resolveReplication, standbyTopics, tenantTopicUniverse, tenantUnmirroredTopics } from "./replication/plan";
export type { ResolvedReplication } from "./replication/plan";
export { registryLeaderIssues } from "./replication/registry";
export { checkReplication } from "./replication/rules";
export { schemaRegistryLeader, schemaRegistryRegions, tenantUsesSchemas, topicSchemaOf } from "./schemas/registry";
export { sourceTopicNames } from "./sources/names";
export { loadPlatformSpec, parsePlatformSpecYaml, specInputFiles } from "./spec/load";
export { formatSpecPath, parsePlatformSpec } from "./spec/parse";
export type { ParseSpecOptions } from "./spec/parse";
export { platformSpecSchema } from "./spec/schema";
export type { AppSpec, JobSpec, PlatformSpec, RegionSpec, ReplicationSpec, SessionClusterSpec, SourceSpec, TenantSpec, TopicSpec } from "./spec/schema";
export { secretsAwsRegion } from "./tenancy/compose";
