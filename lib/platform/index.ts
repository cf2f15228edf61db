export * from "./spec";
export * from "./compose";
export * from "./replication";
