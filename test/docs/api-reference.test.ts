// docs/api/ is the API reference TypeDoc generates from the JSDoc of the three entry points (npm run docs:api). It is
// committed so that it reads on the repository's page; this test regenerates it and fails when it is stale, and
// TypeDoc runs with treatWarningsAsErrors (a broken {@link}, a link to a symbol the API does not export).
import { spawnSync } from "child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ROOT } from "../helpers";

test("docs/api is what npm run docs:api generates, with no warning", () => {
  const out = mkdtempSync(join(tmpdir(), "floe-api-"));
  try {
    const r = spawnSync(process.execPath, [join(ROOT, "node_modules", "typedoc", "bin", "typedoc"), "--out", out], { cwd: ROOT, encoding: "utf8" });
    expect(`${r.status}\n${r.stdout.includes("warning") ? r.stdout : ""}`).toBe("0\n");
    const files = readdirSync(out).sort();
    expect(files).toEqual(["README.md", "cloud.md", "index.md", "pulumi.md"]);
    expect(readdirSync(join(ROOT, "docs", "api")).sort()).toEqual(files);
    for (const f of files) {
      expect(`${f}: ${readFileSync(join(ROOT, "docs", "api", f), "utf8") === readFileSync(join(out, f), "utf8") ? "current" : "stale: run npm run docs:api"}`).toBe(`${f}: current`);
    }
    // The Props' @default tags are in the reference.
    const index = readFileSync(join(out, "index.md"), "utf8");
    expect(index).toMatch(/### KafkaClusterProps[\s\S]*?##### authorization\?[\s\S]*?###### Default[\s\S]*?KafkaAuthorization\.simple\(\)/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 180_000);
