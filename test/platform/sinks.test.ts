import { buildLineage, classifyConnectorChange, ConnectorManifest, parsePlatformSpec, synthesize } from "../../lib/internal";
import { catchValidation, expectSchemaValid, issuesWithCode } from "../helpers";
import { devSpecWithSource, exampleSpec } from "../helpers/specs";

type Obj = Record<string, any>;

const VALUE = { type: "object", properties: { id: { type: "integer" } } };

/** alpha captures public.orders with embedded schemas and writes it to a reporting database with a JDBC sink. */
function spec(edit: (s: any) => void = () => undefined): any {
  const s = devSpecWithSource();
  s.regions[0].connect.connectors = ["postgres", "jdbc"];
  s.tenants[0].sources[0].embedSchemas = true;
  s.tenants[0].secrets.push({ name: "reporting-db", remoteKey: "dev/alpha/reporting-db" });
  s.tenants[0].sinks = [
    {
      name: "reporting",
      type: "jdbc",
      topics: ["orders-db.public.orders"],
      dialect: "postgresql",
      host: "reporting.db.example.com",
      database: "reporting",
      databaseCidr: "10.31.0.0/16",
      credentials: { secret: "reporting-db" },
    },
  ];
  edit(s);
  return s;
}
const objectsOf = (s: unknown) => synthesize(parsePlatformSpec(s)).files.flatMap((f) => f.objects) as Obj[];
const sinkOf = (objects: Obj[]) => objects.find((o) => o.kind === "KafkaConnector" && o.spec.class === "io.debezium.connector.jdbc.JdbcSinkConnector")!;
const codes = (s: unknown) => catchValidation(() => synthesize(parsePlatformSpec(s))).issues.map((i) => `${i.code} ${i.scope}.${i.field}`);

describe("JDBC sinks: defaults", () => {
  const objects = objectsOf(spec());
  const sink = sinkOf(objects);

  test("a CDC topic is upserted by its record key, deletes applied, tables named after the captured table, credentials by reference", () => {
    expect(sink.metadata).toMatchObject({ name: "alpha.reporting", namespace: "kafka", labels: { "strimzi.io/cluster": "alpha-connect", "app.kubernetes.io/component": "jdbc-sink" } });
    expect(sink.spec).toMatchObject({ class: "io.debezium.connector.jdbc.JdbcSinkConnector", tasksMax: 1, state: "running", autoRestart: { enabled: true } });
    expect(sink.spec.config).toEqual({
      "collection.name.format": "${source.table}",
      "connection.password": "${secrets:alpha/reporting-db:password}",
      "connection.url": "jdbc:postgresql://reporting.db.example.com:5432/reporting",
      "connection.username": "${secrets:alpha/reporting-db:username}",
      "connector.class": "io.debezium.connector.jdbc.JdbcSinkConnector",
      "delete.enabled": true,
      "errors.log.enable": true,
      "errors.log.include.messages": false,
      "errors.tolerance": "none",
      "insert.mode": "upsert",
      "key.converter": "org.apache.kafka.connect.json.JsonConverter",
      "key.converter.schemas.enable": "true",
      "primary.key.mode": "record_key",
      "schema.evolution": "basic",
      topics: "alpha.orders-db.public.orders",
      "value.converter": "org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable": "true",
    });
    expectSchemaValid([sink]);
  });

  test("the Connect user reads the topic in the sink's group connect-<connector> (and nothing else new); the workers may read the Secret and reach the database", () => {
    const user = objects.find((o) => o.kind === "KafkaUser" && o.metadata.name === "alpha-connect")!;
    const acls = user.spec.authorization.acls as Obj[];
    expect(acls.find((a) => a.resource.type === "group" && a.resource.name === "connect-alpha.reporting")).toEqual({ type: "allow", resource: { type: "group", name: "connect-alpha.reporting", patternType: "literal" }, operations: ["Read"] });
    expect(acls.find((a) => a.resource.name === "alpha.orders-db.public.orders")!.operations).toEqual(["Read", "Write"]);
    const role = objects.find((o) => o.kind === "Role" && o.metadata.namespace === "alpha" && JSON.stringify(o.rules).includes("reporting-db"))!;
    expect(role.rules[0].resourceNames).toContain("reporting-db");
    const egress = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "alpha-connect-connect-egress")!;
    expect(egress.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: "10.31.0.0/16" } }], ports: [{ protocol: "TCP", port: 5432 }] });
  });

  test("the source embeds its Connect schemas: converters with schemas.enable=true, the registered JSON Schema is the {schema, payload} envelope", () => {
    const source = objects.find((o) => o.kind === "KafkaConnector" && o.metadata.name === "alpha-orders-db")!;
    expect(source.spec.config).toMatchObject({ "key.converter.schemas.enable": "true", "value.converter.schemas.enable": "true", "value.converter": "org.apache.kafka.connect.json.JsonConverter" });
  });
});

