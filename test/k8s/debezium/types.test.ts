import Ajv2020 from "ajv/dist/2020";
import * as avro from "avsc";
import {
  avroAdjustedName,
  checkCompatibility,
  ColumnDeclaration,
  connectToAvro,
  connectToJsonSchema,
  parseSqlType,
  postgresChangeEventSchemas,
  postgresColumnSchema,
  TopicSchema,
} from "../../../lib/internal";

// The mapping itself is proven against the real connector in test/e2e/cdc-types.test.ts (45 column types); these
// tests pin each branch and the translations into Avro and JSON Schema.

describe("PostgreSQL column types as Debezium 3.2 maps them", () => {
  test.each([
    ["smallint", { type: "int16" }],
    ["int2", { type: "int16" }],
    ["integer", { type: "int32" }],
    ["serial", { type: "int32" }],
    ["bigint", { type: "int64" }],
    ["oid", { type: "int64" }],
    ["real", { type: "float" }],
    ["double precision", { type: "double" }],
    ["float(24)", { type: "float" }],
    ["float(25)", { type: "double" }],
    ["float", { type: "double" }],
    ["numeric(10,2)", { type: "bytes", name: "org.apache.kafka.connect.data.Decimal", parameters: { scale: "2", "connect.decimal.precision": "10" } }],
    ["DECIMAL(7)", { type: "bytes", parameters: { scale: "0", "connect.decimal.precision": "7" } }],
    ["numeric", { type: "struct", name: "io.debezium.data.VariableScaleDecimal" }],
    ["money", { type: "bytes", parameters: { scale: "2" } }],
    ["boolean", { type: "boolean" }],
    ["bit", { type: "boolean" }],
    ["bit(1)", { type: "boolean" }],
    ["bit(8)", { type: "bytes", name: "io.debezium.data.Bits", parameters: { length: "8" } }],
    ["varchar(20)", { type: "string" }],
    ["character varying(20)", { type: "string" }],
    ["char(3)", { type: "string" }],
    ["tstzrange", { type: "string" }],
    ["date", { type: "int32", name: "io.debezium.time.Date" }],
    ["time", { type: "int64", name: "io.debezium.time.MicroTime" }],
    ["time(3)", { type: "int32", name: "io.debezium.time.Time" }],
    ["time(2) without time zone", { type: "int32", name: "io.debezium.time.Time" }],
    ["timestamp", { type: "int64", name: "io.debezium.time.MicroTimestamp" }],
    ["timestamp(0)", { type: "int64", name: "io.debezium.time.Timestamp" }],
    ["timestamp with time zone", { type: "string", name: "io.debezium.time.ZonedTimestamp" }],
    ["timetz", { type: "string", name: "io.debezium.time.ZonedTime" }],
    ["interval", { type: "int64", name: "io.debezium.time.MicroDuration" }],
    ["uuid", { type: "string", name: "io.debezium.data.Uuid" }],
    ["jsonb", { type: "string", name: "io.debezium.data.Json" }],
    ["xml", { type: "string", name: "io.debezium.data.Xml" }],
    ["bytea", { type: "bytes" }],
  ])("%s", (type, expected) => {
    expect(postgresColumnSchema(type)).toMatchObject({ optional: false, ...expected });
  });

  test("arrays: the element made optional; _int4 is int[]", () => {
    expect(postgresColumnSchema("text[]")).toEqual({ type: "array", optional: false, items: { type: "string", optional: true } });
    expect(postgresColumnSchema("_int4")).toEqual({ type: "array", optional: false, items: { type: "int32", optional: true } });
    expect(postgresColumnSchema("numeric(5,2)[]")).toMatchObject({ type: "array", items: { name: "org.apache.kafka.connect.data.Decimal", optional: true } });
  });

  test("enums carry their labels; types Debezium leaves out, or Floe does not know, are undefined", () => {
    expect(postgresColumnSchema("mood", ["sad", "ok"])).toEqual({ type: "string", optional: false, name: "io.debezium.data.Enum", version: 1, parameters: { allowed: "sad,ok" } });
    for (const t of ["money[]", "interval[]", "xml[]", "bit(3)[]", "name[]", "geometry", "hstore", "int4(", "text[][]x"]) expect(postgresColumnSchema(t)).toBeUndefined();
    expect(postgresColumnSchema("mood[]", ["a"])).toBeUndefined();
    expect(parseSqlType("not a type!")).toBeUndefined();
  });

  test("the change event: key of the primary key, value envelope with the row twice, excluded columns left out", () => {
    const s = postgresChangeEventSchemas({
      topic: "t.db-1.public.orders",
      columns: [
        { name: "id", type: "int", primaryKey: true },
        { name: "note", type: "text" },
        { name: "secret", type: "text" },
        { name: "n", type: "int", nullable: false },
      ],
      excludedColumns: ["secret"],
    });
    expect(s.key).toEqual({ type: "struct", optional: false, name: "t.db-1.public.orders.Key", fields: [{ field: "id", type: "int32", optional: false }] });
    expect(s.row.fields!.map((f) => [f.field, f.optional])).toEqual([["id", false], ["note", true], ["n", false]]);
    expect(s.value.fields!.map((f) => f.field)).toEqual(["before", "after", "source", "transaction", "op", "ts_ms", "ts_us", "ts_ns"]);
    expect(s.value).toMatchObject({ name: "t.db-1.public.orders.Envelope", version: 2 });
    // A table without a primary key: Debezium writes null keys.
    expect(postgresChangeEventSchemas({ topic: "x", columns: [{ name: "a", type: "int" }] }).key).toBeUndefined();
    // The avro name adjustment, as the Avro sources set it.
    expect(postgresChangeEventSchemas({ topic: "t.db-1.public.orders", columns: [{ name: "id", type: "int", primaryKey: true }], avroNames: true }).key!.name).toBe("t.db_1.public.orders.Key");
    expect(() => postgresChangeEventSchemas({ topic: "x", columns: [{ name: "a", type: "geometry" }] })).toThrow("column a: type geometry is not translated");
  });

  test("Debezium's avro name adjustment", () => {
    expect(avroAdjustedName("payments.orders-db.public.orders.Value")).toBe("payments.orders_db.public.orders.Value");
    expect(avroAdjustedName("1abc.d")).toBe("_abc.d");
  });
});

