export * from "./errors";
export * from "./names";
export * from "./labels";
export * from "./units";
export * from "./permissions";
export * from "./versions";
export * from "./cloud-names";
