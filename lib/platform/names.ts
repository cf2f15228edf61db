// Names Floe derives from the spec that several domains and the lineage share (topics, users, prefixes).
/** Namespace of a region's Kafka cluster when the spec does not name one. */
export const DEFAULT_KAFKA_NAMESPACE = "kafka";

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
