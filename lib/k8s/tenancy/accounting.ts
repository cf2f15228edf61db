import { NameContext, ValidationIssue } from "../../core";
import { KafkaUserQuotas } from "../kafka/strimzi-types";

/** A tenant's Kafka quota, split across its users. */
export interface TenantKafkaQuota {
  /** Bytes per second per broker the tenant's producers may send, in total. */
  readonly producerByteRate?: number;
  /** Bytes per second per broker the tenant's consumers may fetch, in total. */
  readonly consumerByteRate?: number;
  /** Request time percentage per broker, in total. */
  readonly requestPercentage?: number;
}

/** One user's claim on the tenant quota. */
export interface QuotaClaim {
  /** KafkaUser name. */
  readonly user: string;
  /** Fraction of the tenant quota (0-1); users without one share the rest equally. */
  readonly share?: number;
  /** Where the share was declared (for errors). */
  readonly ctx: NameContext;
}

/**
 * Split a tenant's Kafka quota across its users: explicit shares first, the remainder equally among the users
 * without one. Rates are rounded down so the parts never exceed the tenant total.
 */
export function splitKafkaQuota(
  total: TenantKafkaQuota,
  claims: readonly QuotaClaim[],
  tenantCtx: NameContext,
): { quotas: Map<string, KafkaUserQuotas>; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const quotas = new Map<string, KafkaUserQuotas>();
  for (const c of claims) {
    if (c.share !== undefined && !(c.share > 0 && c.share <= 1)) {
      issues.push({ code: "InvalidQuotaShare", ...c.ctx, value: c.share, message: "must be a fraction above 0 and at most 1", fix: "use e.g. 0.25" });
    }
  }
  const explicit = claims.reduce((sum, c) => sum + (c.share ?? 0), 0);
  const implicit = claims.filter((c) => c.share === undefined);
  if (explicit > 1 + 1e-9 || (explicit >= 1 - 1e-9 && implicit.length > 0)) {
    issues.push({
      code: "QuotaSharesExceedOne",
      ...tenantCtx,
      value: Number(explicit.toFixed(6)),
      message: `the users' quota shares add up to ${explicit.toFixed(2)}${implicit.length > 0 ? ` and ${implicit.length} user(s) without a share need the rest` : ""}`,
      fix: "lower the shares so that they add up to less than 1 (or exactly 1 when every user has one)",
    });
  }
  if (issues.length > 0) return { quotas, issues };
  const rest = implicit.length > 0 ? (1 - explicit) / implicit.length : 0;
  for (const c of claims) {
    const share = c.share ?? rest;
    const part = (v: number | undefined) => (v === undefined ? undefined : Math.floor(v * share));
    const q: KafkaUserQuotas = {
      ...(total.producerByteRate !== undefined ? { producerByteRate: part(total.producerByteRate) } : {}),
      ...(total.consumerByteRate !== undefined ? { consumerByteRate: part(total.consumerByteRate) } : {}),
      ...(total.requestPercentage !== undefined ? { requestPercentage: part(total.requestPercentage) } : {}),
    };
    quotas.set(c.user, q);
  }
  return { quotas, issues };
}

/** One tenant's use of a region resource. */
export interface TenantUsage {
  /** Tenant name. */
  readonly tenant: string;
  /** Amount in base units. */
  readonly amount: number;
}

/**
 * The sum of the tenants' amounts must fit the region's capacity; the error names each tenant's part and the
 * total, so a reviewer sees who to shrink.
 */
export function checkCapacity(
  resource: string,
  capacity: number | undefined,
  usages: readonly TenantUsage[],
  ctx: NameContext,
  format: (n: number) => string = String,
): ValidationIssue[] {
  if (capacity === undefined) return [];
  const total = usages.reduce((sum, u) => sum + u.amount, 0);
  if (total <= capacity) return [];
  const parts = [...usages].sort((a, b) => (a.tenant < b.tenant ? -1 : 1)).map((u) => `${u.tenant} (${format(u.amount)})`);
  return [
    {
      code: "RegionCapacityExceeded",
      ...ctx,
      value: format(total),
      message: `${resource} of tenants ${parts.join(", ")} totals ${format(total)}, over the region's capacity of ${format(capacity)}`,
      fix: `lower the tenants' ${resource} by ${format(total - capacity)} in total, or raise the region's capacity`,
    },
  ];
}
