// The Pulumi delivery mode: the StreamingPlatform component and what it applies with. Re-exports only.
export { StreamingPlatform } from "./streaming-platform";
export { HELM_KEEP, RETAINED_KINDS, groupChildUrn, manifestTransform, requiredCrds } from "./manifests";
export type { DestructiveAcknowledgement } from "./manifests";
export { kubeconfigText, oidcProviderArnOf } from "./cluster";
export type { ClusterIdentity, RegionCluster } from "./cluster";
export type { RegionOutputs, StreamingPlatformArgs } from "./args";
