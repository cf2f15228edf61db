import { createHash } from "crypto";
import { mirrorInternalPrefix, mirrorOwnTopicNames } from "../k8s/kafka/kafka-mirror-maker2";
import { SCHEMA_REGISTRY_PORT } from "../k8s/schema";
import { deadLetterTopicName, DEFAULT_KAFKA_NAMESPACE, tenantTopicName, tenantUserName } from "../platform/names";
import { resolveReplication } from "../platform/replication/plan";
import { schemaRegistryRegions } from "../platform/schemas/registry";
import { tenantSubjects } from "../platform/schemas/subjects";
import { PlatformSpec, tenantRunsIn } from "../platform/spec/schema";
import { icebergControlTopicName, icebergSinkNamespace, sinkDeadLetterTopicName, sinkErrorPolicy } from "../platform/sinks/rules";
import { icebergNamespace } from "../k8s/debezium/iceberg-sink";
import { checkpointBucketName, tenantStoragePrefix } from "../core";
import { sourceOfTopic, sourceTopicNames } from "../platform/sources/names";

/** A dataset (a Kafka topic, or a source database table), a job (a CDC connector, an app, a Flink job), or a schema subject. */
export interface LineageNode {
  /** Stable id (used by the edges). */
  readonly id: string;
  readonly type: "dataset" | "job" | "schema";
  /**
   * OpenLineage-style namespace: `kafka://<bootstrap>` for topics, `postgres://host:port` for tables (the port
   * always, the database's default when the spec leaves it out), `floe://<env>/<region>` for jobs,
   * `schema-registry://<service>` for subjects. A Kubernetes service has the same name in every cluster, so the
   * in-cluster addresses of topics and subjects carry the region where the cluster domain would be
   * (`events-kafka-bootstrap.kafka.svc.eu-west-1:9093`): each region's cluster is its own namespace.
   */
  readonly namespace: string;
  /** OpenLineage-style name: the topic, `db.schema.table`, `<tenant>.<job>`, or the subject. */
  readonly name: string;
  /** What the node is: topic, table, source, sink (a sink connector), app, flink-job, mirror (MirrorMaker 2 between regions), or subject. */
  readonly kind: "topic" | "table" | "source" | "sink" | "app" | "flink-job" | "mirror" | "subject";
  /** A subject's schema language (`AVRO`, `JSON`). */
  readonly schemaType?: string;
  /** A topic Kafka Connect or MirrorMaker 2 keeps for itself (configs, offsets, status, checkpoints, offset syncs). */
  readonly internal?: boolean;
  readonly tenant: string;
  readonly region: string;
}

/** Data flows from `from` to `to`; from a topic to a subject, the topic is typed by that subject's schema. */
export interface LineageEdge {
  readonly from: string;
  readonly to: string;
  /**
   * On a topic -> subject edge: the version of the schema Floe registers, as its fingerprint (`sha256:` and the
   * first 16 hex digits of the SHA-256 of the registered schema text). The registry numbers versions itself;
   * the fingerprint names the same version in every region and in review.
   */
  readonly version?: string;
}

/** The lineage graph of a spec: sources -> topics -> jobs -> topics, per tenant and region; mirrors between regions. */
export interface LineageGraph {
  readonly environment: string;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
}

/** The port a source database listens on when the spec gives none (the engines' defaults). */
const DEFAULT_DATABASE_PORTS: Record<string, number> = { postgres: 5432, mysql: 3306, sqlserver: 1433 };

