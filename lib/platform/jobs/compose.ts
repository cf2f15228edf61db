// A tenant's Flink jobs, session clusters, backfills and snapshots; a region's checkpoint storage.

import { Chart } from "cdk8s";
import { isValidationError, ValidationIssue } from "../../core";
import { CheckpointBucket, FlinkApplication, FlinkSavepointSnapshot, FlinkSessionCluster, FlinkSessionJob, ICheckpointStorage } from "../../k8s/flink";
import { IKafkaTopicResource, KafkaAuthenticationType, KafkaTopic, KafkaUserQuotas } from "../../k8s/kafka";
import { Tenant, TenantKafkaCredentials } from "../../k8s/tenancy";
import { TenantRegionContext, TenantScope, TenantWiring } from "../compose/context";
import { inSpec, SpecPathMap } from "../compose/path-map";
import { deadLetterTopicName, tenantPrefix, tenantTopicName, tenantUserName } from "../names";
import { JobSpec, PlatformSpec, RegionSpec, TenantSpec } from "../spec/schema";
import { flinkApplicationProps, flinkResources, jobStatePath, sessionJobProps } from "./props";

/** The region's checkpoint bucket (named in the spec, or Floe's default name); a bad name is a spec error. */
export function regionStorage(spec: PlatformSpec, region: RegionSpec, regionIndex: number, pending: ValidationIssue[]): ICheckpointStorage | undefined {
  const named = region.flink?.checkpointBucket;
  const bucketName = named ?? CheckpointBucket.defaultBucketName(spec.environment, region.name, spec.aws?.accountId);
  try {
    return CheckpointBucket.fromBucketName(bucketName);
  } catch (e) {
    if (!isValidationError(e)) throw e;
    pending.push(
      ...e.issues.map((i) => ({
        ...i,
        scope: `regions[${regionIndex}]`,
        field: named ? "flink.checkpointBucket" : "name",
        fix: named ? i.fix : `the default bucket name ${JSON.stringify(bucketName)} is not valid: set flink.checkpointBucket`,
      })),
    );
    return undefined;
  }
}

/**
 * A bounded backfill next to a live job: its own FlinkDeployment `<tenant>-<job>-backfill` (own user, group
 * `<tenant>.<job>-backfill` and state prefix), reading the job's inputs from `earliest` or a timestamp up to the
 * offsets at its start, writing either `<topic>.backfill` copies (declared here) or the live topics. Promotion is a
 * spec edit: remove `backfill`, and restore the live job from one of the backfill's savepoints if wanted.
 */
export function buildBackfill(
  chart: Chart,
  region: TenantRegionContext,
  tenantConstruct: Tenant,
  tenant: TenantSpec,
  j: JobSpec,
  jobPath: string,
  topics: Map<string, KafkaTopic>,
  resolve: (ref: string) => IKafkaTopicResource | undefined,
  prefix: string,
  quotas: Map<string, KafkaUserQuotas>,
  standbyWritable: ((ref: string) => string[]) | undefined,
  map: SpecPathMap,
  pending: ValidationIssue[],
): FlinkApplication | undefined {
  const bf = j.backfill!;
  const separate = (bf.output ?? "separate") === "separate";
  const writes = j.writes ?? [];
  if (separate) {
    for (const ref of writes.filter((w) => !w.endsWith("*"))) {
      const local = `${ref}.backfill`;
      map.add(`${chart.node.path}/Backfill-${j.name}-${ref}`, `${jobPath}.backfill`, { topicName: "output" });
      const original = topics.get(ref);
      const topic = inSpec(map, pending, () =>
        new KafkaTopic(chart, `Backfill-${j.name}-${ref}`, { cluster: region.kafka, topicName: tenantTopicName(tenant.name, local), partitions: original?.partitions ?? 3 }),
      );
      if (topic) topics.set(local, topic);
    }
  }
  const spec: JobSpec = {
    ...j,
    name: `${j.name}-backfill`,
    parallelism: bf.parallelism ?? j.parallelism,
    writes: separate ? writes.filter((w) => !w.endsWith("*")).map((w) => `${w}.backfill`) : j.writes,
    group: `${j.group ?? j.name}-backfill`,
    autoscaler: undefined,
    periodicSavepointInterval: undefined,
    savepointHistory: undefined,
    snapshots: undefined,
    restore: undefined,
    initialSavepointPath: undefined,
    backfill: undefined,
    // A backfill has no dead-letter topic of its own: where the live job dead-letters, it logs and skips.
    onMalformed: j.onMalformed === "dead-letter" || (j.onMalformed === undefined && tenant.onMalformed === "dead-letter") ? "skip-and-log" : j.onMalformed,
    quotaShare: undefined,
  };
  const id = `Job-${spec.name}`;
  map.add(`${chart.node.path}/${id}`, `${jobPath}.backfill`, { "job.jarURI": j.sql ? "sql.runnerJarUri" : "jar.uri", "job.statements": "sql.statements", "job.tables": "sql.tables", userName: "name", name: "name" });
  const start = bf.from === "earliest" ? "earliest" : `timestamp:${Date.parse(bf.from)}`;
  return inSpec(map, pending, () => {
    const props = flinkApplicationProps(spec, tenantConstruct, region, resolve, prefix, quotas, standbyWritable, tenant, j);
    return new FlinkApplication(chart, id, {
      ...props,
      backfill: { of: tenantUserName(tenant.name, j.name), startingOffsets: start, outputTopicSuffix: separate ? ".backfill" : undefined },
    });
  });
}

