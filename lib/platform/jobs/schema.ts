// The spec's Flink jobs and session clusters, and a region's `flink` settings.

import { z } from "zod";
import { dnsLabel, malformedPolicy } from "../spec/primitives";

export const flinkRegionSchema = z.strictObject({
  checkpointBucket: z.string().min(3).optional(),
});

const flinkResourcesSchema = z.strictObject({
  cpu: z.number().positive().optional(),
  memory: z.string().min(1).optional(),
});

/** A tenant's Flink session cluster: a FlinkDeployment without a job, on which its session jobs run. */
export const sessionClusterSchema = z.strictObject({
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

export const jobSchema = z
  .strictObject({
    name: dnsLabel,
    session: dnsLabel.optional(),
    image: z.string().min(1).optional(),
    flinkVersion: z.string().optional(),
    jar: z.strictObject({ uri: z.string().min(1), entryClass: z.string().min(1).optional(), args: z.array(z.string()).optional() }).optional(),
    sql: z
      .strictObject({
        statements: z.array(z.string()).min(1),
        tables: z.array(z.strictObject({ topic: z.string().min(1), name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a SQL identifier ([A-Za-z_][A-Za-z0-9_]*)").optional() })).optional(),
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
