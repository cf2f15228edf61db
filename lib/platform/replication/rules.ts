// Checks of `replication[]` that need the regions and tenants.

import { ValidationIssue } from "../../core";
import { PlatformSpec, ReplicationSpec } from "../spec/schema";
import { isReplicationCapable, replicationListener } from "./listener";
import { expandTopicRef, ResolvedReplication, resolveReplication, tenantTopicUniverse } from "./plan";

/** Region-aware checks of `replication[]` (tenants, regions, topics, overlaps, listeners, job placement). */
export function checkReplication(spec: PlatformSpec): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const listenerChecked = new Set<string>();
  (spec.replication ?? []).forEach((entry, i) => {
    const scope = `replication[${i}]`;
    issues.push(...entryIssues(spec, entry, scope), ...primaryListenerIssues(spec, entry, scope, listenerChecked));
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

/** One entry's tenant, regions and topics. */
function entryIssues(spec: PlatformSpec, entry: ReplicationSpec, scope: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const regionNames = spec.regions.map((r) => r.name);
  const tenants = new Map((spec.tenants ?? []).map((t) => [t.name, t]));
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
  return issues;
}

/** The primary's replication listener (checked once per primary region, `checked`): one MirrorMaker 2 can reach. */
function primaryListenerIssues(spec: PlatformSpec, entry: ReplicationSpec, scope: string, checked: Set<string>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const primary = spec.regions.find((r) => r.name === entry.primary);
  if (primary && !checked.has(primary.name)) {
    checked.add(primary.name);
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
  return issues;
}
