import { connectSqlStatements, SqlKafkaConnection, sqlTableDefinitions } from "../../../lib/k8s/flink/sql-connection";

const base: SqlKafkaConnection = {
  bootstrapServers: "events-kafka-bootstrap.kafka.svc:9093",
  securityProtocol: "SASL_SSL",
  scram: true,
  tls: true,
  userDir: "/etc/floe/kafka/user",
  caDir: "/etc/floe/kafka/ca",
  group: "alpha.job",
  reads: [{ name: "alpha.events", prefix: false }, { name: "alpha.clicks-", prefix: true }],
  writes: [{ name: "alpha.totals", prefix: false }],
};
const SOURCE = "CREATE TABLE events (id STRING) WITH ('connector' = 'kafka', 'topic' = 'alpha.events', 'format' = 'json')";
const SINK = "CREATE TABLE totals (id STRING, n BIGINT) WITH ('connector' = 'kafka', 'topic' = 'alpha.totals', 'format' = 'json')";
const INSERT = "INSERT INTO totals SELECT id, COUNT(*) FROM events GROUP BY id";
const run = (statements: string[], c: Partial<SqlKafkaConnection> = {}) => connectSqlStatements(statements, { ...base, ...c }, "App/Job", "job.statements");
/** The WITH options of a connected CREATE TABLE, as a map (values unquoted). */
function options(statement: string): Record<string, string> {
  const list = statement.slice(statement.indexOf("WITH (") + 6, statement.lastIndexOf(")"));
  return Object.fromEntries([...list.matchAll(/'((?:[^']|'')*)' = '((?:[^']|'')*)'/g)].map((m) => [m[1].replace(/''/g, "'"), m[2].replace(/''/g, "'")]));
}

