import { buildLineage, diffTrees, parsePlatformSpec, synthesize, treeObjects } from "../../lib/internal";
import { catchValidation, expectSchemaValid, issuesWithCode } from "../helpers";
import { devSpecWithJob, devSpecWithSource, exampleSpec } from "../helpers/specs";

type Obj = any;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const objects = (spec: unknown): Obj[] => synthesize(parsePlatformSpec(spec)).files.flatMap((f) => f.objects) as Obj[];
const find = (all: Obj[], kind: string, name: string) => all.find((o) => o.kind === kind && o.metadata.name === name);
const withJob = (change: Obj, tenant: Obj = {}) => {
  const spec = devSpecWithJob();
  Object.assign(spec.tenants[0].jobs[0], change);
  Object.assign(spec.tenants[0], tenant);
  return spec;
};
const env = (fd: Obj) => Object.fromEntries(fd.spec.podTemplate.spec.containers[0].env.filter((e: Obj) => e.value !== undefined).map((e: Obj) => [e.name, e.value]));
const SAVEPOINTS = "s3://floe-dev-local-state/tenants/alpha/enricher/savepoints";

describe("processing guarantee", () => {
  test("exactly-once: checkpointing mode, Kafka transactions (ids under <tenant>.<job>, timeout within the brokers'), read_committed", () => {
    const all = objects(withJob({ guarantee: "exactly-once" }));
    expectSchemaValid(all);
    const fd = find(all, "FlinkDeployment", "alpha-enricher");
    expect(fd.spec.flinkConfiguration["execution.checkpointing.mode"]).toBe("EXACTLY_ONCE");
    expect(env(fd)).toMatchObject({
      FLOE_KAFKA_DELIVERY_GUARANTEE: "EXACTLY_ONCE",
      FLOE_KAFKA_ISOLATION_LEVEL: "read_committed",
      FLOE_KAFKA_TRANSACTIONAL_ID_PREFIX: "alpha.enricher",
      FLOE_KAFKA_TRANSACTION_TIMEOUT_MS: "900000",
    });
    const user = find(all, "KafkaUser", "alpha-enricher");
    expect(user.spec.authorization.acls).toContainEqual({ type: "allow", resource: { type: "transactionalId", name: "alpha.enricher", patternType: "prefix" }, operations: ["Write", "Describe"] });
  });

  test("transactional ids are the tenant's: tenant a's job b cannot write the ids of tenant a-b's job c (a bare a-b prefix would)", () => {
    const s = withJob({ guarantee: "exactly-once" });
    s.tenants[0].jobs[0].name = "b";
    s.tenants[0].name = "a";
    s.tenants[1] = { ...JSON.parse(JSON.stringify(s.tenants[0])), name: "a-b" };
    s.tenants[1].jobs[0].name = "c";
    const all = objects(s);
    const prefixOf = (user: string) => find(all, "KafkaUser", user).spec.authorization.acls.find((a: Obj) => a.resource.type === "transactionalId").resource.name as string;
    const ids = { "a-b": `${prefixOf("a-b")}-0-1`, "a-b-c": `${prefixOf("a-b-c")}-0-1` };
    expect(ids["a-b-c"].startsWith(prefixOf("a-b"))).toBe(false);
    expect(ids["a-b"].startsWith(prefixOf("a-b-c"))).toBe(false);
  });

  test("floe diff names a changed transactional id prefix (what upgrading to <tenant>.<job> prefixes does to a running job)", () => {
    const head = synthesize(parsePlatformSpec(withJob({ guarantee: "exactly-once" }))).files;
    const base = clone(head);
    for (const f of base) {
      for (const o of f.objects as Obj[]) {
        if (o.kind !== "FlinkDeployment") continue;
        for (const e of o.spec.podTemplate.spec.containers[0].env) if (e.name === "FLOE_KAFKA_TRANSACTIONAL_ID_PREFIX") e.value = "alpha-enricher";
      }
    }
    const c = diffTrees(treeObjects(base), treeObjects(head)).changes.find((x) => x.kind === "FlinkDeployment")!;
    expect(c.risk).toBe("disruptive");
    expect(c.reasons).toContainEqual(expect.stringContaining("Kafka transactional id prefix alpha-enricher -> alpha.enricher"));
  });

  test("at-least-once: checkpointing mode and sink guarantee, no transactions", () => {
    const all = objects(withJob({ guarantee: "at-least-once" }));
    const fd = find(all, "FlinkDeployment", "alpha-enricher");
    expect(fd.spec.flinkConfiguration["execution.checkpointing.mode"]).toBe("AT_LEAST_ONCE");
    expect(env(fd).FLOE_KAFKA_DELIVERY_GUARANTEE).toBe("AT_LEAST_ONCE");
    expect(env(fd).FLOE_KAFKA_TRANSACTIONAL_ID_PREFIX).toBeUndefined();
    expect(find(all, "KafkaUser", "alpha-enricher").spec.authorization.acls.some((a: Obj) => a.resource.type === "transactionalId")).toBe(false);
  });

  test("refused where it cannot be honoured: no Kafka sink, stateless upgrades, checkpoints slower than the transaction timeout", () => {
    const noSink = catchValidation(() => objects(withJob({ guarantee: "exactly-once", writes: [] })));
    expect(issuesWithCode(noSink, "ExactlyOnceWithoutKafkaSink")[0]).toMatchObject({ scope: "tenants[0].jobs[0]", field: "deliveryGuarantee" });
    const stateless = catchValidation(() => objects(withJob({ guarantee: "exactly-once", upgradeMode: "stateless", stateless: true })));
    expect(issuesWithCode(stateless, "ExactlyOnceStateless")).toHaveLength(1);
    const slow = catchValidation(() => objects(withJob({ guarantee: "exactly-once", checkpointInterval: "20m" })));
    expect(issuesWithCode(slow, "TransactionTimeoutTooShort")[0].fix).toBe("checkpoint more often than every 15 minutes (e.g. 1m)");
  });
});

