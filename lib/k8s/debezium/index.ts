export * from "./connect-image";
export * from "./credentials";
export * from "./connect-cluster";
export * from "./source-connector";
export * from "./sources";
export * from "./offsets";
export * from "./types";
export * from "./sink-connector";
