import {
  ConnectorState,
  DatabaseCredentials,
  MySqlSource,
  MySqlSourceProps,
  PostgresSource,
  PostgresSourceProps,
  SourceErrorPolicy,
  SqlServerSource,
  SqlServerSourceProps,
} from "../../../lib/internal";
import { catchValidation, expectSchemaValid, issuesWithCode, ofKind, synth, validateApp } from "../../helpers";
import { credentials, setup } from "./fixtures";

function postgres(props: Partial<PostgresSourceProps> = {}, connectProps = {}) {
  const env = setup(connectProps);
  const source = new PostgresSource(env.chart, "Orders", {
    connect: env.connect,
    name: "payments-orders-db",
    topicPrefix: "payments.orders-db",
    hostname: "orders.db.example.com",
    database: "orders",
    credentials: credentials(),
    tables: ["public.orders", "public.order_lines"],
    ...props,
  });
  return { ...env, source };
}

const connectorOf = (objects: any[], name: string) => objects.find((o) => o.kind === "KafkaConnector" && o.metadata.name === name);

describe("PostgresSource", () => {
  const { app, chart, source } = postgres({ signalTable: "public.debezium_signal" });
  const objects = synth(app, chart);
  const kc = connectorOf(objects, "payments-orders-db");

  test("a KafkaConnector bound to its Connect cluster, valid against the CRD", () => {
    expect(kc.metadata.labels["strimzi.io/cluster"]).toBe("payments-connect");
    expect(kc.metadata.namespace).toBe("kafka");
    expect(kc.spec).toMatchObject({ class: "io.debezium.connector.postgresql.PostgresConnector", tasksMax: 1, state: "running", autoRestart: { enabled: true } });
    expectSchemaValid(objects);
  });

  test("pgoutput, filtered publication, its own slot, heartbeats, signal table", () => {
    expect(kc.spec.config).toMatchObject({
      "plugin.name": "pgoutput",
      "publication.autocreate.mode": "filtered",
      "slot.name": "payments_orders_db",
      "publication.name": "payments_orders_db_pub",
      "slot.drop.on.stop": false,
      "snapshot.mode": "initial",
      "heartbeat.interval.ms": 10000,
      "topic.heartbeat.prefix": "payments.debezium-heartbeat",
      "topic.prefix": "payments.orders-db",
      "table.include.list": "public\\.orders,public\\.order_lines,public\\.debezium_signal",
      "signal.data.collection": "public.debezium_signal",
      "database.sslmode": "require",
    });
    expect(source.slotName).toBe("payments_orders_db");
  });

  test("credentials only by secret reference; the Connect service account may read exactly that Secret", () => {
    expect(kc.spec.config["database.user"]).toBe("${secrets:payments/orders-db-cdc:username}");
    expect(kc.spec.config["database.password"]).toBe("${secrets:payments/orders-db-cdc:password}");
    const role = objects.find((o) => o.kind === "Role" && o.metadata.namespace === "payments") as any;
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["orders-db-cdc"] }]);
    const binding = objects.find((o) => o.kind === "RoleBinding" && o.metadata.namespace === "payments") as any;
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "payments-connect-connect", namespace: "kafka" }]);
  });

  test("a rendered connector never contains a password value", () => {
    for (const o of ofKind(objects, "KafkaConnector")) {
      for (const [key, value] of Object.entries((o as any).spec.config)) {
        if (/password|secret/i.test(key)) expect(value).toMatch(/^\$\{secrets:[a-z0-9-]+\/[a-z0-9.-]+:[\w.-]+\}$/);
      }
    }
  });

  test("declares every topic it writes (tables, signal table, heartbeat) and the Connect user may write exactly those", () => {
    const topics = ofKind(objects, "KafkaTopic").map((t: any) => t.spec.topicName).filter((n: string) => !n.includes("connect-"));
    expect(topics).toEqual([
      "payments.orders-db.public.orders",
      "payments.orders-db.public.order_lines",
      "payments.orders-db.public.debezium_signal",
      "payments.debezium-heartbeat.payments.orders-db",
      "payments.orders-db.signals",
    ]);
    const user = ofKind(objects, "KafkaUser")[0] as any;
    const writes = user.spec.authorization.acls.filter((a: any) => a.operations.join() === "Write").map((a: any) => a.resource.name);
    // The signal topic is read (by the connector, in its own group) and written (by snapshot triggers).
    expect(writes.sort()).toEqual(topics.filter((t: string) => !t.endsWith(".signals")).sort());
    const signals = user.spec.authorization.acls.find((a: any) => a.resource.name === "payments.orders-db.signals");
    expect(signals.operations).toEqual(expect.arrayContaining(["Read", "Write"]));
  });

  test("options: snapshot mode, heartbeat query, ssl mode, columns, state, error policy, retries, partitions, config", () => {
    const { app: a, chart: c } = postgres({
      snapshotMode: "no_data",
      heartbeatInterval: "30s",
      heartbeatActionQuery: "UPDATE debezium_heartbeat SET ts = now()",
      sslMode: "verify-full",
      columnExcludeList: ["public.orders.card_number"],
      state: ConnectorState.PAUSED,
      errorPolicy: SourceErrorPolicy.LOG_AND_SKIP,
      retryTimeout: "10m",
      topicPartitions: 12,
      slotName: "orders_cdc",
      publicationName: "orders_cdc_pub",
      autoRestart: false,
      config: { "decimal.handling.mode": "string" },
    });
    const objs = synth(a, c);
    const spec = connectorOf(objs, "payments-orders-db").spec;
    expect(spec.state).toBe("paused");
    expect(spec.autoRestart).toEqual({ enabled: false });
    expect(spec.config).toMatchObject({
      "snapshot.mode": "no_data",
      "heartbeat.interval.ms": 30000,
      "heartbeat.action.query": "UPDATE debezium_heartbeat SET ts = now()",
      "database.sslmode": "verify-full",
      "column.exclude.list": "public\\.orders\\.card_number",
      "errors.tolerance": "all",
      "errors.log.enable": true,
      "errors.log.include.messages": false,
      "errors.retry.timeout": 600000,
      "slot.name": "orders_cdc",
      "publication.name": "orders_cdc_pub",
      "decimal.handling.mode": "string",
    });
    expect((ofKind(objs, "KafkaTopic").find((t: any) => t.spec.topicName === "payments.orders-db.public.orders") as any).spec.partitions).toBe(12);
  });

  test("fails SlotDropOnStopInProduction; allowed outside production", () => {
    const e = catchValidation(() => postgres({ slotDropOnStop: true }));
    expect(e.code).toBe("SlotDropOnStopInProduction");
    expect(e.fix).toBe("remove slotDropOnStop (default false); drop unused slots by hand");
    expect(() => postgres({ slotDropOnStop: true }, { production: false })).not.toThrow();
  });

  test("fails DuplicateReplicationSlot and DuplicatePublication on the same database", () => {
    const { app, chart, connect } = postgres();
    new PostgresSource(chart, "Again", {
      connect,
      name: "payments-orders-db-2",
      topicPrefix: "payments.orders-db-2",
      hostname: "orders.db.example.com",
      database: "orders",
      credentials: credentials(),
      tables: ["public.refunds"],
      slotName: "payments_orders_db",
    });
    new PostgresSource(chart, "OtherDb", {
      connect,
      name: "payments-other-db",
      topicPrefix: "payments.other",
      hostname: "other.db.example.com",
      database: "orders",
      credentials: credentials(),
      tables: ["public.x"],
      slotName: "payments_orders_db",
    });
    const e = catchValidation(() => validateApp(app));
    expect(issuesWithCode(e, "DuplicateReplicationSlot").map((i) => i.scope)).toEqual(["test/Orders", "test/Again"]);
    expect(issuesWithCode(e, "DuplicatePublication")).toHaveLength(2);
  });

  test("fails InvalidSlotName, SingleTaskConnector", () => {
    expect(catchValidation(() => postgres({ slotName: "Orders-Slot" })).code).toBe("InvalidSlotName");
    expect(catchValidation(() => postgres({ tasksMax: 2 })).code).toBe("SingleTaskConnector");
  });
});

