/**
 * The Floe Pulumi program: `pulumi up` with `floe:spec` pointing at a platform spec. Its config is declared in
 * Pulumi.yaml (and read by stacks/config.ts): `spec`, `cloud`, `accountId`, `workloadIdentity`, and the
 * structured `clusters`, `secrets` and `kubeconfig-<region>`.
 */
import * as pulumi from "@pulumi/pulumi";
import { isValidationError } from "../lib/core";
import { RegionOutputs, StreamingPlatform } from "../lib/platform/pulumi";
import { readStackSettings } from "./config";

/** A refusal of the spec or the config: its message (which names the key or spec path to fix), no stack trace. */
function run<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isValidationError(e)) throw new pulumi.RunError(e.message);
    throw e;
  }
}

const platform = run(() => {
  const settings = readStackSettings();
  return new StreamingPlatform("floe", {
    spec: settings.spec,
    cloud: settings.cloud,
    clusters: settings.clusters,
    kubeconfigs: settings.kubeconfigs,
    secretValues: settings.secretValues,
  });
});

/** Per region: the checkpoint bucket (name, ARN, key ARN), Kafka bootstrap, tenant role ARNs, External Secrets role ARN. */
export const regions: Readonly<Record<string, RegionOutputs>> = platform.regions;
