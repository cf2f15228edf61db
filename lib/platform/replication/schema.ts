// The spec's `replication[]`: a tenant's topics copied from a primary region to a standby.

import { z } from "zod";
import { resourcesSchema } from "../spec/primitives";

export const replicationSchema = z.strictObject({
  tenant: z.string().min(1),
  primary: z.string().min(1),
  standby: z.string().min(1),
  topics: z.array(z.string().min(1)).min(1).optional(),
  replicas: z.number().int().min(1).optional(),
  tasksMax: z.number().int().min(1).optional(),
  resources: resourcesSchema.optional(),
});
