/**
 * A real Kafka Connect worker (connect-runtime at the broker's release) configured from a rendered `KafkaConnect`
 * the way Strimzi 1.2.0 configures its workers, and what Strimzi's connector operator does with a rendered
 * `KafkaConnector` (its REST calls).
 *
 * Worker configuration, read off strimzi-kafka-operator 1.2.0
 * `cluster-operator/src/main/java/io/strimzi/operator/cluster/model/KafkaConnectConfigurationBuilder.java`
 * (called by `KafkaConnectCluster.generateMetricsAndLogConfigMap` in this order):
 * - `bootstrap.servers`; `group.id` and the three storage topics; `plugin.path=/opt/kafka/plugins`;
 * - `spec.tls.trustedCertificates`: `ssl.truststore.certificates=${strimzisecrets:<ns>/<name>-connect-tls-trusted-certs:ca.crt}`
 *   and `ssl.truststore.type=PEM`, for the worker and its `producer.`, `consumer.` and `admin.` clients (the
 *   operator copies the trusted certificates into that Secret; nothing is mounted);
 * - `scram-sha-512` authentication: `sasl.mechanism` and a ScramLoginModule `sasl.jaas.config` whose password is
 *   `${strimzisecrets:<ns>/<secret>:<key>}`, likewise prefixed; `tls` authentication: PEM keystore entries read
 *   the same way;
 * - `config.providers=<the user's>,strimzienv,strimzifile,strimzidir,strimzisecrets` with Strimzi's classes
 *   (`io.strimzi.kafka.KubernetesSecretConfigProvider` for `strimzisecrets`), then the rest of `spec.config`;
 * - `security.protocol` (SSL, or SASL_SSL with SASL) for the worker and the three client prefixes.
 * The workers' service account (`<name>-connect`) may `get` the Secrets Strimzi's Role names (the trusted
 * certificates and the authentication Secret: `AuthenticationUtils.generateAuthenticationSecretsRole`) and
 * those Floe's rendered Roles grant; the config providers read them from the real API server as that account.
 *
 * Connectors, read off `cluster-operator/.../operator/assembly/AbstractConnectOperator.java` (`asJson`): the
 * rendered `spec.config` with `tasks.max` and `connector.class` from `spec.tasksMax` and `spec.class`, put as
 * the connector's config (`PUT /connectors/<name>/config`).
 *
 * Differences, all outside what tenants see: the REST API and the Kafka and database addresses are loopback
 * (`listeners=http://127.0.0.1:<port>`; the rendered bootstrap address is replaced by the broker listener with
 * the rendered port, a connector's `database.hostname`/`database.port` by the test's database); the plugin
 * folder is the e2e cache's and the run folder stands in for the image's /opt/kafka (`strimzidir`'s allowed path); Strimzi's metrics reporter is not installed (no metrics are checked here).
 */
import { writeFileSync } from "fs";
import { request } from "http";
import { join } from "path";
import { readBody } from "./http";
import { KafkaBroker, kafkaClasspath, kafkaLogConfig, properties } from "./kafka";
import { KubeCluster } from "./kube";
import { CACHE, runDir } from "./paths";
import { freePort, Service, startService, waitFor } from "./process";

type Obj = Record<string, any>;

/** The folder of connector plugins e2e/install-java.sh builds (one sub-folder per plugin). */
export const CONNECT_PLUGIN_PATH = join(CACHE, "connect", "plugins");

/**
 * The Kubernetes user a pod of the Connect cluster `name` in `namespace` runs as: its service account,
 * `<name>-connect` (a KafkaMirrorMaker2's is `<name>-mirrormaker2`: pass `component`).
 */
