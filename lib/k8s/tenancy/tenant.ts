import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import {
  checkCidr,
  checkDnsLabel,
  componentLabels,
  FloeLabels,
  parseBytes,
  tenantFlinkServiceAccount,
  ValidationError,
  ValidationIssue,
} from "../../core";
import type { IKafkaCluster } from "../kafka/kafka-cluster";
import { DNS_EGRESS_RULE, kafkaListenerPorts } from "../network";
import { RESTRICTED_NAMESPACE_LABELS } from "../security";
import { parseCpu } from "./quantities";

/** Resource quota of a tenant namespace. */
export interface TenantQuota {
  /**
   * Total CPU requests and limits (`requests.cpu`, `limits.cpu`), in cores or millicores.
   * @default "4"
   */
  readonly cpu?: string;
  /**
   * Total memory requests and limits.
   * @default "16Gi"
   */
  readonly memory?: string;
  /**
   * Pods.
   * @default 40
   */
  readonly pods?: number;
  /**
   * PersistentVolumeClaims.
   * @default 10
   */
  readonly persistentVolumeClaims?: number;
  /**
   * Total requested storage.
   * @default "100Gi"
   */
  readonly storage?: string;
}

/** Container defaults and bounds (`LimitRange`). */
export interface TenantContainerLimits {
  /**
   * Default CPU request of a container that sets none.
   * @default "250m"
   */
  readonly defaultCpuRequest?: string;
  /**
   * Default memory request (and limit) of a container that sets none.
   * @default "512Mi"
   */
  readonly defaultMemory?: string;
  /**
   * Default CPU limit of a container that sets none.
   * @default "1"
   */
  readonly defaultCpuLimit?: string;
  /**
   * Largest memory limit of one container.
   * @default "32Gi"
   */
  readonly maxMemory?: string;
  /**
   * Largest CPU limit of one container.
   * @default "8"
   */
  readonly maxCpu?: string;
}

/** A platform service the tenant's pods may reach ({@link Tenant.allowServiceEgress}). */
export interface TenantServiceEgress {
  /** Service name (the policy is `allow-<name>`). */
  readonly name: string;
  /** Namespace of the service's pods. */
  readonly namespace: string;
  /** Labels of the service's pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** TCP port. */
  readonly port: number;
}

/** An external endpoint a tenant's workloads may reach (e.g. a CDC source database). */
export interface TenantEgress {
  /** Destination network (CIDR). */
  readonly cidr: string;
  /** Destination TCP port. */
  readonly port: number;
  /**
   * What it is (for the policy name and reviewers).
   * @default - the CIDR and port
   */
  readonly description?: string;
}

/** Network settings of a tenant. */
export interface TenantNetworkOptions {
  /**
   * Namespace of the Flink Kubernetes Operator (it calls each JobManager's REST port).
   * @default "flink-operator"
   */
  readonly flinkOperatorNamespace?: string;
  /**
   * Allow HTTPS egress to addresses outside the cluster (S3, STS, the Kubernetes API for Flink native mode).
   * Private ranges stay closed except the API server CIDRs.
   * @default true
   */
  readonly allowHttpsEgress?: boolean;
  /**
   * Networks of the Kubernetes API server endpoints (Flink's JobManager creates TaskManager pods and keeps
   * HA leases through it).
   * @default - none (only public addresses on 443)
   */
  readonly apiServerCidrs?: readonly string[];
  /**
   * Port of the Kubernetes API server.
   * @default 443
   */
  readonly apiServerPort?: number;
  /**
   * External endpoints the tenant's workloads may reach.
   * @default - none
   */
  readonly egress?: readonly TenantEgress[];
}

/** Properties of a {@link Tenant}. */
export interface TenantProps {
  /** Tenant name: its namespace, topic prefix `<name>.` and group prefix. */
  readonly name: string;
  /** The region's Kafka cluster (the only broker pods the tenant may reach). */
  readonly kafka: IKafkaCluster;
  /**
   * Namespace quota.
   * @default 4 CPU, 16Gi, 40 pods, 10 PVCs, 100Gi storage
   */
  readonly quota?: TenantQuota;
  /**
   * Container defaults and bounds.
   * @default 250m/512Mi requests, 1 CPU/512Mi limits, at most 8 CPU/32Gi per container
   */
  readonly containerLimits?: TenantContainerLimits;
  /**
   * Groups with the tenant-admin Role (edit the tenant's Flink resources and ConfigMaps, read the rest).
   * @default ["floe:tenant:<name>:admins"]
   */
  readonly adminGroups?: readonly string[];
  /**
   * Groups with the read-only Role.
   * @default ["floe:tenant:<name>:viewers"]
   */
  readonly viewerGroups?: readonly string[];
  /**
   * IAM role of the tenant's workloads (IRSA): annotated on the Flink service account.
   * @default - no annotation (EKS Pod Identity, or no cloud role)
   */
  readonly workloadRoleArn?: string;
  /**
   * Network isolation settings.
   * @default - default-deny, DNS, Kafka brokers, Flink operator, HTTPS egress
   */
  readonly network?: TenantNetworkOptions;
}

