// Job rules: session clusters and their jobs, credentials in Flink configuration, snapshots, backfills, dead letters, buckets.

import { isSecretKey, ValidationIssue } from "../../core";
import { deadLetterTopicName } from "../names";
import { duplicateNames } from "../spec/duplicates";
import { PlatformSpec, TenantSpec } from "../spec/schema";

/** What a session job cannot set: its session cluster's pods, resources and JVM-wide settings carry them. */
const SESSION_CLUSTER_FIELDS = [
  "image",
  "flinkVersion",
  "jobManager",
  "taskManager",
  "highAvailability",
  "autoscaler",
  "flinkConfiguration",
  "secretEnv",
  "authentication",
  "quotaShare",
  "backfill",
  "snapshots",
  "restore",
  "guarantee",
  "periodicSavepointInterval",
  "savepointHistory",
] as const;

/**
 * Session clusters and the jobs that run on them: names unique among the tenant's jobs, apps and clusters (each
 * is a FlinkDeployment or KafkaUser `<tenant>-<name>`), a session job names a declared cluster, runs a jar (a SQL
 * script is mounted into a job's own pods) and leaves the cluster's settings to the cluster.
 */
export function sessionClusterIssues(tenant: TenantSpec, scope: string, appNames: ReadonlySet<string>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const clusters = tenant.sessionClusters ?? [];
  const jobs = tenant.jobs ?? [];
  issues.push(...duplicateNames("DuplicateSessionCluster", `${scope}.sessionClusters`, clusters, "session cluster"));
  const jobNames = new Set(jobs.map((j) => j.name));
  clusters.forEach((c, ci) => {
    if (jobNames.has(c.name) || appNames.has(c.name)) {
      issues.push({
        code: "DuplicateWorkloadName",
        scope: `${scope}.sessionClusters[${ci}]`,
        field: "name",
        value: c.name,
        message: `is also the name of a job or app of tenant ${tenant.name}; both would be ${tenant.name}-${c.name}`,
        fix: "give the session cluster a name no job or app of the tenant uses",
      });
    }
  });
  const names = clusters.map((c) => c.name);
  jobs.forEach((job, ji) => {
    if (job.session === undefined) return;
    const at = `${scope}.jobs[${ji}]`;
    if (!names.includes(job.session)) {
      issues.push({
        code: "UnknownSessionCluster",
        scope: at,
        field: "session",
        value: job.session,
        message: `is not a session cluster of tenant ${tenant.name}`,
        fix: names.length > 0 ? `use one of ${names.join(", ")}` : `declare it under ${scope}.sessionClusters (or remove session to run the job as its own application)`,
      });
    }
    if (job.sql) {
      issues.push({
        code: "SqlJobOnSession",
        scope: at,
        field: "sql",
        value: job.session,
        message: "a SQL job's script and credentials files are mounted into its own pods, which a shared session cluster does not have",
        fix: "remove session: SQL jobs run as their own application",
      });
    }
    for (const field of SESSION_CLUSTER_FIELDS) {
      if (job[field] === undefined) continue;
      issues.push({
        code: "SessionJobClusterField",
        scope: at,
        field,
        value: job[field],
        message: `a job on session cluster ${job.session} shares its pods and JVMs: ${field} is the cluster's (or needs a job of its own)`,
        fix: ["image", "flinkVersion", "jobManager", "taskManager", "highAvailability", "flinkConfiguration", "authentication", "quotaShare"].includes(field)
          ? `set it on ${scope}.sessionClusters[name=${job.session}], or remove session`
          : "remove it, or remove session to run the job as its own application",
      });
    }
  });
  return issues;
}

/** Two regions naming one checkpoint bucket: the jobs of one would keep their state in the other's region. */
export function checkpointBucketIssues(spec: PlatformSpec): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const buckets = new Map<string, number>();
  spec.regions.forEach((region, ri) => {
    const bucket = region.flink?.checkpointBucket;
    if (!bucket) return;
    const other = buckets.get(bucket);
    if (other !== undefined) {
      issues.push({
        code: "CheckpointBucketInAnotherRegion",
        scope: `regions[${ri}]`,
        field: "flink.checkpointBucket",
        value: bucket,
        message: `is also the checkpoint bucket of regions[${other}]; jobs here would keep their state in another region`,
        fix: "give every region its own bucket (or leave checkpointBucket out for floe-<environment>-<region>-<account>)",
      });
    } else {
      buckets.set(bucket, ri);
    }
  });
  return issues;
}