describe("connectSqlStatements: the Kafka connection of SQL jobs", () => {
  test("a SCRAM job over TLS: bootstrap, SASL_SSL, credentials by file reference, CA file, group; sources start at earliest", () => {
    const { statements, issues } = run([SOURCE, SINK, INSERT]);
    expect(issues).toEqual([]);
    expect(options(statements[0])).toEqual({
      connector: "kafka",
      topic: "alpha.events",
      format: "json",
      "properties.bootstrap.servers": "events-kafka-bootstrap.kafka.svc:9093",
      "properties.security.protocol": "SASL_SSL",
      "properties.config.providers": "floe",
      "properties.config.providers.floe.class": "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
      "properties.sasl.mechanism": "SCRAM-SHA-512",
      "properties.sasl.jaas.config": "${floe:/etc/floe/kafka/user:sasl.jaas.config}",
      "properties.ssl.truststore.type": "PEM",
      "properties.ssl.truststore.location": "/etc/floe/kafka/ca/ca.crt",
      "properties.group.id": "alpha.job",
      "properties.auto.offset.reset": "earliest",
    });
    // The sink gets the connection, not a start position.
    expect(options(statements[1])["properties.auto.offset.reset"]).toBeUndefined();
    expect(statements[2]).toBe(INSERT);
  });

  test("a source that chooses its start keeps it (no reset policy added)", () => {
    const own = SOURCE.replace("'format' = 'json'", "'format' = 'json', 'scan.startup.mode' = 'latest-offset'");
    expect(options(run([own, SINK, INSERT]).statements[0])["properties.auto.offset.reset"]).toBeUndefined();
    const reset = SOURCE.replace("'format' = 'json'", "'format' = 'json', 'properties.auto.offset.reset' = 'latest'");
    expect(options(run([reset, SINK, INSERT]).statements[0])["properties.auto.offset.reset"]).toBe("latest");
  });

  test("a TLS user reads its PKCS12 keystore and password from files; a plain listener has no truststore", () => {
    const o = options(run([SOURCE, SINK, INSERT], { scram: false, securityProtocol: "SSL" }).statements[0]);
    expect(o).toMatchObject({
      "properties.security.protocol": "SSL",
      "properties.ssl.keystore.type": "PKCS12",
      "properties.ssl.keystore.location": "/etc/floe/kafka/user/user.p12",
      "properties.ssl.keystore.password": "${floe:/etc/floe/kafka/user:user.password}",
    });
    expect(o["properties.sasl.jaas.config"]).toBeUndefined();
    const plain = options(run([SOURCE, SINK, INSERT], { tls: false, securityProtocol: "SASL_PLAINTEXT" }).statements[0]);
    expect(plain["properties.ssl.truststore.location"]).toBeUndefined();
  });

  test("exactly-once: read_committed everywhere; sinks write transactionally under the job's prefix", () => {
    const { statements } = run([SOURCE, SINK, INSERT], { guarantee: { kind: "exactly-once", transactionalIdPrefix: "alpha-job", transactionTimeoutMs: 900000 } });
    expect(options(statements[0])).toMatchObject({ "properties.isolation.level": "read_committed" });
    expect(options(statements[0])["sink.delivery-guarantee"]).toBeUndefined();
    expect(options(statements[1])).toMatchObject({
      "properties.isolation.level": "read_committed",
      "sink.delivery-guarantee": "exactly-once",
      "sink.transactional-id-prefix": "alpha-job",
      "properties.transaction.timeout.ms": "900000",
    });
    expect(options(run([SOURCE, SINK, INSERT], { guarantee: { kind: "at-least-once" } }).statements[1])["sink.delivery-guarantee"]).toBe("at-least-once");
  });

  test("a backfill: sources bounded from its start, sinks into the .backfill copies (which it must be granted)", () => {
    const granted = { writes: [{ name: "alpha.totals.backfill", prefix: false }] };
    const { statements, issues } = run([SOURCE, SINK, INSERT], { ...granted, backfill: { startingOffsets: "timestamp:1730419200000", outputTopicSuffix: ".backfill" } });
    expect(issues).toEqual([]);
    expect(options(statements[0])).toMatchObject({ "scan.startup.mode": "timestamp", "scan.startup.timestamp-millis": "1730419200000", "scan.bounded.mode": "latest-offset" });
    expect(options(statements[0])["properties.auto.offset.reset"]).toBeUndefined();
    expect(options(statements[1]).topic).toBe("alpha.totals.backfill");
    expect(statements[1].match(/'topic'/g)).toHaveLength(1);
    expect(options(run([SOURCE, SINK, INSERT], { backfill: { startingOffsets: "earliest" } }).statements[0])["scan.startup.mode"]).toBe("earliest-offset");
    // Without the copy's grant the backfill's sink is refused.
    expect(run([SOURCE, SINK, INSERT], { backfill: { startingOffsets: "earliest", outputTopicSuffix: ".backfill" } }).issues.map((i) => i.value)).toEqual(["alpha.totals.backfill"]);
  });

  test("upsert-kafka tables are connected; other connectors and statements are left as written", () => {
    const upsert = "CREATE TABLE latest (id STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 'alpha.totals', 'key.format' = 'json', 'value.format' = 'json')";
    const print = "CREATE TABLE out (id STRING) WITH ('connector' = 'print')";
    const { statements } = run([SOURCE, upsert, print, "INSERT INTO latest SELECT id FROM events"]);
    expect(options(statements[1])["properties.bootstrap.servers"]).toBe(base.bootstrapServers);
    expect(statements[2]).toBe(print);
  });

  test("quotes, comments and nested parentheses in a statement do not confuse the options", () => {
    const tricky =
      "CREATE TEMPORARY TABLE IF NOT EXISTS `events` (id STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) /* a ) comment */ WITH ('connector' = 'kafka', 'topic' = 'alpha.events', 'json.timestamp-format.standard' = 'ISO-8601', 'x' = 'it''s')";
    const { statements, issues } = run([tricky, SINK, INSERT]);
    expect(issues).toEqual([]);
    expect(options(statements[0])).toMatchObject({ x: "it's", "properties.group.id": "alpha.job" });
  });

  test("fails a table that sets the connection, security or group itself (ManagedSqlKafkaOption)", () => {
    const own = SOURCE.replace("'format' = 'json'", "'format' = 'json', 'properties.bootstrap.servers' = 'other:9092', 'properties.sasl.jaas.config' = 'x', 'properties.group.id' = 'g'");
    const { issues } = run([own, SINK, INSERT]);
    expect(issues.map((i) => [i.code, i.field, i.value])).toEqual([
      ["ManagedSqlKafkaOption", "job.statements[0]", "properties.bootstrap.servers"],
      ["ManagedSqlKafkaOption", "job.statements[0]", "properties.group.id"],
      ["ManagedSqlKafkaOption", "job.statements[0]", "properties.sasl.jaas.config"],
    ]);
    expect(issues[0]).toMatchObject({ scope: "App/Job", fix: "remove 'properties.bootstrap.servers' from the WITH options" });
  });

  test("fails a table on a topic the job does not declare (SqlTopicNotDeclared), reads and writes apart; prefixes count", () => {
    const other = SOURCE.replace("alpha.events", "beta.events");
    const { issues } = run([other, SINK.replace("alpha.totals", "alpha.events"), INSERT]);
    expect(issues.map((i) => [i.code, i.field, i.value])).toEqual([
      ["SqlTopicNotDeclared", "job.statements[0]", "beta.events"],
      ["SqlTopicNotDeclared", "job.statements[1]", "alpha.events"],
    ]);
    expect(issues[1].message).toBe("table totals writes topic alpha.events, which the job does not declare in writes");
    expect(issues[1].fix).toBe("add the topic to the job's writes, or use one of alpha.totals");
    expect(run([SOURCE.replace("alpha.events", "alpha.clicks-eu;alpha.events"), SINK, INSERT]).issues).toEqual([]);
    // A suspended job (a standby region's copy) is not checked: it runs nothing and has no write grants there.
    expect(run([other, SINK, INSERT], { checkGrants: false }).issues).toEqual([]);
  });

  test("fails a Kafka table without a topic (SqlTableWithoutTopic) and WITH options that are not 'key' = 'value' pairs", () => {
    const pattern = "CREATE TABLE events (id STRING) WITH ('connector' = 'kafka', 'topic-pattern' = 'alpha\\..*', 'format' = 'json')";
    expect(run([pattern, SINK, INSERT]).issues.map((i) => i.code)).toEqual(["SqlTableWithoutTopic"]);
    const broken = "CREATE TABLE events (id STRING) WITH ('connector' = 'kafka', 'topic' 'alpha.events')";
    expect(run([broken]).issues[0]).toMatchObject({ code: "UnparsableSqlStatement", field: "job.statements[0]", message: "the WITH options of events are not 'key' = 'value' pairs" });
    expect(run(["CREATE TABLE t (a STRING) WITH ('connector' = 'kafka"]).issues[0].message).toMatch(/^unterminated string/);
  });
});

