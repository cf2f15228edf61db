/**
 * Floe's own TypeScript types for the parts of Flink Kubernetes Operator `flink.apache.org/v1beta1` specs Floe
 * renders. Tests prove every rendered object against the upstream CRDs.
 */

/** The API version of the Flink operator resources. */
export const FLINK_API_VERSION = "flink.apache.org/v1beta1";

/** The name the operator gives the Flink container in pod templates. */
export const FLINK_MAIN_CONTAINER = "flink-main-container";

/** How the operator upgrades a job. */
export enum UpgradeMode {
  /** Take a savepoint, stop, restart from it (safe default). */
  SAVEPOINT = "savepoint",
  /** Restart from the latest checkpoint (fast; needs HA and checkpoints). */
  LAST_STATE = "last-state",
  /** Restart from empty state: all state is lost. */
  STATELESS = "stateless",
}

/** Desired job state. */
export enum JobState {
  /** Running. */
  RUNNING = "running",
  /** Suspended (savepoint taken according to the upgrade mode). */
  SUSPENDED = "suspended",
}

/** JobManager/TaskManager resources in the operator's form. */
export interface FlinkResources {
  /** CPU cores (fractions allowed). */
  readonly cpu: number;
  /** Memory, e.g. `2048m`, `4g` or `4Gi`. */
  readonly memory: string;
}

/** `env[]` entry. */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

/** `volumes[]` entry (secret or config map). */
export interface Volume {
  readonly name: string;
  readonly secret?: { readonly secretName: string; readonly items?: readonly { key: string; path: string }[] };
  readonly configMap?: { readonly name: string; readonly items?: readonly { key: string; path: string }[] };
}

/** `volumeMounts[]` entry. */
export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
}

/** The pod template Floe renders (Pod Security "restricted"). */
export interface FlinkPodTemplate {
  readonly apiVersion: "v1";
  readonly kind: "Pod";
  readonly metadata: { readonly labels?: Record<string, string> };
  readonly spec: {
    readonly securityContext: Record<string, unknown>;
    readonly containers: readonly {
      readonly name: string;
      readonly securityContext: Record<string, unknown>;
      readonly env?: readonly EnvVar[];
      readonly ports?: readonly { readonly name: string; readonly containerPort: number; readonly protocol: "TCP" }[];
      readonly volumeMounts?: readonly VolumeMount[];
    }[];
    readonly volumes?: readonly Volume[];
  };
}

/** `spec.job` of a FlinkDeployment / FlinkSessionJob. */
export interface FlinkJobSpec {
  readonly jarURI: string;
  readonly entryClass?: string;
  readonly args?: readonly string[];
  readonly parallelism: number;
  readonly upgradeMode: UpgradeMode;
  readonly state: JobState;
  readonly allowNonRestoredState?: boolean;
  readonly initialSavepointPath?: string;
  readonly savepointTriggerNonce?: number;
  readonly savepointRedeployNonce?: number;
}

/** Floe's subset of `FlinkDeployment.spec`. */
export interface FlinkDeploymentSpec {
  readonly flinkVersion: string;
  readonly image: string;
  readonly serviceAccount: string;
  readonly mode: "native";
  readonly flinkConfiguration: Readonly<Record<string, string>>;
  readonly jobManager: { readonly replicas: number; readonly resource: FlinkResources };
  readonly taskManager: { readonly replicas?: number; readonly resource: FlinkResources };
  readonly podTemplate: FlinkPodTemplate;
  readonly job?: FlinkJobSpec;
}

/** Floe's subset of `FlinkSessionJob.spec`. */
export interface FlinkSessionJobSpec {
  readonly deploymentName: string;
  readonly flinkConfiguration: Readonly<Record<string, string>>;
  readonly job: FlinkJobSpec;
}
