/**
 * The rendered Kafka side on a real Apache Kafka broker at the version Floe renders (e2e/kafka.ts configures it
 * as Strimzi 1.2.0 would: SCRAM-SHA-512 over TLS and mTLS listeners, the StandardAuthorizer, the rendered
 * broker config): every rendered KafkaTopic created with its config, every KafkaUser's credential, ACLs and
 * quotas applied as the User Operator would (floe.e2e.KafkaAdapter). Then each principal (tenants' apps and jobs,
 * Connect, the schema registry, MirrorMaker 2) produces and consumes exactly what its ACLs grant, and is refused
 * (with Kafka's authorization error) everything of another tenant.
 */
import { parsePlatformSpec, PlatformSpec, synthesize } from "../../lib/internal";
import { KafkaBroker, KafkaCredentials, startKafka } from "../../e2e/kafka";
import { exampleSpec } from "../helpers/specs";
import { featureSpec } from "./specs";

type Obj = Record<string, any>;
const regionObjects = (spec: PlatformSpec, region: string) =>
  synthesize(parsePlatformSpec(spec)).files.filter((f) => f.path.startsWith(`${region}/`)).flatMap((f) => f.objects) as Obj[];
/**
 * The primary regions: the feature spec's (two tenants, Connect with three sources, the registry, MirrorMaker
 * 2's source user; one broker) and the README example's eu-west-1 (three tenants, production settings: RF 3 and
 * min ISR 2 on three brokers, MirrorMaker 2 in both directions).
 */
const CASES = [
  // The feature spec's writer has a quota low enough (128 KiB/s) to show throttling on this machine.
  { name: "features/local", objects: regionObjects(featureSpec(), "local"), nodes: 1, quota: true },
  { name: "example/eu-west-1", objects: regionObjects(exampleSpec(), "eu-west-1"), nodes: 3, quota: false },
];
const topicName = (t: Obj) => (t.spec.topicName ?? t.metadata.name) as string;
const tenantOf = (o: Obj) => o.metadata.labels?.["floe.dev/tenant"] as string | undefined;

/** Whether a user's ACLs allow `operation` on a resource (literal or prefix patterns, `All` included). */
function granted(user: Obj, type: string, name: string, operation: string): boolean {
  return ((user.spec.authorization?.acls ?? []) as Obj[]).some(
    (a) =>
      (a.type ?? "allow") === "allow" &&
      a.resource.type === type &&
      (a.resource.patternType === "prefix" ? name.startsWith(a.resource.name) : name === a.resource.name) &&
      (a.operations.includes(operation) || a.operations.includes("All")),
  );
}
/** A user's consumer groups (Read): its literal groups, and one name under each of its group prefixes. */
const groupsOf = (user: Obj) =>
  ((user.spec.authorization?.acls ?? []) as Obj[])
    .filter((a) => a.resource.type === "group" && (a.operations.includes("Read") || a.operations.includes("All")))
    .map((a) => (a.resource.patternType === "prefix" ? `${a.resource.name}.e2e` : a.resource.name) as string);
const txPrefixesOf = (user: Obj) => ((user.spec.authorization?.acls ?? []) as Obj[]).filter((a) => a.resource.type === "transactionalId").map((a) => a.resource.name as string);

interface ProbeResult {
  id: string;
  ok: boolean;
  error?: string;
  records?: number;
}

