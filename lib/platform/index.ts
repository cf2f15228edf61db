export * from "./spec";
export * from "./compose";
