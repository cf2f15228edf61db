/**
 * A real Apache Kafka broker (KRaft, one combined broker/controller node) configured from a rendered `Kafka`
 * object the way Strimzi 1.2.0 configures its brokers, and the adapter that does to it what Strimzi's Topic and
 * User Operators do with rendered KafkaTopic and KafkaUser objects (e2e/java: floe.e2e.KafkaAdapter).
 *
 * Broker configuration, read off strimzi-kafka-operator 1.2.0
 * `cluster-operator/src/main/java/io/strimzi/operator/cluster/model/KafkaBrokerConfigurationBuilder.java`:
 * - a control plane listener `CONTROLPLANE-9090` and a replication listener `REPLICATION-9091`, both TLS with
 *   client certificates from the cluster CA; the operators connect to the replication listener;
 * - each rendered listener as `<NAME>-<PORT>`: `tls` -> SSL (`SASL_SSL` with `scram-sha-512`), its SCRAM JAAS
 *   config and `sasl.enabled.mechanisms=SCRAM-SHA-512`, or `ssl.client.auth=required` with the clients CA for
 *   `tls` authentication; PEM keystores; global `sasl.enabled.mechanisms=` and
 *   `ssl.endpoint.identification.algorithm=HTTPS`;
 * - `simple` authorization: `org.apache.kafka.metadata.authorizer.StandardAuthorizer`, super users
 *   `User:CN=<cluster>-kafka,O=io.strimzi`, the entity operators', Kafka Exporter's, Cruise Control's, the
 *   cluster operator's, then the rendered `superUsers` as `User:<name>`;
 * - the rendered `spec.kafka.config` as is.
 * Differences, all outside what tenants see: every listener binds 127.0.0.1 on a free port (the rendered port
 * is kept in the listener's name); the certificates are the test's own CAs instead of Strimzi's; node 0 is both
 * controller and broker whatever the node pools say (one controller is enough to prove what clients see).
 */
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { CACHE, runDir } from "./paths";
import { freePort, Service, startService, waitFor } from "./process";
import { createConnection } from "net";
import { CertificateAuthority } from "./tls";

type Obj = Record<string, any>;

/** The classpath of the broker, clients and adapter (e2e/install.sh builds it from e2e/java/pom.xml). */
export function kafkaClasspath(): string {
  const lib = join(CACHE, "kafka", "lib");
  return `${lib}/*`;
}

/** Java properties text: one `key=value` per line, values escaped (PEM blocks carry newlines). */
export function properties(entries: Record<string, string | number | boolean>): string {
  const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
  return `${Object.entries(entries)
    .map(([k, v]) => `${k}=${escape(String(v))}`)
    .join("\n")}\n`;
}

/**
 * The logger names of Strimzi's logger ids in a Kafka's inline `logging.loggers` (`logger.<id>.level`), as Strimzi
 * 1.2.0's cluster-operator/src/main/resources/default-logging/KafkaCluster.properties defines them.
 */
const STRIMZI_KAFKA_LOGGERS: Record<string, string> = { authorizer: "kafka.authorizer.logger" };

/**
 * Write the log4j 2 configuration of a Kafka JVM (broker, Connect worker: INFO to stdout) into `dir`; the JVM
 * option that selects it. A broker also gets the levels of its rendered inline `logging.loggers`; its
 * authorizer's logger is off unless they set it, so what the broker's audit log holds comes from the rendering.
 */
export function kafkaLogConfig(dir: string, kafka?: Obj): string {
  const file = join(dir, "log4j2.yaml");
  const loggers: { name: string; level: string }[] = [];
  if (kafka) {
    const levels: Record<string, string> = { "logger.authorizer.level": "OFF", ...(kafka.spec.kafka.logging?.loggers ?? {}) };
    for (const [key, level] of Object.entries(levels)) {
      const id = /^logger\.([^.]+)\.level$/.exec(key)?.[1];
      if (!id || !STRIMZI_KAFKA_LOGGERS[id]) throw new Error(`e2e: no logger name known for the rendered Kafka logger ${key}`);
      loggers.push({ name: STRIMZI_KAFKA_LOGGERS[id], level });
    }
  }
  const logger = loggers.map((l) => `\n      - name: ${l.name}\n        level: ${l.level}\n        additivity: false\n        AppenderRef:\n          - ref: STDOUT`).join("");
  writeFileSync(
    file,
    "Configuration:\n  Appenders:\n    Console:\n      name: STDOUT\n      PatternLayout:\n        Pattern: \"[%d] %p %m (%c)%n\"\n  Loggers:\n    Root:\n      level: INFO\n      AppenderRef:\n        - ref: STDOUT\n" +
      (loggers.length > 0 ? `    Logger:${logger}\n` : ""),
  );
  return `-Dlog4j2.configurationFile=${file}`;
}