/** What other constructs need to know about a tenant. */
export interface ITenant {
  /** Tenant name. */
  readonly tenantName: string;
  /** Namespace of the tenant's workloads. */
  readonly namespace: string;
  /** Topic and consumer-group prefix the tenant owns. */
  readonly topicPrefix: string;
  /** Service account of the tenant's Flink pods. */
  readonly flinkServiceAccount: string;
}

/** Label marking namespaces whose pods may reach a Kafka cluster's listeners (Strimzi `networkPolicyPeers`). */
export const KAFKA_CLIENT_LABEL = "floe.dev/kafka-client";

/** Flink's ports: JobManager REST, RPC, blob server; TaskManager RPC. */
const FLINK_REST_PORT = 8081;

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"];

/**
 * A tenant in one region: its namespace (Pod Security "restricted"), quota and container limits, the service
 * account of its Flink pods, namespaced RBAC for its admin and viewer groups, and network isolation: deny all,
 * then allow only DNS, its own pods, the Kafka brokers on their listener ports, the Flink operator, HTTPS egress
 * and declared external endpoints. Nothing admits another tenant's namespace.
 */
export class Tenant extends Construct implements ITenant {
  public readonly tenantName: string;
  public readonly namespace: string;
  public readonly topicPrefix: string;
  public readonly flinkServiceAccount: string;
  /** The resolved quota. */
  public readonly quota: Required<TenantQuota>;
  private readonly props: TenantProps;
  private readonly extraEgress: TenantEgress[] = [];

