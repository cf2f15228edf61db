export * from "./strimzi-types";
export * from "./listener";
export * from "./storage";
export * from "./kafka-node-pool";
export * from "./kafka-cluster";
export * from "./kafka-topic";
export * from "./kafka-user";
export * from "./strimzi-resource";