describe("Connect schemas as the converters write them", () => {
  const schemas = postgresChangeEventSchemas({
    topic: "t.db.public.orders",
    avroNames: true,
    columns: [
      { name: "id", type: "int", primaryKey: true },
      { name: "amount", type: "numeric(10,2)", nullable: false },
      { name: "small", type: "smallint" },
      { name: "tags", type: "text[]" },
      { name: "money", type: "money" },
      { name: "mood", type: "mood", values: ["sad", "ok"] },
      { name: "raw", type: "bytea" },
    ],
  });

  test("Avro (AvroData): records, optional unions with null first, connect.* properties, decimal logical type, a named record met again by name", () => {
    const value = connectToAvro(schemas.value) as any;
    expect(value).toMatchObject({ type: "record", name: "Envelope", namespace: "t.db.public.orders", "connect.version": 2, "connect.name": "t.db.public.orders.Envelope" });
    const before = value.fields[0];
    expect(before).toMatchObject({ name: "before", default: null });
    expect(before.type[0]).toBe("null");
    const row = before.type[1];
    expect(row.fields).toEqual([
      { name: "id", type: "int" },
      {
        name: "amount",
        type: { type: "bytes", scale: 2, precision: 10, "connect.version": 1, "connect.parameters": { scale: "2", "connect.decimal.precision": "10" }, "connect.name": "org.apache.kafka.connect.data.Decimal", logicalType: "decimal" },
      },
      { name: "small", type: ["null", { type: "int", "connect.type": "int16" }], default: null },
      { name: "tags", type: ["null", { type: "array", items: ["null", "string"] }], default: null },
      { name: "money", type: ["null", expect.objectContaining({ precision: 64, scale: 2, logicalType: "decimal" })], default: null },
      { name: "mood", type: ["null", { type: "string", "connect.version": 1, "connect.parameters": { allowed: "sad,ok" }, "connect.name": "io.debezium.data.Enum" }], default: null },
      { name: "raw", type: ["null", "bytes"], default: null },
    ]);
    expect(value.fields[1].type).toEqual(["null", "t.db.public.orders.Value"]);
    // The snapshot marker has a default: the union puts its type first (AvroData.maybeMakeOptional).
    const snapshot = value.fields[2].type.fields.find((f: any) => f.name === "snapshot");
    expect(snapshot.default).toBe("false");
    expect(snapshot.type[1]).toBe("null");
    // Valid Avro, which avsc parses and can write a record with.
    const type = avro.Type.forSchema(value);
    expect(type.isValid({ before: null, after: null, source: null })).toBe(false);
    expect(() => TopicSchema.avro(value)).not.toThrow();
    // An unnamed struct is ConnectDefault.
    expect(connectToAvro({ type: "struct", optional: false, fields: [{ field: "a", type: "int32", optional: false }] })).toMatchObject({ name: "ConnectDefault", namespace: "io.confluent.connect.avro" });
  });

  test("JSON Schema of the JsonConverter payload: non-optional fields required, optional ones nullable, bytes as base64 strings, enums", () => {
    const schema = connectToJsonSchema(schemas.value, "t-value");
    const ajv = new Ajv2020({ strict: false });
    const valid = ajv.compile(schema);
    const row = { id: 1, amount: "BNI=", small: null, tags: ["a", null], money: null, mood: "ok", raw: null };
    const event = { before: null, after: row, source: { version: "3.2.0.Final", connector: "postgresql", name: "t", ts_ms: 1, snapshot: "false", db: "d", sequence: null, ts_us: null, ts_ns: null, schema: "public", table: "orders", txId: 1, lsn: 1, xmin: null }, transaction: null, op: "c", ts_ms: 1, ts_us: 1, ts_ns: 1 };
    expect(valid(event)).toBe(true);
    expect(valid({ ...event, after: { ...row, mood: "angry" } })).toBe(false);
    expect(valid({ ...event, after: { ...row, id: null } })).toBe(false);
    const { id, ...withoutId } = row;
    expect(id).toBe(1);
    expect(valid({ ...event, after: withoutId })).toBe(false);
    // An optional column may be missing (data written before it was added).
    const { small, ...withoutSmall } = row;
    expect(small).toBeNull();
    expect(valid({ ...event, after: withoutSmall })).toBe(true);
    expect(schema.title).toBe("t-value");
  });

  test("a column change and the registry's rules: a nullable column added is BACKWARD compatible; a required one or a narrowed type is not", () => {
    const base: ColumnDeclaration[] = [{ name: "id", type: "int", primaryKey: true }, { name: "n", type: "bigint", nullable: false }];
    const avroOf = (columns: ColumnDeclaration[]) => connectToAvro(postgresChangeEventSchemas({ topic: "t.db.public.x", columns, avroNames: true }).value);
    expect(checkCompatibility("avro", "BACKWARD", avroOf(base), avroOf([...base, { name: "note", type: "text" }])).compatible).toBe(true);
    expect(checkCompatibility("avro", "BACKWARD", avroOf(base), avroOf([...base, { name: "req", type: "text", nullable: false }])).compatible).toBe(false);
    expect(checkCompatibility("avro", "BACKWARD", avroOf(base), avroOf([base[0], { name: "n", type: "int", nullable: false }])).compatible).toBe(false);
    // A widened type (int to bigint) is a promotion readers accept.
    const narrow = [base[0], { name: "n", type: "int", nullable: false }];
    expect(checkCompatibility("avro", "BACKWARD", avroOf(narrow), avroOf(base)).compatible).toBe(true);
  });
});
