// A tenant's namespace (quota, limits, RBAC, isolation, workload role), its secrets, the region's secret store, the Kafka quota split.

import { Chart } from "cdk8s";
import { isValidationError, roleArn, tenantRoleName, ValidationIssue } from "../../core";
import { KafkaUserQuotas } from "../../k8s/kafka";
import { QuotaClaim, SecretStore, splitKafkaQuota, Tenant, TenantSecret } from "../../k8s/tenancy";
import { TenantScope } from "../compose/context";
import { inSpec } from "../compose/path-map";
import { tenantRunsConnectors, tenantUserName } from "../names";
import { PlatformSpec, RegionSpec, TenantSpec } from "../spec/schema";

/** The AWS region of a region's Secrets Manager (where the stack creates its secrets). */
export function secretsAwsRegion(region: RegionSpec): string {
  return region.secretStore?.awsRegion ?? region.awsRegion ?? region.name;
}

/**
 * The service account a region's ClusterSecretStores authenticate as (IRSA, `auth.jwt`); none with EKS Pod
 * Identity, where the operator uses its own credentials (see {@link SecretStore}).
 */
export function storeServiceAccount(spec: PlatformSpec, region: RegionSpec): { name: string; namespace: string } | undefined {
  if (spec.aws?.workloadIdentity === "pod-identity") return undefined;
  return region.secretStore?.serviceAccount ?? { name: "external-secrets", namespace: "external-secrets" };
}

/** The region's ClusterSecretStore (AWS Secrets Manager), usable by the tenants of the region only. */
export function regionSecretStore(
  chart: Chart,
  spec: PlatformSpec,
  region: RegionSpec,
  regionIndex: number,
  tenantNames: readonly string[],
  pending: ValidationIssue[],
): SecretStore | undefined {
  try {
    return new SecretStore(chart, "SecretStore", {
      name: `floe-${region.name}`,
      awsRegion: secretsAwsRegion(region),
      serviceAccount: storeServiceAccount(spec, region),
      namespaces: tenantNames,
    });
  } catch (e) {
    if (!isValidationError(e)) throw e;
    pending.push(
      ...e.issues.map((i) => ({
        ...i,
        scope: `regions[${regionIndex}]`,
        field: region.secretStore?.awsRegion ? "secretStore.awsRegion" : "name",
        fix: region.secretStore?.awsRegion ? i.fix : `the region name is not an AWS region: set secretStore.awsRegion (e.g. eu-west-1)`,
      })),
    );
    return undefined;
  }
}

/** A number or string spec value as the string a construct takes. */
export function optionalString(v: string | number | undefined): string | undefined {
  return v === undefined ? undefined : String(v);
}

/**
 * The tenant's Kafka quota split across its users (apps, jobs with Kafka access, the Connect workers) by
 * their `quotaShare`, the rest equally. Empty when the tenant declares no Kafka quota.
 */
export function kafkaQuotas(tenant: TenantSpec, tenantPath: string, pending: ValidationIssue[]): Map<string, KafkaUserQuotas> {
  if (!tenant.kafkaQuota) return new Map();
  const claims: QuotaClaim[] = [];
  (tenant.apps ?? []).forEach((a, i) => {
    if (a.quotas) {
      pending.push({
        code: "QuotaSetTwice",
        scope: `${tenantPath}.apps[${i}]`,
        field: "quotas",
        value: a.quotas,
        message: `tenant ${tenant.name} declares a Kafka quota that is split across its users; an app cannot set its own as well`,
        fix: "remove the app's quotas and give it a quotaShare of the tenant quota",
      });
    }
    claims.push({ user: tenantUserName(tenant.name, a.name), share: a.quotaShare, ctx: { scope: `${tenantPath}.apps[${i}]`, field: "quotaShare" } });
  });
  (tenant.jobs ?? []).forEach((j, i) => {
    if ((j.reads ?? []).length + (j.writes ?? []).length === 0 || j.session !== undefined) return;
    claims.push({ user: tenantUserName(tenant.name, j.name), share: j.quotaShare, ctx: { scope: `${tenantPath}.jobs[${i}]`, field: "quotaShare" } });
  });
  // A session cluster's jobs share its KafkaUser, and its quota.
  (tenant.sessionClusters ?? []).forEach((c, i) => {
    claims.push({ user: tenantUserName(tenant.name, c.name), share: c.quotaShare, ctx: { scope: `${tenantPath}.sessionClusters[${i}]`, field: "quotaShare" } });
  });
  // The Connect cluster's user: it runs the tenant's sources and sinks alike.
  if (tenantRunsConnectors(tenant)) {
    claims.push({ user: `${tenant.name}-connect`, ctx: { scope: `${tenantPath}.${(tenant.sources ?? []).length > 0 ? "sources" : "sinks"}`, field: "" } });
  }
  const { quotas, issues } = splitKafkaQuota(tenant.kafkaQuota, claims, { scope: tenantPath, field: "kafkaQuota" });
  pending.push(...issues);
  return quotas;
}