describe("common source rules", () => {
  test("fails TopicPrefixOutsideTenant", () => {
    const e = catchValidation(() => postgres({ topicPrefix: "logistics.orders" }));
    expect(e.code).toBe("TopicPrefixOutsideTenant");
    expect(e.issues[0].message).toBe('must start with the Connect cluster\'s tenant prefix "payments."');
  });

  test("fails NoTables, InvalidTableName, DuplicateTable", () => {
    expect(catchValidation(() => postgres({ tables: [] })).code).toBe("NoTables");
    expect(catchValidation(() => postgres({ tables: ["orders"] })).code).toBe("InvalidTableName");
    expect(catchValidation(() => postgres({ tables: ["public.orders", "public.orders"] })).code).toBe("DuplicateTable");
  });

  test("fails InvalidHostname, InvalidPort, InvalidTasksMax, InvalidDuration", () => {
    expect(catchValidation(() => postgres({ hostname: "orders db" })).code).toBe("InvalidHostname");
    expect(catchValidation(() => postgres({ port: 70000 })).code).toBe("InvalidPort");
    expect(catchValidation(() => postgres({ tasksMax: 0 })).code).toBe("InvalidTasksMax");
    expect(catchValidation(() => postgres({ heartbeatInterval: "often" })).code).toBe("InvalidDuration");
  });

  test("fails ManagedConnectorConfig and NoDeadLetterQueueForSources", () => {
    expect(catchValidation(() => postgres({ config: { "slot.name": "x" } })).code).toBe("ManagedConnectorConfig");
    const e = catchValidation(() => postgres({ config: { "errors.deadletterqueue.topic.name": "payments.dlq" } }));
    expect(e.code).toBe("NoDeadLetterQueueForSources");
    expect(e.issues[0].message).toMatch(/no dead-letter queue for source connectors/);
  });

  test("fails InlineSecretValue for a password-like config value; references are accepted", () => {
    const e = catchValidation(() => postgres({ config: { "database.ssl.password": "hunter2" } }));
    expect(e).toMatchObject({ code: "InlineSecretValue", value: "<redacted>" });
    expect(e.message).not.toContain("hunter2");
    expect(() => postgres({ config: { "database.ssl.password": "${secrets:payments/tls:password}" } })).not.toThrow();
  });

  test("fails on credentials that are not a valid Secret reference", () => {
    expect(catchValidation(() => DatabaseCredentials.fromSecret({ namespace: "Payments", name: "x" })).code).toBe("InvalidDnsLabel");
  });
});

