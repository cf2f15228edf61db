/**
 * CDC on the real software: the README example's eu-west-1 (tenant payments' PostgreSQL source `orders-db`, with
 * an incremental snapshot added) on a real Kafka Connect worker (connect-runtime 4.3.0, configured from the
 * rendered KafkaConnect as Strimzi 1.2.0 does: e2e/connect.ts) with the pinned Debezium PostgreSQL connector,
 * against Debian's PostgreSQL with logical decoding and TLS, on three real brokers with the rendered topics,
 * users and ACLs. Every secret is read through the config providers from a real API server, as the workers'
 * service account, with the rendered RBAC: nothing is inlined.
 * The example's MySQL source runs in cdc-mysql.test.ts.
 */
import Ajv2020 from "ajv/dist/2020";
import { chmodSync, writeFileSync } from "fs";
import { join } from "path";
import { DEBEZIUM_VERSION, parsePlatformSpec, PlatformSpec, synthesize } from "../../lib/internal";
import { ConnectWorker, connectServiceAccountUser, loopbackBootstrap, startConnect } from "../../e2e/connect";
import { runJobContainer } from "../../e2e/jobs";
import { KafkaBroker, kafkaClasspath } from "../../e2e/kafka";
import { KubeCluster } from "../../e2e/kube";
import { runDir } from "../../e2e/paths";
import { PostgresServer, startPostgres } from "../../e2e/postgres";
import { exampleSpec } from "../helpers/specs";
import { CdcRegion, databaseSecret, Rec, startCdcRegion } from "./cdc-support";
import { applyAll } from "./support";

type Obj = Record<string, any>;

const TENANT = "payments";
const SOURCE = "orders-db";
const SNAPSHOT_ID = "e2e-resnapshot";

/** The example with an incremental snapshot of public.orders on payments' PostgreSQL source. */
function cdcSpec(): PlatformSpec {
  const spec = exampleSpec();
  const source = spec.tenants!.find((t) => t.name === TENANT)!.sources!.find((s) => s.name === SOURCE)!;
  (source as { incrementalSnapshots?: unknown }).incrementalSnapshots = [{ id: SNAPSHOT_ID, tables: ["public.orders"] }];
  return spec;
}

const objects = synthesize(parsePlatformSpec(cdcSpec()))
  .files.filter((f) => f.path.startsWith("eu-west-1/"))
  .flatMap((f) => f.objects) as Obj[];
const kafka = objects.find((o) => o.kind === "Kafka")!;
const connect = objects.find((o) => o.kind === "KafkaConnect" && o.metadata.labels?.["floe.dev/tenant"] === TENANT)!;
const connectors = objects.filter((o) => o.kind === "KafkaConnector" && o.metadata.labels["strimzi.io/cluster"] === connect.metadata.name);
const connector = connectors.find((c) => c.spec.class === "io.debezium.connector.postgresql.PostgresConnector")!;
const snapshotJob = objects.find((o) => o.kind === "Job" && o.metadata.name === `${connector.metadata.name}-snapshot-${SNAPSHOT_ID}`)!;
const ordersTopic = `${connector.spec.config["topic.prefix"]}.public.orders`;