describe("sqlTableDefinitions: the tables a statement list creates, read with the connecting tokenizer", () => {
  test("names, columns (constraints and watermarks left out), options and insert targets; comments and quotes do not confuse it", () => {
    const { tables, sinks } = sqlTableDefinitions([
      "CREATE TABLE `my table` (`id` INT, amount DECIMAL(10, 2), tags ARRAY<ROW<a INT, b STRING>>, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND, PRIMARY KEY (`id`) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 'alpha.t')",
      "CREATE TABLE gen (a INT) /* 'connector' = 'kafka' */ WITH ('connector' = 'datagen')",
      "CREATE TABLE bare (a INT)",
      "INSERT INTO `my table` SELECT 1, 2, NULL, NULL FROM gen",
      "CREATE TABLE broken (a INT) WITH ('connector')",
    ]);
    expect(tables.map((t) => [t.statement, t.table, Object.fromEntries(t.columns), t.options.get("connector")])).toEqual([
      [0, "my table", { id: "INT", amount: "DECIMAL(10, 2)", tags: "ARRAY<ROW<a INT, b STRING>>", ts: "TIMESTAMP(3)" }, "upsert-kafka"],
      [1, "gen", { a: "INT" }, "datagen"],
      [2, "bare", { a: "INT" }, undefined],
    ]);
    expect([...sinks]).toEqual(["my table"]);
  });
});
