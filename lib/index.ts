// Public API of floe-platform: re-exports only.
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
