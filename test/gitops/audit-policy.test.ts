import { parse } from "yaml";
import { parsePlatformSpec, synthesize } from "../../lib/internal";
import { run } from "../../lib/cli";
import { auditPolicyYaml, FLOE_OWNED_RESOURCES, kubernetesAuditPolicy } from "../../lib/gitops/audit-policy";
import { exampleSpec } from "../helpers/specs";

const plural = (kind: string) => (kind.endsWith("y") ? `${kind.slice(0, -1).toLowerCase()}ies` : `${kind.toLowerCase()}s`);

describe("the Kubernetes audit policy for Floe's objects", () => {
  const policy = kubernetesAuditPolicy();

  test("Secrets come first, at Metadata (never their data), for every verb, reads included", () => {
    expect(policy.rules[0]).toEqual({ level: "Metadata", resources: [{ group: "", resources: ["secrets"] }] });
    expect(policy.omitStages).toEqual(["RequestReceived"]);
  });

  test("then operators' status updates are dropped, changes to Floe's objects logged in full, their reads dropped, the rest at Metadata", () => {
    expect(policy.rules.map((r) => [r.level, r.verbs ?? "all"])).toEqual([
      ["Metadata", "all"],
      ["None", ["update", "patch"]],
      ["RequestResponse", ["create", "update", "patch", "delete", "deletecollection"]],
      ["None", ["get", "list", "watch"]],
      ["Metadata", "all"],
    ]);
    expect(policy.rules[1].resources!.every((r) => r.resources!.length === 1 && r.resources![0] === "*/status")).toBe(true);
  });

  test("covers every kind the example renders", () => {
    const objects = synthesize(parsePlatformSpec(exampleSpec())).files.flatMap((f) => f.objects);
    const kinds = new Set(objects.map((o) => `${o.apiVersion}|${o.kind}`));
    for (const k of kinds) {
      const [apiVersion, kind] = k.split("|");
      const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
      const entry = FLOE_OWNED_RESOURCES.find((r) => r.group === group);
      expect({ kind, covered: !!entry && (entry.resources === undefined || entry.resources.includes(plural(kind))) }).toEqual({ kind, covered: true });
    }
    expect(kinds.size).toBeGreaterThan(15);
  });

  test("floe audit-policy prints it as the YAML kube-apiserver reads", async () => {
    let out = "";
    expect(await run(["audit-policy"], { out: (t) => (out += t), err: () => undefined })).toBe(0);
    expect(out).toBe(auditPolicyYaml());
    expect(parse(out)).toEqual(JSON.parse(JSON.stringify(policy)));
  });
});

describe("regions[].kafka.auditLog", () => {
  const kafkaOf = (edit: (s: any) => void) => {
    const s: any = exampleSpec();
    edit(s);
    return synthesize(parsePlatformSpec(s)).files.flatMap((f) => f.objects).find((o) => o.kind === "Kafka") as any;
  };
  test("denied by default; all logs every decision", () => {
    expect(kafkaOf(() => undefined).spec.kafka.logging.loggers).toEqual({ "logger.authorizer.level": "INFO" });
    expect(kafkaOf((s) => (s.regions[0].kafka.auditLog = "all")).spec.kafka.logging.loggers).toEqual({ "logger.authorizer.level": "DEBUG" });
  });
});