describe("CDC: the rendered Kafka Connect and Debezium PostgreSQL connector on real Connect, PostgreSQL and Kafka", () => {
  let region: CdcRegion;
  let kube: KubeCluster;
  let broker: KafkaBroker;
  let pg: PostgresServer;
  let worker: ConnectWorker;
  let dbSecret: { namespace: string; name: string; user: string; password: string };
  let connectUserSecret: Record<string, string>;
  let config: Record<string, string>;

  /** Every record now in the topics, read by the operators' super user. */
  const read = (...topics: string[]) => region.read(...topics);
  // The example's source embeds its Connect schemas (embedSchemas, for its JDBC sink): each key and value is
  // JsonConverter's {schema, payload} envelope; the tests read the payload.
  const embedded = connector.spec.config["value.converter.schemas.enable"] === "true";
  const unwrap = (v: Obj) => (embedded ? (v.payload as Obj) : v);
  const events = (recs: Rec[]) => recs.filter((r) => r.value !== null).map((r) => unwrap(JSON.parse(r.value!) as Obj));
  /** Poll the orders topic until `done` holds for its change events (values parsed), or fail after `ms`. */
  async function until(done: (evs: Obj[], recs: Rec[]) => boolean, what: string, ms = 120_000): Promise<Obj[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const recs = read(ordersTopic);
      const evs = events(recs);
      if (done(evs, recs)) return evs;
      if (Date.now() > deadline) throw new Error(`e2e: ${what} not seen in ${ordersTopic} after ${ms} ms; ${evs.length} events; worker log:\n${worker.tail()}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /**
   * Run a rendered snapshot trigger Job's script with the Connect user's credentials, the image's Kafka console
   * tools standing in as the pinned Kafka tools' classes.
   */
  function runSnapshotJob(job: Obj, dirName: string) {
    const dir = runDir(dirName);
    const tool = (name: string, mainClass: string) => {
      const path = join(dir, name);
      writeFileSync(path, `#!/bin/sh\nexec java -cp '${kafkaClasspath()}' -Dlog4j2.level=warn ${mainClass} "$@"\n`);
      chmodSync(path, 0o755);
      return path;
    };
    const caFile = join(dir, "ca.crt");
    writeFileSync(caFile, broker.clusterCaCert);
    return runJobContainer(job, {
      secrets: { [connect.spec.authentication.passwordSecret.secretName]: connectUserSecret },
      env: { BOOTSTRAP_SERVERS: loopbackBootstrap(kafka, broker, connector.spec.config["signal.kafka.bootstrap.servers"]), CA_FILE: caFile },
      paths: {
        // What the image's /opt/kafka/bin scripts run (kafka-tools 4.3.0).
        "/opt/kafka/bin/kafka-console-producer.sh": tool("kafka-console-producer.sh", "org.apache.kafka.tools.ConsoleProducer"),
        "/opt/kafka/bin/kafka-console-consumer.sh": tool("kafka-console-consumer.sh", "org.apache.kafka.tools.consumer.ConsoleConsumer"),
        "/tmp/": `${dir}/`,
      },
    });
  }

  beforeAll(async () => {
    expect(connector).toBeDefined();
    // The rendered RBAC, the brokers with the rendered topics and users, what Strimzi makes for the KafkaConnect.
    region = await startCdcRegion(objects, [connect], 3, "cdc");
    kube = region.kube;
    broker = region.broker;
    connectUserSecret = region.userSecrets.get(connect.spec.authentication.username)!;
    // The tenant's database credentials as External Secrets would have synced them, and a Secret the workers
    // must not read (no rendered Role names it).
    const creds = databaseSecret(connector, objects, `cdc_${TENANT}`);
    dbSecret = creds;
    const otherSecret = { apiVersion: "v1", kind: "Secret", metadata: { name: "not-granted", namespace: dbSecret.namespace }, data: { password: Buffer.from("x").toString("base64") } };
    await applyAll(kube, [creds.secret, otherSecret]);

    pg = await startPostgres();
    pg.sql("postgres", `CREATE ROLE ${dbSecret.user} LOGIN REPLICATION PASSWORD '${dbSecret.password}'`);
    pg.sql("postgres", `CREATE DATABASE ${connector.spec.config["database.dbname"]} OWNER ${dbSecret.user}`);
    const db = connector.spec.config["database.dbname"] as string;
    pg.sql(
      db,
      [
        "CREATE TABLE public.orders (id int PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL, card_number text)",
        "CREATE TABLE public.order_lines (order_id int, line int, sku text NOT NULL, PRIMARY KEY (order_id, line))",
        // Debezium's signal table (id, type, data) and the heartbeat table the example's action query updates.
        "CREATE TABLE public.debezium_signal (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))",
        "CREATE TABLE public.debezium_heartbeat (id int PRIMARY KEY, ts timestamptz NOT NULL)",
        "INSERT INTO public.debezium_heartbeat VALUES (1, now())",
        "INSERT INTO public.orders VALUES (1, 'ada', 10.00, '4111111111111111'), (2, 'bob', 20.50, '4222222222222222'), (3, 'cy', 5.25, NULL)",
        `ALTER TABLE public.orders OWNER TO ${dbSecret.user}`,
        `ALTER TABLE public.order_lines OWNER TO ${dbSecret.user}`,
        `ALTER TABLE public.debezium_signal OWNER TO ${dbSecret.user}`,
        `ALTER TABLE public.debezium_heartbeat OWNER TO ${dbSecret.user}`,
      ].join(";\n"),
    );

    worker = await startConnect(connect, kafka, broker, kube);
    config = ConnectWorker.connectorConfig(connector, {
      "database.hostname": pg.host,
      "database.port": pg.port,
      "signal.kafka.bootstrap.servers": loopbackBootstrap(kafka, broker, connector.spec.config["signal.kafka.bootstrap.servers"]),
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await pg?.stop();
    await region?.stop();
  });

  test("the rendered worker config starts a worker that loads the Debezium PostgreSQL plugin at the version Floe renders", async () => {
    const plugins = await worker.rest<{ class: string; version: string }[]>("GET", "/connector-plugins");
    expect(plugins.body.find((p) => p.class === connector.spec.class)?.version).toBe(DEBEZIUM_VERSION);
  });

  test("every rendered PostgreSQL connector passes Connect's own validation, its secrets read through the config provider", async () => {
    expect(connectors.filter((c) => c.spec.class.includes("postgresql")).map((c) => c.metadata.name)).toEqual([connector.metadata.name]);
    const result = await worker.validate(connector.metadata.name, config);
    expect(result.errors).toEqual([]);
    expect(result.errorCount).toBe(0);
    // Credentials are references in the manifest, never values.
    expect(connector.spec.config["database.password"]).toMatch(/^\$\{secrets:/);
    expect(JSON.stringify(objects)).not.toContain(dbSecret.password);
    // The providers resolve the references for real: a wrong password fails validation (Debezium logs in).
    const wrong = await worker.validate(connector.metadata.name, { ...config, "database.password": "wrong-password" });
    expect(wrong.errorCount).toBeGreaterThan(0);
    // And a Secret no rendered Role grants is refused to the workers by the API server.
    const refused = await worker.rest("PUT", `/connector-plugins/${encodeURIComponent(config["connector.class"])}/config/validate`, {
      ...config,
      name: connector.metadata.name,
      "database.password": `\${secrets:${dbSecret.namespace}/not-granted:password}`,
    });
    expect(refused.body).toMatchObject({ error_code: 500, message: expect.stringContaining(`Failed to retrieve Secret not-granted from Kubernetes namespace ${dbSecret.namespace}`) });
    // The Secret exists: the API server refused it to the workers' service account (and grants the rendered one).
    const account = connectServiceAccountUser(connect.metadata.namespace, connect.metadata.name);
    const sa = { user: account.name, groups: account.groups };
    expect(await kube.canI(sa, "get", { resource: "secrets", namespace: dbSecret.namespace, name: "not-granted" })).toBe(false);
    expect(await kube.canI(sa, "get", { resource: "secrets", namespace: dbSecret.namespace, name: dbSecret.name })).toBe(true);
  });

  test("the initial snapshot, then a row inserted, updated and deleted, arrive as change events (excluded columns absent)", async () => {
    await worker.putAndWaitRunning(connector.metadata.name, config);
    // Connect stores the connector config with the references, never the resolved secrets.
    const stored = await worker.rest<Record<string, string>>("GET", `/connectors/${connector.metadata.name}/config`);
    expect(stored.body["database.password"]).toBe(connector.spec.config["database.password"]);
    const snapshot = await until((evs) => evs.filter((e) => e.op === "r").length >= 3, "the initial snapshot");
    expect(snapshot.filter((e) => e.op === "r").map((e) => e.after.id).sort()).toEqual([1, 2, 3]);

    const db = connector.spec.config["database.dbname"] as string;
    pg.sql(db, "INSERT INTO public.orders VALUES (10, 'dee', 99.99, '4333333333333333')");
    pg.sql(db, "UPDATE public.orders SET amount = 100.00 WHERE id = 10");
    pg.sql(db, "DELETE FROM public.orders WHERE id = 10");
    const evs = await until((e) => e.some((x) => x.op === "d" && x.before?.id === 10), "the delete of order 10");
    const ten = evs.filter((e) => (e.after ?? e.before)?.id === 10);
    expect(ten.map((e) => e.op)).toEqual(["c", "u", "d"]);
    expect(ten[1].after.amount).toBeDefined();
    // column.exclude.list: the card number is never captured.
    for (const e of evs) for (const row of [e.before, e.after].filter(Boolean)) expect(Object.keys(row)).not.toContain("card_number");
    // The example declares the table's columns: every event and key validates against the JSON Schemas Floe
    // derived from them and registers (the excluded column left out of the schema, too).
    const registration = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === `${TENANT}-schemas`)!;
    const schemaOf = (side: string) => JSON.parse(JSON.parse(registration.data[`${ordersTopic}-${side}.json`]).schema);
    expect(embedded).toBe(true);
    expect(schemaOf("value").required).toEqual(["schema", "payload"]);
    expect(Object.keys(schemaOf("value").properties.payload.properties.after.properties)).toEqual(["id", "customer", "amount"]);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validValue = ajv.compile(schemaOf("value"));
    const validKey = ajv.compile(schemaOf("key"));
    const values = read(ordersTopic).filter((r) => r.value !== null).map((r) => JSON.parse(r.value!) as Obj);
    expect(values.length).toBe(evs.length);
    for (const v of values) expect({ ok: validValue(v), errors: validValue.errors ?? null }).toEqual({ ok: true, errors: null });
    for (const r of read(ordersTopic)) expect(validKey(JSON.parse(r.key!))).toBe(true);
    // tombstones.on.delete: a null value after the delete, keyed like the row.
    const recs = read(ordersTopic);
    const tombstones = recs.filter((r) => r.value === null);
    expect(tombstones.length).toBe(1);
    expect(unwrap(JSON.parse(tombstones[0].key!))).toEqual({ id: 10 });
    // The heartbeat topic the connector writes is declared (and so allowed).
    const heartbeat = `${connector.spec.config["topic.heartbeat.prefix"]}.${connector.spec.config["topic.prefix"]}`;
    expect(objects.some((o) => o.kind === "KafkaTopic" && (o.spec.topicName ?? o.metadata.name) === heartbeat)).toBe(true);
  });

  test("the rendered snapshot Job's script sends the execute-snapshot signal that makes Debezium snapshot the table again", async () => {
    const isIncremental = (e: Obj) => e.op === "r" && e.source.snapshot === "incremental";
    const existing = events(read(ordersTopic));
    expect(existing.filter(isIncremental)).toEqual([]);
    const before = existing.filter((e) => e.op === "r").length;
    const run = runSnapshotJob(snapshotJob, "cdc-signal");
    expect({ status: run.status, stderr: run.stderr.slice(-2000) }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(run.stdout).toContain(`sent execute-snapshot ${snapshotJob.metadata.name}`);
    // Rows 1-3 (the rows there now) read again, by the incremental snapshot (the topic has several partitions:
    // events are told apart by their source, not by their order).
    const evs = await until((e) => e.filter(isIncremental).length >= 3, "the incremental snapshot");
    expect(evs.filter(isIncremental).map((e) => e.after.id).sort()).toEqual([1, 2, 3]);
    expect(evs.filter((e) => e.op === "r").length).toBe(before + 3);
  });

  test("the Job run again (replaced after a Kafka upgrade changed its image, or its pod retried) finds its signal and sends none", async () => {
    const isIncremental = (e: Obj) => e.op === "r" && e.source.snapshot === "incremental";
    const signalTopic = connector.spec.config["signal.kafka.topic"] as string;
    const signalsBefore = read(signalTopic).length;
    expect(signalsBefore).toBe(1);
    const incrementalBefore = events(read(ordersTopic)).filter(isIncremental).length;
    // The replacement: the same Job with another image (what a Kafka version change renders).
    const replaced = JSON.parse(JSON.stringify(snapshotJob)) as Obj;
    replaced.spec.template.spec.containers[0].image = "quay.io/strimzi/kafka:1.2.0-kafka-4.2.0";
    const run = runSnapshotJob(replaced, "cdc-signal-again");
    expect({ status: run.status, stderr: run.stderr.slice(-2000) }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(run.stdout).toContain(`execute-snapshot ${snapshotJob.metadata.name} was sent before: not sending it again`);
    expect(read(signalTopic).length).toBe(signalsBefore);
    // A marker row after the re-run: once it arrives, any snapshot the re-run had caused would have begun.
    const db = connector.spec.config["database.dbname"] as string;
    pg.sql(db, "INSERT INTO public.orders VALUES (50, 'marker', 1.00, NULL)");
    await until((e) => e.some((x) => x.op === "c" && x.after.id === 50), "the marker row");
    await new Promise((r) => setTimeout(r, 10_000));
    expect(events(read(ordersTopic)).filter(isIncremental).length).toBe(incrementalBefore);
    // Another snapshot id is another signal: still sent (the check is per Job, not per topic).
    const other = JSON.parse(JSON.stringify(snapshotJob).split(SNAPSHOT_ID).join(`${SNAPSHOT_ID}-2`)) as Obj;
    const second = runSnapshotJob(other, "cdc-signal-other");
    expect(second.status).toBe(0);
    expect(second.stdout).toContain(`sent execute-snapshot ${snapshotJob.metadata.name}-2`);
    expect(read(signalTopic).length).toBe(signalsBefore + 1);
    const evs = await until((e) => e.filter(isIncremental).length >= incrementalBefore + 4, "the second incremental snapshot");
    expect(evs.filter(isIncremental).length).toBe(incrementalBefore + 4);
  });

  test("after a worker restart the connector resumes from its offsets: no change made while it was down is lost", async () => {
    const db = connector.spec.config["database.dbname"] as string;
    const snapshotsBefore = events(read(ordersTopic)).filter((e) => e.op === "r").length;
    await worker.stop();
    for (let id = 100; id < 120; id++) pg.sql(db, `INSERT INTO public.orders VALUES (${id}, 'c${id}', ${id}.00, NULL)`);
    await worker.restart();
    await worker.waitRunning(connector.metadata.name);
    pg.sql(db, "INSERT INTO public.orders VALUES (200, 'after', 1.00, NULL)");
    const evs = await until((e) => e.some((x) => x.op === "c" && x.after.id === 200), "the insert after the restart");
    const created = new Set(evs.filter((e) => e.op === "c").map((e) => e.after.id as number));
    for (let id = 100; id < 120; id++) expect(created.has(id)).toBe(true);
    // Resumed, not re-snapshotted.
    expect(evs.filter((e) => e.op === "r").length).toBe(snapshotsBefore);
  });
});
