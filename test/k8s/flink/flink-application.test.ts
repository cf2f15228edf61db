import {
  CheckpointBucket,
  FlinkApplication,
  FlinkApplicationProps,
  FlinkJob,
  JobState,
  KafkaAuthentication,
  KafkaAuthenticationType,
  KafkaCluster,
  KafkaListener,
  KafkaTopic,
  KafkaTopicPrefix,
  Tenant,
  UpgradeMode,
} from "../../../lib/internal";
import { catchValidation, expectRestrictedPod, expectSchemaValid, issuesWithCode, newChart, ofKind, synth, validateApp } from "../../helpers";

const bucket = CheckpointBucket.fromBucketName("floe-prod-eu-west-1-state");
const jar = FlinkJob.jar("local:///opt/flink/usrlib/enricher.jar", { entryClass: "com.example.Enricher" });

function setup() {
  const { app, chart } = newChart();
  const cluster = new KafkaCluster(chart, "Kafka", {
    name: "events",
    namespace: "kafka",
    listeners: [KafkaListener.internalTls(), KafkaListener.internalTls({ name: "mtls", port: 9094, authentication: KafkaAuthentication.tls() })],
  });
  const orders = new KafkaTopic(chart, "Orders", { cluster, topicName: "payments.orders" });
  const enriched = new KafkaTopic(chart, "Enriched", { cluster, topicName: "payments.enriched" });
  const application = (props: Partial<FlinkApplicationProps> = {}, id = "Enricher") =>
    new FlinkApplication(chart, id, {
      name: "payments-enricher",
      namespace: "payments",
      tenant: "payments",
      job: jar,
      checkpointStorage: bucket,
      ...props,
    });
  const render = () => synth(app, chart);
  const deployments = () => ofKind(render(), "FlinkDeployment") as any[];
  return { app, chart, cluster, orders, enriched, application, render, deployments };
}

describe("FlinkApplication defaults", () => {
  const { application, render } = setup();
  application();
  const objects = render();
  const fd = ofKind(objects, "FlinkDeployment")[0] as any;

  test("renders a FlinkDeployment that validates against the operator CRD", () => {
    expect(fd.apiVersion).toBe("flink.apache.org/v1beta1");
    expect(fd.metadata).toMatchObject({ name: "payments-enricher", namespace: "payments" });
    expectSchemaValid(objects);
  });

  test("pinned official image of the default version, native mode, service account, resources", () => {
    expect(fd.spec).toMatchObject({
      flinkVersion: "v1_20",
      image: "flink:1.20.1-scala_2.12-java17",
      mode: "native",
      // The tenant's account, as Tenant creates it (with the Role Kubernetes HA needs and the tenant's IAM role).
      serviceAccount: "payments-flink",
      jobManager: { replicas: 1, resource: { cpu: 1, memory: "2048m" } },
      taskManager: { resource: { cpu: 1, memory: "4096m" } },
    });
  });

  test("the service account of a tenant's application is the one Tenant creates; a platform job runs as the chart's 'flink'", () => {
    const { app, chart, cluster } = setup();
    const tenant = new Tenant(chart, "Payments", { name: "payments", kafka: cluster });
    new FlinkApplication(chart, "Tenant", { name: "payments-a", namespace: tenant.namespace, tenant: tenant.tenantName, job: jar, checkpointStorage: bucket });
    new FlinkApplication(chart, "Platform", { name: "platform-a", namespace: "flink", job: jar, checkpointStorage: bucket });
    const objects = synth(app, chart);
    const [tenantApp, platformApp] = ["payments-a", "platform-a"].map((n) => (ofKind(objects, "FlinkDeployment") as any[]).find((o) => o.metadata.name === n));
    expect(tenantApp.spec.serviceAccount).toBe(tenant.flinkServiceAccount);
    expect(ofKind(objects, "ServiceAccount").map((o) => o.metadata.name)).toContain(tenantApp.spec.serviceAccount);
    expect(platformApp.spec.serviceAccount).toBe("flink");
  });

  test("the job: savepoint upgrades, running, parallelism 1", () => {
    expect(fd.spec.job).toEqual({
      jarURI: "local:///opt/flink/usrlib/enricher.jar",
      entryClass: "com.example.Enricher",
      parallelism: 1,
      upgradeMode: "savepoint",
      state: "running",
    });
  });

  test("durable state: RocksDB incremental, retained externalized checkpoints, dirs under the tenant's job prefix, Kubernetes HA", () => {
    const prefix = "s3://floe-prod-eu-west-1-state/tenants/payments/payments-enricher";
    expect(fd.spec.flinkConfiguration).toEqual({
      "execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
      "execution.checkpointing.interval": "1min",
      "high-availability.storageDir": `${prefix}/ha`,
      "high-availability.type": "kubernetes",
      "metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
      "metrics.reporter.prom.port": "9249",
      "state.backend.incremental": "true",
      "state.backend.type": "rocksdb",
      "state.checkpoints.dir": `${prefix}/checkpoints`,
      "state.checkpoints.num-retained": "3",
      "state.savepoints.dir": `${prefix}/savepoints`,
      "taskmanager.numberOfTaskSlots": "2",
    });
  });

  test("pod template meets Pod Security restricted, runs as the flink uid, enables the S3 plugin", () => {
    const pod = fd.spec.podTemplate;
    expect(pod.spec.containers[0].name).toBe("flink-main-container");
    expectRestrictedPod(pod.spec);
    expect(pod.spec.securityContext.runAsUser).toBe(9999);
    expect(pod.spec.containers[0].env).toEqual([{ name: "ENABLE_BUILT_IN_PLUGINS", value: "flink-s3-fs-presto-1.20.1.jar" }]);
    expect(pod.metadata.labels["floe.dev/tenant"]).toBe("payments");
  });
});