export function connectServiceAccountUser(namespace: string, name: string, component = "connect"): { name: string; groups: string[] } {
  return { name: `system:serviceaccount:${namespace}:${name}-${component}`, groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`] };
}

/** cluster-operator/.../model/KafkaConnectConfiguration.java DEFAULTS. */
const CONNECT_DEFAULTS = { "key.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter": "org.apache.kafka.connect.json.JsonConverter" };
/** cluster-operator/.../model/KafkaMirrorMaker2Configuration.java DEFAULTS. */
const MIRROR_MAKER_2_DEFAULTS = {
  "key.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
  "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
  "header.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
};
/** api/.../connect/KafkaConnectSpec.java (and mirrormaker2/KafkaMirrorMaker2ClusterSpec.java) FORBIDDEN_PREFIXES. */
const FORBIDDEN_PREFIXES = ["group.id", "config.storage.topic", "offset.storage.topic", "status.storage.topic", "ssl.", "sasl.", "security.", "listeners", "plugin.path", "rest.", "bootstrap.servers", "consumer.interceptor.classes", "producer.interceptor.classes"];
const FORBIDDEN_EXCEPTIONS = ["ssl.endpoint.identification.algorithm", "ssl.cipher.suites", "ssl.protocol", "ssl.enabled.protocols"];

/** The loopback address of the broker listener with the port of a rendered `host:port` bootstrap address. */
export function loopbackBootstrap(kafka: Obj, broker: KafkaBroker, rendered: string): string {
  const port = Number(rendered.split(":").pop());
  const listener = (kafka.spec.kafka.listeners as Obj[]).find((l) => l.port === port);
  const address = listener && broker.listeners.get(listener.name)?.address;
  if (!address) throw new Error(`e2e: no listener of ${kafka.metadata.name} has port ${port} (from ${rendered})`);
  return address;
}

/**
 * The worker properties Strimzi 1.2.0 writes for a rendered KafkaConnect (see the file comment), with the
 * loopback differences.
 */
export function workerProperties(connect: Obj, bootstrap: string, restPort: number, kafkaHome: string): Record<string, string | number | boolean> {
  const ns = connect.metadata.namespace as string;
  const name = connect.metadata.name as string;
  const spec = connect.spec;
  const secretRef = (secret: string, key: string) => `\${strimzisecrets:${ns}/${secret}:${key}}`;
  const out: Record<string, string | number | boolean> = {
    "bootstrap.servers": bootstrap,
    "group.id": spec.groupId,
    "config.storage.topic": spec.configStorageTopic,
    "status.storage.topic": spec.statusStorageTopic,
    "offset.storage.topic": spec.offsetStorageTopic,
    "rest.advertised.host.name": "127.0.0.1",
    "rest.advertised.port": restPort,
    listeners: `http://127.0.0.1:${restPort}`,
    "plugin.path": CONNECT_PLUGIN_PATH,
  };
  const prefixes = ["", "producer.", "consumer.", "admin."];
  let protocol = "PLAINTEXT";
  if (spec.tls) {
    protocol = "SSL";
    if ((spec.tls.trustedCertificates ?? []).length > 0) {
      for (const p of prefixes) {
        out[`${p}ssl.truststore.certificates`] = secretRef(`${name}-connect-tls-trusted-certs`, "ca.crt");
        out[`${p}ssl.truststore.type`] = "PEM";
      }
    }
  }
  const auth = spec.authentication;
  if (auth?.type === "tls") {
    for (const p of prefixes) {
      out[`${p}ssl.keystore.certificate.chain`] = secretRef(auth.certificateAndKey.secretName, auth.certificateAndKey.certificate);
      out[`${p}ssl.keystore.key`] = secretRef(auth.certificateAndKey.secretName, auth.certificateAndKey.key);
      out[`${p}ssl.keystore.type`] = "PEM";
    }
  } else if (auth?.type === "scram-sha-512") {
    protocol = protocol === "SSL" ? "SASL_SSL" : "SASL_PLAINTEXT";
    const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${auth.username}" password="${secretRef(auth.passwordSecret.secretName, auth.passwordSecret.password)}";`;
    for (const p of prefixes) {
      out[`${p}sasl.mechanism`] = "SCRAM-SHA-512";
      out[`${p}sasl.jaas.config`] = jaas;
    }
  } else if (auth) {
    throw new Error(`e2e: authentication ${auth.type} is not mapped`);
  }
  // The user configuration as Strimzi keeps it (KafkaConnectConfiguration / KafkaMirrorMaker2Configuration):
  // forbidden keys are dropped (KafkaConnectSpec.FORBIDDEN_PREFIXES, except FORBIDDEN_PREFIX_EXCEPTIONS: the
  // test fails on any, as Floe must not render one), and the defaults fill what the user left out.
  const rendered: Record<string, string | number | boolean> = { ...(spec.config ?? {}) };
  const dropped = Object.keys(rendered).filter((k) => FORBIDDEN_PREFIXES.some((p) => k.startsWith(p)) && !FORBIDDEN_EXCEPTIONS.includes(k));
  if (dropped.length > 0) throw new Error(`e2e: Strimzi drops these rendered worker settings (forbidden): ${dropped.join(", ")}`);
  const user: Record<string, string | number | boolean> = { ...(connect.kind === "KafkaMirrorMaker2" ? MIRROR_MAKER_2_DEFAULTS : CONNECT_DEFAULTS), ...rendered };
  const strimziProviders = "strimzienv,strimzifile,strimzidir,strimzisecrets";
  out["config.providers"] = user["config.providers"] ? `${user["config.providers"]},${strimziProviders}` : strimziProviders;
  delete user["config.providers"];
  out["config.providers.strimzienv.class"] = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";
  out["config.providers.strimzienv.param.allowlist.pattern"] = ".*";
  out["config.providers.strimzifile.class"] = "org.apache.kafka.common.config.provider.FileConfigProvider";
  out["config.providers.strimzidir.class"] = "org.apache.kafka.common.config.provider.DirectoryConfigProvider";
  out["config.providers.strimzidir.param.allowed.paths"] = kafkaHome;
  out["config.providers.strimzisecrets.class"] = "io.strimzi.kafka.KubernetesSecretConfigProvider";
  Object.assign(out, user);
  for (const p of prefixes) out[`${p}security.protocol`] = protocol;
  return out;
}