/**
 * A tenant's session clusters (`<tenant>-<cluster>`): each a FlinkDeployment without a job, with one KafkaUser of
 * the same name that its session jobs' topics are granted to, its state (HA) under the tenant's prefix.
 */
export function buildSessionClusters(
  chart: Chart,
  region: TenantRegionContext,
  tenantConstruct: Tenant,
  tenant: TenantSpec,
  tenantPath: string,
  quotas: Map<string, KafkaUserQuotas>,
  map: SpecPathMap,
  pending: ValidationIssue[],
): Map<string, FlinkSessionCluster> {
  const out = new Map<string, FlinkSessionCluster>();
  const prefix = tenantPrefix(tenant.name);
  (tenant.sessionClusters ?? []).forEach((c, i) => {
    const id = `Session-${c.name}`;
    const name = tenantUserName(tenant.name, c.name);
    map.add(`${chart.node.path}/${id}`, `${tenantPath}.sessionClusters[${i}]`, {
      userName: { field: "name", affix: { prefix: `${tenant.name}-` } },
      name: { field: "name", affix: { prefix: `${tenant.name}-` } },
    });
    const cluster = inSpec(map, pending, () =>
      new FlinkSessionCluster(chart, id, {
        name,
        namespace: tenantConstruct.namespace,
        tenant: tenant.name,
        flinkVersion: c.flinkVersion,
        image: c.image,
        highAvailability: c.highAvailability,
        checkpointStorage: region.storage,
        storagePrefix: region.storage ? `${region.storage.tenantPrefix(tenant.name)}sessions/${c.name}/` : undefined,
        jobManager: c.jobManager && { replicas: c.jobManager.replicas, resources: flinkResources(c.jobManager, 1, "2048m") },
        taskManager: c.taskManager && { replicas: c.taskManager.replicas, slots: c.taskManager.slots, resources: flinkResources(c.taskManager, 1, "4096m") },
        flinkConfiguration: c.flinkConfiguration,
        kafka: {
          cluster: region.kafka,
          userName: name,
          authentication: c.authentication === "tls" ? KafkaAuthenticationType.TLS : KafkaAuthenticationType.SCRAM_SHA_512,
          aclScope: { topicPrefix: prefix, groupPrefix: prefix },
          quotas: quotas.get(name),
        },
      }),
    );
    if (cluster) out.set(c.name, cluster);
  });
  return out;
}

/**
 * The tenant's Flink jobs: application and session jobs, their dead-letter topics, backfills and snapshots; the
 * KafkaCredentials that deliver their Strimzi Secrets into the tenant namespace.
 */
