import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { diffTrees, parsePlatformSpec, synthesize, treeObjects } from "../../lib/internal";
import { catchValidation, issuesWithCode, ROOT } from "../helpers";
import { devSpecWithSource, exampleSpec } from "../helpers/specs";

type Obj = Record<string, any>;

const ORDERS = [
  { name: "id", type: "integer", primaryKey: true },
  { name: "customer", type: "text", nullable: false },
  { name: "amount", type: "numeric(10,2)", nullable: false },
];

function withColumns(columns: unknown, format?: string): any {
  const spec = devSpecWithSource();
  spec.tenants[0].sources[0].columns = columns;
  if (format) {
    spec.tenants[0].sources[0].format = format;
    spec.regions[0].connect.converters = ["avro"];
  }
  return spec;
}
const objectsOf = (spec: unknown) => synthesize(parsePlatformSpec(spec)).files.flatMap((f) => f.objects) as Obj[];
const registrationOf = (objects: Obj[]) => objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "alpha-schemas")?.data as Record<string, string> | undefined;

describe("a CDC source's declared columns: the topic's schema derived and registered", () => {
  test("the example declares its PostgreSQL tables: their JSON Schemas are registered in the registry's leading region, the excluded column left out", () => {
    const objects = synthesize(parsePlatformSpec(exampleSpec())).files.filter((f) => f.path.startsWith("eu-west-1/")).flatMap((f) => f.objects) as Obj[];
    const data = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "payments-schemas")!.data as Record<string, string>;
    expect(data["subjects.txt"]).toContain("payments.orders-db.public.orders-value BACKWARD");
    const value = JSON.parse(JSON.parse(data["payments.orders-db.public.orders-value.json"]).schema);
    expect(JSON.parse(data["payments.orders-db.public.orders-value.json"]).schemaType).toBe("JSON");
    // The source embeds schemas (embedSchemas): each record is JsonConverter's {schema, payload} envelope.
    expect(value.required).toEqual(["schema", "payload"]);
    expect(Object.keys(value.properties.payload.properties.after.properties)).toEqual(["id", "customer", "amount"]);
    const key = JSON.parse(JSON.parse(data["payments.orders-db.public.order_lines-key.json"]).schema);
    expect(key.properties.payload.required).toEqual(["order_id", "line"]);
  });

  test("the type translation snippet of docs/schemas.md parses and registers its table (an enum column among them)", () => {
    const readme = readFileSync(join(ROOT, "docs", "schemas.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Type translation"));
    const yaml = section.slice(section.indexOf("```yaml") + 7, section.indexOf("```", section.indexOf("```yaml") + 7));
    const snippet = parse(yaml).sources[0];
    const spec = withColumns(snippet.columns);
    spec.tenants[0].sources[0].columnExcludeList = snippet.columnExcludeList;
    const value = JSON.parse(JSON.parse(registrationOf(objectsOf(spec))!["alpha.orders-db.public.orders-value.json"]).schema);
    expect(Object.keys(value.properties.after.properties)).toEqual(["id", "amount", "mood"]);
    expect(value.properties.after.properties.mood.enum).toEqual(["sad", "ok", "happy", null]);
  });

  test("json sources register JSON Schemas (a registry is rendered for them); avro sources Avro", () => {
    const json = registrationOf(objectsOf(withColumns({ "public.orders": ORDERS })))!;
    expect(JSON.parse(json["alpha.orders-db.public.orders-value.json"]).schemaType).toBe("JSON");
    const avro = registrationOf(objectsOf(withColumns({ "public.orders": ORDERS }, "avro")))!;
    expect(JSON.parse(avro["alpha.orders-db.public.orders-value.json"]).schemaType).toBe("AVRO");
    // Avro converters register nothing: the signal table's and the heartbeats' subjects are Floe's too.
    const withSignal = withColumns({ "public.orders": ORDERS }, "avro");
    withSignal.tenants[0].sources[0].signalTable = "public.debezium_signal";
    const subjects = registrationOf(objectsOf(withSignal))!["subjects.txt"].split("\n").filter(Boolean).map((l) => l.split(" ")[0]);
    expect(subjects).toEqual([
      "alpha.debezium-heartbeat.alpha.orders-db-key",
      "alpha.debezium-heartbeat.alpha.orders-db-value",
      "alpha.orders-db.public.debezium_signal-key",
      "alpha.orders-db.public.debezium_signal-value",
      "alpha.orders-db.public.orders-key",
      "alpha.orders-db.public.orders-value",
    ]);
    const objects = objectsOf(withSignal);
    const connector = objects.find((o) => o.kind === "KafkaConnector")!;
    // The subjects are those of the topics the connector writes.
    expect(objects.some((o) => o.kind === "KafkaTopic" && o.spec.topicName === `${connector.spec.config["topic.heartbeat.prefix"]}.${connector.spec.config["topic.prefix"]}`)).toBe(true);
    const heartbeat = JSON.parse(JSON.parse(registrationOf(objects)!["alpha.debezium-heartbeat.alpha.orders-db-value.json"]).schema);
    expect(heartbeat).toEqual({ type: "record", name: "Heartbeat", namespace: "io.debezium.connector.common", fields: [{ name: "ts_ms", type: "long" }], "connect.version": 1, "connect.name": "io.debezium.connector.common.Heartbeat" });
    // Without columns and without Avro: no registry, no registration.
    expect(registrationOf(objectsOf(devSpecWithSource()))).toBeUndefined();
  });

  test("floe diff classifies a column change: a nullable column added is safe; a NOT NULL column added or a type narrowed is destructive", () => {
    const diff = (a: unknown[], b: unknown[], format?: string) =>
      diffTrees(treeObjects(synthesize(parsePlatformSpec(withColumns({ "public.orders": a }, format))).files), treeObjects(synthesize(parsePlatformSpec(withColumns({ "public.orders": b }, format))).files));
    const registration = (r: ReturnType<typeof diff>) => r.changes.find((c) => c.kind === "ConfigMap" && c.name === "alpha-schemas");
    for (const format of ["avro", undefined]) {
      const added = registration(diff(ORDERS, [...ORDERS, { name: "note", type: "text" }], format))!;
      expect({ format, risk: added.risk }).toEqual({ format, risk: "safe" });
      const required = registration(diff(ORDERS, [...ORDERS, { name: "region", type: "text", nullable: false }], format))!;
      expect({ format, risk: required.risk }).toEqual({ format, risk: "destructive" });
      expect(required.reasons.join("\n")).toContain("alpha.orders-db.public.orders-value is not BACKWARD compatible");
    }
    const narrowed = registration(diff(ORDERS, [ORDERS[0], ORDERS[1], { name: "amount", type: "integer", nullable: false }], "avro"))!;
    expect(narrowed.risk).toBe("destructive");
  });

  test("errors: columns of another connector, of an uncaptured table, a type Floe does not translate, a column twice, a nullable key, an invalid Avro name, an Avro table without columns", () => {
    const mysql = withColumns({ "public.orders": ORDERS });
    mysql.tenants[0].sources[0].type = "mysql";
    mysql.tenants[0].sources[0].serverId = 1;
    mysql.regions[0].connect.connectors = ["mysql"];
    expect(issuesWithCode(catchValidation(() => parsePlatformSpec(mysql)), "ColumnTypesUnsupported")[0]).toMatchObject({ scope: "tenants[0].sources[0]", field: "columns", value: "mysql" });

    const e = catchValidation(() =>
      parsePlatformSpec(
        withColumns({
          "public.other": ORDERS,
          "public.orders": [
            { name: "id", type: "integer", primaryKey: true, nullable: true },
            { name: "shape", type: "geometry" },
            { name: "id", type: "integer" },
            { name: "mood", type: "mood[]", values: ["a"] },
          ],
        }),
      ),
    );
    expect(issuesWithCode(e, "ColumnsForUncapturedTable")[0]).toMatchObject({ scope: "tenants[0].sources[0].columns", field: "public.other", fix: expect.stringContaining("public.orders") });
    const unknown = issuesWithCode(e, "UnknownColumnType");
    expect(unknown[0]).toMatchObject({ scope: "tenants[0].sources[0].columns.public.orders[1]", field: "type", value: "geometry", fix: expect.stringContaining("numeric(p,s)") });
    expect(unknown[1]).toMatchObject({ scope: "tenants[0].sources[0].columns.public.orders[3]", field: "values" });
    expect(issuesWithCode(e, "DuplicateColumn")[0]).toMatchObject({ scope: "tenants[0].sources[0].columns.public.orders[2]", value: "id" });
    expect(issuesWithCode(e, "NullablePrimaryKey")[0]).toMatchObject({ scope: "tenants[0].sources[0].columns.public.orders[0]" });

    const avro = catchValidation(() => parsePlatformSpec(withColumns({ "public.orders": [...ORDERS, { name: "bad-name", type: "text" }] }, "avro")));
    expect(issuesWithCode(avro, "InvalidAvroFieldName")[0]).toMatchObject({ value: "bad-name", fix: expect.stringContaining("format: json") });
    const twoTables = withColumns({ "public.orders": ORDERS }, "avro");
    twoTables.tenants[0].sources[0].tables.push("public.lines");
    expect(issuesWithCode(catchValidation(() => parsePlatformSpec(twoTables)), "TableSchemaMissing")[0]).toMatchObject({ field: "tables[1]", value: "public.lines" });
  });
});