describe("JDBC sinks: options", () => {
  test("the tenant's dead-letter policy: a sink dead-letter topic written by the Connect workers, the failure in its headers", () => {
    const objects = objectsOf(spec((s) => ((s.tenants[0].onMalformed = "dead-letter"), (s.tenants[0].sources[0].errorPolicy = "fail"))));
    const sink = sinkOf(objects);
    expect(sink.spec.config).toMatchObject({ "errors.tolerance": "all", "errors.deadletterqueue.topic.name": "alpha.reporting.sink-dead-letter", "errors.deadletterqueue.context.headers.enable": true });
    const topic = objects.find((o) => o.kind === "KafkaTopic" && o.spec.topicName === "alpha.reporting.sink-dead-letter")!;
    expect(topic.spec.config["retention.ms"]).toBe(14 * 24 * 3600 * 1000);
    const user = objects.find((o) => o.kind === "KafkaUser" && o.metadata.name === "alpha-connect")!;
    expect(user.spec.authorization.acls.find((a: Obj) => a.resource.name === "alpha.reporting.sink-dead-letter").operations).toEqual(["Write"]);
  });

  test("skip-and-log skips without a topic; the sink's own policy wins over the tenant's", () => {
    expect(sinkOf(objectsOf(spec((s) => (s.tenants[0].onMalformed = "skip-and-log")))).spec.config).toMatchObject({ "errors.tolerance": "all" });
    const own = sinkOf(objectsOf(spec((s) => ((s.tenants[0].onMalformed = "dead-letter"), (s.tenants[0].sources[0].errorPolicy = "fail"), (s.tenants[0].sinks[0].errorPolicy = "fail")))));
    expect(own.spec.config["errors.tolerance"]).toBe("none");
    expect(own.spec.config["errors.deadletterqueue.topic.name"]).toBeUndefined();
  });

  test("mysql, port, table, schema evolution, tasks, state, retry and extra config", () => {
    const sink = sinkOf(
      objectsOf(
        spec((s) =>
          Object.assign(s.tenants[0].sinks[0], {
            dialect: "mysql",
            port: 3307,
            table: "cdc_${source.table}",
            schemaEvolution: "none",
            tasksMax: 2,
            state: "paused",
            retryTimeout: "30s",
            config: { "batch.size": 1000 },
          }),
        ),
      ),
    );
    expect(sink.spec).toMatchObject({ tasksMax: 2, state: "paused" });
    expect(sink.spec.config).toMatchObject({ "connection.url": "jdbc:mysql://reporting.db.example.com:3307/reporting", "collection.name.format": "cdc_${source.table}", "schema.evolution": "none", "errors.retry.timeout": 30000, "batch.size": 1000 });
  });

  test("an append-only topic with an Avro value schema: insert mode, no key needed, Avro converters reading the registry as the Connect user", () => {
    const s = spec((x) => {
      x.regions[0].schemaRegistry = {};
      x.regions[0].connect.converters = ["avro"];
      x.tenants[0].topics.push({ name: "clicks", valueSchema: { type: "avro", definition: { type: "record", name: "E", fields: [{ name: "id", type: "long" }] } } });
      Object.assign(x.tenants[0].sinks[0], { topics: ["clicks"], table: "events" });
    });
    const sink = sinkOf(objectsOf(s));
    expect(sink.spec.config).toMatchObject({ "insert.mode": "insert", "primary.key.mode": "none", "delete.enabled": false, "value.converter": "io.confluent.connect.avro.AvroConverter", "value.converter.auto.register.schemas": "false" });
  });

  test("a changelog topic with a key schema and a table: upserted", () => {
    const sink = sinkOf(
      objectsOf(
        spec((x) => {
          x.regions[0].schemaRegistry = {};
          x.regions[0].connect.converters = ["avro"];
          const avro = { type: "avro", definition: { type: "record", name: "T", fields: [{ name: "id", type: "long" }] } };
          x.tenants[0].topics.push({ name: "totals", carries: "changelog", valueSchema: avro, keySchema: avro });
          Object.assign(x.tenants[0].sinks[0], { topics: ["totals"], table: "totals" });
        }),
      ),
    );
    expect(sink.spec.config).toMatchObject({ "insert.mode": "upsert", "primary.key.mode": "record_key", "delete.enabled": true, "collection.name.format": "totals" });
  });

  test("where the topic is a standby copy, the sink is stopped (the primary region's sink writes the database)", () => {
    const example = synthesize(parsePlatformSpec(exampleSpec())).files;
    const sinkIn = (region: string) => sinkOf(example.filter((f) => f.path.startsWith(`${region}/`)).flatMap((f) => f.objects) as Obj[]);
    expect(sinkIn("eu-west-1").spec.state).toBe("running");
    expect(sinkIn("us-east-1").spec.state).toBe("stopped");
  });
});

