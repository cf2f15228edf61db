import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import { checkDnsLabel, checkDnsSubdomain, componentLabels, parseDuration, ValidationError, ValidationIssue } from "../../core";

/** API version of the prometheus-operator resources Floe renders. */
export const PROMETHEUS_OPERATOR_API_VERSION = "monitoring.coreos.com/v1";

/** The labels every Floe alert and scraped series carries, so alerts route to the owning team. */
export interface MonitoringContext {
  /** Environment (`prod`). */
  readonly environment: string;
  /** Region. */
  readonly region: string;
  /**
   * Owning tenant; platform alerts carry `tenant: platform`.
   * @default "platform"
   */
  readonly tenant?: string;
}

/** One alerting rule. */
export interface AlertRule {
  /** Alert name (PascalCase, unique in its PrometheusRule). */
  readonly alert: string;
  /** PromQL expression; the alert fires for each series it returns. */
  readonly expr: string;
  /**
   * How long the expression must hold before the alert fires (Prometheus duration).
   * @default "5m"
   */
  readonly for?: string;
  /** `critical` pages, `warning` opens a ticket. */
  readonly severity: "critical" | "warning";
  /** One line for the notification. */
  readonly summary: string;
  /** What it means and what to do (may use `{{ $labels.x }}` and `{{ $value }}`). */
  readonly description: string;
}

/** Properties of a {@link PrometheusRule}. */
export interface PrometheusRuleProps {
  /** Name. */
  readonly name: string;
  /** Namespace. */
  readonly namespace: string;
  /** Who the alerts belong to (their `tenant`, `environment` and `region` labels). */
  readonly context: MonitoringContext;
  /** The rules (one group). */
  readonly rules: readonly AlertRule[];
  /**
   * Extra metadata labels (what your Prometheus selects rules by, e.g. `release: kube-prometheus-stack`).
   * @default - none
   */
  readonly selectorLabels?: Readonly<Record<string, string>>;
}

/** Alert labels of a context: tenant, environment, region. */
export function alertContextLabels(context: MonitoringContext): Record<string, string> {
  return { environment: context.environment, region: context.region, tenant: context.tenant ?? "platform" };
}

/**
 * A prometheus-operator `PrometheusRule` with one group of alerts; each alert carries `severity`, `tenant`,
 * `environment` and `region` labels (so Alertmanager routes it to the owning team) and a summary/description.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
 */