describe("FlinkApplication options", () => {
  test("SQL job: statements in a ConfigMap mounted into the pods, run by the SQL runner", () => {
    const { application, render } = setup();
    application({ job: FlinkJob.sql(["CREATE TABLE t (x INT) WITH ('connector' = 'datagen');", "INSERT INTO s SELECT * FROM t"]) });
    const objects = render();
    const cm = ofKind(objects, "ConfigMap")[0] as any;
    expect(cm.metadata).toMatchObject({ name: "payments-enricher-sql", namespace: "payments" });
    expect(cm.data["statements.sql"]).toBe("CREATE TABLE t (x INT) WITH ('connector' = 'datagen');\nINSERT INTO s SELECT * FROM t;\n");
    const fd = ofKind(objects, "FlinkDeployment")[0] as any;
    expect(fd.spec.job).toMatchObject({
      jarURI: "local:///opt/flink/usrlib/sql-runner.jar",
      entryClass: "org.apache.flink.examples.SqlRunner",
      args: ["/opt/flink/sql/statements.sql"],
    });
    expect(fd.spec.podTemplate.spec.volumes).toEqual([
      { name: "sql", configMap: { name: "payments-enricher-sql", items: [{ key: "statements.sql", path: "statements.sql" }] } },
    ]);
    expect(fd.spec.podTemplate.spec.containers[0].volumeMounts).toEqual([{ name: "sql", mountPath: "/opt/flink/sql", readOnly: true }]);
    expectSchemaValid(objects);
  });

  test("transactional ids: under an ACL scope, the scope's prefix before the name by default, or the given prefix", () => {
    const scoped = setup();
    const app = scoped.application({ job: FlinkJob.jar("local:///opt/flink/usrlib/job.jar"), deliveryGuarantee: "exactly-once", checkpointInterval: "1m", kafka: { cluster: scoped.cluster, reads: [scoped.orders], writes: [scoped.enriched], group: "payments.enricher", aclScope: { topicPrefix: "payments.", groupPrefix: "payments." } } });
    expect(app.transactionalIdPrefix).toBe("payments.payments-enricher");
    const given = setup();
    const app2 = given.application({ job: FlinkJob.jar("local:///opt/flink/usrlib/job.jar"), deliveryGuarantee: "exactly-once", checkpointInterval: "1m", kafka: { cluster: given.cluster, reads: [given.orders], writes: [given.enriched], group: "payments.enricher", aclScope: { topicPrefix: "payments.", groupPrefix: "payments." }, transactionalIdPrefix: "payments.enricher" } });
    const env = (ofKind(given.render(), "FlinkDeployment")[0] as any).spec.podTemplate.spec.containers[0].env;
    expect(app2.transactionalIdPrefix).toBe("payments.enricher");
    expect(env).toContainEqual({ name: "FLOE_KAFKA_TRANSACTIONAL_ID_PREFIX", value: "payments.enricher" });
  });

  test("SQL job with Kafka access: every Kafka table gets Floe's connection; the user's credential file is mounted (jar jobs: env only)", () => {
    const { application, render, cluster, orders, enriched } = setup();
    const sql = FlinkJob.sql([
      "CREATE TABLE orders (id STRING) WITH ('connector' = 'kafka', 'topic' = 'payments.orders', 'format' = 'json')",
      "CREATE TABLE enriched (id STRING) WITH ('connector' = 'kafka', 'topic' = 'payments.enriched', 'format' = 'json')",
      "INSERT INTO enriched SELECT id FROM orders",
    ]);
    application({ job: sql, deliveryGuarantee: "exactly-once", checkpointInterval: "1m", kafka: { cluster, reads: [orders], writes: [enriched], group: "payments.enricher" } });
    const objects = render();
    const script = (ofKind(objects, "ConfigMap")[0] as any).data["statements.sql"] as string;
    const [source, sink, insert] = script.split(";\n");
    expect(source).toContain("'properties.bootstrap.servers' = 'events-kafka-bootstrap.kafka.svc:9093'");
    expect(source).toContain("'properties.sasl.jaas.config' = '${floe:/etc/floe/kafka/user:sasl.jaas.config}'");
    expect(source).toContain("'properties.group.id' = 'payments.enricher'");
    expect(source).toContain("'properties.isolation.level' = 'read_committed'");
    expect(sink).toContain("'sink.transactional-id-prefix' = 'payments-enricher'"); // no ACL scope: the deployment name
    expect(insert).toBe("INSERT INTO enriched SELECT id FROM orders");
    const pod = (ofKind(objects, "FlinkDeployment")[0] as any).spec.podTemplate.spec;
    expect(pod.volumes).toContainEqual({ name: "kafka-user", secret: { secretName: "payments-enricher", items: [{ key: "sasl.jaas.config", path: "sasl.jaas.config" }] } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: "kafka-user", mountPath: "/etc/floe/kafka/user", readOnly: true });
    expectSchemaValid(objects);
    // A jar job of the same user gets its credentials by env, with no credential file.
    const jarSetup = setup();
    jarSetup.application({ kafka: { cluster: jarSetup.cluster, reads: [jarSetup.orders] } });
    const jarPod = (ofKind(jarSetup.render(), "FlinkDeployment")[0] as any).spec.podTemplate.spec;
    expect(jarPod.volumes.map((v: any) => v.name)).not.toContain("kafka-user");
  });

  test("fails a SQL table on a topic the job's Kafka access does not grant (SqlTopicNotDeclared)", () => {
    const { application, app, cluster, orders } = setup();
    application({
      job: FlinkJob.sql(["CREATE TABLE other (id STRING) WITH ('connector' = 'kafka', 'topic' = 'beta.orders', 'format' = 'json')", "INSERT INTO x SELECT id FROM other"]),
      kafka: { cluster, reads: [orders] },
    });
    expect(issuesWithCode(catchValidation(() => validateApp(app)), "SqlTopicNotDeclared")[0]).toMatchObject({ field: "job.statements[0]", value: "beta.orders" });
  });

  test("generated tables run before the job's statements, get the connection, and their problems name job.tables[i] (the statements keep their indexes)", () => {
    const { application, app, cluster, orders } = setup();
    application({
      job: FlinkJob.sql(["INSERT INTO x SELECT id FROM other", "CREATE TABLE bad (id STRING) WITH ('connector' = 'kafka', 'topic' = 'beta.orders', 'format' = 'json')"], {
        tables: ["CREATE TABLE other (id STRING) WITH ('connector' = 'kafka', 'topic' = 'gamma.orders', 'format' = 'json')"],
      }),
      kafka: { cluster, reads: [orders] },
    });
    const issues = issuesWithCode(catchValidation(() => validateApp(app)), "SqlTopicNotDeclared");
    expect(issues.map((i) => [i.field, i.value])).toEqual([
      ["job.tables[0]", "gamma.orders"],
      ["job.statements[1]", "beta.orders"],
    ]);
    expect(FlinkJob.sql(["INSERT INTO x SELECT 1"], { tables: ["CREATE TABLE x (a INT) WITH ('connector' = 'print')"] }).script).toBe(
      "CREATE TABLE x (a INT) WITH ('connector' = 'print');\nINSERT INTO x SELECT 1;\n",
    );
  });

  test("metrics: the Prometheus reporter and port by default, none with metrics: false; plain env sorted, names checked", () => {
    const { application, deployments } = setup();
    application({ env: [{ name: "Z_URL", value: "http://z" }, { name: "A_URL", value: "http://a" }] });
    application({ name: "payments-quiet", metrics: false }, "Quiet");
    const [loud, quiet] = deployments();
    expect(loud.spec.podTemplate.spec.containers[0].ports).toEqual([{ name: "metrics", containerPort: 9249, protocol: "TCP" }]);
    expect(loud.spec.podTemplate.spec.containers[0].env.map((e: any) => e.name)).toEqual(["A_URL", "Z_URL", "ENABLE_BUILT_IN_PLUGINS"]);
    expect(quiet.spec.flinkConfiguration["metrics.reporter.prom.factory.class"]).toBeUndefined();
    expect(quiet.spec.podTemplate.spec.containers[0].ports).toBeUndefined();
    const e = catchValidation(() => setup().application({ env: [{ name: "FLOE_KAFKA_X", value: "1" }, { name: "bad name", value: "2" }] }));
    expect(e.issues.map((i) => [i.code, i.field])).toEqual([["InvalidEnvName", "env[0].name"], ["InvalidEnvName", "env[1].name"]]);
  });

  test("Flink 2.x uses the execution.checkpointing.* option names", () => {
    const { application, deployments } = setup();
    application({ flinkVersion: "v2_1" });
    const config = deployments()[0].spec.flinkConfiguration;
    expect(config["execution.checkpointing.dir"]).toMatch(/\/checkpoints$/);
    expect(config["execution.checkpointing.savepoint-dir"]).toMatch(/\/savepoints$/);
    expect(config["execution.checkpointing.num-retained"]).toBe("3");
    expect(config["execution.checkpointing.incremental"]).toBe("true");
    expect(config["state.checkpoints.dir"]).toBeUndefined();
    expect(deployments()[0].spec.image).toBe("flink:2.1.0-scala_2.12-java21");
  });

  test("job options: parallelism, last-state, suspended, non-restored state, initial savepoint, savepoint trigger", () => {
    const { application, deployments, render } = setup();
    application({
      parallelism: 8,
      upgradeMode: UpgradeMode.LAST_STATE,
      state: JobState.SUSPENDED,
      allowNonRestoredState: true,
      initialSavepointPath: "s3://floe-prod-eu-west-1-state/tenants/payments/payments-enricher/savepoints/savepoint-1",
      savepointTriggerNonce: 3,
      job: FlinkJob.jar("s3://artifacts/enricher-1.4.2.jar", { args: ["--env", "prod"] }),
    });
    expect(deployments()[0].spec.job).toEqual({
      jarURI: "s3://artifacts/enricher-1.4.2.jar",
      args: ["--env", "prod"],
      parallelism: 8,
      upgradeMode: "last-state",
      state: "suspended",
      allowNonRestoredState: true,
      initialSavepointPath: "s3://floe-prod-eu-west-1-state/tenants/payments/payments-enricher/savepoints/savepoint-1",
      savepointTriggerNonce: 3,
    });
    expectSchemaValid(render());
  });

  test("checkpoint interval, retention, periodic savepoints, autoscaler", () => {
    const { application, deployments } = setup();
    application({
      parallelism: 4,
      checkpointInterval: "30s",
      checkpointsRetained: 5,
      periodicSavepointInterval: "6h",
      autoscaler: { targetUtilization: 0.6, minUtilization: 0.4, maxUtilization: 0.8, minParallelism: 2, maxParallelism: 32, metricsWindow: "10m", stabilizationInterval: "2m" },
    });
    const c = deployments()[0].spec.flinkConfiguration;
    expect(c["execution.checkpointing.interval"]).toBe("30s");
    expect(c["state.checkpoints.num-retained"]).toBe("5");
    expect(c["kubernetes.operator.periodic.savepoint.interval"]).toBe("6h");
    expect(Object.fromEntries(Object.entries(c).filter(([k]) => k.startsWith("job.autoscaler")))).toEqual({
      "job.autoscaler.enabled": "true",
      "job.autoscaler.utilization.target": "0.6",
      "job.autoscaler.utilization.min": "0.4",
      "job.autoscaler.utilization.max": "0.8",
      "job.autoscaler.vertex.min-parallelism": "2",
      "job.autoscaler.vertex.max-parallelism": "32",
      "job.autoscaler.metrics.window": "10min",
      "job.autoscaler.stabilization.interval": "2min",
    });
  });

  test("the autoscaler's resource quota: from the props, else from limitAutoscaler; the footprint counts its max parallelism", () => {
    const { application, deployments } = setup();
    const bounded = application({ parallelism: 2, taskManager: { slots: 2 }, autoscaler: { maxParallelism: 16 } }, "Bounded");
    // 8 TaskManagers at parallelism 16 (2 slots each), 1 CPU and 4096m each, plus the JobManager.
    expect(bounded.maxTaskManagers).toBe(8);
    expect(bounded.footprint).toEqual({ cpuMillis: 9000, memoryBytes: 8 * 4096 * 1024 ** 2 + 2048 * 1024 ** 2, pods: 9 });
    bounded.limitAutoscaler({ cpu: 8.5, memoryBytes: 40 * 1024 ** 3 });
    const own = application({ name: "payments-own", autoscaler: { quota: { cpu: 4, memoryBytes: 1024 ** 3 } } }, "Own");
    own.limitAutoscaler({ cpu: 100, memoryBytes: 100 * 1024 ** 3 });
    const off = application({ name: "payments-off", parallelism: 2, taskManager: { slots: 2 }, autoscaler: { enabled: false, maxParallelism: 64 } }, "Off");
    expect(off.maxTaskManagers).toBe(1);
    const config = (n: string) => deployments().find((d) => d.metadata.name === n).spec.flinkConfiguration;
    expect(config("payments-enricher")).toMatchObject({ "job.autoscaler.quota.cpu": "8.5", "job.autoscaler.quota.memory": `${40 * 1024 ** 3}b` });
    expect(config("payments-own")).toMatchObject({ "job.autoscaler.quota.cpu": "4", "job.autoscaler.quota.memory": `${1024 ** 3}b` });
  });

  test("cluster options: image, service account, JM standby with HA, TM replicas and slots, extra config, plugins", () => {
    const { application, deployments, render } = setup();
    application({
      image: "registry.example.com/payments/enricher@sha256:" + "a".repeat(64),
      serviceAccount: "payments-flink",
      jobManager: { replicas: 2, resources: { cpu: 0.5, memory: "1g" } },
      taskManager: { replicas: 3, slots: 4, resources: { cpu: 2, memory: "8Gi" } },
      flinkConfiguration: { "pipeline.object-reuse": "true" },
      builtInPlugins: ["flink-s3-fs-hadoop-1.20.1.jar"],
    });
    const spec = deployments()[0].spec;
    expect(spec.serviceAccount).toBe("payments-flink");
    expect(spec.jobManager).toEqual({ replicas: 2, resource: { cpu: 0.5, memory: "1g" } });
    expect(spec.taskManager).toEqual({ replicas: 3, resource: { cpu: 2, memory: "8Gi" } });
    expect(spec.flinkConfiguration["taskmanager.numberOfTaskSlots"]).toBe("4");
    expect(spec.flinkConfiguration["pipeline.object-reuse"]).toBe("true");
    expect(spec.podTemplate.spec.containers[0].env).toEqual([{ name: "ENABLE_BUILT_IN_PLUGINS", value: "flink-s3-fs-hadoop-1.20.1.jar" }]);
    expectSchemaValid(render());
  });

  test("a stateless job without storage (development or declared stateless) renders no state dirs and no HA", () => {
    const { application, deployments } = setup();
    application({ checkpointStorage: undefined, upgradeMode: UpgradeMode.STATELESS, stateless: true });
    const c = deployments()[0].spec.flinkConfiguration;
    expect(c["state.checkpoints.dir"]).toBeUndefined();
    expect(c["high-availability.type"]).toBeUndefined();
    expect(deployments()[0].spec.podTemplate.spec.containers[0].env).toBeUndefined();
  });

  test("a custom storage prefix under the tenant's", () => {
    const { application, deployments } = setup();
    application({ storagePrefix: "tenants/payments/streaming/enricher-v2/" });
    expect(deployments()[0].spec.flinkConfiguration["state.checkpoints.dir"]).toBe(
      "s3://floe-prod-eu-west-1-state/tenants/payments/streaming/enricher-v2/checkpoints",
    );
  });
});

