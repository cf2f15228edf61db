import { existsSync, mkdirSync } from "fs";
import { delimiter, join, resolve } from "path";

/** Repository root. */
export const ROOT = resolve(__dirname, "..");

/** Where e2e/install.sh puts the components and where clusters keep their data: $FLOE_E2E_CACHE or .floe/e2e. */
export const CACHE = resolve(process.env.FLOE_E2E_CACHE ?? join(ROOT, ".floe", "e2e"));

/** The path of an installed component's binary; a clear failure (never a skip) when it is missing. */
export function binary(name: string): string {
  const path = join(CACHE, "bin", name);
  if (!existsSync(path)) {
    throw new Error(`e2e: ${name} is not installed at ${path}; run bash e2e/install.sh (npm run test:e2e does)`);
  }
  return path;
}

/** A fresh directory under the cache for one run of a component. */
export function runDir(label: string): string {
  const dir = join(CACHE, "run", `${label}-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The shared data folder beside the repository (CI and developers have it at ../shared). */
export function sharedDir(name: "crds" | "crds-ecosystem"): string {
  // FLOE_CRD_DIR lists CRD folders (':'-separated): the one with strimzi/ stands for crds, the one with
  // external-secrets/ for crds-ecosystem.
  const marker = name === "crds" ? "strimzi" : "external-secrets";
  const listed = (process.env.FLOE_CRD_DIR ?? "").split(delimiter).filter((d) => d && existsSync(join(d, marker)));
  const candidates = [...listed, join(ROOT, "..", "shared", name)];
  const found = candidates.find((d) => existsSync(d));
  if (!found) throw new Error(`e2e: no ${name} folder (looked in ${candidates.join(", ")}); the e2e tier needs ../shared beside the repo`);
  return found;
}
