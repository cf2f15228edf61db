import { ApiObject, Lazy } from "cdk8s";
import { Construct, IConstruct } from "constructs";
import {
  DEFAULT_KAFKA_NAMESPACE,
  addFloeValidation,
  checkCidr,
  checkDnsLabel,
  checkStrimziGeneratedNames,
  componentLabels,
  DEFAULT_KAFKA_VERSION,
  SUPPORTED_KAFKA_VERSIONS,
  topicCollisionKey,
  ValidationError,
  ValidationIssue,
} from "../../core";
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from "../security";
import { BROKER_CONFIG_DEFS, kafkaConfigIssues } from "./config-defs";
import { KafkaNodePool, KafkaNodePoolOptions, KafkaNodeRole } from "./kafka-node-pool";
import { KafkaTopic } from "./kafka-topic";
import { KafkaUser } from "./kafka-user";
import { KafkaAuthenticationType, KafkaListener } from "./listener";
import { KafkaSpec, ResourceRequirements, STRIMZI_API_VERSION } from "./strimzi-types";

/** Broker configuration values. */
export type KafkaConfigValue = string | number | boolean;

/**
 * Authorization of a Kafka cluster.
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaAuthorizationSimple-reference
 */
export class KafkaAuthorization {
  /** Kafka's ACL authorizer (`StandardAuthorizer` in KRaft); KafkaUsers carry the ACLs. */
  public static simple(options: { readonly superUsers?: readonly string[] } = {}): KafkaAuthorization {
    return new KafkaAuthorization(true, [...(options.superUsers ?? [])].sort());
  }
  /** No authorization: every authenticated client may do anything. Refused in production. */
  public static none(): KafkaAuthorization {
    return new KafkaAuthorization(false, []);
  }
  private constructor(
    /** Whether ACLs are enforced. */
    public readonly enabled: boolean,
    /** Principals that bypass ACLs (`CN=...` for TLS users, the user name for SCRAM users). */
    public readonly superUsers: readonly string[],
  ) {}
}

/** What other constructs need to know about a Kafka cluster. */
export interface IKafkaCluster extends IConstruct {
  /** Name of the `Kafka` resource (and prefix of everything Strimzi generates). */
  readonly clusterName: string;
  /** Namespace of the cluster; the Topic and User Operators watch it, so topics and users live there. */
  readonly namespace: string;
  /** Kafka version (Connect and MirrorMaker 2 run the same). */
  readonly version: string;
  /** Production rules apply (replication, authentication, storage). */
  readonly production: boolean;
  /** Whether ACLs are enforced. */
  readonly authorizationEnabled: boolean;
  /** The listeners. */
  readonly listeners: readonly KafkaListener[];
  /** Total number of broker nodes across broker pools. */
  readonly brokerCount: number;
  /** The cluster-wide `default.replication.factor` Floe renders. */
  readonly defaultReplicationFactor: number;
  /** The cluster-wide `min.insync.replicas` Floe renders. */
  readonly defaultMinInsyncReplicas: number;
  /** `host:port` clients use to reach the cluster through a listener (default: the first listener). */
  bootstrapAddress(listenerName?: string): string;
  /** Availability zones the nodes must run in (empty: any zone). */
  readonly zones: readonly string[];
  /** Node labels the Kafka nodes must run on (empty: any node). */
  readonly nodeLabels: Readonly<Record<string, string>>;
  /** Node taints the Kafka nodes tolerate (`key=value:effect`; empty: none). */
  readonly nodeTolerations: readonly string[];
  /** Node label naming a node's zone. */
  readonly zoneTopologyKey: string;
}

