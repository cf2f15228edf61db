// `floe catalog`: Backstage catalog entities of a spec, their relations from the lineage, each checked with
// Backstage's own catalog model (@backstage/catalog-model: the envelope, name formats and each kind's schema).

import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  domainEntityV1alpha1Validator,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  KindValidator,
  NoForeignRootFieldsEntityPolicy,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
} from "@backstage/catalog-model";
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "fs";
import { resolve } from "path";
import { stringify } from "yaml";
import { checkpointBucketName, shortHash, ValidationError, ValidationIssue } from "../core";
import { schemaRegistryRegions } from "../platform/schemas/registry";
import { tenantSubjects } from "../platform/schemas/subjects";
import { PlatformSpec, TenantSpec } from "../platform/spec/schema";
import { buildLineage, LineageNode } from "./lineage";

/** Options of {@link buildCatalog}. */
export interface CatalogOptions {
  /**
   * Owner of the platform's shared entities (the environment's Domain, the `platform` System, the regions'
   * checkpoint buckets): an entity reference, e.g. `group:platform-team`.
   * @default "group:platform"
   */
  readonly platformOwner?: string;
}

const ANNOTATION_PREFIX = "floe.dev";

/** A Backstage entity name: `[A-Za-z0-9][-A-Za-z0-9_.]*`, at most 63 characters (longer names keep a hash). */
export function entityName(value: string): string {
  const clean = value.replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").replace(/[^A-Za-z0-9]+$/, "");
  if (clean.length <= 63 && clean === value) return clean;
  const hash = shortHash(value, 8);
  return `${clean.slice(0, 63 - hash.length - 1).replace(/[^A-Za-z0-9]+$/, "")}-${hash}`;
}

/** The tenant's admin groups (the Kubernetes RBAC groups; Floe's default when the spec names none). */
function adminGroups(tenant: TenantSpec): string[] {
  return tenant.adminGroups && tenant.adminGroups.length > 0 ? tenant.adminGroups : [`floe:tenant:${tenant.name}:admins`];
}

interface Builder {
  readonly env: string;
  readonly lifecycle: string;
  readonly entities: Map<string, Entity>;
  add(entity: Entity): string;
}

function builder(spec: PlatformSpec): Builder {
  const entities = new Map<string, Entity>();
  return {
    env: spec.environment,
    lifecycle: spec.production ? "production" : "experimental",
    entities,
    add(entity: Entity): string {
      const ref = stringifyEntityRef(entity);
      if (entities.has(ref)) throw new Error(`floe catalog: two entities named ${ref}`);
      entities.set(ref, entity);
      return ref;
    },
  };
}

function meta(b: Builder, name: string, description: string, extra: { title?: string; annotations?: Record<string, string>; tags?: string[] } = {}) {
  return {
    name: entityName(name),
    namespace: b.env,
    ...(extra.title ? { title: extra.title } : {}),
    description,
    annotations: { [`${ANNOTATION_PREFIX}/environment`]: b.env, ...(extra.annotations ?? {}) },
    ...(extra.tags ? { tags: extra.tags } : {}),
  };
}

const ref = (b: Builder, kind: string, name: string) => `${kind}:${b.env}/${entityName(name)}`;

/** Regions a tenant runs in. */
const tenantRegions = (spec: PlatformSpec, t: TenantSpec) => t.regions ?? spec.regions.map((r) => r.name);

function platformEntities(b: Builder, spec: PlatformSpec, owner: string): void {
  b.add({ apiVersion: "backstage.io/v1alpha1", kind: "Domain", metadata: meta(b, b.env, `The ${b.env} stream-processing environment (Floe)`), spec: { owner } });
  b.add({ apiVersion: "backstage.io/v1alpha1", kind: "System", metadata: meta(b, "platform", `Shared platform of ${b.env}: Kafka clusters, operators, state buckets`), spec: { owner, domain: ref(b, "domain", b.env) } });
  for (const region of spec.regions) {
    const bucket = region.flink?.checkpointBucket ?? checkpointBucketName(spec.environment, region.name, spec.aws?.accountId);
    b.add({
      apiVersion: "backstage.io/v1alpha1",
      kind: "Resource",
      metadata: meta(b, bucket, `Checkpoints, savepoints and the tenants' lakes in ${region.name}; each tenant reaches its own prefix only`, { annotations: { [`${ANNOTATION_PREFIX}/region`]: region.name } }),
      spec: { type: "s3-bucket", owner, system: ref(b, "system", "platform") },
    });
  }
}

