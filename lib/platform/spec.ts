import { readFileSync, realpathSync } from "fs";
import { dirname, isAbsolute, relative, resolve, sep } from "path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { isSecretKey, OPERATOR_CHARTS, ValidationError, ValidationIssue } from "../core";
import { checkReplication, peeringIssues, registryLeaderIssues } from "./replication";
import { SCHEMA_COMPATIBILITIES, SchemaCompatibility, TopicSchema } from "../k8s/schema";

/*
 * The PlatformSpec: what a platform engineer writes. Parsed with zod (unknown keys are errors), then checked
 * for cross-references. Every error names the spec path, e.g. `tenants[2].topics[0].partitions`.
 */

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label (lower-case letters, digits, '-')")
  .max(63);

const quantity = z.string().regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/, "must be a Kubernetes quantity such as 100Gi");
const cpuQuantity = z.union([z.string().regex(/^\d+(\.\d+)?m?$/, "must be a CPU quantity such as 500m or 2"), z.number().positive()]);

const resourcesSchema = z.strictObject({
  requests: z.strictObject({ cpu: cpuQuantity.optional(), memory: quantity.optional() }).optional(),
  limits: z.strictObject({ cpu: cpuQuantity.optional(), memory: quantity.optional() }).optional(),
});

const volumeSchema = z.strictObject({
  size: quantity,
  class: z.string().min(1).optional(),
  deleteClaim: z.boolean().optional(),
});

const storageSchema = z.union([
  volumeSchema,
  z.strictObject({
    jbod: z
      .array(volumeSchema.extend({ id: z.number().int().min(0), kraftMetadata: z.boolean().optional() }))
      .min(1),
  }),
  z.strictObject({ ephemeral: z.strictObject({ sizeLimit: quantity.optional() }) }),
]);

const nodePoolSchema = z.strictObject({
  replicas: z.number().int().min(0).optional(),
  storage: storageSchema.optional(),
  resources: resourcesSchema.optional(),
});

const authenticationSchema = z.enum(["scram-sha-512", "tls", "none"]);

const listenerSchema = z.strictObject({
  name: z.string(),
  port: z.number().int(),
  type: z.enum(["internal", "route", "loadbalancer", "nodeport", "ingress", "cluster-ip"]),
  tls: z.boolean(),
  authentication: authenticationSchema.optional(),
  bootstrapHost: z.string().min(1).optional(),
  hostTemplate: z.string().min(1).optional(),
  class: z.string().min(1).optional(),
});

const configValue = z.union([z.string(), z.number(), z.boolean()]);

const kafkaSchema = z.strictObject({
  name: dnsLabel,
  namespace: dnsLabel.optional(),
  version: z.string().optional(),
  listeners: z.array(listenerSchema).min(1).optional(),
  superUsers: z.array(z.string().min(1)).optional(),
  authorization: z.enum(["simple", "none"]).optional(),
  controllers: nodePoolSchema.optional(),
  brokers: nodePoolSchema.optional(),
  combinedRoles: z.boolean().optional(),
  rackAwareness: z.boolean().optional(),
  rackTopologyKey: z.string().min(1).optional(),
  config: z.record(z.string(), configValue).optional(),
  cruiseControl: z.boolean().optional(),
  metrics: z.boolean().optional(),
  kafkaExporter: z.boolean().optional(),
  replicationListener: z.string().min(1).optional(),
});

const compatibilitySchema = z.enum(SCHEMA_COMPATIBILITIES as [SchemaCompatibility, ...SchemaCompatibility[]]);

const schemaRegistryRegionSchema = z.strictObject({
  leader: z.boolean().optional(),
  image: z.string().min(1).optional(),
  replicas: z.number().int().min(1).optional(),
  resources: resourcesSchema.optional(),
  compatibility: compatibilitySchema.optional(),
});

const monitoringRegionSchema = z.strictObject({
  enabled: z.boolean().optional(),
  namespace: dnsLabel.optional(),
  selectorLabels: z.record(z.string(), z.string()).optional(),
  consumerLagThreshold: z.number().int().min(1).optional(),
});

const flinkRegionSchema = z.strictObject({
  checkpointBucket: z.string().min(3).optional(),
});

const capacitySchema = z.strictObject({
  cpu: cpuQuantity.optional(),
  memory: quantity.optional(),
  pods: z.number().int().min(0).optional(),
  partitions: z.number().int().min(0).optional(),
  producerByteRate: z.number().int().min(0).optional(),
  consumerByteRate: z.number().int().min(0).optional(),
});

const networkRegionSchema = z.strictObject({
  apiServerCidrs: z.array(z.string()).optional(),
  apiServerPort: z.number().int().min(1).max(65535).optional(),
  flinkOperatorNamespace: dnsLabel.optional(),
  peeringCidrs: z.array(z.string()).optional(),
});

