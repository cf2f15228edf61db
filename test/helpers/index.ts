import { App, Chart, Testing } from "cdk8s";
import { existsSync } from "fs";
import { delimiter, join, resolve } from "path";
import { collectIssues, isError, Manifest, SchemaRegistry, ValidationError, ValidationIssue, chartManifests } from "../../lib/internal";

/** Repository root. */
export const ROOT = resolve(__dirname, "..", "..");

/**
 * The upstream CRD directories: $FLOE_CRD_DIR (folders separated by ':'), else ../shared/crds and
 * ../shared/crds-ecosystem beside the repo, else .floe/crds (npm run crds:fetch). Tests that need CRDs fail
 * loudly (never skip) when the operators' (strimzi/, flink/) or the ecosystem's CRDs are missing.
 */
export function crdDirs(): string[] {
  const env = (process.env.FLOE_CRD_DIR ?? "").split(delimiter).filter(Boolean);
  const shared = [join(ROOT, "..", "shared", "crds"), join(ROOT, "..", "shared", "crds-ecosystem")];
  const candidates = [env, shared, [join(ROOT, ".floe", "crds")]].filter((dirs) => dirs.length > 0);
  const has = (dirs: string[], sub: string) => dirs.some((d) => existsSync(join(d, sub)));
  const found = candidates.find((dirs) => has(dirs, "strimzi") && has(dirs, "flink") && has(dirs, "external-secrets") && has(dirs, "prometheus-operator"));
  if (!found) {
    throw new Error(
      `No CRD directories found (looked in: ${candidates.map((d) => d.join(delimiter)).join("; ")}). Set FLOE_CRD_DIR to the folders holding ` +
        "strimzi/, flink/, external-secrets/ and prometheus-operator/ CRDs (CI: ../shared/crds:../shared/crds-ecosystem; developers: npm run crds:fetch).",
    );
  }
  return found;
}

/** The folder of the operators' CRDs (strimzi/, flink/) among {@link crdDirs}. */
export function crdDir(): string {
  return crdDirs().find((d) => existsSync(join(d, "strimzi")))!;
}

let cachedRegistry: SchemaRegistry | undefined;
/** The schema registry over the upstream CRDs (compiled once per test file). */
export function registry(): SchemaRegistry {
  cachedRegistry ??= SchemaRegistry.fromDirectories(crdDirs());
  return cachedRegistry;
}

/** A fresh app and chart with the given labels. */
export function newChart(labels: Record<string, string> = {}): { app: App; chart: Chart } {
  const app = Testing.app();
  const chart = new Chart(app, "test", { labels });
  return { app, chart };
}

/** Run all validations of the app; throw on errors; return warnings. */
export function validateApp(app: App): ValidationIssue[] {
  const issues = collectIssues(app);
  ValidationError.throwIfAny(issues.filter(isError));
  return issues.filter((i) => !isError(i));
}

/** Validate the app, then render the chart's objects. */
export function synth(app: App, chart: Chart): Manifest[] {
  validateApp(app);
  return chartManifests(chart);
}

/** The objects of one kind. */
export function ofKind(objects: readonly Manifest[], kind: string): Manifest[] {
  return objects.filter((o) => o.kind === kind);
}

/** Catch the ValidationError that `fn` throws (fails the test if it does not throw one). */
export function catchValidation(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error("expected a ValidationError, but nothing was thrown");
}

/** The issues with `code` (asserting at least one exists is up to the test). */
export function issuesWithCode(error: ValidationError | readonly ValidationIssue[], code: string): ValidationIssue[] {
  const list = error instanceof ValidationError ? error.issues : error;
  return list.filter((i) => i.code === code);
}

/** Assert every object validates against the CRDs / core schemas. */
export function expectSchemaValid(objects: readonly unknown[]): void {
  const problems = objects.flatMap((o) => registry().validate(o).map((p) => ({ object: (o as Manifest).kind + "/" + (o as Manifest).metadata?.name, ...p })));
  expect(problems).toEqual([]);
}

/** Assert a pod spec meets Pod Security "restricted" (pod and every container). */
export function expectRestrictedPod(podSpec: any): void {
  expect(podSpec.securityContext.runAsNonRoot).toBe(true);
  expect(podSpec.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
  expect(podSpec.hostNetwork ?? false).toBe(false);
  expect(podSpec.hostPID ?? false).toBe(false);
  for (const c of [...(podSpec.containers ?? []), ...(podSpec.initContainers ?? [])]) {
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(c.securityContext.capabilities.drop).toEqual(["ALL"]);
    expect(c.securityContext.capabilities.add ?? []).toEqual([]);
    expect(c.securityContext.privileged ?? false).toBe(false);
    expect(c.securityContext.runAsNonRoot ?? podSpec.securityContext.runAsNonRoot).toBe(true);
  }
  for (const v of podSpec.volumes ?? []) expect(v.hostPath).toBeUndefined();
}
