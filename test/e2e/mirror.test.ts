/**
 * MirrorMaker 2 as rendered, on two real brokers: the feature spec replicates tenant beta from region `local`
 * (primary) to `remote` (standby). The KafkaMirrorMaker2 of `remote` runs as Strimzi 1.2.0 runs it
 * (e2e/mirror.ts): a Connect worker on the remote cluster with the rendered target settings, and the rendered
 * MirrorSource and MirrorCheckpoint connectors, every credential read through the config providers from a real
 * API server as the pods' service account. The tenant's topics are copied with their names and partitions, a
 * consumer group's committed offsets are translated to the standby, and what must not be copied is not: other
 * tenants' topics, the tenant's Kafka Connect state and CDC signals.
 */
import { parsePlatformSpec, synthesize } from "../../lib/internal";
import { ConnectWorker, connectServiceAccountUser, loopbackBootstrap, startConnect } from "../../e2e/connect";
import { KafkaBroker, KafkaCredentials, startKafka } from "../../e2e/kafka";
import { KubeCluster, startCluster } from "../../e2e/kube";
import { mirrorConnectors, mirrorMakerConnect, strimziMirrorObjects } from "../../e2e/mirror";
import { applyAll } from "./support";
import { featureSpec } from "./specs";

type Obj = Record<string, any>;
interface Rec {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

const files = synthesize(parsePlatformSpec(featureSpec())).files;
const regionObjects = (region: string) => files.filter((f) => f.path.startsWith(`${region}/`)).flatMap((f) => f.objects) as Obj[];
const local = regionObjects("local");
const remote = regionObjects("remote");
const mm2 = remote.find((o) => o.kind === "KafkaMirrorMaker2" && o.metadata.name === "beta-mirror-local")!;
/** The follower registry's mirror of the leading registry's schemas topic. */
const registryMirror = remote.find((o) => o.kind === "KafkaMirrorMaker2" && o.metadata.name === "schema-registry-mirror-local")!;
const SCHEMAS_TOPIC = "schema-registry.schemas";
/** Records as Confluent Schema Registry stores a registration (SchemaKey / SchemaValue, JSON). */
const SCHEMA_RECORDS = [1, 2].map((id) => ({
  key: JSON.stringify({ keytype: "SCHEMA", subject: "alpha.events-value", version: id, magic: 1 }),
  value: JSON.stringify({ subject: "alpha.events-value", version: id, id, schema: JSON.stringify({ type: "record", name: "Event", fields: [{ name: "id", type: "string" }] }), deleted: false }),
}));
const topicName = (t: Obj) => (t.spec.topicName ?? t.metadata.name) as string;
const GROUP = "beta.svc";

describe("MirrorMaker 2: the rendered KafkaMirrorMaker2 between two real brokers", () => {
  let kube: KubeCluster;
  let primary: KafkaBroker;
  let standby: KafkaBroker;
  let worker: ConnectWorker;
  let registryWorker: ConnectWorker;
  /** The standby's users' credentials (as applied to its broker). */
  let remoteCreds: Map<string, KafkaCredentials>;
  const localKafka = local.find((o) => o.kind === "Kafka")!;
  const remoteKafka = remote.find((o) => o.kind === "Kafka")!;

  /** Start a broker for a region's objects and apply its topics and users; the users' credentials. */
  async function region(objects: Obj[], kafka: Obj): Promise<[KafkaBroker, Map<string, KafkaCredentials>]> {
    const broker = await startKafka(kafka, 1);
    const users = objects.filter((o) => o.kind === "KafkaUser");
    const credentials = new Map(users.map((u) => [u.metadata.name as string, broker.credentialsFor(u)]));
    const applied = broker.adapter<{ results: { ok: boolean }[] }>("apply", {
      admin: broker.adminProps(),
      topics: objects.filter((o) => o.kind === "KafkaTopic"),
      users,
      passwords: Object.fromEntries([...credentials].map(([k, c]) => [k, c.password ?? ""])),
    });
    expect(applied.results.filter((r) => !r.ok)).toEqual([]);
    return [broker, credentials];
  }
  const read = (broker: KafkaBroker, ...topics: string[]) => broker.adapter<{ records: Rec[] }>("read", { client: broker.adminProps(), topics }).records;

  beforeAll(async () => {
    expect(mm2).toBeDefined();
    expect(registryMirror).toBeDefined();
    kube = await startCluster({
      label: "mirror",
      users: [mm2, registryMirror].map((m) => connectServiceAccountUser(m.metadata.namespace, m.metadata.name, "mirrormaker2")),
    });
    await applyAll(kube, remote.filter((x) => ["Namespace", "ServiceAccount", "Role", "RoleBinding"].includes(x.kind)));
    let localCreds: Map<string, KafkaCredentials>;
    [primary, localCreds] = await region(local, localKafka);
    [standby, remoteCreds] = await region(remote, remoteKafka);

    // The Secrets the pods read: the target user's (User Operator, remote) and the source user's (its password,
    // synced from the primary through Secrets Manager by the rendered ExternalSecret), and Strimzi's trusted
    // certificates and Role.
    const secret = (name: string, data: Record<string, string>) => ({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace: mm2.metadata.namespace },
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
    });
    for (const m of [mm2, registryMirror]) {
      const source = m.spec.mirrors[0].source;
      const target = m.spec.target;
      expect(remote.some((o) => o.kind === "ExternalSecret" && o.spec.target?.name === source.authentication.passwordSecret.secretName)).toBe(true);
      await applyAll(kube, [
        secret(target.authentication.passwordSecret.secretName, standby.userSecretData(remoteCreds.get(target.authentication.username)!)),
        secret(source.authentication.passwordSecret.secretName, { password: localCreds.get(source.authentication.username)!.password! }),
        ...strimziMirrorObjects(m, { [source.alias]: primary.clusterCaCert, [target.alias]: standby.clusterCaCert }),
      ]);
    }

    // Records in the primary: the tenant's topics, another tenant's, and the tenant's Connect state and signals.
    const write = (topic: string, n: number) => Array.from({ length: n }, (_, i) => ({ topic, key: `k${i}`, value: JSON.stringify({ topic, i }) }));
    primary.adapter("write", {
      client: primary.adminProps(),
      records: [
        ...write("beta.events", 30),
        ...write("beta.stock", 5),
        ...write("alpha.events", 5),
        ...write("beta.beta-connect-configs", 2),
        ...write("beta.beta-connect-offsets", 2),
        // What the leading registry writes to its schemas topic when it registers a schema (the id is assigned here).
        ...SCHEMA_RECORDS.map((r) => ({ topic: SCHEMAS_TOPIC, ...r })),
      ],
    });
    // The follower registry's own no-op record (its store writes one to find the end of the topic).
    standby.adapter("write", { client: standby.adminProps(), records: [{ topic: SCHEMAS_TOPIC, key: '{"keytype":"NOOP","magic":0}', value: null }] });
    // A consumer group of the tenant has read part of beta.events in the primary.
    const recs = read(primary, "beta.events");
    const offsets: Record<string, Record<string, number>> = { "beta.events": {} };
    for (const r of recs) offsets["beta.events"][r.partition] = Math.max(offsets["beta.events"][r.partition] ?? 0, r.offset + 1);
    primary.adapter("commit", { client: primary.adminProps(), group: GROUP, offsets });

    worker = await startConnect(mirrorMakerConnect(mm2), remoteKafka, standby, kube, "mirrormaker2");
    registryWorker = await startConnect(mirrorMakerConnect(registryMirror), remoteKafka, standby, kube, "mirrormaker2");
  });

  afterAll(async () => {
    await registryWorker?.stop();
    await worker?.stop();
    await primary?.stop();
    await standby?.stop();
    await kube?.stop();
  });

  const bootstraps = () => ({
    [mm2.spec.target.alias]: loopbackBootstrap(remoteKafka, standby, mm2.spec.target.bootstrapServers),
    [mm2.spec.mirrors[0].source.alias]: loopbackBootstrap(localKafka, primary, mm2.spec.mirrors[0].source.bootstrapServers),
  });

  test("the rendered connectors pass Connect's validation and run", async () => {
    const connectors = mirrorConnectors(mm2, bootstraps());
    // Strimzi names them <source alias>-><target alias>.<class>; the source alias is this mirror's own.
    expect(connectors.map((c) => c.name).sort()).toEqual(["mirrormaker2.beta-mirror-local.local->remote.MirrorCheckpointConnector", "mirrormaker2.beta-mirror-local.local->remote.MirrorSourceConnector"]);
    for (const c of connectors) {
      const v = await worker.validate(c.name, c.config);
      expect({ name: c.name, errors: v.errors }).toEqual({ name: c.name, errors: [] });
    }
    for (const c of connectors) await worker.putAndWaitRunning(c.name, c.config, 180_000);
  });

  test("the tenant's topics are copied with their names, partitions and records", async () => {
    const deadline = Date.now() + 180_000;
    let copied: Rec[] = [];
    while (Date.now() < deadline) {
      copied = read(standby, "beta.events", "beta.stock");
      if (copied.length >= 35) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    const original = read(primary, "beta.events", "beta.stock");
    const shape = (rs: Rec[]) => rs.map((r) => `${r.topic}/${r.partition}/${r.key}/${r.value}`).sort();
    expect(shape(copied)).toEqual(shape(original));
  });

  test("a consumer group's committed offsets are translated to the standby", async () => {
    const primaryOffsets = primary.adapter<{ groups: Record<string, Record<string, number>> }>("describe", { client: primary.adminProps(), groups: [GROUP] }).groups[GROUP];
    const deadline = Date.now() + 300_000;
    let translated: Record<string, number> = {};
    while (Date.now() < deadline) {
      translated = standby.adapter<{ groups: Record<string, Record<string, number>> }>("describe", { client: standby.adminProps(), groups: [GROUP] }).groups[GROUP];
      if (Object.keys(translated).length > 0 && Object.values(translated).some((o) => o > 0)) break;
      await new Promise((r) => setTimeout(r, 5000));
    }
    expect(Object.keys(translated).length).toBeGreaterThan(0);
    // Translation never skips records: a standby offset is at most the primary's.
    for (const [tp, offset] of Object.entries(translated)) expect(offset).toBeLessThanOrEqual(primaryOffsets[tp]);
  });

  test("the follower registry's mirror copies the leader's schemas topic, ids and all, and nothing else", async () => {
    const bootstrapsOf = {
      [registryMirror.spec.target.alias]: loopbackBootstrap(remoteKafka, standby, registryMirror.spec.target.bootstrapServers),
      [registryMirror.spec.mirrors[0].source.alias]: loopbackBootstrap(localKafka, primary, registryMirror.spec.mirrors[0].source.bootstrapServers),
    };
    const connectors = mirrorConnectors(registryMirror, bootstrapsOf);
    for (const c of connectors) {
      const v = await registryWorker.validate(c.name, c.config);
      expect({ name: c.name, errors: v.errors }).toEqual({ name: c.name, errors: [] });
    }
    // The source connector copies the topic; the checkpoint connector has no task while no registry group
    // commits offsets (the registry's store reads from the start), so it is validated, not awaited.
    const sourceConnector = connectors.find((c) => c.name.endsWith("MirrorSourceConnector"))!;
    await registryWorker.putAndWaitRunning(sourceConnector.name, sourceConnector.config, 180_000);
    const deadline = Date.now() + 180_000;
    let copied: Rec[] = [];
    while (Date.now() < deadline) {
      copied = read(standby, SCHEMAS_TOPIC).filter((r) => r.value !== null);
      if (copied.length >= SCHEMA_RECORDS.length) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    // Byte-identical keys and values, in order: schema id 1 and 2 mean the same schemas in the standby.
    expect(copied.map((r) => [r.key, r.value])).toEqual(SCHEMA_RECORDS.map((r) => [r.key, r.value]));
    expect(copied.map((r) => JSON.parse(r.value!).id)).toEqual([1, 2]);
    // The registry mirror copies no tenant topic (beta's are copied by the tenant's own mirror).
    expect(registryMirror.spec.mirrors[0].topicsPattern).toBe("schema-registry\\.schemas");
  });

  test("each mirror has its own checkpoint and offset-sync topics; the broker refuses every other mirror's user on them", () => {
    const topics = standby.adapter<{ topics: string[] }>("describe", { client: standby.adminProps(), groups: [] }).topics;
    const internalOf = (m: Obj) => {
      const alias = m.spec.mirrors[0].source.alias as string;
      return { checkpoints: `${alias}.checkpoints.internal`, offsetSyncs: `mm2-offset-syncs.${alias}.internal` };
    };
    const beta = internalOf(mm2);
    const registry = internalOf(registryMirror);
    // What the running connectors created: named after each mirror's own alias, nothing after the bare region.
    expect(topics).toEqual(expect.arrayContaining([beta.checkpoints, beta.offsetSyncs, registry.offsetSyncs]));
    expect(topics.filter((t) => /^(local|remote)\.checkpoints\.internal$|^mm2-offset-syncs\.(local|remote)\.internal$|^heartbeats$/.test(t))).toEqual([]);
    const creds = (m: Obj) => standby.clientProps(remoteCreds.get(m.spec.target.authentication.username)!);
    const probes: { id: string; client: Record<string, string>; action: string; topic: string; group: string; want: boolean }[] = [];
    for (const [self, other, selfTopics, otherTopics] of [[mm2, registryMirror, beta, registry], [registryMirror, mm2, registry, beta]] as const) {
      for (const topic of [otherTopics.checkpoints, otherTopics.offsetSyncs]) {
        for (const action of ["produce", "fetch"]) probes.push({ id: `${self.metadata.name} ${action} ${topic} (${other.metadata.name}'s)`, client: creds(self), action, topic, group: "", want: false });
      }
      probes.push({ id: `${self.metadata.name} fetch ${selfTopics.offsetSyncs} (its own)`, client: creds(self), action: "fetch", topic: selfTopics.offsetSyncs, group: "", want: true });
    }
    const r = standby.adapter<{ results: { id: string; ok: boolean; error?: string }[] }>("probe", { probes: probes.map(({ want: _w, ...p }) => p) });
    const wrong = r.results.filter((x, i) => x.ok !== probes[i].want || (!x.ok && !/^TopicAuthorizationException/.test(x.error ?? "")));
    expect(wrong).toEqual([]);
    expect(r.results).toHaveLength(10);
  });

  test("nothing else is copied: other tenants' topics, the tenant's Kafka Connect state", () => {
    const topics = standby.adapter<{ topics: string[] }>("describe", { client: standby.adminProps(), groups: [] }).topics;
    expect(topics.filter((t) => t.startsWith("alpha."))).toEqual([]);
    // The standby's own Connect topics (its Connect cluster runs there too) hold no record of the primary's.
    expect(read(standby, "beta.beta-connect-configs", "beta.beta-connect-offsets")).toEqual([]);
    // And the standby declares no topic the mirror writes that it does not also declare.
    const declared = new Set(remote.filter((o) => o.kind === "KafkaTopic").map(topicName));
    for (const t of topics.filter((x) => x.startsWith("beta."))) expect(declared.has(t)).toBe(true);
  });
});