/** Properties of a {@link KafkaCluster}. */
export interface KafkaClusterProps {
  /** Name of the `Kafka` resource: a DNS-1123 label short enough for Strimzi's generated names (47 or less). */
  readonly name: string;
  /**
   * Namespace of the cluster (its topics and users are rendered there too).
   * @default "kafka" (as in the platform spec)
   */
  readonly namespace?: string;
  /**
   * Kafka version; one of those the pinned Strimzi release supports.
   * @default "4.3.0"
   */
  readonly version?: string;
  /**
   * Apply production rules: at least 3 brokers and 3 controllers, replication 3 / min ISR 2, no ephemeral
   * storage, no `deleteClaim`, no unauthenticated listener, authorization on.
   * @default true
   */
  readonly production?: boolean;
  /**
   * Listeners.
   * @default [KafkaListener.internalTls()] (TLS on 9093, SCRAM-SHA-512)
   */
  readonly listeners?: readonly KafkaListener[];
  /**
   * Authorization.
   * @default KafkaAuthorization.simple()
   */
  readonly authorization?: KafkaAuthorization;
  /**
   * The KRaft controller pool (named `controllers`). Ignored when `combinedRoles` is set.
   * @default 3 controllers, 20Gi persistent storage each
   */
  readonly controllers?: KafkaNodePoolOptions;
  /**
   * The broker pool (named `brokers`; add more with `addNodePool`).
   * @default 3 brokers, 100Gi persistent storage each
   */
  readonly brokers?: KafkaNodePoolOptions;
  /**
   * Run controllers and brokers in the same nodes: one pool named `dual` sized by `brokers`. Development only.
   * @default false
   */
  readonly combinedRoles?: boolean;
  /**
   * Spread replicas across zones using the node label `rackTopologyKey`.
   * @default true
   */
  readonly rackAwareness?: boolean;
  /**
   * Node label naming the zone of a node.
   * @default "topology.kubernetes.io/zone"
   */
  readonly rackTopologyKey?: string;
  /**
   * Availability zones the Kafka nodes must run in (a required node affinity on `rackTopologyKey`, so volumes
   * and pods stay in the zones the cluster was planned for). Production clusters spanning fewer than 3 zones
   * get a warning: losing the zone holding two replicas of an RF-3 topic drops it below min ISR 2.
   * @default - any zone
   */
  readonly zones?: readonly string[];
  /**
   * Node labels the Kafka nodes must run on (a required node affinity), e.g. `karpenter.sh/nodepool` of the
   * NodePool that provisions on-demand nodes for the brokers.
   * @default - any node
   */
  readonly nodeLabels?: Readonly<Record<string, string>>;
  /**
   * Node taints the Kafka nodes tolerate, as `key=value:effect` (the taint of a node pool dedicated to Kafka).
   * @default - none
   */
  readonly nodeTolerations?: readonly string[];
  /**
   * What the brokers' authorizer writes to their log (an audit trail of access decisions): `denied`, requests an
   * ACL refused (INFO), or `all`, every decision (DEBUG: a line per authorized request, heavy). Rendered as the
   * level of Strimzi's `authorizer` logger (`kafka.authorizer.logger`, Strimzi 1.2.0
   * default-logging/KafkaCluster.properties), which Kafka's StandardAuthorizer writes to: denials at INFO, grants
   * at DEBUG (metadata/.../authorizer/StandardAuthorizerData.logAuditMessage). Pinned so that a root-level change
   * cannot silence the denials. Only with authorization.
   * @default "denied"
   */
  readonly authorizerLog?: "denied" | "all";
  /**
   * Super users that bypass ACLs (e.g. `CN=platform-admin`). Only with `authorization` simple.
   * @default - none
   */
  readonly superUsers?: readonly string[];
  /**
   * Broker configuration overrides, merged over Floe's defaults. Keys Strimzi manages are refused.
   * @default - production defaults (see `KafkaCluster.defaultConfig`)
   */
  readonly config?: Readonly<Record<string, KafkaConfigValue>>;
  /**
   * Deploy Cruise Control for rebalancing.
   * @default false
   */
  readonly cruiseControl?: boolean;
  /**
   * Expose Prometheus metrics with the Strimzi Metrics Reporter.
   * @default true
   */
  readonly metrics?: boolean;
  /**
   * Run Strimzi's Kafka Exporter (consumer group lag and topic offsets per group, scraped for lag alerts).
   * @default - the value of `metrics`
   */
  readonly kafkaExporter?: boolean;
  /**
   * Only pods of namespaces with these labels (and of the cluster's own namespace) may reach the listeners
   * (Strimzi `networkPolicyPeers`).
   * @default - any namespace (Strimzi's default)
   */
  readonly clientNamespaceLabels?: Readonly<Record<string, string>>;
  /**
   * Resources of the Topic and User Operators.
   * @default - requests 100m / 256Mi, memory limit 512Mi each
   */
  readonly entityOperatorResources?: ResourceRequirements;
}

