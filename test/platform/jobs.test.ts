import { composePlatform, parsePlatformSpec, synthesize } from "../../lib/internal";
import { catchValidation, expectRestrictedPod, expectSchemaValid } from "../helpers";
import { devSpecWithJob, exampleSpec } from "../helpers/specs";

function tenantFile(spec: unknown, path: string) {
  const tree = synthesize(parsePlatformSpec(spec));
  const file = tree.files.find((f) => f.path === path);
  if (!file) throw new Error(`no file ${path}`);
  return file.objects as any[];
}

describe("tenants[].jobs[] in the platform spec", () => {
  test("a job renders a FlinkDeployment in the tenant's namespace, with its KafkaUser and state under the tenant prefix", () => {
    const objects = tenantFile(devSpecWithJob(), "local/tenant-alpha.yaml");
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`).filter((n) => !/Role|Quota|LimitRange|NetworkPolicy|ServiceAccount/.test(n))).toEqual([
      "Namespace//alpha",
      "SecretStore/alpha/kafka-credentials",
      "ExternalSecret/alpha/alpha-enricher",
      "ExternalSecret/alpha/dev-cluster-ca-cert",
      // The tenant's Grafana dashboard, in the platform team's Kafka namespace (not writable by the tenant).
      "ConfigMap/kafka/floe-dev-local-alpha",
      "KafkaTopic/kafka/alpha.events",
      "KafkaTopic/kafka/alpha.state",
      "KafkaUser/kafka/alpha-enricher",
      "KafkaUser/kafka/alpha-reader",
      "KafkaUser/kafka/alpha-writer",
      "FlinkDeployment/alpha/alpha-enricher",
      "PodMonitor/alpha/flink-metrics",
      "PrometheusRule/alpha/alpha-alerts",
      // The lag alert reads the Kafka namespace's series, so it lives there (a namespace-enforcing Prometheus).
      "PrometheusRule/kafka/alpha-kafka-alerts",
    ]);
    const role = objects.find((o) => o.kind === "Role" && o.metadata.name === "alpha-kafka-credentials");
    expect(role.metadata.namespace).toBe("kafka");
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["dev-cluster-ca-cert", "alpha-enricher"] }]);
    const ns = objects[0];
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(ns.metadata.labels["floe.dev/tenant"]).toBe("alpha");
    const fd = objects.find((o) => o.kind === "FlinkDeployment");
    expect(fd.spec.flinkConfiguration["state.checkpoints.dir"]).toBe("s3://floe-dev-local-state/tenants/alpha/enricher/checkpoints");
    expect(fd.spec.image).toBe("registry.example.com/alpha/enricher:1.0.0");
    expect(fd.spec.serviceAccount).toBe("alpha-flink");
    expectRestrictedPod(fd.spec.podTemplate.spec);
    const user = objects.find((o) => o.metadata.name === "alpha-enricher" && o.kind === "KafkaUser");
    expect(user.spec.authorization.acls).toEqual([
      { type: "allow", resource: { type: "group", name: "alpha.enricher", patternType: "literal" }, operations: ["Read"] },
      { type: "allow", resource: { type: "topic", name: "alpha.events", patternType: "literal" }, operations: ["Read"] },
      { type: "allow", resource: { type: "topic", name: "alpha.state", patternType: "literal" }, operations: ["Write"] },
    ]);
    expect(fd.spec.podTemplate.spec.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: "FLOE_KAFKA_BOOTSTRAP_SERVERS", value: "dev-kafka-bootstrap.kafka.svc:9093" },
        { name: "FLOE_KAFKA_GROUP_ID", value: "alpha.enricher" },
      ]),
    );
    expectSchemaValid(objects);
  });

  test("the example's jobs (jar and SQL) render and validate in every region", () => {
    const tree = synthesize(parsePlatformSpec(exampleSpec()));
    const flink = tree.files.flatMap((f) => f.objects).filter((o) => o.kind === "FlinkDeployment") as any[];
    expect(flink.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
      "analytics/analytics-daily-rollup",
      "analytics/analytics-daily-rollup",
      "payments/payments-fraud-scorer",
      "payments/payments-fraud-scorer",
      "payments/payments-order-totals",
      "payments/payments-order-totals",
    ]);
    const buckets = flink.map((o) => o.spec.flinkConfiguration["state.checkpoints.dir"].split("/")[2]).sort();
    // us-east-1 names no bucket: the default carries the spec's account (what the stack creates).
    expect(buckets).toEqual([
      "floe-prod-eu-west-1-state",
      "floe-prod-eu-west-1-state",
      "floe-prod-eu-west-1-state",
      "floe-prod-us-east-1-123456789012",
      "floe-prod-us-east-1-123456789012",
      "floe-prod-us-east-1-123456789012",
    ]);
    expectSchemaValid(tree.files.flatMap((f) => f.objects));
  });

  test("production refuses a stateless upgrade unless the job declares itself stateless (spec path in the error)", () => {
    const spec = devSpecWithJob();
    spec.production = true;
    spec.regions[0].kafka = { name: "dev", brokers: { replicas: 3 } };
    spec.tenants[0].jobs[0].upgradeMode = "stateless";
    const e = catchValidation(() => composePlatform(parsePlatformSpec(spec)));
    expect(e).toMatchObject({ code: "StatelessUpgradeInProduction", scope: "tenants[0].jobs[0]", field: "upgradeMode" });
    spec.tenants[0].jobs[0].stateless = true;
    expect(() => composePlatform(parsePlatformSpec(spec))).not.toThrow();
  });

  test("construct errors of a job name the job's spec path", () => {
    const spec = devSpecWithJob();
    spec.tenants[0].jobs[0].jar.uri = "/opt/flink/usrlib/enricher.jar";
    spec.tenants[0].jobs[0].image = "registry.example.com/alpha/enricher";
    const e = catchValidation(() => composePlatform(parsePlatformSpec(spec)));
    expect(e.issues.map((i) => `${i.code} ${i.scope}.${i.field}`)).toEqual([
      "ImageNotPinned tenants[0].jobs[0].image",
      "InvalidJarUri tenants[0].jobs[0].jar.uri",
    ]);
  });

  test("a checkpoint bucket that is not a valid S3 name is an error on the region", () => {
    const spec = devSpecWithJob();
    spec.regions[0].flink = { checkpointBucket: "Alpha_State" };
    const e = catchValidation(() => composePlatform(parsePlatformSpec(spec)));
    expect(e).toMatchObject({ code: "InvalidBucketName", scope: "regions[0]", field: "flink.checkpointBucket" });
  });

  test("a default bucket name too long for S3 is shortened deterministically and stays valid", () => {
    const spec = devSpecWithJob();
    spec.environment = "e".repeat(60);
    const fd = (synthesize(parsePlatformSpec(spec)).files.flatMap((f) => f.objects) as any[]).find((o) => o.kind === "FlinkDeployment");
    const bucket = fd.spec.flinkConfiguration["state.checkpoints.dir"].split("/")[2];
    expect(bucket).toHaveLength(63);
    expect(bucket).toMatch(/^floe-e+-[0-9a-f]{8}$/);
    expect((synthesize(parsePlatformSpec(spec)).files.flatMap((f) => f.objects) as any[]).find((o) => o.kind === "FlinkDeployment").spec.flinkConfiguration["state.checkpoints.dir"]).toContain(bucket);
  });

  test("fails CheckpointBucketInAnotherRegion when two regions name the same bucket", () => {
    const spec: any = exampleSpec();
    spec.regions[1].flink = { checkpointBucket: "floe-prod-eu-west-1-state" };
    expect(catchValidation(() => parsePlatformSpec(spec))).toMatchObject({ code: "CheckpointBucketInAnotherRegion", scope: "regions[1]", field: "flink.checkpointBucket" });
  });

  test("spec rules: exactly one of jar/sql, known topics, unique job names, job vs app names, reserved tenant names", () => {
    const both = devSpecWithJob();
    both.tenants[0].jobs[0].sql = { statements: ["SELECT 1"] };
    expect(catchValidation(() => parsePlatformSpec(both)).issues[0]).toMatchObject({
      scope: "tenants[0].jobs[0]",
      field: "jar",
      message: "a job runs either a jar or SQL statements: set exactly one of jar or sql",
    });
    const unknown = devSpecWithJob();
    unknown.tenants[0].jobs[0].writes = ["nope"];
    expect(catchValidation(() => parsePlatformSpec(unknown))).toMatchObject({ code: "UnknownTopic", scope: "tenants[0].jobs[0]", field: "writes[0]" });
    const dup = devSpecWithJob();
    dup.tenants[0].jobs.push({ ...dup.tenants[0].jobs[0] });
    expect(catchValidation(() => parsePlatformSpec(dup)).code).toBe("DuplicateJob");
    const clash = devSpecWithJob();
    clash.tenants[0].jobs[0].name = "writer";
    expect(catchValidation(() => parsePlatformSpec(clash))).toMatchObject({ code: "DuplicateWorkloadName", field: "name", value: "writer" });
    const reserved = devSpecWithJob();
    reserved.tenants[1].name = "kafka";
    expect(catchValidation(() => parsePlatformSpec(reserved))).toMatchObject({ code: "ReservedTenantName", scope: "tenants[1]" });
  });
});

describe("tenants[].sessionClusters[] and session jobs (jobs[].session)", () => {
  const sessionSpec = (mutate: (spec: any) => void = () => undefined) => {
    const spec = devSpecWithJob();
    spec.tenants[0].sessionClusters = [{ name: "adhoc", taskManager: { slots: 4, cpu: 1, memory: "2048m" } }];
    spec.tenants[0].jobs.push({
      name: "sessionizer",
      session: "adhoc",
      jar: { uri: "local:///opt/flink/usrlib/sessionizer.jar" },
      parallelism: 3,
      reads: ["events"],
    });
    mutate(spec);
    return spec;
  };
  const objects = () => tenantFile(sessionSpec(), "local/tenant-alpha.yaml");
  const find = (all: any[], kind: string, name: string) => all.find((o) => o.kind === kind && o.metadata.name === name);

  test("a session cluster: a FlinkDeployment without job, running as the tenant's account, with one KafkaUser whose credentials its pods get", () => {
    const all = objects();
    expectSchemaValid(all);
    const cluster = find(all, "FlinkDeployment", "alpha-adhoc");
    expect(cluster.spec.job).toBeUndefined();
    expect(cluster.spec.serviceAccount).toBe("alpha-flink");
    expect(cluster.metadata.namespace).toBe("alpha");
    expect(cluster.spec.flinkConfiguration["high-availability.storageDir"]).toBe("s3://floe-dev-local-state/tenants/alpha/sessions/adhoc/ha");
    expectRestrictedPod(cluster.spec.podTemplate.spec);
    const env = Object.fromEntries(cluster.spec.podTemplate.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      FLOE_KAFKA_BOOTSTRAP_SERVERS: "dev-kafka-bootstrap.kafka.svc:9093",
      FLOE_KAFKA_SASL_JAAS_CONFIG: { secretKeyRef: { name: "alpha-adhoc", key: "sasl.jaas.config" } },
    });
    // The user's Secret is delivered into the tenant namespace like a job's.
    expect(find(all, "ExternalSecret", "alpha-adhoc")).toBeDefined();
  });

  test("a session job: a FlinkSessionJob on its cluster, its own state and consumer group, its topics granted to the cluster's user", () => {
    const all = objects();
    const job = find(all, "FlinkSessionJob", "alpha-sessionizer");
    expect(job.metadata.namespace).toBe("alpha");
    expect(job.spec.deploymentName).toBe("alpha-adhoc");
    expect(job.spec.job).toMatchObject({ jarURI: "local:///opt/flink/usrlib/sessionizer.jar", parallelism: 3, upgradeMode: "savepoint", state: "running" });
    expect(job.spec.flinkConfiguration).toMatchObject({
      "floe.kafka.group.id": "alpha.sessionizer",
      "state.checkpoints.dir": "s3://floe-dev-local-state/tenants/alpha/sessionizer/checkpoints",
    });
    const user = find(all, "KafkaUser", "alpha-adhoc");
    expect(user.spec.authorization.acls).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ resource: { type: "topic", name: "alpha.events", patternType: "literal" }, operations: expect.arrayContaining(["Read"]) }),
        expect.objectContaining({ resource: { type: "group", name: "alpha.sessionizer", patternType: "literal" } }),
      ]),
    );
    // No user of its own: its JVMs are the cluster's.
    expect(find(all, "KafkaUser", "alpha-sessionizer")).toBeUndefined();
  });

  test("the cluster counts against the tenant's quota with TaskManagers for its jobs' slots", () => {
    const e = catchValidation(() =>
      composePlatform(parsePlatformSpec(sessionSpec((s) => {
        s.tenants[0].quota = { cpu: "4", memory: "16Gi", pods: 40 };
        s.tenants[0].jobs[1].parallelism = 16;
      }))),
    );
    // enricher: 1 JM + 1 TM (1 CPU each); adhoc: 1 JM + 4 TMs (16 slots / 4): 7 CPU.
    expect(e.issues.find((i) => i.code === "TenantQuotaExceeded")!.message).toMatch(/CPU 7 > 4/);
  });

  test("errors: an unknown cluster, a SQL job on a session, a cluster setting on a session job, a name taken twice", () => {
    const unknown = catchValidation(() => parsePlatformSpec(sessionSpec((s) => (s.tenants[0].jobs[1].session = "nope"))));
    expect(unknown.issues.find((i) => i.code === "UnknownSessionCluster")).toMatchObject({ scope: "tenants[0].jobs[1]", field: "session", value: "nope", fix: "use one of adhoc" });
    const sql = catchValidation(() =>
      parsePlatformSpec(sessionSpec((s) => {
        delete s.tenants[0].jobs[1].jar;
        s.tenants[0].jobs[1].sql = { statements: ["SELECT 1"] };
      })),
    );
    expect(sql.issues.find((i) => i.code === "SqlJobOnSession")).toMatchObject({ scope: "tenants[0].jobs[1]", field: "sql" });
    const field = catchValidation(() => parsePlatformSpec(sessionSpec((s) => (s.tenants[0].jobs[1].taskManager = { slots: 8 }))));
    expect(field.issues.find((i) => i.code === "SessionJobClusterField")).toMatchObject({ scope: "tenants[0].jobs[1]", field: "taskManager", fix: "set it on tenants[0].sessionClusters[name=adhoc], or remove session" });
    const twice = catchValidation(() => parsePlatformSpec(sessionSpec((s) => s.tenants[0].sessionClusters.push({ name: "enricher" }))));
    expect(twice.issues.find((i) => i.code === "DuplicateWorkloadName")).toMatchObject({ scope: "tenants[0].sessionClusters[1]", field: "name", value: "enricher" });
  });
});
