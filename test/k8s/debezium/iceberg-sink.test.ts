import { ConnectImage, DatabaseCredentials, ICEBERG_PLUGIN_JARS, ICEBERG_VERSION, IcebergCatalog, IcebergSink, IcebergSinkPlugin, KafkaTopic, SinkErrorPolicy } from "../../../lib/internal";
import { catchValidation, issuesWithCode, ofKind, synth, validateApp } from "../../helpers";
import { allPlugins, setup } from "./fixtures";

const catalog = (o: Partial<Parameters<typeof IcebergCatalog.jdbc>[0]> = {}) =>
  IcebergCatalog.jdbc({ hostname: "lake-catalog.example.com", database: "lake", credentials: DatabaseCredentials.fromSecret({ namespace: "payments", name: "lake-catalog" }), ...o });
const withIceberg = () => ({ image: ConnectImage.build({ outputRepository: "registry.example.com/platform/connect", plugins: [...allPlugins(), IcebergSinkPlugin.of()] }) });

function sink(props: Partial<ConstructorParameters<typeof IcebergSink>[2]> = {}, connectProps: object = withIceberg()) {
  const env = setup(connectProps);
  const topic = new KafkaTopic(env.chart, "Orders", { cluster: env.cluster, topicName: "payments.orders" });
  const control = new KafkaTopic(env.chart, "Control", { cluster: env.cluster, topicName: "payments.lake.iceberg-control", partitions: 1 });
  const s = new IcebergSink(env.chart, "Lake", {
    connect: env.connect,
    name: "payments.lake",
    topics: [topic],
    namespace: "payments",
    table: "orders_history",
    catalog: catalog(),
    warehouse: "s3://floe-prod-eu-west-1-state/tenants/payments/lake",
    controlTopic: control,
    ...props,
  });
  return { ...env, topic, control, sink: s };
}
type Obj = Record<string, any>;
const connectorOf = (objects: Obj[]) => ofKind(objects as never, "KafkaConnector")[0] as Obj;