/**
 * Config prefixes Strimzi manages itself (it ignores them in `spec.kafka.config`), with the few exceptions it
 * allows. Refusing them at synth beats a silently ignored setting.
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaClusterSpec-reference
 */
const FORBIDDEN_CONFIG_PREFIXES = [
  "listeners",
  "advertised.",
  "broker.",
  "listener.",
  "host.name",
  "port",
  "inter.broker.listener.name",
  "sasl.",
  "ssl.",
  "security.",
  "password.",
  "log.dir",
  "zookeeper.",
  "authorizer.",
  "super.user",
  "cruise.control.metrics.topic",
  "cruise.control.metrics.reporter.bootstrap.servers",
  "node.id",
  "process.roles",
  "controller.",
  "metadata.log.dir",
];
const ALLOWED_CONFIG_EXCEPTIONS = [
  "ssl.cipher.suites",
  "ssl.protocol",
  "ssl.enabled.protocols",
  "ssl.secure.random.implementation",
  "cruise.control.metrics.topic.num.partitions",
  "cruise.control.metrics.topic.replication.factor",
  "cruise.control.metrics.topic.retention.ms",
  "cruise.control.metrics.topic.auto.create.retries",
  "cruise.control.metrics.topic.auto.create.timeout.ms",
  "cruise.control.metrics.topic.min.insync.replicas",
  "controller.quorum.election.backoff.max.ms",
  "controller.quorum.election.timeout.ms",
  "controller.quorum.fetch.timeout.ms",
];
const RESERVED_PORTS = [9090, 9091, 9404, 9999];
const LISTENER_NAME = /^[a-z0-9]{1,11}$/;

/** Metrics the Strimzi Metrics Reporter exports (the ones dashboards and Floe's alerts use). */
const METRICS_ALLOW_LIST = [
  "kafka_controller.*",
  "kafka_log.*",
  "kafka_network.*",
  "kafka_server.*",
  "kafka_cluster_partition.*",
];

/**
 * A Strimzi `Kafka` cluster in KRaft mode, with its node pools.
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-Kafka-reference
 */
export class KafkaCluster extends Construct implements IKafkaCluster {
  public readonly clusterName: string;
  public readonly namespace: string;
  public readonly production: boolean;
  public readonly listeners: readonly KafkaListener[];
  public readonly version: string;
  public readonly authorization: KafkaAuthorization;
  /** The rendered `Kafka` object. */
  public readonly apiObject: ApiObject;
  public readonly zones: readonly string[];
  public readonly zoneTopologyKey: string;
  public readonly nodeLabels: Readonly<Record<string, string>>;
  public readonly nodeTolerations: readonly string[];
  private readonly pools: KafkaNodePool[] = [];
  private readonly props: KafkaClusterProps;

  constructor(scope: Construct, id: string, props: KafkaClusterProps) {
    super(scope, id);
    this.props = props;
    this.clusterName = props.name;
    this.namespace = props.namespace ?? DEFAULT_KAFKA_NAMESPACE;
    this.production = props.production ?? true;
    this.version = props.version ?? DEFAULT_KAFKA_VERSION;
    this.listeners = props.listeners ?? [KafkaListener.internalTls()];
    this.authorization =
      props.authorization ?? KafkaAuthorization.simple({ superUsers: props.superUsers });
    this.zones = [...(props.zones ?? [])];
    this.zoneTopologyKey = props.rackTopologyKey ?? "topology.kubernetes.io/zone";
    this.nodeLabels = { ...(props.nodeLabels ?? {}) };
    this.nodeTolerations = [...(props.nodeTolerations ?? [])].sort();
    ValidationError.throwIfAny(this.validateProps(props));

    this.apiObject = new ApiObject(this, "Resource", {
      apiVersion: STRIMZI_API_VERSION,
      kind: "Kafka",
      metadata: {
        name: this.clusterName,
        namespace: this.namespace,
        labels: componentLabels("kafka", this.clusterName, "cluster"),
      },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });

    if (props.combinedRoles) {
      this.addNodePool("Dual", { ...props.brokers, name: "dual", roles: [KafkaNodeRole.CONTROLLER, KafkaNodeRole.BROKER] });
    } else {
      this.addNodePool("Controllers", { ...props.controllers, name: "controllers", roles: [KafkaNodeRole.CONTROLLER] });
      this.addNodePool("Brokers", { ...props.brokers, name: "brokers", roles: [KafkaNodeRole.BROKER] });
    }
    addFloeValidation(this, () => this.validateTopology());
  }

