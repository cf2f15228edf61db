/**
 * Every rendered SQL job on the real engine: the statements as rendered (the job's ConfigMap, with the Kafka
 * connection Floe adds) planned and run by Flink at the job's version in a MiniCluster (e2e/flink.ts), with the
 * Kafka connector built for it, against real brokers carrying the rendered topics, users and ACLs, with the job's
 * own credentials read from the files of its KafkaUser Secret. Each job reads its inputs and writes its outputs.
 * Cases: the feature spec's `local` region (a live windowed job and its bounded backfill) and the README
 * example's us-east-1 (analytics' daily roll-up, primary there; in eu-west-1 it is the suspended standby copy).
 */
import { parsePlatformSpec, PlatformSpec, synthesize } from "../../lib/internal";
import { loopbackBootstrap } from "../../e2e/connect";
import { renderedScript, SqlJob, startSqlJob } from "../../e2e/flink";
import { KafkaBroker, KafkaCredentials, startKafka } from "../../e2e/kafka";
import { exampleSpec } from "../helpers/specs";
import { featureSpec } from "./specs";

type Obj = Record<string, any>;
interface Rec {
  topic: string;
  partition: number;
  key: string | null;
  value: string | null;
}

/** Records in every partition `0..n-1` of a topic (to move each partition's watermark past a window). */
const everyPartition = (topic: string, partitions: number, value: object) => Array.from({ length: partitions }, (_, p) => ({ topic, partition: p, value: JSON.stringify(value) }));

/**
 * Per SQL job: what to write into its inputs, the output topic and the rows it must produce. A rendered SQL job
 * without an entry fails the coverage test below.
 */
const JOBS: Record<string, { inputs: (partitions: (topic: string) => number) => Obj[]; output: string; expect: object[]; bounded?: boolean }> = {
  "alpha-totals": {
    inputs: (n) => [
      { topic: "alpha.events", partition: 0, value: JSON.stringify({ id: "a", ts: "2026-11-01 10:00:01" }) },
      { topic: "alpha.events", partition: 0, value: JSON.stringify({ id: "a", ts: "2026-11-01 10:00:30" }) },
      { topic: "alpha.events", partition: 0, value: JSON.stringify({ id: "b", ts: "2026-11-01 10:00:40" }) },
      // Later events in every partition close the 10:00 window.
      ...everyPartition("alpha.events", n("alpha.events"), { id: "tick", ts: "2026-11-01 10:05:00" }),
    ],
    output: "alpha.totals",
    expect: [
      { id: "a", window_end: "2026-11-01 10:01:00", n: 2 },
      { id: "b", window_end: "2026-11-01 10:01:00", n: 1 },
    ],
  },
  // The backfill of alpha-totals: the same statements, bounded (earliest .. the offsets at its start), into
  // the .backfill copies of its outputs; it finishes on its own.
  // At the end of its bounded input every window closes, the ticks' one too.
  "alpha-totals-backfill": {
    inputs: () => [],
    output: "alpha.totals.backfill",
    expect: [
      { id: "a", window_end: "2026-11-01 10:01:00", n: 2 },
      { id: "b", window_end: "2026-11-01 10:01:00", n: 1 },
      { id: "tick", window_end: "2026-11-01 10:06:00", n: 6 }, // one tick in each of alpha.events' 6 partitions
    ],
    bounded: true,
  },
  "analytics-daily-rollup": {
    inputs: (n) => [
      { topic: "analytics.sessions", partition: 0, value: JSON.stringify({ user_id: "u1", started: "2026-11-01 08:00:00" }) },
      { topic: "analytics.sessions", partition: 1, value: JSON.stringify({ user_id: "u2", started: "2026-11-01 09:00:00" }) },
      { topic: "analytics.sessions", partition: 2, value: JSON.stringify({ user_id: "u2", started: "2026-11-01 21:00:00" }) },
      ...everyPartition("analytics.sessions", n("analytics.sessions"), { user_id: "tick", started: "2026-11-03 00:00:00" }),
    ],
    output: "analytics.daily-aggregates",
    expect: [{ day_start: "2026-11-01", users: 2 }],
  },
};

