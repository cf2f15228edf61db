import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import {
  addFloeValidation,
  checkDnsLabel,
  componentLabels,
  ConnectPluginKind,
  KAFKA_ACL_TABLE,
  STRIMZI_CLUSTER_LABEL,
  ValidationError,
  ValidationIssue,
} from "../../core";
import { KafkaConfigValue, IKafkaCluster } from "../kafka/kafka-cluster";
import { connectStorageTopics, IKafkaTopicResource, KafkaTopic } from "../kafka/kafka-topic";
import { KafkaUser } from "../kafka/kafka-user";
import { KafkaAuthenticationType, KafkaListener } from "../kafka/listener";
import { KafkaUserQuotas, ResourceRequirements, STRIMZI_API_VERSION } from "../kafka/strimzi-types";
import { DNS_EGRESS_RULE, kafkaListenerPorts } from "../network";
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from "../security";
import { ConnectImage } from "./connect-image";

/**
 * Strimzi 1.x mounts no trusted certificates in Connect pods: the operator copies `spec.tls.trustedCertificates`
 * into the Secret `<name>-connect-tls-trusted-certs` (key `ca.crt`), grants the workers' service account `get`
 * on it, and the workers read it through the `strimzisecrets` config provider it always configures
 * (strimzi-kafka-operator 1.2.0, cluster-operator/.../model/KafkaConnectConfigurationBuilder.java `withTls`,
 * `printConfigProviders`; api/.../connect/KafkaConnectResources.java `internalTlsTrustedCertsSecretName`).
 * Clients that Floe configures inside connectors read the same value the same way.
 */
export function connectTrustedCertificatesReference(namespace: string, connectName: string): string {
  return `\${strimzisecrets:${namespace}/${connectName}-connect-tls-trusted-certs:ca.crt}`;
}

/** Properties of a {@link ConnectCluster}. */
export interface ConnectClusterProps {
  /** The Kafka cluster; Connect runs in its namespace (Strimzi needs the user and CA Secrets next to it). */
  readonly cluster: IKafkaCluster;
  /** KafkaConnect name (at most 45 characters: Strimzi derives `<name>-connect-api`, build and pod names). */
  readonly name: string;
  /** The image: `ConnectImage.build({ outputRepository, plugins })` or `ConnectImage.prebuilt(image, kinds)`. */
  readonly image: ConnectImage;
  /**
   * Tenant owning the cluster: its internal topics, group and ACLs stay within `<tenant>.`.
   * @default - none (a platform Connect cluster, prefix `<name>.`)
   */
  readonly tenant?: string;
  /**
   * Worker replicas.
   * @default 2 in production, 1 otherwise
   */
  readonly replicas?: number;
  /**
   * Worker resources.
   * @default - requests 500m / 2Gi, memory limit 2Gi
   */
  readonly resources?: ResourceRequirements;
  /**
   * How the Connect user authenticates.
   * @default KafkaAuthenticationType.SCRAM_SHA_512
   */
  readonly authentication?: KafkaAuthenticationType.SCRAM_SHA_512 | KafkaAuthenticationType.TLS;
  /**
   * Listener to connect through.
   * @default - the first listener accepting the authentication
   */
  readonly listener?: string;
  /**
   * Worker configuration overrides (connection, storage topics, security and config providers are Floe's).
   * @default - none
   */
  readonly config?: Readonly<Record<string, KafkaConfigValue>>;
  /**
   * Production rules apply.
   * @default - the Kafka cluster's
   */
  readonly production?: boolean;
  /**
   * Restrict the workers' egress to DNS, the Kafka brokers, the Kubernetes API (the config providers read
   * Secrets through it) and the databases its sources declare (`databaseCidr`).
   * @default - no egress restriction
   */
  readonly networkPolicy?: ConnectNetworkPolicyOptions;
  /**
   * Broker-enforced quotas of the Connect user.
   * @default - none
   */
  readonly quotas?: KafkaUserQuotas;
  /**
   * IAM role of the workers (IRSA): the annotation `eks.amazonaws.com/role-arn` on their service account, for
   * connectors that write to the tenant's object storage (the Iceberg sink). Under EKS Pod Identity the role is
   * associated with the service account by the cloud component instead.
   * @default - none
   */
  readonly workloadRoleArn?: string;
  /**
   * Expose worker, connector and task metrics with the Strimzi Metrics Reporter (port `tcp-prometheus`).
   * @default true
   */
  readonly metrics?: boolean;
}