  /** Add a node pool (for example a second broker pool on other hardware). */
  public addNodePool(
    id: string,
    options: KafkaNodePoolOptions & { readonly name: string; readonly roles: readonly KafkaNodeRole[] },
  ): KafkaNodePool {
    const pool = new KafkaNodePool(this, id, { ...options, cluster: this });
    this.pools.push(pool);
    return pool;
  }

  /** The node pools, in the order they were added. */
  public get nodePools(): readonly KafkaNodePool[] {
    return [...this.pools];
  }

  public get authorizationEnabled(): boolean {
    return this.authorization.enabled;
  }

  public get brokerCount(): number {
    return this.pools.filter((p) => p.roles.includes(KafkaNodeRole.BROKER)).reduce((n, p) => n + p.replicas, 0);
  }

  public get controllerCount(): number {
    return this.pools.filter((p) => p.roles.includes(KafkaNodeRole.CONTROLLER)).reduce((n, p) => n + p.replicas, 0);
  }

  public get defaultReplicationFactor(): number {
    return Number(this.effectiveConfig()["default.replication.factor"]);
  }

  public get defaultMinInsyncReplicas(): number {
    return Number(this.effectiveConfig()["min.insync.replicas"]);
  }

  /**
   * Floe's broker defaults for a cluster of `brokers` brokers: replication 3 (or the broker count when smaller),
   * `min.insync.replicas` 2 in production, no automatic topic creation, no unclean leader election.
   */
  public static defaultConfig(brokers: number, production: boolean): Record<string, KafkaConfigValue> {
    const rf = Math.max(1, Math.min(3, brokers));
    const minIsr = production ? Math.max(1, rf - 1) : 1;
    return {
      "auto.create.topics.enable": false,
      "default.replication.factor": rf,
      "min.insync.replicas": minIsr,
      "offsets.topic.replication.factor": rf,
      "transaction.state.log.min.isr": minIsr,
      "transaction.state.log.replication.factor": rf,
      "unclean.leader.election.enable": false,
    };
  }

  public bootstrapAddress(listenerName?: string): string {
    const listener = listenerName ? this.listeners.find((l) => l.name === listenerName) : this.listeners[0];
    if (!listener) {
      throw new ValidationError({
        code: "UnknownListener",
        scope: this.node.path,
        field: "listeners",
        value: listenerName,
        message: `cluster ${this.clusterName} has no such listener`,
        fix: `use one of ${this.listeners.map((l) => l.name).join(", ")}`,
      });
    }
    if (listener.type === "internal") return `${this.clusterName}-kafka-bootstrap.${this.namespace}.svc:${listener.port}`;
    if (listener.type === "cluster-ip") {
      return `${this.clusterName}-kafka-${listener.name}-bootstrap.${this.namespace}.svc:${listener.port}`;
    }
    if (listener.bootstrapHost) {
      const port = listener.type === "route" || listener.type === "ingress" ? 443 : listener.port;
      return `${listener.bootstrapHost}:${port}`;
    }
    throw new ValidationError({
      code: "BootstrapAddressUnknown",
      scope: this.node.path,
      field: `listeners.${listener.name}`,
      value: listener.type,
      message: "the address of this external listener is only known after deployment",
      fix: "set bootstrapHost on the listener (a DNS name you control), or use an internal listener",
    });
  }

