import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { roleArn, tenantRoleName } from "../core";
import { CheckpointStorage } from "./checkpoint-storage";
import { irsaTrustPolicy, podIdentityTrustPolicy, tenantWorkloadPolicy } from "./policies";

/**
 * How pods get the role: IRSA (the cluster's OIDC provider and issuer URL) or EKS Pod Identity (the cluster's
 * name). The values may come from another Pulumi program (`Output`s of the cluster's stack).
 */
export type WorkloadIdentity =
  | { readonly type: "irsa"; readonly oidcProviderArn: pulumi.Input<string>; readonly oidcIssuer: pulumi.Input<string> }
  | { readonly type: "pod-identity"; readonly clusterName: pulumi.Input<string> };

/**
 * The trust policy of a role for `serviceAccounts` under `identity` (IRSA: their `sub` claims through the OIDC
 * provider; Pod Identity: the EKS pods service of the account).
 */
export function workloadTrustPolicy(
  identity: WorkloadIdentity,
  accountId: string,
  serviceAccounts: readonly { readonly namespace: string; readonly name: string }[],
): pulumi.Output<string> {
  if (identity.type === "pod-identity") return pulumi.output(JSON.stringify(podIdentityTrustPolicy(accountId)));
  return pulumi
    .all([identity.oidcProviderArn, identity.oidcIssuer])
    .apply(([oidcProviderArn, oidcIssuer]) => JSON.stringify(irsaTrustPolicy({ oidcProviderArn, oidcIssuer, serviceAccounts })));
}

/**
 * EKS Pod Identity associations of `serviceAccounts` with `roleArn` (none under IRSA, where the service account's
 * annotation names the role).
 */
export function podIdentityAssociations(
  name: string,
  identity: WorkloadIdentity,
  serviceAccounts: readonly { readonly namespace: string; readonly name: string }[],
  roleArn: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): aws.eks.PodIdentityAssociation[] {
  if (identity.type !== "pod-identity") return [];
  return [...serviceAccounts]
    .sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1))
    .map((sa) => new aws.eks.PodIdentityAssociation(`${name}-${sa.name}`, { clusterName: identity.clusterName, namespace: sa.namespace, serviceAccount: sa.name, roleArn }, opts));
}

/** Arguments of a {@link TenantWorkloadRole}. */
export interface TenantWorkloadRoleArgs {
  /** Environment name. */
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
  /** Tenant name (its namespace). */
  readonly tenant: string;
  /** The region's checkpoint storage. */
  readonly storage: CheckpointStorage;
  /** The tenant's service accounts that may assume the role (in namespace `tenant`). */
  readonly serviceAccounts: readonly string[];
  /**
   * Service accounts in other namespaces that act for the tenant alone and may assume the role too: its Kafka
   * Connect workers (`<tenant>-connect-connect` in the Kafka namespace), which write its Iceberg tables.
   * @default - none
   */
  readonly platformServiceAccounts?: readonly { readonly namespace: string; readonly name: string }[];
  /** IRSA (the cluster's OIDC provider) or EKS Pod Identity. */
  readonly identity: WorkloadIdentity;
  /**
   * The tenant's Glue database of Iceberg tables (its Iceberg sinks with a Glue catalog): the role may read it and
   * create and update its tables, never delete them.
   * @default - no Glue access
   */
  readonly glueDatabase?: string;
}

/**
 * The IAM role of one tenant's workloads in one region: assumable only by the tenant's service accounts
 * (IRSA trust on `system:serviceaccount:<tenant>:<sa>`, or Pod Identity associations), allowed only the
 * object actions and listing under `tenants/<tenant>/` of the region's bucket, and the bucket's key via S3.
 * Its name and ARN are deterministic, so the service account annotation renders offline.
 */
export class TenantWorkloadRole extends pulumi.ComponentResource {
  /** Role name. */
  public readonly roleName: string;
  /** Role ARN (deterministic: `arn:aws:iam::<account>:role/<name>`). */
  public readonly roleArn: string;
  /** The role. */
  public readonly role: aws.iam.Role;
  /** What pods need before they can use the role: its policy and, with Pod Identity, the associations. */
  public readonly ready: readonly pulumi.Resource[];

  constructor(name: string, args: TenantWorkloadRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("floe:cloud:TenantWorkloadRole", name, {}, opts);
    this.roleName = tenantRoleName(args.environment, args.region, args.tenant);
    this.roleArn = roleArn(args.accountId, this.roleName);
    const serviceAccounts = [...args.serviceAccounts.map((sa) => ({ namespace: args.tenant, name: sa })), ...(args.platformServiceAccounts ?? [])];
    const trust = workloadTrustPolicy(args.identity, args.accountId, serviceAccounts);
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: this.roleName,
        assumeRolePolicy: trust,
        maxSessionDuration: 3600,
        tags: { "floe.dev/environment": args.environment, "floe.dev/region": args.region, "floe.dev/tenant": args.tenant },
      },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-state-access`,
      {
        role: this.role.name,
        policy: args.storage.kmsKeyArn.apply((kmsKeyArn) =>
          JSON.stringify(
            tenantWorkloadPolicy({
              bucketName: args.storage.bucketName,
              tenantPrefix: args.storage.tenantPrefix(args.tenant),
              kmsKeyArn,
              region: args.awsRegion ?? args.region,
              glue: args.glueDatabase ? { accountId: args.accountId, database: args.glueDatabase } : undefined,
            }),
          ),
        ),
      },
      { parent: this },
    );
    this.ready = [policy, ...podIdentityAssociations(name, args.identity, serviceAccounts, this.role.arn, { parent: this })];
    this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName });
  }
}
