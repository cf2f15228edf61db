// Every module's exports in one place, for the repository's own tests, examples and tools. Not an entry point of the
// package (package.json "exports" names lib/index.ts, lib/cloud and lib/pulumi only): downstream code imports those.
export * from "./core";
export * from "./k8s/security";
export * from "./k8s/kafka";
export * from "./k8s/flink";
export * from "./k8s/debezium";
export * from "./k8s/tenancy";
export * from "./k8s/schema";
export * from "./k8s/monitoring";
export * from "./k8s/nodes";
export * from "./platform";
export * from "./gitops";
export * from "./k8s/network";