  /** Broker configuration: Floe's defaults for the current broker count, then the user's overrides. */
  public effectiveConfig(): Record<string, KafkaConfigValue> {
    return { ...KafkaCluster.defaultConfig(this.brokerCount, this.production), ...(this.props.config ?? {}) };
  }

  private validateProps(props: KafkaClusterProps): ValidationIssue[] {
    const scope = this.node.path;
    const tolerationIssues: ValidationIssue[] = (props.nodeTolerations ?? [])
      .map((t, i) => ({ t, i }))
      .filter(({ t }) => !/^[A-Za-z0-9./_-]+=[A-Za-z0-9._-]*:(NoSchedule|PreferNoSchedule|NoExecute)$/.test(t))
      .map(({ t, i }) => ({ code: "InvalidToleration", scope, field: `nodeTolerations[${i}]`, value: t, message: "is not a taint key=value:effect", fix: "write e.g. floe.dev/kafka=true:NoSchedule" }));
    const issues: ValidationIssue[] = [
      ...tolerationIssues,
      ...checkDnsLabel(props.name, { scope, field: "name" }),
      ...checkDnsLabel(this.namespace, { scope, field: "namespace" }),
      ...checkStrimziGeneratedNames(
        {
          cluster: props.name,
          namespace: this.namespace,
          pools: props.combinedRoles ? ["dual"] : ["controllers", "brokers"],
          externalListeners: this.listeners.filter((l) => l.type !== "internal"),
        },
        { scope, field: "name" },
      ),
    ];
    if (!(this.version in SUPPORTED_KAFKA_VERSIONS)) {
      issues.push({
        code: "UnsupportedKafkaVersion",
        scope,
        field: "version",
        value: this.version,
        message: "is not a Kafka version the pinned Strimzi release runs",
        fix: `use one of ${Object.keys(SUPPORTED_KAFKA_VERSIONS).join(", ")}`,
      });
    }
    if (this.listeners.length === 0) {
      issues.push({
        code: "NoListeners",
        scope,
        field: "listeners",
        value: [],
        message: "a Kafka cluster needs at least one listener",
        fix: "remove the empty list to get the default TLS listener on 9093",
      });
    }
    const names = new Set<string>();
    const ports = new Set<number>();
    this.listeners.forEach((l, i) => {
      const field = `listeners[${i}]`;
      if (!LISTENER_NAME.test(l.name)) {
        issues.push({
          code: "InvalidListenerName",
          scope,
          field: `${field}.name`,
          value: l.name,
          message: "a listener name is 1 to 11 lower-case letters or digits",
          fix: "use a name like \"tls\" or \"external\"",
        });
      }
      if (names.has(l.name) || ports.has(l.port)) {
        issues.push({
          code: "DuplicateListener",
          scope,
          field,
          value: { name: l.name, port: l.port },
          message: "another listener has the same name or port",
          fix: "give every listener its own name and port",
        });
      }
      names.add(l.name);
      ports.add(l.port);
      if (!Number.isInteger(l.port) || l.port < 9092 || l.port > 65535 || RESERVED_PORTS.includes(l.port)) {
        issues.push({
          code: "ReservedListenerPort",
          scope,
          field: `${field}.port`,
          value: l.port,
          message: "listener ports must be 9092-65535 and not 9090/9091 (Strimzi internal), 9404 (metrics) or 9999 (JMX)",
          fix: "use 9092, 9093, 9094 or another free port",
        });
      }
      if (l.authentication.type === KafkaAuthenticationType.TLS && !l.tls) {
        issues.push({
          code: "TlsAuthenticationRequiresTls",
          scope,
          field: `${field}.authentication`,
          value: l.authentication.type,
          message: "mTLS authentication needs a TLS listener",
          fix: "set tls: true on the listener or use SCRAM-SHA-512",
        });
      }
      if ((l.type === "route" || l.type === "ingress") && !l.tls) {
        issues.push({
          code: "ExternalListenerRequiresTls",
          scope,
          field: `${field}.tls`,
          value: false,
          message: `${l.type} listeners pass through TLS (SNI) and cannot be plain`,
          fix: "set tls: true",
        });
      }
      if (l.type === "ingress" && (!l.bootstrapHost || !l.hostTemplate)) {
        issues.push({
          code: "IngressListenerNeedsHosts",
          scope,
          field: `${field}.${l.bootstrapHost ? "hostTemplate" : "bootstrapHost"}`,
          value: undefined,
          message: "an ingress listener needs the bootstrap host and a per-broker host template",
          fix: "set bootstrapHost (e.g. kafka.example.com) and hostTemplate (e.g. broker-{nodeId}.kafka.example.com)",
        });
      }
      if (l.sourceCidrs) {
        l.sourceCidrs.forEach((cidr, ci) => issues.push(...checkCidr(cidr, { scope, field: `${field}.sourceCidrs[${ci}]` })));
        if (l.type === "route" || l.type === "ingress" || l.sourceCidrs.length === 0) {
          issues.push({
            code: "SourceRestrictionUnsupported",
            scope,
            field: `${field}.sourceCidrs`,
            value: l.sourceCidrs,
            message: l.sourceCidrs.length === 0 ? "an empty list admits no client" : `a ${l.type} listener is reached through its router, so the brokers never see the client's network`,
            fix: l.sourceCidrs.length === 0 ? "list the client networks, or leave sourceCidrs out" : "use a loadbalancer or nodeport listener for clients restricted by network",
          });
        }
      }
      if (this.production && l.authentication.type === KafkaAuthenticationType.NONE) {
        issues.push({
          code: "UnauthenticatedListenerInProduction",
          scope,
          field: `${field}.authentication`,
          value: "none",
          message: "a production listener without authentication lets anyone who reaches it act as ANONYMOUS",
          fix: "use KafkaAuthentication.scramSha512() or KafkaAuthentication.tls()",
        });
      }
    });
    if (this.production && !this.authorization.enabled) {
      issues.push({
        code: "AuthorizationDisabledInProduction",
        scope,
        field: "authorization",
        value: "none",
        message: "without authorization every authenticated client can read and delete every topic",
        fix: "use KafkaAuthorization.simple() (the default)",
      });
    }
    if (props.authorizerLog !== undefined && !this.authorization.enabled) {
      issues.push({
        code: "AuthorizerLogWithoutAuthorization",
        scope,
        field: "authorizerLog",
        value: props.authorizerLog,
        message: "is an authorizer's log, and this cluster has no authorizer",
        fix: "remove authorizerLog, or turn authorization on",
      });
    }
    if (props.superUsers && props.authorization) {
      issues.push({
        code: "SuperUsersWithoutSimpleAuthorization",
        scope,
        field: "superUsers",
        value: props.superUsers,
        message: "superUsers is only read when authorization is the default",
        fix: "pass superUsers to KafkaAuthorization.simple({ superUsers }) instead",
      });
    }
    if (props.combinedRoles && this.production) {
      issues.push({
        code: "CombinedRolesInProduction",
        scope,
        field: "combinedRoles",
        value: true,
        message: "production clusters keep KRaft controllers apart from brokers",
        fix: "remove combinedRoles (Floe then renders a controller pool and a broker pool)",
      });
    }
    // Values the brokers would refuse at start-up (Strimzi writes them into server.properties as they are).
    issues.push(...kafkaConfigIssues(props.config, BROKER_CONFIG_DEFS, { scope, what: "broker", unknownRefused: false }));
    for (const key of Object.keys(props.config ?? {}).sort()) {
      const forbidden = FORBIDDEN_CONFIG_PREFIXES.some((p) => key.startsWith(p)) && !ALLOWED_CONFIG_EXCEPTIONS.includes(key);
      if (forbidden) {
        issues.push({
          code: "ForbiddenKafkaConfig",
          scope,
          field: `config.${key}`,
          value: props.config?.[key],
          message: "is managed by Strimzi (listeners, security, KRaft and storage settings) and would be ignored",
          fix: "remove it and use the typed props (listeners, authorization, storage) instead",
        });
      }
    }
    return issues;
  }

