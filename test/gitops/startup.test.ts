// What `floe diff` and `floe validate` load at start-up (npm run bench: start-up was most of a small diff, and half a
// second of a small validate). Runs on the build (npm test builds first).
import { spawnSync } from "child_process";
import { join } from "path";
import { ROOT } from "../helpers";

function loadedBy(module: string): string[] {
  const script = `require(${JSON.stringify(join(ROOT, "dist-lib", "lib", module))}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  return (JSON.parse(r.stdout) as string[]).map((f) => f.replace(/^.*\/node_modules\//, "node_modules/").replace(`${ROOT}/`, ""));
}

test("the differ loads neither the renderer nor cdk8s nor the dashboards' SDK", () => {
  const loaded = loadedBy("gitops/diff.js");
  expect(loaded).toContain("dist-lib/lib/gitops/diff.js");
  expect(loaded.filter((f) => /platform\/render|platform\/compose|node_modules\/(cdk8s|@grafana)\//.test(f))).toEqual([]);
});

test("the validator loads no kubernetes-models group index (each kind's model when first needed)", () => {
  const loaded = loadedBy("gitops/validate.js");
  expect(loaded).toContain("dist-lib/lib/gitops/validate.js");
  expect(loaded.filter((f) => f.startsWith("node_modules/kubernetes-models/"))).toEqual([]);
  expect(loaded.filter((f) => /node_modules\/(cdk8s|@grafana)\//.test(f))).toEqual([]);
});
