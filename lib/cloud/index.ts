// floe-platform/cloud: the Pulumi components (AWS). A separate entry point, so that cdk8s users and the CLI
// never load Pulumi.
export * from "./policies";
export * from "./checkpoint-storage";
export * from "./workload-role";
export * from "./platform-secrets";
export * from "./savepoint-replication";
export * from "./audit-trail";
