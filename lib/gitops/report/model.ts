// What `floe report` shows, read off what synth renders (the objects as they would be applied, defaults included),
// the spec (regions' capacity, jobs' declared guarantees) and the lineage graph.

import { parseBytes } from "../../core";
import { parseCpu } from "../../k8s/tenancy";
import { Manifest, RenderedTree } from "../../platform/render";
import { PlatformSpec } from "../../platform/spec/schema";
import { DiffResult } from "../diff";
import { LineageEdge, LineageGraph, LineageNode } from "../lineage";

/** Amounts of one kind of capacity: millicores, bytes, pods, partitions or bytes per second. */
export type ResourceName = "cpu" | "memory" | "pods" | "partitions" | "producerByteRate" | "consumerByteRate";

/** The resources the report compares, in display order. */
export const RESOURCES: readonly ResourceName[] = ["cpu", "memory", "pods", "partitions", "producerByteRate", "consumerByteRate"];

export type Amounts = Readonly<Record<ResourceName, number>>;

export interface TopicRow {
  readonly name: string;
  readonly partitions: number;
  readonly replicas: number;
  /** `retention.ms`; -1 keeps records forever; undefined: the broker's default. */
  readonly retentionMs?: number;
  readonly cleanupPolicy: string;
  /** The subjects that type the topic, with the fingerprint of the schema Floe registers. */
  readonly schemas: readonly { readonly subject: string; readonly type: string; readonly version: string }[];
}

export interface JobRow {
  readonly name: string;
  /** `application` (FlinkDeployment), `session-job` (FlinkSessionJob) or `session-cluster`. */
  readonly kind: string;
  readonly state: string;
  readonly upgradeMode: string;
  readonly parallelism?: number;
  /** The job's declared delivery guarantee (`exactly-once`, `at-least-once`) or `undeclared`. */
  readonly guarantee: string;
  readonly autoscaler: boolean;
}

export interface ConnectorRow {
  readonly name: string;
  /** What it connects: postgres, mysql, sqlserver... for sources; jdbc-sink, iceberg-sink for sinks. */
  readonly type: string;
  readonly state: string;
  readonly tasks: number;
  /** Tables read (sources) or written (sinks), as lineage names them (`namespace/name`). */
  readonly tables: readonly string[];
  /** Topics written (sources) or read (sinks). */
  readonly topics: readonly string[];
}

export interface TenantReport {
  readonly name: string;
  readonly region: string;
  /** The tenant's quota: namespace quota (requests), topic partitions, Kafka byte rates of its users. */
  readonly quota: Amounts;
  readonly topics: readonly TopicRow[];
  readonly jobs: readonly JobRow[];
  readonly sources: readonly ConnectorRow[];
  readonly sinks: readonly ConnectorRow[];
  /** The tenant's part of the lineage in this region, with the nodes its edges reach elsewhere. */
  readonly lineage: { readonly nodes: readonly LineageNode[]; readonly edges: readonly LineageEdge[] };
}

export interface RegionReport {
  readonly name: string;
  /** The region's declared capacity (undefined: not declared). */
  readonly capacity: Partial<Amounts>;
  readonly tenants: readonly TenantReport[];
}

export interface ReportModel {
  readonly environment: string;
  readonly production: boolean;
  readonly regions: readonly RegionReport[];
  readonly objects: number;
  /** The classified diff against a base rendering, when one was given. */
  readonly diff?: DiffResult;
}

type Obj = Manifest & { readonly spec?: Record<string, any> };

const NO_CONTEXT = { scope: "", field: "" };
const cpu = (v: unknown): number => (v === undefined ? 0 : (parseCpu(String(v), NO_CONTEXT).millis ?? 0));
const bytes = (v: unknown): number => (v === undefined ? 0 : (parseBytes(v as string, NO_CONTEXT).bytes ?? 0));

function labels(o: Manifest): Record<string, string> {
  return ((o.metadata as { labels?: Record<string, string> }).labels ?? {}) as Record<string, string>;
}

