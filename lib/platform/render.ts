// Rendering: a composed platform to an in-memory tree of files, the same for both delivery modes (`floe synth` writes
// it, the Pulumi component applies it).

import { ApiObject, Chart } from "cdk8s";
import { stringify } from "yaml";
import { ValidationIssue } from "../core";
import { ComposedPlatform } from "./compose/context";
import { composePlatform } from "./compose/platform";
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

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Multi-document YAML with a fixed style (no line folding), so the same objects give the same bytes. */
export function toYaml(objects: readonly Manifest[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false })).join("---\n");
}

/**
 * The objects of one chart, rendered once each. Unlike `Chart.toJson()`, this does not re-resolve and
 * re-validate the whole app per chart: Floe validated the app once in `composePlatform`.
 */
export function chartManifests(chart: Chart): Manifest[] {
  return chart.node
    .findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart)
    .map((o) => o.toJson() as Manifest);
}

/** Render a composed platform to an in-memory tree. */
export function renderPlatform(
  platform: ComposedPlatform,
  warnings: readonly ValidationIssue[] = [],
  onProgress: (step: string) => void = () => undefined,
): RenderedTree {
  const files: RenderedFile[] = [];
  for (const region of platform.regions) {
    onProgress(`rendering region ${region.region} (${region.charts.length} files)`);
    for (const { file, chart } of region.charts) {
      const objects = chartManifests(chart).sort(compareManifests);
      files.push({ path: `${region.region}/${file}.yaml`, objects, content: toYaml(objects) });
    }
  }
  files.sort((a, b) => cmp(a.path, b.path));
  return { environment: platform.spec.environment, files, warnings, acknowledgements: platform.spec.allowDestructive ?? [] };
}

/** Compose and render a spec. Throws a ValidationError (with spec paths) before anything is written. */
export function synthesize(spec: PlatformSpec, onProgress?: (step: string) => void): RenderedTree {
  const { platform, warnings } = composePlatform(spec, onProgress);
  return renderPlatform(platform, warnings, onProgress);
}
