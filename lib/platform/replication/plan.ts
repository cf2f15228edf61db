import { tenantStoragePrefix } from "../../core";
import { sourceTopicNames } from "../sources/names";
import { PlatformSpec, ReplicationSpec, TenantSpec } from "../spec/schema";

/*
 * Multi-region replication as a pure function of the spec: which tenant topics each region holds as primary
 * (producers, jobs and CDC sources run there) and which as standby (MirrorMaker 2 writes the copies there;
 * jobs are suspended, sources stopped, nobody else may produce). Both `floe synth` and the Pulumi stack use it.
 */

/** One replication entry with its topic set resolved to the tenant's declared topic names. */
export interface ResolvedReplication {
  /** Index in `replication[]`. */
  readonly index: number;
  /** The entry. */
  readonly spec: ReplicationSpec;
  /** The tenant it replicates. */
  readonly tenant: TenantSpec;
  /** Topic references as written (local names or prefixes ending in `*`); every topic of the tenant when omitted. */
  readonly refs: readonly string[];
  /** The tenant's declared topics (local names) the entry covers. */
  readonly topics: ReadonlySet<string>;
}

/** The local names of every topic a tenant declares (its topics and its CDC sources' table topics). */
export function tenantTopicUniverse(tenant: TenantSpec): string[] {
  return [...(tenant.topics ?? []).map((t) => t.name), ...(tenant.sources ?? []).flatMap(sourceTopicNames)];
}

/**
 * Topics of a tenant that MirrorMaker 2 must never copy to a standby, where the same components run with the
 * same topic names (identity replication): the tenant's Kafka Connect internal topics (configs, status, offsets:
 * the standby's workers would take the primary's connector states and positions) and each CDC source's signal
 * topic (old signals would replay after failover) and schema-history topic (it must match the offsets it was
 * written with). After a failover the standby's connectors start from their own snapshot: duplicates, never loss.
 */
export function tenantUnmirroredTopics(tenant: TenantSpec): string[] {
  const prefix = `${tenant.name}.`;
  const sources = tenant.sources ?? [];
  if (sources.length === 0) return [];
  return [
    ...["configs", "offsets", "status"].map((k) => `${prefix}${tenant.name}-connect-${k}`),
    ...sources.flatMap((s) => [`${prefix}${s.topicPrefix ?? s.name}.signals`, `${prefix}${s.topicPrefix ?? s.name}.schema-history`]),
  ];
}

/** The declared topics a reference covers: itself, or every topic starting with a `*` prefix. */
export function expandTopicRef(ref: string, universe: readonly string[]): string[] {
  if (ref.endsWith("*")) {
    const prefix = ref.slice(0, -1);
    return universe.filter((t) => t.startsWith(prefix));
  }
  return universe.includes(ref) ? [ref] : [];
}

/** Every replication entry whose tenant exists, with its topics resolved. */
export function resolveReplication(spec: PlatformSpec): ResolvedReplication[] {
  const tenants = new Map((spec.tenants ?? []).map((t) => [t.name, t]));
  const out: ResolvedReplication[] = [];
  (spec.replication ?? []).forEach((entry, index) => {
    const tenant = tenants.get(entry.tenant);
    if (!tenant) return;
    const universe = tenantTopicUniverse(tenant);
    const refs = entry.topics ?? ["*"];
    out.push({ index, spec: entry, tenant, refs, topics: new Set(refs.flatMap((r) => expandTopicRef(r, universe))) });
  });
  return out;
}

/** The tenant's topics (local names) that are standby copies in `region`. */
export function standbyTopics(plan: readonly ResolvedReplication[], tenant: string, region: string): ReadonlySet<string> {
  const set = new Set<string>();
  for (const r of plan) if (r.tenant.name === tenant && r.spec.standby === region) r.topics.forEach((t) => set.add(t));
  return set;
}

/** The jobs of an entry's tenant that read or write its topics: they run in the primary and wait in the standby. */
export function replicatedJobs(entry: ResolvedReplication): NonNullable<TenantSpec["jobs"]> {
  const universe = tenantTopicUniverse(entry.tenant);
  return (entry.tenant.jobs ?? []).filter((j) => [...(j.reads ?? []), ...(j.writes ?? [])].some((ref) => expandTopicRef(ref, universe).some((t) => entry.topics.has(t))));
}

/** The savepoint directories (bucket key prefixes) of an entry's jobs, replicated to the standby's bucket. */
export function replicatedSavepointPrefixes(entry: ResolvedReplication): string[] {
  return replicatedJobs(entry).map((j) => `${tenantStoragePrefix(entry.tenant.name)}${j.name}/savepoints/`).sort();
}
