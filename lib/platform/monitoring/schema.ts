// The spec's `regions[].monitoring`.

import { z } from "zod";
import { dnsLabel } from "../spec/primitives";

export const monitoringRegionSchema = z.strictObject({
  enabled: z.boolean().optional(),
  namespace: dnsLabel.optional(),
  selectorLabels: z.record(z.string(), z.string()).optional(),
  consumerLagThreshold: z.number().int().min(1).optional(),
  // Replication latency of a standby's mirrors above which ReplicationLagHigh fires (a duration, default 2m).
  replicationLagThreshold: z.string().optional(),
  // Grafana dashboards as ConfigMaps for kube-prometheus-stack's dashboard sidecar (lib/k8s/monitoring/dashboards.ts).
  dashboards: z
    .strictObject({
      enabled: z.boolean().optional(),
      namespace: dnsLabel.optional(),
      label: z.string().min(1).optional(),
      labelValue: z.string().optional(),
      folderAnnotation: z.string().min(1).optional(),
    })
    .optional(),
});