describe("JDBC sinks: validation", () => {
  test("credentials from a secret the tenant does not declare", () => {
    const e = catchValidation(() => parsePlatformSpec(spec((s) => (s.tenants[0].sinks[0].credentials.secret = "nope"))));
    expect(issuesWithCode(e, "UnknownSecret")[0]).toMatchObject({ scope: "tenants[0].sinks[0].credentials", field: "secret", value: "<redacted>" });
  });

  test("an unknown topic", () => {
    expect(codes(spec((s) => (s.tenants[0].sinks[0].topics = ["nope"])))).toContain("SinkUnknownTopic tenants[0].sinks[0].topics[0]");
  });

  test("a CDC topic without embedded schemas, and a JSON topic: the sink has no columns to map", () => {
    const e = catchValidation(() => synthesize(parsePlatformSpec(spec((s) => delete s.tenants[0].sources[0].embedSchemas))));
    expect(issuesWithCode(e, "SinkTopicWithoutSchema")[0]).toMatchObject({ scope: "tenants[0].sinks[0]", field: "topics[0]", value: "orders-db.public.orders", fix: expect.stringContaining("embedSchemas: true") });
    const json = spec((s) => {
      s.tenants[0].topics.push({ name: "clicks", valueSchema: { type: "json", definition: VALUE } });
      Object.assign(s.tenants[0].sinks[0], { topics: ["clicks"], table: "events" });
    });
    expect(codes(json)).toContain("SinkTopicWithoutSchema tenants[0].sinks[0].topics[0]");
  });

  test("upsert on an append-only topic without a key; insert on a CDC topic; deletes in insert mode; mixed kinds without a mode", () => {
    const withEvents = (edit: (s: any) => void) =>
      spec((s) => {
        s.regions[0].schemaRegistry = {};
        s.regions[0].connect.converters = ["avro"];
        s.tenants[0].topics.push({ name: "clicks", valueSchema: { type: "avro", definition: { type: "record", name: "E", fields: [{ name: "id", type: "long" }] } } });
        edit(s);
      });
    expect(codes(withEvents((s) => Object.assign(s.tenants[0].sinks[0], { topics: ["clicks"], table: "events", mode: "upsert" })))).toContain("SinkUpsertWithoutKey tenants[0].sinks[0].topics[0]");
    expect(codes(spec((s) => (s.tenants[0].sinks[0].mode = "insert")))).toContain("SinkInsertOnChangelog tenants[0].sinks[0].topics[0]");
    expect(codes(withEvents((s) => Object.assign(s.tenants[0].sinks[0], { topics: ["clicks"], table: "events", deletes: true })))).toContain("SinkDeletesNeedUpsert tenants[0].sinks[0].deletes");
    const mixed = codes(withEvents((s) => Object.assign(s.tenants[0].sinks[0], { topics: ["clicks", "orders-db.public.orders"], table: "t" })));
    expect(mixed).toContain("SinkMixedTopicKinds tenants[0].sinks[0].mode");
    expect(mixed).toContain("SinkMixedEncodings tenants[0].sinks[0].topics");
  });

  test("a non-CDC topic needs a table; a table format with other characters is refused", () => {
    const s = spec((x) => {
      x.regions[0].schemaRegistry = {};
      x.regions[0].connect.converters = ["avro"];
      x.tenants[0].topics.push({ name: "clicks", valueSchema: { type: "avro", definition: { type: "record", name: "E", fields: [{ name: "id", type: "long" }] } } });
      x.tenants[0].sinks[0].topics = ["events"];
    });
    expect(codes(s)).toContain("SinkTableRequired tenants[0].sinks[0].table");
    const e = catchValidation(() => synthesize(parsePlatformSpec(spec((x) => (x.tenants[0].sinks[0].table = "orders; DROP TABLE x")))));
    expect(issuesWithCode(e, "InvalidSinkTable")[0]).toMatchObject({ value: "orders; DROP TABLE x" });
  });

  test("the image must hold the JDBC sink plugin; a region without Connect; a managed key; an inline password; a duplicate sink; embedSchemas with Avro", () => {
    expect(issuesWithCode(catchValidation(() => synthesize(parsePlatformSpec(spec((s) => (s.regions[0].connect.connectors = ["postgres"]))))), "ConnectorPluginMissing")[0].message).toContain("no jdbc plugin");
    const noConnect = spec((s) => {
      delete s.regions[0].connect;
      s.tenants[0].sources = [];
    });
    expect(issuesWithCode(catchValidation(() => parsePlatformSpec(noConnect)), "ConnectNotConfigured")[0].message).toContain("sink connectors");
    const managed = catchValidation(() => synthesize(parsePlatformSpec(spec((s) => (s.tenants[0].sinks[0].config = { "insert.mode": "insert" })))));
    expect(issuesWithCode(managed, "ManagedConnectorConfig")[0]).toMatchObject({ field: "config.insert.mode" });
    const inline = catchValidation(() => synthesize(parsePlatformSpec(spec((s) => (s.tenants[0].sinks[0].config = { "connection.password.extra": "hunter2" })))));
    expect(issuesWithCode(inline, "InlineSecretValue")[0]).toMatchObject({ value: "<redacted>" });
    expect(JSON.stringify(inline.issues)).not.toContain("hunter2");
    expect(codes(spec((s) => s.tenants[0].sinks.push({ ...s.tenants[0].sinks[0] })))).toContain("DuplicateSink tenants[0].sinks[1].name");
    expect(codes(spec((s) => (s.tenants[0].sources[0].format = "avro")))).toContain("EmbedSchemasWithAvro tenants[0].sources[0].embedSchemas");
  });
});

