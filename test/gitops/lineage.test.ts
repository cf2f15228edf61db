import { buildLineage, lineageDot, lineageJson, lineageMermaid, parsePlatformSpec } from "../../lib";
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
    expect(graph.nodes.find((n) => n.id === "eu-west-1/subject/payments.orders-db.public.orders-value")).toMatchObject({ type: "schema", kind: "subject", schemaType: "JSON", namespace: "schema-registry://schema-registry.kafka.svc:8081" });
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
    expect(dataset.schemas).toContainEqual({ namespace: "schema-registry://schema-registry.kafka.svc:8081", name: "payments.orders-db.public.orders-value", schemaType: "JSON", version: expect.stringMatching(/^sha256:/) });
  });

  test("OpenLineage-style JSON: datasets with kafka:// namespaces, jobs with inputs and outputs", () => {
    const json = JSON.parse(lineageJson(graph));
    const job = json.jobs.find((j: any) => j.name === "payments.fraud-scorer" && j.region === "eu-west-1");
    expect(job.namespace).toBe("floe://prod/eu-west-1");
    expect(job.inputs).toContainEqual({ namespace: "kafka://events-kafka-bootstrap.kafka.svc:9093", name: "payments.orders-db.public.orders" });
    expect(job.outputs).toEqual([{ namespace: "kafka://events-kafka-bootstrap.kafka.svc:9093", name: "payments.refunds" }]);
    expect(json.datasets.find((d: any) => d.kind === "table" && d.name === "orders.public.orders").namespace).toBe("postgres://orders.cluster-c1a2b3.eu-west-1.rds.amazonaws.com");
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
});
