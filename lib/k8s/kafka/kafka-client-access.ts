import { Construct } from "constructs";
import { addFloeValidation, ValidationIssue } from "../../core";
import type { IKafkaCluster } from "./kafka-cluster";
import type { IKafkaTopicResource } from "./kafka-topic";
import { KafkaAclScope, KafkaUser } from "./kafka-user";
import { KafkaUserQuotas } from "./strimzi-types";
import { KafkaAuthenticationType, KafkaListener } from "./listener";

/** Where the cluster CA certificate is mounted in client pods. */
export const KAFKA_CA_MOUNT = "/etc/floe/kafka/ca";
/** Where a TLS user's keystore is mounted in client pods. */
export const KAFKA_USER_MOUNT = "/etc/floe/kafka/user";

/** Properties of a {@link KafkaClientAccess}. */
export interface KafkaClientAccessProps {
  /** The Kafka cluster. */
  readonly cluster: IKafkaCluster;
  /** The KafkaUser to create for the workload. */
  readonly userName: string;
  /**
   * Topics (or prefixes) the workload reads, in `group`.
   * @default - none
   */
  readonly reads?: readonly IKafkaTopicResource[];
  /**
   * Topics (or prefixes) the workload writes.
   * @default - none
   */
  readonly writes?: readonly IKafkaTopicResource[];
  /**
   * Consumer group of the reads.
   * @default - the user name
   */
  readonly group?: string;
  /**
   * How the workload authenticates.
   * @default KafkaAuthenticationType.SCRAM_SHA_512
   */
  readonly authentication?: KafkaAuthenticationType.SCRAM_SHA_512 | KafkaAuthenticationType.TLS;
  /**
   * Listener to connect through; its authentication must match.
   * @default - the first listener of the cluster that accepts `authentication`
   */
  readonly listener?: string;
  /**
   * Refuse ACLs outside these prefixes (tenant isolation).
   * @default - no restriction
   */
  readonly aclScope?: KafkaAclScope;
  /**
   * Broker-enforced quotas of the workload's user.
   * @default - none
   */
  readonly quotas?: KafkaUserQuotas;
}

/** How a workload reaches the cluster ({@link KafkaClientAccess.connection}). */
export interface KafkaClientConnection {
  /** Bootstrap address of the listener. */
  readonly bootstrapServers: string;
  /** `SASL_SSL`, `SSL` or `SASL_PLAINTEXT`. */
  readonly securityProtocol: string;
  /** SCRAM-SHA-512 (else a TLS client certificate). */
  readonly scram: boolean;
  /** The listener uses TLS. */
  readonly tls: boolean;
}

/** A container environment variable (literal or from a Secret key). */
export interface ClientEnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

/** A Secret volume and where it is mounted. */
export interface ClientSecretVolume {
  /** Volume name. */
  readonly name: string;
  /** The Secret. */
  readonly secretName: string;
  /** The keys projected into the volume. */
  readonly keys: readonly string[];
  /** Mount path. */
  readonly mountPath: string;
}

/**
 * Kafka access for a workload (a Flink job, a connector...): its own KafkaUser with exactly the ACLs its
 * declared reads and writes need, and the client settings as environment variables whose credentials come
 * from the User Operator's Secret by reference (never as values). Variables: `FLOE_KAFKA_BOOTSTRAP_SERVERS`,
 * `FLOE_KAFKA_SECURITY_PROTOCOL`, `FLOE_KAFKA_SASL_MECHANISM`, `FLOE_KAFKA_SASL_JAAS_CONFIG`,
 * `FLOE_KAFKA_GROUP_ID`, `FLOE_KAFKA_SSL_TRUSTSTORE_*`, `FLOE_KAFKA_SSL_KEYSTORE_*`.
 *
 * The Secrets (`<user>` and `<cluster>-cluster-ca-cert`) are created by Strimzi in the Kafka namespace; a
 * workload in another namespace needs them delivered there (tenant secret delivery).
 */
export class KafkaClientAccess extends Construct {
  /** The workload's KafkaUser. */
  public readonly user: KafkaUser;
  /** The consumer group of its reads. */
  public readonly group: string;
  private readonly props: KafkaClientAccessProps;

  constructor(scope: Construct, id: string, props: KafkaClientAccessProps) {
    super(scope, id);
    this.props = props;
    this.group = props.group ?? props.userName;
    this.user = new KafkaUser(this, "User", {
      cluster: props.cluster,
      userName: props.userName,
      authentication: props.authentication,
      aclScope: props.aclScope,
      quotas: props.quotas,
    });
    for (const topic of props.writes ?? []) topic.grants.produce(this.user);
    for (const topic of props.reads ?? []) {
      topic.grants.consume(this.user, { group: this.group });
    }
    addFloeValidation(this, () => this.validateListener());
  }

