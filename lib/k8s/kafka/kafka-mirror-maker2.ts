import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import { checkCidr, checkDnsLabel, componentLabels, escapeRegex, FloeLabels, KafkaAclOperation, ValidationError, ValidationIssue } from "../../core";
import { DNS_EGRESS_RULE, kafkaListenerPorts } from "../network";
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from "../security";
import type { IKafkaCluster } from "./kafka-cluster";
import { connectStorageTopics, IKafkaTopicResource, KafkaTopic } from "./kafka-topic";
import { KafkaUser } from "./kafka-user";
import { KafkaAuthenticationType, KafkaListener } from "./listener";
import { ResourceRequirements, STRIMZI_API_VERSION } from "./strimzi-types";

const COMPONENT_LABEL = "app.kubernetes.io/component";
/** `app.kubernetes.io/component` of replication identities (MirrorMaker 2's users on both clusters). */
export const REPLICATION_COMPONENT = "replication";

/** MirrorMaker 2's replication policy that keeps topic names (no `<source>.` prefix on the target). */
export const IDENTITY_REPLICATION_POLICY = "org.apache.kafka.connect.mirror.IdentityReplicationPolicy";

/** The remote cluster MirrorMaker 2 reads from (another region's Kafka, reached through its external listener). */
export interface MirrorSourceCluster {
  /**
   * Alias of the source cluster (the region name). MirrorMaker 2 names its checkpoint and offset-sync topics after
   * the source alias (`DefaultReplicationPolicy.checkpointsTopic`/`offsetSyncsTopic`), so the rendered alias is
   * scoped to this MirrorMaker 2 (`<internalPrefix><alias>`): two mirrors from one region never share those topics.
   */
  readonly alias: string;
  /** `host:port` of the source cluster's external TLS listener. */
  readonly bootstrapServers: string;
  /**
   * Secret (in the target's Kafka namespace) holding the source cluster's CA certificate.
   * @see https://strimzi.io/docs/operators/latest/configuring.html#type-ClientTls-reference
   */
  readonly caSecret: { readonly secretName: string; readonly certificate: string };
  /** SCRAM-SHA-512 user of the source cluster and the Secret (in the target's Kafka namespace) with its password. */
  readonly credentials: { readonly username: string; readonly secretName: string; readonly passwordKey: string };
}

/** Properties of a {@link KafkaMirrorMaker2}. */
export interface KafkaMirrorMaker2Props {
  /** The target (local) cluster: MirrorMaker 2 runs in its namespace and writes to it. */
  readonly target: IKafkaCluster;
  /** Alias of the target cluster (the region name). */
  readonly targetAlias: string;
  /** KafkaMirrorMaker2 name and the name of its target KafkaUser (a DNS-1123 label, at most 40 characters). */
  readonly name: string;
  /** The source cluster. */
  readonly source: MirrorSourceCluster;
  /** Topics (or topic prefixes) to replicate, as resources of the target cluster; names are kept (identity policy). */
  readonly topics: readonly IKafkaTopicResource[];
  /**
   * Topics matched by `topics` that must never be copied (MirrorMaker 2's `topics.exclude`), by exact name: the
   * state of components that also run in the target region, such as a Kafka Connect cluster's config, status and
   * offset topics and CDC signal and schema-history topics.
   * @default - none
   */
  readonly excludeTopics?: readonly string[];
  /** Consumer groups whose committed offsets are translated to the target (a prefix, e.g. `payments.`). */
  readonly groupPrefix: string;
  /**
   * Prefix of the internal topics and the Connect group on the target; keep it out of every tenant's prefix.
   * @default "mirrormaker2.<name>."
   */
  readonly internalPrefix?: string;
  /**
   * MirrorMaker 2 (Connect worker) replicas.
   * @default 2 when the target is a production cluster, 1 otherwise
   */
  readonly replicas?: number;
  /**
   * Tasks of the source connector (parallel partition copiers).
   * @default 2
   */
  readonly tasksMax?: number;
  /**
   * Worker resources.
   * @default - requests 500m / 2Gi, memory limit 2Gi
   */
  readonly resources?: ResourceRequirements;
  /**
   * How often consumer group offsets are checkpointed and synced to the target, in seconds.
   * @default 60
   */
  readonly offsetSyncIntervalSeconds?: number;
  /**
   * Restrict the workers' egress (a NetworkPolicy `<name>-mirrormaker2-egress`) to DNS, the target's brokers, the
   * other workers' REST port and the source's bootstrap port on these networks (the source region's, over peering).
   * @default - no egress restriction
   */
  readonly egress?: MirrorEgressOptions;
}

