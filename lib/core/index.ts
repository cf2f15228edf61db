export * from "./errors";
export * from "./names";
export * from "./labels";
export * from "./units";
export * from "./permissions";
export * from "./versions";
export { ICEBERG_PLUGIN_JARS } from "./iceberg-plugin-lock";
export type { LockedJar } from "./iceberg-plugin-lock";
export * from "./cloud-names";
