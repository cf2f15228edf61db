import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import { checkDnsLabel, parseBytes, ValidationError, ValidationIssue } from "../../core";
import { RESTRICTED_POD_SECURITY_CONTEXT } from "../security";
import type { IKafkaCluster } from "./kafka-cluster";
import { KafkaStorage } from "./storage";
import { clusterBoundResource } from "./strimzi-resource";
import { KafkaNodePoolSpec, ResourceRequirements, StrimziPodSecurityContext } from "./strimzi-types";

/** The group of the Strimzi Kafka image's user (uid 1001, gid 0), which must own the data volumes. */
const KAFKA_IMAGE_GID = 0;

/** The roles a KRaft node can have. */
export enum KafkaNodeRole {
  /** KRaft controller (metadata quorum member). */
  CONTROLLER = "controller",
  /** Broker (serves clients, stores partitions). */
  BROKER = "broker",
}

/** Size and resources of a node pool, as given to {@link KafkaCluster} or {@link KafkaCluster.addNodePool}. */
export interface KafkaNodePoolOptions {
  /**
   * Number of nodes.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Storage of each node.
   * @default KafkaStorage.persistentClaim({ size: "100Gi" }) for brokers, `20Gi` for controllers
   */
  readonly storage?: KafkaStorage;
  /**
   * CPU and memory of each node.
   * @default - requests 1 CPU / 4Gi for brokers, 500m / 2Gi for controllers; memory limit = request
   */
  readonly resources?: ResourceRequirements;
}

/** Properties of a {@link KafkaNodePool}. */
export interface KafkaNodePoolProps extends KafkaNodePoolOptions {
  /** The Kafka cluster the pool belongs to. */
  readonly cluster: IKafkaCluster;
  /** Pool name (a DNS-1123 label; pod names are `<cluster>-<pool>-<nodeId>`). */
  readonly name: string;
  /** Roles of the nodes in this pool. */
  readonly roles: readonly KafkaNodeRole[];
}

/** A pool of KRaft nodes: what other constructs may reference. */
export interface IKafkaNodePool {
  /** Pool name. */
  readonly poolName: string;
  /** Number of nodes. */
  readonly replicas: number;
  /** Node roles. */
  readonly roles: readonly KafkaNodeRole[];
  /** Storage of each node. */
  readonly storage: KafkaStorage;
}

const DEFAULT_RESOURCES: Record<KafkaNodeRole, ResourceRequirements> = {
  [KafkaNodeRole.BROKER]: { requests: { cpu: "1", memory: "4Gi" }, limits: { memory: "4Gi" } },
  [KafkaNodeRole.CONTROLLER]: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "2Gi" } },
};

/**
 * A Strimzi `KafkaNodePool`: a set of KRaft controllers, brokers, or both (development).
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaNodePool-reference
 */
export class KafkaNodePool extends Construct implements IKafkaNodePool {
  public readonly poolName: string;
  public readonly replicas: number;
  public readonly roles: readonly KafkaNodeRole[];
  public readonly storage: KafkaStorage;
  /** The rendered API object. */
  public readonly apiObject: ApiObject;
  private readonly resources: ResourceRequirements;
  private readonly cluster: IKafkaCluster;

  /** CPU and memory of each node (requests and limits, as rendered). */
  public get nodeResources(): ResourceRequirements {
    return this.resources;
  }

  constructor(scope: Construct, id: string, props: KafkaNodePoolProps) {
    super(scope, id);
    this.cluster = props.cluster;
    this.poolName = props.name;
    this.roles = [...props.roles].sort();
    this.replicas = props.replicas ?? 3;
    const isBroker = this.roles.includes(KafkaNodeRole.BROKER);
    this.storage =
      props.storage ?? KafkaStorage.persistentClaim({ size: isBroker ? "100Gi" : "20Gi" });
    this.resources = props.resources ?? DEFAULT_RESOURCES[isBroker ? KafkaNodeRole.BROKER : KafkaNodeRole.CONTROLLER];
    ValidationError.throwIfAny(this.validateProps(props));

    this.apiObject = clusterBoundResource(this, {
      kind: "KafkaNodePool",
      name: this.poolName,
      cluster: props.cluster,
      labels: { name: "kafka", instance: props.cluster.clusterName, component: this.roles.join("-") },
      spec: () => this.renderSpec(),
    });
  }