function tenantEntities(b: Builder, spec: PlatformSpec, tenant: TenantSpec, index: number): void {
  const groups = adminGroups(tenant);
  for (const g of groups) {
    const name = entityName(g);
    if (b.entities.has(`group:${b.env}/${name}`)) continue;
    b.add({ apiVersion: "backstage.io/v1alpha1", kind: "Group", metadata: meta(b, g, `Admins of Floe tenants (Kubernetes group ${g})`, { annotations: { [`${ANNOTATION_PREFIX}/kubernetes-group`]: g } }), spec: { type: "team", children: [] } });
  }
  const owner = ref(b, "group", groups[0]);
  b.add({
    apiVersion: "backstage.io/v1alpha1",
    kind: "System",
    metadata: meta(b, tenant.name, `Tenant ${tenant.name}: its topics, jobs, connectors and schemas`, { annotations: { [`${ANNOTATION_PREFIX}/tenant`]: tenant.name, [`${ANNOTATION_PREFIX}/regions`]: tenantRegions(spec, tenant).join(",") } }),
    spec: { owner, domain: ref(b, "domain", b.env) },
  });
  if (!spec.regions.some((r) => schemaRegistryRegions(spec).has(r.name))) return;
  for (const s of tenantSubjects(tenant, `tenants[${index}]`)) {
    b.add({
      apiVersion: "backstage.io/v1alpha1",
      kind: "API",
      metadata: meta(b, s.subject, `Schema of topic ${tenant.name}.${s.topic} (subject ${s.subject})`, { annotations: { [`${ANNOTATION_PREFIX}/subject`]: s.subject } }),
      spec: { type: s.schema.registryType.toLowerCase(), lifecycle: b.lifecycle, owner, system: ref(b, "system", tenant.name), definition: s.schema.text },
    });
  }
}

const COMPONENT_TYPES: Partial<Record<LineageNode["kind"], string>> = { app: "kafka-app", "flink-job": "flink-job", source: "cdc-connector", sink: "sink-connector", mirror: "mirror" };

