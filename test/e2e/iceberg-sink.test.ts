/**
 * A CDC stream lands in an Iceberg table in the tenant's object-storage prefix, on the real software: the README
 * example's eu-west-1, where payments captures public.orders from PostgreSQL and its Iceberg sink `orders-lake`
 * (Apache Iceberg's Kafka Connect sink, the jars Floe pins in its lock) appends every change to
 * `payments.orders_history`, with Iceberg's JDBC catalog in a second PostgreSQL database and the data files on an S3
 * endpoint (moto's server, as the region's bucket). The connector runs with its rendered config on a real Connect
 * worker started as Strimzi starts it (the worker's properties file holds `${strimzisecrets:...}` placeholders the
 * sink cannot resolve itself), with the rendered users and ACLs: its control topic, groups and transactional ids.
 * Overridden for loopback only: the catalog's host and port, the bootstrap address, the S3 endpoint and its test
 * keys, and the commit interval (5 s instead of 5 min, so the test waits seconds).
 */
import { ConnectWorker, loopbackBootstrap, startConnect } from "../../e2e/connect";
import { MotoS3, startMotoS3 } from "../../e2e/moto";
import { PostgresServer } from "../../e2e/postgres";
import { parsePlatformSpec, synthesize } from "../../lib/internal";
import { exampleSpec } from "../helpers/specs";
import { applyAll } from "./support";
import { CdcRegion, createOrdersTables, databaseSecret, startCdcRegion, startSourceDatabase } from "./cdc-support";

type Obj = Record<string, any>;

const TENANT = "payments";
const objects = synthesize(parsePlatformSpec(exampleSpec()))
  .files.filter((f) => f.path.startsWith("eu-west-1/"))
  .flatMap((f) => f.objects) as Obj[];
const kafka = objects.find((o) => o.kind === "Kafka")!;
const connect = objects.find((o) => o.kind === "KafkaConnect" && o.metadata.labels?.["floe.dev/tenant"] === TENANT)!;
const ofConnect = (o: Obj) => o.kind === "KafkaConnector" && o.metadata.labels["strimzi.io/cluster"] === connect.metadata.name;
const source = objects.find((o) => ofConnect(o) && o.spec.class === "io.debezium.connector.postgresql.PostgresConnector")!;
const lake = objects.find((o) => ofConnect(o) && o.spec.class === "org.apache.iceberg.connect.IcebergSinkConnector")!;
const cfg = lake.spec.config as Record<string, string>;
const WAREHOUSE = /^s3:\/\/([^/]+)\/(.+)$/.exec(cfg["iceberg.catalog.warehouse"])!;
const BUCKET = WAREHOUSE[1];
const TABLE_PREFIX = `${WAREHOUSE[2]}/payments/orders_history/`;

interface Snapshot {
  "snapshot-id": number;
  summary: Record<string, string>;
}