/** Where MirrorMaker 2 workers may connect besides DNS, the target cluster and each other. */
export interface MirrorEgressOptions {
  /** Networks (IPv4 CIDRs) of the source cluster's load balancers. */
  readonly sourceCidrs: readonly string[];
}

/** Pattern MirrorMaker 2 matches topic names with (Java regex), from literal names and prefixes. */
export function mirrorTopicsPattern(topics: readonly Pick<IKafkaTopicResource, "aclName" | "aclPatternType">[]): string {
  return [...new Set(topics.map((t) => (t.aclPatternType === "prefix" ? `${escapeRegex(t.aclName)}.*` : escapeRegex(t.aclName))))].sort().join("|");
}

/**
 * Grant a source-cluster user exactly what MirrorMaker 2 needs there, with offset syncs kept on the target:
 * read and describe the replicated topics, describe the consumer groups whose offsets are
 * translated, describe the cluster. Nothing is written to the source. The user is labelled as a replication
 * identity (`app.kubernetes.io/component: replication`), like MirrorMaker 2's target user.
 */
export function grantMirrorSource(user: KafkaUser, topics: readonly IKafkaTopicResource[], groupPrefix: string): void {
  user.apiObject.metadata.addLabel(COMPONENT_LABEL, REPLICATION_COMPONENT);
  const read: KafkaAclOperation[] = ["Read", "Describe", "DescribeConfigs"];
  for (const t of topics) user.addAcl({ resource: { type: "topic", name: t.aclName, patternType: t.aclPatternType }, operations: read });
  user.addAcl({ resource: { type: "group", name: groupPrefix, patternType: "prefix" }, operations: ["Describe"] });
  user.addAcl({ resource: { type: "cluster" }, operations: ["Describe"] });
}

/**
 * A Strimzi `KafkaMirrorMaker2` that replicates a set of topics from another region's cluster into the local
 * one, keeping topic names (identity policy: the target's topics are the same KafkaTopics the tenant declares),
 * with the checkpoint connector translating and syncing the consumer groups' offsets so consumers resume in the
 * target after a failover. Offset syncs live on the target, so the source user is read-only
 * (`grantMirrorSource`). Topic configurations and ACLs are not synced: Floe renders both in every region.
 * Its own target KafkaUser gets exactly the replicated topics, the tenant's groups (offset sync), its internal
 * topics and group. Pods meet Pod Security "restricted".
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaMirrorMaker2-reference
 */
export class KafkaMirrorMaker2 extends Construct {
  /** KafkaMirrorMaker2 name. */
  public readonly mirrorName: string;
  /** The target cluster. */
  public readonly target: IKafkaCluster;
  /** Its user on the target cluster. */
  public readonly user: KafkaUser;
  /** The rendered API object. */
  public readonly apiObject: ApiObject;
  /** The Connect group of the MirrorMaker 2 workers. */
  public readonly groupId: string;
  /** Internal Connect topics on the target. */
  public readonly internalTopics: { readonly configs: KafkaTopic; readonly offsets: KafkaTopic; readonly status: KafkaTopic };
  /** The source cluster's alias as rendered: scoped to this MirrorMaker 2. */
  public readonly sourceAlias: string;
  /** MirrorMaker 2's own topics on the target (checkpoints and offset syncs), named after {@link sourceAlias}. */
  public readonly mirrorTopics: readonly string[];
  private readonly props: KafkaMirrorMaker2Props;