/** Components (apps, jobs, connectors, mirrors) and topic Resources, related as the lineage flows. */
function lineageEntities(b: Builder, spec: PlatformSpec): void {
  const graph = buildLineage(spec);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const tenants = new Map((spec.tenants ?? []).map((t) => [t.name, t]));
  const owner = (tenant: string) => ref(b, "group", adminGroups(tenants.get(tenant)!)[0]);
  const regions = new Map<string, Set<string>>();
  const reads = new Map<string, Set<string>>();
  const writes = new Map<string, Set<string>>();
  const subjects = new Map<string, Set<string>>();
  // Connect's and MirrorMaker 2's own topics are the platform's plumbing, not the tenant's data: not in the catalog.
  const entityOf = (n: LineageNode) => (n.internal ? undefined : n.kind === "topic" ? `resource:${n.name}` : n.type === "schema" ? `api:${n.name}` : COMPONENT_TYPES[n.kind] ? `component:${n.kind}:${n.name}` : undefined);
  const add = (m: Map<string, Set<string>>, k: string, v: string) => m.set(k, (m.get(k) ?? new Set()).add(v));
  for (const n of graph.nodes) {
    const key = entityOf(n);
    if (key) add(regions, key, n.region);
  }
  for (const e of graph.edges) {
    const from = byId.get(e.from)!;
    const to = byId.get(e.to)!;
    if (to.type === "schema") add(subjects, entityOf(from)!, ref(b, "api", to.name));
    else if (from.kind === "topic" && entityOf(to)?.startsWith("component:")) add(reads, entityOf(to)!, entityOf(from)!);
    else if (to.kind === "topic" && entityOf(from)?.startsWith("component:")) add(writes, entityOf(from)!, entityOf(to)!);
  }
  const resourceRef = (key: string) => ref(b, "resource", key.slice("resource:".length));
  const apisOf = (topics: Set<string> | undefined) => [...(topics ?? [])].flatMap((t) => [...(subjects.get(t) ?? [])]).sort();
  const writers = new Map<string, Set<string>>();
  const seen = new Set<string>();
  for (const n of graph.nodes) {
    const key = entityOf(n);
    if (!key?.startsWith("component:") || seen.has(key)) continue;
    seen.add(key);
    const componentRef = ref(b, "component", n.name);
    for (const t of writes.get(key) ?? []) add(writers, t, componentRef);
    const bucketRefs = n.kind === "flink-job" ? [...regions.get(key)!].sort().map((r) => ref(b, "resource", spec.regions.find((x) => x.name === r)!.flink?.checkpointBucket ?? checkpointBucketName(spec.environment, r, spec.aws?.accountId))) : [];
    const consumes = apisOf(reads.get(key));
    const provides = apisOf(writes.get(key));
    b.add({
      apiVersion: "backstage.io/v1alpha1",
      kind: "Component",
      metadata: meta(b, n.name, `${COMPONENT_TYPES[n.kind]} ${n.name} of tenant ${n.tenant}`, { annotations: { [`${ANNOTATION_PREFIX}/tenant`]: n.tenant, [`${ANNOTATION_PREFIX}/regions`]: [...regions.get(key)!].sort().join(",") } }),
      spec: {
        type: COMPONENT_TYPES[n.kind]!,
        lifecycle: b.lifecycle,
        owner: owner(n.tenant),
        system: ref(b, "system", n.tenant),
        dependsOn: [...[...(reads.get(key) ?? [])].map(resourceRef).sort(), ...bucketRefs],
        ...(consumes.length > 0 ? { consumesApis: consumes } : {}),
        ...(provides.length > 0 ? { providesApis: provides } : {}),
      },
    });
  }
  for (const n of graph.nodes) {
    const key = `resource:${n.name}`;
    if (n.kind !== "topic" || n.internal || seen.has(key)) continue;
    seen.add(key);
    b.add({
      apiVersion: "backstage.io/v1alpha1",
      kind: "Resource",
      metadata: meta(b, n.name, `Kafka topic ${n.name} of tenant ${n.tenant}`, { annotations: { [`${ANNOTATION_PREFIX}/tenant`]: n.tenant, [`${ANNOTATION_PREFIX}/topic`]: n.name, [`${ANNOTATION_PREFIX}/regions`]: [...regions.get(key)!].sort().join(",") } }),
      spec: { type: "kafka-topic", owner: owner(n.tenant), system: ref(b, "system", n.tenant), dependsOn: [...(writers.get(key) ?? [])].sort() },
    });
  }
}

/** Why `platformOwner` is not an entity reference Backstage can resolve. */
function ownerIssues(owner: string): ValidationIssue[] {
  try {
    const parsed = parseEntityRef(owner, { defaultKind: "group" });
    if (["group", "user"].includes(parsed.kind.toLowerCase()) && entityName(parsed.name) === parsed.name) return [];
  } catch {
    // reported below
  }
  return [{ code: "InvalidOption", scope: "catalog", field: "--platform-owner", value: owner, message: "is not a group or user entity reference", fix: "give a reference such as group:platform-team or user:jane" }];
}

/** The platform owner as a full reference (`kind:namespace/name`; namespace: the environment unless given). */
export function platformOwnerRef(spec: PlatformSpec, options: CatalogOptions = {}): string {
  return stringifyEntityRef(parseEntityRef(options.platformOwner ?? "group:platform", { defaultKind: "group", defaultNamespace: spec.environment }));
}

/** The Backstage catalog entities of a spec, sorted by reference (deterministic). */
export function buildCatalog(spec: PlatformSpec, options: CatalogOptions = {}): Entity[] {
  const owner = options.platformOwner ?? "group:platform";
  ValidationError.throwIfAny(ownerIssues(owner));
  const b = builder(spec);
  platformEntities(b, spec, platformOwnerRef(spec, options));
  (spec.tenants ?? []).forEach((t, i) => tenantEntities(b, spec, t, i));
  lineageEntities(b, spec);
  return [...b.entities.entries()].sort(([a], [c]) => (a < c ? -1 : 1)).map(([, e]) => e);
}