describe("malformed data", () => {
  test("dead-letter: a bounded topic per job, written only by the job, named in its environment and in the lineage", () => {
    const spec = withJob({ onMalformed: "dead-letter", deadLetter: { retention: "3d", partitions: 6 } });
    const all = objects(spec);
    expectSchemaValid(all);
    const topic = all.find((o) => o.kind === "KafkaTopic" && o.spec.topicName === "alpha.enricher.dead-letter");
    expect(topic.spec).toMatchObject({ partitions: 6, config: { "retention.ms": 3 * 86400000 } });
    const writers = all.filter((o) => o.kind === "KafkaUser" && o.spec.authorization.acls.some((a: Obj) => a.resource.name === "alpha.enricher.dead-letter" && a.operations.includes("Write")));
    expect(writers.map((u) => u.metadata.name)).toEqual(["alpha-enricher"]);
    expect(env(find(all, "FlinkDeployment", "alpha-enricher"))).toMatchObject({ FLOE_MALFORMED_POLICY: "dead-letter", FLOE_DEAD_LETTER_TOPIC: "alpha.enricher.dead-letter" });
    expect(buildLineage(parsePlatformSpec(spec)).edges).toContainEqual({ from: "local/flink-job/alpha-enricher", to: "local/topic/alpha.enricher.dead-letter" });
  });

  test("the tenant's policy is the default of its jobs (14 days, 3 partitions) and of its connectors' error settings", () => {
    const all = objects(withJob({}, { onMalformed: "dead-letter" }));
    expect(all.find((o) => o.kind === "KafkaTopic" && o.spec.topicName === "alpha.enricher.dead-letter").spec).toMatchObject({ partitions: 3, config: { "retention.ms": 14 * 86400000 } });
    const cdc = devSpecWithSource();
    cdc.tenants[0].onMalformed = "skip-and-log";
    const connector = objects(cdc).find((o) => o.kind === "KafkaConnector");
    expect(connector.spec.config).toMatchObject({ "errors.tolerance": "all", "errors.log.enable": true });
    const job = withJob({ onMalformed: "skip-and-log" });
    expect(env(find(objects(job), "FlinkDeployment", "alpha-enricher")).FLOE_MALFORMED_POLICY).toBe("skip-and-log");
  });

  test("fails DeadLetterForSource (Kafka Connect has no DLQ for sources) and DeadLetterTopicExists", () => {
    const cdc = devSpecWithSource();
    cdc.tenants[0].onMalformed = "dead-letter";
    expect(issuesWithCode(catchValidation(() => parsePlatformSpec(cdc)), "DeadLetterForSource")[0]).toMatchObject({ scope: "tenants[0].sources[0]", field: "errorPolicy" });
    cdc.tenants[0].sources[0].errorPolicy = "fail";
    expect(() => parsePlatformSpec(cdc)).not.toThrow();
    const clash = withJob({ onMalformed: "dead-letter" });
    clash.tenants[0].topics.push({ name: "enricher.dead-letter" });
    expect(issuesWithCode(catchValidation(() => parsePlatformSpec(clash)), "DeadLetterTopicExists")[0].value).toBe("enricher.dead-letter");
  });
});

