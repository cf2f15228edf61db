// Topic rules: references of jobs and apps, and what a topic carries against how it is cleaned up.

import { parseDuration, ValidationIssue } from "../../core";
import { TenantSpec } from "../spec/schema";

/** Every topic a job or app of the tenant names is one of its topics (`topicNames`), or a prefix ending in `*`. */
export function topicReferenceIssues(tenant: TenantSpec, scope: string, topicNames: ReadonlySet<string>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const jobs = tenant.jobs ?? [];
  const apps = tenant.apps ?? [];
  const checkRef = (ref: string, at: string): void => {
    if (ref === "*" || (ref.endsWith("*") && ref.length > 1)) return;
    if (!topicNames.has(ref)) {
      issues.push({
        code: "UnknownTopic",
        scope: at.replace(/\.[^.]+$/, ""),
        field: at.slice(at.lastIndexOf(".") + 1),
        value: ref,
        message: `is not a topic of tenant ${tenant.name}`,
        fix: topicNames.size
          ? `use one of ${[...topicNames].join(", ")}, a prefix ending in '*', or declare the topic under ${scope}.topics`
          : `declare the topic under ${scope}.topics`,
      });
    }
  };
  jobs.forEach((job, ji) => {
    (job.reads ?? []).forEach((ref, ri) => checkRef(ref, `${scope}.jobs[${ji}].reads[${ri}]`));
    (job.writes ?? []).forEach((ref, wi) => checkRef(ref, `${scope}.jobs[${ji}].writes[${wi}]`));
  });
  apps.forEach((app, ai) => {
    (app.produces ?? []).forEach((ref, pi) => checkRef(ref, `${scope}.apps[${ai}].produces[${pi}]`));
    (app.consumes ?? []).forEach((c, ci) =>
      checkRef(typeof c === "string" ? c : c.topic, `${scope}.apps[${ai}].consumes[${ci}]${typeof c === "string" ? "" : ".topic"}`),
    );
  });
  return issues;
}

/**
 * What a topic carries and how it is cleaned up agree: compaction keeps the latest record per key, so an
 * append-only topic must not be compacted (it would lose records), and a changelog must be (deleting by age
 * drops keys whose latest value is old).
 */
export function topicKindIssues(tenant: TenantSpec, scope: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  (tenant.topics ?? []).forEach((t, i) => {
    const compacted = t.cleanupPolicy?.startsWith("compact") ?? false;
    if (t.carries === "append" && compacted) {
      issues.push({ code: "AppendOnlyCompacted", scope: `${scope}.topics[${i}]`, field: "cleanupPolicy", value: t.cleanupPolicy, message: "compaction keeps only the latest record per key: an append-only topic would lose records", fix: "use cleanupPolicy: delete (the default), or carries: changelog" });
    }
    if (t.carries === "changelog" && t.cleanupPolicy === "delete") {
      issues.push({ code: "ChangelogNotCompacted", scope: `${scope}.topics[${i}]`, field: "cleanupPolicy", value: t.cleanupPolicy, message: "a changelog deleted by age loses the keys whose latest value is older than the retention", fix: "remove cleanupPolicy (a changelog is compacted) or use compact,delete" });
    }
  });
  return issues;
}

/** A topic's `freshness` is a duration of at least a minute (a shorter window is below the scrape resolution). */
export function topicFreshnessIssues(tenant: TenantSpec, scope: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  (tenant.topics ?? []).forEach((t, i) => {
    if (t.freshness === undefined) return;
    const ctx = { scope: `${scope}.topics[${i}]`, field: "freshness" };
    const { ms, issues: parse } = parseDuration(t.freshness, ctx);
    if (parse.length > 0 || ms === undefined || ms < 60_000) {
      issues.push({ code: "InvalidFreshness", ...ctx, value: t.freshness, message: "is not a duration of at least a minute", fix: "write a whole number with a unit of at least a minute, e.g. \"15m\", \"2h\" or \"1d\"" });
    }
  });
  return issues;
}
