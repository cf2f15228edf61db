import { App, Chart, Testing } from "cdk8s";
import { existsSync } from "fs";
import { join, resolve } from "path";
import { collectIssues, isError, Manifest, SchemaRegistry, ValidationError, ValidationIssue, chartManifests } from "../../lib";

/** Repository root. */
export const ROOT = resolve(__dirname, "..", "..");

/**
 * The upstream CRD directory: $FLOE_CRD_DIR, else ../shared/crds beside the repo. Tests that need CRDs fail
 * loudly (never skip) when neither exists.
 */
export function crdDir(): string {
  const candidates = [process.env.FLOE_CRD_DIR, join(ROOT, "..", "shared", "crds"), join(ROOT, ".floe", "crds")].filter(
    (d): d is string => !!d,
  );
  const found = candidates.find((d) => existsSync(join(d, "strimzi")));
  if (!found) {
    throw new Error(
      `No CRD directory found (looked in: ${candidates.join(", ")}). Set FLOE_CRD_DIR to the folder holding ` +
        "strimzi/ and flink/ CRDs (CI: ../shared/crds; developers: npm run crds:fetch then FLOE_CRD_DIR=.floe/crds).",
    );
  }
  return found;
}

let cachedRegistry: SchemaRegistry | undefined;
/** The schema registry over the upstream CRDs (compiled once per test file). */
export function registry(): SchemaRegistry {
  cachedRegistry ??= SchemaRegistry.fromDirectory(crdDir());
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
