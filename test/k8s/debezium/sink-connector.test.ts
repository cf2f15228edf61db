import { DatabaseCredentials, DebeziumPlugin, JdbcInsertMode, JdbcSink, KafkaTopic, SinkErrorPolicy } from "../../../lib/internal";
import { catchValidation, issuesWithCode } from "../../helpers";
import { setup } from "./fixtures";

const sinkCredentials = () => DatabaseCredentials.fromSecret({ namespace: "payments", name: "reporting-db" });

function sink(props: Partial<ConstructorParameters<typeof JdbcSink>[2]> = {}, connectProps = {}) {
  const env = setup(connectProps);
  const topic = new KafkaTopic(env.chart, "Orders", { cluster: env.cluster, topicName: "payments.orders" });
  const s = new JdbcSink(env.chart, "Sink", { connect: env.connect, name: "payments.reporting", topics: [topic], databaseKind: "postgresql", hostname: "db.example.com", database: "reporting", credentials: sinkCredentials(), ...props });
  return { ...env, topic, sink: s };
}

describe("JdbcSink", () => {
  test("defaults: upsert by record key with deletes, JSON with embedded schemas, at-least-once with idempotent writes", () => {
    const { sink: s } = sink();
    expect(s.consumerGroup).toBe("connect-payments.reporting");
    expect(s.deliveryGuarantee).toBe("at-least-once");
    expect(s.idempotentWrites).toBe(true);
    expect(s.connectionUrl).toBe("jdbc:postgresql://db.example.com:5432/reporting");
  });

  test("insert mode is not idempotent and applies no deletes", () => {
    const { sink: s } = sink({ insertMode: JdbcInsertMode.INSERT });
    expect(s.idempotentWrites).toBe(false);
  });

  test("the JDBC plugin is part of a built image by Maven coordinates", () => {
    const p = DebeziumPlugin.jdbc({ sha512: "d".repeat(128) });
    expect(p.coordinates).toBe("io.debezium:debezium-connector-jdbc:3.2.0.Final:plugin@tar.gz");
    expect(p.artifact.url).toBe("https://repo1.maven.org/maven2/io/debezium/debezium-connector-jdbc/3.2.0.Final/debezium-connector-jdbc-3.2.0.Final-plugin.tar.gz");
    expect(p.name).toBe("debezium-jdbc");
  });

  test.each([
    ["SinkWithoutTopics", { topics: [] }, "topics"],
    ["SinkDeletesNeedUpsert", { insertMode: JdbcInsertMode.INSERT, deletes: true }, "deletes"],
    ["SinkDeadLetterTopicMissing", { errorPolicy: SinkErrorPolicy.DEAD_LETTER }, "deadLetterTopic"],
    ["InvalidSinkTable", { table: "a b" }, "table"],
    ["InvalidHostname", { hostname: "db.example.com/x" }, "hostname"],
    ["InvalidDatabaseName", { database: "reporting?ssl=false" }, "database"],
    ["InvalidPort", { port: 70000 }, "port"],
    ["InvalidTasksMax", { tasksMax: 0 }, "tasksMax"],
    ["InvalidCidr", { databaseCidr: "10.0.0.0/33" }, "databaseCidr"],
  ])("%s", (code, props, field) => {
    const e = catchValidation(() => sink(props as never));
    expect(issuesWithCode(e, code)[0]).toMatchObject({ field });
  });

  test("credentials in extra config only as references, with the sources' rule (a registry user.info too)", () => {
    const e = catchValidation(() => sink({ config: { "value.converter.basic.auth.user.info": "u:hunter2" } }));
    expect(issuesWithCode(e, "InlineSecretValue")[0]).toMatchObject({ field: "config.value.converter.basic.auth.user.info", value: "<redacted>" });
    expect(() => sink({ config: { "value.converter.basic.auth.user.info": "u:${secrets:payments/reg:password}", "value.converter.basic.auth.credentials.source": "USER_INFO" } })).not.toThrow();
  });

  test("a Connect cluster with restricted egress needs the database network", () => {
    const e = catchValidation(() => sink({}, { networkPolicy: { apiServerCidrs: [] } }));
    expect(issuesWithCode(e, "DatabaseNetworkUndeclared")[0]).toMatchObject({ field: "databaseCidr" });
  });

  test("a sink group outside the tenant's connect-<tenant>. prefix is refused by the user's ACL scope", () => {
    const e = catchValidation(() => sink({ name: "other.reporting" }));
    expect(issuesWithCode(e, "AclOutsideScope")[0]).toMatchObject({ value: "group:connect-other.reporting" });
  });
});