const secretStoreSchema = z.strictObject({
  awsRegion: z.string().optional(),
  serviceAccount: z.strictObject({ name: dnsLabel, namespace: dnsLabel }).optional(),
});

const connectorKind = z.enum(["postgres", "mysql", "sqlserver"]);

const connectRegionSchema = z
  .strictObject({
    image: z.string().min(1).optional(),
    connectors: z.array(connectorKind).optional(),
    converters: z.array(z.enum(["avro"])).optional(),
    build: z
      .strictObject({
        outputRepository: z.string().min(1),
        pushSecret: z.string().min(1).optional(),
        plugins: z
          .array(
            z.strictObject({
              connector: connectorKind,
              sha512: z.string(),
              version: z.string().optional(),
              repository: z.string().optional(),
            }),
          )
          .min(1),
      })
      .optional(),
    replicas: z.number().int().min(1).optional(),
    resources: resourcesSchema.optional(),
  })
  .refine((c) => (c.image === undefined) !== (c.build === undefined), {
    message: "the Connect image is either prebuilt (image + connectors) or built (build): set exactly one of image or build",
    path: ["image"],
  })
  .refine((c) => c.image === undefined || (c.connectors ?? []).length > 0, {
    message: "a prebuilt Connect image must list the Debezium connectors it contains",
    path: ["connectors"],
  });

