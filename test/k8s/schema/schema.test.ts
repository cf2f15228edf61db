import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import {
  checkCompatibility,
  ConfluentSchemaRegistry,
  KafkaAuthentication,
  KafkaAuthenticationType,
  KafkaCluster,
  KafkaListener,
  KafkaUser,
  REGISTER_SCRIPT,
  registryProxyConfig,
  SchemaRegistration,
  TopicSchema,
} from "../../../lib/internal";
import { catchValidation, expectRestrictedPod, expectSchemaValid, newChart, ofKind, synth } from "../../helpers";

const order = {
  type: "record",
  name: "Order",
  fields: [
    { name: "id", type: "string" },
    { name: "amount", type: "int" },
  ],
};
const withField = (field: Record<string, unknown>) => ({ ...order, fields: [...order.fields, field] });
const ctx = { scope: "tenants[0].topics[0]", field: "valueSchema" };

describe("TopicSchema: parsed with avsc (Avro) and ajv (JSON Schema)", () => {
  test("valid schemas parse; text is compact JSON; registry types", () => {
    const avro = TopicSchema.avro(order);
    expect([avro.type, avro.registryType, avro.text]).toEqual(["avro", "AVRO", JSON.stringify(order)]);
    const json = TopicSchema.jsonSchema({ type: "object", properties: { id: { type: "string" } }, required: ["id"] });
    expect(json.registryType).toBe("JSON");
    expect(TopicSchema.jsonSchema({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "array", prefixItems: [{ type: "string" }] }).type).toBe("json");
  });

  test("fails InvalidAvroSchema with avsc's reason", () => {
    const e = catchValidation(() => TopicSchema.avro({ type: "record", name: "Order", fields: [{ name: "id", type: "strng" }] }, ctx));
    expect(e.issues[0]).toMatchObject({ code: "InvalidAvroSchema", scope: "tenants[0].topics[0]", field: "valueSchema" });
    expect(e.issues[0].message).toMatch(/^is not a valid Avro schema: .*strng/);
    const badDefault = { type: "record", name: "R", fields: [{ name: "n", type: "int", default: "x" }] };
    expect(catchValidation(() => TopicSchema.avro(badDefault, ctx)).code).toBe("InvalidAvroSchema");
  });

  test("fails InvalidJsonSchema: wrong keyword types, unknown keywords (strict), non-objects", () => {
    expect(catchValidation(() => TopicSchema.jsonSchema({ type: "objekt" }, ctx)).issues[0].message).toMatch(/^is not a valid JSON Schema: \/type/);
    expect(catchValidation(() => TopicSchema.jsonSchema({ type: "object", propertys: {} }, ctx)).issues[0].message).toMatch(/unknown keyword: "propertys"/);
    expect(catchValidation(() => TopicSchema.jsonSchema("string", ctx)).issues[0].message).toBe("a JSON Schema must be an object");
  });

  test("fromFile: language from the extension, and clear errors for unreadable, non-JSON and unknown files", () => {
    const dir = mkdtempSync(join(tmpdir(), "floe-schema-"));
    writeFileSync(join(dir, "order.avsc"), JSON.stringify(order));
    writeFileSync(join(dir, "broken.avsc"), "{ \"type\": ");
    writeFileSync(join(dir, "order.txt"), JSON.stringify(order));
    expect(TopicSchema.fromFile(join(dir, "order.avsc"), ctx).type).toBe("avro");
    expect(TopicSchema.fromFile(join(dir, "order.txt"), ctx, "avro").type).toBe("avro");
    expect(catchValidation(() => TopicSchema.fromFile(join(dir, "order.txt"), ctx))).toMatchObject({ code: "SchemaTypeUnknown" });
    expect(catchValidation(() => TopicSchema.fromFile(join(dir, "missing.avsc"), ctx)).issues[0]).toMatchObject({ code: "SchemaFileNotReadable", message: "cannot read the schema file (ENOENT)" });
    expect(catchValidation(() => TopicSchema.fromFile(join(dir, "broken.avsc"), ctx)).issues[0]).toMatchObject({ code: "SchemaNotJson", fix: "fix the JSON syntax of the schema file" });
  });
});