/** Build the lineage graph of a (parsed) spec. */
export function buildLineage(spec: PlatformSpec): LineageGraph {
  const nodes = new Map<string, LineageNode>();
  const edges: LineageEdge[] = [];
  const edge = (from: string, to: string) => edges.push({ from, to });
  const registryRegions = schemaRegistryRegions(spec);
  for (const region of spec.regions) {
    const listener = region.kafka.listeners?.[0]?.port ?? 9093;
    const bootstrap = `${region.kafka.name}-kafka-bootstrap.${region.kafka.namespace ?? DEFAULT_KAFKA_NAMESPACE}.svc.${region.name}:${listener}`;
    const jobNamespace = `floe://${spec.environment}/${region.name}`;
    for (const [tenantIndex, tenant] of (spec.tenants ?? []).entries()) {
      if (!tenantRunsIn(spec, tenant, region.name)) continue;
      const base = { tenant: tenant.name, region: region.name };
      const topicId = (local: string) => `${region.name}/topic/${tenantTopicName(tenant.name, local)}`;
      const topic = (local: string) => {
        const id = topicId(local);
        if (!nodes.has(id)) {
          nodes.set(id, { id, type: "dataset", namespace: `kafka://${bootstrap}`, name: tenantTopicName(tenant.name, local), kind: "topic", ...base });
        }
        return id;
      };
      const prefixTopics = (ref: string): string[] => {
        if (!ref.endsWith("*")) return [topic(ref)];
        const p = ref.slice(0, -1);
        const all = [...(tenant.topics ?? []).map((t) => t.name), ...(tenant.sources ?? []).flatMap(sourceTopicNames)];
        return all.filter((t) => t.startsWith(p)).map(topic);
      };
      const job = (kind: LineageNode["kind"], name: string) => {
        const id = `${region.name}/${kind}/${tenantUserName(tenant.name, name)}`;
        nodes.set(id, { id, type: "job", namespace: jobNamespace, name: `${tenant.name}.${name}`, kind, ...base });
        return id;
      };
      for (const t of tenant.topics ?? []) topic(t.name);
      for (const src of tenant.sources ?? []) {
        const connector = job("source", src.name);
        const scheme = src.type === "sqlserver" ? "sqlserver" : src.type;
        const topics = sourceTopicNames(src);
        [...src.tables, ...(src.signalTable ? [src.signalTable] : [])].forEach((table, i) => {
          const id = `${region.name}/table/${src.host}/${table}`;
          nodes.set(id, { id, type: "dataset", namespace: `${scheme}://${src.host}:${src.port ?? DEFAULT_DATABASE_PORTS[src.type]}`, name: `${src.database ? `${src.database}.` : ""}${table}`, kind: "table", ...base });
          edge(id, connector);
          edge(connector, topic(topics[i]));
        });
      }
      for (const sink of tenant.sinks ?? []) {
        const connector = job("sink", sink.name);
        for (const ref of sink.topics) edge(topic(ref), connector);
        if (sinkErrorPolicy(tenant, sink) === "dead-letter") edge(connector, topic(sinkDeadLetterTopicName(sink.name)));
        if (sink.type === "iceberg") {
          // topic -> sink -> the Iceberg table in the tenant's warehouse (the JDBC catalog's default location:
          // <warehouse>/<namespace>/<table>); the control topic is the sink's own, read and written.
          const bucket = region.flink?.checkpointBucket ?? checkpointBucketName(spec.environment, region.name, spec.aws?.accountId);
          // (GlueCatalog's default: <warehouse>/<database>.db/<table>, iceberg aws GlueCatalog.defaultWarehouseLocation).
          const ns = icebergNamespace(icebergSinkNamespace(spec.environment, tenant.name, sink));
          const dir = sink.catalog.type === "glue" ? `${ns}.db` : ns;
          const id = `${region.name}/iceberg/${bucket}/${ns}.${sink.table}`;
          nodes.set(id, { id, type: "dataset", namespace: `s3://${bucket}`, name: `${tenantStoragePrefix(tenant.name)}lake/${dir}/${sink.table}`, kind: "table", ...base });
          edge(connector, id);
          edge(connector, topic(icebergControlTopicName(sink.name)));
          continue;
        }
        // topic -> sink connector -> the database table each record lands in (a CDC topic's captured table name
        // under `${source.table}`, the format's literal otherwise); its dead-letter topic when it has one.
        const scheme = sink.dialect === "postgresql" ? "postgres" : "mysql";
        for (const ref of sink.topics) {
          const cdc = sourceOfTopic(tenant, ref);
          const captured = cdc?.table.split(".");
          const table = (sink.table ?? "${source.table}")
            .replace("${topic}", tenantTopicName(tenant.name, ref).replace(/\./g, "_"))
            .replace("${source.table}", captured?.[captured.length - 1] ?? "")
            .replace("${source.schema}", captured && captured.length > 1 ? captured[captured.length - 2] : "")
            .replace("${source.db}", cdc?.src.database ?? "");
          const id = `${region.name}/table/${sink.host}/${sink.database}.${table}`;
          nodes.set(id, { id, type: "dataset", namespace: `${scheme}://${sink.host}:${sink.port ?? (scheme === "postgres" ? 5432 : 3306)}`, name: `${sink.database}.${table}`, kind: "table", ...base });
          edge(connector, id);
        }
      }
      // The tenant's Connect cluster's own topics (ConnectCluster: `<tenant>.<tenant>-connect-<suffix>`), where it
      // runs: every connector writes its status (and the workers its configs); sources also their offsets.
      if (region.connect && ((tenant.sources ?? []).length > 0 || (tenant.sinks ?? []).length > 0)) {
        const internal = (suffix: string) => {
          const id = topic(`${tenant.name}-connect-${suffix}`);
          nodes.set(id, { ...nodes.get(id)!, internal: true });
          return id;
        };
        for (const src of tenant.sources ?? []) for (const s of ["configs", "offsets", "status"]) edge(`${region.name}/source/${tenantUserName(tenant.name, src.name)}`, internal(s));
        for (const sink of tenant.sinks ?? []) for (const s of ["configs", "status"]) edge(`${region.name}/sink/${tenantUserName(tenant.name, sink.name)}`, internal(s));
      }
      for (const app of tenant.apps ?? []) {
        const id = job("app", app.name);
        for (const ref of app.consumes ?? []) for (const t of prefixTopics(typeof ref === "string" ? ref : ref.topic)) edge(t, id);
        for (const ref of app.produces ?? []) for (const t of prefixTopics(ref)) edge(id, t);
      }
      // Typed edges: each topic -> the subjects that type it, with the schema version Floe registers.
      if (registryRegions.has(region.name)) {
        const registry = `schema-registry://schema-registry.${region.kafka.namespace ?? DEFAULT_KAFKA_NAMESPACE}.svc.${region.name}:${SCHEMA_REGISTRY_PORT}`;
        for (const s of tenantSubjects(tenant, `tenants[${tenantIndex}]`)) {
          const id = `${region.name}/subject/${s.subject}`;
          nodes.set(id, { id, type: "schema", namespace: registry, name: s.subject, kind: "subject", schemaType: s.schema.registryType, ...base });
          edges.push({ from: topic(s.topic), to: id, version: `sha256:${createHash("sha256").update(s.schema.text).digest("hex").slice(0, 16)}` });
        }
      }
      for (const j of tenant.jobs ?? []) {
        const id = job("flink-job", j.name);
        for (const ref of j.reads ?? []) for (const t of prefixTopics(ref)) edge(t, id);
        for (const ref of j.writes ?? []) for (const t of prefixTopics(ref)) edge(id, t);
        if ((j.onMalformed ?? tenant.onMalformed) === "dead-letter") edge(id, topic(deadLetterTopicName(j.name)));
        if (j.backfill) {
          const bf = job("flink-job", `${j.name}-backfill`);
          const separate = (j.backfill.output ?? "separate") === "separate";
          for (const ref of j.reads ?? []) for (const t of prefixTopics(ref)) edge(t, bf);
          for (const ref of (j.writes ?? []).filter((w) => !separate || !w.endsWith("*"))) {
            for (const t of separate ? [topic(`${ref}.backfill`)] : prefixTopics(ref)) edge(bf, t);
          }
        }
      }
    }
  }
  // Replication: primary topic -> MirrorMaker 2 (runs in the standby region) -> the standby's copy.
  const standbyCopies = new Set<string>();
  for (const entry of resolveReplication(spec)) {
    const { primary, standby } = entry.spec;
    const tenant = entry.tenant.name;
    const mirror = `${standby}/mirror/${tenant}-mirror-${primary}`;
    const topics = [...entry.topics].sort().map((t) => tenantTopicName(tenant, t));
    const from = topics.map((t) => `${primary}/topic/${t}`).filter((id) => nodes.has(id));
    const to = topics.map((t) => `${standby}/topic/${t}`).filter((id) => nodes.has(id));
    if (from.length === 0 || to.length === 0) continue;
    nodes.set(mirror, { id: mirror, type: "job", namespace: `floe://${spec.environment}/${standby}`, name: `${tenant}.mirror-${primary}`, kind: "mirror", tenant, region: standby });
    for (const id of from) edge(id, mirror);
    for (const id of to) {
      edge(mirror, id);
      standbyCopies.add(id);
    }
    // MirrorMaker 2's own topics on the standby's cluster (KafkaMirrorMaker2: its Connect topics and its
    // checkpoints and offset syncs, named after the mirror and the primary's alias).
    const prefix = mirrorInternalPrefix(`${tenant}-mirror-${primary}`);
    const namespace = nodes.get(to[0])!.namespace;
    for (const name of [...["configs", "offsets", "status"].map((s) => `${prefix}${s}`), ...mirrorOwnTopicNames(prefix, primary)]) {
      const id = `${standby}/topic/${name}`;
      nodes.set(id, { id, type: "dataset", namespace, name, kind: "topic", tenant, region: standby, internal: true });
      edge(mirror, id);
    }
  }
  // In a standby, MirrorMaker 2 is the only live writer of the copies. Flink jobs and connectors that read or write a
  // copy are the standby's stopped twins (suspended jobs, stopped connectors): none of their outputs is drawn. Apps
  // hold no write grant on a copy there.
  const stopped = new Set(
    edges
      .flatMap((e) => (standbyCopies.has(e.from) ? [e.to] : standbyCopies.has(e.to) ? [e.from] : []))
      .filter((id) => ["flink-job", "source", "sink"].includes(nodes.get(id)?.kind ?? "")),
  );
  const live = edges.filter((e) => !stopped.has(e.from) && (!standbyCopies.has(e.to) || nodes.get(e.from)?.kind === "mirror"));
  // Not `edges.push(...live)`: a call's spread arguments go on the stack, which 2000 tenants x 3 regions overflow.
  const sortedEdges = [...new Map(live.map((e) => [`${e.from}->${e.to}`, e])).values()].sort((a, b) =>
    `${a.from}->${a.to}` < `${b.from}->${b.to}` ? -1 : 1,
  );
  return { environment: spec.environment, nodes: [...nodes.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), edges: sortedEdges };
}

