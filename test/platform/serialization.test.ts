import { parsePlatformSpec, synthesize } from "../../lib/internal";
import { catchValidation, issuesWithCode } from "../helpers";
import { devSpecWithSource } from "../helpers/specs";

type Obj = Record<string, any>;

const VALUE = { type: "object", properties: { id: { type: "string" } } };
const ORDERS = [
  { name: "id", type: "integer", primaryKey: true },
  { name: "customer", type: "text", nullable: false },
];

/** alpha: a JSON-Schema topic `events`, a PostgreSQL source with columns, a SQL job on generated tables. */
function spec(edit: (s: any) => void = () => undefined): any {
  const s = devSpecWithSource();
  s.tenants[0].topics = [{ name: "events", valueSchema: { type: "json", definition: VALUE } }];
  s.tenants[0].sources[0].columns = { "public.orders": ORDERS };
  s.tenants[0].jobs = [
    {
      name: "copy",
      image: "registry.example.com/alpha/flink-sql:1.20.1",
      sql: { tables: [{ topic: "orders-db.public.orders", name: "orders" }, { topic: "events" }], statements: ["INSERT INTO events SELECT customer FROM orders"] },
      reads: ["orders-db.public.orders"],
      writes: ["events"],
    },
  ];
  s.tenants[0].apps = [];
  edit(s);
  return s;
}

describe("an enforced serialization format", () => {
  test("the environment's format: a conforming tenant renders; its sources write the format by default", () => {
    const s = spec((x) => {
      x.serialization = { format: "json" };
      // Every tenant conforms (the other tenant's topics described too).
      for (const t of x.tenants.slice(1)) for (const topic of t.topics ?? []) topic.valueSchema = { type: "json", definition: VALUE };
    });
    const parsed = parsePlatformSpec(s);
    expect(parsed.tenants![0].sources![0].format).toBe("json");
    expect(synthesize(parsed).files.length).toBeGreaterThan(0);
  });

  test("a tenant's own format wins over the environment's, and sources without a format write it", () => {
    const s = spec((x) => {
      x.serialization = { format: "json" };
      x.tenants[0].serialization = { format: "avro" };
      x.regions[0].connect.converters = ["avro"];
    });
    const e = catchValidation(() => parsePlatformSpec(s));
    // The topic's JSON Schema and the hand-free SQL job break Avro; the source now writes Avro.
    expect(issuesWithCode(e, "SchemaFormatMismatch")[0]).toMatchObject({ scope: "tenants[0].topics[0]", field: "valueSchema.type", value: "json", message: "is not the avro that tenants[0].serialization enforces" });
    expect(issuesWithCode(e, "SourceFormatMismatch")).toEqual([]);
    expect(issuesWithCode(e, "SqlTableFormatUnsupported").length).toBeGreaterThan(0);
  });

  test("errors: a topic without a schema, a source writing another format, a hand-written Kafka table", () => {
    const e = catchValidation(() =>
      parsePlatformSpec(
        spec((x) => {
          x.serialization = { format: "json" };
          x.tenants[0].topics.push({ name: "raw" });
          x.tenants[0].sources[0].format = "avro";
          x.regions[0].connect.converters = ["avro"];
          x.tenants[0].jobs[0].sql.statements.unshift("CREATE TABLE mine (id STRING) WITH ('connector' = 'kafka', 'topic' = 'alpha.events', 'format' = 'raw')");
        }),
      ),
    );
    expect(issuesWithCode(e, "TopicWithoutSchema")[0]).toMatchObject({ scope: "tenants[0].topics[1]", field: "valueSchema", value: "raw", fix: "declare the topic's valueSchema, a JSON Schema (.json)" });
    expect(issuesWithCode(e, "SourceFormatMismatch")[0]).toMatchObject({ scope: "tenants[0].sources[0]", field: "format", value: "avro", message: "writes avro, but serialization enforces json" });
    expect(issuesWithCode(e, "SqlTableNotFromSchema")[0]).toMatchObject({ scope: "tenants[0].jobs[0].sql", field: "statements[0]", value: "mine", fix: expect.stringContaining("sql.tables") });
  });

  test("without a declared format nothing is enforced (a topic without a schema, a hand-written table)", () => {
    const s = spec((x) => {
      x.tenants[0].topics.push({ name: "raw" });
      x.tenants[0].jobs[0].reads.push("raw");
      x.tenants[0].jobs[0].sql.statements.unshift("CREATE TABLE mine (id STRING) WITH ('connector' = 'kafka', 'topic' = 'alpha.raw', 'format' = 'json')");
    });
    const objects = synthesize(parsePlatformSpec(s)).files.flatMap((f) => f.objects) as Obj[];
    expect(objects.some((o) => o.kind === "KafkaTopic" && o.spec.topicName === "alpha.raw")).toBe(true);
  });
});