describe("savepoint history and selective restore", () => {
  test("history: count and age kept by the operator; an age shorter than the periodic interval is refused", () => {
    const fd = find(objects(withJob({ periodicSavepointInterval: "6h", savepointHistory: { maxCount: 20, maxAge: "3d" } })), "FlinkDeployment", "alpha-enricher");
    expect(fd.spec.flinkConfiguration).toMatchObject({ "kubernetes.operator.savepoint.history.max.count": "20", "kubernetes.operator.savepoint.history.max.age": "3d" });
    const e = catchValidation(() => objects(withJob({ periodicSavepointInterval: "6h", savepointHistory: { maxAge: "2h" } })));
    expect(issuesWithCode(e, "SavepointHistoryShorterThanInterval")[0]).toMatchObject({ scope: "tenants[0].jobs[0]", field: "savepointHistory.maxAge" });
  });

  test("named snapshots are registered (never disposed) and a restore by name redeploys the job from it", () => {
    const spec = withJob({ snapshots: [{ name: "before-v2", path: `${SAVEPOINTS}/savepoint-0a1b2c` }], restore: { snapshot: "before-v2", nonce: 1 } });
    const all = objects(spec);
    expectSchemaValid(all);
    const snap = find(all, "FlinkStateSnapshot", "alpha-enricher-before-v2");
    expect(snap.metadata.namespace).toBe("alpha");
    expect(snap.spec).toEqual({ jobReference: { kind: "FlinkDeployment", name: "alpha-enricher" }, savepoint: { path: `${SAVEPOINTS}/savepoint-0a1b2c`, alreadyExists: true, disposeOnDelete: false } });
    const job = find(all, "FlinkDeployment", "alpha-enricher").spec.job;
    expect([job.initialSavepointPath, job.savepointRedeployNonce]).toEqual([`${SAVEPOINTS}/savepoint-0a1b2c`, 1]);
  });

  test("paths relative to the job's state directory resolve in each region's bucket (replicated savepoints keep their keys)", () => {
    const rel = withJob({ restore: { path: "savepoints/savepoint-7", nonce: 2 } });
    expect(find(objects(rel), "FlinkDeployment", "alpha-enricher").spec.job.initialSavepointPath).toBe(`${SAVEPOINTS}/savepoint-7`);
    const promote = withJob({ restore: { path: "../enricher-backfill/savepoints/savepoint-9", nonce: 1 } });
    expect(find(objects(promote), "FlinkDeployment", "alpha-enricher").spec.job.initialSavepointPath).toBe("s3://floe-dev-local-state/tenants/alpha/enricher-backfill/savepoints/savepoint-9");
    const escape = withJob({ restore: { path: "../../beta/x/savepoints/s-1", nonce: 1 } });
    expect(issuesWithCode(catchValidation(() => objects(escape)), "RestoreOutsideJobState")).toHaveLength(1);
    const spec: Obj = exampleSpec();
    spec.tenants[0].jobs[0].snapshots = [{ name: "before-v8", path: "savepoints/savepoint-0a1b" }];
    spec.tenants[0].jobs[0].restore = { snapshot: "before-v8", nonce: 1 };
    const all = objects(spec);
    const paths = all.filter((o) => o.kind === "FlinkDeployment" && o.metadata.name === "payments-fraud-scorer").map((o) => `${o.metadata.labels["floe.dev/region"]} ${o.spec.job.initialSavepointPath}`);
    expect(paths.sort()).toEqual([
      "eu-west-1 s3://floe-prod-eu-west-1-state/tenants/payments/fraud-scorer/savepoints/savepoint-0a1b",
      "us-east-1 s3://floe-prod-us-east-1-123456789012/tenants/payments/fraud-scorer/savepoints/savepoint-0a1b",
    ]);
  });

  test("restore errors: another job's state, an unknown snapshot, both or neither of snapshot/path, with initialSavepointPath", () => {
    const other = catchValidation(() => objects(withJob({ restore: { path: "s3://floe-dev-local-state/tenants/beta/x/savepoints/s-1", nonce: 1 } })));
    expect(issuesWithCode(other, "RestoreOutsideJobState")[0]).toMatchObject({ scope: "tenants[0].jobs[0]", field: "restore.path" });
    const unknown = catchValidation(() => parsePlatformSpec(withJob({ restore: { snapshot: "nope", nonce: 1 } })));
    expect(issuesWithCode(unknown, "UnknownSnapshot")[0]).toMatchObject({ scope: "tenants[0].jobs[0].restore", field: "snapshot", value: "nope" });
    expect(catchValidation(() => parsePlatformSpec(withJob({ restore: { nonce: 1 } }))).issues[0].message).toBe("restore names either a snapshot or a path: set exactly one");
    const both = catchValidation(() => objects(withJob({ initialSavepointPath: `${SAVEPOINTS}/s-1`, restore: { path: `${SAVEPOINTS}/s-1`, nonce: 1 } })));
    expect(issuesWithCode(both, "RestoreConflict")).toHaveLength(1);
    const badSnap = catchValidation(() => objects(withJob({ snapshots: [{ name: "x", path: "s3://elsewhere/s-1" }] })));
    expect(issuesWithCode(badSnap, "SnapshotOutsideJobState")[0].scope).toBe("tenants[0].jobs[0].snapshots[0]");
  });
});