  constructor(scope: Construct, id: string, props: TenantProps) {
    super(scope, id);
    this.props = props;
    this.tenantName = props.name;
    this.namespace = props.name;
    this.topicPrefix = `${props.name}.`;
    this.flinkServiceAccount = tenantFlinkServiceAccount(props.name);
    this.quota = {
      cpu: props.quota?.cpu ?? "4",
      memory: props.quota?.memory ?? "16Gi",
      pods: props.quota?.pods ?? 40,
      persistentVolumeClaims: props.quota?.persistentVolumeClaims ?? 10,
      storage: props.quota?.storage ?? "100Gi",
    };
    ValidationError.throwIfAny(this.validateProps());
    const ns = this.namespace;
    new ApiObject(this, "Namespace", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: ns,
        labels: { ...RESTRICTED_NAMESPACE_LABELS, [FloeLabels.TENANT]: props.name, [KAFKA_CLIENT_LABEL]: props.kafka.clusterName },
      },
    });
    this.addQuota();
    this.addRbac();
    this.addNetworkPolicies();
  }

  /** A namespaced object of the tenant, labelled as tenancy. */
  private object(id: string, kind: string, apiVersion: string, name: string, body: Record<string, unknown>): ApiObject {
    return new ApiObject(this, id, {
      apiVersion,
      kind,
      metadata: { name, namespace: this.namespace, labels: componentLabels("tenant", this.tenantName, "tenancy") },
      ...body,
    });
  }

  /** Allow egress to an external endpoint (a CDC database, an API). */
  public allowEgress(egress: TenantEgress): void {
    this.extraEgress.push(egress);
  }

  /**
   * Allow the tenant's pods to reach pods of a platform service in another namespace (e.g. the Schema
   * Registry) on one port: a NetworkPolicy `allow-<name>`.
   */
  public allowServiceEgress(service: TenantServiceEgress): void {
    const policyName = `allow-${service.name}`;
    if (this.node.tryFindChild(`Service-${service.name}`)) return;
    new ApiObject(this, `Service-${service.name}`, {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: policyName, namespace: this.namespace, labels: componentLabels("tenant", this.tenantName, "tenancy") },
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": service.namespace } }, podSelector: { matchLabels: { ...service.podLabels } } }],
            ports: [{ protocol: "TCP", port: service.port }],
          },
        ],
      },
    });
  }

  /**
   * Allow a monitoring namespace (Prometheus) to scrape the tenant's pods on a metrics port: a NetworkPolicy
   * `allow-metrics-scraping`.
   */
  public allowMetricsScraping(options: { readonly namespace: string; readonly port: number }): void {
    if (this.node.tryFindChild("MetricsScraping")) return;
    new ApiObject(this, "MetricsScraping", {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "allow-metrics-scraping", namespace: this.namespace, labels: componentLabels("tenant", this.tenantName, "tenancy") },
      spec: {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": options.namespace } } }], ports: [{ protocol: "TCP", port: options.port }] }],
      },
    });
  }

  private validateProps(): ValidationIssue[] {
    const scope = this.node.path;
    const p = this.props;
    const issues: ValidationIssue[] = [...checkDnsLabel(p.name, { scope, field: "name" })];
    issues.push(...parseCpu(this.quota.cpu, { scope, field: "quota.cpu" }).issues);
    issues.push(...parseBytes(this.quota.memory, { scope, field: "quota.memory" }).issues);
    issues.push(...parseBytes(this.quota.storage, { scope, field: "quota.storage" }).issues);
    for (const [field, v] of [["quota.pods", this.quota.pods], ["quota.persistentVolumeClaims", this.quota.persistentVolumeClaims]] as const) {
      if (!Number.isInteger(v) || v < 0) {
        issues.push({ code: "InvalidQuota", scope, field, value: v, message: "must be a whole number, 0 or more", fix: "use e.g. 40" });
      }
    }
    const cidrs: Array<[string, string]> = [
      ...(p.network?.apiServerCidrs ?? []).map((c, i): [string, string] => [`network.apiServerCidrs[${i}]`, c]),
      ...(p.network?.egress ?? []).map((e, i): [string, string] => [`network.egress[${i}].cidr`, e.cidr]),
    ];
    for (const [field, cidr] of cidrs) issues.push(...checkCidr(cidr, { scope, field }));
    (p.network?.egress ?? []).forEach((e, i) => {
      if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) {
        issues.push({ code: "InvalidPort", scope, field: `network.egress[${i}].port`, value: e.port, message: "is not a TCP port", fix: "use e.g. 5432" });
      }
    });
    return issues;
  }

  private addQuota(): void {
    const object = this.object.bind(this);
    const q = this.quota;
    object("Quota", "ResourceQuota", "v1", `${this.tenantName}-quota`, {
      spec: {
        hard: {
          "requests.cpu": q.cpu,
          "limits.cpu": q.cpu,
          "requests.memory": q.memory,
          "limits.memory": q.memory,
          pods: String(q.pods),
          persistentvolumeclaims: String(q.persistentVolumeClaims),
          "requests.storage": q.storage,
        },
      },
    });
    const l = this.props.containerLimits ?? {};
    object("Limits", "LimitRange", "v1", `${this.tenantName}-limits`, {
      spec: {
        limits: [
          {
            type: "Container",
            defaultRequest: { cpu: l.defaultCpuRequest ?? "250m", memory: l.defaultMemory ?? "512Mi" },
            default: { cpu: l.defaultCpuLimit ?? "1", memory: l.defaultMemory ?? "512Mi" },
            max: { cpu: l.maxCpu ?? "8", memory: l.maxMemory ?? "32Gi" },
          },
        ],
      },
    });
  }

  private addRbac(): void {
    const object = this.object.bind(this);
    const rbac = "rbac.authorization.k8s.io/v1";
    const name = this.tenantName;
    const read = ["get", "list", "watch"];
    const write = ["get", "list", "watch", "create", "update", "patch", "delete"];
    const flinkKinds = ["flinkdeployments", "flinksessionjobs", "flinkstatesnapshots"];
    const observed = ["pods", "pods/log", "services", "events", "persistentvolumeclaims", "resourcequotas", "limitranges"];
    object("AdminRole", "Role", rbac, `${name}-tenant-admin`, {
      rules: [
        { apiGroups: ["flink.apache.org"], resources: flinkKinds, verbs: write },
        { apiGroups: [""], resources: ["configmaps"], verbs: write },
        { apiGroups: [""], resources: observed, verbs: read },
        { apiGroups: ["apps"], resources: ["deployments"], verbs: read },
        { apiGroups: ["external-secrets.io"], resources: ["externalsecrets"], verbs: read },
      ],
    });
    object("ViewerRole", "Role", rbac, `${name}-tenant-viewer`, {
      rules: [
        { apiGroups: ["flink.apache.org"], resources: flinkKinds, verbs: read },
        { apiGroups: [""], resources: ["configmaps", ...observed], verbs: read },
        { apiGroups: ["apps"], resources: ["deployments"], verbs: read },
      ],
    });
    const binding = (id: string, role: string, groups: readonly string[]) =>
      object(id, "RoleBinding", rbac, role, {
        subjects: [...groups].sort().map((g) => ({ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: g })),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role },
      });
    binding("AdminBinding", `${name}-tenant-admin`, this.props.adminGroups ?? [`floe:tenant:${name}:admins`]);
    binding("ViewerBinding", `${name}-tenant-viewer`, this.props.viewerGroups ?? [`floe:tenant:${name}:viewers`]);

    // The Flink pods' service account: the JobManager creates TaskManager pods and keeps HA leases in
    // ConfigMaps (the permissions of the operator's own "flink" role, in this namespace only).
    new ApiObject(this, "FlinkServiceAccount", {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: {
        name: this.flinkServiceAccount,
        namespace: this.namespace,
        labels: componentLabels("flink", name, "service-account"),
        ...(this.props.workloadRoleArn ? { annotations: { "eks.amazonaws.com/role-arn": this.props.workloadRoleArn } } : {}),
      },
      automountServiceAccountToken: true,
    });
    object("FlinkRole", "Role", rbac, this.flinkServiceAccount, {
      rules: [
        { apiGroups: [""], resources: ["pods", "configmaps"], verbs: ["*"] },
        { apiGroups: ["apps"], resources: ["deployments", "deployments/finalizers"], verbs: ["*"] },
      ],
    });
    object("FlinkRoleBinding", "RoleBinding", rbac, this.flinkServiceAccount, {
      subjects: [{ kind: "ServiceAccount", name: this.flinkServiceAccount, namespace: this.namespace }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: this.flinkServiceAccount },
    });
  }

  private addNetworkPolicies(): void {
    const object = this.object.bind(this);
    const api = "networking.k8s.io/v1";
    const net = this.props.network ?? {};
    const kafka = this.props.kafka;
    const policy = (id: string, name: string, spec: () => Record<string, unknown>) =>
      object(id, "NetworkPolicy", api, name, { spec: Lazy.any({ produce: spec }) });
    policy("DefaultDeny", "default-deny", () => ({ podSelector: {}, policyTypes: ["Ingress", "Egress"] }));
    policy("SameNamespace", "allow-same-namespace", () => ({
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    }));
    policy("Dns", "allow-dns", () => ({
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [DNS_EGRESS_RULE],
    }));
    policy("Kafka", "allow-kafka", () => ({
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": kafka.namespace } },
              podSelector: { matchLabels: { "strimzi.io/cluster": kafka.clusterName, "strimzi.io/kind": "Kafka", "strimzi.io/broker-role": "true" } },
            },
          ],
          ports: kafkaListenerPorts(kafka),
        },
      ],
    }));
    policy("FlinkOperator", "allow-flink-operator", () => ({
      podSelector: { matchLabels: { type: "flink-native-kubernetes", component: "jobmanager" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": net.flinkOperatorNamespace ?? "flink-operator" } } }],
          ports: [{ protocol: "TCP", port: FLINK_REST_PORT }],
        },
      ],
    }));
    policy("Egress", "allow-egress", () => {
      const rules: Record<string, unknown>[] = [];
      if (net.allowHttpsEgress ?? true) {
        rules.push({ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }], ports: [{ protocol: "TCP", port: 443 }] });
      }
      if ((net.apiServerCidrs ?? []).length > 0) {
        rules.push({ to: [...net.apiServerCidrs!].sort().map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: net.apiServerPort ?? 443 }] });
      }
      const external = [...(net.egress ?? []), ...this.extraEgress].sort((a, b) => (`${a.cidr}:${a.port}` < `${b.cidr}:${b.port}` ? -1 : 1));
      for (const e of external) rules.push({ to: [{ ipBlock: { cidr: e.cidr } }], ports: [{ protocol: "TCP", port: e.port }] });
      return { podSelector: {}, policyTypes: ["Egress"], egress: rules };
    });
  }
}