const clusterSchema = z.strictObject({
  kubeconfig: z
    .union([
      z.strictObject({ config: z.string().min(1) }),
      z.strictObject({ stackReference: z.string().min(1), output: z.string().min(1) }),
    ])
    .optional(),
  oidcProviderArn: z.string().min(1).optional(),
  oidcIssuer: z.string().regex(/^https:\/\//, "must be the https:// issuer URL of the cluster's OIDC provider").optional(),
  clusterName: z.string().min(1).optional(),
  zones: z.array(z.string().min(1)).min(1).optional(),
});

const regionSchema = z.strictObject({
  name: dnsLabel,
  awsRegion: z.string().optional(),
  cluster: clusterSchema.optional(),
  operators: z
    .strictObject({
      install: z.boolean().optional(),
      // The Flink operator's admission webhook needs cert-manager in the cluster (the chart renders its
      // Certificate and Issuer); off unless asked for.
      flinkWebhook: z.boolean().optional(),
    })
    .optional(),
  kafka: kafkaSchema,
  flink: flinkRegionSchema.optional(),
  connect: connectRegionSchema.optional(),
  capacity: capacitySchema.optional(),
  network: networkRegionSchema.optional(),
  secretStore: secretStoreSchema.optional(),
  schemaRegistry: schemaRegistryRegionSchema.optional(),
  monitoring: monitoringRegionSchema.optional(),
});

const schemaRefSchema = z.strictObject({
  file: z.string().min(1).optional(),
  type: z.enum(["avro", "json"]).optional(),
  definition: z.unknown().optional(),
});

const topicSchema = z.strictObject({
  name: z.string().min(1),
  valueSchema: schemaRefSchema.optional(),
  keySchema: schemaRefSchema.optional(),
  compatibility: compatibilitySchema.optional(),
  partitions: z.number().int().min(1).optional(),
  replicas: z.number().int().min(1).optional(),
  retention: z.string().optional(),
  retentionBytes: z.union([z.string(), z.number().int().min(0)]).optional(),
  cleanupPolicy: z.enum(["delete", "compact", "compact,delete"]).optional(),
  minInsyncReplicas: z.number().int().min(1).optional(),
  maxMessageBytes: z.union([z.string(), z.number().int().min(1)]).optional(),
  config: z.record(z.string(), configValue).optional(),
});

const consumeSchema = z.union([
  z.string().min(1),
  z.strictObject({ topic: z.string().min(1), group: z.string().min(1).optional() }),
]);

const appSchema = z.strictObject({
  name: dnsLabel,
  quotaShare: z.number().optional(),
  authentication: z.enum(["scram-sha-512", "tls"]).optional(),
  produces: z.array(z.string().min(1)).optional(),
  consumes: z.array(consumeSchema).optional(),
  quotas: z
    .strictObject({
      producerByteRate: z.number().int().min(0).optional(),
      consumerByteRate: z.number().int().min(0).optional(),
      requestPercentage: z.number().int().min(0).optional(),
      controllerMutationRate: z.number().min(0).optional(),
    })
    .optional(),
});

const flinkResourcesSchema = z.strictObject({
  cpu: z.number().positive().optional(),
  memory: z.string().min(1).optional(),
});

const malformedPolicy = z.enum(["fail", "skip-and-log", "dead-letter"]);

/** A tenant's Flink session cluster: a FlinkDeployment without a job, on which its session jobs run. */
const sessionClusterSchema = z.strictObject({
  name: dnsLabel,
  image: z.string().min(1).optional(),
  flinkVersion: z.string().optional(),
  highAvailability: z.boolean().optional(),
  jobManager: flinkResourcesSchema.extend({ replicas: z.number().int().min(1).optional() }).optional(),
  taskManager: flinkResourcesSchema
    .extend({ replicas: z.number().int().min(1).optional(), slots: z.number().int().min(1).optional() })
    .optional(),
  flinkConfiguration: z.record(z.string(), z.string()).optional(),
  authentication: z.enum(["scram-sha-512", "tls"]).optional(),
  quotaShare: z.number().optional(),
});

const jobSchema = z
  .strictObject({
    name: dnsLabel,
    session: dnsLabel.optional(),
    image: z.string().min(1).optional(),
    flinkVersion: z.string().optional(),
    jar: z.strictObject({ uri: z.string().min(1), entryClass: z.string().min(1).optional(), args: z.array(z.string()).optional() }).optional(),
    sql: z
      .strictObject({
        statements: z.array(z.string()).min(1),
        runnerJarUri: z.string().min(1).optional(),
        runnerEntryClass: z.string().min(1).optional(),
      })
      .optional(),
    parallelism: z.number().int().min(1).optional(),
    upgradeMode: z.enum(["savepoint", "last-state", "stateless"]).optional(),
    state: z.enum(["running", "suspended"]).optional(),
    stateless: z.boolean().optional(),
    allowNonRestoredState: z.boolean().optional(),
    initialSavepointPath: z.string().min(1).optional(),
    savepointTriggerNonce: z.number().int().optional(),
    periodicSavepointInterval: z.string().optional(),
    checkpointInterval: z.string().optional(),
    checkpointsRetained: z.number().int().min(1).optional(),
    highAvailability: z.boolean().optional(),
    jobManager: flinkResourcesSchema.extend({ replicas: z.number().int().min(1).optional() }).optional(),
    taskManager: flinkResourcesSchema
      .extend({ replicas: z.number().int().min(1).optional(), slots: z.number().int().min(1).optional() })
      .optional(),
    autoscaler: z
      .strictObject({
        enabled: z.boolean().optional(),
        targetUtilization: z.number().optional(),
        minUtilization: z.number().optional(),
        maxUtilization: z.number().optional(),
        minParallelism: z.number().int().optional(),
        maxParallelism: z.number().int().optional(),
        metricsWindow: z.string().optional(),
        stabilizationInterval: z.string().optional(),
      })
      .optional(),
    reads: z.array(z.string().min(1)).optional(),
    writes: z.array(z.string().min(1)).optional(),
    group: z.string().min(1).optional(),
    authentication: z.enum(["scram-sha-512", "tls"]).optional(),
    flinkConfiguration: z.record(z.string(), z.string()).optional(),
    quotaShare: z.number().optional(),
    secretEnv: z.array(z.strictObject({ name: z.string().min(1), secret: z.string().min(1), key: z.string().min(1) })).optional(),
    guarantee: z.enum(["exactly-once", "at-least-once"]).optional(),
    backfill: z
      .strictObject({
        from: z.string().min(1),
        output: z.enum(["separate", "same"]).optional(),
        parallelism: z.number().int().min(1).optional(),
      })
      .optional(),
    onMalformed: malformedPolicy.optional(),
    deadLetter: z.strictObject({ retention: z.string().optional(), partitions: z.number().int().min(1).optional() }).optional(),
    savepointHistory: z.strictObject({ maxCount: z.number().int().min(1).optional(), maxAge: z.string().optional() }).optional(),
    snapshots: z.array(z.strictObject({ name: dnsLabel, path: z.string().min(1) })).optional(),
    restore: z
      .strictObject({ snapshot: z.string().min(1).optional(), path: z.string().min(1).optional(), nonce: z.number().int().min(1) })
      .refine((r) => (r.snapshot === undefined) !== (r.path === undefined), { message: "restore names either a snapshot or a path: set exactly one", path: ["snapshot"] })
      .optional(),
  })
  .refine((j) => (j.jar === undefined) !== (j.sql === undefined), {
    message: "a job runs either a jar or SQL statements: set exactly one of jar or sql",
    path: ["jar"],
  });

const sourceSchema = z.strictObject({
  name: dnsLabel,
  type: connectorKind,
  host: z.string().min(1),
  port: z.number().int().optional(),
  databaseCidr: z.string().optional(),
  database: z.string().min(1).optional(),
  serverId: z.number().int().optional(),
  credentials: z.strictObject({
    secret: z.string().min(1),
    userKey: z.string().min(1).optional(),
    passwordKey: z.string().min(1).optional(),
  }),
  tables: z.array(z.string().min(1)).min(1),
  topicPrefix: z.string().min(1).optional(),
  signalTable: z.string().min(1).optional(),
  columnExcludeList: z.array(z.string().min(1)).optional(),
  tasksMax: z.number().int().optional(),
  state: z.enum(["running", "paused", "stopped"]).optional(),
  errorPolicy: z.enum(["fail", "log-and-skip"]).optional(),
  retryTimeout: z.string().optional(),
  heartbeatInterval: z.string().optional(),
  heartbeatActionQuery: z.string().min(1).optional(),
  snapshotMode: z.string().optional(),
  slotName: z.string().optional(),
  publicationName: z.string().optional(),
  slotDropOnStop: z.boolean().optional(),
  sslMode: z.string().optional(),
  encrypt: z.boolean().optional(),
  topicPartitions: z.number().int().min(1).optional(),
  format: z.enum(["json", "avro"]).optional(),
  incrementalSnapshots: z.array(z.strictObject({ id: z.string().min(1), tables: z.array(z.string().min(1)) })).optional(),
  config: z.record(z.string(), configValue).optional(),
});

const tenantSchema = z.strictObject({
  name: dnsLabel.max(40, "is limited to 40 characters so that derived user and topic names stay within Kubernetes limits"),
  regions: z.array(z.string()).min(1).optional(),
  onMalformed: malformedPolicy.optional(),
  topics: z.array(topicSchema).optional(),
  apps: z.array(appSchema).optional(),
  jobs: z.array(jobSchema).optional(),
  sessionClusters: z.array(sessionClusterSchema).optional(),
  sources: z.array(sourceSchema).optional(),
  quota: z
    .strictObject({
      cpu: cpuQuantity.optional(),
      memory: quantity.optional(),
      pods: z.number().int().min(0).optional(),
      persistentVolumeClaims: z.number().int().min(0).optional(),
      storage: quantity.optional(),
    })
    .optional(),
  containerLimits: z
    .strictObject({
      defaultCpuRequest: cpuQuantity.optional(),
      defaultMemory: quantity.optional(),
      defaultCpuLimit: cpuQuantity.optional(),
      maxMemory: quantity.optional(),
      maxCpu: cpuQuantity.optional(),
    })
    .optional(),
  adminGroups: z.array(z.string().min(1)).optional(),
  viewerGroups: z.array(z.string().min(1)).optional(),
  egress: z.array(z.strictObject({ cidr: z.string(), port: z.number().int(), description: z.string().optional() })).optional(),
  kafkaQuota: z
    .strictObject({
      producerByteRate: z.number().int().min(0).optional(),
      consumerByteRate: z.number().int().min(0).optional(),
      requestPercentage: z.number().int().min(0).optional(),
    })
    .optional(),
  secrets: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        remoteKey: z.string().min(1),
        properties: z.array(z.string().min(1)).optional(),
        refreshInterval: z.string().optional(),
      }),
    )
    .optional(),
});

