// Rendering: a composed platform to an in-memory tree of files, the same for both delivery modes (`floe synth` writes
// it, the Pulumi component applies it).

import { ApiObject, App, Chart, ImplicitTokenResolver, Lazy, LazyResolver, NumberStringUnionResolver } from "cdk8s";
import { dump } from "js-yaml";
import { ValidationIssue } from "../core";
import { ComposedPlatform, RegionChart, RegionPlatform } from "./compose/context";
import { composeRegions } from "./compose/platform";
import { PlatformSpec } from "./spec/schema";

/** A Kubernetes manifest as plain JSON. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** One rendered file of the tree. */
export interface RenderedFile {
  /** Path relative to the environment directory: `<region>/<chart>.yaml`. */
  readonly path: string;
  /** The objects, in file order. */
  readonly objects: readonly Manifest[];
  /** The file's bytes (multi-document YAML). */
  readonly content: string;
}

/** A rendered environment: what `floe synth` writes under `DIR/<environment>/`. */
export interface RenderedTree {
  /** Environment name (the directory under the output root). */
  readonly environment: string;
  /** Files sorted by path. */
  readonly files: readonly RenderedFile[];
  /** Non-fatal findings (e.g. topic names mixing '.' and '_'). */
  readonly warnings: readonly ValidationIssue[];
  /** Destructive changes the spec acknowledges (`allowDestructive`), written next to the regions for `floe diff`. */
  readonly acknowledgements: readonly { kind: string; name: string; namespace?: string; reason: string }[];
}

/** Order of kinds within a file: what others depend on comes first (namespaces, clusters, then their children). */
const KIND_ORDER = [
  "Namespace",
  "ResourceQuota",
  "LimitRange",
  "ServiceAccount",
  "Role",
  "RoleBinding",
  "NetworkPolicy",
  "ClusterSecretStore",
  "SecretStore",
  "ExternalSecret",
  "ConfigMap",
  "Kafka",
  "KafkaNodePool",
  "KafkaTopic",
  "KafkaUser",
  "PushSecret",
  "Service",
  "Deployment",
  "PodDisruptionBudget",
  "KafkaConnect",
  "KafkaConnector",
  "KafkaMirrorMaker2",
  "FlinkDeployment",
  "FlinkSessionJob",
  "Job",
];

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** Deterministic object order: kind rank, then kind, namespace, name. */
export function compareManifests(a: Manifest, b: Manifest): number {
  return (
    kindRank(a.kind) - kindRank(b.kind) ||
    cmp(a.kind, b.kind) ||
    cmp(a.metadata.namespace ?? "", b.metadata.namespace ?? "") ||
    cmp(a.metadata.name, b.metadata.name)
  );
}

/** Code-unit order of two strings (paths, names): the order of every sorted list Floe renders. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Multi-document YAML with a fixed style (no line folding, no anchors, double quotes where a string needs them), so
 * the same objects give the same bytes. js-yaml 4, the fastest of `yaml`, js-yaml 5 and js-yaml 4 on Floe's
 * objects (3-5x `yaml`; npm run bench prints the comparison). Its output is what `yaml` wrote before except that a
 * string needing quotes is always double-quoted, and strings a YAML 1.1 reader (sigs.k8s.io/yaml) would take for
 * another type (`on`, `yes`, dates) are quoted.
 */
export function toYaml(objects: readonly Manifest[]): string {
  return objects.map((o) => dump(o, YAML_STYLE)).join("---\n");
}

const YAML_STYLE = { lineWidth: -1, noRefs: true, quotingType: '"' } as const;

/**
 * The objects of one chart, rendered once each. Unlike `Chart.toJson()`, this does not re-resolve and
 * re-validate the whole app per chart: Floe validated the app once in `composePlatform`.
 */
export function chartManifests(chart: Chart): Manifest[] {
  const out: Manifest[] = [];
  for (const c of chart.node.findAll()) {
    if (c instanceof ApiObject && Chart.of(c) === chart) out.push(plainManifest(c) ?? (c.toJson() as Manifest));
  }
  return out;
}

/** Returned inside {@link plainValue} for a value only cdk8s's own resolution may render. */
const NOT_PLAIN = Symbol("not plain");

/**
 * `ApiObject.toJson()` in one pass, for the objects Floe makes: an `ApiObject` itself (not a subclass, which may
 * render otherwise) without JSON patches, in an app with cdk8s's default resolvers, whose body is JSON values and
 * `Lazy`s. Its result is then the same as cdk8s's (cdk8s 2.70 api-object.ts toJson: resolve, then sanitizeValue
 * sorting keys and dropping null and undefined, then apiVersion, kind and metadata first), which resolves every
 * value through each resolver and copies the tree twice: at 500 tenants that was a third of synth. Anything else
 * (a class instance, a token with `resolve()`) returns undefined and goes through `toJson()`.
 */