  constructor(scope: Construct, id: string, props: KafkaMirrorMaker2Props) {
    super(scope, id);
    this.props = props;
    this.mirrorName = props.name;
    this.target = props.target;
    ValidationError.throwIfAny(this.validateProps());
    const internalPrefix = props.internalPrefix ?? mirrorInternalPrefix(props.name);
    this.groupId = `${internalPrefix}connect`;
    this.user = new KafkaUser(this, "User", { cluster: props.target, userName: props.name });
    this.user.apiObject.metadata.addLabel(COMPONENT_LABEL, REPLICATION_COMPONENT);
    this.internalTopics = connectStorageTopics(this, props.target, (suffix) => `${internalPrefix}${suffix}`);
    // They go with the MirrorMaker 2: acknowledging its removal in `floe diff` covers them.
    for (const topic of Object.values(this.internalTopics)) topic.apiObject.metadata.addLabel(FloeLabels.OWNED_BY, `KafkaMirrorMaker2.${props.name}`);
    const all: KafkaAclOperation[] = ["Read", "Write", "Create", "Describe", "DescribeConfigs"];
    for (const t of Object.values(this.internalTopics)) {
      this.user.addAcl({ resource: { type: "topic", name: t.topicName, patternType: "literal" }, operations: all });
    }
    // MirrorMaker 2's own topics on the target, named after the source alias (Kafka's DefaultReplicationPolicy:
    // `<alias>.checkpoints.internal`; with offset-syncs.topic.location=target, MirrorSourceConfig.offsetSyncsTopic()
    // names `mm2-offset-syncs.<source alias>.internal`). The alias is this mirror's own, so no other mirror (another
    // tenant's) can read or forge its translated offsets. No `heartbeats`: no heartbeat connector runs, and a
    // topic shared by every mirror would be a channel between tenants.
    this.sourceAlias = `${internalPrefix}${props.source.alias}`;
    this.mirrorTopics = mirrorOwnTopicNames(internalPrefix, props.source.alias);
    for (const name of this.mirrorTopics) {
      this.user.addAcl({ resource: { type: "topic", name, patternType: "literal" }, operations: all });
    }
    for (const t of props.topics) {
      // Write the copies, read them back for offset translation (group offset commits need Read).
      this.user.addAcl({ resource: { type: "topic", name: t.aclName, patternType: t.aclPatternType }, operations: ["Read", "Write", "Describe", "DescribeConfigs"] });
    }
    this.user.addAcl({ resource: { type: "group", name: this.groupId, patternType: "literal" }, operations: ["Read", "Describe"] });
    this.user.addAcl({ resource: { type: "group", name: props.groupPrefix, patternType: "prefix" }, operations: ["Read", "Describe"] });
    this.user.addAcl({ resource: { type: "cluster" }, operations: ["Describe"] });

    this.apiObject = new ApiObject(this, "Resource", {
      apiVersion: STRIMZI_API_VERSION,
      kind: "KafkaMirrorMaker2",
      metadata: { name: props.name, namespace: props.target.namespace, labels: componentLabels("kafka-mirror-maker-2", props.name, REPLICATION_COMPONENT) },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    if (props.egress) this.addEgressPolicy(props.egress);
  }

  private addEgressPolicy(egress: MirrorEgressOptions): void {
    const sourcePort = Number(/:(\d+)$/.exec(this.props.source.bootstrapServers)?.[1]);
    new ApiObject(this, "EgressPolicy", {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: `${this.mirrorName}-mirrormaker2-egress`, namespace: this.target.namespace, labels: componentLabels("kafka-mirror-maker-2", this.mirrorName, "network") },
      spec: {
        // Strimzi labels the workers with the resource's name and kind.
        podSelector: { matchLabels: { "strimzi.io/cluster": this.mirrorName, "strimzi.io/kind": "KafkaMirrorMaker2" } },
        policyTypes: ["Egress"],
        egress: [
          DNS_EGRESS_RULE,
          { to: [{ podSelector: { matchLabels: { "strimzi.io/cluster": this.target.clusterName, "strimzi.io/kind": "Kafka" } } }], ports: kafkaListenerPorts(this.target) },
          // Connect's REST API between the workers (Strimzi's MirrorMaker 2 runs on Kafka Connect).
          { to: [{ podSelector: { matchLabels: { "strimzi.io/cluster": this.mirrorName, "strimzi.io/kind": "KafkaMirrorMaker2" } } }], ports: [{ protocol: "TCP", port: 8083 }] },
          { to: [...new Set(egress.sourceCidrs)].sort().map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: sourcePort }] },
        ],
      },
    });
  }

  /** The target listener MirrorMaker 2 uses: the first internal one with SCRAM-SHA-512. */
  private get targetListener(): KafkaListener | undefined {
    return this.props.target.listeners.find((l) => l.authentication.type === KafkaAuthenticationType.SCRAM_SHA_512 && !l.external);
  }

  private validateProps(): ValidationIssue[] {
    const props = this.props;
    const scope = this.node.path;
    const issues = checkDnsLabel(props.name, { scope, field: "name" });
    if (props.name.length > 40) {
      issues.push({
        code: "NameTooLong",
        scope,
        field: "name",
        value: props.name,
        message: "Strimzi derives `<name>-mirrormaker2-...` pod, service and config names from it, which must stay within 63 characters",
        fix: "use at most 40 characters",
      });
    }
    if (props.topics.length === 0) {
      issues.push({
        code: "NothingToMirror",
        scope,
        field: "topics",
        value: [],
        message: "MirrorMaker 2 needs at least one topic or topic prefix to replicate",
        fix: "list the topics to replicate",
      });
    }
    if (props.source.alias === props.targetAlias) {
      issues.push({
        code: "MirrorToItself",
        scope,
        field: "source.alias",
        value: props.source.alias,
        message: "the source and target aliases are the same; MirrorMaker 2 would replicate a cluster into itself",
        fix: "mirror from another region's cluster",
      });
    }
    for (const t of props.topics) {
      if (t.cluster !== props.target) {
        issues.push({
          code: "TopicOfAnotherCluster",
          scope,
          field: "topics",
          value: t.aclName,
          message: `is a topic of cluster ${t.cluster.clusterName}, not of the target cluster ${props.target.clusterName}`,
          fix: "pass the target cluster's topics (the replicated copies keep the same names)",
        });
      }
    }
    if (props.egress) {
      props.egress.sourceCidrs.forEach((cidr, i) => issues.push(...checkCidr(cidr, { scope, field: `egress.sourceCidrs[${i}]` })));
      if (props.egress.sourceCidrs.length === 0) {
        issues.push({ code: "NoSourceNetwork", scope, field: "egress.sourceCidrs", value: [], message: "an egress restriction without the source's networks would cut MirrorMaker 2 off its source", fix: "list the source cluster's networks, or leave egress out" });
      }
    }
    const alias = `${props.internalPrefix ?? `mirrormaker2.${props.name}.`}${props.source.alias}`;
    if (alias.length > 100) {
      issues.push({ code: "NameTooLong", scope, field: "source.alias", value: alias, limit: 100, message: `is rendered as ${alias.length} characters (the internal prefix and the alias), over Strimzi's limit of 100`, fix: "shorten the alias or the name" });
    }
    if (!/:\d+$/.test(props.source.bootstrapServers)) {
      issues.push({ code: "InvalidBootstrapServers", scope, field: "source.bootstrapServers", value: props.source.bootstrapServers, message: "is not host:port", fix: "write it like kafka.eu-west-1.example.com:9095" });
    }
    if (!this.targetListener) {
      issues.push({
        code: "NoListenerForAuthentication",
        scope,
        field: "target",
        value: props.target.clusterName,
        message: `MirrorMaker 2 authenticates with SCRAM-SHA-512, but no internal listener of cluster ${props.target.clusterName} accepts it`,
        fix: "add an internal listener with scram-sha-512 authentication",
      });
    }
    return issues;
  }

  private renderSpec(): Record<string, unknown> {
    const props = this.props;
    const target = props.target;
    const listener = this.targetListener!;
    const containerTemplate = { securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT };
    const interval = props.offsetSyncIntervalSeconds ?? 60;
    const common = {
      "replication.policy.class": IDENTITY_REPLICATION_POLICY,
      "offset-syncs.topic.location": "target",
    };
    return {
      version: target.version,
      replicas: props.replicas ?? (target.production ? 2 : 1),
      target: {
        alias: props.targetAlias,
        bootstrapServers: target.bootstrapAddress(listener.name),
        groupId: this.groupId,
        configStorageTopic: this.internalTopics.configs.topicName,
        offsetStorageTopic: this.internalTopics.offsets.topicName,
        statusStorageTopic: this.internalTopics.status.topicName,
        ...(listener.tls ? { tls: { trustedCertificates: [{ secretName: `${target.clusterName}-cluster-ca-cert`, pattern: "*.crt" }] } } : {}),
        authentication: {
          type: "scram-sha-512",
          username: this.user.userName,
          passwordSecret: { secretName: this.user.secretName, password: "password" },
        },
        config: {
          "config.storage.replication.factor": -1,
          "offset.storage.replication.factor": -1,
          "status.storage.replication.factor": -1,
        },
      },
      mirrors: [
        {
          source: {
            alias: this.sourceAlias,
            bootstrapServers: props.source.bootstrapServers,
            tls: { trustedCertificates: [{ secretName: props.source.caSecret.secretName, certificate: props.source.caSecret.certificate }] },
            authentication: {
              type: "scram-sha-512",
              username: props.source.credentials.username,
              passwordSecret: { secretName: props.source.credentials.secretName, password: props.source.credentials.passwordKey },
            },
          },
          sourceConnector: {
            tasksMax: props.tasksMax ?? 2,
            autoRestart: { enabled: true },
            config: sorted({
              ...common,
              "refresh.topics.interval.seconds": 60,
              "replication.factor": -1,
              "sync.topic.acls.enabled": false,
              "sync.topic.configs.enabled": false,
              "offset-syncs.topic.replication.factor": -1,
            }),
          },
          checkpointConnector: {
            tasksMax: 1,
            autoRestart: { enabled: true },
            config: sorted({
              ...common,
              "checkpoints.topic.replication.factor": -1,
              "emit.checkpoints.interval.seconds": interval,
              "refresh.groups.interval.seconds": interval,
              "sync.group.offsets.enabled": true,
              "sync.group.offsets.interval.seconds": interval,
            }),
          },
          topicsPattern: mirrorTopicsPattern(props.topics),
          ...(props.excludeTopics?.length ? { topicsExcludePattern: [...new Set(props.excludeTopics)].sort().map(escapeRegex).join("|") } : {}),
          groupsPattern: mirrorTopicsPattern([{ aclName: props.groupPrefix, aclPatternType: "prefix" }]),
        },
      ],
      resources: props.resources ?? { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "2Gi" } },
      // Replication latency, record age and task state (kafka_connect_mirror_*, kafka_connect_connect_worker_*).
      metricsConfig: { type: "strimziMetricsReporter", values: { allowList: ["kafka_connect.*"] } },
      template: {
        pod: { securityContext: RESTRICTED_POD_SECURITY_CONTEXT },
        connectContainer: containerTemplate,
        initContainer: containerTemplate,
      },
    };
  }
}

function sorted(o: Record<string, string | number | boolean>): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/** The prefix of a MirrorMaker 2's Connect topics and group on its target: `mirrormaker2.<name>.`. */
export function mirrorInternalPrefix(name: string): string {
  return `mirrormaker2.${name}.`;
}

/**
 * MirrorMaker 2's own topics on the target, for a source alias (scoped by `internalPrefix`): its checkpoints
 * (`<alias>.checkpoints.internal`, Kafka's DefaultReplicationPolicy) and offset syncs
 * (`mm2-offset-syncs.<alias>.internal`, MirrorSourceConfig.offsetSyncsTopic() with offset-syncs.topic.location=target).
 */
export function mirrorOwnTopicNames(internalPrefix: string, sourceAlias: string): string[] {
  const alias = `${internalPrefix}${sourceAlias}`;
  return [`${alias}.checkpoints.internal`, `mm2-offset-syncs.${alias}.internal`];
}