/** A user's credentials as the User Operator would have put them in its Secret. */
export interface KafkaCredentials {
  readonly user: string;
  readonly type: "scram-sha-512" | "tls";
  readonly password?: string;
  readonly cert?: string;
  readonly key?: string;
}

/** A running cluster of brokers. */
export class KafkaBroker {
  constructor(
    private readonly services: readonly Service[],
    public readonly dir: string,
    /** Loopback address of each rendered listener, by rendered name. */
    public readonly listeners: ReadonlyMap<string, { address: string; tls: boolean; authentication?: string }>,
    private readonly clusterCa: CertificateAuthority,
    private readonly clientsCa: CertificateAuthority,
    private readonly operator: { cert: string; key: string },
    private readonly replication: string,
  ) {}

  /** The cluster CA certificate (PEM): what clients trust (Strimzi's `<cluster>-cluster-ca-cert`, key `ca.crt`). */
  public get clusterCaCert(): string {
    return this.clusterCa.cert;
  }

  /** Client properties of the operators' admin connection (replication listener, mTLS, a super user). */
  public adminProps(): Record<string, string> {
    return {
      "bootstrap.servers": this.replication,
      "security.protocol": "SSL",
      "ssl.truststore.type": "PEM",
      "ssl.truststore.certificates": this.clusterCa.cert,
      "ssl.keystore.type": "PEM",
      "ssl.keystore.certificate.chain": this.operator.cert,
      "ssl.keystore.key": this.operator.key,
    };
  }

  /** Credentials for a KafkaUser: a generated SCRAM password, or a client certificate `CN=<user>` from the clients CA. */
  public credentialsFor(user: Obj): KafkaCredentials {
    const name = user.metadata.name as string;
    if (user.spec.authentication.type === "tls") {
      const issued = this.clientsCa.issue(`user-${name}`, `/CN=${name}`);
      return { user: name, type: "tls", cert: issued.cert, key: issued.key };
    }
    return { user: name, type: "scram-sha-512", password: randomBytes(18).toString("base64url") };
  }

  /**
   * The data of the Secret the User Operator writes for a user (strimzi-kafka-operator 1.2.0,
   * user-operator/.../model/KafkaUserModel.java: `password` and `sasl.jaas.config` for SCRAM-SHA-512; `user.crt`,
   * `user.key` and `ca.crt` for TLS).
   */
  public userSecretData(credentials: KafkaCredentials): Record<string, string> {
    return credentials.type === "tls"
      ? { "user.crt": credentials.cert!, "user.key": credentials.key!, "ca.crt": this.clientsCa.cert }
      : {
          password: credentials.password!,
          "sasl.jaas.config": `org.apache.kafka.common.security.scram.ScramLoginModule required username="${credentials.user}" password="${credentials.password}";`,
        };
  }

  /** Client properties of `credentials` on the rendered listener that authenticates their kind. */
  public clientProps(credentials: KafkaCredentials): Record<string, string> {
    const listener = [...this.listeners.values()].find((l) => l.tls && l.authentication === credentials.type);
    if (!listener) throw new Error(`e2e: the Kafka object has no TLS listener with ${credentials.type} authentication`);
    const trust = { "ssl.truststore.type": "PEM", "ssl.truststore.certificates": this.clusterCa.cert };
    return credentials.type === "tls"
      ? { "bootstrap.servers": listener.address, "security.protocol": "SSL", ...trust, "ssl.keystore.type": "PEM", "ssl.keystore.certificate.chain": credentials.cert!, "ssl.keystore.key": credentials.key! }
      : {
          "bootstrap.servers": listener.address,
          "security.protocol": "SASL_SSL",
          "sasl.mechanism": "SCRAM-SHA-512",
          "sasl.jaas.config": `org.apache.kafka.common.security.scram.ScramLoginModule required username="${credentials.user}" password="${credentials.password}";`,
          ...trust,
        };
  }

