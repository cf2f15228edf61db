// floe-platform/pulumi: the Pulumi side (AWS components and the StreamingPlatform). A separate entry point,
// so that cdk8s users and the CLI never load Pulumi.
export * from "./cloud";
export * from "./platform/pulumi";
