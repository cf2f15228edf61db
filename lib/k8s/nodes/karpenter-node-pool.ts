import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import { checkDnsSubdomain, componentLabels, parseBytes, ValidationError, ValidationIssue } from "../../core";
import { parseCpu } from "../tenancy/quantities";

/** Karpenter's API group and version of NodePools (Karpenter 1.x, `karpenter.sh/v1`). */
export const KARPENTER_API_VERSION = "karpenter.sh/v1";

/** When Karpenter may replace or remove the pool's nodes (`spec.disruption.consolidationPolicy`). */
export enum NodeConsolidation {
  /** Only nodes without workload pods: running pods are never moved for cost (stateful brokers). */
  WHEN_EMPTY = "WhenEmpty",
  /** Also under-used nodes, moving their pods (within PodDisruptionBudgets) onto fewer or cheaper nodes. */
  WHEN_EMPTY_OR_UNDERUTILIZED = "WhenEmptyOrUnderutilized",
}

/** Properties of a {@link KarpenterNodePool}. */
export interface KarpenterNodePoolProps {
  /** NodePool name (cluster-scoped: nodes carry it as the label `karpenter.sh/nodepool`). */
  readonly name: string;
  /**
   * The most CPU the pool's nodes may add up to (`spec.limits.cpu`): Karpenter provisions no node beyond it.
   * @default - no limit (set both limits, or neither)
   */
  readonly cpuLimit?: string;
  /**
   * The most memory the pool's nodes may add up to (`spec.limits.memory`).
   * @default - no limit
   */
  readonly memoryLimit?: string;
  /**
   * Taints of the pool's nodes: only pods that tolerate them run there (a pool dedicated to some workloads).
   * @default - none
   */
  readonly taints?: readonly { readonly key: string; readonly value: string; readonly effect: "NoSchedule" | "NoExecute" }[];
  /**
   * The EC2NodeClass the nodes are launched with (AMI, subnets, security groups, role: the platform team's).
   * @default "default"
   */
  readonly nodeClass?: string;
  /**
   * Availability zones nodes may be launched in (`topology.kubernetes.io/zone`).
   * @default - any zone of the node class's subnets
   */
  readonly zones?: readonly string[];
  /**
   * EC2 instance categories (`karpenter.k8s.aws/instance-category`), e.g. `m`, `r`.
   * @default ["c", "m", "r"]
   */
  readonly instanceCategories?: readonly string[];
  /**
   * Capacity types (`karpenter.sh/capacity-type`).
   * @default ["on-demand"]
   */
  readonly capacityTypes?: readonly ("on-demand" | "spot" | "reserved")[];
  /**
   * CPU architectures (`kubernetes.io/arch`); the images must exist for each.
   * @default ["amd64"]
   */
  readonly architectures?: readonly ("amd64" | "arm64")[];
  /**
   * Which nodes Karpenter may consolidate.
   * @default NodeConsolidation.WHEN_EMPTY_OR_UNDERUTILIZED
   */
  readonly consolidation?: NodeConsolidation;
  /**
   * How long a node must be consolidatable before Karpenter acts (`consolidateAfter`).
   * @default "5m"
   */
  readonly consolidateAfter?: string;
  /**
   * How many of the pool's nodes may be disrupted at once (`disruption.budgets[].nodes`: a count or a percentage).
   * @default "10%"
   */
  readonly disruptionBudget?: string;
}

/**
 * A Karpenter `NodePool` (karpenter.sh/v1): the nodes behind a share of a region's declared capacity, in its
 * zones, instance categories and capacity types, never more in total than its limits.
 * @see https://karpenter.sh/docs/concepts/nodepools/
 */
export class KarpenterNodePool extends Construct {
  /** NodePool name. */
  public readonly poolName: string;
  /** The rendered NodePool. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: KarpenterNodePoolProps) {
    super(scope, id);
    this.poolName = props.name;
    ValidationError.throwIfAny(this.validate(props));
    const requirement = (key: string, values: readonly string[]) => ({ key, operator: "In", values: [...values] });
    this.apiObject = new ApiObject(this, "Resource", {
      apiVersion: KARPENTER_API_VERSION,
      kind: "NodePool",
      metadata: { name: props.name, labels: componentLabels("karpenter", props.name, "node-pool") },
      spec: {
        template: {
          spec: {
            nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: props.nodeClass ?? "default" },
            requirements: [
              ...(props.zones && props.zones.length > 0 ? [requirement("topology.kubernetes.io/zone", props.zones)] : []),
              requirement("karpenter.k8s.aws/instance-category", props.instanceCategories ?? ["c", "m", "r"]),
              requirement("karpenter.sh/capacity-type", props.capacityTypes ?? ["on-demand"]),
              requirement("kubernetes.io/arch", props.architectures ?? ["amd64"]),
              requirement("kubernetes.io/os", ["linux"]),
            ],
            ...(props.taints && props.taints.length > 0 ? { taints: props.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })) } : {}),
          },
        },
        ...(props.cpuLimit !== undefined && props.memoryLimit !== undefined ? { limits: { cpu: props.cpuLimit, memory: props.memoryLimit } } : {}),
        disruption: {
          consolidationPolicy: props.consolidation ?? NodeConsolidation.WHEN_EMPTY_OR_UNDERUTILIZED,
          consolidateAfter: props.consolidateAfter ?? "5m",
          budgets: [{ nodes: props.disruptionBudget ?? "10%" }],
        },
      },
    });
  }

  private validate(p: KarpenterNodePoolProps): ValidationIssue[] {
    const scope = this.node.path;
    const issues: ValidationIssue[] = [...checkDnsSubdomain(p.name, { scope, field: "name" })];
    if ((p.cpuLimit === undefined) !== (p.memoryLimit === undefined)) {
      issues.push({ code: "NodePoolLimitsPartial", scope, field: p.cpuLimit === undefined ? "cpuLimit" : "memoryLimit", value: undefined, message: "a pool limited in one resource only grows without bound in the other", fix: "set both cpuLimit and memoryLimit, or neither" });
    }
    if (p.cpuLimit !== undefined) issues.push(...parseCpu(p.cpuLimit, { scope, field: "cpuLimit" }).issues);
    if (p.memoryLimit !== undefined) issues.push(...parseBytes(p.memoryLimit, { scope, field: "memoryLimit" }).issues);
    // The CRD's pattern for consolidateAfter (karpenter.sh_nodepools.yaml).
    if (p.consolidateAfter !== undefined && !/^(([0-9]+(s|m|h))+|Never)$/.test(p.consolidateAfter)) {
      issues.push({ code: "InvalidConsolidateAfter", scope, field: "consolidateAfter", value: p.consolidateAfter, message: "is not a Karpenter duration", fix: 'use hours, minutes and seconds such as "5m" or "1h30m", or "Never"' });
    }
    const budget = p.disruptionBudget ?? "10%";
    if (!/^((100|[0-9]{1,2})%|[0-9]+)$/.test(budget)) {
      issues.push({ code: "InvalidDisruptionBudget", scope, field: "disruptionBudget", value: budget, message: "is neither a node count nor a percentage", fix: 'use e.g. "1" or "10%"' });
    }
    for (const [field, list] of [["zones", p.zones], ["instanceCategories", p.instanceCategories], ["capacityTypes", p.capacityTypes], ["architectures", p.architectures]] as const) {
      if (list !== undefined && list.length === 0) {
        issues.push({ code: "EmptyNodeRequirement", scope, field, value: [], message: "an empty list admits no node", fix: `list at least one value, or leave ${field} out for the default` });
      }
    }
    return issues;
  }
}
