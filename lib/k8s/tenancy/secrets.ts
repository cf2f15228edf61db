import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import { checkDnsLabel, checkDnsSubdomain, componentLabels, ValidationError, ValidationIssue } from "../../core";

/** API version of the External Secrets Operator resources Floe renders. */
export const EXTERNAL_SECRETS_API_VERSION = "external-secrets.io/v1";

/** Properties of a {@link SecretStore}. */
export interface SecretStoreProps {
  /** ClusterSecretStore name. */
  readonly name: string;
  /** AWS region of the Secrets Manager the store reads. */
  readonly awsRegion: string;
  /** The External Secrets Operator's service account (its IAM role is limited to the environment's secrets). */
  readonly serviceAccount: { readonly name: string; readonly namespace: string };
  /** Namespaces allowed to use the store (the tenants'); others get nothing from it. */
  readonly namespaces: readonly string[];
}

/**
 * A `ClusterSecretStore` backed by AWS Secrets Manager for one region, usable only from the listed (tenant)
 * namespaces, authenticated as the External Secrets Operator's service account (IRSA).
 * @see https://external-secrets.io/latest/provider/aws-secrets-manager/
 */
export class SecretStore extends Construct {
  /** Store name. */
  public readonly storeName: string;

  constructor(scope: Construct, id: string, props: SecretStoreProps) {
    super(scope, id);
    this.storeName = props.name;
    ValidationError.throwIfAny([
      ...checkDnsSubdomain(props.name, { scope: this.node.path, field: "name" }),
      ...(/^[a-z]{2}(-[a-z]+)+-\d$/.test(props.awsRegion)
        ? []
        : [
            {
              code: "InvalidAwsRegion",
              scope: this.node.path,
              field: "awsRegion",
              value: props.awsRegion,
              message: "is not an AWS region name",
              fix: "use e.g. eu-west-1",
            },
          ]),
    ]);
    new ApiObject(this, "Resource", {
      apiVersion: EXTERNAL_SECRETS_API_VERSION,
      kind: "ClusterSecretStore",
      metadata: { name: props.name, labels: componentLabels("external-secrets", props.name, "secret-store") },
      spec: {
        provider: {
          aws: {
            service: "SecretsManager",
            region: props.awsRegion,
            auth: { jwt: { serviceAccountRef: { name: props.serviceAccount.name, namespace: props.serviceAccount.namespace } } },
          },
        },
        conditions: [{ namespaces: [...props.namespaces].sort() }],
      },
    });
  }
}

/** Properties of a {@link TenantSecret}. */
export interface TenantSecretProps {
  /** The store to read from. */
  readonly store: SecretStore;
  /** Namespace the Kubernetes Secret is created in (the tenant's). */
  readonly namespace: string;
  /** Kubernetes Secret name. */
  readonly name: string;
  /** Secrets Manager secret name; must lie under `allowedPrefix`. */
  readonly remoteKey: string;
  /**
   * Keys of the JSON secret to copy; each becomes a key of the Kubernetes Secret.
   * @default - every key of the JSON secret (`dataFrom.extract`)
   */
  readonly properties?: readonly string[];
  /** The prefix of Secrets Manager names this tenant may read (`<environment>/<tenant>/`). */
  readonly allowedPrefix: string;
  /**
   * How often the secret is refreshed.
   * @default "1h"
   */
  readonly refreshInterval?: string;
}

/**
 * A tenant secret by reference: an `ExternalSecret` that materialises a Secrets Manager secret as a Kubernetes
 * Secret in the tenant's namespace. No value is ever rendered; the remote key must lie under the tenant's
 * prefix, so one tenant cannot pull another's secret.
 */
export class TenantSecret extends Construct {
  /** Kubernetes Secret name. */
  public readonly secretName: string;
  /** Namespace. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: TenantSecretProps) {
    super(scope, id);
    this.secretName = props.name;
    this.namespace = props.namespace;
    const scopePath = this.node.path;
    const issues: ValidationIssue[] = [
      ...checkDnsSubdomain(props.name, { scope: scopePath, field: "name" }),
      ...checkDnsLabel(props.namespace, { scope: scopePath, field: "namespace" }),
    ];
    if (!props.remoteKey.startsWith(props.allowedPrefix) || props.remoteKey.includes("..") || props.remoteKey === props.allowedPrefix) {
      issues.push({
        code: "SecretOutsideTenant",
        scope: scopePath,
        field: "remoteKey",
        value: props.remoteKey,
        message: `a tenant may only read Secrets Manager secrets under ${JSON.stringify(props.allowedPrefix)}`,
        fix: `name the secret ${JSON.stringify(`${props.allowedPrefix}<name>`)} in Secrets Manager`,
      });
    }
    ValidationError.throwIfAny(issues);
    const storeRef = { name: props.store.storeName, kind: "ClusterSecretStore" };
    new ApiObject(this, "Resource", {
      apiVersion: EXTERNAL_SECRETS_API_VERSION,
      kind: "ExternalSecret",
      metadata: { name: props.name, namespace: props.namespace, labels: componentLabels("external-secrets", props.name, "external-secret") },
      spec: {
        refreshInterval: props.refreshInterval ?? "1h",
        secretStoreRef: storeRef,
        target: { name: props.name, creationPolicy: "Owner", deletionPolicy: "Retain" },
        ...(props.properties && props.properties.length > 0
          ? { data: [...props.properties].sort().map((p) => ({ secretKey: p, remoteRef: { key: props.remoteKey, property: p } })) }
          : { dataFrom: [{ extract: { key: props.remoteKey } }] }),
      },
    });
  }
}
