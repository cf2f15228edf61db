/**
 * The data plane end to end, on the real software: the README example's eu-west-1, where payments captures
 * public.orders from PostgreSQL (declared columns, decimals as JSON numbers) and its SQL job `order-totals` reads
 * the CDC topic and upserts per-customer totals into `payments.order-totals`, both through tables Floe generated
 * from the topics' schemas (a `debezium-json` changelog table from the columns, an `upsert-kafka` table from the
 * output topic's JSON Schemas). A row written in PostgreSQL goes through the pinned Debezium connector on a real
 * Connect worker, into Flink SQL (1.20, MiniCluster) run from the rendered script with the job's own Kafka
 * credentials, into the output topic; each record read back validates against the output topic's registered
 * schemas, and updates and deletes in the database change the totals.
 */
import Ajv2020 from "ajv/dist/2020";
import { ConnectWorker, loopbackBootstrap, startConnect } from "../../e2e/connect";
import { renderedScript, SqlJob, startSqlJob } from "../../e2e/flink";
import { PostgresServer } from "../../e2e/postgres";
import { parsePlatformSpec, synthesize } from "../../lib/internal";
import { exampleSpec } from "../helpers/specs";
import { CdcRegion, startCdcRegion, startSourceDatabase } from "./cdc-support";

type Obj = Record<string, any>;

const TENANT = "payments";
const objects = synthesize(parsePlatformSpec(exampleSpec()))
  .files.filter((f) => f.path.startsWith("eu-west-1/"))
  .flatMap((f) => f.objects) as Obj[];
const kafka = objects.find((o) => o.kind === "Kafka")!;
const connect = objects.find((o) => o.kind === "KafkaConnect" && o.metadata.labels?.["floe.dev/tenant"] === TENANT)!;
const connector = objects.find((o) => o.kind === "KafkaConnector" && o.spec.class === "io.debezium.connector.postgresql.PostgresConnector" && o.metadata.labels["strimzi.io/cluster"] === connect.metadata.name)!;
const job = objects.find((o) => o.kind === "FlinkDeployment" && o.metadata.name === `${TENANT}-order-totals`)!;
const OUTPUT = "payments.order-totals";
const registration = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === `${TENANT}-schemas`)!;
const schemaOf = (subject: string) => JSON.parse(JSON.parse(registration.data[`${subject}.json`]).schema);

