/** Label and annotation keys Floe sets on every object it renders. */
export const FloeLabels = {
  /** The owning tenant (team); alerts and cost route on it. */
  TENANT: "floe.dev/tenant",
  /** The environment name from the spec (`prod`, `staging`, ...). */
  ENVIRONMENT: "floe.dev/environment",
  /** The cloud region the object is deployed in. */
  REGION: "floe.dev/region",
  /** `<Kind>.<name>` of the object that owns this one (same namespace): acknowledging its removal covers this one. */
  OWNED_BY: "floe.dev/owned-by",
  /** On a backfill FlinkDeployment: the live FlinkDeployment it backfills. */
  BACKFILL_OF: "floe.dev/backfill-of",
  /** `app.kubernetes.io/name`: what the object is (`kafka`, `kafka-topic`, ...). */
  NAME: "app.kubernetes.io/name",
  /** `app.kubernetes.io/instance`: which instance (the cluster, topic or user name). */
  INSTANCE: "app.kubernetes.io/instance",
  /** `app.kubernetes.io/component`: the role within the platform (`broker`, `controller`, ...). */
  COMPONENT: "app.kubernetes.io/component",
  /** `app.kubernetes.io/part-of`: always `floe`. */
  PART_OF: "app.kubernetes.io/part-of",
  /** `app.kubernetes.io/managed-by`: always `floe`. */
  MANAGED_BY: "app.kubernetes.io/managed-by",
} as const;

/** Strimzi's label binding a KafkaTopic/KafkaUser/KafkaNodePool to its Kafka cluster. */
export const STRIMZI_CLUSTER_LABEL = "strimzi.io/cluster";

/** Context labels of an environment/region/tenant; empty parts are left out. */
export interface PlatformContext {
  /** Environment name. */
  readonly environment?: string;
  /** Region name. */
  readonly region?: string;
  /** Tenant name. */
  readonly tenant?: string;
}

/** The `floe.dev/*` labels for a context, plus `part-of`/`managed-by`. */
export function contextLabels(ctx: PlatformContext): Record<string, string> {
  const labels: Record<string, string> = {
    [FloeLabels.PART_OF]: "floe",
    [FloeLabels.MANAGED_BY]: "floe",
  };
  if (ctx.environment) labels[FloeLabels.ENVIRONMENT] = ctx.environment;
  if (ctx.region) labels[FloeLabels.REGION] = ctx.region;
  if (ctx.tenant) labels[FloeLabels.TENANT] = ctx.tenant;
  return labels;
}

/** `app.kubernetes.io/name|instance|component` for one object. Label values are cut to 63 characters. */
export function componentLabels(name: string, instance: string, component?: string): Record<string, string> {
  const labels: Record<string, string> = {
    [FloeLabels.NAME]: labelValue(name),
    [FloeLabels.INSTANCE]: labelValue(instance),
  };
  if (component) labels[FloeLabels.COMPONENT] = labelValue(component);
  return labels;
}

/** A string made safe as a label value: at most 63 characters, alphanumeric at both ends. */
export function labelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/** `app.kubernetes.io/component` of the Jobs that send incremental snapshot signals (what `floe diff` recognises). */
export const CDC_SNAPSHOT_COMPONENT = "cdc-snapshot";

/** Label of the ConfigMaps that carry registered schemas (what `floe diff` checks for compatibility). */
export const SCHEMAS_COMPONENT = "schemas";
