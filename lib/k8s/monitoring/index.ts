export * from "./monitoring";
export * from "./alerts";
