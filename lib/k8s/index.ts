export * from "./security";
export * as kafka from "./kafka";
