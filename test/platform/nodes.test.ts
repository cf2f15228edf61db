import { parsePlatformSpec, synthesize } from "../../lib/internal";
import { catchValidation, issuesWithCode } from "../helpers";
import { karpenterProblems } from "../helpers/karpenter";
import { devSpec, exampleSpec } from "../helpers/specs";

type Obj = Record<string, any>;

/** The development spec whose region declares its capacity, zones and Karpenter NodePools. */
function spec(edit: (s: any) => void = () => undefined): any {
  const s = devSpec();
  s.regions[0].cluster = { zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] };
  s.regions[0].capacity = { cpu: "48", memory: "192Gi" };
  s.regions[0].nodes = { karpenter: { nodeClass: "floe", instanceCategories: ["m", "r"] } };
  edit(s);
  return s;
}
const objectsOf = (s: unknown) => synthesize(parsePlatformSpec(s)).files.flatMap((f) => f.objects) as Obj[];

describe("node autoscaling: Karpenter NodePools per region", () => {
  const objects = objectsOf(spec());
  const pools = objects.filter((o) => o.kind === "NodePool");
  const pool = (name: string) => pools.find((p) => p.metadata.name === name)!;

  test("the tenants' pool is limited to the region's declared capacity, in its zones and instance categories; valid under Karpenter's schema", () => {
    expect(pools.map((p) => p.metadata.name).sort()).toEqual(["floe-dev-kafka", "floe-dev-tenants"]);
    const tenants = pool("floe-dev-tenants");
    expect(tenants.spec.limits).toEqual({ cpu: "48", memory: "192Gi" });
    expect(tenants.spec.template.spec.nodeClassRef).toEqual({ group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "floe" });
    expect(tenants.spec.template.spec.requirements).toContainEqual({ key: "topology.kubernetes.io/zone", operator: "In", values: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] });
    expect(tenants.spec.template.spec.requirements).toContainEqual({ key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["m", "r"] });
    expect(tenants.spec.template.spec.taints).toBeUndefined();
    expect(karpenterProblems(pools)).toEqual({ "floe-dev-kafka": [], "floe-dev-tenants": [] });
  });

  test("the Kafka pool is tainted for the Kafka nodes alone, on-demand, consolidated only when empty, one node at a time", () => {
    const kafka = pool("floe-dev-kafka");
    expect(kafka.spec.limits).toBeUndefined();
    expect(kafka.spec.template.spec.taints).toEqual([{ key: "floe.dev/kafka", value: "true", effect: "NoSchedule" }]);
    expect(kafka.spec.template.spec.requirements).toContainEqual({ key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] });
    expect(kafka.spec.disruption).toEqual({ consolidationPolicy: "WhenEmpty", consolidateAfter: "30m", budgets: [{ nodes: "1" }] });
  });

  test("the Kafka nodes require the Kafka pool's nodes and tolerate its taint (besides their zones)", () => {
    for (const np of objects.filter((o) => o.kind === "KafkaNodePool")) {
      expect(np.spec.template.pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
        {
          matchExpressions: [
            { key: "topology.kubernetes.io/zone", operator: "In", values: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] },
            { key: "karpenter.sh/nodepool", operator: "In", values: ["floe-dev-kafka"] },
          ],
        },
      ]);
      expect(np.spec.template.pod.tolerations).toEqual([{ key: "floe.dev/kafka", operator: "Equal", value: "true", effect: "NoSchedule" }]);
    }
  });

  test("spot and other architectures where the spec asks for them (the Kafka pool stays on-demand)", () => {
    const s = objectsOf(spec((x) => Object.assign(x.regions[0].nodes.karpenter, { capacityTypes: ["spot", "on-demand"], architectures: ["arm64"], consolidateAfter: "15m" })));
    const tenants = s.find((o) => o.kind === "NodePool" && o.metadata.name === "floe-dev-tenants")!;
    expect(tenants.spec.template.spec.requirements).toContainEqual({ key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] });
    expect(tenants.spec.template.spec.requirements).toContainEqual({ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] });
    expect(tenants.spec.disruption.consolidateAfter).toBe("15m");
    const kafka = s.find((o) => o.kind === "NodePool" && o.metadata.name === "floe-dev-kafka")!;
    expect(kafka.spec.template.spec.requirements).toContainEqual({ key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] });
  });

  test("without nodes: no NodePool, and the Kafka nodes neither require nor tolerate one (the README example)", () => {
    const plain = objectsOf(exampleSpec());
    expect(plain.filter((o) => o.kind === "NodePool")).toEqual([]);
    for (const np of plain.filter((o) => o.kind === "KafkaNodePool")) {
      expect(np.spec.template.pod.tolerations).toBeUndefined();
      expect(JSON.stringify(np.spec.template.pod.affinity ?? {})).not.toContain("karpenter.sh/nodepool");
    }
  });

  test("NodePools without declared CPU and memory capacity are refused; invalid settings name their spec path", () => {
    const e = catchValidation(() => synthesize(parsePlatformSpec(spec((x) => delete x.regions[0].capacity.memory))));
    expect(issuesWithCode(e, "NodePoolWithoutCapacity")[0]).toMatchObject({ scope: "regions[0]", field: "capacity" });
    const bad = catchValidation(() => synthesize(parsePlatformSpec(spec((x) => (x.regions[0].nodes.karpenter.consolidateAfter = "2d")))));
    expect(issuesWithCode(bad, "InvalidConsolidateAfter")[0]).toMatchObject({ scope: "regions[0].nodes.karpenter", value: "2d" });
    const shape = catchValidation(() => parsePlatformSpec(spec((x) => (x.regions[0].nodes.karpenter.capacityTypes = ["cheap"]))));
    expect(shape.issues.map((i) => `${i.scope}.${i.field}`).join(" ")).toContain("regions[0].nodes.karpenter.capacityTypes");
  });
});