  /** Checks that need the final tree: pool sizes, replication vs brokers, topic name collisions. */
  private validateTopology(): ValidationIssue[] {
    const scope = this.node.path;
    const issues: ValidationIssue[] = [];
    const duplicate = this.zones.find((z, i) => this.zones.indexOf(z) !== i);
    if (duplicate !== undefined) {
      issues.push({ code: "DuplicateZone", scope, field: "zones", value: duplicate, message: "is listed twice", fix: "list each availability zone once" });
    }
    if (this.production && this.zones.length > 0 && new Set(this.zones).size < 3) {
      issues.push({
        code: "FewZones",
        severity: "warning",
        scope,
        field: "zones",
        value: this.zones,
        message: "a production cluster in fewer than 3 zones: losing the zone that holds two replicas of an RF-3 topic leaves it below min.insync.replicas 2 (producers with acks=all stop)",
        fix: "spread the cluster over 3 zones",
      });
    }
    const controllers = this.controllerCount;
    const brokers = this.brokerCount;
    const minControllers = this.production ? 3 : 1;
    if (controllers < minControllers || controllers % 2 === 0) {
      issues.push({
        code: "ControllerQuorum",
        scope,
        field: "controllers.replicas",
        value: controllers,
        message: `a KRaft quorum needs an odd number of controllers, at least ${minControllers}${this.production ? " in production" : ""}`,
        fix: this.production ? "use 3 or 5 controllers" : "use 1, 3 or 5 controllers",
      });
    }
    if (this.production && brokers < 3) {
      issues.push({
        code: "TooFewBrokers",
        scope,
        field: "brokers.replicas",
        value: brokers,
        message: "production needs at least 3 brokers to keep replication factor 3 with min.insync.replicas 2",
        fix: "set brokers.replicas to 3 or more",
      });
    }
    const poolNames = new Set<string>();
    for (const pool of this.pools) {
      if (poolNames.has(pool.poolName)) {
        issues.push({
          code: "DuplicateNodePool",
          scope,
          field: "nodePools",
          value: pool.poolName,
          message: "two node pools of this cluster have the same name",
          fix: "give every pool its own name",
        });
      }
      poolNames.add(pool.poolName);
      if (this.production && pool.storage.type === "ephemeral") {
        issues.push({
          code: "EphemeralStorageInProduction",
          scope: pool.node.path,
          field: "storage",
          value: "ephemeral",
          message: "ephemeral storage loses all data when a pod restarts",
          fix: "use KafkaStorage.persistentClaim({ size }) or KafkaStorage.jbod([...])",
        });
      }
      if (this.production && pool.storage.deletesClaims) {
        issues.push({
          code: "DeleteClaimInProduction",
          scope: pool.node.path,
          field: "storage.deleteClaim",
          value: true,
          message: "deleteClaim deletes the broker's data volume when the pool shrinks or is removed",
          fix: "set deleteClaim: false (the default) and delete volumes by hand once their data is moved",
        });
      }
    }
    const config = this.effectiveConfig();
    const rf = Number(config["default.replication.factor"]);
    const minIsr = Number(config["min.insync.replicas"]);
    if (rf > brokers) {
      issues.push({
        code: "ReplicationFactorExceedsBrokers",
        scope,
        field: "config.default.replication.factor",
        value: rf,
        message: `is more than the ${brokers} broker(s) of the cluster`,
        fix: `lower it to at most ${brokers} or add brokers`,
      });
    }
    if (this.production && minIsr >= rf) {
      issues.push({
        code: "MinInsyncReplicasNotBelowReplicas",
        scope,
        field: "config.min.insync.replicas",
        value: minIsr,
        message: `must be below default.replication.factor (${rf}), or one broker restart blocks every producer using acks=all`,
        fix: `set it to ${Math.max(1, rf - 1)}`,
      });
    }
    issues.push(...this.validateTopicNames(), ...this.validateUserNames());
    return issues;
  }

