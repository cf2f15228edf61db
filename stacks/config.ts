/**
 * The Floe program's stack config (`Pulumi.yaml` declares the plain keys; Pulumi types cannot describe objects, so
 * `floe:clusters` is checked here): read, checked, and merged into the spec where the manifests render it.
 * Every refusal names the config key to set (a {@link ValidationError} whose path is the key, e.g. `floe:spec`).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ValidationError, ValidationIssue } from "../lib/core";
import { ClusterIdentity, RegionCluster } from "../lib/platform/pulumi";
import { loadPlatformSpec } from "../lib/platform/spec/load";
import { PlatformSpec } from "../lib/platform/spec/schema";

/** What the program hands the StreamingPlatform. */
export interface StackSettings {
  readonly spec: PlatformSpec;
  readonly cloud: "aws" | "none";
  readonly clusters: Record<string, ClusterIdentity>;
  readonly kubeconfigs: Record<string, RegionCluster>;
  readonly secretValues?: Record<string, pulumi.Output<string>>;
}

const clusterSchema = z.strictObject({
  oidcIssuer: z.string().regex(/^https:\/\/[^\s/]+(\/\S*)?$/, "must be the https:// issuer URL of the cluster's OIDC provider").optional(),
  oidcProviderArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/\S+$/, "must be an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<issuer>)").optional(),
  clusterName: z.string().min(1).optional(),
});
const clustersSchema = z.record(z.string(), clusterSchema);

function issue(field: string, value: unknown, message: string, fix: string, code = "InvalidStackConfig"): ValidationIssue {
  return { code, scope: "", field, value, message, fix };
}

/** Read and check the stack's config; throws a ValidationError naming each bad key. */
export function readStackSettings(config: pulumi.Config = new pulumi.Config("floe")): StackSettings {
  const issues: ValidationIssue[] = [];
  const specPath = config.get("spec");
  if (!specPath) {
    throw new ValidationError(issue("floe:spec", specPath, "is not set: the program renders the platform spec it names", "pulumi config set floe:spec examples/platform.yaml", "StackConfigMissing"));
  }
  const loaded = loadPlatformSpec(specPath);
  const cloud = config.get("cloud") || "aws";
  if (cloud !== "aws" && cloud !== "none") issues.push(issue("floe:cloud", cloud, "is not a cloud the program knows", 'pulumi config set floe:cloud aws (the default) or none'));

  const accountId = config.get("accountId") || undefined;
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) issues.push(issue("floe:accountId", accountId, "is not a 12-digit AWS account id", "pulumi config set floe:accountId <12 digits>"));
  const identity = config.get("workloadIdentity") || undefined;
  if (identity !== undefined && identity !== "irsa" && identity !== "pod-identity") {
    issues.push(issue("floe:workloadIdentity", identity, "is not a workload identity Floe knows", "pulumi config set floe:workloadIdentity irsa (or pod-identity)"));
  }
  // Settings the manifests render must be the spec's under GitOps: `floe synth` renders the same files for review.
  if (loaded.delivery !== "pulumi") {
    if (accountId !== undefined && accountId !== loaded.aws?.accountId) {
      issues.push(
        issue(
          "floe:accountId",
          accountId,
          loaded.aws?.accountId ? `differs from the spec's aws.accountId (${loaded.aws.accountId})` : "is set, but the spec (delivery gitops) has no aws.accountId: the manifests floe synth renders would name no role",
          "put the account in the spec (aws.accountId) and remove floe:accountId from the stack",
        ),
      );
    }
    if (identity !== undefined && identity !== (loaded.aws?.workloadIdentity ?? "irsa")) {
      issues.push(issue("floe:workloadIdentity", identity, "differs from the spec's aws.workloadIdentity, which the GitOps manifests render", "set aws.workloadIdentity in the spec and remove floe:workloadIdentity"));
    }
  }
  const spec: PlatformSpec =
    accountId === undefined && identity === undefined
      ? loaded
      : {
          ...loaded,
          aws: {
            ...loaded.aws,
            ...(accountId !== undefined ? { accountId } : {}),
            ...(identity !== undefined ? { workloadIdentity: identity as "irsa" | "pod-identity" } : {}),
          },
        };

  const clusters: Record<string, ClusterIdentity> = {};
  const rawClusters = config.getObject<unknown>("clusters");
  if (rawClusters !== undefined) {
    const parsed = clustersSchema.safeParse(rawClusters);
    const regionNames = rawClusters && typeof rawClusters === "object" ? Object.keys(rawClusters) : [];
    for (const region of regionNames.filter((r) => !spec.regions.some((sr) => sr.name === r))) {
      issues.push(issue(`floe:clusters.${region}`, region, "names no region of the spec", `use one of: ${spec.regions.map((r) => r.name).join(", ")}`));
    }
    if (!parsed.success) {
      for (const e of parsed.error.issues) {
        const field = ["floe:clusters", ...e.path.map(String)].join(".");
        const value = e.path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[String(k)] : undefined), rawClusters);
        issues.push(issue(field, value, e.message, "pulumi config set --path 'floe:clusters.<region>.oidcIssuer' <url> (fields: oidcIssuer, oidcProviderArn, clusterName)"));
      }
    } else {
      for (const [region, c] of Object.entries(parsed.data)) if (spec.regions.some((r) => r.name === region)) clusters[region] = c;
    }
  }

  const kubeconfigs: Record<string, RegionCluster> = {};
  for (const region of spec.regions) {
    const source = region.cluster?.kubeconfig;
    if (!source || spec.delivery !== "pulumi") continue;
    if ("config" in source) {
      // A missing kubeconfig is reported by the component (ClusterKubeconfigMissing) with the key to set.
      if (pulumi.runtime.getConfig(`floe:${source.config}`) !== undefined) kubeconfigs[region.name] = config.requireSecret(source.config);
    } else {
      // A stack output may be the kubeconfig text or its object; the component accepts both (never String()).
      kubeconfigs[region.name] = pulumi.secret(new pulumi.StackReference(source.stackReference).requireOutput(source.output));
    }
  }
  ValidationError.throwIfAny(issues);
  const allSecrets = config.getSecretObject<Record<string, string>>("secrets");
  return { spec, cloud: cloud as "aws" | "none", clusters, kubeconfigs, secretValues: allSecrets ? secretValues(spec, allSecrets) : undefined };
}

/** Each declared secret's value as its own Pulumi secret; a declared secret without a value fails the update. */
function secretValues(spec: PlatformSpec, all: pulumi.Output<Record<string, string>>): Record<string, pulumi.Output<string>> {
  const out: Record<string, pulumi.Output<string>> = {};
  for (const tenant of spec.tenants ?? []) {
    for (const secret of tenant.secrets ?? []) {
      const key = `${tenant.name}/${secret.name}`;
      out[key] = pulumi.secret(
        all.apply((values) => {
          if (!(key in values)) throw new pulumi.RunError(`floe: no value for secret ${key}; set it with pulumi config set --secret --path 'floe:secrets.${key}' <value>`);
          return values[key];
        }),
      );
    }
  }
  return out;
}
