/**
 * Type translation on the real connector: the README example's PostgreSQL source `orders-db` capturing a table of
 * every column type Floe translates, declared in the spec's `columns`. The pinned Debezium PostgreSQL connector on
 * a real Kafka Connect worker, against Debian's PostgreSQL, writes the table's change events; with JsonConverter's
 * `schemas.enable=true` (set here, for the test only) each record carries the Kafka Connect schema Debezium built
 * for the table. That schema must be, field for field, the one Floe derives from the declared columns; and every
 * payload (what the rendered connector writes, `schemas.enable=false`) must validate against the JSON Schema Floe
 * registers for the topic, taken from the rendered registration ConfigMap.
 */
import Ajv2020 from "ajv/dist/2020";
import { ConnectWorker, loopbackBootstrap, startConnect } from "../../e2e/connect";
import { PostgresServer } from "../../e2e/postgres";
import { ColumnDeclaration, HEARTBEAT_SCHEMAS, parsePlatformSpec, PlatformSpec, postgresChangeEventSchemas, SIGNAL_TABLE_COLUMNS, synthesize } from "../../lib/internal";
import { exampleSpec } from "../helpers/specs";
import { CdcRegion, startCdcRegion, startSourceDatabase } from "./cdc-support";

type Obj = Record<string, any>;

const TENANT = "payments";
const SOURCE = "orders-db";
const TABLE = "public.kinds";

/** Every translated type, as the table's DDL writes it (the `values` of an enum type beside it). */
const COLUMNS: ColumnDeclaration[] = [
  { name: "id", type: "integer", primaryKey: true },
  { name: "small", type: "smallint", nullable: false },
  { name: "big", type: "bigint" },
  { name: "o", type: "oid" },
  { name: "r", type: "real" },
  { name: "d", type: "double precision" },
  { name: "f", type: "float(20)" },
  { name: "n", type: "numeric(12,3)", nullable: false },
  { name: "n0", type: "numeric(7)" },
  { name: "nv", type: "numeric" },
  { name: "m", type: "money" },
  { name: "b", type: "boolean" },
  { name: "bit1", type: "bit(1)" },
  { name: "bits", type: "bit(8)" },
  { name: "vbits", type: "varbit(16)" },
  { name: "t", type: "text" },
  { name: "vc", type: "varchar(20)" },
  { name: "ch", type: "char(3)" },
  { name: "nm", type: "name" },
  { name: "ip", type: "inet" },
  { name: "net", type: "cidr" },
  { name: "mac", type: "macaddr" },
  { name: "i4r", type: "int4range" },
  { name: "tsr", type: "tsrange" },
  { name: "dt", type: "date" },
  { name: "tm", type: "time" },
  { name: "tm3", type: "time(3)" },
  { name: "ts", type: "timestamp" },
  { name: "ts3", type: "timestamp(3)" },
  { name: "tstz", type: "timestamptz" },
  { name: "ttz", type: "timetz" },
  { name: "iv", type: "interval" },
  { name: "u", type: "uuid" },
  { name: "j", type: "json" },
  { name: "jb", type: "jsonb" },
  { name: "x", type: "xml" },
  { name: "by", type: "bytea" },
  { name: "mood", type: "mood", values: ["sad", "ok", "happy"] },
  { name: "ia", type: "int[]" },
  { name: "ba", type: "bigint[]" },
  { name: "ta", type: "text[]" },
  { name: "fa", type: "float8[]" },
  { name: "bools", type: "boolean[]" },
  { name: "uids", type: "uuid[]" },
  { name: "dates", type: "date[]" },
];

const ROW = [
  "1, 2, 3, 4, 1.5, 2.25, 3.5, 123456789.123, 1234567, 3.14159, 12.34, true, B'1', B'10101010', B'101', 'text', 'vc', 'abc', 'nm',",
  "'10.0.0.1', '10.0.0.0/8', '08:00:2b:01:02:03', '[1,5)', '[2024-01-01 00:00,2024-01-02 00:00)', '2024-02-29', '12:34:56.123456', '12:34:56.123',",
  "'2024-02-29 12:34:56.123456', '2024-02-29 12:34:56.123', '2024-02-29 12:34:56+01', '12:34:56+01', '1 day 2 hours', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',",
  `'{"a": 1}', '{"b": [2]}', '<x>1</x>', '\\xdeadbeef', 'happy', '{1,2}', '{3,NULL}', '{a,b}', '{1.5}', '{true,false}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{2024-01-01}'`,
].join(" ");

