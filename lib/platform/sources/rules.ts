// Source rules: Connect configured where sources run, malformed-record policy of sources.

import { ValidationIssue } from "../../core";
import { PlatformSpec, TenantSpec } from "../spec/schema";

/** A region where the tenant captures databases needs Kafka Connect. */
export function connectMissingIssues(spec: PlatformSpec, tenant: TenantSpec, tenantRegions: readonly string[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const sources = tenant.sources ?? [];
  if (sources.length > 0 || (tenant.sinks ?? []).length > 0) {
    spec.regions.forEach((region, ri) => {
      if (!tenantRegions.includes(region.name) || region.connect) return;
      issues.push({
        code: "ConnectNotConfigured",
        scope: `regions[${ri}]`,
        field: "connect",
        value: undefined,
        message: `tenant ${tenant.name} has ${sources.length > 0 ? "CDC sources" : "sink connectors"}, but the region has no Kafka Connect image`,
        fix: "add connect: { image, connectors } (a prebuilt image) or connect: { build: { outputRepository, plugins } }",
      });
    });
  }
  return issues;
}

/** Kafka Connect has no dead-letter queue for source connectors: a tenant that dead-letters says what its sources do. */
export function sourceDeadLetterIssues(tenant: TenantSpec, scope: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const sources = tenant.sources ?? [];
  if (tenant.onMalformed === "dead-letter") {
    sources.forEach((src, si) => {
      if (src.errorPolicy !== undefined) return;
      issues.push({
        code: "DeadLetterForSource",
        scope: `${scope}.sources[${si}]`,
        field: "errorPolicy",
        value: undefined,
        message: `tenant ${tenant.name} sends malformed records to dead-letter topics, but Kafka Connect has no dead-letter queue for source connectors`,
        fix: "set the source's errorPolicy to fail or log-and-skip",
      });
    });
  }
  return issues;
}
