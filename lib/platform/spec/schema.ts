import { z } from "zod";
import { flinkRegionSchema, jobSchema, sessionClusterSchema } from "../jobs/schema";
import { kafkaSchema } from "../kafka/schema";
import { monitoringRegionSchema } from "../monitoring/schema";
import { nodesRegionSchema } from "../nodes/schema";
import { replicationSchema } from "../replication/schema";
import { schemaRegistryRegionSchema, serializationSchema } from "../schemas/schema";
import { sinkSchema } from "../sinks/schema";
import { connectRegionSchema, sourceSchema } from "../sources/schema";
import { capacitySchema, containerLimitsSchema, egressSchema, kafkaQuotaSchema, networkRegionSchema, secretStoreSchema, tenantQuotaSchema, tenantSecretSchema } from "../tenancy/schema";
import { appSchema, topicSchema } from "../topics/schema";
import { dnsLabel, malformedPolicy } from "./primitives";

/*
 * The PlatformSpec: what a platform engineer writes. Parsed with zod (unknown keys are errors), then checked
 * for cross-references. Every error names the spec path, e.g. `tenants[2].topics[0].partitions`.
 */

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
  nodes: nodesRegionSchema.optional(),
  network: networkRegionSchema.optional(),
  secretStore: secretStoreSchema.optional(),
  schemaRegistry: schemaRegistryRegionSchema.optional(),
  monitoring: monitoringRegionSchema.optional(),
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
  sinks: z.array(sinkSchema).optional(),
  quota: tenantQuotaSchema.optional(),
  containerLimits: containerLimitsSchema.optional(),
  adminGroups: z.array(z.string().min(1)).optional(),
  viewerGroups: z.array(z.string().min(1)).optional(),
  egress: z.array(egressSchema).optional(),
  kafkaQuota: kafkaQuotaSchema.optional(),
  secrets: z.array(tenantSecretSchema).optional(),
  serialization: serializationSchema.optional(),
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
      // A CloudTrail trail per region (lib/cloud/audit-trail.ts): management events and checkpoint bucket objects.
      auditTrail: z.strictObject({ retentionDays: z.number().int().min(1).optional() }).optional(),
    })
    .optional(),
  regions: z.array(regionSchema).min(1),
  tenants: z.array(tenantSchema).optional(),
  replication: z.array(replicationSchema).optional(),
  serialization: serializationSchema.optional(),
});

/** A platform spec: environment, regions with their Kafka cluster, tenants with topics and apps. */
export type PlatformSpec = z.infer<typeof platformSpecSchema>;

/** One region of a {@link PlatformSpec}. */
export type RegionSpec = PlatformSpec["regions"][number];

/** One tenant of a {@link PlatformSpec}. */
export type TenantSpec = NonNullable<PlatformSpec["tenants"]>[number];

/** Whether `tenant` runs in the region named `region`: it is in the tenant's `regions`, or the tenant names none. */
export function tenantRunsIn(spec: PlatformSpec, tenant: TenantSpec, region: string): boolean {
  return (tenant.regions ?? spec.regions.map((r) => r.name)).includes(region);
}

/** One topic of a tenant. */
export type TopicSpec = NonNullable<TenantSpec["topics"]>[number];

/** One app (Kafka user) of a tenant. */
export type AppSpec = NonNullable<TenantSpec["apps"]>[number];

/** One Flink job of a tenant. */
export type JobSpec = NonNullable<TenantSpec["jobs"]>[number];

/** One `tenants[].sessionClusters[]` entry. */
export type SessionClusterSpec = NonNullable<TenantSpec["sessionClusters"]>[number];

/** One CDC source of a tenant. */
export type SourceSpec = NonNullable<TenantSpec["sources"]>[number];

/** One sink connector of a tenant. */
export type SinkSpec = NonNullable<TenantSpec["sinks"]>[number];
export type JdbcSinkSpec = Extract<SinkSpec, { type: "jdbc" }>;
export type IcebergSinkSpec = Extract<SinkSpec, { type: "iceberg" }>;

/** One replication entry: a tenant's topic set copied from its primary region to a standby region. */
export type ReplicationSpec = NonNullable<PlatformSpec["replication"]>[number];