function regionCapacity(spec: PlatformSpec, region: string): Partial<Amounts> {
  const cap = spec.regions.find((r) => r.name === region)?.capacity ?? {};
  const out: Partial<Record<ResourceName, number>> = {};
  if (cap.cpu !== undefined) out.cpu = cpu(cap.cpu);
  if (cap.memory !== undefined) out.memory = bytes(cap.memory);
  for (const k of ["pods", "partitions", "producerByteRate", "consumerByteRate"] as const) if (cap[k] !== undefined) out[k] = cap[k];
  return out;
}

function quotaOf(objects: readonly Obj[]): Amounts {
  const hard = objects.find((o) => o.kind === "ResourceQuota")?.spec?.hard ?? {};
  const users = objects.filter((o) => o.kind === "KafkaUser");
  const rate = (k: string) => users.reduce((n, u) => n + Number(u.spec?.quotas?.[k] ?? 0), 0);
  return {
    cpu: cpu(hard["requests.cpu"] ?? hard["limits.cpu"]),
    memory: bytes(hard["requests.memory"] ?? hard["limits.memory"]),
    pods: Number(hard.pods ?? 0),
    partitions: objects.filter((o) => o.kind === "KafkaTopic").reduce((n, t) => n + Number(t.spec?.partitions ?? 0), 0),
    producerByteRate: rate("producerByteRate"),
    consumerByteRate: rate("consumerByteRate"),
  };
}

/** Lineage lookups of one region: nodes by id and edges by endpoint (built once: the graph can be large). */
class LineageIndex {
  readonly byId: Map<string, LineageNode>;
  readonly out = new Map<string, LineageEdge[]>();
  readonly in = new Map<string, LineageEdge[]>();
  readonly byTenant = new Map<string, LineageNode[]>();
  constructor(graph: LineageGraph) {
    this.byId = new Map(graph.nodes.map((n) => [n.id, n]));
    for (const e of graph.edges) {
      this.out.set(e.from, [...(this.out.get(e.from) ?? []), e]);
      this.in.set(e.to, [...(this.in.get(e.to) ?? []), e]);
    }
    for (const n of graph.nodes) {
      const key = `${n.region}/${n.tenant}`;
      const list = this.byTenant.get(key);
      if (list) list.push(n);
      else this.byTenant.set(key, [n]);
    }
  }

  /** The tenant's nodes in the region, their edges and the nodes those edges reach (a mirror's other region). */
  part(region: string, tenant: string): TenantReport["lineage"] {
    const own = this.byTenant.get(`${region}/${tenant}`) ?? [];
    const nodes = new Map(own.map((n) => [n.id, n]));
    const edges = new Map<string, LineageEdge>();
    for (const n of own) {
      for (const e of [...(this.out.get(n.id) ?? []), ...(this.in.get(n.id) ?? [])]) {
        edges.set(`${e.from}->${e.to}`, e);
        for (const id of [e.from, e.to]) if (!nodes.has(id)) nodes.set(id, this.byId.get(id)!);
      }
    }
    return { nodes: [...nodes.values()], edges: [...edges.values()] };
  }

  label(id: string): string {
    const n = this.byId.get(id)!;
    return n.kind === "table" ? `${n.namespace}/${n.name}` : n.name;
  }
}

