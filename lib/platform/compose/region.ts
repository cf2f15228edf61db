// One region: Kafka, storage, registry, monitoring, secret store, then each tenant; capacity checked last.

import { App, Chart } from "cdk8s";
import { Construct } from "constructs";
import { contextLabels, ValidationIssue } from "../../core";
import { regionStorage } from "../jobs/compose";
import { buildKafka } from "../kafka/compose";
import { buildNodePools } from "../nodes/compose";
import { buildRegionMonitoring } from "../monitoring/compose";
import { ResolvedReplication } from "../replication/plan";
import { buildRegionRegistry } from "../schemas/compose";
import { tenantChartName } from "../names";
import { PlatformSpec, RegionSpec, tenantRunsIn } from "../spec/schema";
import { boundAutoscalers, capacityIssues } from "../tenancy/capacity";
import { regionSecretStore } from "../tenancy/compose";
import { RegionBuild, RegionChart, TenantBuild, TenantRegionContext } from "./context";
import { SpecPathMap } from "./path-map";
import { buildTenant } from "./tenant";

/** One region's app: its platform chart (Kafka, storage, registry, monitoring, secret store) and a chart per tenant. */
export function buildRegion(
  spec: PlatformSpec,
  region: RegionSpec,
  regionIndex: number,
  map: SpecPathMap,
  pending: ValidationIssue[],
  replication: readonly ResolvedReplication[],
): RegionBuild | undefined {
  const production = spec.production ?? true;
  const app = new App({ outdir: "unused" });
  const regionScope = new Construct(app, region.name);
  const ctx = { environment: spec.environment, region: region.name };
  const platformChart = new Chart(regionScope, "platform", { labels: contextLabels(ctx) });
  const kafka = buildKafka(spec, region, regionIndex, platformChart, map, pending);
  if (!kafka) return undefined;

  const tenants = (spec.tenants ?? [])
    .map((tenant, index) => ({ tenant, index }))
    .filter(({ tenant }) => tenantRunsIn(spec, tenant, region.name))
    .sort((a, b) => (a.tenant.name < b.tenant.name ? -1 : a.tenant.name > b.tenant.name ? 1 : 0));
  const needsStorage = region.flink?.checkpointBucket !== undefined || tenants.some(({ tenant }) => (tenant.jobs ?? []).length > 0 || (tenant.sinks ?? []).some((k) => k.type === "iceberg"));
  const storage = needsStorage ? regionStorage(spec, region, regionIndex, pending) : undefined;
  const registry = buildRegionRegistry(spec, region, regionIndex, platformChart, kafka, tenants.map(({ tenant }) => tenant), map, pending);
  const monitoring = buildRegionMonitoring(spec, region, regionIndex, platformChart, kafka, map, pending, registry);
  const secretStore = tenants.some(({ tenant }) => (tenant.secrets ?? []).length > 0)
    ? regionSecretStore(platformChart, spec, region, regionIndex, tenants.map(({ tenant }) => tenant.name), pending)
    : undefined;
  const regionContext: TenantRegionContext = {
    kafka,
    storage,
    production,
    connect: region.connect,
    regionPath: `regions[${regionIndex}]`,
    network: region.network,
    secretStore,
    environment: spec.environment,
    regionName: region.name,
    aws: spec.aws,
    awsRegion: spec.aws ? (region.awsRegion ?? region.name) : undefined,
    replication,
    registry,
    monitoring,
  };
  const charts: RegionChart[] = [{ file: "platform", chart: platformChart }];
  const builds: TenantBuild[] = [];
  for (const { tenant, index } of tenants) {
    const chart = new Chart(regionScope, tenantChartName(tenant.name), {
      labels: contextLabels({ ...ctx, tenant: tenant.name }),
    });
    const built = buildTenant(chart, regionContext, tenant, `tenants[${index}]`, map, pending);
    if (built) builds.push(built);
    charts.push({ file: tenantChartName(tenant.name), chart });
  }
  pending.push(...capacityIssues(region, regionIndex, builds, kafka));
  buildNodePools(spec, region, regionIndex, platformChart, map, pending);
  for (const b of builds) boundAutoscalers(b);
  return {
    platform: { region: region.name, app, kafka, charts },
    spec: region,
    index: regionIndex,
    platformChart,
    tenants: new Map(builds.map((b) => [b.spec.name, b])),
    registry,
  };
}
