// One tenant in one region: each domain composes its part, in dependency order.

import { Chart } from "cdk8s";
import { ValidationIssue } from "../../core";
import { IKafkaTopicResource, KafkaTopicPrefix } from "../../k8s/kafka";
import { buildJobs } from "../jobs/compose";
import { addTenantMonitoring } from "../monitoring/compose";
import { tenantPrefix } from "../names";
import { expandTopicRef, standbyTopics, tenantTopicUniverse } from "../replication/plan";
import { registerTenantSchemas } from "../schemas/compose";
import { buildSources } from "../sources/compose";
import { TenantSpec } from "../spec/schema";
import { buildTenantNamespace, buildTenantSecrets, kafkaQuotas } from "../tenancy/compose";
import { buildApps, buildTopics } from "../topics/compose";
import { TenantBuild, TenantRegionContext, TenantScope, TenantWiring } from "./context";
import { SpecPathMap } from "./path-map";

/** One tenant's chart in one region: namespace, secrets, topics, schemas, sources, apps, jobs, monitoring. */
export function buildTenant(
  chart: Chart,
  region: TenantRegionContext,
  tenant: TenantSpec,
  tenantPath: string,
  map: SpecPathMap,
  pending: ValidationIssue[],
): TenantBuild | undefined {
  const s: TenantScope = { chart, region, tenant, path: tenantPath, map, pending };
  const tenantConstruct = buildTenantNamespace(s);
  if (!tenantConstruct) return undefined;
  buildTenantSecrets(s, tenantConstruct);
  const quotas = kafkaQuotas(tenant, tenantPath, pending);
  const topics = buildTopics(s);
  registerTenantSchemas(s, tenantConstruct);
  const kafka = region.kafka;
  const prefix = tenantPrefix(tenant.name);
  // Topics replicated into this region from their primary: MirrorMaker 2 is their only writer here.
  const standby = standbyTopics(region.replication, tenant.name, region.regionName);
  const universe = tenantTopicUniverse(tenant);
  const isStandby = (ref: string) => expandTopicRef(ref, universe).some((t) => standby.has(t));
  buildSources(s, { topics, quotas, isStandby });
  const resolve = (ref: string): IKafkaTopicResource | undefined =>
    ref.endsWith("*") ? new KafkaTopicPrefix(kafka, `${prefix}${ref.slice(0, -1)}`) : topics.get(ref);
  /** What a produce grant on `ref` may cover here: nothing of a standby copy (a prefix becomes its other topics). */
  const writable = (ref: string): string[] =>
    !isStandby(ref) ? [ref] : ref.endsWith("*") ? expandTopicRef(ref, universe).filter((t) => !standby.has(t)) : [];
  const w: TenantWiring = { tenantConstruct, topics, quotas, prefix, resolve, writable, isStandby };
  buildApps(s, w);
  const { built, sessions } = buildJobs(s, w);
  const isStandbyJob = (j: NonNullable<TenantSpec["jobs"]>[number]) => [...(j.reads ?? []), ...(j.writes ?? [])].some(isStandby);
  if (region.monitoring) addTenantMonitoring(chart, region, tenantConstruct, tenant, tenantPath, map, pending, isStandbyJob);
  return { tenant: tenantConstruct, spec: tenant, path: tenantPath, chart, jobs: built, sessions: [...sessions.values()], resolve };
}