export function buildJobs(s: TenantScope, w: TenantWiring): { built: FlinkApplication[]; sessions: Map<string, FlinkSessionCluster> } {
  const { chart, region, tenant, map, pending } = s;
  const tenantPath = s.path;
  const kafka = region.kafka;
  const { tenantConstruct, quotas } = w;
  const jobs = tenant.jobs ?? [];
  const built: FlinkApplication[] = [];
  // Jobs run in the tenant namespace; their Strimzi Secrets (KafkaUser, cluster CA) are delivered there.
  const sessions = buildSessionClusters(chart, region, tenantConstruct, tenant, tenantPath, quotas, map, pending);
  const credentials = jobs.some((j) => (j.reads ?? []).length + (j.writes ?? []).length > 0)
    ? new TenantKafkaCredentials(chart, "KafkaCredentials", { tenant: tenantConstruct, kafka })
    : undefined;
  jobs.forEach((j, i) => buildJob(s, w, j, i, sessions, credentials, built));
  for (const session of sessions.values()) if (session.kafka) credentials?.addUser(session.kafka.user.secretName);
  return { built, sessions };
}

/** One job of the tenant (see {@link buildJobs}). */
function buildJob(
  s: TenantScope,
  w: TenantWiring,
  j: JobSpec,
  i: number,
  sessions: ReadonlyMap<string, FlinkSessionCluster>,
  credentials: TenantKafkaCredentials | undefined,
  built: FlinkApplication[],
): void {
  const { chart, region, tenant, map, pending } = s;
  const tenantPath = s.path;
  const kafka = region.kafka;
  const registry = region.registry;
  const { topics, quotas, prefix, resolve, writable, isStandby, tenantConstruct } = w;
  // Malformed records: a dead-letter topic per job (retention bounded), written by the job only.
  if ((j.onMalformed ?? tenant.onMalformed) === "dead-letter") {
    const local = deadLetterTopicName(j.name);
    map.add(`${chart.node.path}/DeadLetter-${j.name}`, `${tenantPath}.jobs[${i}].deadLetter`);
    const dlq = inSpec(map, pending, () =>
      new KafkaTopic(chart, `DeadLetter-${j.name}`, {
        cluster: kafka,
        topicName: tenantTopicName(tenant.name, local),
        partitions: j.deadLetter?.partitions ?? 3,
        retention: j.deadLetter?.retention ?? "14d",
      }),
    );
    if (dlq) topics.set(local, dlq);
  }
  const id = `Job-${j.name}`;
  map.add(`${chart.node.path}/${id}`, `${tenantPath}.jobs[${i}]`, {
    "job.jarURI": j.sql ? "sql.runnerJarUri" : "jar.uri",
    "job.statements": "sql.statements", "job.tables": "sql.tables",
    userName: { field: "name", affix: { prefix: `${tenant.name}-` } },
    name: { field: "name", affix: { prefix: `${tenant.name}-` } },
  });
  // A job touching a standby copy is the standby of the job in the primary region: rendered suspended.
  const jobStandby = [...(j.reads ?? []), ...(j.writes ?? [])].some(isStandby);
  if (j.session !== undefined) {
    const session = sessions.get(j.session);
    if (session) inSpec(map, pending, () => new FlinkSessionJob(chart, id, sessionJobProps(j, tenantConstruct, region, session, resolve, prefix, jobStandby ? writable : undefined, tenant.onMalformed)));
    return;
  }
  const job = inSpec(map, pending, () =>
    new FlinkApplication(chart, id, flinkApplicationProps(j, tenantConstruct, region, resolve, prefix, quotas, jobStandby ? writable : undefined, tenant)),
  );
  if (job) built.push(job);
  if (job?.kafka) credentials?.addUser(job.kafka.user.secretName);
  if (job?.kafka && registry && job.kafka.user.authentication === KafkaAuthenticationType.SCRAM_SHA_512) registry.addPrincipal({ user: job.kafka.user, tenant: tenant.name, role: "client" });
  if (j.backfill) {
    const bf = buildBackfill(chart, region, tenantConstruct, tenant, j, `${tenantPath}.jobs[${i}]`, topics, resolve, prefix, quotas, jobStandby ? writable : undefined, map, pending);
    if (bf) {
      built.push(bf);
      if (bf.kafka) credentials?.addUser(bf.kafka.user.secretName);
    }
  }
  (j.snapshots ?? []).forEach((snap, si) => {
    if (!job) return;
    map.add(`${chart.node.path}/Snapshot-${j.name}-${snap.name}`, `${tenantPath}.jobs[${i}].snapshots[${si}]`);
    inSpec(map, pending, () => new FlinkSavepointSnapshot(chart, `Snapshot-${j.name}-${snap.name}`, { job, name: snap.name, path: jobStatePath(region, tenant.name, j.name, snap.path) }));
  });
}