/** Flink configuration keys that are credentials (rendered in clear into the FlinkDeployment). */
export function flinkCredentialIssues(tenant: TenantSpec, scope: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  (tenant.jobs ?? []).forEach((job, ji) => {
    for (const key of Object.keys(job.flinkConfiguration ?? {}).sort()) {
      if (!isSecretKey(key)) continue;
      issues.push({
        code: "CredentialInFlinkConfiguration",
        scope: `${scope}.jobs[${ji}]`,
        field: `flinkConfiguration.${key}`,
        value: "<redacted>",
        message: "is a credential: flinkConfiguration is rendered in clear into the FlinkDeployment and its ConfigMap",
        fix: "remove it: S3 access comes from the tenant's workload role (IRSA or Pod Identity); other credentials go in a Secret referenced by secretEnv",
      });
    }
  });
  return issues;
}

/** A job named like an app of its tenant: both would be the KafkaUser `<tenant>-<name>`. */
export function workloadNameIssues(tenant: TenantSpec, scope: string, appNames: ReadonlySet<string>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const jobs = tenant.jobs ?? [];
  jobs.forEach((job, ji) => {
    if (appNames.has(job.name)) {
      issues.push({
        code: "DuplicateWorkloadName",
        scope: `${scope}.jobs[${ji}]`,
        field: "name",
        value: job.name,
        message: `is also the name of an app of tenant ${tenant.name}; both would get the KafkaUser ${tenant.name}-${job.name}`,
        fix: "give the job a name no app of the tenant uses",
      });
    }
  });
  return issues;
}

/** Each job's snapshots, restore, backfill and dead-letter topic against the tenant's topics (`topicNames`). */
export function jobStateIssues(tenant: TenantSpec, scope: string, topicNames: ReadonlySet<string>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const jobs = tenant.jobs ?? [];
  jobs.forEach((job, ji) => {
    issues.push(...duplicateNames("DuplicateSnapshot", `${scope}.jobs[${ji}].snapshots`, job.snapshots ?? [], "snapshot"));
    const name = job.restore?.snapshot;
    if (name !== undefined && !(job.snapshots ?? []).some((x) => x.name === name)) {
      issues.push({
        code: "UnknownSnapshot",
        scope: `${scope}.jobs[${ji}].restore`,
        field: "snapshot",
        value: name,
        message: `is not a snapshot of job ${job.name}`,
        fix: (job.snapshots ?? []).length ? `use one of ${(job.snapshots ?? []).map((x) => x.name).join(", ")}` : `declare it under ${scope}.jobs[${ji}].snapshots (name + savepoint path)`,
      });
    }
    const backfill = job.backfill;
    if (backfill) {
      const at = `${scope}.jobs[${ji}].backfill`;
      if (jobs.some((other) => other.name === `${job.name}-backfill`)) {
        issues.push({ code: "BackfillNameTaken", scope: at, field: "", value: `${job.name}-backfill`, message: "another job of the tenant already has the backfill's name", fix: "rename that job" });
      }
      if (backfill.from !== "earliest" && !(/^\d{4}-\d{2}-\d{2}T/.test(backfill.from) && !Number.isNaN(Date.parse(backfill.from)))) {
        issues.push({ code: "InvalidBackfillStart", scope: at, field: "from", value: backfill.from, message: "is neither earliest nor an ISO-8601 timestamp", fix: "use earliest or e.g. 2026-11-01T00:00:00Z" });
      }
      if ((backfill.output ?? "separate") === "same" && !job.guarantee) {
        issues.push({
          code: "BackfillGuaranteeMissing",
          scope: at,
          field: "output",
          value: "same",
          message: "a backfill writing into the live topics repeats records the live job already wrote; the guarantee it runs with must be declared",
          fix: "set the job's guarantee (exactly-once with transactional consumers, or at-least-once with idempotent consumers), or output: separate",
        });
      }
      if ((backfill.output ?? "separate") === "separate") {
        (job.writes ?? []).forEach((ref, wi) => {
          if (ref.endsWith("*")) {
            issues.push({ code: "BackfillPrefixWrite", scope: at, field: "output", value: ref, message: `writes[${wi}] is a prefix; a separate backfill output needs each topic named`, fix: "list the written topics, or use output: same" });
          } else if (topicNames.has(`${ref}.backfill`)) {
            issues.push({ code: "BackfillTopicExists", scope: at, field: "output", value: `${ref}.backfill`, message: "the backfill output topic is also a declared topic", fix: "rename the declared topic (Floe declares <topic>.backfill itself)" });
          }
        });
      }
    }
    const policy = job.onMalformed ?? tenant.onMalformed;
    if (policy === "dead-letter" && topicNames.has(deadLetterTopicName(job.name))) {
      issues.push({
        code: "DeadLetterTopicExists",
        scope: `${scope}.jobs[${ji}]`,
        field: "onMalformed",
        value: deadLetterTopicName(job.name),
        message: `the job's dead-letter topic ${tenant.name}.${deadLetterTopicName(job.name)} is also a declared topic`,
        fix: "rename the declared topic (Floe creates the dead-letter topic itself)",
      });
    }
  });
  return issues;
}
