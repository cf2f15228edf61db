export * from "./render";
export * from "./validate";
export * from "./diff";
export * from "./diff-format";
export * from "./lineage";
