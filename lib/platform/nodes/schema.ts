// The spec's node autoscaling of a region (`regions[].nodes`): the nodes behind its declared capacity.

import { z } from "zod";

export const nodesRegionSchema = z.strictObject({
  karpenter: z.strictObject({
    nodeClass: z.string().min(1).optional(),
    instanceCategories: z.array(z.string().min(1)).min(1).optional(),
    capacityTypes: z.array(z.enum(["on-demand", "spot", "reserved"])).min(1).optional(),
    architectures: z.array(z.enum(["amd64", "arm64"])).min(1).optional(),
    consolidateAfter: z.string().optional(),
  }),
});
