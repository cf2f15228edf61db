/**
 * The Floe Pulumi program: `pulumi up` with `floe:spec` pointing at a platform spec.
 *
 * Config (namespace `floe`):
 * - `spec` (required): path of the platform spec (YAML), relative to the project.
 * - `accountId`: the AWS account, when the spec has no `aws.accountId`.
 * - `cloud`: `aws` (default) creates the buckets, keys, roles and secrets; `none` creates no cloud resource and
 *   only delivers the manifests (the cloud side is another stack's, under the names Floe derives from the spec).
 * - `secrets` (secret object): values of the spec's tenant secrets by `<tenant>/<name>`,
 *   e.g. `pulumi config set --secret --path 'floe:secrets.payments/orders-db-cdc' '{"username":..}'`.
 * - `kubeconfig-<region>` (secret): the region's kubeconfig, for regions whose `cluster.kubeconfig` is `{ config }`.
 *   Regions may instead name a stack reference (`{ stackReference, output }`).
 */
import * as pulumi from "@pulumi/pulumi";
import { loadPlatformSpec } from "../lib/platform/spec";
import { RegionCluster, StreamingPlatform } from "../lib/platform/streaming-platform";

const config = new pulumi.Config("floe");
const loaded = loadPlatformSpec(config.require("spec"));
// The account may come from the stack (`floe:accountId`) when the spec does not name it; for GitOps delivery put
// it in the spec, so that `floe synth` renders the same service account annotations.
const accountId = config.get("accountId");
const spec = loaded.aws?.accountId || !accountId ? loaded : { ...loaded, aws: { ...loaded.aws, accountId } };

const kubeconfigs: Record<string, RegionCluster> = {};
for (const region of spec.regions) {
  const source = region.cluster?.kubeconfig;
  if (!source) continue;
  kubeconfigs[region.name] =
    "config" in source
      ? config.requireSecret(source.config)
      : // A stack output may be the kubeconfig text or its object; the component accepts both (never String()).
        pulumi.secret(new pulumi.StackReference(source.stackReference).requireOutput(source.output));
}

/** Each declared secret's value as its own Pulumi secret; a declared secret without a value fails the update. */
function secretValues(all: pulumi.Output<Record<string, string>>): Record<string, pulumi.Output<string>> {
  const out: Record<string, pulumi.Output<string>> = {};
  for (const tenant of spec.tenants ?? []) {
    for (const secret of tenant.secrets ?? []) {
      const key = `${tenant.name}/${secret.name}`;
      out[key] = pulumi.secret(
        all.apply((values) => {
          if (!(key in values)) throw new Error(`floe: no value for secret ${key}; set it with pulumi config set --secret --path 'floe:secrets.${key}' <value>`);
          return values[key];
        }),
      );
    }
  }
  return out;
}

const cloud = config.get("cloud") ?? "aws";
if (cloud !== "aws" && cloud !== "none") throw new Error(`floe: config floe:cloud is ${JSON.stringify(cloud)}; set it to "aws" (the default) or "none"`);
const allSecrets = config.getSecretObject<Record<string, string>>("secrets");
const platform = new StreamingPlatform("floe", {
  spec,
  cloud,
  secretValues: allSecrets ? secretValues(allSecrets) : undefined,
  kubeconfigs,
});

/** Per region: checkpoint bucket, Kafka bootstrap address, tenant role ARNs, External Secrets role ARN. */
export const regions = platform.regions;
