// floe-platform/pulumi: the whole platform as one Pulumi component (StreamingPlatform) and its arguments and outputs.
// A separate entry point, so that cdk8s users and the CLI never load Pulumi; it needs the optional peer dependencies
// @pulumi/pulumi, @pulumi/aws and @pulumi/kubernetes. The AWS components it is made of are floe-platform/cloud's.
import { requirePeers } from "./core/peers";

requirePeers("floe-platform/pulumi", ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/kubernetes"]);

export { StreamingPlatform } from "./platform/pulumi/streaming-platform";
export type { RegionOutputs, StreamingPlatformArgs } from "./platform/pulumi/args";
export type { ClusterIdentity, RegionCluster } from "./platform/pulumi/cluster";
export type { DestructiveAcknowledgement } from "./platform/pulumi/manifests";