describe("JDBC sinks in floe diff: their position is their group's offsets", () => {
  const rendered = sinkOf(objectsOf(spec())) as ConnectorManifest & Obj;
  const edit = (config: Record<string, unknown>): ConnectorManifest => ({ ...rendered, spec: { ...rendered.spec, config: { ...rendered.spec!.config, ...config } } });

  test("created: safe, from the earliest records; removed: disruptive in upsert mode, destructive in insert mode (duplicates)", () => {
    expect(classifyConnectorChange(undefined, rendered)).toEqual({ risk: "safe", reasons: [expect.stringContaining("connect-alpha.reporting starts at the topics' earliest retained records")] });
    expect(classifyConnectorChange(rendered, undefined).risk).toBe("disruptive");
    expect(classifyConnectorChange(edit({ "insert.mode": "insert" }), undefined)).toEqual({ risk: "destructive", reasons: [expect.stringContaining("inserting every record again as a new row")] });
  });

  test("another database or table format is destructive; topics, modes and state are disruptive; a cluster move is not destructive (the offsets live in Kafka)", () => {
    expect(classifyConnectorChange(rendered, edit({ "connection.url": "jdbc:postgresql://other:5432/reporting" }))).toEqual({ risk: "destructive", reasons: [expect.stringContaining("connection.url changed")] });
    expect(classifyConnectorChange(rendered, edit({ "collection.name.format": "x_${source.table}" })).risk).toBe("destructive");
    expect(classifyConnectorChange(rendered, edit({ topics: "alpha.a,alpha.b" })).risk).toBe("disruptive");
    expect(classifyConnectorChange(rendered, edit({ "delete.enabled": false })).reasons).toEqual([expect.stringContaining("delete.enabled changed")]);
    expect(classifyConnectorChange(rendered, { ...rendered, spec: { ...rendered.spec, state: "stopped" } }).risk).toBe("disruptive");
    expect(classifyConnectorChange(rendered, { ...rendered, metadata: { ...rendered.metadata, labels: { ...rendered.metadata.labels, "strimzi.io/cluster": "other" } } }).risk).toBe("safe");
  });
});

