import { flinkTypeOfConnect, flinkTypeOfJsonSchema } from "../../lib/platform/jobs/tables";
import { diffTrees, parsePlatformSpec, postgresColumnSchema, synthesize, treeObjects } from "../../lib/internal";
import { catchValidation, issuesWithCode } from "../helpers";
import { devSpecWithSource, exampleSpec } from "../helpers/specs";

type Obj = Record<string, any>;

const COLUMNS = [
  { name: "id", type: "integer", primaryKey: true },
  { name: "customer", type: "text", nullable: false },
  { name: "amount", type: "numeric(10,2)", nullable: false },
  { name: "secret", type: "text" },
];
const VALUE = { type: "object", properties: { customer: { type: "string" }, n: { type: "integer" }, total: { type: ["number", "null"] } }, required: ["customer", "n"] };
const KEY = { type: "object", properties: { customer: { type: "string" } } };

/** alpha captures public.orders (columns declared) and runs a SQL job `totals` on generated tables. */
function spec(tables: unknown[], edit: (s: any) => void = () => undefined): any {
  const s = devSpecWithSource();
  const src = s.tenants[0].sources[0];
  src.columns = { "public.orders": COLUMNS };
  src.columnExcludeList = ["public.orders.secret"];
  s.tenants[0].topics.push({ name: "totals", carries: "changelog", valueSchema: { type: "json", definition: VALUE }, keySchema: { type: "json", definition: KEY } });
  s.tenants[0].topics.push({ name: "log", valueSchema: { type: "json", definition: VALUE } });
  s.tenants[0].jobs = [
    {
      name: "totals",
      image: "registry.example.com/alpha/flink-sql:1.20.1",
      sql: { tables, statements: ["INSERT INTO totals SELECT customer, COUNT(*), CAST(SUM(amount) AS DOUBLE) FROM orders GROUP BY customer"] },
      reads: ["orders-db.public.orders"],
      writes: ["totals", "log"],
    },
  ];
  edit(s);
  return s;
}
const script = (s: unknown) => {
  const objects = synthesize(parsePlatformSpec(s)).files.flatMap((f) => f.objects) as Obj[];
  return objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "alpha-totals-sql")!.data["statements.sql"] as string;
};
const errors = (s: unknown) => catchValidation(() => parsePlatformSpec(s));

