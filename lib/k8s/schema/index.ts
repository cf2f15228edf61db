export * from "./topic-schema";
export * from "./compatibility";
export * from "./schema-registry";
export * from "./connect-schema";
export * from "./protobuf";
