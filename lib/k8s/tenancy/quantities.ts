import { NameContext, ValidationIssue } from "../../core";

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;

/** A CPU quantity (`4`, `2.5`, `500m`) in millicores, or an issue. */
export function parseCpu(value: string | number, ctx: NameContext): { millis?: number; issues: ValidationIssue[] } {
  const m = CPU.exec(String(value));
  if (!m) {
    return {
      issues: [{ code: "InvalidQuantity", ...ctx, value, message: "is not a CPU quantity", fix: "write cores (\"4\", \"0.5\") or millicores (\"500m\")" }],
    };
  }
  return { millis: Math.round(Number(m[1]) * (m[2] === "m" ? 1 : 1000)), issues: [] };
}

/** Millicores as a quantity string (`4`, `2500m`). */
export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}
