import { ConnectImage, DebeziumPlugin, KafkaAuthenticationType, PostgresSource } from "../../../lib/internal";
import { catchValidation, expectSchemaValid, issuesWithCode, ofKind, synth, validateApp } from "../../helpers";
import { credentials, FIXTURE_SHA512, setup } from "./fixtures";

describe("ConnectCluster defaults", () => {
  const { app, chart } = setup();
  const objects = synth(app, chart);
  const kc = ofKind(objects, "KafkaConnect")[0] as any;

  test("a KafkaConnect using connector resources, in the Kafka namespace, valid against the CRD", () => {
    expect(kc.metadata).toMatchObject({ name: "payments-connect", namespace: "kafka" });
    expect(kc.metadata.annotations).toEqual({ "strimzi.io/use-connector-resources": "true" });
    expectSchemaValid(objects);
  });

  test("bootstrap, group, storage topics, SCRAM authentication and the cluster CA come from the references", () => {
    expect(kc.spec).toMatchObject({
      version: "4.3.0",
      replicas: 2,
      bootstrapServers: "events-kafka-bootstrap.kafka.svc:9093",
      groupId: "payments.payments-connect",
      configStorageTopic: "payments.payments-connect-configs",
      offsetStorageTopic: "payments.payments-connect-offsets",
      statusStorageTopic: "payments.payments-connect-status",
      authentication: { type: "scram-sha-512", username: "payments-connect", passwordSecret: { secretName: "payments-connect", password: "password" } },
      tls: { trustedCertificates: [{ secretName: "events-cluster-ca-cert", pattern: "*.crt" }] },
    });
  });

  test("production worker config: JSON converters, Kubernetes config providers, no topic auto-creation, no client overrides", () => {
    expect(kc.spec.config).toMatchObject({
      "config.providers": "secrets,configmaps",
      "config.providers.secrets.class": "io.strimzi.kafka.KubernetesSecretConfigProvider",
      "config.providers.configmaps.class": "io.strimzi.kafka.KubernetesConfigMapConfigProvider",
      "key.converter": "org.apache.kafka.connect.json.JsonConverter",
      "value.converter": "org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable": false,
      "topic.creation.enable": false,
      "connector.client.config.override.policy": "None",
    });
  });

  test("the build pins each plugin by Maven coordinates and SHA-512; the image tag follows the plugin set", () => {
    expect(kc.spec.build.output).toEqual({ type: "docker", image: expect.stringMatching(/^registry\.example\.com\/platform\/connect:payments-[0-9a-f]{12}$/) });
    expect(kc.spec.build.plugins[0]).toEqual({
      name: "debezium-mysql",
      artifacts: [
        {
          type: "tgz",
          url: "https://repo1.maven.org/maven2/io/debezium/debezium-connector-mysql/3.2.0.Final/debezium-connector-mysql-3.2.0.Final-plugin.tar.gz",
          sha512sum: FIXTURE_SHA512.mysql,
        },
      ],
    });
    expect(DebeziumPlugin.postgres({ sha512: FIXTURE_SHA512.postgres }).coordinates).toBe("io.debezium:debezium-connector-postgres:3.2.0.Final:plugin@tar.gz");
    const other = ConnectImage.build({ outputRepository: "r.example.com/c", plugins: [DebeziumPlugin.postgres({ sha512: "d".repeat(128) })] });
    const same = ConnectImage.build({ outputRepository: "r.example.com/c", plugins: [DebeziumPlugin.postgres({ sha512: "d".repeat(128) })] });
    expect(other.builtImage("t")).toBe(same.builtImage("t"));
    expect(other.builtImage("t")).not.toBe(ConnectImage.build({ outputRepository: "r.example.com/c", plugins: [DebeziumPlugin.postgres({ sha512: "e".repeat(128) })] }).builtImage("t"));
  });

  test("the Connect user has exactly the ACLs of its internal topics and group", () => {
    const user = ofKind(objects, "KafkaUser").find((u) => u.metadata.name === "payments-connect") as any;
    expect(user.spec.authorization.acls.map((a: any) => `${a.resource.type}:${a.resource.name}:${a.operations.join("+")}`)).toEqual([
      "group:payments.payments-connect:Read",
      "topic:payments.payments-connect-configs:Read+Write+DescribeConfigs",
      "topic:payments.payments-connect-offsets:Read+Write+DescribeConfigs",
      "topic:payments.payments-connect-status:Read+Write+DescribeConfigs",
    ]);
  });

  test("internal topics are compacted and declared", () => {
    const topics = ofKind(objects, "KafkaTopic").map((t: any) => [t.spec.topicName, t.spec.partitions, t.spec.config["cleanup.policy"]]);
    expect(topics).toEqual([
      ["payments.payments-connect-configs", 1, "compact"],
      ["payments.payments-connect-offsets", 25, "compact"],
      ["payments.payments-connect-status", 5, "compact"],
    ]);
  });

  test("worker pods meet Pod Security restricted", () => {
    expect(kc.spec.template.pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(kc.spec.template.connectContainer.securityContext.capabilities).toEqual({ drop: ["ALL"] });
  });

  test("the build container gets an explicit baseline context (Strimzi's restricted provider refuses a build without one)", () => {
    expect(kc.spec.template.buildContainer.securityContext).toEqual({
      runAsUser: 0,
      runAsNonRoot: false,
      allowPrivilegeEscalation: false,
      seccompProfile: { type: "RuntimeDefault" },
    });
  });
});

describe("ConnectCluster options", () => {
  test("a prebuilt image instead of a build; replicas, resources, worker config", () => {
    const { app, chart } = setup({
      image: ConnectImage.prebuilt("registry.example.com/platform/connect-debezium:3.2.0-1", ["postgres"]),
      replicas: 3,
      resources: { requests: { cpu: "1", memory: "4Gi" } },
      config: { "offset.flush.interval.ms": 10000 },
    });
    const objects = synth(app, chart);
    const kc = ofKind(objects, "KafkaConnect")[0] as any;
    expect(kc.spec.image).toBe("registry.example.com/platform/connect-debezium:3.2.0-1");
    expect(kc.spec.build).toBeUndefined();
    expect(kc.spec.template.buildContainer).toBeUndefined();
    expect(kc.spec.replicas).toBe(3);
    expect(kc.spec.resources).toEqual({ requests: { cpu: "1", memory: "4Gi" } });
    expect(kc.spec.config["offset.flush.interval.ms"]).toBe(10000);
    expectSchemaValid(objects);
  });

  test("TLS authentication through the mTLS listener; push secret", () => {
    const { app, chart } = setup({
      authentication: KafkaAuthenticationType.TLS,
      image: ConnectImage.build({ outputRepository: "registry.example.com/c", plugins: [DebeziumPlugin.postgres({ sha512: FIXTURE_SHA512.postgres })], pushSecret: "registry-push" }),
    });
    const objects = synth(app, chart);
    const kc = ofKind(objects, "KafkaConnect")[0] as any;
    expect(kc.spec.bootstrapServers).toBe("events-kafka-bootstrap.kafka.svc:9094");
    expect(kc.spec.authentication).toEqual({ type: "tls", certificateAndKey: { secretName: "payments-connect", certificate: "user.crt", key: "user.key" } });
    expect(kc.spec.build.output.pushSecret).toBe("registry-push");
    expectSchemaValid(objects);
  });

  test("development: one worker by default", () => {
    const { app, chart } = setup({ production: false });
    expect((ofKind(synth(app, chart), "KafkaConnect")[0] as any).spec.replicas).toBe(1);
  });
});

describe("ConnectCluster validation", () => {
  test("fails InvalidChecksum, InsecurePluginRepository, InvalidDebeziumVersion", () => {
    const e = catchValidation(() =>
      setup({
        image: ConnectImage.build({
          outputRepository: "registry.example.com/c",
          plugins: [DebeziumPlugin.postgres({ sha512: "abc", repository: "http://mirror.example.com/maven2", version: "latest" })],
        }),
      }),
    );
    expect(e.issues.map((i) => `${i.code} ${i.field}`)).toEqual([
      "InvalidChecksum build.plugins[0].sha512",
      "InsecurePluginRepository build.plugins[0].repository",
      "InvalidDebeziumVersion build.plugins[0].version",
    ]);
    expect(e.fix).toMatch(/^compute it with: curl -sL http:\/\/mirror.example.com\/maven2\/io\/debezium\/.* \| sha512sum$/);
  });

  test("fails InvalidOutputRepository, NoConnectPlugins, DuplicateConnectPlugin", () => {
    const plugin = DebeziumPlugin.postgres({ sha512: FIXTURE_SHA512.postgres });
    expect(catchValidation(() => setup({ image: ConnectImage.build({ outputRepository: "registry.example.com/c:v1", plugins: [plugin] }) })).code).toBe(
      "InvalidOutputRepository",
    );
    expect(catchValidation(() => setup({ image: ConnectImage.build({ outputRepository: "registry.example.com/c", plugins: [] }) })).code).toBe("NoConnectPlugins");
    expect(catchValidation(() => setup({ image: ConnectImage.build({ outputRepository: "registry.example.com/c", plugins: [plugin, plugin] }) })).code).toBe(
      "DuplicateConnectPlugin",
    );
  });

  test("fails ImageNotPinned for a prebuilt image", () => {
    expect(catchValidation(() => setup({ image: ConnectImage.prebuilt("registry.example.com/connect:latest", ["postgres"]) })).code).toBe("ImageNotPinned");
  });

  test("fails ManagedConnectConfig, NameTooLong, InvalidReplicas", () => {
    const e = catchValidation(() => setup({ config: { "group.id": "x", "sasl.mechanism": "PLAIN" } }));
    expect(issuesWithCode(e, "ManagedConnectConfig").map((i) => i.field)).toEqual(["config.group.id", "config.sasl.mechanism"]);
    expect(catchValidation(() => setup({ name: "c".repeat(46) })).code).toBe("NameTooLong");
    expect(catchValidation(() => setup({ replicas: 0 })).code).toBe("InvalidReplicas");
  });

  test("fails SingleConnectWorkerInProduction", () => {
    const { app } = setup({ replicas: 1 });
    expect(catchValidation(() => validateApp(app)).code).toBe("SingleConnectWorkerInProduction");
  });

  test("fails ConnectorPluginMissing when a source needs a plugin the image lacks", () => {
    const { app, chart, connect } = setup({ image: ConnectImage.prebuilt("registry.example.com/connect:1.0.0", ["mysql"]) });
    new PostgresSource(chart, "Orders", { connect, name: "payments-orders", hostname: "db.example.com", database: "orders", credentials: credentials(), tables: ["public.orders"] });
    const e = catchValidation(() => validateApp(app));
    expect(e.code).toBe("ConnectorPluginMissing");
    expect(e.issues[0].message).toBe("the Connect image has no postgres plugin, needed by test/Orders");
  });

  test("fails UnknownListener and ListenerAuthenticationMismatch", () => {
    const a = setup({ listener: "nope" });
    expect(issuesWithCode(catchValidation(() => validateApp(a.app)), "UnknownListener")).toHaveLength(1);
    const b = setup({ listener: "mtls" });
    expect(catchValidation(() => validateApp(b.app)).code).toBe("ListenerAuthenticationMismatch");
  });
});