describe("FlinkApplication Kafka access", () => {
  test("the job's KafkaUser has exactly the ACLs of its declared reads and writes", () => {
    const { application, render, orders, enriched, cluster } = setup();
    const app = application({
      kafka: { cluster, reads: [orders, new KafkaTopicPrefix(cluster, "payments.raw-")], writes: [enriched], group: "payments.enricher" },
    });
    const objects = render();
    const user = ofKind(objects, "KafkaUser")[0] as any;
    expect(user.metadata).toMatchObject({ name: "payments-enricher", namespace: "kafka" });
    expect(user.spec.authorization.acls).toEqual([
      { type: "allow", resource: { type: "group", name: "payments.enricher", patternType: "literal" }, operations: ["Read"] },
      { type: "allow", resource: { type: "topic", name: "payments.enriched", patternType: "literal" }, operations: ["Write"] },
      { type: "allow", resource: { type: "topic", name: "payments.orders", patternType: "literal" }, operations: ["Read"] },
      { type: "allow", resource: { type: "topic", name: "payments.raw-", patternType: "prefix" }, operations: ["Read"] },
    ]);
    expect(app.kafka?.user.userName).toBe("payments-enricher");
    expectSchemaValid(objects);
  });

  test("credentials by secret reference, bootstrap from the cluster, CA mounted; no secret value rendered", () => {
    const { application, render, orders, cluster } = setup();
    application({ kafka: { cluster, reads: [orders] } });
    const fd = ofKind(render(), "FlinkDeployment")[0] as any;
    const container = fd.spec.podTemplate.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      FLOE_KAFKA_BOOTSTRAP_SERVERS: "events-kafka-bootstrap.kafka.svc:9093",
      FLOE_KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
      FLOE_KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
      FLOE_KAFKA_SASL_JAAS_CONFIG: { secretKeyRef: { name: "payments-enricher", key: "sasl.jaas.config" } },
      FLOE_KAFKA_GROUP_ID: "payments-enricher",
      FLOE_KAFKA_SSL_TRUSTSTORE_LOCATION: "/etc/floe/kafka/ca/ca.crt",
    });
    expect(fd.spec.podTemplate.spec.volumes).toEqual([
      { name: "kafka-cluster-ca", secret: { secretName: "events-cluster-ca-cert", items: [{ key: "ca.crt", path: "ca.crt" }] } },
    ]);
    expect(JSON.stringify(fd)).not.toMatch(/password"\s*:\s*"|sasl\.jaas\.config"\s*:\s*"org/);
  });

  test("TLS users get the keystore mounted and its password by reference, through the mTLS listener", () => {
    const { application, render, orders, cluster } = setup();
    application({ kafka: { cluster, reads: [orders], authentication: KafkaAuthenticationType.TLS } });
    const fd = ofKind(render(), "FlinkDeployment")[0] as any;
    const env = Object.fromEntries(fd.spec.podTemplate.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.FLOE_KAFKA_BOOTSTRAP_SERVERS).toBe("events-kafka-bootstrap.kafka.svc:9094");
    expect(env.FLOE_KAFKA_SECURITY_PROTOCOL).toBe("SSL");
    expect(env.FLOE_KAFKA_SSL_KEYSTORE_PASSWORD).toEqual({ secretKeyRef: { name: "payments-enricher", key: "user.password" } });
    expect(fd.spec.podTemplate.spec.volumes.map((v: any) => v.name)).toEqual(["kafka-cluster-ca", "kafka-user"]);
  });

  test("fails UnknownListener and ListenerAuthenticationMismatch", () => {
    const a = setup();
    a.application({ kafka: { cluster: a.cluster, reads: [a.orders], listener: "nope" } });
    expect(catchValidation(() => validateApp(a.app)).code).toBe("UnknownListener");
    const b = setup();
    b.application({ kafka: { cluster: b.cluster, reads: [b.orders], listener: "mtls" } });
    const e = catchValidation(() => validateApp(b.app));
    expect(e.code).toBe("ListenerAuthenticationMismatch");
    expect(e.issues[0].message).toBe("listener mtls expects tls clients, the workload's user uses scram-sha-512");
  });

  test("tenant scope: a job cannot be granted another tenant's topic", () => {
    const { application, cluster, chart } = setup();
    const other = new KafkaTopic(chart, "Other", { cluster, topicName: "logistics.shipments" });
    const e = catchValidation(() =>
      application({ kafka: { cluster, reads: [other], aclScope: { topicPrefix: "payments.", groupPrefix: "payments." } } }),
    );
    expect(e.code).toBe("AclOutsideScope");
  });
});

