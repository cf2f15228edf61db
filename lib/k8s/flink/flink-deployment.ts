import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import {
  checkDnsLabel,
  checkImagePinned,
  componentLabels,
  DEFAULT_FLINK_VERSION,
  flinkMemoryBytes,
  FlinkStateOptionStyle,
  SUPPORTED_FLINK_VERSIONS,
  tenantFlinkServiceAccount,
  ValidationIssue,
} from "../../core";
import { ClientEnvVar, ClientSecretVolume } from "../kafka/kafka-client-access";
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from "../security";
import { EnvVar, FLINK_MAIN_CONTAINER, FlinkDeploymentSpec, FlinkPodTemplate, FlinkResources, Volume, VolumeMount } from "./flink-types";

/** The uid/gid of the `flink` user in the official Flink images (runAsNonRoot needs a numeric user). */
export const FLINK_UID = 9999;

/** JobManager settings. */
export interface FlinkJobManagerOptions {
  /**
   * JobManager replicas (more than 1 needs HA: standbys take over).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * CPU and memory.
   * @default { cpu: 1, memory: "2048m" }
   */
  readonly resources?: FlinkResources;
}

/** TaskManager settings. */
export interface FlinkTaskManagerOptions {
  /**
   * Fixed TaskManager count.
   * @default - native mode: as many as the job parallelism needs (parallelism / slots)
   */
  readonly replicas?: number;
  /**
   * Task slots per TaskManager (`taskmanager.numberOfTaskSlots`).
   * @default 2
   */
  readonly slots?: number;
  /**
   * CPU and memory.
   * @default { cpu: 1, memory: "4096m" }
   */
  readonly resources?: FlinkResources;
}

/** Options every FlinkDeployment (session cluster or application) takes. */
export interface FlinkClusterOptions {
  /** FlinkDeployment name (a DNS-1123 label of at most 45 characters: the operator derives Service names). */
  readonly name: string;
  /** Namespace the Flink pods run in (a namespace the operator watches). */
  readonly namespace: string;
  /**
   * Flink version (the CR's `flinkVersion`), one of those the operator release supports.
   * @default "v1_20"
   */
  readonly flinkVersion?: string;
  /**
   * Container image, pinned to a tag or digest (never `latest`).
   * @default - the official Flink image of the version (e.g. flink:1.20.1-scala_2.12-java17)
   */
  readonly image?: string;
  /**
   * Service account of the Flink pods (needs the operator's Role for Kubernetes HA; carries the IAM role).
   * @default - `<tenant>-flink` for a tenant's cluster (the account `Tenant` creates, with the tenant's IAM role);
   * otherwise "flink" (created by the operator's Helm chart in watched namespaces)
   */
  readonly serviceAccount?: string;
  /**
   * JobManager settings.
   * @default 1 replica, 1 CPU, 2048m
   */
  readonly jobManager?: FlinkJobManagerOptions;
  /**
   * TaskManager settings.
   * @default 2 slots, 1 CPU, 4096m
   */
  readonly taskManager?: FlinkTaskManagerOptions;
  /**
   * Kubernetes HA (leader election + metadata in the state bucket); needs checkpoint storage.
   * @default true when checkpoint storage is set
   */
  readonly highAvailability?: boolean;
  /**
   * Flink plugins of the official image to enable (`ENABLE_BUILT_IN_PLUGINS`).
   * @default - the S3 file system (flink-s3-fs-presto) when checkpoint storage is set
   */
  readonly builtInPlugins?: readonly string[];
  /**
   * Extra Flink configuration, merged over Floe's (keys Floe derives from typed props are refused).
   * @default - none
   */
  readonly flinkConfiguration?: Readonly<Record<string, string>>;
  /**
   * Production rules apply (no stateless upgrades of stateful jobs).
   * @default true
   */
  readonly production?: boolean;
}

/** What the pod template needs besides the restricted security settings. */
export interface FlinkPodExtras {
  /** Environment variables of the Flink containers (Kafka client settings, credentials by Secret reference). */
  readonly env: readonly ClientEnvVar[];
  /** Secrets mounted into the Flink containers (Kafka credentials, CA certificates). */
  readonly secretVolumes: readonly ClientSecretVolume[];
  /** ConfigMap keys mounted as files (a SQL script, client properties). */
  readonly configMapVolumes: readonly { name: string; configMap: string; key: string; mountPath: string }[];
  /** Plugins of the Flink image's `opt/` enabled through `ENABLE_BUILT_IN_PLUGINS` (e.g. the S3 file system). */
  readonly builtInPlugins: readonly string[];
  /** Labels of the pods (tenant, application, NetworkPolicy selectors). */
  readonly labels: Record<string, string>;
  /**
   * Port of the Prometheus reporter, exposed as container port `metrics`.
   * @default - no metrics port
   */
  readonly metricsPort?: number;
}

/** Port of Flink's Prometheus metrics reporter (container port `metrics`). */
export const FLINK_METRICS_PORT = 9249;