describe("PostgreSQL -> Debezium -> Kafka -> Apache Iceberg's sink -> an Iceberg table on S3 (JDBC catalog)", () => {
  let region: CdcRegion;
  let pg: PostgresServer;
  let s3: MotoS3;
  let worker: ConnectWorker;
  let db: string;
  const catalogDb = /\/([^/]+)$/.exec(cfg["iceberg.catalog.uri"])![1];

  /** The table's current metadata (from the catalog's pointer), or undefined before the first commit. */
  async function metadata(): Promise<{ location: string; json: Obj } | undefined> {
    let location: string;
    try {
      location = pg.sql(catalogDb, "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = 'payments' AND table_namespace = 'payments' AND table_name = 'orders_history'");
    } catch {
      return undefined; // the catalog creates its tables when the sink first loads it
    }
    if (!location) return undefined;
    const key = location.replace(`s3://${BUCKET}/`, "");
    return { location, json: JSON.parse((await s3.get(BUCKET, key)).toString("utf8")) };
  }
  function current(json: Obj): Snapshot | undefined {
    return (json.snapshots as Snapshot[] | undefined)?.find((s) => s["snapshot-id"] === json["current-snapshot-id"]);
  }
  async function untilRecords(total: number, what: string): Promise<Snapshot> {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const m = await metadata();
      const snap = m && current(m.json);
      if (snap && Number(snap.summary["total-records"]) === total) return snap;
      if (snap && Number(snap.summary["total-records"]) > total) throw new Error(`e2e: ${what}: the table holds ${snap.summary["total-records"]} records, expected ${total}`);
      if (Date.now() > deadline) throw new Error(`e2e: ${what}: the table holds ${snap?.summary["total-records"] ?? "no snapshot"}, expected ${total} records\nworker log:\n${worker.tail(80)}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  beforeAll(async () => {
    expect(lake.metadata.name).toBe("payments.orders-lake");
    region = await startCdcRegion(objects, [connect], 3, "iceberg-sink");
    const src = await startSourceDatabase(region, source, objects, `cdc_${TENANT}`);
    pg = src.pg;
    db = src.db;
    createOrdersTables(pg, db, src.user, "(1, 'ada', 10.00, '4111111111111111'), (2, 'bob', 20.50, NULL)");
    // The catalog's database: its login from the Secret the sink references (as External Secrets would sync it).
    const creds = databaseSecret(lake, objects, "lake_catalog", { user: "iceberg.catalog.jdbc.user", password: "iceberg.catalog.jdbc.password" });
    await applyAll(region.kube, [creds.secret]);
    pg.sql("postgres", `CREATE ROLE ${creds.user} LOGIN PASSWORD '${creds.password}'`);
    pg.sql("postgres", `CREATE DATABASE ${catalogDb} OWNER ${creds.user}`);
    s3 = await startMotoS3();
    await s3.createBucket(BUCKET, cfg["iceberg.catalog.client.region"]);
    worker = await startConnect(connect, kafka, region.broker, region.kube);
    await worker.putAndWaitRunning(
      source.metadata.name,
      ConnectWorker.connectorConfig(source, {
        "database.hostname": pg.host,
        "database.port": pg.port,
        "signal.kafka.bootstrap.servers": loopbackBootstrap(kafka, region.broker, source.spec.config["signal.kafka.bootstrap.servers"]),
      }),
    );
    const uri = cfg["iceberg.catalog.uri"].replace(/^jdbc:postgresql:\/\/[^/]+\//, `jdbc:postgresql://${pg.host}:${pg.port}/`);
    expect(uri).toBe(`jdbc:postgresql://${pg.host}:${pg.port}/${catalogDb}`);
    await worker.putAndWaitRunning(
      lake.metadata.name,
      ConnectWorker.connectorConfig(lake, {
        "iceberg.catalog.uri": uri,
        "iceberg.kafka.bootstrap.servers": loopbackBootstrap(kafka, region.broker, cfg["iceberg.kafka.bootstrap.servers"]),
        "iceberg.control.commit.interval-ms": 5000,
        "iceberg.catalog.s3.endpoint": s3.endpoint,
        "iceberg.catalog.s3.path-style-access": "true",
        "iceberg.catalog.s3.access-key-id": "e2e",
        "iceberg.catalog.s3.secret-access-key": "e2e",
      }),
    );
  });

  afterAll(async () => {
    await worker?.stop();
    await s3?.stop();
    await pg?.stop();
    await region?.stop();
  });

  test("the snapshot lands in the table, committed with the group's offsets, its files only under the tenant's prefix", async () => {
    const snap = await untilRecords(2, "the snapshot");
    const m = (await metadata())!;
    expect(m.location.startsWith(`s3://${BUCKET}/${TABLE_PREFIX}metadata/`)).toBe(true);
    // Exactly-once bookkeeping: the snapshot holds the consumer group's offsets of the control topic's commit.
    const offsetsKey = `kafka.connect.offsets.${cfg["iceberg.control.topic"]}.connect-${lake.metadata.name}`;
    expect(Object.keys(JSON.parse(snap.summary[offsetsKey])).length).toBeGreaterThan(0);
    // The table's columns are the change event's (history mode): the row after the change, without the excluded column.
    const schema = (m.json.schemas as Obj[]).find((s) => s["schema-id"] === m.json["current-schema-id"])!;
    const after = (schema.fields as Obj[]).find((f) => f.name === "after")!;
    expect((after.type.fields as Obj[]).map((f) => f.name)).toEqual(["id", "customer", "amount"]);
    expect((schema.fields as Obj[]).map((f) => f.name)).toEqual(expect.arrayContaining(["before", "after", "source", "op"]));
    const keys = await s3.keys(BUCKET);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => !k.startsWith(TABLE_PREFIX))).toEqual([]);
    expect(keys.some((k) => k.startsWith(`${TABLE_PREFIX}data/`) && k.endsWith(".parquet"))).toBe(true);
  });

  test("every change is appended once, also across a worker restart (exactly-once commits)", async () => {
    pg.sql(db, "INSERT INTO public.orders VALUES (3, 'cy', 7.00, NULL)");
    pg.sql(db, "UPDATE public.orders SET amount = 30.00 WHERE id = 2");
    pg.sql(db, "DELETE FROM public.orders WHERE id = 1"); // a delete event (a row) and a tombstone (ignored)
    await untilRecords(5, "the changes");
    await worker.restart();
    await worker.waitRunning(lake.metadata.name);
    pg.sql(db, "INSERT INTO public.orders VALUES (4, 'dee', 1.50, NULL)");
    await untilRecords(6, "the change after the restart");
    // Nothing more arrives: no record of before the restart is appended again.
    await new Promise((r) => setTimeout(r, 15_000));
    await untilRecords(6, "the table after the restart");
  });
});