describe("checkCompatibility", () => {
  test("Avro BACKWARD: a field added with a default is fine, without one it is not", () => {
    expect(checkCompatibility("avro", "BACKWARD", order, withField({ name: "currency", type: "string", default: "EUR" }))).toEqual({ compatible: true, reasons: [] });
    const r = checkCompatibility("avro", "BACKWARD", order, withField({ name: "currency", type: "string" }));
    expect(r.compatible).toBe(false);
    expect(r.reasons[0]).toMatch(/^new consumers cannot read old data: .*currency/);
  });

  test("Avro FORWARD and FULL: removing a field without a default breaks old readers; promotions are one-way", () => {
    const removed = { ...order, fields: [order.fields[0]] };
    expect(checkCompatibility("avro", "BACKWARD", order, removed).compatible).toBe(true);
    expect(checkCompatibility("avro", "FORWARD", order, removed).reasons[0]).toMatch(/^old consumers cannot read new data/);
    expect(checkCompatibility("avro", "FULL_TRANSITIVE", order, removed).compatible).toBe(false);
    const promoted = { ...order, fields: [order.fields[0], { name: "amount", type: "long" }] };
    expect(checkCompatibility("avro", "BACKWARD", order, promoted).compatible).toBe(true);
    expect(checkCompatibility("avro", "FORWARD", order, promoted).compatible).toBe(false);
    expect(checkCompatibility("avro", "NONE", order, { type: "string" }).compatible).toBe(true);
  });

  test("JSON Schema: required added, type narrowed, enum shrunk, bound tightened, model closed, property dropped from a closed model", () => {
    const base = { type: "object", properties: { id: { type: "string" }, n: { type: "number" }, kind: { enum: ["a", "b"] }, s: { type: "string", maxLength: 10 } }, required: ["id"] };
    const bc = (next: unknown) => checkCompatibility("json", "BACKWARD", base, next);
    expect(bc({ ...base, properties: { ...base.properties, extra: { type: "string" } } })).toEqual({ compatible: true, reasons: [] });
    expect(bc({ ...base, required: ["id", "n"] }).reasons).toEqual(["new consumers cannot read old data: $.n: became required"]);
    expect(bc({ ...base, properties: { ...base.properties, n: { type: "integer" } } }).reasons[0]).toMatch(/\$\.n: type number narrowed to integer/);
    expect(bc({ ...base, properties: { ...base.properties, kind: { enum: ["a"] } } }).reasons[0]).toMatch(/\$\.kind: enum no longer allows "b"/);
    expect(bc({ ...base, properties: { ...base.properties, s: { type: "string", maxLength: 5 } } }).reasons[0]).toMatch(/\$\.s: maxLength tightened to 5 \(was 10\)/);
    expect(bc({ ...base, additionalProperties: false }).reasons[0]).toMatch(/additionalProperties closed/);
    const closed = { ...base, additionalProperties: false };
    const dropped = { ...closed, properties: { id: { type: "string" }, n: { type: "number" }, kind: { enum: ["a", "b"] } } };
    expect(checkCompatibility("json", "BACKWARD", closed, dropped).reasons).toEqual(["new consumers cannot read old data: $.s: removed while additionalProperties is false"]);
    // Widening is backward compatible and forward incompatible.
    const widened = { ...base, properties: { ...base.properties, n: { type: ["number", "string"] } } };
    expect(bc(widened).compatible).toBe(true);
    expect(checkCompatibility("json", "FORWARD", base, widened).compatible).toBe(false);
  });
});

function cluster(listeners?: KafkaListener[], production = true) {
  const { app, chart } = newChart();
  const kafka = new KafkaCluster(chart, "Kafka", { name: "events", namespace: "kafka", production, listeners });
  return { app, chart, kafka };
}

