import { KarpenterNodePool, NodeConsolidation } from "../../../lib/internal";
import { catchValidation, issuesWithCode, newChart } from "../../helpers";
import { karpenterProblems } from "../../helpers/karpenter";

function render(props: Partial<ConstructorParameters<typeof KarpenterNodePool>[2]> = {}) {
  const { app, chart } = newChart();
  new KarpenterNodePool(chart, "Pool", { name: "floe-test", cpuLimit: "64", memoryLimit: "256Gi", ...props });
  void app;
  return chart.toJson() as Record<string, any>[];
}

describe("KarpenterNodePool", () => {
  test("defaults: on-demand amd64 linux nodes of categories c, m, r, limited, consolidated when under-used, 10% at a time; valid under Karpenter's schema", () => {
    const [pool] = render();
    expect(pool).toMatchObject({ apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: "floe-test" } });
    expect(pool.spec).toEqual({
      template: {
        spec: {
          nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
          requirements: [
            { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
            { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
            { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
          ],
        },
      },
      limits: { cpu: "64", memory: "256Gi" },
      disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "5m", budgets: [{ nodes: "10%" }] },
    });
    expect(karpenterProblems([pool])).toEqual({ "floe-test": [] });
  });

  test("every option: zones, categories, capacity types, architectures, node class, taints, consolidation, budget; no limits", () => {
    const [pool] = render({
      cpuLimit: undefined,
      memoryLimit: undefined,
      nodeClass: "kafka",
      zones: ["eu-west-1a", "eu-west-1b"],
      instanceCategories: ["r"],
      capacityTypes: ["spot", "on-demand"],
      architectures: ["arm64"],
      taints: [{ key: "floe.dev/kafka", value: "true", effect: "NoSchedule" }],
      consolidation: NodeConsolidation.WHEN_EMPTY,
      consolidateAfter: "1h30m",
      disruptionBudget: "1",
    });
    expect(pool.spec.limits).toBeUndefined();
    expect(pool.spec.template.spec.nodeClassRef.name).toBe("kafka");
    expect(pool.spec.template.spec.requirements.slice(0, 4)).toEqual([
      { key: "topology.kubernetes.io/zone", operator: "In", values: ["eu-west-1a", "eu-west-1b"] },
      { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["r"] },
      { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
      { key: "kubernetes.io/arch", operator: "In", values: ["arm64"] },
    ]);
    expect(pool.spec.template.spec.taints).toEqual([{ key: "floe.dev/kafka", value: "true", effect: "NoSchedule" }]);
    expect(pool.spec.disruption).toEqual({ consolidationPolicy: "WhenEmpty", consolidateAfter: "1h30m", budgets: [{ nodes: "1" }] });
    expect(karpenterProblems([pool])).toEqual({ "floe-test": [] });
  });

  test("Karpenter's schema catches what Floe would not render (the check can fail)", () => {
    const [pool] = render();
    pool.spec.disruption.consolidationPolicy = "Sometimes";
    expect(karpenterProblems([pool])["floe-test"].join("; ")).toContain("consolidationPolicy");
  });

  test.each([
    ["InvalidConsolidateAfter", { consolidateAfter: "1d" }, "consolidateAfter"],
    ["InvalidDisruptionBudget", { disruptionBudget: "half" }, "disruptionBudget"],
    ["EmptyNodeRequirement", { zones: [] }, "zones"],
    ["NodePoolLimitsPartial", { memoryLimit: undefined }, "memoryLimit"],
  ])("%s", (code, props, field) => {
    const e = catchValidation(() => render(props as never));
    expect(issuesWithCode(e, code)[0]).toMatchObject({ field });
  });

  test("a CPU limit that is no quantity and a name that is no DNS subdomain are refused, naming the field", () => {
    expect(catchValidation(() => render({ cpuLimit: "lots" })).issues.map((i) => i.field)).toContain("cpuLimit");
    expect(catchValidation(() => render({ name: "Floe_Pool" })).issues.map((i) => i.field)).toContain("name");
  });
});