const replicationSchema = z.strictObject({
  tenant: z.string().min(1),
  primary: z.string().min(1),
  standby: z.string().min(1),
  topics: z.array(z.string().min(1)).min(1).optional(),
  replicas: z.number().int().min(1).optional(),
  tasksMax: z.number().int().min(1).optional(),
  resources: resourcesSchema.optional(),
});

/** The zod schema of a platform spec. */
export const platformSpecSchema = z.strictObject({
  apiVersion: z.literal("floe.dev/v1alpha1").optional(),
  kind: z.literal("Platform").optional(),
  environment: dnsLabel,
  production: z.boolean().optional(),
  delivery: z.enum(["pulumi", "gitops"]).optional(),
  allowDestructive: z
    .array(
      z.strictObject({
        kind: z.string().min(1),
        name: z.string().min(1),
        namespace: z.string().min(1).optional(),
        reason: z.string().min(10, "must say why the change is accepted (at least 10 characters), for the reviewer"),
      }),
    )
    .optional(),
  aws: z
    .strictObject({
      accountId: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id").optional(),
      workloadIdentity: z.enum(["irsa", "pod-identity"]).optional(),
    })
    .optional(),
  regions: z.array(regionSchema).min(1),
  tenants: z.array(tenantSchema).optional(),
  replication: z.array(replicationSchema).optional(),
});

