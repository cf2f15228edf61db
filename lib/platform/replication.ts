import { checkCidr, cidrsOverlap, tenantStoragePrefix, ValidationIssue } from "../core";
import { PlatformSpec, RegionSpec, ReplicationSpec, schemaRegistryLeader, schemaRegistryRegions, sourceTopicNames, TenantSpec } from "./spec";

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

/**
 * The listener MirrorMaker 2 in another region connects through: `kafka.replicationListener`, else the first
 * load balancer listener with TLS, SCRAM-SHA-512 and a bootstrap host.
 */
export function replicationListener(region: RegionSpec): NonNullable<RegionSpec["kafka"]["listeners"]>[number] | undefined {
  const listeners = region.kafka.listeners ?? [];
  if (region.kafka.replicationListener) return listeners.find((l) => l.name === region.kafka.replicationListener);
  return listeners.find((l) => isReplicationCapable(l));
}

function isReplicationCapable(l: NonNullable<RegionSpec["kafka"]["listeners"]>[number]): boolean {
  // A load balancer only: it alone can be internal and limited to the peers' networks, which the brokers then see
  // (a route's or ingress' router connects in their place; a node port's address is not the listener port).
  return l.type === "loadbalancer" && l.tls && (l.authentication ?? "scram-sha-512") === "scram-sha-512" && l.bootstrapHost !== undefined;
}

/** `host:port` of a region's replication listener. */
export function replicationBootstrap(region: RegionSpec): string | undefined {
  const l = replicationListener(region);
  if (!l || !l.bootstrapHost || !isReplicationCapable(l)) return undefined;
  return `${l.bootstrapHost}:${l.port}`;
}

/**
 * The regions whose MirrorMaker 2 reads from `region`, sorted: the standbys of its replication entries and, where
 * its registry leads, the regions with a follower registry.
 */
export function regionsMirroringFrom(spec: PlatformSpec, region: string): string[] {
  const out = new Set<string>();
  for (const r of spec.replication ?? []) if (r.primary === region && r.standby !== region) out.add(r.standby);
  if (schemaRegistryLeader(spec) === region) for (const f of schemaRegistryRegions(spec)) if (f !== region) out.add(f);
  return [...out].filter((r) => spec.regions.some((x) => x.name === r)).sort();
}

/** The networks (`network.peeringCidrs`) of the regions that mirror from `region`: its replication listener admits only them. */
export function replicationClientCidrs(spec: PlatformSpec, region: string): string[] | undefined {
  const readers = regionsMirroringFrom(spec, region);
  if (readers.length === 0) return undefined;
  return [...new Set(readers.flatMap((r) => spec.regions.find((x) => x.name === r)?.network?.peeringCidrs ?? []))].sort();
}

/**
 * Regions that replicate declare the networks they are reached from and connect from over peering: the
 * primary's replication listener admits the standbys' (and nothing in its own cluster), the standby's MirrorMaker 2
 * may connect only to the primary's. Valid, non-overlapping CIDRs (peered networks cannot overlap).
 */
