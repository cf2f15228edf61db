import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import {
  addFloeValidation,
  checkTopicName,
  KAFKA_ACL_TABLE,
  parseBytes,
  parseDuration,
  topicResourceName,
  ValidationError,
  ValidationIssue,
} from "../../core";
import { kafkaConfigIssues, TOPIC_CONFIG_DEFS } from "./config-defs";
import type { IKafkaCluster, KafkaConfigValue } from "./kafka-cluster";
import type { IKafkaUser } from "./kafka-user";
import { clusterBoundResource } from "./strimzi-resource";
import { KafkaTopicSpec } from "./strimzi-types";

/** Something ACLs can name: a topic or a prefix of topics. */
export interface IKafkaTopicResource {
  /** The cluster the topic(s) live in. */
  readonly cluster: IKafkaCluster;
  /** Topic name, or the prefix for prefixed patterns. */
  readonly aclName: string;
  /** `literal` for one topic, `prefix` for every topic starting with `aclName`. */
  readonly aclPatternType: "literal" | "prefix";
  /** Grant access to the topic(s) by intent. */
  readonly grants: TopicGrants;
}

/** Options of a consume grant. */
export interface ConsumeGrantOptions {
  /** The consumer group (or group prefix) the user consumes in. */
  readonly group: string;
  /**
   * Whether `group` is one group or a prefix of groups.
   * @default "literal"
   */
  readonly groupPatternType?: "literal" | "prefix";
}

/**
 * Access to a topic (or topic prefix) as intent: the operations come from the one ACL table in lib/core.
 */
export class TopicGrants {
  constructor(private readonly resource: IKafkaTopicResource) {}

  /** Let `user` produce to the topic(s): `Write` (Kafka implies `Describe`). */
  public produce(user: IKafkaUser): void {
    user.addAcl({
      resource: { type: "topic", name: this.resource.aclName, patternType: this.resource.aclPatternType },
      operations: KAFKA_ACL_TABLE.produce.topic,
    });
  }

  /** Let `user` consume the topic(s) in a consumer group: `Read` on the topic(s) and `Read` on the group. */
  public consume(user: IKafkaUser, options: ConsumeGrantOptions): void {
    user.addAcl({
      resource: { type: "topic", name: this.resource.aclName, patternType: this.resource.aclPatternType },
      operations: KAFKA_ACL_TABLE.consume.topic,
    });
    user.addAcl({
      resource: { type: "group", name: options.group, patternType: options.groupPatternType ?? "literal" },
      operations: KAFKA_ACL_TABLE.consume.group,
    });
  }
}

/**
 * Every topic whose name starts with `prefix` (a tenant's topic namespace): ACLs use a prefixed pattern.
 */
export class KafkaTopicPrefix implements IKafkaTopicResource {
  public readonly aclPatternType = "prefix" as const;
  public readonly grants: TopicGrants;
  constructor(
    public readonly cluster: IKafkaCluster,
    /** The prefix, e.g. `payments.`. */
    public readonly aclName: string,
  ) {
    const { errors } = checkTopicName(aclName, { scope: cluster.node.path, field: "topicPrefix" });
    ValidationError.throwIfAny(errors);
    this.grants = new TopicGrants(this);
  }
}

/** Cleanup policy of a topic. */
export enum CleanupPolicy {
  /** Delete segments older than the retention. */
  DELETE = "delete",
  /** Keep the latest record per key (changelogs, CDC schema history, state). */
  COMPACT = "compact",
  /** Compact, and also delete by retention. */
  COMPACT_DELETE = "compact,delete",
}

/** Properties of a {@link KafkaTopic}. */
export interface KafkaTopicProps {
  /** The Kafka cluster. */
  readonly cluster: IKafkaCluster;
  /** The Kafka topic name (the Kubernetes object name is derived from it). */
  readonly topicName: string;
  /**
   * Number of partitions (can grow later, never shrink).
   * @default 3
   */
  readonly partitions?: number;
  /**
   * Replication factor; at most the cluster's broker count.
   * @default - the cluster's default replication factor
   */
  readonly replicas?: number;
  /**
   * How long records are kept (`7d`, `12h`, `infinite`).
   * @default - the broker default (7 days)
   */
  readonly retention?: string;
  /**
   * Maximum bytes kept per partition (`50Gi`), or none.
   * @default - unlimited
   */
  readonly retentionBytes?: string | number;
  /**
   * Cleanup policy.
   * @default CleanupPolicy.DELETE
   */
  readonly cleanupPolicy?: CleanupPolicy;
  /**
   * `min.insync.replicas` of the topic; must be below `replicas` in production.
   * @default - the cluster's default
   */
  readonly minInsyncReplicas?: number;
  /**
   * Largest record batch the topic accepts (`1Mi`).
   * @default - the broker default (1 MiB)
   */
  readonly maxMessageBytes?: string | number;
  /**
   * Other topic configuration. Keys set by the typed props above may not be repeated here.
   * @default - none
   */
  readonly config?: Readonly<Record<string, KafkaConfigValue>>;
  /**
   * The name is derived from something the user does not choose here (e.g. a captured table), so naming
   * warnings (mixing '.' and '_') are not reported. Errors and collisions still are.
   * @default false
   */
  readonly derivedName?: boolean;
}

