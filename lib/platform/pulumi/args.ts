// The StreamingPlatform's arguments and outputs.

import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec } from "../spec/schema";
import { ClusterIdentity, RegionCluster } from "./cluster";

/** Arguments of a {@link StreamingPlatform}. */
export interface StreamingPlatformArgs {
  /** The parsed platform spec (`loadPlatformSpec`). */
  readonly spec: PlatformSpec;
  /**
   * Secret values by `<tenant>/<name>` (the spec's `tenants[].secrets[]`), as Pulumi secrets.
   * @default - none (secrets then must already exist in Secrets Manager)
   */
  readonly secretValues?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * The cluster of each region (`delivery: pulumi`), by region name: a `k8s.Provider` (e.g. from the program that
   * created the cluster), or a kubeconfig as a string (YAML or JSON) or as an object (as a stack reference gives
   * it), which becomes the region's provider. The stack reads them from stack config or a stack reference.
   * @default - none (required for `delivery: pulumi`)
   */
  readonly kubeconfigs?: Readonly<Record<string, RegionCluster>>;
  /**
   * Each region's workload identity inputs (OIDC issuer and provider, EKS cluster name), by region name; they may
   * be outputs of the program that created the cluster.
   * @default - the spec's `regions[].cluster`
   */
  readonly clusters?: Readonly<Record<string, ClusterIdentity>>;
  /**
   * Which cloud resources the component creates: `aws`, the checkpoint buckets, keys, tenant roles, platform
   * secrets and savepoint replication; `none`, no cloud resource at all (they are managed by another stack or
   * exist already under the names Floe derives from the spec, which the outputs report): only the Kubernetes
   * side is delivered.
   * @default "aws"
   */
  readonly cloud?: "aws" | "none";
}

/** What the stack exports per region (resource outputs where the component created the resource). */
export interface RegionOutputs {
  /** Checkpoint bucket name. */
  readonly bucketName: string;
  /** Checkpoint bucket ARN (with cloud `aws`). */
  readonly bucketArn?: pulumi.Output<string>;
  /** ARN of the bucket's KMS key (with cloud `aws`). */
  readonly kmsKeyArn?: pulumi.Output<string>;
  /** Kafka bootstrap address (the first listener). */
  readonly bootstrap: string;
  /** Workload role ARN per tenant (the role's output with cloud `aws`, the derived ARN otherwise). */
  readonly tenantRoleArns: Readonly<Record<string, pulumi.Input<string>>>;
  /** The External Secrets Operator's role ARN. */
  readonly externalSecretsRoleArn?: pulumi.Output<string>;
  /** ARN of the role that replicates this region's savepoints to its standby regions, if any. */
  readonly savepointReplicationRoleArn?: pulumi.Output<string>;
}
