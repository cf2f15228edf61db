// The spec's schema references (`valueSchema`, `keySchema`) and a region's `schemaRegistry`.

import { z } from "zod";
import { compatibilitySchema, resourcesSchema } from "../spec/primitives";

export const schemaRegistryRegionSchema = z.strictObject({
  leader: z.boolean().optional(),
  image: z.string().min(1).optional(),
  replicas: z.number().int().min(1).optional(),
  resources: resourcesSchema.optional(),
  compatibility: compatibilitySchema.optional(),
});

export const schemaRefSchema = z.strictObject({
  file: z.string().min(1).optional(),
  type: z.enum(["avro", "json", "protobuf"]).optional(),
  record: z.string().min(1).optional(),
  definition: z.unknown().optional(),
});

/** The serialization format an environment or a tenant enforces (lib/platform/schemas/serialization.ts). */
export const serializationSchema = z.strictObject({ format: z.enum(["avro", "json"]) });
