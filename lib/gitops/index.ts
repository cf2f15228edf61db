export * from "./render";
export * from "./validate";