/** The Secrets and the Role Strimzi's cluster and user operators would have made for a KafkaConnect. */
export function strimziConnectObjects(connect: Obj, clusterCa: string, userSecretData: Record<string, string>): Obj[] {
  const ns = connect.metadata.namespace as string;
  const name = connect.metadata.name as string;
  const auth = connect.spec.authentication;
  const userSecret = auth.type === "tls" ? auth.certificateAndKey.secretName : auth.passwordSecret.secretName;
  const secret = (secretName: string, data: Record<string, string>) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: secretName, namespace: ns },
    type: "Opaque",
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
  });
  return [
    secret(`${name}-connect-tls-trusted-certs`, { "ca.crt": clusterCa }),
    secret(userSecret, userSecretData),
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: `${name}-connect`, namespace: ns },
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: [`${name}-connect-tls-trusted-certs`, userSecret].sort() }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: `${name}-connect-role`, namespace: ns },
      subjects: [{ kind: "ServiceAccount", name: `${name}-connect`, namespace: ns }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `${name}-connect` },
    },
  ];
}

/** One REST answer of the worker. */
export interface RestAnswer<T = any> {
  readonly status: number;
  readonly body: T;
}

/** A running worker. */
export class ConnectWorker {
  constructor(
    private service: Service,
    private readonly start: () => Service,
    public readonly url: string,
  ) {}

