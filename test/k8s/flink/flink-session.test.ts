import {
  CheckpointBucket,
  FlinkApplication,
  FlinkJob,
  FlinkSessionCluster,
  FlinkSessionClusterProps,
  FlinkSessionJob,
  FlinkSessionJobProps,
  KafkaCluster,
  KafkaTopic,
  UpgradeMode,
} from "../../../lib/internal";
import { catchValidation, expectRestrictedPod, expectSchemaValid, newChart, ofKind, synth, validateApp } from "../../helpers";

const bucket = CheckpointBucket.fromBucketName("floe-prod-eu-west-1-state");
const jar = FlinkJob.jar("local:///opt/flink/usrlib/job.jar");

function setup(clusterProps: Partial<FlinkSessionClusterProps> = {}) {
  const { app, chart } = newChart();
  const session = new FlinkSessionCluster(chart, "Session", {
    name: "analytics-session",
    namespace: "analytics",
    tenant: "analytics",
    checkpointStorage: bucket,
    ...clusterProps,
  });
  const job = (props: Partial<FlinkSessionJobProps> = {}, id = "Job") =>
    new FlinkSessionJob(chart, id, { sessionCluster: session, name: "sessionizer", tenant: "analytics", job: jar, checkpointStorage: bucket, ...props });
  return { app, chart, session, job };
}

describe("FlinkSessionCluster", () => {
  test("a FlinkDeployment without job, restricted pods, HA under the tenant's sessions prefix", () => {
    const { app, chart } = setup({ taskManager: { replicas: 2, slots: 4 } });
    const objects = synth(app, chart);
    const fd = ofKind(objects, "FlinkDeployment")[0] as any;
    expect(fd.spec.job).toBeUndefined();
    // The tenant's account (Tenant creates `<tenant>-flink`), not the operator chart's `flink`.
    expect(fd.spec.serviceAccount).toBe("analytics-flink");
    expect(fd.spec.taskManager.replicas).toBe(2);
    expect(fd.spec.flinkConfiguration).toEqual({
      "high-availability.storageDir": "s3://floe-prod-eu-west-1-state/tenants/analytics/sessions/analytics-session/ha",
      "high-availability.type": "kubernetes",
      "metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
      "metrics.reporter.prom.port": "9249",
      "taskmanager.numberOfTaskSlots": "4",
    });
    expect(fd.spec.podTemplate.spec.containers[0].ports).toEqual([{ name: "metrics", containerPort: 9249, protocol: "TCP" }]);
    expectRestrictedPod(fd.spec.podTemplate.spec);
    expectSchemaValid(objects);
    const { app: a2, chart: c2 } = setup({ metrics: false });
    const plain = ofKind(synth(a2, c2), "FlinkDeployment")[0] as any;
    expect(plain.spec.flinkConfiguration["metrics.reporter.prom.port"]).toBeUndefined();
    expect(plain.spec.podTemplate.spec.containers[0].ports).toBeUndefined();
  });

  test("without storage: no HA; HA requested without storage fails HighAvailabilityRequiresStorage", () => {
    const { app, chart } = setup({ checkpointStorage: undefined });
    expect((ofKind(synth(app, chart), "FlinkDeployment")[0] as any).spec.flinkConfiguration["high-availability.type"]).toBeUndefined();
    expect(catchValidation(() => setup({ checkpointStorage: undefined, highAvailability: true })).code).toBe("HighAvailabilityRequiresStorage");
  });

  test("cluster option rules apply (ImageNotPinned)", () => {
    expect(catchValidation(() => setup({ image: "flink" })).code).toBe("ImageNotPinned");
  });
});

