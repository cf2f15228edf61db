import { ValidationIssue } from "../../core";
import { checkpointBucketIssues, flinkCredentialIssues, jobStateIssues, sessionClusterIssues, workloadNameIssues } from "../jobs/rules";
import { peeringIssues } from "../replication/listener";
import { registryLeaderIssues } from "../replication/registry";
import { checkReplication } from "../replication/rules";
import { schemaRegistryRegions } from "../schemas/registry";
import { registryUseIssues } from "../schemas/rules";
import { sourceTopicNames } from "../sources/names";
import { sinkIssues } from "../sinks/rules";
import { connectMissingIssues, sourceDeadLetterIssues } from "../sources/rules";
import { columnIssues } from "../sources/types";
import { sqlTableIssues } from "../jobs/tables";
import { serializationIssues } from "../schemas/serialization";
import { reservedNameIssues, reservedNamespaces, secretIssues, sharedGroupIssues, tenantRegionIssues } from "../tenancy/rules";
import { topicFreshnessIssues, topicKindIssues, topicReferenceIssues } from "../topics/rules";
import { duplicateNames } from "./duplicates";
import { PlatformSpec, TenantSpec } from "./schema";

/** What the tenant checks share across tenants: the environment's regions, reserved names, the groups seen so far. */
interface TenantCheckContext {
  readonly spec: PlatformSpec;
  readonly regionNames: readonly string[];
  readonly reserved: ReadonlySet<string>;
  readonly registryRegions: ReadonlySet<string>;
  readonly groupOwners: Map<string, string>;
}

/** Cross-reference checks that a shape schema cannot express. Each domain checks its part, in this order. */
export function checkReferences(spec: PlatformSpec): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const regionNames = spec.regions.map((r) => r.name);
  issues.push(...duplicateNames("DuplicateRegion", "regions", spec.regions, "region"));
  const tenants = spec.tenants ?? [];
  issues.push(...duplicateNames("DuplicateTenant", "tenants", tenants, "tenant"));
  issues.push(...checkpointBucketIssues(spec), ...deliveryIssues(spec));
  const ctx: TenantCheckContext = {
    spec,
    regionNames,
    reserved: reservedNamespaces(spec),
    registryRegions: schemaRegistryRegions(spec),
    groupOwners: new Map<string, string>(),
  };
  tenants.forEach((tenant, ti) => issues.push(...tenantIssues(ctx, tenant, `tenants[${ti}]`)));
  issues.push(...checkReplication(spec), ...registryLeaderIssues(spec), ...peeringIssues(spec));
  return issues;
}

/** One tenant's cross-references, domain by domain. */
function tenantIssues(ctx: TenantCheckContext, tenant: TenantSpec, scope: string): ValidationIssue[] {
  const topics = tenant.topics ?? [];
  const apps = tenant.apps ?? [];
  const sources = tenant.sources ?? [];
  const topicNames = new Set([...topics.map((t) => t.name), ...sources.flatMap(sourceTopicNames)]);
  const tenantRegions = tenant.regions ?? ctx.regionNames;
  return [
    ...reservedNameIssues(tenant, scope, ctx.reserved),
    ...sharedGroupIssues(tenant, scope, ctx.groupOwners),
    ...flinkCredentialIssues(tenant, scope),
    ...tenantRegionIssues(tenant, scope, ctx.regionNames),
    ...duplicateNames("DuplicateTopic", `${scope}.topics`, topics, "topic"),
    ...duplicateNames("DuplicateApp", `${scope}.apps`, apps, "app"),
    ...duplicateNames("DuplicateJob", `${scope}.jobs`, tenant.jobs ?? [], "job"),
    ...sessionClusterIssues(tenant, scope, new Set(apps.map((a) => a.name))),
    ...workloadNameIssues(tenant, scope, new Set(apps.map((a) => a.name))),
    ...duplicateNames("DuplicateSource", `${scope}.sources`, sources, "source"),
    ...duplicateNames("DuplicateSink", `${scope}.sinks`, tenant.sinks ?? [], "sink"),
    ...sinkIssues(tenant, scope, ctx.spec.aws?.accountId !== undefined, ctx.spec.environment),
    ...secretIssues(tenant, scope),
    ...connectMissingIssues(ctx.spec, tenant, tenantRegions),
    ...registryUseIssues(ctx.spec, tenant, scope, tenantRegions, ctx.registryRegions),
    ...jobStateIssues(tenant, scope, topicNames),
    ...sourceDeadLetterIssues(tenant, scope),
    ...columnIssues(tenant, scope),
    ...sqlTableIssues(tenant, scope),
    ...serializationIssues(ctx.spec, tenant, scope),
    ...topicKindIssues(tenant, scope),
    ...topicFreshnessIssues(tenant, scope),
    ...topicReferenceIssues(tenant, scope, topicNames),
  ];
}

/** `delivery: pulumi` applies the manifests: every region names its cluster's kubeconfig. */
function deliveryIssues(spec: PlatformSpec): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (spec.delivery === "pulumi") {
    spec.regions.forEach((region, ri) => {
      if (region.cluster?.kubeconfig) return;
      issues.push({
        code: "ClusterKubeconfigMissing",
        scope: `regions[${ri}]`,
        field: "cluster.kubeconfig",
        value: undefined,
        message: "delivery pulumi applies the region's manifests, so the stack needs the cluster's kubeconfig",
        fix: "set cluster.kubeconfig to { config: <stack config key> } or { stackReference: <stack>, output: <output> }, or use delivery gitops",
      });
    });
  }
  return issues;
}