function plainManifest(o: ApiObject): Manifest | undefined {
  const internals = o as unknown as { readonly props?: Record<string, unknown>; readonly patches?: readonly unknown[] };
  if (Object.getPrototypeOf(o) !== ApiObject.prototype || !Array.isArray(internals.patches) || internals.patches.length > 0) return undefined;
  if (internals.props === undefined || !defaultResolvers(o)) return undefined;
  const metadata = plainMetadata(o);
  if (metadata === NOT_PLAIN) return undefined;
  const body = plainValue({ ...internals.props, metadata });
  if (body === NOT_PLAIN || body === undefined) return undefined;
  const json = body as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const k of ["apiVersion", "kind", "metadata", ...Object.keys(json)]) if (k in json) result[k] = json[k];
  return result as unknown as Manifest;
}

/** Whether the app resolves with cdk8s's built-in resolvers only (no custom ones before them). */
function defaultResolvers(o: ApiObject): boolean {
  const resolvers = App.of(o).resolvers;
  return resolvers.length === 3 && resolvers[0] instanceof LazyResolver && resolvers[1] instanceof ImplicitTokenResolver && resolvers[2] instanceof NumberStringUnionResolver;
}

/**
 * `ApiObjectMetadataDefinition.toJson()` in one pass (cdk8s 2.70 metadata.ts: the extra attributes, then name,
 * namespace, annotations, finalizers, owner references and labels, resolved, empty lists and maps left out).
 */
function plainMetadata(o: ApiObject): unknown {
  const m = o.metadata as unknown as {
    readonly _additionalAttributes?: Record<string, unknown>;
    readonly name?: string;
    readonly namespace?: string;
    readonly annotations?: unknown;
    readonly finalizers?: unknown;
    readonly ownerReferences?: unknown;
    readonly labels?: unknown;
  };
  if (m._additionalAttributes === undefined || typeof m._additionalAttributes !== "object") return NOT_PLAIN;
  const { name, namespace, annotations, finalizers, ownerReferences, labels } = m;
  return plainValue({ ...m._additionalAttributes, name, namespace, annotations, finalizers, ownerReferences, labels }, true);
}

/** cdk8s's resolve and sanitizeValue (sorted keys, null and undefined dropped; with `dropEmpty`, empty lists and maps too). */
function plainValue(v: unknown, dropEmpty = false): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== "object") return v;
  if (v instanceof Lazy) return plainValue(v.produce(), dropEmpty);
  if (Array.isArray(v)) {
    if (dropEmpty && v.length === 0) return undefined;
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = plainValue(v[i], dropEmpty);
      if (x === NOT_PLAIN) return NOT_PLAIN;
      out[i] = x;
    }
    return out;
  }
  if (v.constructor !== Object || typeof (v as { resolve?: unknown }).resolve === "function") return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  let keys = 0;
  for (const k of Object.keys(v).sort()) {
    const x = plainValue((v as Record<string, unknown>)[k], dropEmpty);
    if (x === NOT_PLAIN) return NOT_PLAIN;
    if (x !== undefined) {
      out[k] = x;
      keys++;
    }
  }
  return dropEmpty && keys === 0 ? undefined : out;
}

/** A file's YAML as {@link yamlOnce} finds it: the text kept by a read of `content`, else written for this call only. */
const YAML_ONCE = Symbol("floe.yamlOnce");

/**
 * A file whose YAML is written on first read of `content` and kept. `floe synth` writes it through {@link yamlOnce}
 * after the composed constructs are garbage, holding one file's text at a time, and the Pulumi program, which
 * applies the objects, never writes it (at 500 tenants x 3 regions the text is about 100 MB and 4 s; npm run bench).
 * `content` is an enumerable property, so a copy or a comparison of the file reads it.
 */
function renderedFile(path: string, objects: readonly Manifest[]): RenderedFile {
  let content: string | undefined;
  const file = { path, objects } as { path: string; objects: readonly Manifest[]; content: string };
  Object.defineProperty(file, YAML_ONCE, { value: () => content ?? toYaml(objects) });
  return Object.defineProperty(file, "content", { enumerable: true, get: () => (content ??= toYaml(objects)) });
}

/**
 * The file's YAML without keeping it in the file (`content` keeps it): a writer that needs each file's text once
 * (writeTree) holds one file's text at a time, not the tree's (about 100 MB at 500 tenants x 3 regions; npm run
 * bench). A file made elsewhere gives its `content`.
 */
