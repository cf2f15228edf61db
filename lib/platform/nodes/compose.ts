// A region's Karpenter NodePools: one for the tenants' workloads, limited to the region's declared capacity (the
// budget Floe checks the tenants' quotas against), and one tainted for the Kafka nodes alone, on-demand only and
// never consolidated while they run.

import { Chart } from "cdk8s";
import { ValidationIssue } from "../../core";
import { KarpenterNodePool, NodeConsolidation } from "../../k8s/nodes";
import { inSpec, SpecPathMap } from "../compose/path-map";
import { PlatformSpec, RegionSpec } from "../spec/schema";

/** The NodePool names of an environment (cluster-scoped: the environment tells two environments' pools apart). */
export function nodePoolNames(environment: string): { tenants: string; kafka: string } {
  return { tenants: `floe-${environment}-tenants`, kafka: `floe-${environment}-kafka` };
}

/** The node label Karpenter puts on a NodePool's nodes (and the Kafka nodes' affinity asks for). */
export const KARPENTER_NODEPOOL_LABEL = "karpenter.sh/nodepool";

/** The taint of the Kafka NodePool's nodes: only the Kafka nodes tolerate it, so only they run (and are provisioned) there. */
export const KAFKA_NODE_TAINT = { key: "floe.dev/kafka", value: "true", effect: "NoSchedule" } as const;

/** The Kafka nodes' placement where the region's nodes are Karpenter's: the Kafka NodePool's label and taint. */
export function kafkaNodePlacement(spec: PlatformSpec, region: RegionSpec): { nodeLabels?: Record<string, string>; nodeTolerations?: string[] } {
  if (!region.nodes) return {};
  return {
    nodeLabels: { [KARPENTER_NODEPOOL_LABEL]: nodePoolNames(spec.environment).kafka },
    nodeTolerations: [`${KAFKA_NODE_TAINT.key}=${KAFKA_NODE_TAINT.value}:${KAFKA_NODE_TAINT.effect}`],
  };
}

/** The NodePools of a region with `nodes.karpenter`, in its platform chart. */
export function buildNodePools(spec: PlatformSpec, region: RegionSpec, regionIndex: number, chart: Chart, map: SpecPathMap, pending: ValidationIssue[]): void {
  const k = region.nodes?.karpenter;
  if (!k) return;
  const at = `regions[${regionIndex}]`;
  const cap = region.capacity ?? {};
  if (cap.cpu === undefined || cap.memory === undefined) {
    pending.push({
      code: "NodePoolWithoutCapacity",
      scope: at,
      field: "capacity",
      value: region.capacity,
      message: "the tenants' NodePool is limited to the region's declared CPU and memory, and the region declares no capacity.cpu or capacity.memory",
      fix: "declare capacity: { cpu, memory } (the tenants' quotas must fit in it), or remove nodes",
    });
    return;
  }
  const names = nodePoolNames(spec.environment);
  const common = { nodeClass: k.nodeClass, zones: region.cluster?.zones, instanceCategories: k.instanceCategories, architectures: k.architectures };
  map.add(`${chart.node.path}/TenantNodes`, `${at}.nodes.karpenter`);
  inSpec(map, pending, () =>
    new KarpenterNodePool(chart, "TenantNodes", {
      ...common,
      name: names.tenants,
      cpuLimit: String(cap.cpu),
      memoryLimit: String(cap.memory),
      // On-demand unless the spec asks for spot.
      capacityTypes: k.capacityTypes,
      consolidateAfter: k.consolidateAfter,
    }),
  );
  map.add(`${chart.node.path}/KafkaNodes`, `${at}.nodes.karpenter`);
  inSpec(map, pending, () =>
    new KarpenterNodePool(chart, "KafkaNodes", {
      ...common,
      name: names.kafka,
      // No limit: only the Kafka nodes tolerate the pool's taint, so it grows with them alone. Brokers keep their
      // partitions' replicas and their volumes: on-demand nodes, moved only when empty (after Strimzi's rolling
      // update, one broker at a time), one node disrupted at a time.
      taints: [KAFKA_NODE_TAINT],
      capacityTypes: ["on-demand"],
      consolidation: NodeConsolidation.WHEN_EMPTY,
      consolidateAfter: "30m",
      disruptionBudget: "1",
    }),
  );
}