describe("floe diff: restores and runtime upgrades", () => {
  const diff = (a: unknown, b: unknown) => diffTrees(treeObjects(synthesize(parsePlatformSpec(a)).files), treeObjects(synthesize(parsePlatformSpec(b)).files));
  const job = (r: ReturnType<typeof diff>) => r.changes.find((c) => c.kind === "FlinkDeployment")!;

  test("a restore (new nonce) is disruptive and names the snapshot it uses", () => {
    const base = withJob({ restore: { path: `${SAVEPOINTS}/s-1`, nonce: 1 } });
    const head = withJob({ restore: { path: `${SAVEPOINTS}/s-2`, nonce: 2 } });
    const c = job(diff(base, head));
    expect(c.risk).toBe("disruptive");
    expect(c.reasons).toContain(`the job is redeployed from ${SAVEPOINTS}/s-2: its current state is replaced by that snapshot, records since it are processed again`);
  });

  test("Flink: minor upgrade disruptive with its steps; last-state upgrade, major upgrade and downgrade destructive", () => {
    const v = (flinkVersion: string, extra: Obj = {}) => withJob({ flinkVersion, image: undefined, ...extra });
    expect(job(diff(v("v2_0"), v("v2_1")))).toMatchObject({ risk: "disruptive", reasons: ["Flink upgraded v2_0 -> v2_1: the operator takes a savepoint, stops the job, starts the new version and restores it"] });
    expect(job(diff(v("v2_0", { upgradeMode: "last-state" }), v("v2_1", { upgradeMode: "last-state" }))).risk).toBe("destructive");
    const major = job(diff(v("v1_20"), v("v2_0")));
    expect(major.reasons[0]).toMatch(/^Flink major upgrade v1_20 -> v2_0: savepoints of Flink 1.x are not guaranteed/);
    // Flink 2 renames the state options; the state did not move, so no "directory changed" reason.
    expect(major.fields.map((f) => f.path)).toContain("spec.flinkConfiguration.execution.checkpointing.dir");
    expect(major.reasons.some((r) => r.includes("directory changed"))).toBe(false);
    expect(job(diff(v("v2_1"), v("v2_0"))).reasons[0]).toMatch(/^Flink downgraded/);
  });

  test("Kafka: upgrade disruptive (rolling), downgrade destructive", () => {
    const k = (version: string) => {
      const spec = devSpecWithJob();
      spec.regions[0].kafka.version = version;
      return spec;
    };
    const up = diff(k("4.2.0"), k("4.3.0")).changes.find((c) => c.kind === "Kafka")!;
    expect(up.risk).toBe("disruptive");
    expect(up.reasons[0]).toBe("Kafka upgraded 4.2.0 -> 4.3.0: Strimzi rolls the controllers, then the brokers, one at a time (clients reconnect)");
    expect(up.reasons).toContain("metadata version raised 4.2-IV1 -> 4.3-IV0: after this the cluster cannot go back to the older Kafka");
    const down = diff(k("4.3.0"), k("4.2.0")).changes.find((c) => c.kind === "Kafka")!;
    expect(down.risk).toBe("destructive");
  });

  test("nothing changes, nothing is reported (the nonce and history are stable)", () => {
    const spec = withJob({ restore: { path: `${SAVEPOINTS}/s-1`, nonce: 1 }, savepointHistory: { maxCount: 5 } });
    expect(diff(spec, clone(spec)).changes).toEqual([]);
  });
});