const safeId = (id: string) => `n_${id.replace(/[^A-Za-z0-9]/g, "_")}`;

/** Mermaid flowchart, one subgraph per region and tenant. */
export function lineageMermaid(graph: LineageGraph): string {
  const lines = ["flowchart LR"];
  const groups = groupBy(graph.nodes, (n) => `${n.region} / ${n.tenant}`);
  for (const [group, nodes] of [...groups.entries()].sort()) {
    lines.push(`  subgraph ${safeId(group)}["${group}"]`);
    for (const n of nodes) {
      const label = `${n.kind}: ${n.name}`.replace(/"/g, "'");
      lines.push(n.type === "dataset" ? `    ${safeId(n.id)}[("${label}")]` : n.type === "schema" ? `    ${safeId(n.id)}{{"${label}"}}` : `    ${safeId(n.id)}["${label}"]`);
    }
    lines.push("  end");
  }
  for (const e of graph.edges) lines.push(e.version ? `  ${safeId(e.from)} -->|"${e.version}"| ${safeId(e.to)}` : `  ${safeId(e.from)} --> ${safeId(e.to)}`);
  return `${lines.join("\n")}\n`;
}

/** Graphviz DOT, one cluster per region and tenant. */
export function lineageDot(graph: LineageGraph): string {
  const lines = [`digraph "${graph.environment}" {`, "  rankdir=LR;"];
  const groups = groupBy(graph.nodes, (n) => `${n.region} / ${n.tenant}`);
  for (const [group, nodes] of [...groups.entries()].sort()) {
    lines.push(`  subgraph "cluster_${group}" {`, `    label="${group}";`);
    for (const n of nodes) lines.push(`    "${n.id}" [label="${n.kind}: ${n.name}", shape=${n.type === "dataset" ? "cylinder" : n.type === "schema" ? "hexagon" : "box"}];`);
    lines.push("  }");
  }
  for (const e of graph.edges) lines.push(e.version ? `  "${e.from}" -> "${e.to}" [label="${e.version}"];` : `  "${e.from}" -> "${e.to}";`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** OpenLineage-style JSON: datasets and jobs with their inputs and outputs. */
export function lineageJson(graph: LineageGraph): string {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const ref = (id: string) => ({ namespace: byId.get(id)!.namespace, name: byId.get(id)!.name });
  // Each edge indexed once by its ends (edge order kept): a filter over all edges per node made this quadratic.
  const into = groupBy(graph.edges, (e) => e.to);
  const outOf = groupBy(graph.edges, (e) => e.from);
  const jobs = graph.nodes
    .filter((n) => n.type === "job")
    .map((n) => ({
      namespace: n.namespace,
      name: n.name,
      kind: n.kind,
      tenant: n.tenant,
      region: n.region,
      inputs: (into.get(n.id) ?? []).map((e) => ref(e.from)),
      outputs: (outOf.get(n.id) ?? []).map((e) => ref(e.to)),
    }));
  const datasets = graph.nodes
    .filter((n) => n.type === "dataset")
    .map((n) => {
      const schemas = (outOf.get(n.id) ?? []).filter((e) => e.version !== undefined).map((e) => ({ ...ref(e.to), schemaType: byId.get(e.to)!.schemaType, version: e.version }));
      return { namespace: n.namespace, name: n.name, kind: n.kind, tenant: n.tenant, region: n.region, ...(n.internal ? { internal: true } : {}), ...(schemas.length > 0 ? { schemas } : {}) };
    });
  return `${JSON.stringify({ environment: graph.environment, datasets, jobs }, null, 2)}\n`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