const VALIDATORS: Record<string, KindValidator> = {
  api: apiEntityV1alpha1Validator,
  component: componentEntityV1alpha1Validator,
  domain: domainEntityV1alpha1Validator,
  group: groupEntityV1alpha1Validator,
  resource: resourceEntityV1alpha1Validator,
  system: systemEntityV1alpha1Validator,
};

/**
 * Check entities as Backstage's catalog does on ingestion: the envelope and field formats (EntityPolicies), each
 * kind's schema (its KindValidator), and that every relation names an entity of the set or of `external` (the
 * platform owner, defined in the organisation's own catalog). Returns the problems.
 */
export async function catalogProblems(entities: readonly Entity[], external: readonly string[] = []): Promise<string[]> {
  const policy = EntityPolicies.allOf([new DefaultNamespaceEntityPolicy(), new NoForeignRootFieldsEntityPolicy(), new FieldFormatEntityPolicy(), new SchemaValidEntityPolicy()]);
  const problems: string[] = [];
  const refs = new Set([...entities.map((e) => stringifyEntityRef(e)), ...external]);
  for (const entity of entities) {
    const at = stringifyEntityRef(entity);
    try {
      await policy.enforce(entity);
      const validator = VALIDATORS[entity.kind.toLowerCase()];
      if (!validator || !(await validator.check(entity))) problems.push(`${at}: no validator accepts kind ${entity.kind}`);
    } catch (e) {
      problems.push(`${at}: ${(e as Error).message}`);
    }
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    for (const field of ["owner", "system", "domain", "dependsOn", "consumesApis", "providesApis"]) {
      const values = ([] as unknown[]).concat(spec[field] ?? []).map(String);
      for (const v of values) {
        if (!refs.has(v)) problems.push(`${at}: spec.${field} names ${v}, which is not in the catalog`);
      }
    }
  }
  return problems;
}

/** The entities as one multi-document YAML file (a Backstage `catalog-info.yaml`). */
export function catalogYaml(entities: readonly Entity[]): string {
  return `# Written by floe catalog: Backstage catalog entities of a Floe spec. Regenerate rather than edit.\n${entities.map((e) => `---\n${stringify(e, { lineWidth: 0 })}`).join("")}`;
}

/** The first line of every file floe catalog writes: its mark that the file is Floe's to replace. */
export const CATALOG_HEADER = "# Written by floe catalog";

/** Why the catalog cannot be written to `file`: a directory, a file Floe did not write, or one of its inputs. */
export function catalogOutputIssues(file: string, inputs: readonly string[] = []): ValidationIssue[] {
  const issue = (code: string, message: string, fix: string): ValidationIssue => ({ code, scope: "--out", field: "", value: file, message, fix });
  const target = resolve(file);
  if (inputs.some((i) => resolve(i) === target)) return [issue("OutputHoldsInputs", "is an input of this command (the spec or a schema file)", "write the catalog to its own file, e.g. --out catalog-info.yaml")];
  if (!existsSync(target)) return [];
  if (statSync(target).isDirectory()) return [issue("OutputIsDirectory", "is a directory", "name a file, e.g. catalog-info.yaml")];
  if (!readFileSync(target, "utf8").startsWith(CATALOG_HEADER)) {
    return [issue("OutputNotFloes", "is a file floe catalog did not write (it lacks the header line floe catalog writes)", "choose another --out, or move that file away")];
  }
  return [];
}

/** Write the catalog to `file` atomically (a sibling staged, then renamed), after {@link catalogOutputIssues}. */
export function writeCatalog(text: string, file: string, inputs: readonly string[] = []): string {
  ValidationError.throwIfAny(catalogOutputIssues(file, inputs));
  const target = resolve(file);
  const staging = `${target}.staging-${process.pid}`;
  try {
    writeFileSync(staging, text);
    renameSync(staging, target);
  } finally {
    rmSync(staging, { force: true });
  }
  return target;
}