describe("CDC incremental snapshots as spec edits", () => {
  const cdc = (snapshots?: Obj[]) => {
    const spec = devSpecWithSource();
    spec.tenants[0].sources[0].signalTable = "public.debezium_signal";
    if (snapshots) spec.tenants[0].sources[0].incrementalSnapshots = snapshots;
    return spec;
  };

  test("the connector reads signals from its Kafka signal topic; each snapshot id is one Job sending one execute-snapshot signal", () => {
    const all = objects(cdc([{ id: "orders-2026-11", tables: ["public.orders"] }]));
    expectSchemaValid(all);
    const connector = all.find((o) => o.kind === "KafkaConnector");
    expect(connector.spec.config).toMatchObject({
      "signal.enabled.channels": "source,kafka",
      "signal.data.collection": "public.debezium_signal",
      "signal.kafka.topic": "alpha.orders-db.signals",
      "signal.kafka.groupId": "alpha.alpha-orders-db-signals",
      // Debezium's default poll timeout (0 ms) never lets a TLS + SCRAM connection complete (test/e2e/cdc.test.ts).
      "signal.kafka.poll.timeout.ms": 1000,
      "signal.consumer.security.protocol": "SASL_SSL",
      // Strimzi 1.x mounts no certificates: read through its config provider.
      "signal.consumer.ssl.truststore.type": "PEM",
      "signal.consumer.ssl.truststore.certificates": "${strimzisecrets:kafka/alpha-connect-connect-tls-trusted-certs:ca.crt}",
    });
    expect(connector.spec.config["signal.consumer.sasl.jaas.config"]).toMatch(/^\$\{secrets:kafka\/alpha-connect:sasl.jaas.config\}$/);
    const job = find(all, "Job", "alpha-orders-db-snapshot-orders-2026-11");
    expect(job.metadata.namespace).toBe("kafka");
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined(); // a deleted Job would be re-created and signal again
    const container = job.spec.template.spec.containers[0];
    const value = (n: string) => container.env.find((e: Obj) => e.name === n);
    expect(value("SIGNAL_KEY").value).toBe("alpha.orders-db");
    // The signal's id is the Job's name: a re-run (a replaced Job, a retried pod) finds it in the topic and sends nothing.
    expect(JSON.parse(value("SIGNAL_VALUE").value)).toEqual({ id: "alpha-orders-db-snapshot-orders-2026-11", type: "execute-snapshot", data: { "data-collections": ["public.orders"], type: "INCREMENTAL" } });
    expect(value("SIGNAL_ID").value).toBe("alpha-orders-db-snapshot-orders-2026-11");
    const script = container.command[2] as string;
    expect(script.indexOf("kafka-console-consumer.sh")).toBeGreaterThan(-1);
    expect(script.indexOf("kafka-console-consumer.sh")).toBeLessThan(script.indexOf("kafka-console-producer.sh"));
    expect(script).toMatch(/--partition 0 --offset earliest/);
    expect(script).not.toMatch(/--group/);
    // The topic keeps every signal (the check above needs the earlier ones).
    expect(find(all, "KafkaTopic", "alpha.orders-db.signals").spec.config["retention.ms"]).toBe(-1);
    expect(value("SASL_JAAS_CONFIG")).toEqual({ name: "SASL_JAAS_CONFIG", valueFrom: { secretKeyRef: { name: "alpha-connect", key: "sasl.jaas.config" } } });
    expect(container.image).toBe("quay.io/strimzi/kafka:1.2.0-kafka-4.3.0");
    expect(job.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
  });

  test("floe diff shows a new snapshot as disruptive, naming its tables", () => {
    const d = diffTrees(treeObjects(synthesize(parsePlatformSpec(cdc())).files), treeObjects(synthesize(parsePlatformSpec(cdc([{ id: "again", tables: ["public.orders"] }]))).files));
    const job = d.changes.find((c) => c.kind === "Job")!;
    expect(job).toMatchObject({ action: "create", risk: "disruptive", reasons: ['incremental snapshot of public.orders: their current rows are emitted again (op "r") to the table topics'] });
  });

  test("errors: no signal table, a table not captured, an id twice", () => {
    const noSignal = devSpecWithSource();
    noSignal.tenants[0].sources[0].incrementalSnapshots = [{ id: "a", tables: ["public.orders"] }];
    delete noSignal.tenants[0].sources[0].signalTable;
    expect(issuesWithCode(catchValidation(() => objects(noSignal)), "SignalTableMissing")[0].scope).toBe("tenants[0].sources[0]");
    const e = catchValidation(() => objects(cdc([{ id: "a", tables: ["public.nope"] }, { id: "a", tables: ["public.orders"] }])));
    expect(issuesWithCode(e, "UnknownSnapshotTable")[0]).toMatchObject({ scope: "tenants[0].sources[0]", field: "incrementalSnapshots[0].tables[0]", value: "public.nope" });
    expect(issuesWithCode(e, "DuplicateSnapshotId")[0].field).toBe("incrementalSnapshots[1].id");
  });
});

describe("backfill and reprocessing", () => {
  const backfill = (b: Obj, job?: Obj) => {
    const spec = withJob({ backfill: b, ...(job ?? {}) });
    if (job) spec.tenants[0].quota = { cpu: "16", memory: "32Gi" };
    return spec;
  };

  test("a bounded backfill runs next to the live job: own deployment, user, group and state; reads from earliest into <topic>.backfill", () => {
    // The backfill counts against the tenant's quota like any job.
    const over = catchValidation(() => objects(backfill({ from: "earliest", parallelism: 4 })));
    expect(issuesWithCode(over, "TenantQuotaExceeded")[0].message).toMatch(/CPU 5 > 4/);
    const all = objects(backfill({ from: "earliest", parallelism: 4 }, {}));
    expectSchemaValid(all);
    const live = find(all, "FlinkDeployment", "alpha-enricher");
    const bf = find(all, "FlinkDeployment", "alpha-enricher-backfill");
    expect(live.spec.job.state).toBe("running");
    expect(bf.metadata.labels["floe.dev/backfill-of"]).toBe("alpha-enricher");
    expect(bf.spec.job.parallelism).toBe(4);
    expect(bf.spec.flinkConfiguration["state.checkpoints.dir"]).toBe("s3://floe-dev-local-state/tenants/alpha/enricher-backfill/checkpoints");
    expect(env(bf)).toMatchObject({
      FLOE_BACKFILL_OF: "alpha-enricher",
      FLOE_KAFKA_STARTING_OFFSETS: "earliest",
      FLOE_KAFKA_BOUNDEDNESS: "latest",
      FLOE_OUTPUT_TOPIC_SUFFIX: ".backfill",
      FLOE_KAFKA_GROUP_ID: "alpha.enricher-backfill",
    });
    const topic = all.find((o) => o.kind === "KafkaTopic" && o.spec.topicName === "alpha.state.backfill");
    expect(topic).toBeDefined();
    const acls = find(all, "KafkaUser", "alpha-enricher-backfill").spec.authorization.acls;
    expect(acls.filter((a: Obj) => a.operations.includes("Write")).map((a: Obj) => a.resource.name)).toEqual(["alpha.state.backfill"]);
    expect(acls.find((a: Obj) => a.resource.name === "alpha.events").operations).toEqual(["Read"]);
    const dlq = objects(backfill({ from: "earliest" }, { onMalformed: "dead-letter" }));
    expect(env(find(dlq, "FlinkDeployment", "alpha-enricher-backfill")).FLOE_MALFORMED_POLICY).toBe("skip-and-log");
    expect(dlq.filter((o) => o.kind === "KafkaTopic" && o.spec.topicName.endsWith(".dead-letter")).map((o) => o.spec.topicName)).toEqual(["alpha.enricher.dead-letter"]);
    const edges = buildLineage(parsePlatformSpec(backfill({ from: "earliest" }, {}))).edges;
    expect(edges).toContainEqual({ from: "local/topic/alpha.events", to: "local/flink-job/alpha-enricher-backfill" });
    expect(edges).toContainEqual({ from: "local/flink-job/alpha-enricher-backfill", to: "local/topic/alpha.state.backfill" });
  });

  test("from a timestamp into the live topics needs a declared guarantee", () => {
    const e = catchValidation(() => parsePlatformSpec(backfill({ from: "2026-11-01T00:00:00Z", output: "same" }, {})));
    expect(issuesWithCode(e, "BackfillGuaranteeMissing")[0]).toMatchObject({ scope: "tenants[0].jobs[0].backfill", field: "output" });
    const all = objects(backfill({ from: "2026-11-01T00:00:00Z", output: "same" }, { guarantee: "exactly-once" }));
    const bf = find(all, "FlinkDeployment", "alpha-enricher-backfill");
    expect(env(bf).FLOE_KAFKA_STARTING_OFFSETS).toBe(`timestamp:${Date.parse("2026-11-01T00:00:00Z")}`);
    expect(env(bf).FLOE_KAFKA_DELIVERY_GUARANTEE).toBe("EXACTLY_ONCE");
    expect(find(all, "KafkaUser", "alpha-enricher-backfill").spec.authorization.acls.find((a: Obj) => a.resource.name === "alpha.state").operations).toContain("Write");
  });

  test("errors: a start that is not a time, a prefix written with separate output, a name taken", () => {
    expect(issuesWithCode(catchValidation(() => parsePlatformSpec(backfill({ from: "yesterday" }))), "InvalidBackfillStart")[0].fix).toBe("use earliest or e.g. 2026-11-01T00:00:00Z");
    expect(issuesWithCode(catchValidation(() => parsePlatformSpec(backfill({ from: "earliest" }, { writes: ["st*"] }))), "BackfillPrefixWrite")).toHaveLength(1);
    const taken = backfill({ from: "earliest" });
    taken.tenants[0].jobs.push({ ...clone(taken.tenants[0].jobs[0]), name: "enricher-backfill", backfill: undefined, reads: ["events"], writes: [] });
    expect(issuesWithCode(catchValidation(() => parsePlatformSpec(taken)), "BackfillNameTaken")).toHaveLength(1);
  });

  test("promotion is a spec edit: remove the backfill, restore the live job from its savepoint; the diff shows both", () => {
    const base = backfill({ from: "earliest" }, {});
    const promoted = withJob({ restore: { path: "s3://floe-dev-local-state/tenants/alpha/enricher-backfill/savepoints/savepoint-42", nonce: 1 } });
    const d = diffTrees(treeObjects(synthesize(parsePlatformSpec(base)).files), treeObjects(synthesize(parsePlatformSpec(promoted)).files));
    const removed = d.changes.find((c) => c.kind === "FlinkDeployment" && c.name === "alpha-enricher-backfill")!;
    expect(removed).toMatchObject({ action: "delete", risk: "disruptive" });
    expect(removed.reasons[0]).toMatch(/^backfill of alpha-enricher removed \(promoted or abandoned\)/);
    const live = d.changes.find((c) => c.kind === "FlinkDeployment" && c.name === "alpha-enricher")!;
    expect(live.reasons).toContain("the job is redeployed from s3://floe-dev-local-state/tenants/alpha/enricher-backfill/savepoints/savepoint-42: its current state is replaced by that snapshot, records since it are processed again");
    const started = diffTrees(treeObjects(synthesize(parsePlatformSpec(withJob({}))).files), treeObjects(synthesize(parsePlatformSpec(base)).files));
    expect(started.changes.find((c) => c.name === "alpha-enricher-backfill" && c.kind === "FlinkDeployment")!.reasons[0]).toBe(
      "backfill of alpha-enricher starts from earliest up to the offsets at its start, writing the <topic>.backfill copies",
    );
  });
});