describe("MySqlSource", () => {
  function mysql(props: Partial<MySqlSourceProps> = {}) {
    const env = setup();
    const source = new MySqlSource(env.chart, "Legacy", {
      connect: env.connect,
      name: "payments-legacy",
      topicPrefix: "payments.legacy",
      hostname: "legacy.db.example.com",
      serverId: 184054,
      credentials: credentials(),
      tables: ["shop.customers", "shop.orders"],
      ...props,
    });
    return { ...env, source };
  }

  test("server id, database include list, a declared schema history topic read back with the Connect credentials", () => {
    const { app, chart } = mysql();
    const objects = synth(app, chart);
    const kc = connectorOf(objects, "payments-legacy");
    expect(kc.spec.config).toMatchObject({
      "database.server.id": 184054,
      "database.include.list": "shop",
      "table.include.list": "shop\\.customers,shop\\.orders",
      "database.ssl.mode": "required",
      "schema.history.internal.kafka.topic": "payments.legacy.schema-history",
      "schema.history.internal.kafka.bootstrap.servers": "events-kafka-bootstrap.kafka.svc:9093",
      "schema.history.internal.consumer.group.id": "payments.payments-legacy-schemahistory",
      "schema.history.internal.producer.sasl.jaas.config": "${secrets:kafka/payments-connect:sasl.jaas.config}",
      "schema.history.internal.consumer.security.protocol": "SASL_SSL",
      // Strimzi 1.x mounts no certificates: the truststore is read through its own config provider.
      "schema.history.internal.producer.ssl.truststore.certificates": "${strimzisecrets:kafka/payments-connect-connect-tls-trusted-certs:ca.crt}",
      "schema.history.internal.consumer.ssl.truststore.certificates": "${strimzisecrets:kafka/payments-connect-connect-tls-trusted-certs:ca.crt}",
      "schema.history.internal.consumer.ssl.truststore.type": "PEM",
    });
    expect(Object.keys(kc.spec.config).filter((k) => k.endsWith("truststore.location"))).toEqual([]);
    const history = ofKind(objects, "KafkaTopic").find((t: any) => t.spec.topicName === "payments.legacy.schema-history") as any;
    expect(history.spec.partitions).toBe(1);
    expect(history.spec.config).toEqual({ "retention.ms": -1 });
    const role = objects.find((o) => o.kind === "Role" && o.metadata.namespace === "kafka") as any;
    expect(role.rules[0].resourceNames).toEqual(["payments-connect"]);
    const user = ofKind(objects, "KafkaUser")[0] as any;
    expect(user.spec.authorization.acls).toEqual(
      expect.arrayContaining([
        { type: "allow", resource: { type: "group", name: "payments.payments-legacy-schemahistory", patternType: "literal" }, operations: ["Read"] },
        { type: "allow", resource: { type: "topic", name: "payments.legacy.schema-history", patternType: "literal" }, operations: ["Read", "Write", "DescribeConfigs"] },
      ]),
    );
    expectSchemaValid(objects);
  });

  test("fails InvalidServerId, DuplicateServerId, SingleTaskConnector", () => {
    expect(catchValidation(() => mysql({ serverId: 0 })).code).toBe("InvalidServerId");
    expect(catchValidation(() => mysql({ tasksMax: 3 })).code).toBe("SingleTaskConnector");
    const { app, chart, connect } = mysql();
    new MySqlSource(chart, "Twin", { connect, name: "payments-twin", topicPrefix: "payments.twin", hostname: "legacy.db.example.com", serverId: 184054, credentials: credentials(), tables: ["shop.x"] });
    expect(catchValidation(() => validateApp(app)).code).toBe("DuplicateServerId");
  });
});