export function peeringIssues(spec: PlatformSpec): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const pairs = spec.regions.flatMap((r) => regionsMirroringFrom(spec, r.name).map((reader) => [r.name, reader] as const));
  spec.regions.forEach((region, ri) => {
    const cidrs = region.network?.peeringCidrs;
    cidrs?.forEach((cidr, ci) => issues.push(...checkCidr(cidr, { scope: `regions[${ri}]`, field: `network.peeringCidrs[${ci}]` })));
    const partners = pairs.filter(([a, b]) => a === region.name || b === region.name).map(([a, b]) => (a === region.name ? `${b} mirrors from it` : `it mirrors from ${a}`));
    if (partners.length > 0 && (cidrs === undefined || cidrs.length === 0)) {
      issues.push({
        code: "PeeringCidrsMissing",
        scope: `regions[${ri}]`,
        field: "network.peeringCidrs",
        value: cidrs ?? null,
        message: `region ${region.name} replicates (${[...new Set(partners)].join("; ")}): its replication listener admits only the mirroring regions' networks, and MirrorMaker 2 connects only to the primary's`,
        fix: "set network.peeringCidrs to the region's VPC CIDR(s) as routed over peering, e.g. [10.1.0.0/16]",
      });
    }
  });
  const valid = spec.regions.flatMap((r, ri) => (r.network?.peeringCidrs ?? []).map((cidr, ci) => ({ r, ri, ci, cidr }))).filter((x) => checkCidr(x.cidr, { scope: "", field: "" }).length === 0);
  valid.forEach((a, ai) => {
    const b = valid.slice(0, ai).find((x) => x.r !== a.r && cidrsOverlap(x.cidr, a.cidr));
    if (!b) return;
    issues.push({
      code: "OverlappingPeeringCidrs",
      scope: `regions[${a.ri}]`,
      field: `network.peeringCidrs[${a.ci}]`,
      value: a.cidr,
      message: `overlaps ${b.cidr} of region ${b.r.name}: peered networks cannot overlap, and the listener would admit the wrong region`,
      fix: "give each region's network its own address range",
    });
  });
  return issues;
}

/** Region-aware checks of `replication[]` (tenants, regions, topics, overlaps, listeners, job placement). */
export function checkReplication(spec: PlatformSpec): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const regionNames = spec.regions.map((r) => r.name);
  const tenants = new Map((spec.tenants ?? []).map((t) => [t.name, t]));
  const listenerChecked = new Set<string>();
  (spec.replication ?? []).forEach((entry, i) => {
    const scope = `replication[${i}]`;
    const tenant = tenants.get(entry.tenant);
    if (!tenant) {
      issues.push({
        code: "UnknownTenant",
        scope,
        field: "tenant",
        value: entry.tenant,
        message: "is not a tenant of this environment",
        fix: tenants.size ? `use one of ${[...tenants.keys()].join(", ")}` : "declare the tenant under tenants[]",
      });
    }
    for (const field of ["primary", "standby"] as const) {
      const name = entry[field];
      if (!regionNames.includes(name)) {
        issues.push({
          code: "UnknownRegion",
          scope,
          field,
          value: name,
          message: "is not a region of this environment",
          fix: `use one of ${regionNames.join(", ")}, or declare the region under regions[]`,
        });
      } else if (tenant && tenant.regions && !tenant.regions.includes(name)) {
        issues.push({
          code: "TenantNotInRegion",
          scope,
          field,
          value: name,
          message: `tenant ${tenant.name} does not run in region ${name} (its regions: ${tenant.regions.join(", ")}), so there are no topics to replicate ${field === "primary" ? "from" : "into"}`,
          fix: `add ${name} to tenants[${[...tenants.keys()].indexOf(tenant.name)}].regions`,
        });
      }
    }
    if (entry.primary === entry.standby) {
      issues.push({
        code: "ReplicationToSameRegion",
        scope,
        field: "standby",
        value: entry.standby,
        message: "the standby region is the primary region; MirrorMaker 2 would copy the topics onto themselves",
        fix: "name another region as standby",
      });
    }
    if (tenant) {
      const universe = tenantTopicUniverse(tenant);
      (entry.topics ?? []).forEach((ref, ti) => {
        if (expandTopicRef(ref, universe).length === 0) {
          issues.push({
            code: "UnknownTopic",
            scope,
            field: `topics[${ti}]`,
            value: ref,
            message: ref.endsWith("*") ? `matches no topic of tenant ${tenant.name}` : `is not a topic of tenant ${tenant.name}`,
            fix: universe.length ? `use one of ${universe.join(", ")} or a prefix ending in '*'` : `declare the tenant's topics under tenants[].topics`,
          });
        }
      });
    }
    const primary = spec.regions.find((r) => r.name === entry.primary);
    if (primary && !listenerChecked.has(primary.name)) {
      listenerChecked.add(primary.name);
      const ri = spec.regions.indexOf(primary);
      const named = primary.kafka.replicationListener;
      const listener = replicationListener(primary);
      if (named && !listener) {
        issues.push({
          code: "UnknownListener",
          scope: `regions[${ri}].kafka`,
          field: "replicationListener",
          value: named,
          message: "is not a listener of the region's Kafka cluster",
          fix: `use one of ${(primary.kafka.listeners ?? []).map((l) => l.name).join(", ") || "its listeners"}`,
        });
      } else if (!listener || !isReplicationCapable(listener)) {
        issues.push({
          code: "ReplicationListenerMissing",
          scope: `regions[${ri}].kafka`,
          field: named ? "replicationListener" : "listeners",
          value: named ?? (primary.kafka.listeners ?? []).map((l) => l.name),
          message: `region ${primary.name} is the primary of ${scope}, but MirrorMaker 2 in ${entry.standby} needs a loadbalancer listener with TLS, scram-sha-512 and a bootstrapHost to reach it (internal, admitting only the standbys' networks)`,
          fix: "add a listener such as { name: replication, port: 9095, type: loadbalancer, tls: true, authentication: scram-sha-512, bootstrapHost: kafka.eu-west-1.example.com }",
        });
      }
    }
  });
  const plan = resolveReplication(spec);
  issues.push(...overlapIssues(plan), ...jobPlacementIssues(spec, plan));
  return issues;
}

