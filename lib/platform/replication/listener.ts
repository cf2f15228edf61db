// The primary's replication listener and the networks its standbys connect from.

import { checkCidr, cidrsOverlap, ValidationIssue } from "../../core";
import { schemaRegistryLeader, schemaRegistryRegions } from "../schemas/registry";
import { PlatformSpec, RegionSpec } from "../spec/schema";

/**
 * The listener MirrorMaker 2 in another region connects through: `kafka.replicationListener`, else the first
 * load balancer listener with TLS, SCRAM-SHA-512 and a bootstrap host.
 */
export function replicationListener(region: RegionSpec): NonNullable<RegionSpec["kafka"]["listeners"]>[number] | undefined {
  const listeners = region.kafka.listeners ?? [];
  if (region.kafka.replicationListener) return listeners.find((l) => l.name === region.kafka.replicationListener);
  return listeners.find((l) => isReplicationCapable(l));
}

export function isReplicationCapable(l: NonNullable<RegionSpec["kafka"]["listeners"]>[number]): boolean {
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