/** Flink configuration of the Prometheus metrics reporter (the plugin ships in the Flink image's plugins/). */
export function prometheusReporterConfiguration(): Record<string, string> {
  return {
    "metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
    "metrics.reporter.prom.port": String(FLINK_METRICS_PORT),
  };
}

/** The pod template of every Flink pod: Pod Security "restricted", plus env and volumes. */
export function flinkPodTemplate(extras: FlinkPodExtras): FlinkPodTemplate {
  const env: EnvVar[] = [...extras.env];
  if (extras.builtInPlugins.length > 0) env.push({ name: "ENABLE_BUILT_IN_PLUGINS", value: extras.builtInPlugins.join(";") });
  const volumes: Volume[] = [
    ...extras.secretVolumes.map((v) => ({
      name: v.name,
      secret: { secretName: v.secretName, items: v.keys.map((key) => ({ key, path: key })) },
    })),
    ...extras.configMapVolumes.map((v) => ({ name: v.name, configMap: { name: v.configMap, items: [{ key: v.key, path: v.key }] } })),
  ];
  const mounts: VolumeMount[] = [
    ...extras.secretVolumes.map((v) => ({ name: v.name, mountPath: v.mountPath, readOnly: true })),
    ...extras.configMapVolumes.map((v) => ({ name: v.name, mountPath: v.mountPath, readOnly: true })),
  ];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { labels: extras.labels },
    spec: {
      securityContext: { ...RESTRICTED_POD_SECURITY_CONTEXT, runAsUser: FLINK_UID, runAsGroup: FLINK_UID, fsGroup: FLINK_UID },
      containers: [
        {
          name: FLINK_MAIN_CONTAINER,
          securityContext: { ...RESTRICTED_CONTAINER_SECURITY_CONTEXT, runAsUser: FLINK_UID },
          ...(env.length > 0 ? { env } : {}),
          ...(extras.metricsPort !== undefined ? { ports: [{ name: "metrics", containerPort: extras.metricsPort, protocol: "TCP" as const }] } : {}),
          ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
        },
      ],
      ...(volumes.length > 0 ? { volumes } : {}),
    },
  };
}

const FLINK_MEMORY = /^\d+(\.\d+)?(b|k|kb|m|mb|g|gb|t|tb|Ki|Mi|Gi|Ti)?$/i;

/** Flink config keys Floe derives from typed props; setting them in `flinkConfiguration` is refused. */
export const DERIVED_FLINK_KEYS = [
  "state.backend.type",
  "state.backend.incremental",
  "state.checkpoints.dir",
  "state.savepoints.dir",
  "state.checkpoints.num-retained",
  "execution.checkpointing.dir",
  "execution.checkpointing.savepoint-dir",
  "execution.checkpointing.num-retained",
  "execution.checkpointing.incremental",
  "execution.checkpointing.interval",
  "execution.checkpointing.externalized-checkpoint-retention",
  "high-availability.type",
  "high-availability.storageDir",
  "taskmanager.numberOfTaskSlots",
  "metrics.reporter.prom.factory.class",
  "metrics.reporter.prom.port",
  "execution.checkpointing.mode",
  "kubernetes.operator.savepoint.history.max.count",
  "kubernetes.operator.savepoint.history.max.age",
];

/** Checks of the options every FlinkDeployment shares. */
export function validateClusterOptions(options: FlinkClusterOptions, scope: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [
    ...checkDnsLabel(options.name, { scope, field: "name" }, 45, "the operator derives '<name>-rest' and other Service names from it"),
    ...checkDnsLabel(options.namespace, { scope, field: "namespace" }),
  ];
  const version = options.flinkVersion ?? DEFAULT_FLINK_VERSION;
  if (!(version in SUPPORTED_FLINK_VERSIONS)) {
    issues.push({
      code: "UnsupportedFlinkVersion",
      scope,
      field: "flinkVersion",
      value: version,
      message: "is not a Flink version the pinned operator release runs",
      fix: `use one of ${Object.keys(SUPPORTED_FLINK_VERSIONS).join(", ")}`,
    });
  }
  if (options.image !== undefined) issues.push(...checkImagePinned(options.image, { scope, field: "image" }));
  const resources: Array<[string, FlinkResources | undefined]> = [
    ["jobManager.resources", options.jobManager?.resources],
    ["taskManager.resources", options.taskManager?.resources],
  ];
  for (const [field, r] of resources) {
    if (!r) continue;
    if (!(r.cpu > 0)) {
      issues.push({ code: "InvalidFlinkResources", scope, field: `${field}.cpu`, value: r.cpu, message: "must be a positive number of cores", fix: "use e.g. 1 or 0.5" });
    }
    if (!FLINK_MEMORY.test(r.memory)) {
      issues.push({ code: "InvalidFlinkResources", scope, field: `${field}.memory`, value: r.memory, message: "is not a memory size", fix: "use e.g. \"2048m\", \"4g\" or \"4Gi\"" });
    }
  }
  const counts: Array<[string, number | undefined, number]> = [
    ["jobManager.replicas", options.jobManager?.replicas, 1],
    ["taskManager.replicas", options.taskManager?.replicas, 1],
    ["taskManager.slots", options.taskManager?.slots, 1],
  ];
  for (const [field, value, min] of counts) {
    if (value !== undefined && (!Number.isInteger(value) || value < min)) {
      issues.push({ code: "InvalidFlinkCount", scope, field, value, message: `must be a whole number, ${min} or more`, fix: `use ${min} or more` });
    }
  }
  for (const key of Object.keys(options.flinkConfiguration ?? {}).sort()) {
    if (DERIVED_FLINK_KEYS.includes(key)) {
      issues.push({
        code: "DerivedFlinkConfiguration",
        scope,
        field: `flinkConfiguration.${key}`,
        value: options.flinkConfiguration?.[key],
        message: "is derived by Floe from typed props (state storage, checkpointing, HA, slots)",
        fix: "remove it and use checkpointStorage, checkpointInterval, checkpointsRetained, highAvailability or taskManager.slots",
      });
    }
  }
  return issues;
}

