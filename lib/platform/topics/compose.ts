// A tenant's topics and apps (KafkaTopics, KafkaUsers and their grants).

import { CleanupPolicy, KafkaAuthenticationType, KafkaTopic, KafkaUser } from "../../k8s/kafka";
import { TenantScope, TenantWiring } from "../compose/context";
import { inSpec } from "../compose/path-map";
import { tenantTopicName, tenantUserName } from "../names";

/** The tenant's declared topics (`<tenant>.<topic>`), by their local names. */
export function buildTopics(s: TenantScope): Map<string, KafkaTopic> {
  const { chart, region, tenant, map, pending } = s;
  const tenantPath = s.path;
  const kafka = region.kafka;
  const topics = new Map<string, KafkaTopic>();
  (tenant.topics ?? []).forEach((t, i) => {
    const id = `Topic-${t.name}`;
    map.add(`${chart.node.path}/${id}`, `${tenantPath}.topics[${i}]`, { topicName: "name" });
    const topic = inSpec(map, pending, () =>
      new KafkaTopic(chart, id, {
        cluster: kafka,
        topicName: tenantTopicName(tenant.name, t.name),
        partitions: t.partitions,
        replicas: t.replicas,
        retention: t.retention,
        retentionBytes: t.retentionBytes,
        // A changelog (the latest value per key) is compacted unless the spec says otherwise.
        cleanupPolicy: (t.cleanupPolicy ?? (t.carries === "changelog" ? "compact" : undefined)) as CleanupPolicy | undefined,
        minInsyncReplicas: t.minInsyncReplicas,
        maxMessageBytes: t.maxMessageBytes,
        config: t.config,
      }),
    );
    if (topic) topics.set(t.name, topic);
  });
  return topics;
}

/** The tenant's apps: a KafkaUser each, granted what it produces and consumes (nothing of a standby copy). */
export function buildApps(s: TenantScope, w: TenantWiring): void {
  const { chart, region, tenant, map, pending } = s;
  const tenantPath = s.path;
  const kafka = region.kafka;
  const registry = region.registry;
  const { prefix, resolve, writable, quotas } = w;
  (tenant.apps ?? []).forEach((a, i) => {
    const id = `App-${a.name}`;
    const appPath = `${tenantPath}.apps[${i}]`;
    map.add(`${chart.node.path}/${id}`, appPath, { userName: { field: "name", affix: { prefix: `${tenant.name}-` } } });
    inSpec(map, pending, () => {
      const user = new KafkaUser(chart, id, {
        cluster: kafka,
        userName: tenantUserName(tenant.name, a.name),
        authentication:
          a.authentication === "tls" ? KafkaAuthenticationType.TLS : KafkaAuthenticationType.SCRAM_SHA_512,
        quotas: a.quotas ?? quotas.get(tenantUserName(tenant.name, a.name)),
        aclScope: { topicPrefix: prefix, groupPrefix: prefix },
      });
      (a.produces ?? []).flatMap(writable).forEach((ref) => resolve(ref)?.grants.produce(user));
      (a.consumes ?? []).forEach((c) => {
        const ref = typeof c === "string" ? c : c.topic;
        const group = `${prefix}${(typeof c === "string" ? undefined : c.group) ?? a.name}`;
        resolve(ref)?.grants.consume(user, { group });
      });
      // Its Kafka credential also reads the tenant's schemas (Confluent clients: basic.auth.credentials.source=SASL_INHERIT).
      if (registry && user.authentication === KafkaAuthenticationType.SCRAM_SHA_512) registry.addPrincipal({ user, tenant: tenant.name, role: "client" });
      return user;
    });
  });
}