export class PrometheusRule extends Construct {
  /** The rendered object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: PrometheusRuleProps) {
    super(scope, id);
    const scopePath = this.node.path;
    const issues: ValidationIssue[] = [...checkDnsSubdomain(props.name, { scope: scopePath, field: "name" }), ...checkDnsLabel(props.namespace, { scope: scopePath, field: "namespace" })];
    const seen = new Set<string>();
    props.rules.forEach((r, i) => {
      if (!/^[A-Z][A-Za-z0-9]*$/.test(r.alert) || seen.has(r.alert)) {
        issues.push({ code: "InvalidAlertName", scope: scopePath, field: `rules[${i}].alert`, value: r.alert, message: seen.has(r.alert) ? "is used twice" : "must be PascalCase letters and digits", fix: "name each alert once, e.g. KafkaConsumerLagHigh" });
      }
      seen.add(r.alert);
      if (r.expr.trim() === "") issues.push({ code: "EmptyAlertExpression", scope: scopePath, field: `rules[${i}].expr`, value: r.expr, message: "is empty", fix: "give a PromQL expression" });
      if (r.for !== undefined) issues.push(...parseDuration(r.for, { scope: scopePath, field: `rules[${i}].for` }).issues);
    });
    if (props.rules.length === 0) issues.push({ code: "NoAlertRules", scope: scopePath, field: "rules", value: [], message: "a PrometheusRule needs at least one rule", fix: "add a rule or leave the PrometheusRule out" });
    ValidationError.throwIfAny(issues);
    const labels = alertContextLabels(props.context);
    this.apiObject = new ApiObject(this, "Resource", {
      apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
      kind: "PrometheusRule",
      metadata: { name: props.name, namespace: props.namespace, labels: { ...componentLabels("prometheus-rule", props.name, "monitoring"), ...(props.selectorLabels ?? {}) } },
      spec: {
        groups: [
          {
            name: props.name,
            rules: props.rules.map((r) => ({
              alert: r.alert,
              expr: r.expr,
              for: r.for ?? "5m",
              labels: { severity: r.severity, ...labels },
              annotations: { summary: r.summary, description: r.description },
            })),
          },
        ],
      },
    });
  }
}

/** Properties of a {@link PodMonitor}. */
export interface PodMonitorProps {
  /** Name. */
  readonly name: string;
  /** Namespace (the pods'). */
  readonly namespace: string;
  /** Who the scraped series belong to (added as `environment`, `region` and, for tenants, `tenant` labels). */
  readonly context: MonitoringContext;
  /** Pods to scrape. */
  readonly selector: { readonly matchLabels?: Readonly<Record<string, string>>; readonly matchExpressions?: readonly { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: readonly string[] }[] };
  /** Name of the container port serving `/metrics`. */
  readonly port: string;
  /**
   * Scrape interval.
   * @default "30s"
   */
  readonly interval?: string;
  /**
   * Map these pod labels (regex on the Kubernetes SD label name) onto the series, e.g. `strimzi_io_.+`.
   * @default - none
   */
  readonly podLabelMap?: string;
  /**
   * Derive the `tenant` label from a pod label with a regex (first group), when pods of several tenants share a
   * namespace (Strimzi clusters named `<tenant>-connect`).
   * @default - the context's tenant, if any
   */
  readonly tenantFromPodLabel?: { readonly label: string; readonly regex: string };
  /**
   * Extra metadata labels (what your Prometheus selects PodMonitors by).
   * @default - none
   */
  readonly selectorLabels?: Readonly<Record<string, string>>;
}

/** The Kubernetes SD meta label of a pod label (`strimzi.io/cluster` -> `__meta_kubernetes_pod_label_strimzi_io_cluster`). */
function podLabelMeta(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/**
 * A prometheus-operator `PodMonitor`: scrape `/metrics` on a named port of the selected pods in its own
 * namespace, and label every series with `environment`, `region` and `tenant`.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor
 */
export class PodMonitor extends Construct {
  /** The rendered object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: PodMonitorProps) {
    super(scope, id);
    const scopePath = this.node.path;
    const issues: ValidationIssue[] = [...checkDnsSubdomain(props.name, { scope: scopePath, field: "name" }), ...checkDnsLabel(props.namespace, { scope: scopePath, field: "namespace" })];
    if (!props.selector.matchLabels && !props.selector.matchExpressions) {
      issues.push({ code: "PodMonitorSelectsAll", scope: scopePath, field: "selector", value: {}, message: "an empty selector scrapes every pod of the namespace", fix: "select the pods by label" });
    }
    if (props.interval !== undefined) issues.push(...parseDuration(props.interval, { scope: scopePath, field: "interval" }).issues);
    ValidationError.throwIfAny(issues);
    const relabelings: Record<string, unknown>[] = [];
    if (props.podLabelMap) relabelings.push({ action: "labelmap", regex: `__meta_kubernetes_pod_label_(${props.podLabelMap})`, replacement: "$1" });
    relabelings.push({ action: "replace", targetLabel: "environment", replacement: props.context.environment });
    relabelings.push({ action: "replace", targetLabel: "region", replacement: props.context.region });
    if (props.tenantFromPodLabel) {
      relabelings.push({ action: "replace", sourceLabels: [podLabelMeta(props.tenantFromPodLabel.label)], regex: props.tenantFromPodLabel.regex, targetLabel: "tenant", replacement: "$1" });
    } else if (props.context.tenant) {
      relabelings.push({ action: "replace", targetLabel: "tenant", replacement: props.context.tenant });
    }
    this.apiObject = new ApiObject(this, "Resource", {
      apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
      kind: "PodMonitor",
      metadata: { name: props.name, namespace: props.namespace, labels: { ...componentLabels("pod-monitor", props.name, "monitoring"), ...(props.selectorLabels ?? {}) } },
      spec: {
        selector: props.selector,
        namespaceSelector: { matchNames: [props.namespace] },
        podMetricsEndpoints: [{ port: props.port, path: "/metrics", interval: props.interval ?? "30s", relabelings }],
      },
    });
  }
}