/**
 * A Strimzi `KafkaTopic`, managed by the Topic Operator in the cluster's namespace.
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaTopic-reference
 */
export class KafkaTopic extends Construct implements IKafkaTopicResource {
  public readonly cluster: IKafkaCluster;
  public readonly topicName: string;
  public readonly partitions: number;
  public readonly aclPatternType = "literal" as const;
  public readonly grants: TopicGrants;
  /** Kubernetes name of the `KafkaTopic` object. */
  public readonly resourceName: string;
  /** The rendered API object. */
  public readonly apiObject: ApiObject;
  private readonly props: KafkaTopicProps;
  private readonly topicConfig: Record<string, KafkaConfigValue>;

  constructor(scope: Construct, id: string, props: KafkaTopicProps) {
    super(scope, id);
    this.props = props;
    this.cluster = props.cluster;
    this.topicName = props.topicName;
    this.partitions = props.partitions ?? 3;
    this.resourceName = topicResourceName(props.topicName);
    this.grants = new TopicGrants(this);
    const { issues, config } = this.buildConfig(props);
    ValidationError.throwIfAny(issues);
    this.topicConfig = config;

    this.apiObject = clusterBoundResource(this, {
      kind: "KafkaTopic",
      name: this.resourceName,
      cluster: props.cluster,
      labels: { name: "kafka-topic", instance: this.resourceName },
      spec: () => this.renderSpec(),
    });
    const { warnings } = checkTopicName(props.topicName, { scope: this.node.path, field: "topicName" });
    addFloeValidation(this, () => [...(props.derivedName ? [] : warnings), ...this.validateAgainstCluster()]);
  }

  public get aclName(): string {
    return this.topicName;
  }

  /** Replication factor: the prop, or the cluster's default. */
  public get replicas(): number {
    return this.props.replicas ?? this.cluster.defaultReplicationFactor;
  }