const regionObjects = (spec: PlatformSpec, region: string) =>
  synthesize(parsePlatformSpec(spec)).files.filter((f) => f.path.startsWith(`${region}/`)).flatMap((f) => f.objects) as Obj[];
const CASES = [
  { name: "features/local", objects: regionObjects(featureSpec(), "local"), nodes: 1 },
  { name: "example/us-east-1", objects: regionObjects(exampleSpec(), "us-east-1"), nodes: 3 },
];
const topicName = (t: Obj) => (t.spec.topicName ?? t.metadata.name) as string;
const sqlJobsOf = (objects: Obj[]) =>
  objects.filter((o) => o.kind === "FlinkDeployment" && objects.some((c) => c.kind === "ConfigMap" && c.metadata.name === `${o.metadata.name}-sql` && c.metadata.namespace === o.metadata.namespace));

test("every running SQL job the e2e specs render has inputs and expected outputs here", () => {
  const running = CASES.flatMap((c) => sqlJobsOf(c.objects).filter((d) => d.spec.job.state === "running").map((d) => d.metadata.name as string));
  expect(running.sort()).toEqual(Object.keys(JOBS).sort());
});

describe.each(CASES)("$name: rendered SQL jobs on Flink with real brokers", ({ objects, nodes }) => {
  const kafka = objects.find((o) => o.kind === "Kafka")!;
  const topics = objects.filter((o) => o.kind === "KafkaTopic");
  const users = objects.filter((o) => o.kind === "KafkaUser");
  // Live jobs before their backfills (a backfill reads what is there when it starts).
  const jobs = sqlJobsOf(objects)
    .filter((d) => d.spec.job.state === "running")
    .sort((a, b) => Number(!!JOBS[a.metadata.name]?.bounded) - Number(!!JOBS[b.metadata.name]?.bounded));
  let broker: KafkaBroker;
  const credentials = new Map<string, KafkaCredentials>();
  const running: SqlJob[] = [];

  beforeAll(async () => {
    broker = await startKafka(kafka, nodes);
    for (const u of users) credentials.set(u.metadata.name, broker.credentialsFor(u));
    const applied = broker.adapter<{ results: { ok: boolean }[] }>("apply", {
      admin: broker.adminProps(),
      topics,
      users,
      passwords: Object.fromEntries([...credentials].map(([k, c]) => [k, c.password ?? ""])),
    });
    expect(applied.results.filter((r) => !r.ok)).toEqual([]);
  });
  afterAll(async () => {
    for (const job of running) await job.stop();
    await broker?.stop();
  });

  test.each(jobs.map((d) => [d.metadata.name as string, d]))("%s reads its inputs and writes its outputs, as its own Kafka user", async (name, deployment) => {
    const plan = JOBS[name];
    const partitions = (topic: string) => topics.find((t) => topicName(t) === topic)!.spec.partitions as number;
    const inputs = plan.inputs(partitions);
    if (inputs.length > 0) broker.adapter("write", { client: broker.adminProps(), records: inputs });
    const script = renderedScript(deployment, objects);
    // The connection is Floe's: the statements name neither credentials nor addresses of their own.
    const bootstrap = /'properties\.bootstrap\.servers' = '([^']+)'/.exec(script)![1];
    const user = users.find((u) => u.metadata.name === name)!;
    const job = await startSqlJob(deployment, script, {
      userFiles: broker.userSecretData(credentials.get(user.metadata.name)!),
      caCert: broker.clusterCaCert,
      addresses: { [bootstrap]: loopbackBootstrap(kafka, broker, bootstrap) },
    });
    running.push(job);
    if (plan.bounded) expect(await job.exited(240_000)).toBe(0);
    const deadline = Date.now() + 180_000;
    let rows: object[] = [];
    while (Date.now() < deadline) {
      const recs = broker.adapter<{ records: Rec[] }>("read", { client: broker.adminProps(), topics: [plan.output] }).records;
      rows = recs.filter((r) => r.value !== null).map((r) => JSON.parse(r.value!));
      if (rows.length >= plan.expect.length) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    expect(rows).toEqual(expect.arrayContaining(plan.expect.map((e) => expect.objectContaining(e))));
    expect(rows.length).toBe(plan.expect.length);
  });
});
