export * from "./quantities";
export * from "./tenant";
export * from "./secrets";
export * from "./accounting";
export * from "./kafka-credentials";
