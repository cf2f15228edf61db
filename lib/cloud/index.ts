// floe-platform/cloud: the Pulumi components on AWS and their arguments. A separate entry point, so that cdk8s users
// and the CLI never load Pulumi; it needs the optional peer dependencies @pulumi/pulumi and @pulumi/aws.
import { requirePeers } from "../core/peers";

requirePeers("floe-platform/cloud", ["@pulumi/pulumi", "@pulumi/aws"]);

export { AuditTrail } from "./audit-trail";
export type { AuditTrailArgs } from "./audit-trail";
export { CheckpointStorage } from "./checkpoint-storage";
export type { CheckpointStorageArgs } from "./checkpoint-storage";
export { PlatformSecrets } from "./platform-secrets";
export type { PlatformSecretsArgs, PlatformSecretValue } from "./platform-secrets";
export { SavepointReplication } from "./savepoint-replication";
export type { SavepointReplicationArgs, SavepointReplicationTarget } from "./savepoint-replication";
export { TenantWorkloadRole } from "./workload-role";
export type { TenantWorkloadRoleArgs, WorkloadIdentity } from "./workload-role";
export type { PolicyDocument, PolicyStatement } from "./policies";