/** Metrics of Connect (and MirrorMaker 2) workers: Connect's own metric groups, not every client metric. */
export const CONNECT_METRICS_CONFIG = { type: "strimziMetricsReporter", values: { allowList: ["kafka_connect.*"] } } as const;

/** Egress restriction of the Connect workers. */
export interface ConnectNetworkPolicyOptions {
  /** Networks of the Kubernetes API server endpoints. */
  readonly apiServerCidrs: readonly string[];
  /**
   * API server port.
   * @default 443
   */
  readonly apiServerPort?: number;
}

/** Worker config keys Floe sets from typed props; overriding them is refused. */
const MANAGED_WORKER_KEYS = [
  "bootstrap.servers",
  "group.id",
  "config.storage.topic",
  "offset.storage.topic",
  "status.storage.topic",
  "config.providers",
  "key.converter",
  "value.converter",
  "topic.creation.enable",
];
const MANAGED_WORKER_PREFIXES = ["ssl.", "sasl.", "security.", "config.providers.", "producer.", "consumer.", "admin."];

/**
 * A Strimzi Kafka Connect cluster for Debezium sources: its own KafkaUser with exactly the ACLs Connect needs
 * (internal topics and group, plus the topics its connectors write), compacted internal topics declared as
 * KafkaTopics, connectors as `KafkaConnector` resources, and the Strimzi Kubernetes config providers with
 * `get` on exactly the Secrets the connectors reference.
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaConnect-reference
 */
export class ConnectCluster extends Construct {
  /** KafkaConnect name. */
  public readonly connectName: string;
  /** Namespace (the Kafka cluster's). */
  public readonly namespace: string;
  /** The Kafka cluster. */
  public readonly cluster: IKafkaCluster;
  /** Topic and group prefix of the cluster's tenant (`<tenant>.`). */
  public readonly topicPrefix: string;
  /** The Connect workers' KafkaUser. */
  public readonly user: KafkaUser;
  /** Production rules apply. */
  public readonly production: boolean;
  /** The image. */
  public readonly image: ConnectImage;
  /** The rendered KafkaConnect. */
  public readonly apiObject: ApiObject;
  /** Internal topics: configs, offsets, status. */
  public readonly internalTopics: { readonly configs: KafkaTopic; readonly offsets: KafkaTopic; readonly status: KafkaTopic };
  private readonly props: ConnectClusterProps;
  private readonly secretGrants = new Map<string, Set<string>>();
  private readonly requiredPlugins = new Map<ConnectPluginKind, string[]>();
  private httpsEgress = false;
  private readonly databaseEgress: Array<{ cidr: string; port: number }> = [];
  private readonly serviceEgress = new Map<string, { podLabels: Readonly<Record<string, string>>; port: number }>();