/** The example, its PostgreSQL source capturing the table of every type, with the table's columns declared. */
function typesSpec(): PlatformSpec {
  const spec = exampleSpec();
  const source = spec.tenants!.find((t) => t.name === TENANT)!.sources!.find((s) => s.name === SOURCE)! as { tables: string[]; columns?: unknown };
  source.tables = [...source.tables, TABLE];
  source.columns = { ...(source.columns as object), [TABLE]: COLUMNS };
  return spec;
}

const objects = synthesize(parsePlatformSpec(typesSpec()))
  .files.filter((f) => f.path.startsWith("eu-west-1/"))
  .flatMap((f) => f.objects) as Obj[];
const kafka = objects.find((o) => o.kind === "Kafka")!;
const connect = objects.find((o) => o.kind === "KafkaConnect" && o.metadata.labels?.["floe.dev/tenant"] === TENANT)!;
const connector = objects.find((o) => o.kind === "KafkaConnector" && o.spec.class === "io.debezium.connector.postgresql.PostgresConnector" && o.metadata.labels["strimzi.io/cluster"] === connect.metadata.name)!;
const topic = `${connector.spec.config["topic.prefix"]}.${TABLE}`;
const registration = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === `${TENANT}-schemas`)!;

describe("type translation: the schema Debezium builds for a table of every translated PostgreSQL type is the one Floe derives", () => {
  let region: CdcRegion;
  let pg: PostgresServer;
  let worker: ConnectWorker;
  let records: { key: Obj; value: Obj }[] = [];
  let db: string;

  beforeAll(async () => {
    region = await startCdcRegion(objects, [connect], 3, "cdc-types");
    const source = await startSourceDatabase(region, connector, objects, `cdc_${TENANT}`);
    pg = source.pg;
    db = source.db;
    const owner = source.user;
    const ddl = COLUMNS.map((c) => `${c.name} ${c.type}${c.primaryKey ? " PRIMARY KEY" : c.nullable === false ? " NOT NULL" : ""}`).join(", ");
    pg.sql(
      db,
      [
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        `CREATE TABLE ${TABLE} (${ddl})`,
        "CREATE TABLE public.debezium_signal (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))",
        "CREATE TABLE public.debezium_heartbeat (id int PRIMARY KEY, ts timestamptz NOT NULL)",
        "INSERT INTO public.debezium_heartbeat VALUES (1, now())",
        `INSERT INTO ${TABLE} VALUES (${ROW})`,
        `INSERT INTO ${TABLE} (id, small, n) VALUES (2, 0, 0)`,
        ...[TABLE, "public.debezium_signal", "public.debezium_heartbeat"].map((t) => `ALTER TABLE ${t} OWNER TO ${owner}`),
        `ALTER TYPE mood OWNER TO ${owner}`,
      ].join(";\n"),
    );
    worker = await startConnect(connect, kafka, region.broker, region.kube);
    const config = ConnectWorker.connectorConfig(connector, {
      "database.hostname": pg.host,
      "database.port": pg.port,
      "signal.kafka.bootstrap.servers": loopbackBootstrap(kafka, region.broker, connector.spec.config["signal.kafka.bootstrap.servers"]),
      // Each record carries the schema Debezium built (the example's source embeds it already, for its JDBC sink;
      // set here too so that the test does not depend on it).
      "key.converter": "org.apache.kafka.connect.json.JsonConverter",
      "key.converter.schemas.enable": "true",
      "value.converter": "org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable": "true",
    });
    await worker.putAndWaitRunning(connector.metadata.name, config);
    pg.sql(db, `UPDATE ${TABLE} SET t = 'changed' WHERE id = 1`);
    const deadline = Date.now() + 120_000;
    for (;;) {
      records = region.read(topic).filter((r) => r.value !== null).map((r) => ({ key: JSON.parse(r.key!), value: JSON.parse(r.value!) }));
      if (records.some((r) => r.value.payload.op === "u")) break;
      if (Date.now() > deadline) throw new Error(`e2e: the update not seen in ${topic} after 120 s; ${records.length} records; worker log:\n${worker.tail()}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  });

  afterAll(async () => {
    await worker?.stop();
    await pg?.stop();
    await region?.stop();
  });

  test("the key and value schemas of every event, field for field", () => {
    const derived = postgresChangeEventSchemas({ topic, columns: COLUMNS });
    expect(records.length).toBeGreaterThanOrEqual(3);
    for (const r of records) {
      expect(r.key.schema).toEqual(derived.key);
      // One field at a time first: a mismatch names the column.
      const after = (r.value.schema.fields as Obj[]).find((f) => f.field === "after")!;
      for (const f of derived.row.fields!) expect({ column: f.field, schema: (after.fields as Obj[]).find((x) => x.field === f.field) }).toEqual({ column: f.field, schema: f });
      expect(r.value.schema).toEqual(derived.value);
    }
  });

  test("an Avro source's other topics: the heartbeats' and the signal table's schemas are the ones Floe registers for them", async () => {
    const parse = (r: { key: string | null; value: string | null }) => ({ key: JSON.parse(r.key!), value: JSON.parse(r.value!) });
    const heartbeatTopic = `${connector.spec.config["topic.heartbeat.prefix"]}.${connector.spec.config["topic.prefix"]}`;
    const signalTopic = `${connector.spec.config["topic.prefix"]}.public.debezium_signal`;
    // A signal Debezium only logs: a change event of the signal table.
    pg.sql(db, `INSERT INTO public.debezium_signal VALUES ('e2e-log', 'log', '{"message": "floe"}')`);
    const deadline = Date.now() + 60_000;
    let heartbeats: Obj[] = [];
    let signals: Obj[] = [];
    while (Date.now() < deadline && (heartbeats.length === 0 || signals.length === 0)) {
      heartbeats = region.read(heartbeatTopic).filter((r) => r.value !== null).map(parse);
      signals = region.read(signalTopic).filter((r) => r.value !== null).map(parse);
      if (heartbeats.length === 0 || signals.length === 0) await new Promise((r) => setTimeout(r, 1000));
    }
    expect(heartbeats.length).toBeGreaterThan(0);
    expect(signals.length).toBeGreaterThan(0);
    expect(heartbeats[0].key.schema).toEqual(HEARTBEAT_SCHEMAS.key);
    expect(heartbeats[0].value.schema).toEqual(HEARTBEAT_SCHEMAS.value);
    const derived = postgresChangeEventSchemas({ topic: signalTopic, columns: SIGNAL_TABLE_COLUMNS });
    expect(signals[0].key.schema).toEqual(derived.key);
    expect(signals[0].value.schema).toEqual(derived.value);
  });

  test("every record validates against the JSON Schema Floe registers for the topic (and the key's)", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const schemaOf = (side: string) => JSON.parse(JSON.parse(registration.data[`${topic}-${side}.json`]).schema);
    // The source embeds schemas: the registered schema is JsonConverter's {schema, payload} envelope.
    expect(schemaOf("value").required).toEqual(["schema", "payload"]);
    const value = ajv.compile(schemaOf("value"));
    const key = ajv.compile(schemaOf("key"));
    for (const r of records) {
      expect({ ok: value(r.value), errors: value.errors ?? null }).toEqual({ ok: true, errors: null });
      expect({ ok: key(r.key), errors: key.errors ?? null }).toEqual({ ok: true, errors: null });
    }
    // And it is not vacuous: a payload with a column of the wrong type is refused.
    const wrong = JSON.parse(JSON.stringify(records[0].value));
    wrong.payload.after.small = "two";
    expect(value(wrong)).toBe(false);
  });
});