/** Resolved settings of a FlinkDeployment. */
export interface ResolvedCluster {
  readonly flinkVersion: string;
  readonly image: string;
  readonly serviceAccount: string;
  readonly jobManager: { replicas: number; resource: FlinkResources };
  readonly taskManager: { replicas?: number; resource: FlinkResources };
  readonly slots: number;
  /** How the version spells checkpoint/savepoint options. */
  readonly stateOptions: FlinkStateOptionStyle;
}

/** Defaults applied to the shared options. */
export function resolveCluster(options: FlinkClusterOptions & { readonly tenant?: string }): ResolvedCluster {
  const flinkVersion = options.flinkVersion ?? DEFAULT_FLINK_VERSION;
  const info = SUPPORTED_FLINK_VERSIONS[flinkVersion] ?? SUPPORTED_FLINK_VERSIONS[DEFAULT_FLINK_VERSION];
  return {
    flinkVersion,
    image: options.image ?? info.image,
    serviceAccount: options.serviceAccount ?? (options.tenant !== undefined ? tenantFlinkServiceAccount(options.tenant) : "flink"),
    jobManager: { replicas: options.jobManager?.replicas ?? 1, resource: options.jobManager?.resources ?? { cpu: 1, memory: "2048m" } },
    taskManager: {
      ...(options.taskManager?.replicas !== undefined ? { replicas: options.taskManager.replicas } : {}),
      resource: options.taskManager?.resources ?? { cpu: 1, memory: "4096m" },
    },
    slots: options.taskManager?.slots ?? 2,
    stateOptions: info.stateOptions,
  };
}

/** CPU, memory and pods of a resolved cluster with `taskManagers` TaskManagers (plus its JobManagers). */
export function clusterFootprint(cluster: ResolvedCluster, taskManagers: number): { cpuMillis: number; memoryBytes: number; pods: number } {
  const mem = (m: string) => flinkMemoryBytes(m) ?? 0;
  return {
    cpuMillis: Math.round(cluster.jobManager.replicas * cluster.jobManager.resource.cpu * 1000 + taskManagers * cluster.taskManager.resource.cpu * 1000),
    memoryBytes: cluster.jobManager.replicas * mem(cluster.jobManager.resource.memory) + taskManagers * mem(cluster.taskManager.resource.memory),
    pods: cluster.jobManager.replicas + taskManagers,
  };
}

/** The S3 plugin jar of the official image of a Flink version. */
export function s3PluginJar(flinkVersion: string): string {
  const info = SUPPORTED_FLINK_VERSIONS[flinkVersion] ?? SUPPORTED_FLINK_VERSIONS[DEFAULT_FLINK_VERSION];
  return `flink-s3-fs-presto-${info.release}.jar`;
}

/** A FlinkDeployment API object whose spec is produced at synth. */
export function flinkDeploymentObject(scope: Construct, options: FlinkClusterOptions, component: string, spec: () => unknown): ApiObject {
  return new ApiObject(scope, "Resource", {
    apiVersion: "flink.apache.org/v1beta1",
    kind: "FlinkDeployment",
    metadata: { name: options.name, namespace: options.namespace, labels: componentLabels("flink", options.name, component) },
    spec: Lazy.any({ produce: spec }),
  });
}

/** Sorted copy of a string map (stable output). */
export function sortedConfig(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(config).sort().map((k) => [k, config[k]]));
}

/** The FlinkDeployment spec (without `job`) of a resolved cluster: its config (slots first) and pod template. */
export function deploymentSpec(cluster: ResolvedCluster, config: Record<string, string>, podTemplate: FlinkPodTemplate): FlinkDeploymentSpec {
  return {
    flinkVersion: cluster.flinkVersion,
    image: cluster.image,
    serviceAccount: cluster.serviceAccount,
    mode: "native",
    flinkConfiguration: sortedConfig({ "taskmanager.numberOfTaskSlots": String(cluster.slots), ...config }),
    jobManager: cluster.jobManager,
    taskManager: cluster.taskManager,
    podTemplate,
  };
}