export function yamlOnce(file: RenderedFile): string {
  const once = (file as { [YAML_ONCE]?: () => string })[YAML_ONCE];
  return once ? once() : file.content;
}

/** Render a composed platform to an in-memory tree; its constructs are kept (the caller may render it again). */
export function renderPlatform(
  platform: ComposedPlatform,
  warnings: readonly ValidationIssue[] = [],
  onProgress: (step: string) => void = () => undefined,
): RenderedTree {
  return treeOf(platform.spec, platform.regions.flatMap((region) => [...regionFiles(region, onProgress, false)]), warnings);
}

/** A tree of the spec's environment from its charts' files (sorted by path here). */
function treeOf(spec: PlatformSpec, charts: readonly ChartFile[], warnings: readonly ValidationIssue[]): RenderedTree {
  const files = charts.map((f) => renderedFile(f.path, f.objects));
  files.sort((a, b) => cmp(a.path, b.path));
  return { environment: spec.environment, files, warnings, acknowledgements: spec.allowDestructive ?? [] };
}

/** One chart's file as it renders: its path in the tree and its objects in file order. */
export interface ChartFile {
  readonly path: string;
  readonly objects: Manifest[];
}

/**
 * Each chart's file of one region in turn (in file order; a tree sorts them by path), made when the caller asks for
 * it: a writer that writes each file before the next (gitops/render.ts synthesizeToDirectory) holds one file's
 * objects at a time. With `release` (the caller owns the region and drops it after), each chart is detached from
 * its app and emptied once its objects are made, and left out of `region.charts`: the constructs of the charts
 * rendered so far are then garbage while the rest render. Floe's checks that walk the tree ran when the region was
 * composed; what renders a chart reads its own constructs (test/gitops/render.test.ts compares both ways byte for
 * byte).
 */
export function* regionFiles(region: RegionPlatform, onProgress: (step: string) => void, release: boolean): Generator<ChartFile> {
  onProgress(`rendering region ${region.region} (${region.charts.length} files)`);
  const charts = release ? (region.charts as RegionChart[]).splice(0) : region.charts;
  for (let i = 0; i < charts.length; i++) {
    const { file, chart } = charts[i];
    const objects = chartManifests(chart).sort(compareManifests);
    if (release) {
      releaseChart(chart);
      (charts as (RegionChart | undefined)[])[i] = undefined;
    }
    yield { path: `${region.region}/${file}.yaml`, objects };
  }
}

/**
 * Detach a rendered chart from its app and empty it: what still names the chart or a construct of another chart
 * (the region's Kafka cluster, a registry's principals naming the tenants' users) then keeps no chart's constructs
 * alive. Not in the generator: a construct it last named would stay in the generator's frame while it waits.
 */
function releaseChart(chart: Chart): void {
  for (const child of chart.node.children) chart.node.tryRemoveChild(child.node.id);
  chart.node.scope?.node.tryRemoveChild(chart.node.id);
}

/**
 * Each chart's file of the spec as it renders, a region at a time: each region is composed and checked
 * ({@link composeRegions}), then its charts render and are released before the next region is composed, so that
 * one region's constructs are held at a time. `onRegion` sees each region before it renders. A spec error is thrown
 * once every region is composed (after the files of the regions before it: a caller that writes them stages them).
 * Returns the warnings.
 */
export function* specFiles(
  spec: PlatformSpec,
  onProgress: (step: string) => void,
  onRegion: (region: RegionPlatform) => void = () => undefined,
): Generator<ChartFile, readonly ValidationIssue[], void> {
  const steps = composeRegions(spec, onProgress);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value.warnings;
    onRegion(step.value);
    yield* regionFiles(step.value, onProgress, true);
  }
}

/**
 * Compose and render a spec. Throws a ValidationError (with spec paths) before anything is written. The spec is
 * composed and rendered a region at a time: the tree is held with the constructs of one region, not of all.
 */
export function synthesize(spec: PlatformSpec, onProgress: (step: string) => void = () => undefined): RenderedTree {
  return renderSpec(spec, onProgress);
}

/** {@link synthesize}, `onRegion` seeing each region's constructs before they render (the Pulumi component's bootstraps). */
export function renderSpec(spec: PlatformSpec, onProgress: (step: string) => void, onRegion?: (region: RegionPlatform) => void): RenderedTree {
  const charts: ChartFile[] = [];
  const files = specFiles(spec, onProgress, onRegion);
  for (let step = files.next(); ; step = files.next()) {
    if (step.done) return treeOf(spec, charts, step.value);
    charts.push(step.value);
  }
}
