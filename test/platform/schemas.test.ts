import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { stringify } from "yaml";
import { diffTrees, parsePlatformSpec, synthesize, treeObjects } from "../../lib/internal";
import { run } from "../../lib/cli";
import { catchValidation, issuesWithCode } from "../helpers";
import { devSpec, devSpecWithJob, devSpecWithSource, exampleSpec } from "../helpers/specs";

type Obj = any;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const order = { type: "record", name: "Order", fields: [{ name: "id", type: "string" }] };

describe("schemas in the example", () => {
  const tree = synthesize(parsePlatformSpec(exampleSpec()));
  const objects = (region: string): Obj[] => tree.files.filter((f) => f.path.startsWith(`${region}/`)).flatMap((f) => f.objects);

  test("a Schema Registry per region, and each tenant's schemas registered by a Job", () => {
    for (const region of ["eu-west-1", "us-east-1"]) {
      const platform = tree.files.find((f) => f.path === `${region}/platform.yaml`)!.objects as Obj[];
      expect(platform.filter((o) => o.kind === "Deployment").map((o) => o.metadata.name)).toEqual(["schema-registry"]);
    }
    const cm = objects("eu-west-1").find((o) => o.kind === "ConfigMap" && o.metadata.name === "payments-schemas");
    // The declared schemas of payments.orders, and those derived from the captured tables' columns.
    expect(cm.data["subjects.txt"]).toBe(
      [
        "payments.order-totals-key BACKWARD",
        "payments.order-totals-value BACKWARD",
        "payments.orders-db.public.order_lines-key BACKWARD",
        "payments.orders-db.public.order_lines-value BACKWARD",
        "payments.orders-db.public.orders-key BACKWARD",
        "payments.orders-db.public.orders-value BACKWARD",
        "payments.orders-key BACKWARD",
        "payments.orders-value BACKWARD",
        "",
      ].join("\n"),
    );
    expect(JSON.parse(JSON.parse(cm.data["payments.orders-value.json"]).schema).name).toBe("Order");
    const analytics = objects("eu-west-1").find((o) => o.kind === "ConfigMap" && o.metadata.name === "analytics-schemas");
    expect(JSON.parse(analytics.data["analytics.clickstream-value.json"]).schemaType).toBe("JSON");
    expect(objects("eu-west-1").filter((o) => o.kind === "Job").map((o) => o.metadata.name.replace(/-[0-9a-f]{10}$/, "")).sort()).toEqual(["analytics-schemas", "payments-schemas"]);
  });

  test("one registry assigns the ids: us-east-1's follows eu-west-1's (not leader-eligible, registered nowhere else, its schemas topic mirrored)", () => {
    const registryEnv = (region: string) =>
      Object.fromEntries(
        (objects(region).find((o) => o.kind === "Deployment" && o.metadata.name === "schema-registry").spec.template.spec.containers[0].env as Obj[]).map((e) => [e.name, e.value]),
      );
    expect(registryEnv("eu-west-1").SCHEMA_REGISTRY_LEADER_ELIGIBILITY).toBeUndefined();
    expect(registryEnv("us-east-1").SCHEMA_REGISTRY_LEADER_ELIGIBILITY).toBe("false");
    // Same storage topic name in both regions: the follower reads the leader's records, ids and all.
    expect(registryEnv("us-east-1").SCHEMA_REGISTRY_KAFKASTORE_TOPIC).toBe(registryEnv("eu-west-1").SCHEMA_REGISTRY_KAFKASTORE_TOPIC);
    // A follower cannot register (it has no leader): no registration Jobs or ConfigMaps there.
    expect(objects("us-east-1").filter((o) => o.kind === "Job" || (o.kind === "ConfigMap" && /-schemas$/.test(o.metadata.name)))).toEqual([]);
    // And its proxy is read-only: no registration rule at all, so nobody (not even a registrar) writes there.
    const proxy = (region: string) => objects(region).find((o) => o.kind === "ConfigMap" && o.metadata.name === "schema-registry-proxy").data["nginx.conf"] as string;
    expect(proxy("us-east-1")).toContain("# A follower: read-only");
    expect(proxy("us-east-1")).not.toMatch(/"~\^registrar/);
    expect(proxy("eu-west-1").match(/"~\^registrar/g)).toHaveLength(3);
    expect(proxy("us-east-1")).toContain("/schemas/(types|ids/");
    const mirror = objects("us-east-1").find((o) => o.kind === "KafkaMirrorMaker2" && o.metadata.name === "schema-registry-mirror-eu-west-1");
    expect(mirror.metadata.namespace).toBe("kafka");
    expect(mirror.spec.mirrors[0].topicsPattern).toBe("schema-registry\\.schemas");
    expect(mirror.spec.mirrors[0].source ?? mirror.spec.clusters.find((c: Obj) => c.alias === "eu-west-1")).toMatchObject({ bootstrapServers: "kafka-replication.eu-west-1.prod.example.com:9095" });
    // The leader side: a read-only user on its schemas topic, its password pushed to the follower's Secrets Manager.
    const source = objects("eu-west-1").find((o) => o.kind === "KafkaUser" && o.metadata.name === "schema-registry-mirror-to-us-east-1");
    const onTopic = source.spec.authorization.acls.filter((a: Obj) => a.resource.type === "topic" && a.resource.name === "schema-registry.schemas");
    expect(onTopic).toHaveLength(1);
    expect(onTopic[0].operations).not.toContain("Write");
    expect(objects("eu-west-1").some((o) => o.kind === "PushSecret" && o.metadata.name === "schema-registry-mirror-to-us-east-1-push")).toBe(true);
  });

  test("moving the leader (a failover of the registry) is a reviewed spec edit: the diff shows the eligibility and the mirror moving", () => {
    const moved: Obj = clone(exampleSpec());
    delete moved.regions[0].schemaRegistry.leader;
    moved.regions[1].schemaRegistry = { leader: true };
    const result = diffTrees(treeObjects(tree.files), treeObjects(synthesize(parsePlatformSpec(moved)).files));
    const at = (kind: string, name: string, region: string) => result.changes.find((c) => c.kind === kind && c.name === name && c.file.startsWith(`${region}/`));
    expect(at("KafkaMirrorMaker2", "schema-registry-mirror-eu-west-1", "us-east-1")).toMatchObject({ action: "delete", risk: "destructive" });
    expect(at("KafkaMirrorMaker2", "schema-registry-mirror-us-east-1", "eu-west-1")).toMatchObject({ action: "create" });
    expect(JSON.stringify(at("Deployment", "schema-registry", "us-east-1")!.fields)).toContain("SCHEMA_REGISTRY_LEADER_ELIGIBILITY");
    expect(JSON.stringify(at("Deployment", "schema-registry", "eu-west-1")!.fields)).toContain("SCHEMA_REGISTRY_LEADER_ELIGIBILITY");
  });

  test("errors: no leader among several registries, two leaders, schemas or an Avro source outside the leader, a leader without a replication listener", () => {
    const withSpec = (mutate: (s: Obj) => void) => {
      const spec: Obj = clone(exampleSpec());
      mutate(spec);
      return catchValidation(() => parsePlatformSpec(spec));
    };
    const none = withSpec((s) => delete s.regions[0].schemaRegistry.leader);
    expect(issuesWithCode(none, "RegistryLeaderMissing")[0]).toMatchObject({ scope: "regions", field: "schemaRegistry.leader", value: ["eu-west-1", "us-east-1"], fix: "set schemaRegistry.leader: true on one of eu-west-1, us-east-1" });
    const two = withSpec((s) => (s.regions[1].schemaRegistry = { leader: true }));
    expect(issuesWithCode(two, "RegistryLeaderTwice")[0]).toMatchObject({ scope: "regions[1]", field: "schemaRegistry.leader" });
    const outside = withSpec((s) => (s.tenants.find((t: Obj) => t.name === "payments").regions = ["us-east-1"]));
    expect(issuesWithCode(outside, "SchemasOutsideRegistryLeader")[0]).toMatchObject({ field: "regions", fix: "add eu-west-1 to the tenant's regions" });
    const avro = withSpec((s) => (s.tenants.find((t: Obj) => t.name === "payments").sources[0].format = "avro"));
    expect(issuesWithCode(avro, "AvroSourceOutsideRegistryLeader")[0]).toMatchObject({ field: "format", value: "avro" });
    expect(issuesWithCode(avro, "AvroSourceOutsideRegistryLeader")[0].message).toMatch(/in us-east-1 the registry is a read-only follower of eu-west-1's/);
    const unreachable = withSpec((s) => {
      s.regions[0].kafka.listeners = s.regions[0].kafka.listeners.filter((l: Obj) => l.name !== "replication");
      s.replication = [];
    });
    expect(issuesWithCode(unreachable, "RegistryLeaderUnreachable")[0]).toMatchObject({ scope: "regions[0]", field: "kafka.listeners" });
  });

  test("tenants may reach the registry; Flink jobs get its URL", () => {
    for (const tenant of ["payments", "analytics", "logistics"]) {
      const policy = objects("eu-west-1").find((o) => o.kind === "NetworkPolicy" && o.metadata.namespace === tenant && o.metadata.name === "allow-schema-registry");
      expect(policy.spec.egress).toEqual([
        { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kafka" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "schema-registry", "app.kubernetes.io/instance": "schema-registry" } } }], ports: [{ protocol: "TCP", port: 8081 }] },
      ]);
    }
    for (const fd of objects("eu-west-1").filter((o) => o.kind === "FlinkDeployment")) {
      const env = fd.spec.podTemplate.spec.containers[0].env;
      expect(env).toContainEqual({ name: "FLOE_SCHEMA_REGISTRY_URL", value: "http://schema-registry.kafka.svc:8081" });
    }
  });
});

describe("schemas in the spec: files, inline definitions, errors", () => {
  const withSchema = (ref: Obj, mutate: (spec: Obj) => void = () => undefined) => {
    const spec = devSpecWithJob();
    spec.tenants[0].topics[0].valueSchema = ref;
    mutate(spec);
    return spec;
  };

  test("files are read relative to baseDir (the spec's directory)", () => {
    const dir = mkdtempSync(join(tmpdir(), "floe-spec-"));
    mkdirSync(join(dir, "schemas"));
    writeFileSync(join(dir, "schemas", "events.avsc"), JSON.stringify(order));
    const spec = parsePlatformSpec(withSchema({ file: "schemas/events.avsc" }), { baseDir: dir });
    expect(spec.tenants![0].topics![0].valueSchema).toEqual({ file: "schemas/events.avsc", type: "avro", definition: order });
  });

  test("a bad schema is a clear error naming the topic and the field, and synth writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "floe-spec-"));
    writeFileSync(join(dir, "events.avsc"), JSON.stringify({ type: "record", name: "E", fields: [{ name: "n", type: "integer" }] }));
    const e = catchValidation(() => parsePlatformSpec(withSchema({ file: "events.avsc" }), { baseDir: dir }));
    expect(e.issues[0]).toMatchObject({ code: "InvalidAvroSchema", scope: "tenants[0].topics[0]", field: "valueSchema.file" });
    expect(e.issues[0].message).toMatch(/undefined type name: integer/);
    const json = catchValidation(() => parsePlatformSpec(withSchema({ type: "json", definition: { type: "object", requried: ["a"] } })));
    expect(json.issues[0]).toMatchObject({ code: "InvalidJsonSchema", scope: "tenants[0].topics[0]", field: "valueSchema.definition" });
    writeFileSync(join(dir, "platform.yaml"), stringify(withSchema({ file: "events.avsc" })));
    let err = "";
    const out = join(dir, "out");
    const code = await run(["synth", join(dir, "platform.yaml"), "--out", out], { out: () => undefined, err: (t) => (err += t), errIsTTY: false });
    expect(code).toBe(1);
    expect(err).toMatch(/\[InvalidAvroSchema\] tenants\[0\]\.topics\[0\]\.valueSchema\.file: is not a valid Avro schema/);
    expect(existsSync(out)).toBe(false);
  });

  test("fails SchemaSourceAmbiguous, SchemaTypeUnknown, SchemaFileNotReadable", () => {
    expect(catchValidation(() => parsePlatformSpec(withSchema({ type: "avro" }))).code).toBe("SchemaSourceAmbiguous");
    expect(catchValidation(() => parsePlatformSpec(withSchema({ file: "a.avsc", type: "avro", definition: order }))).issues[0].message).toBe("has both a file and an inline definition");
    expect(catchValidation(() => parsePlatformSpec(withSchema({ definition: order }))).issues[0]).toMatchObject({ code: "SchemaTypeUnknown", field: "valueSchema.type" });
    expect(catchValidation(() => parsePlatformSpec(withSchema({ file: "/nonexistent/x.avsc" }))).issues[0]).toMatchObject({ code: "SchemaFileNotReadable", field: "valueSchema.file" });
  });

  test("{{schemaRegistryUrl}} in SQL is refused: Flink's avro-confluent client cannot authenticate without the password in the statement; without a registry it is an error too", () => {
    const sqlJob = (spec: Obj) => {
      spec.tenants[0].jobs[0] = {
        name: "enricher",
        image: "registry.example.com/alpha/sql:1.0.0",
        sql: { statements: ["CREATE TABLE t (id STRING) WITH ('connector' = 'kafka', 'topic' = 'alpha.events', 'format' = 'avro-confluent', 'avro-confluent.url' = '{{schemaRegistryUrl}}')"] },
        reads: ["events"],
      };
    };
    const refused = catchValidation(() => parsePlatformSpec(withSchema({ type: "avro", definition: order }, sqlJob)));
    expect(refused.issues[0]).toMatchObject({ code: "RegistryCredentialsUnavailable", scope: "tenants[0].jobs[0].sql", field: "statements[0]" });
    expect(refused.issues[0].fix).toMatch(/SASL_INHERIT/);
    const none = devSpecWithJob();
    sqlJob(none);
    const e = catchValidation(() => parsePlatformSpec(none));
    expect(e.issues[0]).toMatchObject({ code: "SchemaRegistryMissing", scope: "tenants[0].jobs[0].sql", field: "statements[0]" });
    expect(e.issues[0].fix).toBe("declare regions[0].schemaRegistry (or a topic schema in the region)");
    const declared = clone(none);
    declared.regions[0].schemaRegistry = { replicas: 1 };
    expect(catchValidation(() => parsePlatformSpec(declared)).issues[0].code).toBe("RegistryCredentialsUnavailable");
  });

  test("Avro CDC: converters that use the registry, egress to it; refused when the image has no Avro converter or a table has no columns", () => {
    const spec = devSpecWithSource();
    spec.tenants[0].sources[0].format = "avro";
    const e = catchValidation(() => parsePlatformSpec(spec));
    expect(issuesWithCode(e, "ConverterMissing")[0]).toMatchObject({ scope: "regions[0].connect", field: "converters" });
    // Clients do not register: each captured table's schema is derived from its columns and registered by Floe.
    expect(issuesWithCode(e, "TableSchemaMissing")[0]).toMatchObject({ scope: "tenants[0].sources[0]", field: "tables[0]", value: "public.orders" });
    spec.regions[0].connect.converters = ["avro"];
    spec.tenants[0].sources[0].columns = { "public.orders": [{ name: "id", type: "int", primaryKey: true }, { name: "amount", type: "numeric(10,2)", nullable: false }] };
    const all = synthesize(parsePlatformSpec(spec)).files.flatMap((f) => f.objects) as Obj[];
    const connector = all.find((o) => o.kind === "KafkaConnector");
    expect(connector.spec.config).toMatchObject({
      "value.converter": "io.confluent.connect.avro.AvroConverter",
      "value.converter.schema.registry.url": "http://schema-registry.kafka.svc:8081",
      "key.converter": "io.confluent.connect.avro.AvroConverter",
      "schema.name.adjustment.mode": "avro",
    });
    // The converters authenticate at the registry's proxy as the Connect user, the password by reference; they
    // never register (the serializer writes with the subject's latest schema), so that user is only a client.
    for (const side of ["key", "value"]) {
      expect(connector.spec.config[`${side}.converter.basic.auth.credentials.source`]).toBe("USER_INFO");
      expect(connector.spec.config[`${side}.converter.basic.auth.user.info`]).toBe("alpha-connect:${secrets:kafka/alpha-connect:password}");
      expect(connector.spec.config[`${side}.converter.auto.register.schemas`]).toBe("false");
      expect(connector.spec.config[`${side}.converter.use.latest.version`]).toBe("true");
    }
    const proxy = all.find((o) => o.kind === "ConfigMap" && o.metadata.name === "schema-registry-proxy").data["nginx.conf"];
    expect(proxy).toContain('"alpha-connect" "client|alpha";');
    expect(proxy).toContain('"alpha-schema-registrar" "registrar|alpha";');
    // Floe's registration Job registers the table's key and value schemas (Avro, Debezium's names made Avro names).
    const registration = all.find((o) => o.kind === "ConfigMap" && o.metadata.name === "alpha-schemas").data;
    const value = JSON.parse(JSON.parse(registration["alpha.orders-db.public.orders-value.json"]).schema);
    expect(value).toMatchObject({ type: "record", name: "Envelope", namespace: "alpha.orders_db.public.orders" });
    const key = JSON.parse(JSON.parse(registration["alpha.orders-db.public.orders-key.json"]).schema);
    expect(key).toEqual({ type: "record", name: "Key", namespace: "alpha.orders_db.public.orders", fields: [{ name: "id", type: "int" }], "connect.name": "alpha.orders_db.public.orders.Key" });
    const role = all.find((o) => o.kind === "Role" && o.metadata.namespace === "kafka" && JSON.stringify(o.rules).includes('"alpha-connect"'));
    expect(role).toBeDefined();
    const egress = all.find((o) => o.kind === "NetworkPolicy" && o.metadata.name.endsWith("-connect-egress"));
    expect(egress.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "schema-registry", "app.kubernetes.io/instance": "schema-registry" } } }], ports: [{ protocol: "TCP", port: 8081 }] });
  });

  test("no schemas, no registry: nothing rendered for it", () => {
    const all = synthesize(parsePlatformSpec(devSpec())).files.flatMap((f) => f.objects) as Obj[];
    expect(all.some((o) => o.kind === "Deployment" || (o.kind === "NetworkPolicy" && o.metadata.name === "allow-schema-registry"))).toBe(false);
  });
});