function topicRows(objects: readonly Obj[], region: string, index: LineageIndex): TopicRow[] {
  return objects
    .filter((o) => o.kind === "KafkaTopic")
    .map((t) => {
      const name = String(t.spec?.topicName ?? t.metadata.name);
      const config = (t.spec?.config ?? {}) as Record<string, unknown>;
      const schemas = (index.out.get(`${region}/topic/${name}`) ?? [])
        .filter((e) => e.version !== undefined)
        .map((e) => ({ subject: index.byId.get(e.to)!.name, type: index.byId.get(e.to)!.schemaType ?? "", version: e.version! }));
      return {
        name,
        partitions: Number(t.spec?.partitions ?? 0),
        replicas: Number(t.spec?.replicas ?? 0),
        ...(config["retention.ms"] !== undefined ? { retentionMs: Number(config["retention.ms"]) } : {}),
        cleanupPolicy: String(config["cleanup.policy"] ?? "delete"),
        schemas,
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

function jobRows(objects: readonly Obj[], tenant: NonNullable<PlatformSpec["tenants"]>[number] | undefined): JobRow[] {
  const declared = new Map<string, string>();
  for (const j of tenant?.jobs ?? []) {
    declared.set(`${tenant!.name}-${j.name}`, j.guarantee ?? "undeclared");
    declared.set(`${tenant!.name}-${j.name}-backfill`, j.guarantee ?? "undeclared");
  }
  const rows: JobRow[] = [];
  for (const o of objects) {
    if (o.kind !== "FlinkDeployment" && o.kind !== "FlinkSessionJob") continue;
    const job = o.spec?.job as Record<string, unknown> | undefined;
    const config = (o.spec?.flinkConfiguration ?? {}) as Record<string, string>;
    rows.push({
      name: o.metadata.name,
      kind: o.kind === "FlinkSessionJob" ? "session-job" : job ? "application" : "session-cluster",
      state: job ? String(job.state ?? "running") : "-",
      upgradeMode: job ? String(job.upgradeMode ?? "stateless") : "-",
      ...(typeof job?.parallelism === "number" ? { parallelism: job.parallelism } : {}),
      guarantee: job ? (declared.get(o.metadata.name) ?? "undeclared") : "-",
      autoscaler: config["job.autoscaler.enabled"] === "true",
    });
  }
  return rows.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function connectorRows(objects: readonly Obj[], region: string, tenant: string, index: LineageIndex): { sources: ConnectorRow[]; sinks: ConnectorRow[] } {
  const sources: ConnectorRow[] = [];
  const sinks: ConnectorRow[] = [];
  for (const o of objects) {
    if (o.kind !== "KafkaConnector") continue;
    const type = labels(o)["app.kubernetes.io/component"] ?? "connector";
    const sink = type.endsWith("-sink");
    // Lineage ids name connectors `<tenant>-<name>`; a sink's KafkaConnector is `<tenant>.<name>`, a source's `<tenant>-<name>`.
    const local = o.metadata.name.slice(tenant.length + 1);
    const id = `${region}/${sink ? "sink" : "source"}/${tenant}-${local}`;
    const ins = (index.in.get(id) ?? []).map((e) => e.from);
    const outs = (index.out.get(id) ?? []).map((e) => e.to);
    const isTopic = (n: string) => index.byId.get(n)?.kind === "topic";
    const row: ConnectorRow = {
      name: o.metadata.name,
      type,
      state: String(o.spec?.state ?? "running"),
      tasks: Number(o.spec?.tasksMax ?? 1),
      tables: (sink ? outs : ins).filter((n) => !isTopic(n)).map((n) => index.label(n)).sort(),
      topics: (sink ? ins : outs).filter(isTopic).map((n) => index.label(n)).sort(),
    };
    (sink ? sinks : sources).push(row);
  }
  const byName = (a: ConnectorRow, b: ConnectorRow) => (a.name < b.name ? -1 : 1);
  return { sources: sources.sort(byName), sinks: sinks.sort(byName) };
}

/** The report of a rendered environment. */
export function buildReportModel(spec: PlatformSpec, tree: RenderedTree, lineage: LineageGraph, diff?: DiffResult): ReportModel {
  const index = new LineageIndex(lineage);
  const tenantsByName = new Map((spec.tenants ?? []).map((t) => [t.name, t]));
  const regions: RegionReport[] = spec.regions.map((region) => {
    const tenants: TenantReport[] = [];
    for (const file of tree.files) {
      const m = /^([^/]+)\/tenant-(.+)\.yaml$/.exec(file.path);
      if (!m || m[1] !== region.name) continue;
      const objects = file.objects as readonly Obj[];
      const name = labels(objects.find((o) => labels(o)["floe.dev/tenant"]) ?? objects[0])["floe.dev/tenant"] ?? m[2];
      tenants.push({
        name,
        region: region.name,
        quota: quotaOf(objects),
        topics: topicRows(objects, region.name, index),
        jobs: jobRows(objects, tenantsByName.get(name)),
        ...connectorRows(objects, region.name, name, index),
        lineage: index.part(region.name, name),
      });
    }
    return { name: region.name, capacity: regionCapacity(spec, region.name), tenants: tenants.sort((a, b) => (a.name < b.name ? -1 : 1)) };
  });
  const objects = tree.files.reduce((n, f) => n + f.objects.length, 0);
  return { environment: spec.environment, production: spec.production === true, regions, objects, ...(diff ? { diff } : {}) };
}