  public rest<T = any>(method: string, path: string, body?: unknown): Promise<RestAnswer<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((done, reject) => {
      const req = request(
        new URL(path, this.url),
        { method, headers: { Accept: "application/json", ...(payload ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) } : {}) } },
        (res) => {
          readBody(res).then((body) => done({ status: res.statusCode ?? 0, body: body as T }), reject);
        },
      );
      req.setTimeout(120_000, () => req.destroy(new Error(`e2e: ${method} ${path} timed out`)));
      req.on("error", reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** The connector config Strimzi puts for a rendered KafkaConnector (`asJson`), with `overrides` applied. */
  public static connectorConfig(connector: Obj, overrides: Record<string, string | number> = {}): Record<string, string> {
    const config: Record<string, unknown> = { ...connector.spec.config, ...overrides };
    if (connector.spec.tasksMax !== undefined) config["tasks.max"] = connector.spec.tasksMax;
    config["connector.class"] = connector.spec.class;
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)]));
  }

  /** Connect's own validation of a connector config (`PUT /connector-plugins/<class>/config/validate`). */
  public async validate(name: string, config: Record<string, string>): Promise<{ errorCount: number; errors: string[] }> {
    const res = await this.rest<{ error_count: number; configs: { value: { name: string; errors: string[] } }[] }>(
      "PUT",
      `/connector-plugins/${encodeURIComponent(config["connector.class"])}/config/validate`,
      { ...config, name },
    );
    if (res.status !== 200) throw new Error(`e2e: validate ${name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return { errorCount: res.body.error_count, errors: res.body.configs.flatMap((c) => c.value.errors.map((e) => `${c.value.name}: ${e}`)) };
  }

  /** Create or update a connector, then wait until it and all its tasks run. */
  public async putAndWaitRunning(name: string, config: Record<string, string>, timeoutMs = 120_000): Promise<void> {
    const res = await this.rest("PUT", `/connectors/${encodeURIComponent(name)}/config`, config);
    if (res.status >= 300) throw new Error(`e2e: put connector ${name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    await this.waitRunning(name, timeoutMs);
  }

  /** Wait until a connector and all its tasks are RUNNING; fails at once on FAILED with its trace. */
  public async waitRunning(name: string, timeoutMs = 120_000): Promise<void> {
    await waitFor(this.service, `connector ${name} RUNNING`, async () => {
      const s = await this.rest<{ connector: { state: string; trace?: string }; tasks: { state: string; trace?: string }[] }>("GET", `/connectors/${encodeURIComponent(name)}/status`);
      if (s.status !== 200) return false;
      const failed = [s.body.connector, ...s.body.tasks].find((x) => x.state === "FAILED");
      if (failed) throw new Error(`e2e: connector ${name} FAILED: ${failed.trace ?? ""}`);
      return s.body.connector.state === "RUNNING" && s.body.tasks.length > 0 && s.body.tasks.every((t) => t.state === "RUNNING");
    }, timeoutMs).catch((e: Error) => {
      throw new Error(`${e.message.split("; log")[0]}\nworker log:\n${this.service.tail(60)}`);
    });
  }

  /** Stop the worker (SIGTERM: it commits offsets and leaves the group) and start a new one with the same config. */
  public async restart(): Promise<void> {
    await this.service.stop(60_000);
    this.service = this.start();
    await waitFor(this.service, "its REST API", async () => (await this.rest("GET", "/connectors")).status === 200, 180_000);
  }

  public async stop(): Promise<void> {
    await this.service.stop(60_000);
  }

  public tail(lines = 60): string {
    return this.service.tail(lines);
  }
}

/**
 * Start a worker for a rendered KafkaConnect: its properties as Strimzi writes them, its config providers
 * reading Secrets from the real API server `kube` as the workers' service account (a token user named like it:
 * start the cluster with {@link connectServiceAccountUser} among its users).
 */
export async function startConnect(connect: Obj, kafka: Obj, broker: KafkaBroker, kube: KubeCluster, component = "connect"): Promise<ConnectWorker> {
  const dir = runDir(`connect-${connect.metadata.name}`);
  const port = await freePort();
  const props = workerProperties(connect, loopbackBootstrap(kafka, broker, connect.spec.bootstrapServers), port, dir);
  const file = join(dir, "connect.properties");
  writeFileSync(file, properties(props), { mode: 0o600 });
  writeFileSync(join(dir, "kube-ca.crt"), kube.ca);
  const account = connectServiceAccountUser(connect.metadata.namespace, connect.metadata.name, component).name;
  // The fabric8 client inside Strimzi's config providers: the API server, its CA, the service account's token
  // (below); no kubeconfig or in-cluster files.
  const java = [
    "-Xms256m",
    "-Xmx1g",
    kafkaLogConfig(dir),
    `-Dkubernetes.master=${kube.server}`,
    `-Dkubernetes.certs.ca.file=${join(dir, "kube-ca.crt")}`,
    "-Dkubernetes.auth.tryKubeConfig=false",
    "-Dkubernetes.auth.tryServiceAccount=false",
    "-cp",
    kafkaClasspath(),
    "org.apache.kafka.connect.cli.ConnectDistributed",
    file,
  ];
  let runs = 0;
  // The token by environment (KUBERNETES_AUTH_TOKEN), not on the command line.
  const env = { ...process.env, KUBERNETES_AUTH_TOKEN: kube.tokenOf(account) };
  const start = () => startService(`connect-${connect.metadata.name}`, "java", java, join(dir, `connect-${runs++}.log`), { env });
  const service = start();
  const worker = new ConnectWorker(service, start, `http://127.0.0.1:${port}`);
  await waitFor(service, "its REST API", async () => (await worker.rest("GET", "/connectors")).status === 200, 180_000);
  return worker;
}
