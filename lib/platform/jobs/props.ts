// A job's spec as FlinkApplication and FlinkSessionJob props (state, topics, environment).

import { posix } from "path";
import { FlinkApplication, FlinkJob, FlinkSessionCluster, FlinkSessionJob, JobState, UpgradeMode } from "../../k8s/flink";
import { IKafkaTopicResource, KafkaAuthenticationType, KafkaUserQuotas } from "../../k8s/kafka";
import { Tenant } from "../../k8s/tenancy";
import { TenantRegionContext } from "../compose/context";
import { deadLetterTopicName, tenantTopicName, tenantUserName } from "../names";
import { JobSpec, TenantSpec } from "../spec/schema";
import { sqlTables } from "./tables";

/**
 * A state path of the spec: absolute (`s3://...`), or relative to the job's state directory in the region's
 * bucket (`savepoints/savepoint-1a2b`, `../<job>-backfill/savepoints/...`), so one spec names the same
 * savepoint in every region (replicated savepoints keep their keys).
 */
export function jobStatePath(region: TenantRegionContext, tenant: string, job: string, path: string): string {
  if (path.includes("://") || !region.storage) return path;
  return region.storage.uri(posix.join(`${region.storage.tenantPrefix(tenant)}${job}/`, path));
}

/** Plain environment of a job: the registry URL, its malformed-record policy and dead-letter topic. */
function jobEnv(j: JobSpec, tenant: string, region: TenantRegionContext, policy: TenantSpec["onMalformed"]): { name: string; value: string }[] | undefined {
  const env: { name: string; value: string }[] = [];
  if (region.registry) env.push({ name: "FLOE_SCHEMA_REGISTRY_URL", value: region.registry.url });
  if (policy) env.push({ name: "FLOE_MALFORMED_POLICY", value: policy });
  if (policy === "dead-letter") env.push({ name: "FLOE_DEAD_LETTER_TOPIC", value: tenantTopicName(tenant, deadLetterTopicName(j.name)) });
  return env.length > 0 ? env : undefined;
}

/** The token SQL statements could use for the region's Schema Registry URL: refused (RegistryCredentialsUnavailable). */
export const SCHEMA_REGISTRY_URL_TOKEN = "{{schemaRegistryUrl}}";

/** An application job's FlinkApplication props: its run, state, topics (less standby copies) and environment. */
export function flinkApplicationProps(
  j: JobSpec,
  tenantConstruct: Tenant,
  region: TenantRegionContext,
  resolve: (ref: string) => IKafkaTopicResource | undefined,
  prefix: string,
  quotas: Map<string, KafkaUserQuotas>,
  standbyWritable?: (ref: string) => string[],
  tenantSpec?: TenantSpec,
  /** The live job whose tables a backfill generates (the backfill's own writes name its copies). */
  liveJob: JobSpec = j,
): ConstructorParameters<typeof FlinkApplication>[2] {
  const tenant = tenantConstruct.tenantName;
  const tenantMalformed = tenantSpec?.onMalformed;
  const reads = (j.reads ?? []).map(resolve).filter((t): t is IKafkaTopicResource => t !== undefined);
  const policy = j.onMalformed ?? tenantMalformed;
  const writes = jobWrites(j, policy, resolve, standbyWritable);
  return {
    name: tenantUserName(tenant, j.name),
    namespace: tenantConstruct.namespace,
    tenant,
    production: region.production,
    flinkVersion: j.flinkVersion,
    image: j.image,
    serviceAccount: tenantConstruct.flinkServiceAccount,
    secretEnv: j.secretEnv,
    env: jobEnv(j, tenantConstruct.tenantName, region, policy),
    deliveryGuarantee: j.guarantee,
    restorePrefixes: region.storage ? [`${region.storage.uri(`${region.storage.tenantPrefix(tenant)}${j.name}-backfill/savepoints`)}/`] : undefined,
    savepointHistory: j.savepointHistory,
    restore: j.restore && {
      path: jobStatePath(region, tenant, j.name, j.restore.path ?? (j.snapshots ?? []).find((x) => x.name === j.restore!.snapshot)?.path ?? ""),
      nonce: j.restore.nonce,
    },
    job: j.sql
      ? FlinkJob.sql(j.sql.statements, {
          runnerJarUri: j.sql.runnerJarUri,
          runnerEntryClass: j.sql.runnerEntryClass,
          // Problems of these tables are spec errors, reported before composition (rules in ./tables.ts).
          tables: tenantSpec ? sqlTables(tenantSpec, liveJob, "").statements : undefined,
        })
      : FlinkJob.jar(j.jar?.uri ?? "", { entryClass: j.jar?.entryClass, args: j.jar?.args }),
    ...jobStateProps(j, region, tenant, standbyWritable !== undefined),
    periodicSavepointInterval: j.periodicSavepointInterval,
    highAvailability: j.highAvailability,
    jobManager: j.jobManager && { replicas: j.jobManager.replicas, resources: flinkResources(j.jobManager, 1, "2048m") },
    taskManager: j.taskManager && { replicas: j.taskManager.replicas, slots: j.taskManager.slots, resources: flinkResources(j.taskManager, 1, "4096m") },
    autoscaler: j.autoscaler,
    flinkConfiguration: j.flinkConfiguration,
    kafka:
      reads.length + writes.length > 0
        ? {
            cluster: region.kafka,
            reads,
            writes,
            group: `${prefix}${j.group ?? j.name}`,
            userName: tenantUserName(tenant, j.name),
            authentication: j.authentication === "tls" ? KafkaAuthenticationType.TLS : KafkaAuthenticationType.SCRAM_SHA_512,
            aclScope: { topicPrefix: prefix, groupPrefix: prefix },
            // `<tenant>.<job>`: tenant and job names hold no dot, so no other tenant's ids start with it.
            transactionalIdPrefix: `${prefix}${j.name}`,
            quotas: quotas.get(tenantUserName(tenant, j.name)),
          }
        : undefined,
  };
}