describe("ConfluentSchemaRegistry", () => {
  test("defaults: pinned image, SCRAM over TLS with the password by reference, CA as PEM, restricted pods, HA, schema-valid", () => {
    const { app, chart, kafka } = cluster();
    const registry = new ConfluentSchemaRegistry(chart, "Registry", { cluster: kafka, clientNamespaceLabels: { "floe.dev/kafka-client": "events" } });
    const objects = synth(app, chart) as any[];
    expectSchemaValid(objects);
    expect(registry.url).toBe("http://schema-registry.kafka.svc:8081");
    const [deployment] = ofKind(objects, "Deployment") as any[];
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expectRestrictedPod(pod);
    const [container] = pod.containers;
    expect(container.image).toBe("confluentinc/cp-schema-registry:7.9.0");
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: "SASL_SSL://events-kafka-bootstrap.kafka.svc:9093",
      SCHEMA_REGISTRY_KAFKASTORE_SASL_MECHANISM: "SCRAM-SHA-512",
      SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG: { secretKeyRef: { name: "schema-registry", key: "sasl.jaas.config" } },
      SCHEMA_REGISTRY_KAFKASTORE_SSL_TRUSTSTORE_TYPE: "PEM",
      SCHEMA_REGISTRY_KAFKASTORE_TOPIC: "schema-registry.schemas",
      SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR: "3",
      SCHEMA_REGISTRY_SCHEMA_COMPATIBILITY_LEVEL: "backward",
    });
    expect(pod.volumes[0]).toEqual({ name: "kafka-ca", secret: { secretName: "events-cluster-ca-cert", items: [{ key: "ca.crt", path: "ca.crt" }] } });
    // The registry listens on 8082 only; clients reach the proxy on 8081.
    expect(env.SCHEMA_REGISTRY_LISTENERS).toBe("http://0.0.0.0:8082");
    expect(container.ports).toEqual([{ name: "registry", containerPort: 8082, protocol: "TCP" }]);
    const [topic] = (ofKind(objects, "KafkaTopic") as any[]).filter((t) => t.spec.topicName === "schema-registry.schemas");
    expect([topic.spec.partitions, topic.spec.config["cleanup.policy"]]).toEqual([1, "compact"]);
    const [user] = ofKind(objects, "KafkaUser") as any[];
    expect(user.spec.authorization.acls.map((a: any) => `${a.resource.type}:${a.resource.name}:${a.resource.patternType}:${a.operations.join("/")}`)).toEqual([
      "group:schema-registry:prefix:Read/Describe",
      "topic:schema-registry.schemas:literal:Read/Write/Describe/DescribeConfigs",
    ]);
    expect((ofKind(objects, "PodDisruptionBudget") as any[])[0].spec.maxUnavailable).toBe(1);
    const [policy] = ofKind(objects, "NetworkPolicy") as any[];
    expect(policy.spec.ingress).toEqual([
      { from: [{ podSelector: {} }, { namespaceSelector: { matchLabels: { "floe.dev/kafka-client": "events" } } }], ports: [{ protocol: "TCP", port: 8081 }] },
      { from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "schema-registry", "app.kubernetes.io/instance": "schema-registry" } } }], ports: [{ protocol: "TCP", port: 8082 }] },
    ]);
  });

  test("the enforcing proxy: nginx beside the registry, its users from the principals' Secrets, its rules per tenant and role", () => {
    const { app, chart, kafka } = cluster();
    const registry = new ConfluentSchemaRegistry(chart, "Registry", { cluster: kafka });
    const writer = new KafkaUser(chart, "W", { cluster: kafka, userName: "alpha-writer" });
    const registrar = new KafkaUser(chart, "R", { cluster: kafka, userName: "alpha-schema-registrar" });
    const other = new KafkaUser(chart, "B", { cluster: kafka, userName: "beta-svc" });
    registry.addPrincipal({ user: writer, tenant: "alpha", role: "client" });
    registry.addPrincipal({ user: registrar, tenant: "alpha", role: "client" });
    registry.addPrincipal({ user: registrar, tenant: "alpha", role: "registrar" }); // the stronger role stays
    registry.addPrincipal({ user: registrar, tenant: "alpha", role: "client" });
    registry.addPrincipal({ user: other, tenant: "beta", role: "client" });
    const objects = synth(app, chart) as any[];
    expectSchemaValid(objects);
    const pod = (ofKind(objects, "Deployment") as any[])[0].spec.template;
    expectRestrictedPod(pod.spec);
    const proxy = pod.spec.containers.find((c: any) => c.name === "proxy");
    expect(proxy).toMatchObject({ image: "nginxinc/nginx-unprivileged:1.28.0-alpine", ports: [{ name: "http", containerPort: 8081, protocol: "TCP" }], command: ["nginx", "-c", "/etc/floe/registry-proxy/nginx.conf", "-g", "daemon off;"] });
    expect(pod.spec.initContainers[0].command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    const users = pod.spec.volumes.find((v: any) => v.name === "proxy-users").projected.sources;
    expect(users).toEqual(["alpha-schema-registrar", "alpha-writer", "beta-svc"].map((u) => ({ secret: { name: u, items: [{ key: "password", path: u } ] } })));
    expect(pod.spec.volumes.find((v: any) => v.name === "proxy-run").emptyDir.medium).toBe("Memory");
    const conf = (ofKind(objects, "ConfigMap") as any[]).find((c) => c.metadata.name === "schema-registry-proxy").data["nginx.conf"];
    expect(conf).toBe(registry.proxyConfig());
    expect(conf).toContain('    "alpha-schema-registrar" "registrar|alpha";\n    "alpha-writer" "client|alpha";\n    "beta-svc" "client|beta";\n');
    expect(conf).toContain("auth_basic_user_file /run/floe/registry/htpasswd;");
    expect(conf).toContain("proxy_pass http://127.0.0.1:8082;");
    expect(conf).toContain('proxy_set_header Authorization "";');
    // The Service sends clients to the proxy; the pods roll when the principals change.
    expect((ofKind(objects, "Service") as any[])[0].spec.ports).toEqual([{ name: "http", port: 8081, targetPort: "http", protocol: "TCP" }]);
    const hash = pod.metadata.annotations["floe.dev/registry-principals"];
    expect(hash).toMatch(/^[0-9a-f]{12}$/);
    const again = cluster();
    const r2 = new ConfluentSchemaRegistry(again.chart, "Registry", { cluster: again.kafka });
    r2.addPrincipal({ user: new KafkaUser(again.chart, "W", { cluster: again.kafka, userName: "alpha-writer" }), tenant: "alpha", role: "client" });
    const pod2 = (ofKind(synth(again.app, again.chart) as any[], "Deployment") as any[])[0].spec.template;
    expect(pod2.metadata.annotations["floe.dev/registry-principals"]).not.toBe(hash);
  });

  test("principals: SCRAM users only, one tenant each; the config is deterministic", () => {
    const { chart, kafka } = cluster();
    const registry = new ConfluentSchemaRegistry(chart, "Registry", { cluster: kafka });
    const tls = new KafkaUser(chart, "T", { cluster: kafka, userName: "alpha-tls", authentication: KafkaAuthenticationType.TLS });
    expect(catchValidation(() => registry.addPrincipal({ user: tls, tenant: "alpha", role: "client" })).code).toBe("RegistryPrincipalNotScram");
    const u = new KafkaUser(chart, "U", { cluster: kafka, userName: "alpha-app" });
    registry.addPrincipal({ user: u, tenant: "alpha", role: "client" });
    expect(catchValidation(() => registry.addPrincipal({ user: u, tenant: "beta", role: "client" }))).toMatchObject({ code: "RegistryPrincipalOfTwoTenants", value: "alpha-app" });
    expect(registryProxyConfig([])).toBe(registryProxyConfig([]));
    expect(catchValidation(() => new ConfluentSchemaRegistry(chart, "R9", { cluster: kafka, proxyImage: "nginx:latest" })).issues[0].field).toBe("proxyImage");
  });

  test("options: name, replicas (one: no disruption budget), resources, compatibility; clients only from the Kafka namespace by default", () => {
    const { app, chart, kafka } = cluster();
    const registry = new ConfluentSchemaRegistry(chart, "Registry", { cluster: kafka, name: "registry", replicas: 1, resources: { requests: { cpu: "1" } }, defaultCompatibility: "FULL" });
    const objects = synth(app, chart) as any[];
    expect(registry.url).toBe("http://registry.kafka.svc:8081");
    expect(ofKind(objects, "PodDisruptionBudget")).toEqual([]);
    const [deployment] = ofKind(objects, "Deployment") as any[];
    expect(deployment.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: "1" } });
    expect(deployment.spec.template.spec.containers[0].env.find((e: any) => e.name === "SCHEMA_REGISTRY_SCHEMA_COMPATIBILITY_LEVEL").value).toBe("full");
    expect((ofKind(objects, "NetworkPolicy") as any[])[0].spec.ingress[0].from).toEqual([{ podSelector: {} }]);
  });

  test("fails without a SCRAM TLS listener, with an unpinned image, with 0 replicas", () => {
    const { chart, kafka } = cluster([KafkaListener.internalTls({ authentication: KafkaAuthentication.tls() })]);
    expect(catchValidation(() => new ConfluentSchemaRegistry(chart, "R1", { cluster: kafka })).issues[0]).toMatchObject({ code: "NoListenerForAuthentication", field: "cluster" });
    const ok = cluster();
    expect(catchValidation(() => new ConfluentSchemaRegistry(ok.chart, "R2", { cluster: ok.kafka, image: "confluentinc/cp-schema-registry:latest" })).issues[0].field).toBe("image");
    expect(catchValidation(() => new ConfluentSchemaRegistry(ok.chart, "R3", { cluster: ok.kafka, replicas: 0 })).code).toBe("InvalidReplicas");
  });
});