describe("JDBC sinks in the lineage", () => {
  test("topic -> sink -> the target table (the captured table's name), and its dead-letter topic", () => {
    const g = buildLineage(parsePlatformSpec(spec((s) => ((s.tenants[0].onMalformed = "dead-letter"), (s.tenants[0].sources[0].errorPolicy = "fail")))));
    const sink = g.nodes.find((n) => n.kind === "sink")!;
    expect(sink.name).toBe("alpha.reporting");
    const out = g.edges.filter((e) => e.from === sink.id).map((e) => g.nodes.find((n) => n.id === e.to)!);
    expect(out.filter((n) => !n.internal).map((n) => n.name).sort()).toEqual(["alpha.reporting.sink-dead-letter", "reporting.orders"]);
    // And the Connect cluster's own topics it keeps its configuration and status in.
    expect(out.filter((n) => n.internal).map((n) => n.name).sort()).toEqual(["alpha.alpha-connect-configs", "alpha.alpha-connect-status"]);
    expect(out.find((n) => n.kind === "table")!.namespace).toBe("postgres://reporting.db.example.com:5432");
    const into = g.edges.filter((e) => e.to === sink.id).map((e) => g.nodes.find((n) => n.id === e.from)!.name);
    expect(into).toEqual(["alpha.orders-db.public.orders"]);
  });
});

/** alpha appends its CDC topic's change history to an Iceberg table with a JDBC catalog. */
function icebergSpec(edit: (s: any) => void = () => undefined): any {
  return spec((s) => {
    s.regions[0].connect.connectors = ["postgres", "jdbc", "iceberg"];
    s.tenants[0].secrets.push({ name: "lake-catalog", remoteKey: "dev/alpha/lake-catalog" });
    s.tenants[0].sinks = [
      {
        name: "lake",
        type: "iceberg",
        topics: ["orders-db.public.orders"],
        table: "orders_history",
        mode: "history",
        catalog: { type: "jdbc", host: "lake.db.example.com", database: "lake", databaseCidr: "10.32.0.0/16", credentials: { secret: "lake-catalog" } },
      },
    ];
    edit(s);
  });
}
const icebergOf = (objects: Obj[]) => objects.find((o) => o.kind === "KafkaConnector" && o.spec.class === "org.apache.iceberg.connect.IcebergSinkConnector")!;