  private validateUserNames(): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const seen = new Map<string, string>();
    for (const c of this.node.root.node.findAll()) {
      if (!(c instanceof KafkaUser) || c.cluster !== this) continue;
      const other = seen.get(c.userName);
      if (other !== undefined) {
        issues.push({
          code: "DuplicateKafkaUser",
          scope: c.node.path,
          field: "userName",
          value: c.userName,
          message: `is also the user of ${other} in cluster ${this.clusterName}; the two would share credentials and ACLs`,
          fix: "give every workload its own user name",
        });
      } else {
        seen.set(c.userName, c.node.path);
      }
    }
    return issues;
  }

  private validateTopicNames(): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const seen = new Map<string, { name: string; path: string }>();
    for (const c of this.node.root.node.findAll()) {
      if (!(c instanceof KafkaTopic) || c.cluster !== this) continue;
      const topic = c;
      const key = topicCollisionKey(topic.topicName);
      const other = seen.get(key);
      if (other) {
        const same = other.name === topic.topicName;
        issues.push({
          code: same ? "DuplicateTopic" : "TopicNameCollision",
          scope: c.node.path,
          field: "topicName",
          value: topic.topicName,
          message: same
            ? `is declared twice in cluster ${this.clusterName} (also at ${other.path})`
            : `collides with topic ${JSON.stringify(other.name)} (${other.path}): Kafka treats '.' and '_' alike and refuses the second`,
          fix: same ? "declare each topic once" : "rename one of the two topics",
        });
      } else {
        seen.set(key, { name: topic.topicName, path: c.node.path });
      }
    }
    return issues;
  }

  private renderSpec(): KafkaSpec {
    const config = this.effectiveConfig();
    const sortedConfig = Object.fromEntries(Object.keys(config).sort().map((k) => [k, config[k]]));
    const containerTemplate = { securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT };
    const podTemplate = { securityContext: RESTRICTED_POD_SECURITY_CONTEXT };
    const operatorResources: ResourceRequirements = this.props.entityOperatorResources ?? {
      requests: { cpu: "100m", memory: "256Mi" },
      limits: { memory: "512Mi" },
    };
    return {
      kafka: {
        version: this.version,
        metadataVersion: SUPPORTED_KAFKA_VERSIONS[this.version].metadataVersion,
        listeners: this.listeners.map((l) => ({
          ...l.toStrimzi(),
          ...(this.props.clientNamespaceLabels && !l.external
            ? {
                networkPolicyPeers: [
                  { namespaceSelector: { matchLabels: { ...this.props.clientNamespaceLabels } } },
                  { podSelector: {} },
                ],
              }
            : {}),
        })),
        config: sortedConfig,
        ...(this.authorization.enabled
          ? {
              authorization: {
                type: "simple" as const,
                ...(this.authorization.superUsers.length > 0 ? { superUsers: this.authorization.superUsers } : {}),
              },
            }
          : {}),
        ...(this.authorization.enabled
          ? { logging: { type: "inline" as const, loggers: { "logger.authorizer.level": this.props.authorizerLog === "all" ? "DEBUG" : "INFO" } } }
          : {}),
        ...((this.props.rackAwareness ?? true)
          ? { rack: { topologyKey: this.zoneTopologyKey } }
          : {}),
        ...((this.props.metrics ?? true)
          ? { metricsConfig: { type: "strimziMetricsReporter" as const, values: { allowList: METRICS_ALLOW_LIST } } }
          : {}),
        template: { pod: podTemplate, kafkaContainer: containerTemplate, initContainer: containerTemplate },
      },
      entityOperator: {
        topicOperator: { resources: operatorResources },
        userOperator: { resources: operatorResources },
        template: { pod: podTemplate, topicOperatorContainer: containerTemplate, userOperatorContainer: containerTemplate },
      },
      ...(this.props.cruiseControl
        ? { cruiseControl: { template: { pod: podTemplate, cruiseControlContainer: containerTemplate } } }
        : {}),
      ...(this.kafkaExporterEnabled
        ? {
            kafkaExporter: {
              topicRegex: ".*",
              groupRegex: ".*",
              resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
              template: { pod: podTemplate, container: containerTemplate },
            },
          }
        : {}),
    };
  }

  /** Whether the Kafka Exporter runs (consumer lag metrics). */
  public get kafkaExporterEnabled(): boolean {
    return this.props.kafkaExporter ?? this.props.metrics ?? true;
  }

  /** Whether the brokers expose metrics (Strimzi Metrics Reporter on port `tcp-prometheus`). */
  public get metricsEnabled(): boolean {
    return this.props.metrics ?? true;
  }
}