  private buildConfig(props: KafkaTopicProps): { issues: ValidationIssue[]; config: Record<string, KafkaConfigValue> } {
    const scope = this.node.path;
    const issues: ValidationIssue[] = [
      ...checkTopicName(props.topicName, { scope, field: "topicName" }).errors,
      // Values and names the broker would refuse when the Topic Operator creates the topic.
      ...kafkaConfigIssues(props.config, TOPIC_CONFIG_DEFS, { scope, what: "topic", unknownRefused: true }),
    ];
    const config: Record<string, KafkaConfigValue> = {};
    const typed: Array<[string, string, KafkaConfigValue | undefined]> = [];
    if (!Number.isInteger(this.partitions) || this.partitions < 1) {
      issues.push({
        code: "InvalidPartitions",
        scope,
        field: "partitions",
        value: this.partitions,
        message: "must be a whole number, 1 or more",
        fix: "set partitions to e.g. 3 (it can be raised later, never lowered)",
      });
    }
    if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) {
      issues.push({
        code: "InvalidReplicas",
        scope,
        field: "replicas",
        value: props.replicas,
        message: "must be a whole number, 1 or more",
        fix: "set replicas to 3 or leave it out to use the cluster default",
      });
    }
    if (props.retention !== undefined) {
      const r = parseDuration(props.retention, { scope, field: "retention" });
      issues.push(...r.issues);
      typed.push(["retention", "retention.ms", r.ms]);
    }
    if (props.retentionBytes !== undefined) {
      const r = parseBytes(props.retentionBytes, { scope, field: "retentionBytes" });
      issues.push(...r.issues);
      typed.push(["retentionBytes", "retention.bytes", r.bytes]);
    }
    if (props.maxMessageBytes !== undefined) {
      const r = parseBytes(props.maxMessageBytes, { scope, field: "maxMessageBytes" });
      issues.push(...r.issues);
      typed.push(["maxMessageBytes", "max.message.bytes", r.bytes]);
    }
    if (props.cleanupPolicy !== undefined) {
      if (!Object.values(CleanupPolicy).includes(props.cleanupPolicy)) {
        issues.push({
          code: "InvalidCleanupPolicy",
          scope,
          field: "cleanupPolicy",
          value: props.cleanupPolicy,
          message: "is not a Kafka cleanup policy",
          fix: "use delete, compact or compact,delete",
        });
      }
      typed.push(["cleanupPolicy", "cleanup.policy", props.cleanupPolicy]);
    }
    if (props.minInsyncReplicas !== undefined) {
      if (!Number.isInteger(props.minInsyncReplicas) || props.minInsyncReplicas < 1) {
        issues.push({
          code: "InvalidMinInsyncReplicas",
          scope,
          field: "minInsyncReplicas",
          value: props.minInsyncReplicas,
          message: "must be a whole number, 1 or more",
          fix: "set it to replicas - 1 (2 for 3 replicas)",
        });
      }
      typed.push(["minInsyncReplicas", "min.insync.replicas", props.minInsyncReplicas]);
    }
    for (const [prop, key, value] of typed) {
      if (props.config && key in props.config) {
        issues.push({
          code: "ConflictingTopicConfig",
          scope,
          field: `config.${key}`,
          value: props.config[key],
          message: `is also set by the typed prop ${prop}`,
          fix: `remove config.${key} and keep ${prop}`,
        });
      }
      if (value !== undefined) config[key] = value;
    }
    for (const [key, value] of Object.entries(props.config ?? {})) {
      if (!(key in config)) config[key] = value;
    }
    return { issues, config };
  }

  private validateAgainstCluster(): ValidationIssue[] {
    const scope = this.node.path;
    const issues: ValidationIssue[] = [];
    const brokers = this.cluster.brokerCount;
    const replicas = this.replicas;
    if (replicas > brokers) {
      issues.push({
        code: "TopicReplicasExceedBrokers",
        scope,
        field: "replicas",
        value: replicas,
        message: `is more than the ${brokers} broker(s) of cluster ${this.cluster.clusterName}`,
        fix: `use at most ${brokers} replicas, or add brokers`,
      });
    }
    const minIsr = Number(this.topicConfig["min.insync.replicas"] ?? this.cluster.defaultMinInsyncReplicas);
    if (this.cluster.production && minIsr >= replicas) {
      issues.push({
        code: "MinInsyncReplicasNotBelowReplicas",
        scope,
        field: "minInsyncReplicas",
        value: minIsr,
        message: `must be below the topic's ${replicas} replicas in production, or a single broker restart stops producers using acks=all`,
        fix: replicas > 1 ? `set minInsyncReplicas to ${replicas - 1}` : "use 3 replicas with minInsyncReplicas 2",
      });
    }
    return issues;
  }

  private renderSpec(): KafkaTopicSpec {
    const config = Object.fromEntries(Object.keys(this.topicConfig).sort().map((k) => [k, this.topicConfig[k]]));
    return { topicName: this.topicName, partitions: this.partitions, replicas: this.replicas, config };
  }
}

/** The three storage topics of a Kafka Connect group (Connect, or MirrorMaker 2 which runs on Connect). */
export interface ConnectStorageTopics {
  /** Connector configurations (one partition: Connect requires it). */
  readonly configs: KafkaTopic;
  /** Source offsets. */
  readonly offsets: KafkaTopic;
  /** Connector and task status. */
  readonly status: KafkaTopic;
}

/**
 * Declare a Connect group's storage topics as compacted KafkaTopics with Connect's own partition counts
 * (configs 1, offsets 25, status 5), named by `topicName(suffix)`.
 */
export function connectStorageTopics(scope: Construct, cluster: IKafkaCluster, topicName: (suffix: "configs" | "offsets" | "status") => string): ConnectStorageTopics {
  const topic = (id: string, suffix: "configs" | "offsets" | "status", partitions: number) =>
    new KafkaTopic(scope, id, { cluster, topicName: topicName(suffix), partitions, cleanupPolicy: CleanupPolicy.COMPACT });
  return {
    configs: topic("ConfigsTopic", "configs", 1),
    offsets: topic("OffsetsTopic", "offsets", 25),
    status: topic("StatusTopic", "status", 5),
  };
}