/** Flink resources of a spec block: undefined when it sets neither CPU nor memory (the construct's defaults). */
export function flinkResources(r: { cpu?: number; memory?: string } | undefined, cpu: number, memory: string): { cpu: number; memory: string } | undefined {
  return r && (r.cpu !== undefined || r.memory !== undefined) ? { cpu: r.cpu ?? cpu, memory: r.memory ?? memory } : undefined;
}

/** The topics a job may write here: its writes and dead-letter topic, less what is a standby copy in this region. */
function jobWrites(
  j: JobSpec,
  policy: TenantSpec["onMalformed"],
  resolve: (ref: string) => IKafkaTopicResource | undefined,
  standbyWritable?: (ref: string) => string[],
): IKafkaTopicResource[] {
  return [...(j.writes ?? []), ...(policy === "dead-letter" ? [deadLetterTopicName(j.name)] : [])]
    .flatMap((ref) => (standbyWritable ? standbyWritable(ref) : [ref]))
    .map(resolve)
    .filter((t): t is IKafkaTopicResource => t !== undefined);
}

/**
 * What a job's spec says of its run and its state, the same for an application and a session job: parallelism,
 * upgrade mode, state (suspended where it is a standby), checkpoints, and its state under the tenant's prefix.
 */
function jobStateProps(j: JobSpec, region: TenantRegionContext, tenant: string, standby: boolean) {
  return {
    parallelism: j.parallelism,
    upgradeMode: j.upgradeMode as UpgradeMode | undefined,
    state: standby ? JobState.SUSPENDED : (j.state as JobState | undefined),
    stateless: j.stateless,
    allowNonRestoredState: j.allowNonRestoredState,
    initialSavepointPath: j.initialSavepointPath,
    savepointTriggerNonce: j.savepointTriggerNonce,
    checkpointInterval: j.checkpointInterval,
    checkpointsRetained: j.checkpointsRetained,
    checkpointStorage: region.storage,
    storagePrefix: region.storage ? `${region.storage.tenantPrefix(tenant)}${j.name}/` : undefined,
  };
}

/** A session job's props: its jar, state under the tenant's prefix, its topics granted to its cluster's user. */
export function sessionJobProps(
  j: JobSpec,
  tenantConstruct: Tenant,
  region: TenantRegionContext,
  session: FlinkSessionCluster,
  resolve: (ref: string) => IKafkaTopicResource | undefined,
  prefix: string,
  standbyWritable?: (ref: string) => string[],
  tenantMalformed?: TenantSpec["onMalformed"],
): ConstructorParameters<typeof FlinkSessionJob>[2] {
  const tenant = tenantConstruct.tenantName;
  const policy = j.onMalformed ?? tenantMalformed;
  const reads = (j.reads ?? []).map(resolve).filter((t): t is IKafkaTopicResource => t !== undefined);
  const writes = jobWrites(j, policy, resolve, standbyWritable);
  return {
    sessionCluster: session,
    name: tenantUserName(tenant, j.name),
    tenant,
    production: region.production,
    job: FlinkJob.jar(j.jar?.uri ?? "", { entryClass: j.jar?.entryClass, args: j.jar?.args }),
    ...jobStateProps(j, region, tenant, standbyWritable !== undefined),
    kafka: reads.length + writes.length > 0 ? { reads, writes, group: `${prefix}${j.group ?? j.name}` } : undefined,
  };
}
