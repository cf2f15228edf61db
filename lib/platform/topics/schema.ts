// The spec's `tenants[].topics` and `tenants[].apps` (Kafka users with what they produce and consume).

import { z } from "zod";
import { schemaRefSchema } from "../schemas/schema";
import { compatibilitySchema, configValue, dnsLabel } from "../spec/primitives";

export const topicSchema = z.strictObject({
  name: z.string().min(1),
  valueSchema: schemaRefSchema.optional(),
  keySchema: schemaRefSchema.optional(),
  compatibility: compatibilitySchema.optional(),
  partitions: z.number().int().min(1).optional(),
  replicas: z.number().int().min(1).optional(),
  retention: z.string().optional(),
  retentionBytes: z.union([z.string(), z.number().int().min(0)]).optional(),
  cleanupPolicy: z.enum(["delete", "compact", "compact,delete"]).optional(),
  carries: z.enum(["append", "changelog"]).optional(),
  minInsyncReplicas: z.number().int().min(1).optional(),
  maxMessageBytes: z.union([z.string(), z.number().int().min(1)]).optional(),
  config: z.record(z.string(), configValue).optional(),
  // Longest time the topic may receive no record before TopicStale fires (lib/k8s/monitoring/alerts.ts).
  freshness: z.string().optional(),
});

const consumeSchema = z.union([
  z.string().min(1),
  z.strictObject({ topic: z.string().min(1), group: z.string().min(1).optional() }),
]);

export const appSchema = z.strictObject({
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