describe("FlinkApplication safety rules", () => {
  const atSynth = (props: Partial<FlinkApplicationProps>) => {
    const { application, app } = setup();
    application(props);
    return catchValidation(() => validateApp(app));
  };
  const atConstruction = (props: Partial<FlinkApplicationProps>) => {
    const { application } = setup();
    return catchValidation(() => application(props));
  };

  test("fails SavepointRequiresStorage", () => {
    const e = atSynth({ checkpointStorage: undefined });
    expect(e).toMatchObject({ code: "SavepointRequiresStorage", field: "checkpointStorage" });
    expect(e.fix).toBe("set checkpointStorage (the region's checkpoint bucket)");
  });

  test("fails LastStateRequiresHaAndCheckpoints without storage or with HA off", () => {
    expect(atSynth({ checkpointStorage: undefined, upgradeMode: UpgradeMode.LAST_STATE }).issues.map((i) => i.code)).toContain("LastStateRequiresHaAndCheckpoints");
    const e = atSynth({ upgradeMode: UpgradeMode.LAST_STATE, highAvailability: false });
    expect(e.code).toBe("LastStateRequiresHaAndCheckpoints");
    expect(e.issues[0].message).toMatch(/\(HA is off\)$/);
  });

  test("fails StatelessUpgradeInProduction unless the job declares itself stateless or is not production", () => {
    const e = atSynth({ upgradeMode: UpgradeMode.STATELESS });
    expect(e.code).toBe("StatelessUpgradeInProduction");
    expect(e.fix).toMatch(/declare stateless: true/);
    for (const ok of [{ stateless: true }, { production: false }]) {
      const { application, app } = setup();
      application({ upgradeMode: UpgradeMode.STATELESS, ...ok });
      expect(() => validateApp(app)).not.toThrow();
    }
  });

  test("fails StoragePrefixOutsideTenant: another tenant's prefix, the tenant root, a platform job in tenants/", () => {
    expect(atSynth({ storagePrefix: "tenants/logistics/enricher/" }).code).toBe("StoragePrefixOutsideTenant");
    expect(atSynth({ storagePrefix: "tenants/payments/" }).code).toBe("StoragePrefixOutsideTenant");
    expect(atSynth({ storagePrefix: "tenants/payments/../logistics/x/" }).code).toBe("StoragePrefixOutsideTenant");
    const e = atSynth({ tenant: undefined, storagePrefix: "tenants/payments/x/" });
    expect(e.code).toBe("StoragePrefixOutsideTenant");
    expect(e.issues[0].message).toBe('the job\'s state must live in its own folder under "platform/"');
  });

  test("fails CheckpointDirOverlap for the same or a nested prefix in the same bucket; other buckets are fine", () => {
    const { application, app } = setup();
    application({ storagePrefix: "tenants/payments/enricher/" });
    application({ name: "payments-enricher-2", storagePrefix: "tenants/payments/enricher/v2/" }, "Second");
    application({ name: "payments-enricher-3", storagePrefix: "tenants/payments/enricher/", checkpointStorage: CheckpointBucket.fromBucketName("other-bucket") }, "Third");
    const e = catchValidation(() => validateApp(app));
    const overlaps = issuesWithCode(e, "CheckpointDirOverlap");
    expect(overlaps.map((i) => i.scope)).toEqual(["test/Enricher", "test/Second"]);
    expect(overlaps[0].message).toBe("overlaps the state of test/Second (s3://floe-prod-eu-west-1-state/tenants/payments/enricher/v2/)");
  });

  test("fails ImageNotPinned for latest or untagged images", () => {
    expect(atConstruction({ image: "flink:latest" }).issues[0].message).toBe("uses the moving tag 'latest'");
    expect(atConstruction({ image: "registry.example.com:5000/team/job" }).issues[0].message).toBe("has no tag or digest, so it resolves to 'latest'");
  });

  test("fails UnsupportedFlinkVersion, InvalidFlinkResources, InvalidFlinkCount, DerivedFlinkConfiguration", () => {
    expect(atConstruction({ flinkVersion: "v1_15" }).fix).toBe("use one of v1_20, v2_0, v2_1, v2_2");
    expect(atConstruction({ jobManager: { resources: { cpu: 0, memory: "2048m" } } }).field).toBe("jobManager.resources.cpu");
    expect(atConstruction({ taskManager: { resources: { cpu: 1, memory: "lots" } } }).field).toBe("taskManager.resources.memory");
    expect(atConstruction({ taskManager: { slots: 0 } })).toMatchObject({ code: "InvalidFlinkCount", field: "taskManager.slots" });
    const e = atConstruction({ flinkConfiguration: { "state.checkpoints.dir": "s3://elsewhere/x" } });
    expect(e).toMatchObject({ code: "DerivedFlinkConfiguration", field: "flinkConfiguration.state.checkpoints.dir" });
  });

  test("fails NameTooLong for a deployment name over 45 characters", () => {
    const e = atConstruction({ name: "p".repeat(46) });
    expect(e.code).toBe("NameTooLong");
    expect(e.issues[0].message).toMatch(/limit is 45 \(the operator derives/);
  });

  test("fails InvalidParallelism, InvalidJarUri, EmptySqlStatement", () => {
    expect(atConstruction({ parallelism: 0 }).code).toBe("InvalidParallelism");
    expect(atConstruction({ job: FlinkJob.jar("/opt/flink/usrlib/job.jar") }).code).toBe("InvalidJarUri");
    expect(atConstruction({ job: FlinkJob.sql([]) }).code).toBe("EmptySqlStatement");
    expect(atConstruction({ job: FlinkJob.sql(["SELECT 1", ";"]) }).code).toBe("EmptySqlStatement");
  });

  test("fails HighAvailabilityRequiresStorage and StandbyJobManagerRequiresHa", () => {
    expect(atConstruction({ checkpointStorage: undefined, highAvailability: true, upgradeMode: UpgradeMode.STATELESS }).code).toBe(
      "HighAvailabilityRequiresStorage",
    );
    expect(atConstruction({ highAvailability: false, jobManager: { replicas: 2 } }).code).toBe("StandbyJobManagerRequiresHa");
  });

  test("fails InvalidDuration, InvalidCheckpointInterval, InvalidCheckpointsRetained", () => {
    expect(atConstruction({ periodicSavepointInterval: "hourly" })).toMatchObject({ code: "InvalidDuration", field: "periodicSavepointInterval" });
    expect(atConstruction({ checkpointInterval: "0s" }).code).toBe("InvalidCheckpointInterval");
    expect(atConstruction({ checkpointInterval: "often" })).toMatchObject({ code: "InvalidDuration", field: "checkpointInterval" });
    expect(atConstruction({ checkpointsRetained: 0 }).code).toBe("InvalidCheckpointsRetained");
  });

  test("fails InvalidUtilization and InvalidAutoscalerParallelism", () => {
    expect(atConstruction({ autoscaler: { targetUtilization: 1.5 } })).toMatchObject({ code: "InvalidUtilization", field: "autoscaler.targetUtilization" });
    expect(atConstruction({ autoscaler: { minUtilization: 0.8, targetUtilization: 0.7 } }).issues[0].message).toBe(
      "utilizations must be ordered min < target < max",
    );
    const e = atConstruction({ parallelism: 8, autoscaler: { maxParallelism: 4 } });
    expect(e).toMatchObject({ code: "InvalidAutoscalerParallelism", field: "autoscaler.maxParallelism" });
    expect(e.fix).toBe("raise maxParallelism to at least 8");
    expect(atConstruction({ autoscaler: { minParallelism: 0 } }).field).toBe("autoscaler.minParallelism");
    expect(atConstruction({ autoscaler: { quota: { cpu: 0, memoryBytes: 1024 } } })).toMatchObject({ code: "InvalidAutoscalerQuota", field: "autoscaler.quota" });
    expect(atConstruction({ autoscaler: { quota: { cpu: 2, memoryBytes: 1.5 } } }).code).toBe("InvalidAutoscalerQuota");
  });

  test("fails InvalidBucketName", () => {
    expect(catchValidation(() => CheckpointBucket.fromBucketName("My_Bucket")).code).toBe("InvalidBucketName");
    expect(catchValidation(() => CheckpointBucket.fromBucketName("10.0.0.1")).code).toBe("InvalidBucketName");
  });
});