describe("SQL jobs on tables generated from their topics' schemas", () => {
  test("a CDC topic is a debezium-json changelog table of the declared columns (excluded ones left out); a keyed sink is upsert-kafka; the connection is added to both", () => {
    const sql = script(spec([{ topic: "orders-db.public.orders", name: "orders" }, { topic: "totals" }]));
    const lines = sql.split(";\n");
    expect(lines[0]).toMatch(/^CREATE TABLE `orders` \(`id` INT, `customer` STRING, `amount` BYTES\) WITH \('connector' = 'kafka', 'topic' = 'alpha\.orders-db\.public\.orders', 'format' = 'debezium-json', 'properties\.bootstrap\.servers' = /);
    expect(lines[1]).toMatch(/^CREATE TABLE `totals` \(`customer` STRING, `n` BIGINT, `total` DOUBLE, PRIMARY KEY \(`customer`\) NOT ENFORCED\) WITH \('connector' = 'upsert-kafka', 'topic' = 'alpha\.totals', 'key\.format' = 'json', 'value\.format' = 'json', /);
    expect(lines[1]).toContain("'properties.group.id' = 'alpha.totals'");
    expect(lines[2]).toBe("INSERT INTO totals SELECT customer, COUNT(*), CAST(SUM(amount) AS DOUBLE) FROM orders GROUP BY customer");
  });

  test("a table read as a changelog gets full before-images: the connector sets its replica identity (a source's own config wins)", () => {
    const connectorOf = (s: unknown) => (synthesize(parsePlatformSpec(s)).files.flatMap((f) => f.objects) as Obj[]).find((o) => o.kind === "KafkaConnector")!.spec.config;
    expect(connectorOf(spec([{ topic: "orders-db.public.orders", name: "orders" }, { topic: "totals" }]))["replica.identity.autoset.values"]).toBe("public\\.orders:FULL");
    // Not read as a table: the database's own replica identity stays.
    expect(connectorOf(spec([{ topic: "totals" }], (x) => (x.tenants[0].jobs[0].reads = [])))["replica.identity.autoset.values"]).toBeUndefined();
    const own = spec([{ topic: "orders-db.public.orders", name: "orders" }, { topic: "totals" }], (x) => (x.tenants[0].sources[0].config = { "replica.identity.autoset.values": "public.orders:DEFAULT" }));
    expect(connectorOf(own)["replica.identity.autoset.values"]).toBe("public.orders:DEFAULT");
  });

  test("decimalFormat: numeric renders the JSON converter with NUMERIC decimals; the registered schema says number and the Flink column DECIMAL(p, s)", () => {
    const s = spec([{ topic: "orders-db.public.orders", name: "orders" }, { topic: "totals" }], (x) => (x.tenants[0].sources[0].decimalFormat = "numeric"));
    expect(script(s)).toContain("`amount` DECIMAL(10, 2)");
    const objects = synthesize(parsePlatformSpec(s)).files.flatMap((f) => f.objects) as Obj[];
    expect(objects.find((o) => o.kind === "KafkaConnector")!.spec.config).toMatchObject({
      "value.converter": "org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable": "false",
      "value.converter.decimal.format": "NUMERIC",
    });
    const registration = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "alpha-schemas")!.data;
    expect(JSON.parse(JSON.parse(registration["alpha.orders-db.public.orders-value.json"]).schema).properties.after.properties.amount).toMatchObject({ type: "number" });
    // Without it, decimals stay base64 strings (the converter's default) and no converter is rendered.
    const plain = synthesize(parsePlatformSpec(spec([]))).files.flatMap((f) => f.objects) as Obj[];
    expect(plain.find((o) => o.kind === "KafkaConnector")!.spec.config["value.converter"]).toBeUndefined();
  });

  test("a sink without a key schema is an append-only json table; the default table name is the topic's; a backfill writes its copies", () => {
    const s = spec([{ topic: "orders-db.public.orders", name: "orders" }, { topic: "log" }], (x) => {
      x.tenants[0].jobs[0].sql.statements = ["INSERT INTO log SELECT customer, 1, CAST(amount AS DOUBLE) FROM orders"];
    });
    expect(script(s)).toContain("CREATE TABLE `log` (`customer` STRING, `n` BIGINT, `total` DOUBLE) WITH ('connector' = 'kafka', 'topic' = 'alpha.log', 'format' = 'json'");
    s.tenants[0].jobs[0].backfill = { from: "earliest" };
    const objects = synthesize(parsePlatformSpec(s)).files.flatMap((f) => f.objects) as Obj[];
    const backfill = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "alpha-totals-backfill-sql")!.data["statements.sql"] as string;
    expect(backfill).toContain("'topic' = 'alpha.log.backfill'");
    expect(backfill).toContain("'scan.bounded.mode' = 'latest-offset'");
  });

  test("the example's order-totals job: its tables generated, in the leading region running, in the standby suspended", () => {
    const files = synthesize(parsePlatformSpec(exampleSpec())).files;
    const objectsOf = (region: string) => files.filter((f) => f.path.startsWith(`${region}/`)).flatMap((f) => f.objects) as Obj[];
    const eu = objectsOf("eu-west-1");
    const sql = eu.find((o) => o.kind === "ConfigMap" && o.metadata.name === "payments-order-totals-sql")!.data["statements.sql"] as string;
    expect(sql).toContain("CREATE TABLE `orders` (`id` INT, `customer` STRING, `amount` DECIMAL(10, 2)) WITH ('connector' = 'kafka', 'topic' = 'payments.orders-db.public.orders', 'format' = 'debezium-json'");
    expect(sql).toContain("PRIMARY KEY (`customer`) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 'payments.order-totals'");
    expect(eu.find((o) => o.kind === "FlinkDeployment" && o.metadata.name === "payments-order-totals")!.spec.job.state).toBe("running");
    expect(objectsOf("us-east-1").find((o) => o.kind === "FlinkDeployment" && o.metadata.name === "payments-order-totals")!.spec.job.state).toBe("suspended");
  });

  test("types propagate: a column removed or retyped upstream makes the job's SQL change destructive, and the registration names the jobs downstream", () => {
    const edited = (edit: (cols: any[]) => void) => {
      const s = exampleSpec();
      edit((s.tenants![0].sources![0] as any).columns["public.orders"]);
      return s;
    };
    const diff = (head: unknown) => diffTrees(treeObjects(synthesize(parsePlatformSpec(exampleSpec())).files), treeObjects(synthesize(parsePlatformSpec(head)).files));
    const removed = diff(edited((cols) => cols.splice(1, 1)));
    const sql = removed.changes.find((c) => c.kind === "ConfigMap" && c.name === "payments-order-totals-sql" && c.file.startsWith("eu-west-1/"))!;
    expect(sql.risk).toBe("destructive");
    expect(sql.reasons).toContain(
      "reads payments.orders-db.public.orders as table orders: column customer removed; the query and its state may no longer fit, and what it writes to payments.order-totals changes",
    );
    const registration = removed.changes.find((c) => c.kind === "ConfigMap" && c.name === "payments-schemas")!;
    expect(registration.reasons).toContain("downstream of payments.orders-db.public.orders: SQL jobs payments-order-totals (writes payments.order-totals)");
    const retyped = diff(edited((cols) => (cols[2].type = "numeric(12,2)")));
    expect(retyped.changes.find((c) => c.name === "payments-order-totals-sql")!.reasons[0]).toContain("column amount DECIMAL(10, 2) -> DECIMAL(12, 2)");
    // A nullable column added breaks nothing downstream: the job's table gains a column.
    const added = diff(edited((cols) => cols.push({ name: "note", type: "text" })));
    const grown = added.changes.find((c) => c.name === "payments-order-totals-sql")!;
    expect(grown.reasons.some((r) => r.startsWith("reads "))).toBe(false);
    expect(added.changes.find((c) => c.name === "payments-schemas")!.reasons.some((r) => r.startsWith("downstream"))).toBe(false);
  });

  test("append-only vs changelog: a changelog topic is compacted by default and an upsert table (read or written); the mismatches are errors", () => {
    const objectsOf = (s: unknown) => synthesize(parsePlatformSpec(s)).files.flatMap((f) => f.objects) as Obj[];
    const topic = (objects: Obj[], name: string) => objects.find((o) => o.kind === "KafkaTopic" && o.spec.topicName === name)!;
    const base = objectsOf(spec([{ topic: "orders-db.public.orders", name: "orders" }, { topic: "totals" }]));
    expect(topic(base, "alpha.totals").spec.config["cleanup.policy"]).toBe("compact");
    // An append-only topic keeps Kafka's default (delete).
    expect(topic(base, "alpha.log").spec.config?.["cleanup.policy"]).toBeUndefined();
    // Read by another job, the changelog is an upsert source table too.
    const reader = spec([{ topic: "orders-db.public.orders", name: "orders" }, { topic: "totals" }], (x) =>
      x.tenants[0].jobs.push({ name: "rereader", image: "registry.example.com/alpha/flink-sql:1.20.1", sql: { tables: [{ topic: "totals" }, { topic: "log" }], statements: ["INSERT INTO log SELECT customer, n, total FROM totals"] }, reads: ["totals"], writes: ["log"] }),
    );
    const readerSql = objectsOf(reader).find((o) => o.kind === "ConfigMap" && o.metadata.name === "alpha-rereader-sql")!.data["statements.sql"] as string;
    expect(readerSql).toContain("CREATE TABLE `totals` (`customer` STRING, `n` BIGINT, `total` DOUBLE, PRIMARY KEY (`customer`) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 'alpha.totals'");
    // An append-only topic with a key schema stays append-only in SQL.
    const appendKeyed = spec([{ topic: "orders-db.public.orders", name: "orders" }, { topic: "totals" }], (x) => delete x.tenants[0].topics.find((t: Obj) => t.name === "totals").carries);
    expect(objectsOf(appendKeyed).find((o) => o.kind === "ConfigMap" && o.metadata.name === "alpha-totals-sql")!.data["statements.sql"]).toContain("CREATE TABLE `totals` (`customer` STRING, `n` BIGINT, `total` DOUBLE) WITH ('connector' = 'kafka', 'topic' = 'alpha.totals', 'format' = 'json'");

    const noKey = errors(spec([{ topic: "totals" }], (x) => delete x.tenants[0].topics.find((t: Obj) => t.name === "totals").keySchema));
    expect(issuesWithCode(noKey, "SqlUpsertWithoutKey")[0]).toMatchObject({ scope: "tenants[0].jobs[0].sql.tables[0]", value: "totals", fix: expect.stringContaining("keySchema") });
    const kinds = errors(
      spec([], (x) => {
        x.tenants[0].topics.push({ name: "clicks", carries: "append", cleanupPolicy: "compact" });
        x.tenants[0].topics.push({ name: "latest", carries: "changelog", cleanupPolicy: "delete" });
      }),
    );
    expect(issuesWithCode(kinds, "AppendOnlyCompacted")[0]).toMatchObject({ scope: "tenants[0].topics[4]", field: "cleanupPolicy", value: "compact" });
    expect(issuesWithCode(kinds, "ChangelogNotCompacted")[0]).toMatchObject({ scope: "tenants[0].topics[5]", field: "cleanupPolicy", value: "delete" });
    // compact,delete keeps a changelog bounded in time as well: allowed.
    expect(() => parsePlatformSpec(spec([], (x) => x.tenants[0].topics.push({ name: "latest", carries: "changelog", cleanupPolicy: "compact,delete" })))).not.toThrow();
  });

  test("errors: a topic neither or both read and written, no schema, an Avro topic, a sink on a CDC topic, a name twice or also created by the statements, an untyped property, a key outside the value", () => {
    const e = errors(
      spec(
        [
          { topic: "orders-db.public.orders", name: "orders" },
          { topic: "events" },
          { topic: "orders-db.public.orders", name: "orders" },
          { topic: "totals", name: "mine" },
        ],
        (x) => {
          x.tenants[0].topics.push({ name: "events" });
          x.tenants[0].jobs[0].sql.statements.unshift("CREATE TABLE mine (a INT) WITH ('connector' = 'datagen')");
        },
      ),
    );
    expect(issuesWithCode(e, "SqlTableDirection")[0]).toMatchObject({ scope: "tenants[0].jobs[0].sql.tables[1]", field: "topic", value: "events", message: "is neither read nor written by the job" });
    expect(issuesWithCode(e, "SqlTableNameTwice")[0]).toMatchObject({ scope: "tenants[0].jobs[0].sql.tables[2]", value: "orders" });
    expect(issuesWithCode(e, "SqlTableDefinedTwice")[0]).toMatchObject({ scope: "tenants[0].jobs[0].sql.tables[3]", value: "mine" });

    const both = errors(spec([{ topic: "totals" }], (x) => x.tenants[0].jobs[0].reads.push("totals")));
    expect(issuesWithCode(both, "SqlTableDirection")[0].message).toContain("both read and written");

    const noSchema = errors(spec([{ topic: "plain" }], (x) => {
      x.tenants[0].topics.push({ name: "plain" });
      x.tenants[0].jobs[0].writes.push("plain");
    }));
    expect(issuesWithCode(noSchema, "SqlTableWithoutSchema")[0]).toMatchObject({ value: "plain", fix: expect.stringContaining("valueSchema") });
    const noColumns = errors(spec([{ topic: "orders-db.public.orders" }], (x) => delete x.tenants[0].sources[0].columns));
    expect(issuesWithCode(noColumns, "SqlTableWithoutSchema")[0].fix).toContain('columns["public.orders"]');

    const avro = errors(spec([{ topic: "av" }], (x) => {
      x.tenants[0].topics.push({ name: "av", valueSchema: { type: "avro", definition: { type: "record", name: "A", fields: [{ name: "a", type: "int" }] } } });
      x.tenants[0].jobs[0].writes.push("av");
    }));
    expect(issuesWithCode(avro, "SqlTableFormatUnsupported")[0].message).toContain("avro-confluent");

    const cdcSink = errors(spec([{ topic: "orders-db.public.orders" }], (x) => {
      x.tenants[0].jobs[0].reads = [];
      x.tenants[0].jobs[0].writes.push("orders-db.public.orders");
    }));
    expect(issuesWithCode(cdcSink, "SqlTableSinkOnCdcTopic")).toHaveLength(1);

    const untyped = errors(spec([{ topic: "loose" }], (x) => {
      x.tenants[0].topics.push({ name: "loose", valueSchema: { type: "json", definition: { type: "object", properties: { a: {}, b: { type: ["string", "integer"] } } } } });
      x.tenants[0].jobs[0].writes.push("loose");
    }));
    expect(issuesWithCode(untyped, "SqlTableSchemaUnsupported")[0].message).toBe("loose valueSchema.a has no type: a column needs exactly one");

    const keyOutside = errors(spec([{ topic: "totals" }], (x) => (x.tenants[0].topics.find((t: Obj) => t.name === "totals").keySchema.definition = { type: "object", properties: { region: { type: "string" } } })));
    expect(issuesWithCode(keyOutside, "SqlTableKeyNotInValue")[0].message).toContain("region");

    const decimalAvro = errors(spec([], (x) => {
      x.tenants[0].sources[0].format = "avro";
      x.tenants[0].sources[0].decimalFormat = "numeric";
      x.regions[0].connect.converters = ["avro"];
    }));
    expect(issuesWithCode(decimalAvro, "DecimalFormatWithAvro")[0]).toMatchObject({ scope: "tenants[0].sources[0]", field: "decimalFormat" });
    // A table name must be a SQL identifier.
    expect(() => parsePlatformSpec(spec([{ topic: "totals", name: "bad name" }]))).toThrow("a SQL identifier");
  });

  test("Flink types: from Connect schemas (as JsonConverter writes them) and from JSON Schemas", () => {
    const t = (type: string, numeric = false) => flinkTypeOfConnect(postgresColumnSchema(type)!, numeric);
    expect([t("smallint"), t("integer"), t("bigint"), t("real"), t("double precision"), t("boolean"), t("text"), t("bytea"), t("date"), t("timestamp"), t("timestamptz")]).toEqual([
      "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "BOOLEAN", "STRING", "BYTES", "INT", "BIGINT", "STRING",
    ]);
    expect([t("numeric(12,3)"), t("numeric(12,3)", true), t("money", true), t("numeric", true), t("text[]")]).toEqual(["BYTES", "DECIMAL(12, 3)", "DECIMAL(19, 2)", "ROW<`scale` INT, `value` BYTES>", "ARRAY<STRING>"]);
    expect(flinkTypeOfConnect({ type: "int8", optional: false }, false)).toBe("TINYINT");
    expect(flinkTypeOfJsonSchema({ type: "array", items: { type: "object", properties: { a: { type: "boolean" } } } }, "x")).toBe("ARRAY<ROW<`a` BOOLEAN>>");
    expect(flinkTypeOfJsonSchema({ type: "null" }, "x")).toEqual(new Error("x has no type: a column needs exactly one"));
    expect(flinkTypeOfJsonSchema({ type: "object" }, "x")).toEqual(new Error("x declares no properties: a table needs its columns"));
    expect(flinkTypeOfJsonSchema(true, "x")).toEqual(new Error("x is not a schema object"));
  });
});
