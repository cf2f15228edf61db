import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { externalSecretsRoleName, tenantSecretName } from "../core";
import { externalSecretsPolicy, SecretPushTarget } from "./policies";
import { podIdentityAssociations, WorkloadIdentity, workloadTrustPolicy } from "./workload-role";

/** One secret value, given as a Pulumi secret. */
export interface PlatformSecretValue {
  /** Owning tenant. */
  readonly tenant: string;
  /** Secret name within the tenant (the `secrets[].name` of the spec). */
  readonly name: string;
  /** The value (a JSON string for multi-key secrets); always stored as a Pulumi secret. */
  readonly value: pulumi.Input<string>;
}

/** Arguments of {@link PlatformSecrets}. */
export interface PlatformSecretsArgs {
  /** Environment name (the secrets' name prefix). */
  readonly environment: string;
  /** Region name of the spec (part of the deterministic names). */
  readonly region: string;
  /**
   * AWS region, when it differs from the spec's region name.
   * @default - the region name
   */
  readonly awsRegion?: string;
  /** AWS account id. */
  readonly accountId: string;
  /** The values. */
  readonly secrets: readonly PlatformSecretValue[];
  /**
   * How the External Secrets Operator's pods get its role: IRSA (the cluster's OIDC provider; the chart's service
   * account carries the role annotation) or EKS Pod Identity (an association of its service account).
   */
  readonly identity: WorkloadIdentity;
  /**
   * The External Secrets Operator's service account.
   * @default { namespace: "external-secrets", name: "external-secrets" }
   */
  readonly externalSecretsServiceAccount?: { readonly namespace: string; readonly name: string };
  /**
   * Where the operator may write with PushSecrets (replication credentials and CA certificates for standby regions).
   * @default - none (read only)
   */
  readonly pushes?: readonly SecretPushTarget[];
  /**
   * KMS key to encrypt the secrets with.
   * @default - the account's aws/secretsmanager key
   */
  readonly kmsKeyArn?: pulumi.Input<string>;
}

/**
 * Secrets Manager secrets named `<environment>/<tenant>/<name>` (what the ExternalSecrets resolve) holding
 * values given as Pulumi secrets, and the External Secrets Operator's role (IRSA or EKS Pod Identity), limited
 * to the environment's secrets in the region.
 */
export class PlatformSecrets extends pulumi.ComponentResource {
  /** Names of the secrets (never their values). */
  public readonly secretNames: readonly string[];
  /** ARN of the External Secrets Operator role (the role's own output). */
  public readonly externalSecretsRoleArn: pulumi.Output<string>;
  /**
   * What the operator needs before it can resolve a secret: the secret values, the role's policy and, with Pod
   * Identity, the association (Kubernetes objects that read the secrets wait for these).
   */
  public readonly ready: readonly pulumi.Resource[];
  /** The secret versions (their `secretString` is a Pulumi secret). */
  public readonly versions: readonly aws.secretsmanager.SecretVersion[];
  /** Each tenant's secret versions. */
  private readonly versionsOf = new Map<string, aws.secretsmanager.SecretVersion[]>();
  /** The role's policy and, with Pod Identity, the association: what every secret's reader waits for. */
  private readonly access: readonly pulumi.Resource[];

  constructor(name: string, args: PlatformSecretsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("floe:cloud:PlatformSecrets", name, {}, opts);
    const names: string[] = [];
    const versions: aws.secretsmanager.SecretVersion[] = [];
    for (const s of [...args.secrets].sort((a, b) => (`${a.tenant}/${a.name}` < `${b.tenant}/${b.name}` ? -1 : 1))) {
      const secretName = tenantSecretName(args.environment, s.tenant, s.name);
      names.push(secretName);
      const secret = new aws.secretsmanager.Secret(
        `${name}-${s.tenant}-${s.name}`,
        {
          name: secretName,
          ...(args.kmsKeyArn ? { kmsKeyId: args.kmsKeyArn } : {}),
          recoveryWindowInDays: 30,
          tags: { "floe.dev/environment": args.environment, "floe.dev/tenant": s.tenant },
        },
        { parent: this, retainOnDelete: true },
      );
      const version = new aws.secretsmanager.SecretVersion(
        `${name}-${s.tenant}-${s.name}-value`,
        { secretId: secret.id, secretString: pulumi.secret(s.value) },
        { parent: this },
      );
      versions.push(version);
      this.versionsOf.set(s.tenant, [...(this.versionsOf.get(s.tenant) ?? []), version]);
    }
    this.secretNames = names;
    this.versions = versions;
    const sa = args.externalSecretsServiceAccount ?? { namespace: "external-secrets", name: "external-secrets" };
    const esoRoleName = externalSecretsRoleName(args.environment, args.region);
    const role = new aws.iam.Role(
      `${name}-external-secrets`,
      { name: esoRoleName, assumeRolePolicy: workloadTrustPolicy(args.identity, args.accountId, [sa]) },
      { parent: this },
    );
    this.externalSecretsRoleArn = role.arn;
    const policy = new aws.iam.RolePolicy(
      `${name}-external-secrets-read`,
      { role: role.name, policy: JSON.stringify(externalSecretsPolicy({ region: args.awsRegion ?? args.region, accountId: args.accountId, environment: args.environment, pushes: args.pushes })) },
      { parent: this },
    );
    this.access = [policy, ...podIdentityAssociations(`${name}-external-secrets`, args.identity, [sa], role.arn, { parent: this })];
    this.ready = [...versions, ...this.access];
    this.registerOutputs({ secretNames: this.secretNames, externalSecretsRoleArn: this.externalSecretsRoleArn });
  }

  /**
   * What one tenant's objects wait for: its own secret values and the operator's access (not the other tenants'
   * values: a tenant's objects depending on every tenant's made the Pulumi program quadratic in tenants).
   */
  public readyFor(tenant: string): readonly pulumi.Resource[] {
    return [...(this.versionsOf.get(tenant) ?? []), ...this.access];
  }
}