/** A topic in two entries of a tenant would be copied twice, or back and forth (an identity-policy loop). */
function overlapIssues(plan: readonly ResolvedReplication[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  plan.forEach((a, ai) => {
    for (const b of plan.slice(0, ai)) {
      if (a.tenant !== b.tenant) continue;
      const shared = [...a.topics].filter((t) => b.topics.has(t)).sort();
      if (shared.length === 0) continue;
      const loop = a.spec.primary === b.spec.standby && a.spec.standby === b.spec.primary;
      issues.push({
        code: "ReplicationOverlap",
        scope: `replication[${a.index}]`,
        field: "topics",
        value: shared,
        message: loop
          ? `replication[${b.index}] copies these topics the other way; with names kept on both sides MirrorMaker 2 would copy records back and forth forever`
          : `replication[${b.index}] already replicates these topics of tenant ${a.tenant.name}; a topic has one primary`,
        fix: "give each topic of the tenant one primary region: split the topic sets between the entries",
      });
    }
  });
  return issues;
}

/** A job whose topics have different primaries would be suspended everywhere. */
function jobPlacementIssues(spec: PlatformSpec, plan: readonly ResolvedReplication[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  (spec.tenants ?? []).forEach((tenant, ti) => {
    const entries = plan.filter((r) => r.tenant === tenant);
    if (entries.length < 2) return;
    const universe = tenantTopicUniverse(tenant);
    (tenant.jobs ?? []).forEach((job, ji) => {
      const primaries = new Map<string, string>();
      for (const ref of [...(job.reads ?? []), ...(job.writes ?? [])]) {
        for (const topic of expandTopicRef(ref, universe)) {
          const entry = entries.find((e) => e.topics.has(topic));
          if (entry && !primaries.has(entry.spec.primary)) primaries.set(entry.spec.primary, topic);
        }
      }
      if (primaries.size > 1) {
        issues.push({
          code: "JobSpansPrimaries",
          scope: `tenants[${ti}].jobs[${ji}]`,
          field: "reads",
          value: Object.fromEntries(primaries),
          message: `the job's topics have different primary regions (${[...primaries.entries()].map(([r, t]) => `${t}: ${r}`).join(", ")}); it is suspended wherever one of them is a standby copy, so it would run nowhere`,
          fix: "replicate the job's topics with one entry (one primary), or split the job",
        });
      }
    });
  });
  return issues;
}

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
