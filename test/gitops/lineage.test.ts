import { buildLineage, lineageDot, lineageJson, lineageMermaid, parsePlatformSpec, synthesize } from "../../lib/internal";
import { run } from "../../lib/cli";
import { ROOT } from "../helpers";
import { join } from "path";
import { exampleSpec } from "../helpers/specs";

const graph = buildLineage(parsePlatformSpec(exampleSpec()));
const edgesOf = (region: string) => graph.edges.filter((e) => e.from.startsWith(`${region}/`));

describe("floe lineage", () => {
  test("sources -> CDC topics -> Flink jobs -> topics, per region and tenant", () => {
    const chain = [
      "eu-west-1/table/orders.cluster-c1a2b3.eu-west-1.rds.amazonaws.com/public.orders",
      "eu-west-1/source/payments-orders-db",
      "eu-west-1/topic/payments.orders-db.public.orders",
      "eu-west-1/flink-job/payments-fraud-scorer",
      "eu-west-1/topic/payments.refunds",
    ];
    for (let i = 0; i < chain.length - 1; i++) expect(graph.edges).toContainEqual({ from: chain[i], to: chain[i + 1] });
    expect(edgesOf("us-east-1").some((e) => e.to.includes("logistics"))).toBe(false);
  });

  test("replication: the primary's topic -> MirrorMaker 2 (in the standby region) -> the standby's copy", () => {
    expect(graph.edges).toContainEqual({ from: "eu-west-1/topic/payments.orders", to: "us-east-1/mirror/payments-mirror-eu-west-1" });
    expect(graph.edges).toContainEqual({ from: "us-east-1/mirror/payments-mirror-eu-west-1", to: "us-east-1/topic/payments.orders" });
    const mirrorIn = (id: string) => graph.edges.filter((e) => e.to === id).map((e) => e.from).sort();
    // analytics: experiments go eu -> us, the rest us -> eu.
    expect(mirrorIn("us-east-1/mirror/analytics-mirror-eu-west-1")).toEqual(["eu-west-1/topic/analytics.experiments"]);
    expect(mirrorIn("eu-west-1/mirror/analytics-mirror-us-east-1")).toEqual([
      "us-east-1/topic/analytics.clickstream",
      "us-east-1/topic/analytics.daily-aggregates",
      "us-east-1/topic/analytics.enriched-clicks",
      "us-east-1/topic/analytics.sessions",
    ]);
    expect(graph.nodes.find((n) => n.id === "us-east-1/mirror/payments-mirror-eu-west-1")).toMatchObject({ kind: "mirror", type: "job", region: "us-east-1", tenant: "payments" });
  });

  test("apps with prefix grants read every matching topic", () => {
    const reads = graph.edges.filter((e) => e.to === "eu-west-1/app/payments-customer-projector").map((e) => e.from);
    expect(reads).toContain("eu-west-1/topic/payments.orders");
    expect(reads).toContain("eu-west-1/topic/payments.orders-db.public.orders");
    expect(reads.every((r) => r.startsWith("eu-west-1/topic/payments."))).toBe(true);
  });

  test("typed edges: each topic -> its schema subjects, with the version Floe registers (in every region that runs a registry)", () => {
    const typed = graph.edges.filter((e) => e.version !== undefined);
    // The declared schema of analytics.clickstream and the derived ones of payments' captured tables.
    expect(typed).toContainEqual({ from: "us-east-1/topic/analytics.clickstream", to: "us-east-1/subject/analytics.clickstream-value", version: expect.stringMatching(/^sha256:[0-9a-f]{16}$/) });
    const orders = typed.filter((e) => e.from === "eu-west-1/topic/payments.orders-db.public.orders").map((e) => e.to);
    expect(orders).toEqual(["eu-west-1/subject/payments.orders-db.public.orders-key", "eu-west-1/subject/payments.orders-db.public.orders-value"]);
    expect(graph.nodes.find((n) => n.id === "eu-west-1/subject/payments.orders-db.public.orders-value")).toMatchObject({ type: "schema", kind: "subject", schemaType: "JSON", namespace: "schema-registry://schema-registry.kafka.svc.eu-west-1:8081" });
    // The same schema has the same version in both regions; another schema another.
    const version = (id: string) => typed.find((e) => e.to === id)?.version;
    expect(version("us-east-1/subject/payments.orders-db.public.orders-value")).toBe(version("eu-west-1/subject/payments.orders-db.public.orders-value"));
    expect(version("eu-west-1/subject/payments.orders-db.public.orders-key")).not.toBe(version("eu-west-1/subject/payments.orders-db.public.orders-value"));
    // A column change is a new version.
    const changed = exampleSpec();
    const source = changed.tenants!.find((t) => t.name === "payments")!.sources![0] as { columns: Record<string, { name: string; type: string }[]> };
    source.columns["public.orders"].push({ name: "note", type: "text" });
    const after = buildLineage(parsePlatformSpec(changed)).edges.find((e) => e.to === "eu-west-1/subject/payments.orders-db.public.orders-value");
    expect(after?.version).not.toBe(version("eu-west-1/subject/payments.orders-db.public.orders-value"));
    // Rendered: a labelled edge in Mermaid and DOT, a schemas list on the dataset in JSON.
    expect(lineageMermaid(graph)).toContain(`n_eu_west_1_topic_payments_orders_db_public_orders -->|"${version("eu-west-1/subject/payments.orders-db.public.orders-value")}"| n_eu_west_1_subject_payments_orders_db_public_orders_value`);
    expect(lineageDot(graph)).toContain(`"eu-west-1/topic/payments.orders-db.public.orders" -> "eu-west-1/subject/payments.orders-db.public.orders-value" [label="sha256:`);
    const dataset = JSON.parse(lineageJson(graph)).datasets.find((d: any) => d.name === "payments.orders-db.public.orders" && d.region === "eu-west-1");
    expect(dataset.schemas).toContainEqual({ namespace: "schema-registry://schema-registry.kafka.svc.eu-west-1:8081", name: "payments.orders-db.public.orders-value", schemaType: "JSON", version: expect.stringMatching(/^sha256:/) });
  });

  test("OpenLineage-style JSON: datasets with kafka:// namespaces, jobs with inputs and outputs", () => {
    const json = JSON.parse(lineageJson(graph));
    const job = json.jobs.find((j: any) => j.name === "payments.fraud-scorer" && j.region === "eu-west-1");
    expect(job.namespace).toBe("floe://prod/eu-west-1");
    expect(job.inputs).toContainEqual({ namespace: "kafka://events-kafka-bootstrap.kafka.svc.eu-west-1:9093", name: "payments.orders-db.public.orders" });
    expect(job.outputs).toEqual([{ namespace: "kafka://events-kafka-bootstrap.kafka.svc.eu-west-1:9093", name: "payments.refunds" }]);
    expect(json.datasets.find((d: any) => d.kind === "table" && d.name === "orders.public.orders").namespace).toBe("postgres://orders.cluster-c1a2b3.eu-west-1.rds.amazonaws.com:5432");
  });

  test("Mermaid and DOT render every node and edge; output is deterministic", () => {
    const mermaid = lineageMermaid(graph);
    expect(mermaid.startsWith("flowchart LR\n")).toBe(true);
    expect(mermaid.split("\n").filter((l) => l.includes("-->"))).toHaveLength(graph.edges.length);
    expect(mermaid).toContain('subgraph n_eu_west_1___payments["eu-west-1 / payments"]');
    const dot = lineageDot(graph);
    expect(dot).toMatch(/^digraph "prod" \{/);
    expect(dot.split("\n").filter((l) => l.includes(" -> "))).toHaveLength(graph.edges.length);
    expect(lineageMermaid(buildLineage(parsePlatformSpec(exampleSpec())))).toBe(mermaid);
  });

  test("CLI: formats and errors", async () => {
    let out = "";
    let err = "";
    const io = { out: (t: string) => (out += t), err: (t: string) => (err += t) };
    expect(await run(["lineage", join(ROOT, "examples", "platform.yaml"), "--format", "dot"], io)).toBe(0);
    expect(out).toMatch(/^digraph/);
    expect(await run(["lineage", join(ROOT, "examples", "platform.yaml"), "--format", "svg"], io)).toBe(1);
    expect(err).toContain("[InvalidOption] lineage.--format");
  });

  test("a graph of 2000 tenants x 3 regions (150,000 edges) builds and renders: no step passes its edges as call arguments", () => {
    // `edges.push(...live)` overflowed the stack here (npm run bench at 2000 tenants: "Maximum call stack size exceeded").
    const { generateSpec } = require("../../bench/spec") as { generateSpec: (n: number) => unknown };
    const graph = buildLineage(parsePlatformSpec(generateSpec(2000)));
    expect(graph.edges.length).toBeGreaterThan(140_000);
    expect(lineageMermaid(graph).split("\n").filter((l) => l.includes("-->"))).toHaveLength(graph.edges.length);
    expect(lineageJson(graph).length).toBeGreaterThan(graph.edges.length);
  });
});

describe("lineage namespaces, standby writers and internal topics", () => {
  const graph = buildLineage(parsePlatformSpec(exampleSpec()));
  const node = (id: string) => graph.nodes.find((n) => n.id === id)!;
  const outputs = (id: string) => graph.edges.filter((e) => e.from === id).map((e) => node(e.to).name).sort();

  test("each region's Kafka cluster and registry is its own namespace (the same in-cluster name, the region as the cluster domain)", () => {
    expect(node("eu-west-1/topic/payments.orders").namespace).toBe("kafka://events-kafka-bootstrap.kafka.svc.eu-west-1:9093");
    expect(node("us-east-1/topic/payments.orders").namespace).toBe("kafka://events-kafka-bootstrap.kafka.svc.us-east-1:9093");
    const subjects = graph.nodes.filter((n) => n.kind === "subject" && n.name === "payments.orders-value");
    expect(new Set(subjects.map((s) => s.namespace)).size).toBe(subjects.length);
  });

  test("source tables keep the database's port, its default when the spec gives none", () => {
    const s = exampleSpec();
    delete (s.tenants![0].sources![0] as { port?: number }).port;
    const g = buildLineage(parsePlatformSpec(s));
    const table = g.nodes.find((n) => n.kind === "table" && n.name === "orders.public.orders")!;
    expect(table.namespace).toMatch(/^postgres:\/\/[^/]+:5432$/);
    expect(graph.nodes.filter((n) => n.kind === "table" && n.type === "dataset" && !n.namespace.startsWith("s3://")).every((n) => /:\d+$/.test(n.namespace))).toBe(true);
  });

  test("in the standby only MirrorMaker 2 writes the copies; the stopped twins of jobs and connectors draw no output", () => {
    const writers = graph.edges.filter((e) => e.to === "us-east-1/topic/payments.orders").map((e) => node(e.from).kind);
    expect(writers).toEqual(["mirror"]);
    expect(outputs("us-east-1/flink-job/payments-order-totals")).toEqual([]);
    expect(outputs("us-east-1/source/payments-orders-db")).toEqual([]);
    expect(outputs("us-east-1/sink/payments-orders-reporting")).toEqual([]);
    // The primary's are live.
    expect(outputs("eu-west-1/flink-job/payments-order-totals")).toContain("payments.order-totals");
    expect(outputs("eu-west-1/sink/payments-orders-reporting")).toContain("reporting.orders");
  });

  test("Connect's and MirrorMaker 2's own topics appear where they exist, marked internal", () => {
    expect(outputs("eu-west-1/source/payments-orders-db")).toEqual(expect.arrayContaining(["payments.payments-connect-configs", "payments.payments-connect-offsets", "payments.payments-connect-status"]));
    expect(node("eu-west-1/topic/payments.payments-connect-offsets").internal).toBe(true);
    expect(outputs("us-east-1/mirror/payments-mirror-eu-west-1")).toEqual(
      expect.arrayContaining([
        "mirrormaker2.payments-mirror-eu-west-1.configs",
        "mirrormaker2.payments-mirror-eu-west-1.offsets",
        "mirrormaker2.payments-mirror-eu-west-1.status",
        "mirrormaker2.payments-mirror-eu-west-1.eu-west-1.checkpoints.internal",
        "mm2-offset-syncs.mirrormaker2.payments-mirror-eu-west-1.eu-west-1.internal",
      ]),
    );
    // Only in the standby's cluster, where the mirror runs.
    expect(graph.nodes.some((n) => n.id === "eu-west-1/topic/mirrormaker2.payments-mirror-eu-west-1.configs")).toBe(false);
    // logistics runs no Connect in us-east-1 (it is not there): no topics of its Connect there.
    expect(graph.nodes.some((n) => n.id === "us-east-1/topic/logistics.logistics-connect-configs")).toBe(false);
  });

  test("the rendered MirrorMaker 2 and Connect objects name the same internal topics as the lineage", () => {
    const objects = synthesize(parsePlatformSpec(exampleSpec())).files.filter((f) => f.path.startsWith("us-east-1/")).flatMap((f) => f.objects) as any[];
    const topics = new Set(objects.filter((o) => o.kind === "KafkaTopic").map((o) => o.spec.topicName ?? o.metadata.name));
    const mm2 = objects.find((o) => o.kind === "KafkaMirrorMaker2" && o.metadata.name === "payments-mirror-eu-west-1");
    expect(outputs("us-east-1/mirror/payments-mirror-eu-west-1")).toEqual(expect.arrayContaining([mm2.spec.target.configStorageTopic, mm2.spec.target.offsetStorageTopic, mm2.spec.target.statusStorageTopic]));
    for (const n of graph.nodes.filter((x) => x.region === "us-east-1" && x.internal)) expect({ topic: n.name, rendered: topics.has(n.name) || n.name.includes(".internal") }).toEqual({ topic: n.name, rendered: true });
  });
});
