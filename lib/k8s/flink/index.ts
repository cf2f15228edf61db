export * from "./flink-types";
export * from "./checkpoint-storage";
export * from "./flink-job";
export * from "./flink-state";
export * from "./flink-deployment";
export * from "./flink-application";
export * from "./flink-session-cluster";
export * from "./flink-session-job";