  private validateProps(props: KafkaNodePoolProps): ValidationIssue[] {
    const scope = this.node.path;
    const issues: ValidationIssue[] = [...checkDnsLabel(props.name, { scope, field: "name" })];
    if (!Number.isInteger(this.replicas) || this.replicas < 0) {
      issues.push({
        code: "InvalidReplicas",
        scope,
        field: "replicas",
        value: this.replicas,
        message: "must be a whole number of nodes, 0 or more",
        fix: "set replicas to e.g. 3",
      });
    }
    if (this.roles.length === 0 || new Set(this.roles).size !== this.roles.length) {
      issues.push({
        code: "InvalidNodeRoles",
        scope,
        field: "roles",
        value: props.roles,
        message: "must list each of 'controller' and 'broker' at most once, and at least one of them",
        fix: "use [\"broker\"], [\"controller\"], or both for a development pool",
      });
    }
    const ids = new Set<number>();
    this.storage.volumes.forEach((v, i) => {
      const field = this.storage.type === "jbod" ? `storage.volumes[${i}]` : "storage";
      issues.push(...parseBytes(v.size, { scope, field: `${field}.size` }).issues);
      if (ids.has(v.id)) {
        issues.push({
          code: "DuplicateVolumeId",
          scope,
          field: `${field}.id`,
          value: v.id,
          message: "is used by another volume of this pool",
          fix: "give every JBOD volume its own id, and never reuse the id of a removed volume",
        });
      }
      ids.add(v.id);
    });
    if (this.storage.type === "jbod" && this.storage.volumes.filter((v) => v.kraftMetadata).length !== 1) {
      issues.push({
        code: "KraftMetadataVolume",
        scope,
        field: "storage.volumes",
        value: this.storage.volumes.map((v) => v.id),
        message: "exactly one JBOD volume must hold the KRaft metadata log",
        fix: "set kraftMetadata: true on exactly one volume (or on none, to use the lowest id)",
      });
    }
    if (this.storage.type === "jbod" && this.storage.volumes.length === 0) {
      issues.push({
        code: "EmptyJbod",
        scope,
        field: "storage.volumes",
        value: [],
        message: "a JBOD storage needs at least one volume",
        fix: "add a volume or use KafkaStorage.persistentClaim()",
      });
    }
    return issues;
  }

  /**
   * The pod's security context. Strimzi uses a user-supplied context as it is and adds its own `fsGroup: 0`
   * (the group the Kafka image's uid 1001 belongs to) only when none is supplied
   * (`api/.../plugin/security/profiles/impl/BaselinePodSecurityProvider.java`, createStatefulPodSecurityContext,
   * 1.2.0; the restricted provider inherits it). Floe supplies the restricted context, so it must carry the
   * `fsGroup` itself: without it a freshly provisioned volume is owned by root and the broker cannot write it.
   */
  private podSecurityContext(): StrimziPodSecurityContext {
    return this.storage.type === "ephemeral"
      ? RESTRICTED_POD_SECURITY_CONTEXT
      : { ...RESTRICTED_POD_SECURITY_CONTEXT, fsGroup: KAFKA_IMAGE_GID };
  }

  private renderSpec(): KafkaNodePoolSpec {
    const zones = this.cluster.zones;
    const labels = Object.keys(this.cluster.nodeLabels).sort();
    const expressions = [
      ...(zones.length > 0 ? [{ key: this.cluster.zoneTopologyKey, operator: "In", values: [...zones] }] : []),
      ...labels.map((key) => ({ key, operator: "In", values: [this.cluster.nodeLabels[key]] })),
    ];
    return {
      replicas: this.replicas,
      roles: this.roles,
      storage: this.storage.toStrimzi(),
      resources: this.resources,
      template: {
        pod: {
          securityContext: this.podSecurityContext(),
          // Declared zones: nodes (and their volumes) stay in them; declared node labels: on the nodes provisioned
          // for Kafka (e.g. its Karpenter NodePool).
          ...(expressions.length > 0
            ? { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] } } } }
            : {}),
          ...(this.cluster.nodeTolerations.length > 0
            ? {
                tolerations: this.cluster.nodeTolerations.map((t) => {
                  const [kv, effect] = t.split(":");
                  const [key, value] = kv.split("=");
                  return { key, operator: "Equal", value, effect };
                }),
              }
            : {}),
        },
      },
    };
  }
}
