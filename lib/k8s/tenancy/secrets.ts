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
  /**
   * The service account whose token the operator exchanges for the IAM role (`auth.jwt`, IRSA: the role is the
   * one its `eks.amazonaws.com/role-arn` annotation names; limited to the environment's secrets).
   * @default - no `auth`: the operator's own credentials (the AWS SDK's default chain), which is how EKS Pod
   *   Identity reaches it (an association of the operator's service account; a JWT exchange would find no role
   *   annotation and fail). See external-secrets docs, provider/aws-access: "Controller's Pod Identity".
   */
  readonly serviceAccount?: { readonly name: string; readonly namespace: string };
  /** Namespaces allowed to use the store (the tenants'); others get nothing from it. */
  readonly namespaces: readonly string[];
}

/**
 * A `ClusterSecretStore` backed by AWS Secrets Manager for one region, usable only from the listed (tenant)
 * namespaces, authenticated as the External Secrets Operator's service account (IRSA) or with the operator's own
 * credentials (EKS Pod Identity).
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
            ...(props.serviceAccount ? { auth: { jwt: { serviceAccountRef: { name: props.serviceAccount.name, namespace: props.serviceAccount.namespace } } } } : {}),
          },
        },
        conditions: [{ namespaces: [...props.namespaces].sort() }],
      },
    });
  }
}

/**
 * Checks shared by every reference to a Secrets Manager secret: the Kubernetes names, and a remote key strictly
 * under the allowed prefix (no `..`, not the prefix itself); `outside` says what the refusal means here.
 */
function secretReferenceIssues(
  scope: string,
  ref: { readonly name: string; readonly namespace: string; readonly remoteKey: string; readonly allowedPrefix: string },
  outside: { readonly code: string; readonly message: string; readonly fix: string },
): ValidationIssue[] {
  const issues: ValidationIssue[] = [
    ...checkDnsSubdomain(ref.name, { scope, field: "name" }),
    ...checkDnsLabel(ref.namespace, { scope, field: "namespace" }),
  ];
  if (!ref.remoteKey.startsWith(ref.allowedPrefix) || ref.remoteKey.includes("..") || ref.remoteKey === ref.allowedPrefix) {
    issues.push({ ...outside, scope, field: "remoteKey", value: ref.remoteKey });
  }
  return issues;
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
    ValidationError.throwIfAny(
      secretReferenceIssues(this.node.path, props, {
        code: "SecretOutsideTenant",
        message: `a tenant may only read Secrets Manager secrets under ${JSON.stringify(props.allowedPrefix)}`,
        fix: `name the secret ${JSON.stringify(`${props.allowedPrefix}<name>`)} in Secrets Manager`,
      }),
    );
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

/** API version of the External Secrets Operator's `PushSecret`. */
export const PUSH_SECRET_API_VERSION = "external-secrets.io/v1alpha1";

/** Properties of a {@link PushedSecret}. */
export interface PushedSecretProps {
  /** The store to write to (a ClusterSecretStore whose IAM role may write under `allowedPrefix`). */
  readonly store: SecretStore;
  /** Namespace of the Kubernetes Secret to push (the PushSecret lives there too). */
  readonly namespace: string;
  /** PushSecret name. */
  readonly name: string;
  /** The Kubernetes Secret to push (written by an operator, e.g. Strimzi's user or cluster CA Secret). */
  readonly secretName: string;
  /** The key of that Secret to push; it becomes the JSON property of the same name in Secrets Manager. */
  readonly key: string;
  /** Secrets Manager secret name; must lie under `allowedPrefix`. */
  readonly remoteKey: string;
  /** The prefix the store's role may write (`<environment>/platform/...`). */
  readonly allowedPrefix: string;
  /**
   * How often the value is pushed again (Strimzi rotates CA certificates and may renew passwords).
   * @default "1h"
   */
  readonly refreshInterval?: string;
}

/**
 * A Kubernetes Secret value copied out to AWS Secrets Manager with an External Secrets `PushSecret`, so that a
 * cluster in another region can read it with an ExternalSecret. Only values an operator generated are pushed
 * (never a value from the spec); the remote secret is kept when the PushSecret is removed (`deletionPolicy: None`).
 * @see https://external-secrets.io/latest/guides/pushsecrets/
 */
export class PushedSecret extends Construct {
  /** Secrets Manager secret name. */
  public readonly remoteKey: string;
  /** The JSON property the value is stored under. */
  public readonly property: string;

  constructor(scope: Construct, id: string, props: PushedSecretProps) {
    super(scope, id);
    this.remoteKey = props.remoteKey;
    this.property = props.key;
    ValidationError.throwIfAny(
      secretReferenceIssues(this.node.path, props, {
        code: "SecretOutsidePrefix",
        message: `may only write Secrets Manager secrets under ${JSON.stringify(props.allowedPrefix)}`,
        fix: `name the secret ${JSON.stringify(`${props.allowedPrefix}<name>`)}`,
      }),
    );
    new ApiObject(this, "Resource", {
      apiVersion: PUSH_SECRET_API_VERSION,
      kind: "PushSecret",
      metadata: { name: props.name, namespace: props.namespace, labels: componentLabels("external-secrets", props.name, "push-secret") },
      spec: {
        refreshInterval: props.refreshInterval ?? "1h",
        updatePolicy: "Replace",
        deletionPolicy: "None",
        secretStoreRefs: [{ name: props.store.storeName, kind: "ClusterSecretStore" }],
        selector: { secret: { name: props.secretName } },
        data: [{ match: { secretKey: props.key, remoteRef: { remoteKey: props.remoteKey, property: props.key } } }],
      },
    });
  }
}
