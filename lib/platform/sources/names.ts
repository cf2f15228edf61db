// The topics a CDC source writes.

import { SourceSpec, TenantSpec } from "../spec/schema";

/** The local names (without the tenant prefix) of the topics a CDC source writes, one per table. */
export function sourceTopicNames(source: SourceSpec): string[] {
  const prefix = source.topicPrefix ?? source.name;
  return [...source.tables, ...(source.signalTable ? [source.signalTable] : [])].map(
    (t) => `${prefix}.${t.split(".").map((p) => p.replace(/[^a-zA-Z0-9._-]/g, "_")).join(".")}`,
  );
}

/**
 * The CDC source that writes a tenant's topic (by local name) and the table it captures there (`signal`: the
 * source's signal table), or undefined when no source of the tenant writes it.
 */
export function sourceOfTopic(tenant: TenantSpec, topic: string): { src: SourceSpec; table: string; signal: boolean } | undefined {
  for (const src of tenant.sources ?? []) {
    const i = sourceTopicNames(src).indexOf(topic);
    if (i >= 0) return { src, table: i < src.tables.length ? src.tables[i] : src.signalTable!, signal: i >= src.tables.length };
  }
  return undefined;
}