/** A platform spec: environment, regions with their Kafka cluster, tenants with topics and apps. */
export type PlatformSpec = z.infer<typeof platformSpecSchema>;
/** One region of a {@link PlatformSpec}. */
export type RegionSpec = PlatformSpec["regions"][number];
/** One tenant of a {@link PlatformSpec}. */
export type TenantSpec = NonNullable<PlatformSpec["tenants"]>[number];
/** One topic of a tenant. */
export type TopicSpec = NonNullable<TenantSpec["topics"]>[number];
/** One app (Kafka user) of a tenant. */
export type AppSpec = NonNullable<TenantSpec["apps"]>[number];
/** One Flink job of a tenant. */
export type JobSpec = NonNullable<TenantSpec["jobs"]>[number];
/** One `tenants[].sessionClusters[]` entry. */
export type SessionClusterSpec = NonNullable<TenantSpec["sessionClusters"]>[number];

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
function sessionClusterIssues(tenant: TenantSpec, scope: string, appNames: ReadonlySet<string>): ValidationIssue[] {
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
/** One CDC source of a tenant. */
export type SourceSpec = NonNullable<TenantSpec["sources"]>[number];
/** One replication entry: a tenant's topic set copied from its primary region to a standby region. */
export type ReplicationSpec = NonNullable<PlatformSpec["replication"]>[number];

/** Whether a tenant declares topic schemas or Avro CDC sources (its regions then run a Schema Registry). */
export function tenantUsesSchemas(tenant: TenantSpec): boolean {
  return (tenant.topics ?? []).some((t) => t.valueSchema || t.keySchema) || (tenant.sources ?? []).some((s) => s.format === "avro");
}

/** The regions that run a Schema Registry: those that ask for one, and those where a tenant uses schemas. */
export function schemaRegistryRegions(spec: PlatformSpec): Set<string> {
  const all = spec.regions.map((r) => r.name);
  const out = new Set(spec.regions.filter((r) => r.schemaRegistry !== undefined).map((r) => r.name));
  for (const tenant of (spec.tenants ?? []).filter(tenantUsesSchemas)) for (const r of tenant.regions ?? all) out.add(r);
  return out;
}

/**
 * The region whose Schema Registry assigns schema ids: the one that says `schemaRegistry.leader: true`, else
 * the only region running a registry. The other regions' registries follow it (read-only, its schemas topic
 * mirrored to them), so an id in a record means the same schema in every region. Undefined when no region, or
 * several without a leader (an error of {@link registryLeaderIssues}).
 */
export function schemaRegistryLeader(spec: PlatformSpec): string | undefined {
  const regions = [...schemaRegistryRegions(spec)];
  const declared = spec.regions.filter((r) => r.schemaRegistry?.leader === true).map((r) => r.name);
  if (declared.length === 1) return declared[0];
  return declared.length === 0 && regions.length === 1 ? regions[0] : undefined;
}

/** The local name of a job's dead-letter topic (`<job>.dead-letter`; Kafka name `<tenant>.<job>.dead-letter`). */
export function deadLetterTopicName(job: string): string {
  return `${job}.dead-letter`;
}

/** The local names (without the tenant prefix) of the topics a CDC source writes, one per table. */
export function sourceTopicNames(source: SourceSpec): string[] {
  const prefix = source.topicPrefix ?? source.name;
  return [...source.tables, ...(source.signalTable ? [source.signalTable] : [])].map(
    (t) => `${prefix}.${t.split(".").map((p) => p.replace(/[^a-zA-Z0-9._-]/g, "_")).join(".")}`,
  );
}

/** `tenants[2].topics[0].partitions` from `["tenants", 2, "topics", 0, "partitions"]`. */
export function formatSpecPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function zodIssueToValidationIssue(issue: z.core.$ZodIssue, input: unknown): ValidationIssue {
  const path = issue.path;
  if (issue.code === "unrecognized_keys") {
    const parent = formatSpecPath(path);
    return {
      code: "UnknownSpecField",
      scope: parent,
      field: issue.keys.join(", "),
      value: issue.keys.length === 1 ? valueAt(input, [...path, issue.keys[0]]) : issue.keys,
      message: `is not a field of ${parent || "the spec"}`,
      fix: "remove it or correct its spelling (see the README's annotated spec)",
    };
  }
  const field = path.length > 0 ? String(path[path.length - 1]) : "";
  const parentPath = path.slice(0, -1);
  const scope = formatSpecPath(parentPath);
  const value = valueAt(input, path);
  let fix = "correct the value (see the README's annotated spec)";
  if (issue.code === "invalid_type" && value === undefined) fix = `add the required field ${field}`;
  else if (issue.code === "invalid_value" && "values" in issue) fix = `use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  else if (issue.code === "too_small") fix = `use a value of at least ${String(issue.minimum)}`;
  else if (issue.code === "too_big") fix = `use a value of at most ${String(issue.maximum)}`;
  else if (issue.code === "invalid_union") fix = "use one of the documented forms of this field (see the README)";
  return {
    code: "InvalidSpecValue",
    scope,
    field: typeof path[path.length - 1] === "number" ? `[${String(path[path.length - 1])}]` : field,
    value,
    message: issue.message,
    fix,
  };
}

const INLINE_SECRET_KEYS = ["value", "stringData", "data", "password", "secretValue", "plaintext"];

/**
 * Secrets are references, never values: a `secrets[]` entry or source credentials carrying a value is refused
 * with its own error (before the shape check, so the message is about the secret, not about an unknown key).
 */
function inlineSecretIssues(input: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const tenants = (input as { tenants?: unknown })?.tenants;
  if (!Array.isArray(tenants)) return issues;
  const check = (obj: unknown, scope: string, fix: string) => {
    if (!obj || typeof obj !== "object") return;
    for (const key of INLINE_SECRET_KEYS) {
      if (key in (obj as Record<string, unknown>)) {
        issues.push({
          code: "InlineSecretValue",
          scope,
          field: key,
          value: "<redacted>",
          message: "a secret value in the spec would end up in git, in rendered manifests and in CI logs",
          fix,
        });
      }
    }
  };
  tenants.forEach((t: unknown, ti: number) => {
    const tenant = t as { secrets?: unknown; sources?: unknown };
    if (Array.isArray(tenant?.secrets)) {
      tenant.secrets.forEach((sec: unknown, si: number) =>
        check(sec, `tenants[${ti}].secrets[${si}]`, "store the value in AWS Secrets Manager and reference it with remoteKey (<environment>/<tenant>/<name>)"),
      );
    }
    if (Array.isArray(tenant?.sources)) {
      tenant.sources.forEach((src: unknown, si: number) =>
        check((src as { credentials?: unknown })?.credentials, `tenants[${ti}].sources[${si}].credentials`, "name a tenant secret (credentials.secret) instead"),
      );
    }
  });
  return issues;
}

/** Options of {@link parsePlatformSpec}. */
export interface ParseSpecOptions {
  /**
   * Directory that relative schema `file`s are resolved against (the spec file's directory). When given, schema
   * files must lie in it (`SchemaFileOutsideSpec`: no absolute path, no `..`, no link out of it).
   * @default - the current working directory, unconfined (a spec built in code)
   */
  readonly baseDir?: string;
}

/**
 * Parse and check a spec object (zod shape, then cross-references). Topic schema files are read (relative to
 * `baseDir`) and parsed: each schema ends up as `definition` + `type` of its reference. Throws {@link ValidationError}.
 */
export function parsePlatformSpec(input: unknown, options: ParseSpecOptions = {}): PlatformSpec {
  ValidationError.throwIfAny(inlineSecretIssues(input));
  const result = platformSpecSchema.safeParse(input, { reportInput: true });
  if (!result.success) {
    throw new ValidationError(result.error.issues.map((i) => zodIssueToValidationIssue(i, input)));
  }
  // A spec read from a file reads schema files beside it only; a spec built in code names what it likes.
  ValidationError.throwIfAny(resolveSchemas(result.data, options.baseDir ?? process.cwd(), options.baseDir !== undefined));
  ValidationError.throwIfAny(checkReferences(result.data));
  return result.data;
}

/** A topic schema reference of the spec as a parsed {@link TopicSchema} (after {@link parsePlatformSpec}). */
export function topicSchemaOf(ref: NonNullable<TopicSpec["valueSchema"]>, ctx: { scope: string; field: string }): TopicSchema {
  return ref.type === "avro" ? TopicSchema.avro(ref.definition, ctx) : TopicSchema.jsonSchema(ref.definition, ctx);
}

/** Read and parse every topic schema; set `definition` and `type` from the file. */
function resolveSchemas(spec: PlatformSpec, baseDir: string, confined: boolean): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  (spec.tenants ?? []).forEach((tenant, ti) =>
    (tenant.topics ?? []).forEach((topic, pi) => {
      for (const which of ["valueSchema", "keySchema"] as const) {
        const ref = topic[which];
        if (!ref) continue;
        const scope = `tenants[${ti}].topics[${pi}]`;
        const mutable = ref as { file?: string; type?: "avro" | "json"; definition?: unknown };
        if ((ref.file === undefined) === (ref.definition === undefined)) {
          issues.push({
            code: "SchemaSourceAmbiguous",
            scope,
            field: which,
            value: ref.file ?? "(inline)",
            message: ref.file === undefined ? "names neither a schema file nor an inline definition" : "has both a file and an inline definition",
            fix: "set exactly one of file (an .avsc or .json file next to the spec) or definition",
          });
          continue;
        }
        try {
          if (ref.file !== undefined) {
            const path = resolve(baseDir, ref.file);
            if (confined && (isAbsolute(ref.file) || !withinDirectory(baseDir, path))) {
              issues.push({
                code: "SchemaFileOutsideSpec",
                scope,
                field: `${which}.file`,
                value: ref.file,
                message: "lies outside the spec's directory (an absolute path, a '..' or a link out of it): a spec reads only files beside it",
                fix: "put the schema file in the spec's directory (or below it) and give its relative path",
              });
              continue;
            }
            const parsed = TopicSchema.fromFile(path, { scope, field: `${which}.file` }, ref.type);
            mutable.type = parsed.type;
            mutable.definition = parsed.definition;
          } else if (ref.type === undefined) {
            issues.push({ code: "SchemaTypeUnknown", scope, field: `${which}.type`, value: undefined, message: "an inline schema needs its language", fix: "set type: avro or type: json" });
          } else {
            topicSchemaOf(ref, { scope, field: `${which}.definition` });
          }
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          issues.push(...e.issues);
        }
      }
    }),
  );
  return issues;
}

/** Whether `path` (links resolved) lies in `dir` (links resolved). */
function withinDirectory(dir: string, path: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const rel = relative(real(dir), real(path));
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** The files a synth of `spec` (loaded from `specFile`) reads: the spec and the schema files it names. */
export function specInputFiles(spec: PlatformSpec, specFile: string): string[] {
  const baseDir = dirname(resolve(specFile));
  const schemaFiles = (spec.tenants ?? []).flatMap((t) =>
    (t.topics ?? []).flatMap((topic) => [topic.valueSchema?.file, topic.keySchema?.file].filter((f): f is string => f !== undefined).map((f) => resolve(baseDir, f))),
  );
  return [resolve(specFile), ...schemaFiles];
}

/** Read a YAML spec file and parse it. YAML syntax errors carry line and column. */
export function loadPlatformSpec(file: string): PlatformSpec {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ValidationError({
      code: "SpecNotReadable",
      scope: file,
      field: "",
      value: file,
      message: `cannot read the spec file (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      fix: "pass the path of an existing YAML spec file",
    });
  }
  return parsePlatformSpecYaml(text, file, { baseDir: dirname(resolve(file)) });
}

