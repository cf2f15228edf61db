// A region's cluster and workload identity as the StreamingPlatform takes them.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec, RegionSpec, TenantSpec, tenantRunsIn } from "../spec/schema";

/** The tenants a region runs (a tenant without `regions` runs in every region). */
export function tenantsIn(spec: PlatformSpec, region: RegionSpec): TenantSpec[] {
  return (spec.tenants ?? []).filter((t) => tenantRunsIn(spec, t, region.name));
}

/**
 * A region's cluster for `delivery: pulumi`: a provider, or a kubeconfig (text, or the object a stack reference
 * returns for a kubeconfig output).
 */
export type RegionCluster = k8s.Provider | pulumi.Input<string> | pulumi.Input<Readonly<Record<string, unknown>>>;

/**
 * A kubeconfig as the Kubernetes provider takes it (text): an object is serialized as JSON (a YAML subset),
 * never through `String()`, which turns it into "[object Object]".
 */
export function kubeconfigText(kubeconfig: pulumi.Input<string> | pulumi.Input<Readonly<Record<string, unknown>>>): pulumi.Output<string> {
  return pulumi.output(kubeconfig).apply((v) => (typeof v === "string" ? v : JSON.stringify(v)));
}

/**
 * How a region's workloads reach AWS, when it comes from outside the spec (stack config, or another program's
 * outputs): overrides the spec's `regions[].cluster` fields of the same names.
 */
export interface ClusterIdentity {
  /**
   * The cluster's OIDC issuer URL (IRSA).
   * @default - the spec's `cluster.oidcIssuer`
   */
  readonly oidcIssuer?: pulumi.Input<string>;
  /**
   * The IAM OIDC provider's ARN (IRSA).
   * @default - the spec's `cluster.oidcProviderArn`, else `arn:aws:iam::<account>:oidc-provider/<issuer host and path>`
   */
  readonly oidcProviderArn?: pulumi.Input<string>;
  /**
   * The EKS cluster's name (Pod Identity associations).
   * @default - the spec's `cluster.clusterName`
   */
  readonly clusterName?: pulumi.Input<string>;
}

/**
 * The ARN IAM gives the OIDC provider of an issuer: `arn:aws:iam::<account>:oidc-provider/<issuer without https://>`
 * (https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html).
 */
export function oidcProviderArnOf(accountId: string, issuer: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${issuer.replace(/^https:\/\//, "")}`;
}
