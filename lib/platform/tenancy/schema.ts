// The spec's tenancy: a region's capacity, network and secret store; a tenant's quotas, limits, groups, egress, secrets.

import { z } from "zod";
import { cpuQuantity, dnsLabel, quantity } from "../spec/primitives";

export const capacitySchema = z.strictObject({
  cpu: cpuQuantity.optional(),
  memory: quantity.optional(),
  pods: z.number().int().min(0).optional(),
  partitions: z.number().int().min(0).optional(),
  producerByteRate: z.number().int().min(0).optional(),
  consumerByteRate: z.number().int().min(0).optional(),
});

export const networkRegionSchema = z.strictObject({
  apiServerCidrs: z.array(z.string()).optional(),
  apiServerPort: z.number().int().min(1).max(65535).optional(),
  flinkOperatorNamespace: dnsLabel.optional(),
  peeringCidrs: z.array(z.string()).optional(),
});

export const secretStoreSchema = z.strictObject({
  awsRegion: z.string().optional(),
  serviceAccount: z.strictObject({ name: dnsLabel, namespace: dnsLabel }).optional(),
});

/** A tenant's namespace quota (ResourceQuota). */
export const tenantQuotaSchema = z.strictObject({
  cpu: cpuQuantity.optional(),
  memory: quantity.optional(),
  pods: z.number().int().min(0).optional(),
  persistentVolumeClaims: z.number().int().min(0).optional(),
  storage: quantity.optional(),
});

/** A tenant's container defaults and limits (LimitRange). */
export const containerLimitsSchema = z.strictObject({
  defaultCpuRequest: cpuQuantity.optional(),
  defaultMemory: quantity.optional(),
  defaultCpuLimit: cpuQuantity.optional(),
  maxMemory: quantity.optional(),
  maxCpu: cpuQuantity.optional(),
});

/** A network a tenant's pods may reach beyond the platform (its NetworkPolicy egress). */
export const egressSchema = z.strictObject({ cidr: z.string(), port: z.number().int(), description: z.string().optional() });

/** A tenant's Kafka quota, split across its users. */
export const kafkaQuotaSchema = z.strictObject({
  producerByteRate: z.number().int().min(0).optional(),
  consumerByteRate: z.number().int().min(0).optional(),
  requestPercentage: z.number().int().min(0).optional(),
});

/** A tenant secret: a reference to AWS Secrets Manager (never a value). */
export const tenantSecretSchema = z.strictObject({
  name: z.string().min(1),
  remoteKey: z.string().min(1),
  properties: z.array(z.string().min(1)).optional(),
  refreshInterval: z.string().optional(),
});
