// The StreamingPlatform's argument checks (cloud, identities, kubeconfigs, secret values).

import * as pulumi from "@pulumi/pulumi";
import { WorkloadIdentity } from "../../cloud/workload-role";
import { ValidationIssue } from "../../core";
import { PlatformSpec, RegionSpec } from "../spec/schema";
import { StreamingPlatformArgs } from "./args";
import { oidcProviderArnOf, tenantsIn } from "./cluster";

/** The stack config keys a missing setting can be given with (the Floe program's `Pulumi.yaml`). */
const CONFIG_HINT = {
  accountId: "pulumi config set floe:accountId <12 digits> (or aws.accountId in the spec)",
  oidcIssuer: (region: string) => `pulumi config set --path 'floe:clusters.${region}.oidcIssuer' https://oidc.eks.<region>.amazonaws.com/id/<id> (or cluster.oidcIssuer in the spec)`,
  clusterName: (region: string) => `pulumi config set --path 'floe:clusters.${region}.clusterName' <EKS cluster> (or cluster.clusterName in the spec)`,
} as const;


/** Whether a region's workloads or operators need an AWS identity (roles for jobs, secrets, replication). */
function needsIdentity(spec: PlatformSpec, region: RegionSpec): boolean {
  const tenants = tenantsIn(spec, region);
  return (
    tenants.some((t) => (t.jobs ?? []).length > 0 || (t.secrets ?? []).length > 0) ||
    (spec.replication ?? []).some((r) => r.primary === region.name || r.standby === region.name)
  );
}

/** The region's workload identity: the args' values over the spec's (undefined when a required one is missing). */
export function identityOf(spec: PlatformSpec, region: RegionSpec, args: StreamingPlatformArgs): WorkloadIdentity | undefined {
  const given = args.clusters?.[region.name] ?? {};
  const cluster = region.cluster ?? {};
  if ((spec.aws?.workloadIdentity ?? "irsa") === "pod-identity") {
    const clusterName = given.clusterName ?? cluster.clusterName;
    return clusterName === undefined ? undefined : { type: "pod-identity", clusterName };
  }
  const issuer = given.oidcIssuer ?? cluster.oidcIssuer;
  if (issuer === undefined) return undefined;
  const accountId = spec.aws?.accountId ?? "";
  const providerArn = given.oidcProviderArn ?? cluster.oidcProviderArn ?? pulumi.output(issuer).apply((i) => oidcProviderArnOf(accountId, i));
  return { type: "irsa", oidcProviderArn: providerArn, oidcIssuer: issuer };
}

/** What is wrong with the component's arguments, before any resource is made. */
export function argsIssues(args: StreamingPlatformArgs): ValidationIssue[] {
  const spec = args.spec;
  const issues: ValidationIssue[] = [];
  if (args.cloud !== undefined && args.cloud !== "aws" && args.cloud !== "none") {
    issues.push({
      code: "UnknownCloud",
      scope: "args",
      field: "cloud",
      value: args.cloud,
      message: "is not a cloud the component knows",
      fix: 'use "aws" (the default) or "none" (no cloud resources, Kubernetes side only)',
    });
  }
  for (const regionName of Object.keys(args.clusters ?? {})) {
    if (!spec.regions.some((r) => r.name === regionName)) {
      issues.push({
        code: "UnknownRegion",
        scope: "args",
        field: `clusters.${regionName}`,
        value: regionName,
        message: "names no region of the spec",
        fix: `use one of: ${spec.regions.map((r) => r.name).join(", ")}`,
      });
    }
  }
  if (args.cloud === "none") {
    if (Object.keys(args.secretValues ?? {}).length > 0) {
      issues.push({
        code: "SecretValuesWithoutCloud",
        scope: "args",
        field: "secretValues",
        value: undefined,
        message: "secret values were given, but with cloud \"none\" the component creates no secret to hold them",
        fix: "store them in the secret manager the cloud stack manages, and remove floe:secrets from this stack",
      });
    }
    issues.push(...kubeconfigIssues(args));
    return issues;
  }
  return [...issues, ...cloudIssues(args)];
}

/** With cloud `aws`: the account, each region's workload identity, the kubeconfigs and the secret values. */
function cloudIssues(args: StreamingPlatformArgs): ValidationIssue[] {
  const spec = args.spec;
  const issues: ValidationIssue[] = [];
  if (!spec.aws?.accountId) {
    issues.push({
      code: "AwsAccountMissing",
      scope: "spec",
      field: "aws.accountId",
      value: undefined,
      message: "the Pulumi program creates AWS resources and names them after the account",
      fix: CONFIG_HINT.accountId,
    });
  }
  spec.regions.forEach((region, ri) => {
    if (!needsIdentity(spec, region) || identityOf(spec, region, args)) return;
    const podIdentity = spec.aws?.workloadIdentity === "pod-identity";
    issues.push(
      podIdentity
        ? {
            code: "ClusterNameMissing",
            scope: `regions[${ri}]`,
            field: "cluster.clusterName",
            value: undefined,
            message: "EKS Pod Identity associations (tenant roles, the External Secrets Operator) name the cluster",
            fix: CONFIG_HINT.clusterName(region.name),
          }
        : {
            code: "OidcProviderMissing",
            scope: `regions[${ri}]`,
            field: "cluster.oidcIssuer",
            value: undefined,
            message: "the tenants' workload roles and the External Secrets Operator's role trust the cluster's OIDC issuer (IRSA)",
            fix: `${CONFIG_HINT.oidcIssuer(region.name)}; or use workloadIdentity pod-identity with the cluster's name`,
          },
    );
  });
  issues.push(...kubeconfigIssues(args));
  for (const tenant of args.spec.tenants ?? []) {
    for (const secret of tenant.secrets ?? []) {
      const key = `${tenant.name}/${secret.name}`;
      if (args.secretValues && !(key in args.secretValues)) {
        issues.push({
          code: "SecretValueMissing",
          scope: "secretValues",
          field: key,
          value: undefined,
          message: "the spec declares this secret but the stack has no value for it",
          fix: `set it with: pulumi config set --secret --path 'floe:secrets.${key}' <value>`,
        });
      }
    }
  }
  return issues;
}

function kubeconfigIssues(args: StreamingPlatformArgs): ValidationIssue[] {
  if (args.spec.delivery !== "pulumi") return [];
  return args.spec.regions.flatMap((region, ri) =>
    args.kubeconfigs?.[region.name] === undefined
      ? [
          {
            code: "ClusterKubeconfigMissing",
            scope: `regions[${ri}]`,
            field: "cluster.kubeconfig",
            value: undefined,
            message: "no kubeconfig was given for the region",
            fix:
              region.cluster?.kubeconfig && "config" in region.cluster.kubeconfig
                ? `pulumi config set --secret floe:${region.cluster.kubeconfig.config} "$(cat <kubeconfig>)"`
                : "set the stack config key or stack reference the spec names in cluster.kubeconfig",
          },
        ]
      : [],
  );
}
