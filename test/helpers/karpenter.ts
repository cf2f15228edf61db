import { execFileSync } from "child_process";

/**
 * Karpenter's NodePool schema (karpenter.sh/v1, generated from its CRD by @kubernetes-models/karpenter) applied to
 * rendered NodePools: the problems of each, by name. The package is ESM only, so a child Node process loads it
 * (jest runs this project as CommonJS). The real API server with Karpenter's own CRDs (OpenAPI and CEL rules)
 * checks them in the e2e tier.
 */
export function karpenterProblems(nodePools: readonly unknown[]): Record<string, string[]> {
  const esm = `
    import { readFileSync } from "fs";
    import { NodePool } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool";
    const out = {};
    for (const o of JSON.parse(readFileSync(0, "utf8"))) {
      try { new NodePool(o).validate(); out[o.metadata.name] = []; }
      catch (e) { out[o.metadata.name] = (e.errors ?? [{ instancePath: "", message: e.message }]).map((x) => (x.instancePath + " " + x.message).trim()); }
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", esm], { input: JSON.stringify(nodePools), cwd: __dirname, encoding: "utf8" });
  return JSON.parse(out) as Record<string, string[]>;
}
