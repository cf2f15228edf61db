// The spec's `regions[].monitoring`.

import { z } from "zod";
import { dnsLabel } from "../spec/primitives";

export const monitoringRegionSchema = z.strictObject({
  enabled: z.boolean().optional(),
  namespace: dnsLabel.optional(),
  selectorLabels: z.record(z.string(), z.string()).optional(),
  consumerLagThreshold: z.number().int().min(1).optional(),
});
