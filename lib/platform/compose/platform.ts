// The orchestrator: a region at a time, its tenants (compose/region.ts, compose/tenant.ts) and its ends of the mirrors.

import { collectIssues, ValidationError, ValidationIssue } from "../../core";
import { buildRegionReplication } from "../replication/compose";
import { ResolvedReplication, resolveReplication } from "../replication/plan";
import { PlatformSpec, RegionSpec } from "../spec/schema";
import { ComposedPlatform, RegionPlatform } from "./context";
import { SpecPathMap } from "./path-map";
import { buildRegion } from "./region";

/**
 * Compose a parsed spec into one cdk8s app per region. Construct-time and synth-time validation errors are
 * reported together, each with its spec path. Warnings come back in `warnings`. Every region's constructs are held
 * in the result (`floe synth` composes and renders a region at a time).
 */
export function composePlatform(
  spec: PlatformSpec,
  onProgress: (step: string) => void = () => undefined,
): { platform: ComposedPlatform; warnings: ValidationIssue[] } {
  const regions: RegionPlatform[] = [];
  const steps = composeRegions(spec, onProgress);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return { platform: { spec, regions, specPaths: step.value.specPaths }, warnings: step.value.warnings };
    regions.push(step.value);
  }
}

/** What {@link composeRegions} returns once every region is composed without an error. */
export interface ComposedRegions {
  /** The warnings of every region, each once. */
  readonly warnings: ValidationIssue[];
  /** Construct paths to spec paths, for every region. */
  readonly specPaths: SpecPathMap;
}

/**
 * Compose a parsed spec a region at a time, in spec order: a region's charts and its ends of the cross-region
 * mirrors (replication/compose.ts reads only the spec of the region at the other end), then its checks. Each
 * region is yielded once checked, while no error has been found in it or a region before it, so that a caller
 * that renders it and lets it go holds one region's constructs at a time (floe synth, synthesize: at 2000
 * tenants x 3 regions, npm run bench). Once every region is composed, the errors of all regions are thrown
 * together, as composePlatform reports them (those found composing, then the mirrors', then the checks'; the same
 * issue of several regions once); a region composed after an error is checked for its own but not yielded.
 */
export function* composeRegions(spec: PlatformSpec, onProgress: (step: string) => void = () => undefined): Generator<RegionPlatform, ComposedRegions, void> {
  const issues: RegionIssues = { spec, map: new SpecPathMap(), replication: resolveReplication(spec), composing: [], mirroring: [], checking: [], warnings: [] };
  for (const [i, region] of spec.regions.entries()) {
    onProgress(`composing region ${region.name} (${i + 1}/${spec.regions.length})`);
    const platform = composeRegion(issues, region, i, onProgress);
    if (platform && issues.composing.length + issues.mirroring.length + issues.checking.length === 0) yield platform;
  }
  ValidationError.throwIfAny(dedupe([...issues.composing, ...issues.mirroring, ...issues.checking]));
  return { warnings: dedupe(issues.warnings), specPaths: issues.map };
}

/** What composing the regions of a spec collects. */
interface RegionIssues {
  readonly spec: PlatformSpec;
  readonly map: SpecPathMap;
  readonly replication: readonly ResolvedReplication[];
  /** Found composing each region. */
  readonly composing: ValidationIssue[];
  /** Found making its ends of the mirrors. */
  readonly mirroring: ValidationIssue[];
  /** Found by the checks of its constructs. */
  readonly checking: ValidationIssue[];
  readonly warnings: ValidationIssue[];
}

/**
 * One region composed, its ends of the mirrors made and its constructs checked. Its build (the tenants' constructs
 * by name, for the mirrors) stays in this frame: what the caller holds of a region is what renders it, which
 * render.ts regionFiles releases chart by chart.
 */
function composeRegion(c: RegionIssues, region: RegionSpec, index: number, onProgress: (step: string) => void): RegionPlatform | undefined {
  const built = buildRegion(c.spec, region, index, c.map, c.composing, c.replication);
  if (!built) return undefined;
  buildRegionReplication(c.spec, c.replication, built, c.map, c.mirroring);
  onProgress(`validating region ${region.name}`);
  for (const issue of collectIssues(built.platform.app)) {
    const mapped = c.map.toSpec(issue);
    (issue.severity === "warning" ? c.warnings : c.checking).push(mapped);
  }
  return built.platform;
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