/** Parse YAML text as a spec; `source` names it in errors. */
export function parsePlatformSpecYaml(text: string, source = "spec", options: ParseSpecOptions = {}): PlatformSpec {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const multiple = doc.errors.find((e) => e.code === "MULTIPLE_DOCS");
  if (multiple) {
    throw new ValidationError({
      code: "MultipleYamlDocuments",
      scope: source,
      field: multiple.linePos ? `line ${multiple.linePos[0].line}` : "",
      value: "---",
      message: "holds more than one YAML document: a spec is one document",
      fix: "keep one platform spec per file (remove the '---' and what follows, or split the file)",
    });
  }
  if (doc.errors.length > 0) {
    throw new ValidationError(
      doc.errors.map((e) => ({
        code: "InvalidYaml",
        scope: source,
        field: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "",
        value: undefined,
        // The parser's message repeats the position ("... at line 2, column 1:"): the field says it already.
        message: e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, ""),
        fix: "fix the YAML syntax at that position",
      })),
    );
  }
  if (doc.contents === null) {
    throw new ValidationError({
      code: "EmptySpec",
      scope: source,
      field: "",
      value: undefined,
      message: "holds no spec (it is empty or only comments)",
      fix: "write a platform spec (environment, regions, tenants), e.g. from examples/platform.yaml",
    });
  }
  let data: unknown;
  try {
    // The yaml library refuses documents whose aliases expand beyond maxAliasCount (an alias bomb).
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    throw new ValidationError({
      code: "ExcessiveYamlAliases",
      scope: source,
      field: "",
      value: undefined,
      message: "expands its aliases (*name) beyond 100 uses: a spec never needs that, an attack on memory does",
      fix: "write the values out instead of aliasing aliases",
    });
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new ValidationError({
      code: "SpecNotAMapping",
      scope: source,
      field: "",
      value: Array.isArray(data) ? "(a list)" : data,
      message: "is not a mapping of spec fields (environment, regions, tenants...)",
      fix: "write the spec as a YAML mapping, e.g. from examples/platform.yaml",
    });
  }
  return parsePlatformSpec(data, options);
}

