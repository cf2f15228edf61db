// Names Floe derives from the spec that several domains and the lineage share (topics, users, prefixes).
export { DEFAULT_KAFKA_NAMESPACE } from "../core/names";

/** The chart of a tenant's objects in a region, written to `<region>/tenant-<tenant>.yaml`. */
export function tenantChartName(tenant: string): string {
  return `tenant-${tenant}`;
}

/** The Kafka topic name of a tenant's topic: `<tenant>.<topic>`. */
export function tenantTopicName(tenant: string, topic: string): string {
  return `${tenant}.${topic}`;
}

/** The KafkaUser name of a tenant's app: `<tenant>-<app>`. */
export function tenantUserName(tenant: string, app: string): string {
  return `${tenant}-${app}`;
}

/** The topic and consumer-group prefix a tenant owns: `<tenant>.`. */
export function tenantPrefix(tenant: string): string {
  return `${tenant}.`;
}

/** The local name of a job's dead-letter topic (`<job>.dead-letter`; Kafka name `<tenant>.<job>.dead-letter`). */
export function deadLetterTopicName(job: string): string {
  return `${job}.dead-letter`;
}

/**
 * Whether a tenant runs a Kafka Connect cluster (`<tenant>-connect`) in a region that has `connect`: it does for CDC
 * sources and for sinks alike (lib/platform/sources/compose.ts), so its quota share, its alerts and the Connect
 * image build must count both.
 */
export function tenantRunsConnectors(tenant: { readonly sources?: readonly unknown[]; readonly sinks?: readonly unknown[] }): boolean {
  return (tenant.sources ?? []).length > 0 || (tenant.sinks ?? []).length > 0;
}
