/**
 * Floe's own TypeScript types for the parts of Strimzi `kafka.strimzi.io/v1` specs that Floe renders.
 * Only the fields Floe sets are typed; tests prove every rendered object against the upstream CRDs.
 */
import { KafkaAclOperation, KafkaAclResourceType } from "../../core/permissions";

/** The API version of every Strimzi resource Floe renders. */
export const STRIMZI_API_VERSION = "kafka.strimzi.io/v1";

/** Kubernetes resource requirements. */
export interface ResourceRequirements {
  /** Requests, e.g. `{ cpu: "1", memory: "4Gi" }`. */
  readonly requests?: Readonly<Record<string, string>>;
  /** Limits, e.g. `{ memory: "4Gi" }`. */
  readonly limits?: Readonly<Record<string, string>>;
}

/** Container security context as Strimzi templates accept it. */
export interface StrimziContainerSecurityContext {
  readonly allowPrivilegeEscalation: boolean;
  readonly runAsNonRoot: boolean;
  readonly capabilities: { readonly drop: readonly string[] };
  readonly seccompProfile: { readonly type: string };
}

/** Pod security context as Strimzi templates accept it. */
export interface StrimziPodSecurityContext {
  readonly runAsNonRoot: boolean;
  readonly seccompProfile: { readonly type: string };
  /** The group that owns mounted volumes (Strimzi's default for persistent storage is 0). */
  readonly fsGroup?: number;
}

/** `template.pod` subset. */
export interface StrimziPodTemplate {
  readonly metadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly securityContext?: StrimziPodSecurityContext;
  readonly affinity?: Readonly<Record<string, unknown>>;
}

/** `template.<container>` subset. */
export interface StrimziContainerTemplate {
  readonly securityContext?: StrimziContainerSecurityContext;
}

/** Listener authentication. */
export interface StrimziListenerAuthentication {
  readonly type: "tls" | "scram-sha-512";
}

/** Listener `configuration` subset. */
export interface StrimziListenerConfiguration {
  readonly bootstrap?: {
    readonly host?: string;
    readonly alternativeNames?: readonly string[];
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly brokers?: readonly { readonly broker: number; readonly host?: string; readonly advertisedHost?: string }[];
  readonly class?: string;
  readonly externalTrafficPolicy?: "Local" | "Cluster";
  readonly loadBalancerSourceRanges?: readonly string[];
  readonly hostTemplate?: string;
  readonly advertisedHostTemplate?: string;
}

/** One `spec.kafka.listeners[]` entry. */
export interface StrimziListener {
  readonly name: string;
  readonly port: number;
  readonly type: "internal" | "route" | "loadbalancer" | "nodeport" | "ingress" | "cluster-ip";
  readonly tls: boolean;
  readonly authentication?: StrimziListenerAuthentication;
  readonly configuration?: StrimziListenerConfiguration;
  readonly networkPolicyPeers?: readonly Record<string, unknown>[];
}

/** `spec.kafka.metricsConfig`. */
export interface StrimziMetricsConfig {
  readonly type: "strimziMetricsReporter";
  readonly values: { readonly allowList: readonly string[] };
}

/** Floe's subset of `Kafka.spec`. */
export interface KafkaSpec {
  readonly kafka: {
    readonly version: string;
    readonly metadataVersion: string;
    readonly listeners: readonly StrimziListener[];
    readonly config: Readonly<Record<string, string | number | boolean>>;
    readonly authorization?: { readonly type: "simple"; readonly superUsers?: readonly string[] };
    readonly rack?: { readonly topologyKey: string };
    readonly metricsConfig?: StrimziMetricsConfig;
    readonly template: {
      readonly pod: StrimziPodTemplate;
      readonly kafkaContainer: StrimziContainerTemplate;
      readonly initContainer: StrimziContainerTemplate;
    };
  };
  readonly entityOperator: {
    readonly topicOperator: { readonly resources?: ResourceRequirements };
    readonly userOperator: { readonly resources?: ResourceRequirements };
    readonly template: {
      readonly pod: StrimziPodTemplate;
      readonly topicOperatorContainer: StrimziContainerTemplate;
      readonly userOperatorContainer: StrimziContainerTemplate;
    };
  };
  readonly cruiseControl?: {
    readonly resources?: ResourceRequirements;
    readonly template: { readonly pod: StrimziPodTemplate; readonly cruiseControlContainer: StrimziContainerTemplate };
  };
  readonly kafkaExporter?: {
    readonly topicRegex: string;
    readonly groupRegex: string;
    readonly resources?: ResourceRequirements;
    readonly template: { readonly pod: StrimziPodTemplate; readonly container: StrimziContainerTemplate };
  };
}

/** One persistent volume of a node pool. */
export interface StrimziPersistentVolume {
  readonly type: "persistent-claim";
  readonly id?: number;
  readonly size: string;
  readonly class?: string;
  readonly deleteClaim: boolean;
  readonly kraftMetadata?: "shared";
}

/** `KafkaNodePool.spec.storage`. */
export type StrimziStorage =
  | StrimziPersistentVolume
  | { readonly type: "jbod"; readonly volumes: readonly StrimziPersistentVolume[] }
  | { readonly type: "ephemeral"; readonly sizeLimit?: string };

/** Floe's subset of `KafkaNodePool.spec`. */
export interface KafkaNodePoolSpec {
  readonly replicas: number;
  readonly roles: readonly ("controller" | "broker")[];
  readonly storage: StrimziStorage;
  readonly resources?: ResourceRequirements;
  readonly template?: { readonly pod?: StrimziPodTemplate };
}

/** Floe's subset of `KafkaTopic.spec`. */
export interface KafkaTopicSpec {
  readonly topicName: string;
  readonly partitions: number;
  readonly replicas: number;
  readonly config: Readonly<Record<string, string | number | boolean>>;
}

/** One `KafkaUser.spec.authorization.acls[]` rule. */
export interface StrimziAclRule {
  readonly type: "allow";
  readonly resource: {
    readonly type: KafkaAclResourceType;
    readonly name?: string;
    readonly patternType?: "literal" | "prefix";
  };
  readonly operations: readonly KafkaAclOperation[];
  readonly host?: string;
}

/** `KafkaUser.spec.quotas`. */
export interface KafkaUserQuotas {
  /** Bytes per second each broker accepts from this user's producers. */
  readonly producerByteRate?: number;
  /** Bytes per second each broker serves to this user's consumers. */
  readonly consumerByteRate?: number;
  /** Percentage of broker request-handler and network thread time. */
  readonly requestPercentage?: number;
  /** Rate of partition mutations (create/delete topics, create partitions) per second. */
  readonly controllerMutationRate?: number;
}

/** Floe's subset of `KafkaUser.spec`. */
export interface KafkaUserSpec {
  readonly authentication: { readonly type: "scram-sha-512" | "tls" };
  readonly authorization?: { readonly type: "simple"; readonly acls: readonly StrimziAclRule[] };
  readonly quotas?: KafkaUserQuotas;
}
