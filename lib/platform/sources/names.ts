// The topics a CDC source writes.

import { SourceSpec } from "../spec/schema";

/** The local names (without the tenant prefix) of the topics a CDC source writes, one per table. */
export function sourceTopicNames(source: SourceSpec): string[] {
  const prefix = source.topicPrefix ?? source.name;
  return [...source.tables, ...(source.signalTable ? [source.signalTable] : [])].map(
    (t) => `${prefix}.${t.split(".").map((p) => p.replace(/[^a-zA-Z0-9._-]/g, "_")).join(".")}`,
  );
}