/** The tenant's namespace and what comes with it (quota, limits, RBAC, network isolation, workload role). */
export function buildTenantNamespace(s: TenantScope): Tenant | undefined {
  const { chart, region, tenant, map, pending } = s;
  const tenantPath = s.path;
  const kafka = region.kafka;
  // The Tenant construct takes the region's network settings beside the tenant's egress (under `network.`):
  // report each where it is written, the region's once (dedupe) and the tenant's egress under `egress`.
  map.add(`${chart.node.path}/Tenant`, tenantPath, {
    "network.egress": "egress",
    "network.apiServerCidrs": { scope: region.regionPath, field: "network.apiServerCidrs" },
    "network.apiServerPort": { scope: region.regionPath, field: "network.apiServerPort" },
    "network.flinkOperatorNamespace": { scope: region.regionPath, field: "network.flinkOperatorNamespace" },
  });
  const tenantConstruct = inSpec(map, pending, () =>
    new Tenant(chart, "Tenant", {
      name: tenant.name,
      kafka,
      quota: tenant.quota && {
        ...tenant.quota,
        cpu: tenant.quota.cpu === undefined ? undefined : String(tenant.quota.cpu),
      },
      containerLimits: tenant.containerLimits && {
        ...tenant.containerLimits,
        defaultCpuRequest: optionalString(tenant.containerLimits.defaultCpuRequest),
        defaultCpuLimit: optionalString(tenant.containerLimits.defaultCpuLimit),
        maxCpu: optionalString(tenant.containerLimits.maxCpu),
      },
      adminGroups: tenant.adminGroups,
      viewerGroups: tenant.viewerGroups,
      workloadRoleArn:
        region.aws?.accountId && (region.aws.workloadIdentity ?? "irsa") === "irsa"
          ? roleArn(region.aws.accountId, tenantRoleName(region.environment, region.regionName, tenant.name))
          : undefined,
      network: {
        flinkOperatorNamespace: region.network?.flinkOperatorNamespace,
        apiServerCidrs: region.network?.apiServerCidrs,
        apiServerPort: region.network?.apiServerPort,
        egress: tenant.egress,
      },
    }),
  );
  return tenantConstruct;
}

/** The tenant's secrets (ExternalSecrets from the region's store, confined to `<environment>/<tenant>/`). */
export function buildTenantSecrets(s: TenantScope, tenantConstruct: Tenant): void {
  const { chart, region, tenant, map, pending } = s;
  const tenantPath = s.path;
  (tenant.secrets ?? []).forEach((sec, i) => {
    const id = `Secret-${sec.name}`;
    map.add(`${chart.node.path}/${id}`, `${tenantPath}.secrets[${i}]`);
    if (!region.secretStore) return;
    const store = region.secretStore;
    inSpec(map, pending, () =>
      new TenantSecret(chart, id, {
        store,
        namespace: tenantConstruct.namespace,
        name: sec.name,
        remoteKey: sec.remoteKey,
        properties: sec.properties,
        refreshInterval: sec.refreshInterval,
        allowedPrefix: `${region.environment}/${tenant.name}/`,
      }),
    );
  });
}