  constructor(scope: Construct, id: string, props: ConnectClusterProps) {
    super(scope, id);
    this.props = props;
    this.connectName = props.name;
    this.cluster = props.cluster;
    this.namespace = props.cluster.namespace;
    this.image = props.image;
    this.production = props.production ?? props.cluster.production;
    this.topicPrefix = `${props.tenant ?? props.name}.`;
    ValidationError.throwIfAny(this.validateProps());

    this.user = new KafkaUser(this, "User", {
      cluster: props.cluster,
      userName: props.name,
      authentication: props.authentication,
      // Sink connectors consume in `connect-<connector>` (Kafka Connect's SinkUtils.consumerGroupId; the worker
      // refuses a connector's own group.id under connector.client.config.override.policy=None): a tenant's sinks
      // are named `<tenant>.<sink>`, and tenant names hold no dot, so `connect-<tenant>.` is the tenant's alone.
      aclScope: props.tenant ? { topicPrefix: this.topicPrefix, groupPrefix: this.topicPrefix, extraGroupPrefixes: [`connect-${this.topicPrefix}`] } : undefined,
      quotas: props.quotas,
    });
    this.internalTopics = connectStorageTopics(this, props.cluster, (suffix) => `${this.topicPrefix}${props.name}-${suffix}`);
    for (const topic of Object.values(this.internalTopics)) this.grantReadWrite(topic, this.groupId);

    this.apiObject = new ApiObject(this, "Resource", {
      apiVersion: STRIMZI_API_VERSION,
      kind: "KafkaConnect",
      metadata: {
        name: props.name,
        namespace: this.namespace,
        labels: componentLabels("kafka-connect", props.name, "connect"),
        annotations: { "strimzi.io/use-connector-resources": "true" },
      },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    addFloeValidation(this, () => this.validateTopology());
    if (props.networkPolicy) this.addEgressPolicy(props.networkPolicy);
  }

  /** Whether the workers' egress is restricted (sources must then declare their database network). */
  public get egressRestricted(): boolean {
    return this.props.networkPolicy !== undefined;
  }

  /** Let the workers reach pods of the Kafka namespace on a port (e.g. the Schema Registry for Avro converters). */
  public allowServiceEgress(podLabels: Readonly<Record<string, string>>, port: number): void {
    this.serviceEgress.set(`${JSON.stringify(podLabels)}:${port}`, { podLabels, port });
  }

  /**
   * Let the workers reach public addresses on 443 (object storage such as S3): private ranges stay closed, as for
   * the tenants' pods.
   */
  public allowHttpsEgress(): void {
    this.httpsEgress = true;
  }

  /** Allow the workers to reach a database (a source's `databaseCidr` and port). */
  public allowDatabase(cidr: string, port: number): void {
    if (!this.databaseEgress.some((e) => e.cidr === cidr && e.port === port)) this.databaseEgress.push({ cidr, port });
  }

  private addEgressPolicy(options: ConnectNetworkPolicyOptions): void {
    new ApiObject(this, "EgressPolicy", {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: `${this.connectName}-connect-egress`, namespace: this.namespace, labels: componentLabels("kafka-connect", this.connectName, "network") },
      spec: Lazy.any({
        produce: () => ({
          podSelector: { matchLabels: { "strimzi.io/cluster": this.connectName, "strimzi.io/kind": "KafkaConnect", "strimzi.io/name": `${this.connectName}-connect` } },
          policyTypes: ["Egress"],
          egress: [
            DNS_EGRESS_RULE,
            {
              to: [{ podSelector: { matchLabels: { "strimzi.io/cluster": this.cluster.clusterName, "strimzi.io/kind": "Kafka" } } }],
              ports: kafkaListenerPorts(this.cluster),
            },
            { to: [{ podSelector: { matchLabels: { "strimzi.io/cluster": this.connectName, "strimzi.io/kind": "KafkaConnect" } } }], ports: [{ protocol: "TCP", port: 8083 }] },
            ...(options.apiServerCidrs.length > 0
              ? [{ to: [...options.apiServerCidrs].sort().map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: options.apiServerPort ?? 443 }] }]
              : []),
            ...[...this.serviceEgress.keys()].sort().map((k) => {
              const e = this.serviceEgress.get(k)!;
              return { to: [{ podSelector: { matchLabels: { ...e.podLabels } } }], ports: [{ protocol: "TCP", port: e.port }] };
            }),
            ...[...this.databaseEgress]
              .sort((a, b) => (`${a.cidr}:${a.port}` < `${b.cidr}:${b.port}` ? -1 : 1))
              .map((e) => ({ to: [{ ipBlock: { cidr: e.cidr } }], ports: [{ protocol: "TCP", port: e.port }] })),
            ...(this.httpsEgress ? [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...PUBLIC_EGRESS_EXCEPT] } }], ports: [{ protocol: "TCP", port: 443 }] }] : []),
          ],
        }),
      }),
    });
  }

  /** Consumer group of the Connect workers (`<prefix><name>`). */
  public get groupId(): string {
    return `${this.topicPrefix}${this.connectName}`;
  }

  /** The service account Strimzi creates for the workers (`<name>-connect`). */
  public get serviceAccountName(): string {
    return `${this.connectName}-connect`;
  }

  /** The listener the workers use (undefined when none matches; validation reports it). */
  public get listener(): KafkaListener | undefined {
    const listeners = this.cluster.listeners;
    if (this.props.listener) return listeners.find((l) => l.name === this.props.listener);
    return listeners.find((l) => l.authentication.type === this.user.authentication);
  }

  /** Let the workers write a topic (a connector's output). */
  public grantWrite(topic: IKafkaTopicResource): void {
    topic.grants.produce(this.user);
  }

  /**
   * Let the workers read and write a topic and read its configuration (internal and schema history topics);
   * reads happen in `group`.
   */
  public grantReadWrite(topic: IKafkaTopicResource, group: string): void {
    topic.grants.produce(this.user);
    topic.grants.consume(this.user, { group });
    this.user.addAcl({
      resource: { type: "topic", name: topic.aclName, patternType: topic.aclPatternType },
      operations: KAFKA_ACL_TABLE.describe.topic,
    });
  }

  /** Let the config provider read one Secret (the workers' service account gets `get` on exactly it). */
  public allowSecret(namespace: string, name: string): void {
    let names = this.secretGrants.get(namespace);
    if (!names) {
      names = new Set<string>();
      this.secretGrants.set(namespace, names);
      this.addSecretRole(namespace, names);
    }
    names.add(name);
  }

  /** Let the config provider read the workers' own KafkaUser Secret (for Debezium's internal clients). */
  public allowOwnCredentials(): void {
    this.allowSecret(this.namespace, this.user.secretName);
  }

  /** The consumer group Kafka Connect gives a sink connector (`connect-<connector>`, SinkUtils.consumerGroupId). */
  public sinkGroup(connectorName: string): string {
    return `connect-${connectorName}`;
  }

  /** Let a sink connector read a topic in its consumer group (`connect-<connector>`). */
  public grantSinkRead(topic: IKafkaTopicResource, connectorName: string): void {
    topic.grants.consume(this.user, { group: this.sinkGroup(connectorName) });
  }

  /** Record that a connector needs the plugin of `kind` (checked against the image at synth). */
  public requirePlugin(kind: ConnectPluginKind, connectorPath: string): void {
    this.requiredPlugins.set(kind, [...(this.requiredPlugins.get(kind) ?? []), connectorPath]);
  }

  /**
   * Client settings for a Debezium internal producer/consumer (schema history), with credentials read through
   * the config provider: `<prefix>security.protocol`, SASL or keystore, truststore. Call
   * {@link allowOwnCredentials} at construction so the provider may read them.
   */
  public clientConfig(prefix: string): Record<string, string> {
    const listener = this.listener;
    if (!listener) return {};
    const scram = this.user.authentication === KafkaAuthenticationType.SCRAM_SHA_512;
    const secret = (key: string) => `\${secrets:${this.namespace}/${this.user.secretName}:${key}}`;
    const config: Record<string, string> = {
      [`${prefix}security.protocol`]: listener.tls ? (scram ? "SASL_SSL" : "SSL") : "SASL_PLAINTEXT",
    };
    if (scram) {
      config[`${prefix}sasl.mechanism`] = "SCRAM-SHA-512";
      config[`${prefix}sasl.jaas.config`] = secret("sasl.jaas.config");
    } else {
      config[`${prefix}ssl.keystore.type`] = "PEM";
      config[`${prefix}ssl.keystore.certificate.chain`] = secret("user.crt");
      config[`${prefix}ssl.keystore.key`] = secret("user.key");
    }
    if (listener.tls) {
      config[`${prefix}ssl.truststore.type`] = "PEM";
      config[`${prefix}ssl.truststore.certificates`] = connectTrustedCertificatesReference(this.namespace, this.connectName);
    }
    return config;
  }

  /** The bootstrap address the workers use. */
  public get bootstrapServers(): string {
    return this.cluster.bootstrapAddress(this.listener?.name);
  }

  private get caSecretName(): string {
    return `${this.cluster.clusterName}-cluster-ca-cert`;
  }

  private addSecretRole(namespace: string, names: Set<string>): void {
    const name = `${this.connectName}-connect-secrets`;
    const id = `SecretReader-${namespace}`;
    new ApiObject(this, `${id}-Role`, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name, namespace, labels: componentLabels("kafka-connect", this.connectName, "config-provider") },
      rules: Lazy.any({
        produce: () => [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: [...names].sort() }],
      }),
    });
    new ApiObject(this, `${id}-Binding`, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name, namespace, labels: componentLabels("kafka-connect", this.connectName, "config-provider") },
      subjects: [{ kind: "ServiceAccount", name: this.serviceAccountName, namespace: this.namespace }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    });
  }

  private validateProps(): ValidationIssue[] {
    const scope = this.node.path;
    const props = this.props;
    const issues: ValidationIssue[] = [
      ...checkDnsLabel(props.name, { scope, field: "name" }, 45, "Strimzi derives '<name>-connect-api', build and pod names from it"),
      ...props.image.validate(scope),
    ];
    if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) {
      issues.push({ code: "InvalidReplicas", scope, field: "replicas", value: props.replicas, message: "must be a whole number, 1 or more", fix: "use 2 or more in production" });
    }
    for (const key of Object.keys(props.config ?? {}).sort()) {
      if (MANAGED_WORKER_KEYS.includes(key) || MANAGED_WORKER_PREFIXES.some((p) => key.startsWith(p))) {
        issues.push({
          code: "ManagedConnectConfig",
          scope,
          field: `config.${key}`,
          value: props.config?.[key],
          message: "is set by Floe (connection, security, storage topics, converters, config providers)",
          fix: "remove it; use the typed props",
        });
      }
    }
    return issues;
  }

  private validateTopology(): ValidationIssue[] {
    const scope = this.node.path;
    const issues: ValidationIssue[] = [];
    if (this.production && (this.props.replicas ?? 2) < 2) {
      issues.push({
        code: "SingleConnectWorkerInProduction",
        scope,
        field: "replicas",
        value: this.props.replicas,
        message: "one worker stops every connector during each restart or node drain",
        fix: "use 2 or more replicas",
      });
    }
    if (!this.listener) {
      issues.push({
        code: this.props.listener ? "UnknownListener" : "NoListenerForAuthentication",
        scope,
        field: "listener",
        value: this.props.listener ?? this.user.authentication,
        message: this.props.listener
          ? `cluster ${this.cluster.clusterName} has no such listener`
          : `no listener of cluster ${this.cluster.clusterName} accepts ${this.user.authentication} clients`,
        fix: `use one of ${this.cluster.listeners.map((l) => `${l.name} (${l.authentication.type})`).join(", ")}`,
      });
    } else if (this.listener.authentication.type !== this.user.authentication) {
      issues.push({
        code: "ListenerAuthenticationMismatch",
        scope,
        field: "listener",
        value: this.listener.name,
        message: `listener ${this.listener.name} expects ${this.listener.authentication.type} clients, the Connect user uses ${this.user.authentication}`,
        fix: "pick a listener with the user's authentication, or change the authentication",
      });
    }
    for (const [kind, connectors] of [...this.requiredPlugins.entries()].sort()) {
      if (!this.image.connectors.includes(kind)) {
        issues.push({
          code: "ConnectorPluginMissing",
          scope,
          field: "image",
          value: kind,
          message: `the Connect image has no ${kind} plugin, needed by ${connectors.join(", ")}`,
          fix: this.image.buildOptions ? (kind === "iceberg" ? "add IcebergSinkPlugin.of() to the build" : `add DebeziumPlugin.${kind}({ sha512 }) to the build`) : `list ${kind} among the prebuilt image's connectors, or build the image with its plugin`,
        });
      }
    }
    return issues;
  }

  private renderSpec(): Record<string, unknown> {
    const props = this.props;
    const listener = this.listener;
    const scram = this.user.authentication === KafkaAuthenticationType.SCRAM_SHA_512;
    const containerTemplate = { securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT };
    const worker: Record<string, KafkaConfigValue> = {
      "config.providers": "secrets,configmaps",
      "config.providers.configmaps.class": "io.strimzi.kafka.KubernetesConfigMapConfigProvider",
      "config.providers.secrets.class": "io.strimzi.kafka.KubernetesSecretConfigProvider",
      "config.storage.replication.factor": -1,
      "connector.client.config.override.policy": "None",
      "key.converter": "org.apache.kafka.connect.json.JsonConverter",
      "key.converter.schemas.enable": false,
      "offset.storage.replication.factor": -1,
      "status.storage.replication.factor": -1,
      "topic.creation.enable": false,
      "value.converter": "org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable": false,
      ...(props.config ?? {}),
    };
    const built = this.image.builtImage(`${props.tenant ?? props.name}`);
    return {
      version: this.cluster.version,
      replicas: props.replicas ?? (this.production ? 2 : 1),
      bootstrapServers: this.bootstrapServers,
      groupId: this.groupId,
      configStorageTopic: this.internalTopics.configs.topicName,
      offsetStorageTopic: this.internalTopics.offsets.topicName,
      statusStorageTopic: this.internalTopics.status.topicName,
      ...(listener?.tls ? { tls: { trustedCertificates: [{ secretName: this.caSecretName, pattern: "*.crt" }] } } : {}),
      authentication: scram
        ? { type: "scram-sha-512", username: this.user.userName, passwordSecret: { secretName: this.user.secretName, password: "password" } }
        : { type: "tls", certificateAndKey: { secretName: this.user.secretName, certificate: "user.crt", key: "user.key" } },
      config: Object.fromEntries(Object.keys(worker).sort().map((k) => [k, worker[k]])),
      resources: props.resources ?? { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "2Gi" } },
      ...((props.metrics ?? true) ? { metricsConfig: CONNECT_METRICS_CONFIG } : {}),
      ...(this.image.image ? { image: this.image.image } : {}),
      ...(built && this.image.buildOptions
        ? {
            build: {
              output: {
                type: "docker",
                image: built,
                ...(this.image.buildOptions.pushSecret ? { pushSecret: this.image.buildOptions.pushSecret } : {}),
              },
              plugins: [...this.image.buildOptions.plugins]
                .sort((a, b) => (a.name < b.name ? -1 : 1))
                .map((p) => ({ name: p.name, artifacts: [...p.artifacts] })),
            },
          }
        : {}),
      template: {
        pod: { securityContext: RESTRICTED_POD_SECURITY_CONTEXT },
        ...(props.workloadRoleArn ? { serviceAccount: { metadata: { annotations: { "eks.amazonaws.com/role-arn": props.workloadRoleArn } } } } : {}),
        connectContainer: containerTemplate,
        initContainer: containerTemplate,
        ...(this.image.buildOptions ? { buildContainer: { securityContext: CONNECT_BUILD_CONTAINER_SECURITY_CONTEXT } } : {}),
      },
    };
  }
}

/**
 * The security context of the Connect image build container (Kaniko, which runs as root), for Pod Security
 * "baseline" (the Kafka namespace enforces it when a region builds its image). It must be given explicitly:
 * Strimzi's restricted provider (STRIMZI_POD_SECURITY_PROVIDER_CLASS=restricted, as Floe installs the operator)
 * refuses to build without a user-supplied build container context, and the default provider would leave the
 * container with none (strimzi-kafka-operator 1.2.0, api/.../profiles/impl/RestrictedPodSecurityProvider.java,
 * kafkaConnectBuildContainerSecurityContext).
 */
export const CONNECT_BUILD_CONTAINER_SECURITY_CONTEXT = {
  runAsUser: 0,
  runAsNonRoot: false,
  allowPrivilegeEscalation: false,
  seccompProfile: { type: "RuntimeDefault" },
} as const;

/** Networks the workers' public HTTPS egress leaves out (private, link-local and shared ranges). */
const PUBLIC_EGRESS_EXCEPT = ["10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"];

/** Label binding a KafkaConnector to its KafkaConnect. */
export function connectorLabels(connect: ConnectCluster): Record<string, string> {
  return { [STRIMZI_CLUSTER_LABEL]: connect.connectName };
}