describe("Iceberg sinks", () => {
  test("the table in the tenant's namespace, the warehouse under the tenant's prefix of the region's bucket, its control topic, embedded-schema JSON", () => {
    const objects = objectsOf(icebergSpec());
    const c = icebergOf(objects);
    expect(c.metadata.name).toBe("alpha.lake");
    expect(c.spec.config).toMatchObject({
      "iceberg.tables": "alpha.orders_history",
      "iceberg.catalog.warehouse": expect.stringMatching(/^s3:\/\/floe-dev-[a-z0-9-]+\/tenants\/alpha\/lake$/),
      "iceberg.control.topic": "alpha.lake.iceberg-control",
      "iceberg.catalog.jdbc.user": "${secrets:alpha/lake-catalog:username}",
      "value.converter.schemas.enable": "true",
    });
    const control = objects.find((o) => o.kind === "KafkaTopic" && o.spec.topicName === "alpha.lake.iceberg-control")!;
    expect(control.spec).toMatchObject({ partitions: 1, config: { "retention.ms": 604800000 } });
    expectSchemaValid(objects.filter((x) => ["KafkaConnector", "KafkaTopic", "KafkaConnect", "KafkaUser", "NetworkPolicy"].includes(x.kind)));
  });

  test("schemaless JSON topics are read as they are (the sink infers the columns); an append-only topic needs no mode", () => {
    const objects = objectsOf(
      icebergSpec((s) => {
        s.tenants[0].topics = [...(s.tenants[0].topics ?? []), { name: "clicks", partitions: 3 }];
        s.tenants[0].sinks[0] = { ...s.tenants[0].sinks[0], topics: ["clicks"], mode: undefined };
      }),
    );
    const c = icebergOf(objects);
    expect(c.spec.config["value.converter"]).toBeUndefined();
    expect(c.spec.config.topics).toBe("alpha.clicks");
  });

  test("standby copies: stopped; the workers' role on their service account when the spec has an AWS account (IRSA)", () => {
    const s = icebergSpec((x) => (x.aws = { accountId: "123456789012" }));
    const objects = objectsOf(s);
    const connect = objects.find((o) => o.kind === "KafkaConnect")!;
    expect(connect.spec.template.serviceAccount.metadata.annotations["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::123456789012:role\/floe-dev-.+-alpha$/);
    expect(icebergOf(objects).spec.config["iceberg.catalog.client.region"]).toBe(s.regions[0].name);
  });

  test("validation: a CDC topic in append mode, mixed encodings, an undeclared catalog secret, the plugin's pins, the image without the plugin", () => {
    expect(codes(icebergSpec((s) => (s.tenants[0].sinks[0].mode = "append")))).toContain("SinkAppendOnChangelog tenants[0].sinks[0].topics[0]");
    expect(
      codes(
        icebergSpec((s) => {
          s.tenants[0].topics = [...(s.tenants[0].topics ?? []), { name: "clicks", partitions: 3 }];
          s.tenants[0].sinks[0].topics.push("clicks");
        }),
      ),
    ).toContain("SinkMixedEncodings tenants[0].sinks[0].topics");
    expect(codes(icebergSpec((s) => (s.tenants[0].sinks[0].catalog.credentials.secret = "nope")))).toContain("UnknownSecret tenants[0].sinks[0].catalog.credentials.secret");
    expect(codes(icebergSpec((s) => (s.tenants[0].topics = [...(s.tenants[0].topics ?? []), { name: "lake.iceberg-control" }])))).toContain("SinkControlTopicTaken tenants[0].sinks[0].name");
    // The construct's findings name the spec's fields.
    expect(codes(icebergSpec((s) => (s.tenants[0].sinks[0].table = "Orders")))).toContain("InvalidIcebergIdentifier tenants[0].sinks[0].table");
    expect(codes(icebergSpec((s) => (s.tenants[0].sinks[0].catalog.host = "db/x")))).toContain("InvalidHostname tenants[0].sinks[0].catalog.host");
    expect(codes(icebergSpec((s) => (s.tenants[0].sinks[0].commitInterval = "10ms")))).toContain("InvalidCommitInterval tenants[0].sinks[0].commitInterval");
    expect(codes(icebergSpec((s) => (s.regions[0].connect.connectors = ["postgres", "jdbc"])))).toEqual([expect.stringMatching(/^ConnectorPluginMissing /)]);
    const pinned = catchValidation(() =>
      parsePlatformSpec(
        icebergSpec((s) => {
          s.regions[0].connect = { build: { outputRepository: "r.example.com/c", plugins: [{ connector: "postgres" }, { connector: "iceberg", sha512: "a".repeat(128) }] } };
        }),
      ),
    );
    expect(pinned.message).toContain("pinned by Floe's lock");
    expect(pinned.message).toContain("a Debezium plugin archive needs its SHA-512");
  });

  test("Glue catalog: the namespace is the Glue database <environment>__<tenant>; it needs the AWS account; names with '--' are refused", () => {
    const glue = (edit: (s: any) => void = () => undefined) =>
      icebergSpec((s) => {
        s.aws = { accountId: "123456789012" };
        s.tenants[0].sinks[0].catalog = { type: "glue" };
        edit(s);
      });
    const c = icebergOf(objectsOf(glue()));
    expect(c.spec.config).toMatchObject({ "iceberg.catalog.catalog-impl": "org.apache.iceberg.aws.glue.GlueCatalog", "iceberg.tables": "dev__alpha.orders_history" });
    expect(codes(glue((s) => delete s.aws))).toContain("IcebergGlueWithoutAccount tenants[0].sinks[0].catalog.type");
    expect(codes(glue((s) => (s.environment = "dev--a")))).toContain("IcebergGlueNameAmbiguous tenants[0].sinks[0].catalog.type");
    const g = buildLineage(parsePlatformSpec(glue()));
    const sink = g.nodes.find((n) => n.kind === "sink" && n.name === "alpha.lake")!;
    const table = g.edges.filter((e) => e.from === sink.id).map((e) => g.nodes.find((n) => n.id === e.to)!).find((n) => n.kind === "table")!;
    expect(table.name).toBe("tenants/alpha/lake/dev__alpha.db/orders_history"); // GlueCatalog's <warehouse>/<db>.db/<table>
  });

  test("floe diff: created safe; removed destructive (a new group appends everything again); another table or catalog destructive; warehouse and control topic disruptive", () => {
    const rendered = icebergOf(objectsOf(icebergSpec())) as ConnectorManifest & Obj;
    const edit = (config: Record<string, unknown>): ConnectorManifest => ({ ...rendered, spec: { ...rendered.spec, config: { ...rendered.spec!.config, ...config } } });
    expect(classifyConnectorChange(undefined, rendered).risk).toBe("safe");
    expect(classifyConnectorChange(rendered, undefined)).toEqual({ risk: "destructive", reasons: [expect.stringContaining("inserting every record again as a new row")] });
    expect(classifyConnectorChange(rendered, edit({ "iceberg.tables": "alpha.other" })).risk).toBe("destructive");
    expect(classifyConnectorChange(rendered, edit({ "iceberg.catalog.uri": "jdbc:postgresql://x:5432/y" })).risk).toBe("destructive");
    expect(classifyConnectorChange(rendered, edit({ "iceberg.catalog.warehouse": "s3://other-bucket/x" })).risk).toBe("disruptive");
    expect(classifyConnectorChange(rendered, edit({ "iceberg.control.topic": "alpha.other" })).reasons).toEqual([expect.stringContaining("iceberg.control.topic changed")]);
  });

  test("lineage: topic -> sink -> the Iceberg table at its location in the region's bucket, and the sink's control topic", () => {
    const g = buildLineage(parsePlatformSpec(icebergSpec()));
    const sink = g.nodes.find((n) => n.kind === "sink" && n.name === "alpha.lake")!;
    const out = g.edges.filter((e) => e.from === sink.id).map((e) => g.nodes.find((n) => n.id === e.to)!);
    const table = out.find((n) => n.kind === "table")!;
    expect(table.namespace).toMatch(/^s3:\/\/floe-dev-/);
    expect(table.name).toBe("tenants/alpha/lake/alpha/orders_history");
    expect(out.map((n) => n.name)).toContain("alpha.lake.iceberg-control");
  });
});

describe("a tenant with sinks and no sources runs a Connect cluster like one with sources", () => {
  // beta sinks its own Avro topic; it has no CDC source.
  const s = spec((x) => {
    x.regions[0].schemaRegistry = {};
    x.regions[0].connect.converters = ["avro"];
    x.regions[0].connect.build = { outputRepository: "registry.example.com/platform/connect", plugins: [{ connector: "jdbc", sha512: "d".repeat(128) }] };
    delete x.regions[0].connect.image;
    x.tenants[0].sources = [];
    x.tenants[0].sinks = [];
    x.tenants[1].secrets = [{ name: "reporting-db", remoteKey: "dev/beta/reporting-db" }];
    x.tenants[1].kafkaQuota = { producerByteRate: 1_000_000, consumerByteRate: 2_000_000 };
    x.tenants[1].topics.push({ name: "clicks", valueSchema: { type: "avro", definition: { type: "record", name: "E", fields: [{ name: "id", type: "long" }] } } });
    x.tenants[1].sinks = [{ name: "reporting", type: "jdbc", topics: ["clicks"], table: "clicks", dialect: "postgresql", host: "r.example.com", database: "r", databaseCidr: "10.31.0.0/16", credentials: { secret: "reporting-db" } }];
  });
  const objects = objectsOf(s);

  test("its Connect user gets a share of the tenant's Kafka quota (it was unthrottled)", () => {
    const user = objects.find((o) => o.kind === "KafkaUser" && o.metadata.name === "beta-connect")!;
    expect(user.spec.quotas).toBeDefined();
    expect(user.spec.quotas.producerByteRate).toBeGreaterThan(0);
    expect(user.spec.quotas.producerByteRate).toBeLessThanOrEqual(1_000_000);
  });

  test("its Connect cluster is alerted on (failed tasks, absent metrics) and on its dashboard", () => {
    const rule = objects.find((o) => o.kind === "PrometheusRule" && o.metadata.name === "beta-kafka-alerts")!;
    expect(rule.spec.groups[0].rules.map((r: Obj) => r.alert)).toEqual(expect.arrayContaining(["KafkaConnectorTasksFailed", "KafkaConnectMetricsAbsent"]));
    const dashboard = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "floe-dev-local-beta")!;
    expect(Object.values(dashboard.data as Record<string, string>)[0]).toContain('strimzi_io_cluster=\\"beta-connect\\"');
  });

  test("the Kafka namespace admits the Connect image build (baseline) as it does for sources", () => {
    const ns = objects.find((o) => o.kind === "Namespace" && o.metadata.name === "kafka")!;
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
  });
});