describe("floe diff checks schema compatibility against the base tree", () => {
  const spec = (value: unknown, compatibility?: string) => {
    const s = devSpec();
    s.tenants[0].topics[0].valueSchema = { type: "avro", definition: value };
    if (compatibility) s.tenants[0].topics[0].compatibility = compatibility;
    return s;
  };
  const diff = (a: unknown, b: unknown) => diffTrees(treeObjects(synthesize(parsePlatformSpec(a)).files), treeObjects(synthesize(parsePlatformSpec(b)).files));
  const schemaChange = (r: ReturnType<typeof diff>) => r.changes.find((c) => c.kind === "ConfigMap" && c.name === "alpha-schemas")!;
  const added = (field: Obj) => ({ ...order, fields: [...order.fields, field] });

  test("an incompatible change is destructive, with the reason", () => {
    const r = diff(spec(order), spec(added({ name: "amount", type: "long" })));
    const c = schemaChange(r);
    expect(c.risk).toBe("destructive");
    expect(c.reasons[0]).toMatch(/^schema subject alpha\.events-value is not BACKWARD compatible: new consumers cannot read old data: .*amount/);
    expect(r.summary.destructive).toBe(1);
    // The registration Job is replaced (named after the content): that part is safe.
    expect(r.changes.filter((c2) => c2.kind === "Job").map((c2) => [c2.action, c2.risk]).sort()).toEqual([["create", "safe"], ["delete", "safe"]].sort());
  });

  test("a compatible change is safe; under FORWARD the same change is not; NONE is disruptive; a type change is destructive", () => {
    const withDefault = added({ name: "amount", type: "long", default: 0 });
    expect(schemaChange(diff(spec(order), spec(withDefault))).risk).toBe("safe");
    const removed = { ...order, fields: [] };
    expect(schemaChange(diff(spec(order), spec(removed))).risk).toBe("safe");
    expect(schemaChange(diff(spec(order, "FORWARD"), spec(removed, "FORWARD"))).risk).toBe("destructive");
    expect(schemaChange(diff(spec(order, "NONE"), spec({ type: "string" }, "NONE"))).risk).toBe("disruptive");
    const json = devSpec();
    json.tenants[0].topics[0].valueSchema = { type: "json", definition: { type: "object" } };
    const c = schemaChange(diff(spec(order), json));
    expect(c).toMatchObject({ risk: "destructive" });
    expect(c.reasons[0]).toMatch(/type changed AVRO -> JSON/);
  });
});