describe("IcebergSink", () => {
  test("defaults: one table in the tenant's namespace and warehouse, JDBC catalog by reference, exactly-once through its control topic", () => {
    const { app, chart, sink: s } = sink();
    expect(s.consumerGroup).toBe("connect-payments.lake");
    expect(s.tableName).toBe("payments.orders_history");
    expect(s.deliveryGuarantee).toBe("exactly-once");
    const c = connectorOf(synth(app, chart) as never);
    expect(c.metadata).toMatchObject({ name: "payments.lake", namespace: "kafka", labels: { "strimzi.io/cluster": "payments-connect", "app.kubernetes.io/component": "iceberg-sink" } });
    expect(c.spec).toMatchObject({ class: "org.apache.iceberg.connect.IcebergSinkConnector", tasksMax: 1, state: "running", autoRestart: { enabled: true } });
    expect(c.spec.config).toEqual({
      "connector.class": "org.apache.iceberg.connect.IcebergSinkConnector",
      topics: "payments.orders",
      "errors.log.enable": true,
      "errors.log.include.messages": false,
      "errors.tolerance": "none",
      "iceberg.catalog": "payments",
      "iceberg.catalog.catalog-impl": "org.apache.iceberg.jdbc.JdbcCatalog",
      "iceberg.catalog.io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
      "iceberg.catalog.jdbc.password": "${secrets:payments/lake-catalog:password}",
      "iceberg.catalog.jdbc.user": "${secrets:payments/lake-catalog:username}",
      "iceberg.catalog.uri": "jdbc:postgresql://lake-catalog.example.com:5432/lake",
      "iceberg.catalog.warehouse": "s3://floe-prod-eu-west-1-state/tenants/payments/lake",
      "iceberg.control.commit.interval-ms": 300000,
      "iceberg.control.group-id-prefix": "connect-payments.lake-control-",
      "iceberg.control.topic": "payments.lake.iceberg-control",
      "iceberg.coordinator.transactional.prefix": "payments.lake.",
      "iceberg.kafka.bootstrap.servers": "events-kafka-bootstrap.kafka.svc:9093",
      "iceberg.kafka.sasl.jaas.config": "${secrets:kafka/payments-connect:sasl.jaas.config}",
      "iceberg.kafka.sasl.mechanism": "SCRAM-SHA-512",
      "iceberg.kafka.security.protocol": "SASL_SSL",
      "iceberg.kafka.ssl.truststore.certificates": "${strimzisecrets:kafka/payments-connect-connect-tls-trusted-certs:ca.crt}",
      "iceberg.kafka.ssl.truststore.type": "PEM",
      "iceberg.tables": "payments.orders_history",
      "iceberg.tables.auto-create-enabled": true,
      "iceberg.tables.evolve-schema-enabled": true,
    });
  });

  test("access: the topics in connect-<name>, the control topic and the sink's groups and transactional ids, the catalog's Secret, public HTTPS", () => {
    const { app, chart } = sink();
    const objects = synth(app, chart) as unknown as Obj[];
    const user = objects.find((o) => o.kind === "KafkaUser")!;
    const acl = (type: string, name: string, patternType = "literal") => user.spec.authorization.acls.find((a: Obj) => a.resource.type === type && a.resource.name === name && a.resource.patternType === patternType)?.operations;
    expect(acl("topic", "payments.orders")).toEqual(expect.arrayContaining(["Read"]));
    expect(acl("group", "connect-payments.lake")).toEqual(expect.arrayContaining(["Read"]));
    expect(acl("topic", "payments.lake.iceberg-control")).toEqual(expect.arrayContaining(["Read", "Write", "DescribeConfigs"]));
    expect(acl("group", "connect-payments.lake-", "prefix")).toEqual(["Read", "Describe"]);
    expect(acl("transactionalId", "payments.lake.", "prefix")).toEqual(["Write", "Describe"]);
    const role = objects.find((o) => o.kind === "Role" && o.metadata.namespace === "payments")!;
    expect(role.rules[0].resourceNames).toContain("lake-catalog");
  });

  test("options: region, commit interval, partitions, schema evolution off, dead letters, converters, tasks, state", () => {
    const env = sink();
    const dlq = new KafkaTopic(env.chart, "Dlq", { cluster: env.cluster, topicName: "payments.lake.sink-dead-letter" });
    new IcebergSink(env.chart, "Lake2", {
      connect: env.connect,
      name: "payments.lake2",
      topics: [env.topic],
      namespace: "pay-ments",
      table: "t",
      catalog: catalog({ port: 6432, databaseCidr: "10.32.0.0/16" }),
      warehouse: "s3://lake-b/tenants/pay-ments/lake",
      awsRegion: "eu-west-1",
      controlTopic: env.control,
      commitInterval: "30s",
      partitionBy: ["days(ts)", "bucket(id, 16)"],
      schemaEvolution: "none",
      errorPolicy: SinkErrorPolicy.DEAD_LETTER,
      deadLetterTopic: dlq,
      retryTimeout: "1m",
      converters: { "value.converter": "x.Y" },
      tasksMax: 3,
      config: { "iceberg.catalog.s3.sse.type": "kms" },
    });
    const c = (synth(env.app, env.chart) as unknown as Obj[]).find((o) => o.kind === "KafkaConnector" && o.metadata.name === "payments.lake2")!;
    expect(c.spec.tasksMax).toBe(3);
    expect(c.spec.config).toMatchObject({
      "iceberg.catalog": "pay_ments",
      "iceberg.tables": "pay_ments.t",
      "iceberg.catalog.uri": "jdbc:postgresql://lake-catalog.example.com:6432/lake",
      "iceberg.catalog.client.region": "eu-west-1",
      "iceberg.control.commit.interval-ms": 30000,
      "iceberg.tables.default-partition-by": "days(ts),bucket(id, 16)",
      "iceberg.tables.evolve-schema-enabled": false,
      "errors.tolerance": "all",
      "errors.deadletterqueue.topic.name": "payments.lake.sink-dead-letter",
      "errors.deadletterqueue.context.headers.enable": true,
      "errors.retry.timeout": 60000,
      "value.converter": "x.Y",
      "iceberg.catalog.s3.sse.type": "kms",
    });
  });

  test.each([
    ["SinkWithoutTopics", { topics: [] }, "topics"],
    ["InvalidIcebergIdentifier", { table: "Orders-History" }, "table"],
    ["InvalidIcebergIdentifier", { namespace: "9x" }, "namespace"],
    ["InvalidWarehouse", { warehouse: "/tmp/lake" }, "warehouse"],
    ["InvalidCommitInterval", { commitInterval: "100ms" }, "commitInterval"],
    ["InvalidDuration", { commitInterval: "soon" }, "commitInterval"],
    ["InvalidPartitionTransform", { partitionBy: ["days(ts"] }, "partitionBy[0]"],
    ["SinkDeadLetterTopicMissing", { errorPolicy: SinkErrorPolicy.DEAD_LETTER }, "deadLetterTopic"],
    ["InvalidTasksMax", { tasksMax: 0 }, "tasksMax"],
    ["InvalidHostname", { catalog: catalog({ hostname: "db/x" }) }, "catalog.hostname"],
    ["InvalidDatabaseName", { catalog: catalog({ database: "lake?ssl=false" }) }, "catalog.database"],
    ["InvalidPort", { catalog: catalog({ port: 0 }) }, "catalog.port"],
    ["InvalidCidr", { catalog: catalog({ databaseCidr: "10.0.0.0/33" }) }, "catalog.databaseCidr"],
    ["ManagedConnectorConfig", { config: { "iceberg.catalog.uri": "jdbc:postgresql://x/y" } }, "config.iceberg.catalog.uri"],
    ["ManagedConnectorConfig", { config: { "iceberg.kafka.security.protocol": "PLAINTEXT" } }, "config.iceberg.kafka.security.protocol"],
    ["ManagedConnectorConfig", { config: { "iceberg.tables": "other.t" } }, "config.iceberg.tables"],
    ["InlineSecretValue", { config: { "iceberg.catalog.s3.secret-access-key": "hunter2" } }, "config.iceberg.catalog.s3.secret-access-key"],
  ])("%s (%s)", (code, props, field) => {
    const e = catchValidation(() => sink(props as never));
    expect(issuesWithCode(e, code).map((i) => i.field)).toContain(field);
  });

  test("a Connect cluster with restricted egress needs the catalog's network, and opens public HTTPS (S3) with private ranges closed", () => {
    const e = catchValidation(() => sink({}, { ...withIceberg(), networkPolicy: { apiServerCidrs: [] } }));
    expect(issuesWithCode(e, "DatabaseNetworkUndeclared")[0]).toMatchObject({ field: "catalog.databaseCidr" });
    const { app, chart } = sink({ catalog: catalog({ databaseCidr: "10.32.0.0/16" }) }, { ...withIceberg(), networkPolicy: { apiServerCidrs: [] } });
    const policy = (synth(app, chart) as unknown as Obj[]).find((o) => o.kind === "NetworkPolicy")!;
    expect(policy.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: "10.32.0.0/16" } }], ports: [{ protocol: "TCP", port: 5432 }] });
    expect(policy.spec.egress).toContainEqual({
      to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"] } }],
      ports: [{ protocol: "TCP", port: 443 }],
    });
  });

  test("Glue catalog: Iceberg's GlueCatalog with the workers' role, no catalog Secret or database egress", () => {
    const { app, chart } = sink({ catalog: IcebergCatalog.glue(), namespace: "prod__payments" }, { ...withIceberg(), networkPolicy: { apiServerCidrs: [] } });
    const objects = synth(app, chart) as unknown as Obj[];
    const c = connectorOf(objects);
    expect(c.spec.config).toMatchObject({ "iceberg.catalog.catalog-impl": "org.apache.iceberg.aws.glue.GlueCatalog", "iceberg.catalog": "prod__payments", "iceberg.tables": "prod__payments.orders_history" });
    for (const key of ["iceberg.catalog.uri", "iceberg.catalog.jdbc.user", "iceberg.catalog.jdbc.password"]) expect(c.spec.config[key]).toBeUndefined();
    const policy = objects.find((o) => o.kind === "NetworkPolicy")!;
    expect(policy.spec.egress.some((r: Obj) => r.ports?.some((p: Obj) => p.port === 5432))).toBe(false);
    expect(IcebergCatalog.glue()).toMatchObject({ kind: "glue", jdbcOptions: undefined });
    expect(IcebergCatalog.glue().uri).toBeUndefined();
  });

  test("the image must hold the Iceberg plugin", () => {
    const { app } = sink({}, {});
    const e = catchValidation(() => validateApp(app));
    expect(issuesWithCode(e, "ConnectorPluginMissing")[0].fix).toBe("add IcebergSinkPlugin.of() to the build");
  });

  test("the workers' role annotates their service account (IRSA)", () => {
    const { app, chart } = sink({}, { ...withIceberg(), workloadRoleArn: "arn:aws:iam::123456789012:role/floe-prod-eu-west-1-payments" });
    const connect = (synth(app, chart) as unknown as Obj[]).find((o) => o.kind === "KafkaConnect")!;
    expect(connect.spec.template.serviceAccount).toEqual({ metadata: { annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/floe-prod-eu-west-1-payments" } } });
  });
});

describe("IcebergSinkPlugin", () => {
  test("every locked jar is a Strimzi jar artifact on Maven Central with its SHA-512", () => {
    const p = IcebergSinkPlugin.of();
    expect(p.coordinates).toBe(`org.apache.iceberg:iceberg-kafka-connect:${ICEBERG_VERSION}`);
    expect(p.name).toBe("iceberg-sink");
    expect(p.artifacts).toHaveLength(ICEBERG_PLUGIN_JARS.length);
    expect(p.artifacts).toContainEqual({
      type: "jar",
      url: `https://repo1.maven.org/maven2/org/apache/iceberg/iceberg-kafka-connect/${ICEBERG_VERSION}/iceberg-kafka-connect-${ICEBERG_VERSION}.jar`,
      sha512sum: ICEBERG_PLUGIN_JARS.find((j) => j.artifact === "iceberg-kafka-connect")!.sha512,
    });
    // A classifier is part of the file name (orc-core's nohive jar).
    const classified = ICEBERG_PLUGIN_JARS.find((j) => j.classifier);
    if (classified) expect(p.artifacts.some((a) => a.url.endsWith(`-${classified.version}-${classified.classifier}.jar`))).toBe(true);
    for (const a of p.artifacts) expect(a.sha512sum).toMatch(/^[0-9a-f]{128}$/);
    expect(IcebergSinkPlugin.of({ repository: "https://mirror.example.com/maven/" }).artifacts[0].url.startsWith("https://mirror.example.com/maven/")).toBe(true);
    expect(issuesWithCode(IcebergSinkPlugin.of({ repository: "http://mirror" }).validate("s", "build.plugins[0]"), "InsecurePluginRepository")[0]).toMatchObject({ field: "build.plugins[0].repository" });
  });

  test("a built image lists the jars under one plugin folder, and its tag follows the jars", () => {
    const { app, chart } = sink();
    const connect = (synth(app, chart) as unknown as Obj[]).find((o) => o.kind === "KafkaConnect")!;
    const plugin = connect.spec.build.plugins.find((p: Obj) => p.name === "iceberg-sink");
    expect(plugin.artifacts).toHaveLength(ICEBERG_PLUGIN_JARS.length);
    expect(plugin.artifacts.every((a: Obj) => a.type === "jar")).toBe(true);
    const debeziumOnly = ConnectImage.build({ outputRepository: "r.example.com/c", plugins: allPlugins() }).builtImage("t");
    const withLake = ConnectImage.build({ outputRepository: "r.example.com/c", plugins: [...allPlugins(), IcebergSinkPlugin.of()] }).builtImage("t");
    expect(withLake).not.toBe(debeziumOnly);
  });
});
