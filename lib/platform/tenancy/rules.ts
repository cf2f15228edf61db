// Tenancy rules: reserved names, groups shared between tenants, unknown regions, secrets declared and referenced.

import { OPERATOR_CHARTS, ValidationIssue } from "../../core";
import { duplicateNames } from "../spec/duplicates";
import { PlatformSpec, TenantSpec } from "../spec/schema";

/**
 * Namespaces a tenant's namespace (named after the tenant) must never be: Kubernetes' own, the operators', the
 * platform's (Kafka, monitoring, the secret store's service account).
 */
export function reservedNamespaces(spec: PlatformSpec): Set<string> {
  return new Set([
    "default",
    "monitoring",
    "cert-manager",
    ...Object.values(OPERATOR_CHARTS).map((c) => c.namespace),
    ...spec.regions.flatMap((r) => [
      r.kafka.namespace ?? "kafka",
      ...(r.network?.flinkOperatorNamespace ? [r.network.flinkOperatorNamespace] : []),
      ...(r.monitoring?.namespace ? [r.monitoring.namespace] : []),
      ...(r.secretStore?.serviceAccount ? [r.secretStore.serviceAccount.namespace] : []),
    ]),
  ]);
}

// A tenant owns the Kafka prefix `<tenant>.` (topics, groups, ACLs): it must not cover the platform's own topics,
// MirrorMaker 2's (`mirrormaker2.<mirror>.`, `mm2-offset-syncs.`) and the registry's (`schema-registry.schemas`).
const RESERVED_PREFIXES = new Set(["mirrormaker2", "mm2-offset-syncs", "schema-registry"]);

/** A tenant named like a system or platform namespace, or whose Kafka prefix covers the platform's topics. */
export function reservedNameIssues(tenant: TenantSpec, scope: string, reserved: ReadonlySet<string>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (reserved.has(tenant.name) || tenant.name.startsWith("kube-")) {
    issues.push({
      code: "ReservedTenantName",
      scope,
      field: "name",
      value: tenant.name,
      message: "is the name of a system or platform namespace; a tenant's namespace is named after the tenant",
      fix: `choose another tenant name (not kube-*, nor ${[...reserved].sort().join(", ")})`,
    });
  }
  if (RESERVED_PREFIXES.has(tenant.name)) {
    issues.push({
      code: "ReservedTenantName",
      scope,
      field: "name",
      value: tenant.name,
      message: `its Kafka prefix "${tenant.name}." would cover the platform's own topics (MirrorMaker 2's checkpoints and offset syncs, the registry's schemas)`,
      fix: `choose another tenant name (not ${[...RESERVED_PREFIXES].sort().join(", ")})`,
    });
  }
  return issues;
}

/** A group in two tenants' role bindings reaches both: the one path RBAC would open between tenants (`groupOwners` carries the groups of the tenants before). */
export function sharedGroupIssues(tenant: TenantSpec, scope: string, groupOwners: Map<string, string>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const list of ["adminGroups", "viewerGroups"] as const) {
    (tenant[list] ?? []).forEach((group, gi) => {
      const owner = groupOwners.get(group);
      if (owner !== undefined && owner !== tenant.name) {
        issues.push({
          code: "SharedTenantGroup",
          scope,
          field: `${list}[${gi}]`,
          value: group,
          message: `is also a group of tenant ${owner}: its members would reach both tenants`,
          fix: "give each tenant its own groups (platform-wide access is the platform team's cluster roles, not a tenant's)",
        });
      } else groupOwners.set(group, tenant.name);
    });
  }
  return issues;
}

/** A tenant's regions are regions of the environment. */
export function tenantRegionIssues(tenant: TenantSpec, scope: string, regionNames: readonly string[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  (tenant.regions ?? []).forEach((r, ri) => {
    if (!regionNames.includes(r)) {
      issues.push({
        code: "UnknownRegion",
        scope,
        field: `regions[${ri}]`,
        value: r,
        message: "is not a region of this environment",
        fix: `use one of ${regionNames.join(", ")}, or declare the region under regions[]`,
      });
    }
  });
  return issues;
}

/** The tenant's secrets declared once, and every secret its sources, sinks and jobs name declared. */
export function secretIssues(tenant: TenantSpec, scope: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const sources = tenant.sources ?? [];
  const secrets = tenant.secrets ?? [];
  issues.push(...duplicateNames("DuplicateSecret", `${scope}.secrets`, secrets, "secret"));
  const secretNames = new Set(secrets.map((x) => x.name));
  const secretRef = (name: string, at: string, field: string) => {
    if (secretNames.has(name)) return;
    issues.push({
      code: "UnknownSecret",
      scope: at,
      field,
      value: name,
      message: `is not a secret of tenant ${tenant.name}`,
      fix: `declare it under ${scope}.secrets (name + remoteKey in Secrets Manager)`,
    });
  };
  sources.forEach((src, si) => secretRef(src.credentials.secret, `${scope}.sources[${si}].credentials`, "secret"));
  (tenant.sinks ?? []).forEach((sink, si) =>
    sink.type === "jdbc"
      ? secretRef(sink.credentials.secret, `${scope}.sinks[${si}].credentials`, "secret")
      : sink.catalog.type === "jdbc"
        ? secretRef(sink.catalog.credentials.secret, `${scope}.sinks[${si}].catalog.credentials`, "secret")
        : undefined,
  );
  (tenant.jobs ?? []).forEach((job, ji) => (job.secretEnv ?? []).forEach((e, ei) => secretRef(e.secret, `${scope}.jobs[${ji}].secretEnv[${ei}]`, "secret")));
  return issues;
}