describe("FlinkSessionJob", () => {
  test("references the session cluster object: deploymentName and namespace come from it", () => {
    const { app, chart, job } = setup();
    job({ parallelism: 4, job: FlinkJob.jar("https://artifacts.example.com/sessionizer-2.0.jar", { entryClass: "com.example.Sessionizer" }) });
    const objects = synth(app, chart);
    const sj = ofKind(objects, "FlinkSessionJob")[0] as any;
    expect(sj.metadata).toMatchObject({ name: "sessionizer", namespace: "analytics" });
    expect(sj.spec.deploymentName).toBe("analytics-session");
    expect(sj.spec.job).toEqual({
      jarURI: "https://artifacts.example.com/sessionizer-2.0.jar",
      entryClass: "com.example.Sessionizer",
      parallelism: 4,
      upgradeMode: "savepoint",
      state: "running",
    });
    expect(sj.spec.flinkConfiguration["state.checkpoints.dir"]).toBe("s3://floe-prod-eu-west-1-state/tenants/analytics/sessionizer/checkpoints");
    expect(sj.spec.flinkConfiguration["execution.checkpointing.externalized-checkpoint-retention"]).toBe("RETAIN_ON_CANCELLATION");
    expectSchemaValid(objects);
  });

  test("uses the option names of the session cluster's Flink version", () => {
    const { app, chart, job } = setup({ flinkVersion: "v2_0" });
    job();
    const sj = ofKind(synth(app, chart), "FlinkSessionJob")[0] as any;
    expect(sj.spec.flinkConfiguration["execution.checkpointing.dir"]).toMatch(/sessionizer\/checkpoints$/);
  });

  test("fails SqlJobNeedsApplication and InvalidParallelism", () => {
    const { job } = setup();
    expect(catchValidation(() => job({ job: FlinkJob.sql("SELECT 1") }, "A")).code).toBe("SqlJobNeedsApplication");
    expect(catchValidation(() => job({ parallelism: 1.5 }, "B")).code).toBe("InvalidParallelism");
  });

  test("fails LastStateRequiresHaAndCheckpoints when the session cluster has no HA", () => {
    const { app, job } = setup({ highAvailability: false });
    job({ upgradeMode: UpgradeMode.LAST_STATE });
    expect(catchValidation(() => validateApp(app)).code).toBe("LastStateRequiresHaAndCheckpoints");
  });

  test("fails CheckpointDirOverlap with an application using the same prefix", () => {
    const { app, chart, job } = setup();
    job({ storagePrefix: "tenants/analytics/shared/" });
    new FlinkApplication(chart, "App", {
      name: "other",
      namespace: "analytics",
      tenant: "analytics",
      job: jar,
      checkpointStorage: bucket,
      storagePrefix: "tenants/analytics/shared/",
    });
    const e = catchValidation(() => validateApp(app));
    expect(e.issues.map((i) => `${i.code} ${i.scope}`)).toEqual(["CheckpointDirOverlap test/Job", "CheckpointDirOverlap test/App"]);
  });
});

describe("Kafka access on a session cluster and its jobs", () => {
  const kafkaSetup = (withKafka = true) => {
    const { app, chart } = newChart();
    const kafka = new KafkaCluster(chart, "Kafka", { name: "events", namespace: "kafka" });
    const orders = new KafkaTopic(chart, "Orders", { cluster: kafka, topicName: "analytics.orders" });
    const out = new KafkaTopic(chart, "Out", { cluster: kafka, topicName: "analytics.out" });
    const session = new FlinkSessionCluster(chart, "Session", {
      name: "analytics-session",
      namespace: "analytics",
      tenant: "analytics",
      checkpointStorage: bucket,
      ...(withKafka ? { kafka: { cluster: kafka } } : {}),
    });
    return { app, chart, session, orders, out };
  };

  test("one KafkaUser for the cluster, its credentials in every pod; each job's topics and group granted to it; the group in the job's configuration", () => {
    const { app, chart, session, orders, out } = kafkaSetup();
    new FlinkSessionJob(chart, "A", { sessionCluster: session, name: "a", tenant: "analytics", job: jar, checkpointStorage: bucket, parallelism: 3, kafka: { reads: [orders], writes: [out] } });
    new FlinkSessionJob(chart, "B", { sessionCluster: session, name: "b", tenant: "analytics", job: jar, checkpointStorage: bucket, kafka: { reads: [orders], group: "analytics.b-readers" } });
    const objects = synth(app, chart);
    const fd = ofKind(objects, "FlinkDeployment")[0] as any;
    const env = fd.spec.podTemplate.spec.containers[0].env.map((e: any) => e.name);
    expect(env).toEqual(expect.arrayContaining(["FLOE_KAFKA_BOOTSTRAP_SERVERS", "FLOE_KAFKA_SASL_JAAS_CONFIG", "FLOE_KAFKA_SSL_TRUSTSTORE_LOCATION"]));
    const users = ofKind(objects, "KafkaUser") as any[];
    expect(users.map((u) => u.metadata.name)).toEqual(["analytics-session"]);
    const groups = users[0].spec.authorization.acls.filter((a: any) => a.resource.type === "group").map((a: any) => a.resource.name).sort();
    expect(groups).toEqual(["a", "analytics.b-readers"]);
    const jobs = ofKind(objects, "FlinkSessionJob") as any[];
    expect(jobs.map((j) => j.spec.flinkConfiguration["floe.kafka.group.id"])).toEqual(["a", "analytics.b-readers"]);
    expect(session.footprint.pods).toBe(1 + 2); // 4 slots (3 + 1) on 2-slot TaskManagers, plus the JobManager
    expectSchemaValid(objects);
  });

  test("fails SessionClusterWithoutKafka when the cluster has no Kafka access", () => {
    const { chart, session, orders } = kafkaSetup(false);
    const e = catchValidation(() => new FlinkSessionJob(chart, "A", { sessionCluster: session, name: "a", tenant: "analytics", job: jar, checkpointStorage: bucket, kafka: { reads: [orders] } }));
    expect(e).toMatchObject({ code: "SessionClusterWithoutKafka", field: "kafka", value: "analytics-session", fix: "set kafka (the Kafka cluster) on the FlinkSessionCluster" });
  });
});
