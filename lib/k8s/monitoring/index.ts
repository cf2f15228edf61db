export * from "./monitoring";
export * from "./alerts";
export * from "./dashboards";