describe.each(CASES)("$name: the Kafka objects on real brokers", ({ objects, nodes, quota }) => {
  const kafka = objects.find((o) => o.kind === "Kafka")!;
  const topics = objects.filter((o) => o.kind === "KafkaTopic");
  const users = objects.filter((o) => o.kind === "KafkaUser");
  let broker: KafkaBroker;
  const credentials = new Map<string, KafkaCredentials>();

  beforeAll(async () => {
    broker = await startKafka(kafka, nodes);
    for (const u of users) credentials.set(u.metadata.name, broker.credentialsFor(u));
  });
  afterAll(async () => broker?.stop());

  test("every rendered topic is created with its config, every user's credential, ACLs and quotas are accepted", () => {
    const passwords = Object.fromEntries([...credentials].map(([k, c]) => [k, c.password ?? ""]));
    const r = broker.adapter<{ results: { kind: string; name: string; ok: boolean; error?: string; acls?: number }[] }>("apply", { admin: broker.adminProps(), topics, users, passwords });
    expect(r.results.filter((x) => !x.ok)).toEqual([]);
    expect(r.results.filter((x) => x.kind === "KafkaTopic").length).toBe(topics.length);
    expect(r.results.filter((x) => x.kind === "KafkaUser").reduce((n, x) => n + (x.acls ?? 0), 0)).toBeGreaterThan(users.length);
    // One record in every topic, written by the operators' super user, for the consumers below.
    const seeded = broker.adapter<{ results: ProbeResult[] }>("probe", { probes: topics.map((t) => ({ id: topicName(t), client: broker.adminProps(), action: "produce", topic: topicName(t) })) });
    expect(seeded.results.filter((x) => !x.ok)).toEqual([]);
  });

  test("each principal produces exactly to the topics its ACLs grant Write on; every other topic refuses it", () => {
    const probes = users.flatMap((u) =>
      topics.map((t) => ({ id: `${u.metadata.name} produce ${topicName(t)}`, client: broker.clientProps(credentials.get(u.metadata.name)!), action: "produce", topic: topicName(t), want: granted(u, "topic", topicName(t), "Write") })),
    );
    const r = broker.adapter<{ results: ProbeResult[] }>("probe", { probes: probes.map(({ want: _want, ...p }) => p) });
    const wrong = r.results.filter((x, i) => x.ok !== probes[i].want || (!x.ok && !/^TopicAuthorizationException/.test(x.error ?? "")));
    expect(wrong).toEqual([]);
    // Every tenant user is refused on every topic of the other tenant.
    const crossTenant = probes.filter((p) => {
      const user = users.find((u) => p.id.startsWith(`${u.metadata.name} `))!;
      const topic = topics.find((t) => topicName(t) === p.topic)!;
      return tenantOf(user) && tenantOf(topic) && tenantOf(user) !== tenantOf(topic);
    });
    expect(crossTenant.length).toBeGreaterThan(50);
    expect(crossTenant.every((p) => !p.want)).toBe(true);
  });

  test("the brokers' audit log holds each refused access with principal, operation and resource, and no granted one", async () => {
    // A tenant user writes to another tenant's topic (refused), and to its own (granted).
    const user = users.find((u) => tenantOf(u) && topics.some((t) => tenantOf(t) && tenantOf(t) !== tenantOf(u)) && topics.some((t) => granted(u, "topic", topicName(t), "Write")))!;
    const foreign = topics.find((t) => tenantOf(t) && tenantOf(t) !== tenantOf(user))!;
    const own = topics.find((t) => granted(user, "topic", topicName(t), "Write"))!;
    const client = broker.clientProps(credentials.get(user.metadata.name)!);
    const r = broker.adapter<{ results: ProbeResult[] }>("probe", {
      probes: [
        { id: "foreign", client, action: "produce", topic: topicName(foreign) },
        { id: "own", client, action: "produce", topic: topicName(own) },
      ],
    });
    expect(r.results.map((x) => x.ok)).toEqual([false, true]);
    const principal = user.spec.authentication.type === "tls" ? `User:CN=${user.metadata.name}` : `User:${user.metadata.name}`;
    // The producer asks for the topic's metadata first; a topic the user may not even describe is refused there
    // (DESCRIBE, request Metadata), one it may describe at the write (WRITE, request Produce).
    const escape = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const denied = new RegExp(`INFO Principal = ${escape(principal)} is Denied operation = (DESCRIBE|WRITE) from host = 127\\.0\\.0\\.1 on resource = Topic:LITERAL:${escape(topicName(foreign))} for request = (Metadata|Produce) .*\\(kafka\\.authorizer\\.logger\\)`);
    // The broker writes the line as it refuses the request; give its log a moment to reach the file.
    for (let i = 0; i < 50 && !denied.test(broker.logText()); i++) await new Promise((done) => setTimeout(done, 100));
    const log = broker.logText();
    expect(kafka.spec.kafka.logging).toEqual({ type: "inline", loggers: { "logger.authorizer.level": "INFO" } });
    expect(denied.test(log)).toBe(true);
    // Grants are not logged at the rendered level (DEBUG would be a line per request).
    expect(log).not.toContain(`Principal = ${principal} is Allowed`);
  });

  test("each principal consumes exactly the topics its ACLs grant Read on, with its own groups; other tenants' groups refuse it", () => {
    const probes: { id: string; client: Record<string, string>; action: string; topic: string; group: string; want: boolean; error: RegExp }[] = [];
    for (const u of users) {
      const client = broker.clientProps(credentials.get(u.metadata.name)!);
      const own = groupsOf(u);
      for (const t of topics) {
        const want = granted(u, "topic", topicName(t), "Read");
        // With one of its groups; a user with Read on topics but no group (MirrorMaker 2's source) fetches assigned partitions.
        probes.push(
          own.length > 0
            ? { id: `${u.metadata.name} consume ${topicName(t)} as ${own[0]}`, client, action: "consume", topic: topicName(t), group: own[0], want, error: /^TopicAuthorizationException/ }
            : { id: `${u.metadata.name} fetch ${topicName(t)}`, client, action: "fetch", topic: topicName(t), group: "", want, error: /^TopicAuthorizationException/ },
        );
      }
      // Another tenant's groups, on a topic the user may read.
      const readable = topics.find((t) => granted(u, "topic", topicName(t), "Read"));
      if (!readable) continue;
      for (const other of users.filter((o) => tenantOf(o) && tenantOf(o) !== tenantOf(u))) {
        for (const g of groupsOf(other)) {
          probes.push({ id: `${u.metadata.name} consume ${topicName(readable)} as ${g}`, client, action: "consume", topic: topicName(readable), group: g, want: false, error: /^GroupAuthorizationException/ });
        }
      }
    }
    const r = broker.adapter<{ results: ProbeResult[] }>("probe", { probes: probes.map(({ want: _w, error: _e, ...p }) => p) });
    const wrong = r.results.filter((x, i) => x.ok !== probes[i].want || (x.ok && (x.records ?? 0) === 0) || (!x.ok && !probes[i].error.test(x.error ?? "")));
    expect(wrong).toEqual([]);
    expect(probes.filter((p) => p.want).length).toBeGreaterThan(5);
  });

  test("transactional ids: an exactly-once job's own prefix works; every other id, another tenant's included, is refused", () => {
    const probes: { id: string; client: Record<string, string>; action: string; topic: string; transactionalId: string; want: boolean }[] = [];
    for (const u of users) {
      const writable = topics.find((t) => granted(u, "topic", topicName(t), "Write"));
      if (!writable) continue;
      const client = broker.clientProps(credentials.get(u.metadata.name)!);
      for (const prefix of txPrefixesOf(u)) probes.push({ id: `${u.metadata.name} tx ${prefix}-0`, client, action: "transaction", topic: topicName(writable), transactionalId: `${prefix}-0`, want: true });
      for (const other of users.filter((o) => o !== u)) {
        probes.push({ id: `${u.metadata.name} tx ${other.metadata.name}-0`, client, action: "transaction", topic: topicName(writable), transactionalId: `${other.metadata.name}-0`, want: granted(u, "transactionalId", `${other.metadata.name}-0`, "Write") });
      }
    }
    const r = broker.adapter<{ results: ProbeResult[] }>("probe", { probes: probes.map(({ want: _w, ...p }) => p) });
    const wrong = r.results.filter((x, i) => x.ok !== probes[i].want || (!x.ok && !/^TransactionalIdAuthorizationException/.test(x.error ?? "")));
    expect(wrong).toEqual([]);
    // The feature spec has an exactly-once job; the example has none, so there every id is refused.
    expect(probes.some((p) => p.want)).toBe(users.some((u) => txPrefixesOf(u).length > 0));
    expect(probes.length).toBeGreaterThan(users.length);
  });

  if (quota) test("a producer quota is enforced: the broker throttles the user that has one, not the one without", () => {
    const limited = users.find((u) => u.spec.quotas?.producerByteRate)!;
    const rate = limited.spec.quotas.producerByteRate as number;
    const topic = topics.find((t) => granted(limited, "topic", topicName(t), "Write"))!;
    const bytes = 16 * rate;
    const throttled = broker.adapter<{ throttleTimeMaxMs: number; seconds: number }>("throttle", { client: broker.clientProps(credentials.get(limited.metadata.name)!), topic: topicName(topic), bytes });
    expect(throttled.throttleTimeMaxMs).toBeGreaterThan(0);
    // The broker lets a burst through its quota window (11 one-second samples), then holds the rate: 16 x the
    // rate takes well over 5 seconds (unthrottled, it takes about one).
    expect(throttled.seconds).toBeGreaterThan(5);
    const free = users.find((u) => !u.spec.quotas?.producerByteRate && topics.some((t) => granted(u, "topic", topicName(t), "Write") && tenantOf(t)))!;
    const freeTopic = topics.find((t) => granted(free, "topic", topicName(t), "Write") && tenantOf(t))!;
    const unthrottled = broker.adapter<{ throttleTimeMaxMs: number }>("throttle", { client: broker.clientProps(credentials.get(free.metadata.name)!), topic: topicName(freeTopic), bytes });
    expect(unthrottled.throttleTimeMaxMs).toBe(0);
  });
});