/** One `Duplicate<What>` issue per item whose name an earlier item of `items` (at `listPath`) already has. */
function duplicateNames(code: string, listPath: string, items: readonly { readonly name: string }[], what: string): ValidationIssue[] {
  const first = new Map<string, number>();
  const issues: ValidationIssue[] = [];
  items.forEach((item, i) => {
    const j = first.get(item.name);
    if (j === undefined) {
      first.set(item.name, i);
      return;
    }
    issues.push({
      code,
      scope: `${listPath}[${i}]`,
      field: "name",
      value: item.name,
      message: `is also the name of ${listPath}[${j}]`,
      fix: `declare each ${what} once`,
    });
  });
  return issues;
}

/** Cross-reference checks that a shape schema cannot express. */
function checkReferences(spec: PlatformSpec): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const regionNames = spec.regions.map((r) => r.name);
  issues.push(...duplicateNames("DuplicateRegion", "regions", spec.regions, "region"));
  const tenants = spec.tenants ?? [];
  issues.push(...duplicateNames("DuplicateTenant", "tenants", tenants, "tenant"));
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
  const registryRegions = schemaRegistryRegions(spec);
  // Namespaces a tenant's namespace (named after the tenant) must never be: Kubernetes' own, the operators', the
  // platform's (Kafka, monitoring, the secret store's service account).
  const reserved = new Set([
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
  // A tenant owns the Kafka prefix `<tenant>.` (topics, groups, ACLs): it must not cover the platform's own topics,
  // MirrorMaker 2's (`mirrormaker2.<mirror>.`, `mm2-offset-syncs.`) and the registry's (`schema-registry.schemas`).
  const reservedPrefixes = new Set(["mirrormaker2", "mm2-offset-syncs", "schema-registry"]);
  // A group in two tenants' role bindings reaches both: the one path RBAC would open between tenants.
  const groupOwners = new Map<string, string>();
  tenants.forEach((tenant, ti) => {
    const scope = `tenants[${ti}]`;
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
    if (reservedPrefixes.has(tenant.name)) {
      issues.push({
        code: "ReservedTenantName",
        scope,
        field: "name",
        value: tenant.name,
        message: `its Kafka prefix "${tenant.name}." would cover the platform's own topics (MirrorMaker 2's checkpoints and offset syncs, the registry's schemas)`,
        fix: `choose another tenant name (not ${[...reservedPrefixes].sort().join(", ")})`,
      });
    }
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
    const topics = tenant.topics ?? [];
    issues.push(...duplicateNames("DuplicateTopic", `${scope}.topics`, topics, "topic"));
    const apps = tenant.apps ?? [];
    issues.push(...duplicateNames("DuplicateApp", `${scope}.apps`, apps, "app"));
    const jobs = tenant.jobs ?? [];
    issues.push(...duplicateNames("DuplicateJob", `${scope}.jobs`, jobs, "job"));
    const appNames = new Set(apps.map((a) => a.name));
    issues.push(...sessionClusterIssues(tenant, scope, appNames));
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
    const sources = tenant.sources ?? [];
    issues.push(...duplicateNames("DuplicateSource", `${scope}.sources`, sources, "source"));
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
    (tenant.jobs ?? []).forEach((job, ji) => (job.secretEnv ?? []).forEach((e, ei) => secretRef(e.secret, `${scope}.jobs[${ji}].secretEnv[${ei}]`, "secret")));
    const topicNames = new Set([...topics.map((t) => t.name), ...sources.flatMap(sourceTopicNames)]);
    const tenantRegions = tenant.regions ?? regionNames;
    if (sources.length > 0) {
      spec.regions.forEach((region, ri) => {
        if (!tenantRegions.includes(region.name) || region.connect) return;
        issues.push({
          code: "ConnectNotConfigured",
          scope: `regions[${ri}]`,
          field: "connect",
          value: undefined,
          message: `tenant ${tenant.name} has CDC sources, but the region has no Kafka Connect image`,
          fix: "add connect: { image, connectors } (a prebuilt image) or connect: { build: { outputRepository, plugins } }",
        });
      });
    }
    // Avro CDC needs the Avro converter in the Connect image; SQL using the registry token needs a registry.
    spec.regions.forEach((region, ri) => {
      if (!tenantRegions.includes(region.name)) return;
      sources.forEach((src, si) => {
        if (src.format !== "avro" || !region.connect || (region.connect.converters ?? []).includes("avro")) return;
        issues.push({
          code: "ConverterMissing",
          scope: `regions[${ri}].connect`,
          field: "converters",
          value: region.connect.converters ?? [],
          message: `${scope}.sources[${si}] writes Avro, but the region's Connect image does not declare the Avro converter`,
          fix: region.connect.build
            ? "use a prebuilt image that contains io.confluent.connect.avro.AvroConverter and list converters: [avro] (Floe builds only Debezium plugins)"
            : "add the Avro converter (io.confluent.connect.avro.AvroConverter) to the image and list converters: [avro]",
        });
      });
      jobs.forEach((job, ji) =>
        (job.sql?.statements ?? []).forEach((st, k) => {
          if (!st.includes("{{schemaRegistryUrl}}")) return;
          if (!registryRegions.has(region.name)) {
            issues.push({
              code: "SchemaRegistryMissing",
              scope: `${scope}.jobs[${ji}].sql`,
              field: `statements[${k}]`,
              value: "{{schemaRegistryUrl}}",
              message: `uses the Schema Registry URL, but region ${region.name} has no Schema Registry`,
              fix: `declare regions[${ri}].schemaRegistry (or a topic schema in the region)`,
            });
            return;
          }
          // The registry admits authenticated principals only (its proxy), and Flink's avro-confluent format hands
          // its options to Confluent's client as they are: no config provider would read the password from the
          // job's mounted Secret, so the statement would have to carry it in clear.
          issues.push({
            code: "RegistryCredentialsUnavailable",
            scope: `${scope}.jobs[${ji}].sql`,
            field: `statements[${k}]`,
            value: "{{schemaRegistryUrl}}",
            message: "Flink's avro-confluent format cannot read a credential from a file, and the registry admits authenticated principals only; the statement would have to hold the job's password",
            fix: "use the json or avro format for the table, or a jar job: it gets FLOE_SCHEMA_REGISTRY_URL and authenticates with its Kafka credential (basic.auth.credentials.source=SASL_INHERIT)",
          });
        }),
      );
    });
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
  });
  issues.push(...checkReplication(spec), ...registryLeaderIssues(spec), ...peeringIssues(spec));
  return issues;
}
