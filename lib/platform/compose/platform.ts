// The orchestrator: regions, then their tenants (compose/region.ts, compose/tenant.ts), then replication across regions.

import { collectIssues, ValidationError, ValidationIssue } from "../../core";
import { buildReplication } from "../replication/compose";
import { resolveReplication } from "../replication/plan";
import { PlatformSpec } from "../spec/schema";
import { ComposedPlatform, RegionBuild, RegionPlatform } from "./context";
import { SpecPathMap } from "./path-map";
import { buildRegion } from "./region";

/**
 * Compose a parsed spec into one cdk8s app per region. Construct-time and synth-time validation errors are
 * reported together, each with its spec path. Warnings come back in `warnings`.
 */
export function composePlatform(
  spec: PlatformSpec,
  onProgress: (step: string) => void = () => undefined,
): { platform: ComposedPlatform; warnings: ValidationIssue[] } {
  const map = new SpecPathMap();
  const pending: ValidationIssue[] = [];
  const regions: RegionPlatform[] = [];
  const replication = resolveReplication(spec);
  const builds = new Map<string, RegionBuild>();
  spec.regions.forEach((region, i) => {
    onProgress(`composing region ${region.name} (${i + 1}/${spec.regions.length})`);
    const built = buildRegion(spec, region, i, map, pending, replication);
    if (built) {
      regions.push(built.platform);
      builds.set(region.name, built);
    }
  });
  buildReplication(spec, replication, builds, map, pending);
  const warnings: ValidationIssue[] = [];
  for (const r of regions) {
    onProgress(`validating region ${r.region}`);
    for (const issue of collectIssues(r.app)) {
      const mapped = map.toSpec(issue);
      (issue.severity === "warning" ? warnings : pending).push(mapped);
    }
  }
  ValidationError.throwIfAny(dedupe(pending));
  return { platform: { spec, regions, specPaths: map }, warnings: dedupe(warnings) };
}

/** The same issue found in several regions is reported once. */
function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.code}|${i.scope}|${i.field}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
