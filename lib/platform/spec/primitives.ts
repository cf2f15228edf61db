// The spec's shared value shapes (names, quantities, resources, config values).

import { z } from "zod";
import { SCHEMA_COMPATIBILITIES, SchemaCompatibility } from "../../k8s/schema";

export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label (lower-case letters, digits, '-')")
  .max(63);

export const quantity = z.string().regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/, "must be a Kubernetes quantity such as 100Gi");

export const cpuQuantity = z.union([z.string().regex(/^\d+(\.\d+)?m?$/, "must be a CPU quantity such as 500m or 2"), z.number().positive()]);

export const resourcesSchema = z.strictObject({
  requests: z.strictObject({ cpu: cpuQuantity.optional(), memory: quantity.optional() }).optional(),
  limits: z.strictObject({ cpu: cpuQuantity.optional(), memory: quantity.optional() }).optional(),
});

export const configValue = z.union([z.string(), z.number(), z.boolean()]);

export const compatibilitySchema = z.enum(SCHEMA_COMPATIBILITIES as [SchemaCompatibility, ...SchemaCompatibility[]]);

export const malformedPolicy = z.enum(["fail", "skip-and-log", "dead-letter"]);
