import { randomBytes } from "crypto";
import { connectServiceAccountUser, strimziConnectObjects } from "../../e2e/connect";
import { KafkaBroker, KafkaCredentials, startKafka } from "../../e2e/kafka";
import { KubeCluster, startCluster } from "../../e2e/kube";
import { PostgresServer, startPostgres } from "../../e2e/postgres";
import { applyAll } from "./support";

type Obj = Record<string, any>;

/** One record as the adapter reads it. */
export interface Rec {
  topic: string;
  partition: number;
  key: string | null;
  value: string | null;
}

/** A region's data plane for CDC tests: the API server with the rendered RBAC, the brokers, the credentials. */
export interface CdcRegion {
  readonly kube: KubeCluster;
  readonly broker: KafkaBroker;
  /** The User Operator's Secret data of each KafkaUser, by name. */
  readonly userSecrets: ReadonlyMap<string, Record<string, string>>;
  /** Every record now in the topics, read by the operators' super user. */
  read(...topics: string[]): Rec[];
  stop(): Promise<void>;
}

const REF = /^\$\{secrets:([^/]+)\/([^:]+):(.+)\}$/;

/**
 * The database credentials a rendered connector references (`database.user`/`database.password`, or a sink's
 * `connection.username`/`connection.password` as `keys` name them, each
 * `${secrets:<namespace>/<secret>:<key>}`), as External Secrets would have synced them from the rendered
 * ExternalSecret, with a generated password: the Secret to apply and the values for the database.
 */
export function databaseSecret(
  connector: Obj,
  objects: readonly Obj[],
  user: string,
  keys: { user: string; password: string } = { user: "database.user", password: "database.password" },
): { secret: Obj; namespace: string; name: string; user: string; password: string } {
  const pw = REF.exec(connector.spec.config[keys.password]);
  const us = REF.exec(connector.spec.config[keys.user]);
  if (!pw || !us) throw new Error(`e2e: ${connector.metadata.name}'s credentials are not \${secrets:...} references`);
  const [, namespace, name] = pw;
  if (!objects.some((o) => o.kind === "ExternalSecret" && o.metadata.namespace === namespace && o.spec.target.name === name)) {
    throw new Error(`e2e: no rendered ExternalSecret makes ${namespace}/${name}`);
  }
  const password = randomBytes(18).toString("base64url");
  const b64 = (v: string) => Buffer.from(v).toString("base64");
  return { secret: { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, data: { [pw[3]]: b64(password), [us[3]]: b64(user) } }, namespace, name, user, password };
}

/**
 * Start a region for the rendered `objects`: a control plane with the rendered namespaces, service accounts and
 * RBAC, and a token user for the pods of each of `connects`; `nodes` brokers with the rendered topics, users,
 * ACLs and quotas; and what Strimzi's operators would have made for each KafkaConnect (trusted certificates,
 * the Connect user's Secret and their Role).
 */
export async function startCdcRegion(objects: readonly Obj[], connects: readonly Obj[], nodes: number, label: string): Promise<CdcRegion> {
  const kube = await startCluster({ label, users: connects.map((c) => connectServiceAccountUser(c.metadata.namespace, c.metadata.name)) });
  let broker: KafkaBroker | undefined;
  try {
    await applyAll(kube, objects.filter((x) => ["Namespace", "ServiceAccount", "Role", "RoleBinding"].includes(x.kind)));
    broker = await startKafka(objects.find((o) => o.kind === "Kafka")!, nodes);
    const b = broker;
    const users = objects.filter((o) => o.kind === "KafkaUser");
    const credentials = new Map<string, KafkaCredentials>(users.map((u) => [u.metadata.name as string, b.credentialsFor(u)]));
    const applied = b.adapter<{ results: { ok: boolean; name: string; error?: string }[] }>("apply", {
      admin: b.adminProps(),
      topics: objects.filter((o) => o.kind === "KafkaTopic"),
      users,
      passwords: Object.fromEntries([...credentials].map(([k, c]) => [k, c.password ?? ""])),
    });
    const failed = applied.results.filter((r) => !r.ok);
    if (failed.length > 0) throw new Error(`e2e: the broker refused ${JSON.stringify(failed)}`);
    const userSecrets = new Map([...credentials].map(([k, c]) => [k, b.userSecretData(c)]));
    for (const c of connects) await applyAll(kube, strimziConnectObjects(c, b.clusterCaCert, userSecrets.get(c.spec.authentication.username)!));
    return {
      kube,
      broker: b,
      userSecrets,
      read: (...topics) => b.adapter<{ records: Rec[] }>("read", { client: b.adminProps(), topics }).records,
      stop: async () => {
        await b.stop();
        await kube.stop();
      },
    };
  } catch (e) {
    await broker?.stop();
    await kube.stop();
    throw e;
  }
}

/**
 * Debian's PostgreSQL for a rendered PostgreSQL connector: its credentials Secret applied (as External Secrets
 * would sync it), a replication login with that password, and the connector's database owned by it.
 */
export async function startSourceDatabase(region: CdcRegion, connector: Obj, objects: readonly Obj[], user: string): Promise<{ pg: PostgresServer; db: string; user: string }> {
  const creds = databaseSecret(connector, objects, user);
  await applyAll(region.kube, [creds.secret]);
  const pg = await startPostgres();
  const db = connector.spec.config["database.dbname"] as string;
  pg.sql("postgres", `CREATE ROLE ${creds.user} LOGIN REPLICATION PASSWORD '${creds.password}'`);
  pg.sql("postgres", `CREATE DATABASE ${db} OWNER ${creds.user}`);
  return { pg, db, user: creds.user };
}

/** The example's source tables in `db` (owned by the connector's `user`), with `orders` rows as SQL `VALUES`. */
export function createOrdersTables(pg: PostgresServer, db: string, user: string, orders: string): void {
  pg.sql(
    db,
    [
      "CREATE TABLE public.orders (id integer PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL, card_number text)",
      "CREATE TABLE public.order_lines (order_id integer, line integer, sku text NOT NULL, PRIMARY KEY (order_id, line))",
      "CREATE TABLE public.debezium_signal (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))",
      "CREATE TABLE public.debezium_heartbeat (id int PRIMARY KEY, ts timestamptz NOT NULL)",
      "INSERT INTO public.debezium_heartbeat VALUES (1, now())",
      `INSERT INTO public.orders VALUES ${orders}`,
      ...["public.orders", "public.order_lines", "public.debezium_signal", "public.debezium_heartbeat"].map((t) => `ALTER TABLE ${t} OWNER TO ${user}`),
    ].join(";\n"),
  );
}
