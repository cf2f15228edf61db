/**
 * A CDC stream from one database lands in another, on the real software: the README example's eu-west-1, where
 * payments captures public.orders from PostgreSQL (records with their Connect schema embedded) and its JDBC sink
 * `orders-reporting` (Debezium's JDBC sink connector, the plugin Floe pins) applies the topic to a second database:
 * rows inserted, updated and deleted in the first are upserted and deleted in the second. Both connectors run with
 * their rendered config on a real Connect worker, with the rendered users, ACLs and credentials: the sink reads as
 * the tenant's Connect user in the group Floe granted (`connect-<connector>`), and a record its converter cannot
 * read goes to the sink's dead-letter topic with the failure in its headers, while the rows keep flowing.
 */
import { ConnectWorker, loopbackBootstrap, startConnect } from "../../e2e/connect";
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
const sink = objects.find((o) => ofConnect(o) && o.spec.class === "io.debezium.connector.jdbc.JdbcSinkConnector")!;
const TOPIC = "payments.orders-db.public.orders";
const DLQ = "payments.orders-reporting.sink-dead-letter";

describe("PostgreSQL -> Debezium -> Kafka -> Debezium's JDBC sink -> another PostgreSQL database", () => {
  let region: CdcRegion;
  let pg: PostgresServer;
  let worker: ConnectWorker;
  let db: string;
  const target = "reporting";

  /** The target table's rows, ordered by id. */
  function rows(): string[] {
    try {
      const out = pg.sql(target, "SELECT id, customer, amount FROM orders ORDER BY id");
      return out === "" ? [] : out.split("\n");
    } catch {
      return []; // the sink creates the table with its first record
    }
  }
  async function until(expected: string[], what: string): Promise<void> {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const now = rows();
      if (JSON.stringify(now) === JSON.stringify(expected)) return;
      if (Date.now() > deadline) throw new Error(`e2e: ${what}: the target table holds ${JSON.stringify(now)}, expected ${JSON.stringify(expected)}\nworker log:\n${worker.tail(80)}`);
      await new Promise((r) => setTimeout(r, 1500));
    }
  }

  beforeAll(async () => {
    expect(sink.metadata.name).toBe("payments.orders-reporting");
    region = await startCdcRegion(objects, [connect], 3, "cdc-sink");
    const src = await startSourceDatabase(region, source, objects, `cdc_${TENANT}`);
    pg = src.pg;
    db = src.db;
    createOrdersTables(pg, db, src.user, "(1, 'ada', 10.00, '4111111111111111'), (2, 'bob', 20.50, NULL)");
    // The sink's database: its login from the Secret the sink references (as External Secrets would sync it).
    const creds = databaseSecret(sink, objects, "reporting_sink", { user: "connection.username", password: "connection.password" });
    await applyAll(region.kube, [creds.secret]);
    pg.sql("postgres", `CREATE ROLE ${creds.user} LOGIN PASSWORD '${creds.password}'`);
    pg.sql("postgres", `CREATE DATABASE ${target} OWNER ${creds.user}`);
    worker = await startConnect(connect, kafka, region.broker, region.kube);
    await worker.putAndWaitRunning(
      source.metadata.name,
      ConnectWorker.connectorConfig(source, {
        "database.hostname": pg.host,
        "database.port": pg.port,
        "signal.kafka.bootstrap.servers": loopbackBootstrap(kafka, region.broker, source.spec.config["signal.kafka.bootstrap.servers"]),
      }),
    );
    // Only the rendered URL's host and port change (the rendered database name stays).
    const url = String(sink.spec.config["connection.url"]).replace(/^jdbc:postgresql:\/\/[^/]+\//, `jdbc:postgresql://${pg.host}:${pg.port}/`);
    expect(url).toBe(`jdbc:postgresql://${pg.host}:${pg.port}/${target}`);
    await worker.putAndWaitRunning(sink.metadata.name, ConnectWorker.connectorConfig(sink, { "connection.url": url }));
  });

  afterAll(async () => {
    await worker?.stop();
    await pg?.stop();
    await region?.stop();
  });

  test("the snapshot lands in the target table (created by the sink from the records' schema, without the excluded column)", async () => {
    await until(["1|ada|10.00", "2|bob|20.50"], "the snapshot");
    const columns = pg.sql(target, "SELECT column_name FROM information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position");
    expect(columns.split("\n")).toEqual(["id", "customer", "amount"]);
    // Upsert by key: the table's primary key is the record key's.
    expect(pg.sql(target, "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'orders'::regclass AND i.indisprimary")).toBe("id");
  });

  test("inserts, updates and deletes in the source database are upserted and deleted in the target", async () => {
    pg.sql(db, "INSERT INTO public.orders VALUES (3, 'cy', 7.00, NULL)");
    pg.sql(db, "UPDATE public.orders SET amount = 30.00 WHERE id = 2");
    pg.sql(db, "DELETE FROM public.orders WHERE id = 1");
    await until(["2|bob|30.00", "3|cy|7.00"], "the changes");
  });

  test("the sink reads in the consumer group Floe granted, and an unreadable record goes to its dead-letter topic while rows keep flowing", async () => {
    // Connect commits a sink's offsets every offset.flush.interval.ms (60 s by default) in `connect-<connector>`.
    const group = `connect-${sink.metadata.name}`;
    const committed = async (): Promise<string[]> => {
      const end = Date.now() + 90_000;
      for (;;) {
        const d = region.broker.adapter<{ groups: Record<string, Record<string, number>> }>("describe", { client: region.broker.adminProps(), groups: [group] });
        const tps = Object.keys(d.groups[group] ?? {}).filter((tp) => tp.startsWith(`${TOPIC}:`));
        if (tps.length > 0 || Date.now() > end) return tps;
        await new Promise((r) => setTimeout(r, 2000));
      }
    };
    expect((await committed()).length).toBeGreaterThan(0);
    // A record that is not JSON (written by the super user: no tenant client may write a CDC topic).
    region.broker.adapter("write", { client: region.broker.adminProps(), records: [{ topic: TOPIC, partition: 0, key: "not json", value: "not json either" }] });
    pg.sql(db, "INSERT INTO public.orders VALUES (4, 'dee', 1.50, NULL)");
    await until(["2|bob|30.00", "3|cy|7.00", "4|dee|1.50"], "the row written after the unreadable record");
    const deadline = Date.now() + 60_000;
    let dead = region.read(DLQ);
    while (dead.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      dead = region.read(DLQ);
    }
    expect(dead.map((r) => r.value)).toEqual(["not json either"]);
  });
});
