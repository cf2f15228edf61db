import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import { componentLabels } from "../../core";
import type { IKafkaCluster } from "../kafka/kafka-cluster";
import type { ITenant } from "./tenant";
import { EXTERNAL_SECRETS_API_VERSION } from "./secrets";

/** Properties of a {@link TenantKafkaCredentials}. */
export interface TenantKafkaCredentialsProps {
  /** The tenant whose workloads need the credentials. */
  readonly tenant: ITenant;
  /** The Kafka cluster (its namespace holds the User Operator's Secrets and the cluster CA). */
  readonly kafka: IKafkaCluster;
}

/**
 * Delivers the Strimzi-generated credentials of a tenant's workloads (the `<user>` Secrets of its KafkaUsers
 * and `<cluster>-cluster-ca-cert`) from the Kafka namespace into the tenant's namespace, with the External
 * Secrets Operator's Kubernetes provider: a SecretStore in the tenant namespace authenticated as a dedicated
 * service account that may `get` exactly those Secrets (a Role with resourceNames in the Kafka namespace).
 * The tenant's own groups cannot create ExternalSecrets, so no other Secret can be pulled through it.
 */
export class TenantKafkaCredentials extends Construct {
  /** The service account the SecretStore authenticates as. */
  public readonly serviceAccountName: string;
  private readonly users = new Set<string>();
  private readonly props: TenantKafkaCredentialsProps;

  constructor(scope: Construct, id: string, props: TenantKafkaCredentialsProps) {
    super(scope, id);
    this.props = props;
    const ns = props.tenant.namespace;
    const name = `${props.tenant.tenantName}-kafka-credentials`;
    this.serviceAccountName = name;
    const labels = componentLabels("external-secrets", name, "kafka-credentials");
    new ApiObject(this, "ServiceAccount", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: ns, labels } });
    new ApiObject(this, "Store", {
      apiVersion: EXTERNAL_SECRETS_API_VERSION,
      kind: "SecretStore",
      metadata: { name: "kafka-credentials", namespace: ns, labels },
      spec: {
        provider: {
          kubernetes: {
            remoteNamespace: props.kafka.namespace,
            server: { caProvider: { type: "ConfigMap", name: "kube-root-ca.crt", key: "ca.crt" } },
            auth: { serviceAccount: { name } },
          },
        },
      },
    });
    new ApiObject(this, "Role", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name, namespace: props.kafka.namespace, labels },
      rules: Lazy.any({
        produce: () => [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: this.secretNames() }],
      }),
    });
    new ApiObject(this, "RoleBinding", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name, namespace: props.kafka.namespace, labels },
      subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    });
    this.addExternalSecret(this.caSecretName);
  }

  /** Deliver the Secret of one KafkaUser (same name) into the tenant namespace. */
  public addUser(secretName: string): void {
    if (this.users.has(secretName)) return;
    this.users.add(secretName);
    this.addExternalSecret(secretName);
  }

  private get caSecretName(): string {
    return `${this.props.kafka.clusterName}-cluster-ca-cert`;
  }

  private secretNames(): string[] {
    return [this.caSecretName, ...[...this.users].sort()];
  }

  private addExternalSecret(secretName: string): void {
    new ApiObject(this, `ExternalSecret-${secretName}`, {
      apiVersion: EXTERNAL_SECRETS_API_VERSION,
      kind: "ExternalSecret",
      metadata: {
        name: secretName,
        namespace: this.props.tenant.namespace,
        labels: componentLabels("external-secrets", secretName, "kafka-credentials"),
      },
      spec: {
        refreshInterval: "15m",
        secretStoreRef: { name: "kafka-credentials", kind: "SecretStore" },
        target: { name: secretName, creationPolicy: "Owner", deletionPolicy: "Retain" },
        dataFrom: [{ extract: { key: secretName } }],
      },
    });
  }
}