describe("SqlServerSource", () => {
  function sqlserver(props: Partial<SqlServerSourceProps> = {}) {
    const env = setup();
    const source = new SqlServerSource(env.chart, "Erp", {
      connect: env.connect,
      name: "payments-erp",
      topicPrefix: "payments.erp",
      hostname: "erp.db.example.com",
      credentials: credentials(),
      tables: ["erp.dbo.invoices", "billing.dbo.payments"],
      ...props,
    });
    return { ...env, source };
  }

  test("several databases, schema.table include list, topics per database.schema.table", () => {
    const { app, chart, source } = sqlserver({ tasksMax: 2, signalTable: "erp.dbo.debezium_signal" });
    const objects = synth(app, chart);
    const kc = connectorOf(objects, "payments-erp");
    expect(kc.spec.tasksMax).toBe(2);
    expect(kc.spec.config).toMatchObject({
      "database.names": "billing,erp",
      "database.encrypt": true,
      "table.include.list": "dbo\\.invoices,dbo\\.payments,dbo\\.debezium_signal",
      "signal.data.collection": "erp.dbo.debezium_signal",
    });
    expect(source.topics.map((t) => t.topicName)).toEqual([
      "payments.erp.erp.dbo.invoices",
      "payments.erp.billing.dbo.payments",
      "payments.erp.erp.dbo.debezium_signal",
      "payments.erp.schema-history",
    ]);
    expectSchemaValid(objects);
  });

  test("fails TasksExceedDatabases", () => {
    expect(catchValidation(() => sqlserver({ tasksMax: 3 })).code).toBe("TasksExceedDatabases");
  });
});