  /** The listener the workload connects through (undefined when none matches; validation reports it). */
  public get listener(): KafkaListener | undefined {
    const listeners = this.props.cluster.listeners;
    if (this.props.listener) return listeners.find((l) => l.name === this.props.listener);
    return listeners.find((l) => l.authentication.type === this.user.authentication);
  }

  /** The connection: bootstrap address, protocol, authentication (undefined when no listener matches). */
  public get connection(): KafkaClientConnection | undefined {
    const listener = this.listener;
    if (!listener) return undefined;
    const scram = this.user.authentication === KafkaAuthenticationType.SCRAM_SHA_512;
    return {
      bootstrapServers: this.props.cluster.bootstrapAddress(listener.name),
      securityProtocol: listener.tls ? (scram ? "SASL_SSL" : "SSL") : "SASL_PLAINTEXT",
      scram,
      tls: listener.tls,
    };
  }

  /** Environment variables for the workload's container. */
  public get env(): ClientEnvVar[] {
    const connection = this.connection;
    if (!connection) return [];
    const secret = (key: string) => ({ secretKeyRef: { name: this.user.secretName, key } });
    const env: ClientEnvVar[] = [
      { name: "FLOE_KAFKA_BOOTSTRAP_SERVERS", value: connection.bootstrapServers },
      { name: "FLOE_KAFKA_SECURITY_PROTOCOL", value: connection.securityProtocol },
      { name: "FLOE_KAFKA_GROUP_ID", value: this.group },
    ];
    if (connection.scram) {
      env.push({ name: "FLOE_KAFKA_SASL_MECHANISM", value: "SCRAM-SHA-512" });
      env.push({ name: "FLOE_KAFKA_SASL_JAAS_CONFIG", valueFrom: secret("sasl.jaas.config") });
    } else {
      env.push({ name: "FLOE_KAFKA_SSL_KEYSTORE_TYPE", value: "PKCS12" });
      env.push({ name: "FLOE_KAFKA_SSL_KEYSTORE_LOCATION", value: `${KAFKA_USER_MOUNT}/user.p12` });
      env.push({ name: "FLOE_KAFKA_SSL_KEYSTORE_PASSWORD", valueFrom: secret("user.password") });
    }
    if (connection.tls) {
      env.push({ name: "FLOE_KAFKA_SSL_TRUSTSTORE_TYPE", value: "PEM" });
      env.push({ name: "FLOE_KAFKA_SSL_TRUSTSTORE_LOCATION", value: `${KAFKA_CA_MOUNT}/ca.crt` });
    }
    return env;
  }

  /**
   * Secret volumes for the workload's pod: the cluster CA (TLS listeners) and the TLS user's keystore; with
   * `credentialFiles`, the user's credentials as files too (`sasl.jaas.config`, or `user.p12` and
   * `user.password`), for clients that read them through a config provider (SQL jobs).
   */
  public volumes(options: { credentialFiles?: boolean } = {}): ClientSecretVolume[] {
    const listener = this.listener;
    const volumes: ClientSecretVolume[] = [];
    if (listener?.tls) {
      volumes.push({
        name: "kafka-cluster-ca",
        secretName: `${this.props.cluster.clusterName}-cluster-ca-cert`,
        keys: ["ca.crt"],
        mountPath: KAFKA_CA_MOUNT,
      });
    }
    const scram = this.user.authentication === KafkaAuthenticationType.SCRAM_SHA_512;
    const keys = scram ? (options.credentialFiles ? ["sasl.jaas.config"] : []) : options.credentialFiles ? ["user.p12", "user.password"] : ["user.p12"];
    if (listener && keys.length > 0) {
      volumes.push({ name: "kafka-user", secretName: this.user.secretName, keys, mountPath: KAFKA_USER_MOUNT });
    }
    return volumes;
  }

  private validateListener(): ValidationIssue[] {
    const name = this.props.listener;
    if (!name) return [];
    const listener = this.props.cluster.listeners.find((l) => l.name === name);
    if (!listener) {
      return [
        {
          code: "UnknownListener",
          scope: this.node.path,
          field: "listener",
          value: name,
          message: `cluster ${this.props.cluster.clusterName} has no such listener`,
          fix: `use one of ${this.props.cluster.listeners.map((l) => l.name).join(", ")}`,
        },
      ];
    }
    if (listener.authentication.type !== this.user.authentication) {
      return [
        {
          code: "ListenerAuthenticationMismatch",
          scope: this.node.path,
          field: "listener",
          value: name,
          message: `listener ${name} expects ${listener.authentication.type} clients, the workload's user uses ${this.user.authentication}`,
          fix: "pick a listener with the user's authentication, or change the authentication",
        },
      ];
    }
    return [];
  }
}