describe("PostgreSQL -> Debezium -> Flink SQL on generated tables -> the output topic, read back with its schema", () => {
  let region: CdcRegion;
  let pg: PostgresServer;
  let worker: ConnectWorker;
  let flink: SqlJob;
  let db: string;

  /** The latest value per key of the output topic (upsert semantics: a null value deletes the key). */
  function totals(): Map<string, Obj | null> {
    const out = new Map<string, Obj | null>();
    for (const r of region.read(OUTPUT)) out.set(r.key!, r.value === null ? null : JSON.parse(r.value));
    return out;
  }
  async function until(done: (t: Map<string, Obj | null>) => boolean, what: string): Promise<Map<string, Obj | null>> {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const t = totals();
      if (done(t)) return t;
      if (Date.now() > deadline) throw new Error(`e2e: ${what} not seen in ${OUTPUT} after 180 s: ${JSON.stringify([...t])}\nworker log:\n${worker.tail()}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  beforeAll(async () => {
    expect(job.spec.job.state).toBe("running");
    region = await startCdcRegion(objects, [connect], 3, "cdc-flink");
    const source = await startSourceDatabase(region, connector, objects, `cdc_${TENANT}`);
    pg = source.pg;
    db = source.db;
    const owner = source.user;
    pg.sql(
      db,
      [
        // The example's declared columns (examples/platform.yaml).
        "CREATE TABLE public.orders (id integer PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL, card_number text)",
        "CREATE TABLE public.order_lines (order_id integer, line integer, sku text NOT NULL, PRIMARY KEY (order_id, line))",
        "CREATE TABLE public.debezium_signal (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))",
        "CREATE TABLE public.debezium_heartbeat (id int PRIMARY KEY, ts timestamptz NOT NULL)",
        "INSERT INTO public.debezium_heartbeat VALUES (1, now())",
        "INSERT INTO public.orders VALUES (1, 'ada', 10.00, '4111111111111111'), (2, 'bob', 20.50, NULL), (3, 'ada', 5.25, NULL)",
        ...["public.orders", "public.order_lines", "public.debezium_signal", "public.debezium_heartbeat"].map((t) => `ALTER TABLE ${t} OWNER TO ${owner}`),
      ].join(";\n"),
    );
    worker = await startConnect(connect, kafka, region.broker, region.kube);
    await worker.putAndWaitRunning(
      connector.metadata.name,
      ConnectWorker.connectorConfig(connector, {
        "database.hostname": pg.host,
        "database.port": pg.port,
        "signal.kafka.bootstrap.servers": loopbackBootstrap(kafka, region.broker, connector.spec.config["signal.kafka.bootstrap.servers"]),
      }),
    );
    const script = renderedScript(job, objects);
    const bootstrap = /'properties\.bootstrap\.servers' = '([^']+)'/.exec(script)![1];
    flink = await startSqlJob(job, script, {
      userFiles: region.userSecrets.get(job.metadata.name)!,
      caCert: region.broker.clusterCaCert,
      addresses: { [bootstrap]: loopbackBootstrap(kafka, region.broker, bootstrap) },
    });
  });

  afterAll(async () => {
    await flink?.stop();
    await worker?.stop();
    await pg?.stop();
    await region?.stop();
  });

  test("the snapshot's rows become per-customer totals, each record valid under the output topic's registered key and value schemas", async () => {
    const t = await until((x) => x.get('{"customer":"ada"}')?.orders === 2 && x.has('{"customer":"bob"}'), "the totals of the snapshot");
    expect(t.get('{"customer":"ada"}')).toEqual({ customer: "ada", orders: 2, total: 15.25 });
    expect(t.get('{"customer":"bob"}')).toEqual({ customer: "bob", orders: 1, total: 20.5 });
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const value = ajv.compile(schemaOf(`${OUTPUT}-value`));
    const key = ajv.compile(schemaOf(`${OUTPUT}-key`));
    const records = region.read(OUTPUT);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      expect({ key: r.key, ok: key(JSON.parse(r.key!)), errors: key.errors ?? null }).toEqual({ key: r.key, ok: true, errors: null });
      if (r.value !== null) expect({ value: r.value, ok: value(JSON.parse(r.value)), errors: value.errors ?? null }).toEqual({ value: r.value, ok: true, errors: null });
    }
  });

  test("an insert, an update and a delete in PostgreSQL change the totals (the CDC topic read as a changelog)", async () => {
    pg.sql(db, "INSERT INTO public.orders VALUES (4, 'cy', 7.00, NULL)");
    pg.sql(db, "UPDATE public.orders SET amount = 30.00 WHERE id = 2");
    pg.sql(db, "DELETE FROM public.orders WHERE id = 3");
    const t = await until((x) => x.get('{"customer":"cy"}')?.orders === 1 && x.get('{"customer":"bob"}')?.total === 30 && x.get('{"customer":"ada"}')?.orders === 1, "the changed totals");
    expect(t.get('{"customer":"ada"}')).toEqual({ customer: "ada", orders: 1, total: 10 });
    expect(t.get('{"customer":"bob"}')).toEqual({ customer: "bob", orders: 1, total: 30 });
    expect(t.get('{"customer":"cy"}')).toEqual({ customer: "cy", orders: 1, total: 7 });
    // The last order of a customer deleted: the key's total is deleted too (a tombstone).
    pg.sql(db, "DELETE FROM public.orders WHERE id = 4");
    await until((x) => x.has('{"customer":"cy"}') && x.get('{"customer":"cy"}') === null, "the tombstone of cy's total");
  });
});