/** The rendered proxy configuration of the (only) registry. */
const registryOf = (objects: any[]): string => (ofKind(objects, "ConfigMap") as any[]).find((c) => c.metadata.name.endsWith("-proxy")).data["nginx.conf"];

describe("SchemaRegistration", () => {
  const setup = (subjects = [{ subject: "payments.orders-value", schema: TopicSchema.avro(order) }]) => {
    const { app, chart, kafka } = cluster();
    const registry = new ConfluentSchemaRegistry(chart, "Registry", { cluster: kafka });
    const registrar = new KafkaUser(chart, "Registrar", { cluster: kafka, userName: "payments-schema-registrar" });
    const registration = new SchemaRegistration(chart, "Schemas", { registry, name: "payments-schemas", subjects, registrar: { user: registrar, tenant: "payments" } });
    return { objects: synth(app, chart) as any[], registration, chart, registry, kafka };
  };

  test("a ConfigMap with each subject's request and compatibility, and an idempotent Job named after the content", () => {
    const { objects, registration } = setup([
      { subject: "payments.orders-value", schema: TopicSchema.avro(order), compatibility: "FULL" } as any,
      { subject: "payments.orders-key", schema: TopicSchema.avro("string") },
    ]);
    expectSchemaValid(objects);
    const cm = (ofKind(objects, "ConfigMap") as any[]).find((c) => c.metadata.name === "payments-schemas");
    expect(cm.metadata).toMatchObject({ name: "payments-schemas", namespace: "kafka", labels: { "app.kubernetes.io/component": "schemas" } });
    expect(cm.data["subjects.txt"]).toBe("payments.orders-key BACKWARD\npayments.orders-value FULL\n");
    expect(JSON.parse(cm.data["payments.orders-value.json"])).toEqual({ schemaType: "AVRO", schema: JSON.stringify(order) });
    expect(cm.data["register.sh"]).toMatch(/-X PUT .*\/config\/\$subject/);
    expect(cm.data["register.sh"]).toMatch(/-X POST .*--data "@\/schemas\/\$subject.json" "\$REGISTRY_URL\/subjects\/\$subject\/versions"/);
    const job = (ofKind(objects, "Job") as any[])[0];
    expect(job.metadata.name).toBe(registration.jobName);
    expect(registration.jobName).toMatch(/^payments-schemas-[0-9a-f]{10}$/);
    const pod = job.spec.template.spec;
    expectRestrictedPod(pod);
    expect(pod.containers[0].image).toBe("curlimages/curl:8.11.1");
    expect(pod.containers[0].env).toEqual([
      { name: "REGISTRY_URL", value: "http://schema-registry.kafka.svc:8081" },
      { name: "REGISTRY_USER", value: "payments-schema-registrar" },
      { name: "REGISTRY_PASSWORD_FILE", value: "/etc/floe/registrar/password" },
    ]);
    // The password from the registrar's Secret, as a file; curl reads it from stdin, never from its arguments.
    expect(pod.volumes[1]).toEqual({ name: "registrar", secret: { secretName: "payments-schema-registrar", items: [{ key: "password", path: "password" }] } });
    expect(cm.data["register.sh"]).toBe(REGISTER_SCRIPT);
    expect(REGISTER_SCRIPT).toMatch(/auth \| curl -K - /);
    // The registrar is the registry's principal for the tenant's subjects.
    expect(registryOf(objects)).toContain('"payments-schema-registrar" "registrar|payments";');
  });

  test("the Job name is stable for the same schemas and changes with them", () => {
    const a = setup().registration.jobName;
    expect(setup().registration.jobName).toBe(a);
    expect(setup([{ subject: "payments.orders-value", schema: TopicSchema.avro(withField({ name: "x", type: "int", default: 0 })) }]).registration.jobName).not.toBe(a);
  });

  test("fails InvalidSubject (bad or twice) and NothingToRegister", () => {
    const { chart, registry, kafka } = setup();
    const registrar = { user: new KafkaUser(chart, "R2", { cluster: kafka, userName: "x-registrar" }), tenant: "x" };
    const twice = [{ subject: "a-value", schema: TopicSchema.avro("string") }, { subject: "a-value", schema: TopicSchema.avro("int") }];
    expect(catchValidation(() => new SchemaRegistration(chart, "S1", { registry, name: "x", subjects: twice, registrar })).issues[0]).toMatchObject({ code: "InvalidSubject", message: "is registered twice" });
    expect(catchValidation(() => new SchemaRegistration(chart, "S2", { registry, name: "x", subjects: [{ subject: "a value", schema: TopicSchema.avro("int") }], registrar })).code).toBe("InvalidSubject");
    expect(catchValidation(() => new SchemaRegistration(chart, "S3", { registry, name: "x", subjects: [], registrar })).code).toBe("NothingToRegister");
  });
});