  /** Run the adapter (`apply`, `probe` or `throttle`) on a request; its JSON answer. */
  public adapter<T = any>(command: "apply" | "probe" | "throttle" | "read" | "write" | "commit" | "describe" | "configcheck", request: unknown): T {
    const file = join(this.dir, `adapter-${command}-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify(request), { mode: 0o600 });
    const out = execFileSync("java", ["-cp", kafkaClasspath(), "-Dlog4j2.level=warn", "floe.e2e.KafkaAdapter", command, file], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: 600_000,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const last = out.trim().split("\n").pop() ?? "";
    return JSON.parse(last) as T;
  }

  public async stop(): Promise<void> {
    for (const service of [...this.services].reverse()) await service.stop(20_000);
  }

  /** Everything the brokers have logged so far. */
  public logText(): string {
    return this.services.map((s) => readFileSync(s.log, "utf8")).join("\n");
  }

  public tail(): string {
    return this.services.map((s) => `${s.name}:\n${s.tail(40)}`).join("\n");
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.end();
      done(true);
    });
    socket.on("error", () => done(false));
  });
}

/**
 * Format the storage and start `nodes` brokers for a rendered `Kafka` object (node 0 is also the KRaft
 * controller, as a combined pool would run it).
 */
/** A config value and Kafka's own verdict on it (KafkaAdapter `configcheck`). */
export interface KafkaConfigVerdict {
  readonly scope: "topic" | "broker";
  readonly key: string;
  readonly value: string;
  readonly known: boolean;
  readonly type?: string;
  readonly ok: boolean;
  readonly error?: string;
}

/**
 * Kafka's ConfigDefs (the pinned kafka_2.13) on config values, no broker needed: each entry parsed and validated as
 * the broker does; also every topic config name with its type.
 */
export function kafkaConfigCheck(entries: readonly { scope: "topic" | "broker"; key: string; value: string }[]): { topicTypes: Record<string, string>; results: KafkaConfigVerdict[] } {
  const file = join(runDir("configcheck"), "request.json");
  writeFileSync(file, JSON.stringify({ entries }), { mode: 0o600 });
  const out = execFileSync("java", ["-cp", kafkaClasspath(), "-Dlog4j2.level=warn", "floe.e2e.KafkaAdapter", "configcheck", file], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return JSON.parse(out.trim().split("\n").pop() ?? "");
}

export async function startKafka(kafka: Obj, nodes = 1): Promise<KafkaBroker> {
  const dir = runDir(`kafka-${kafka.metadata.name}`);
  const cluster = kafka.metadata.name as string;
  const clusterCa = new CertificateAuthority(dir, "cluster-ca");
  const clientsCa = new CertificateAuthority(dir, "clients-ca");
  const broker = clusterCa.issue("broker", `/O=io.strimzi/CN=${cluster}-kafka`, ["IP:127.0.0.1", "DNS:localhost"]);
  const operator = clusterCa.issue("user-operator", `/O=io.strimzi/CN=${cluster}-entity-user-operator`);

  const controlPort = await freePort();
  const protocol: string[] = ["CONTROLPLANE-9090:SSL", "REPLICATION-9091:SSL"];
  const config: Record<string, string | number | boolean> = {};
  for (const internal of ["controlplane-9090", "replication-9091"]) {
    config[`listener.name.${internal}.ssl.keystore.type`] = "PEM";
    config[`listener.name.${internal}.ssl.keystore.certificate.chain`] = broker.cert;
    config[`listener.name.${internal}.ssl.keystore.key`] = broker.key;
    config[`listener.name.${internal}.ssl.truststore.type`] = "PEM";
    config[`listener.name.${internal}.ssl.truststore.certificates`] = clusterCa.cert;
    config[`listener.name.${internal}.ssl.client.auth`] = "required";
  }
  const ids: { id: string; listener: Obj }[] = [];
  for (const l of kafka.spec.kafka.listeners as Obj[]) {
    const id = `${l.name}-${l.port}`.toUpperCase();
    const lower = id.toLowerCase();
    const auth = l.authentication?.type as string | undefined;
    const sasl = auth === "scram-sha-512";
    protocol.push(`${id}:${sasl ? "SASL_" : ""}${l.tls ? "SSL" : "PLAINTEXT"}`);
    if (sasl) {
      config[`listener.name.${lower}.scram-sha-512.sasl.jaas.config`] = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
      config[`listener.name.${lower}.sasl.enabled.mechanisms`] = "SCRAM-SHA-512";
    } else if (auth === "tls") {
      config[`listener.name.${lower}.ssl.client.auth`] = "required";
    }
    if (l.tls) {
      config[`listener.name.${lower}.ssl.keystore.type`] = "PEM";
      config[`listener.name.${lower}.ssl.keystore.certificate.chain`] = broker.cert;
      config[`listener.name.${lower}.ssl.keystore.key`] = broker.key;
      if (auth === "tls") {
        config[`listener.name.${lower}.ssl.truststore.type`] = "PEM";
        config[`listener.name.${lower}.ssl.truststore.certificates`] = clientsCa.cert;
      }
    }
    ids.push({ id, listener: l });
  }
  const authz = kafka.spec.kafka.authorization;
  const superUsers = [
    `User:CN=${cluster}-kafka,O=io.strimzi`,
    `User:CN=${cluster}-entity-topic-operator,O=io.strimzi`,
    `User:CN=${cluster}-entity-user-operator,O=io.strimzi`,
    `User:CN=${cluster}-kafka-exporter,O=io.strimzi`,
    `User:CN=${cluster}-cruise-control,O=io.strimzi`,
    "User:CN=cluster-operator,O=io.strimzi",
    ...((authz?.superUsers ?? []) as string[]).map((u) => `User:${u}`),
  ];
  const java = ["-Xms256m", "-Xmx768m", kafkaLogConfig(dir, kafka), "-cp", kafkaClasspath()];
  const clusterId = randomBytes(16).toString("base64url");
  const addresses = new Map<string, string[]>(ids.map(({ listener }) => [listener.name as string, []]));
  const replication: string[] = [];
  const ports: number[] = [];
  const services: Service[] = [];
  try {
    for (let node = 0; node < nodes; node++) {
      const replicationPort = await freePort();
      replication.push(`127.0.0.1:${replicationPort}`);
      ports.push(replicationPort);
      const listeners = [...(node === 0 ? [`CONTROLPLANE-9090://127.0.0.1:${controlPort}`] : []), `REPLICATION-9091://127.0.0.1:${replicationPort}`];
      const advertised = [`REPLICATION-9091://127.0.0.1:${replicationPort}`];
      for (const { id, listener } of ids) {
        const port = await freePort();
        ports.push(port);
        listeners.push(`${id}://127.0.0.1:${port}`);
        advertised.push(`${id}://127.0.0.1:${port}`);
        addresses.get(listener.name)!.push(`127.0.0.1:${port}`);
      }
      const file = join(dir, `server-${node}.properties`);
      writeFileSync(
        file,
        properties({
          "process.roles": node === 0 ? "broker,controller" : "broker",
          "node.id": node,
          "controller.quorum.voters": `0@127.0.0.1:${controlPort}`,
          "controller.listener.names": "CONTROLPLANE-9090",
          "inter.broker.listener.name": "REPLICATION-9091",
          "listener.security.protocol.map": protocol.join(","),
          listeners: listeners.join(","),
          "advertised.listeners": advertised.join(","),
          "sasl.enabled.mechanisms": "",
          "ssl.endpoint.identification.algorithm": "HTTPS",
          ...config,
          ...(authz?.type === "simple" ? { "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer", "super.users": superUsers.join(";") } : {}),
          "log.dirs": join(dir, `data-${node}`),
          ...(kafka.spec.kafka.config as Record<string, string | number | boolean>),
          "group.initial.rebalance.delay.ms": 0,
        }),
        { mode: 0o600 },
      );
      execFileSync("java", [...java, "kafka.tools.StorageTool", "format", `--cluster-id=${clusterId}`, "-c", file], { stdio: ["ignore", "pipe", "pipe"] });
      services.push(startService(`kafka-${node}`, "java", [...java, "kafka.Kafka", file], join(dir, `kafka-${node}.log`)));
    }
    for (const service of services) {
      await waitFor(service, "its listeners", async () => (await Promise.all(ports.map(portOpen))).every(Boolean), 120_000);
    }
  } catch (e) {
    for (const service of services) await service.stop();
    throw e;
  }
  const rendered = new Map(ids.map(({ listener }) => [listener.name as string, { address: addresses.get(listener.name)!.join(","), tls: !!listener.tls, authentication: listener.authentication?.type as string | undefined }]));
  return new KafkaBroker(services, dir, rendered, clusterCa, clientsCa, operator, replication.join(","));
}
