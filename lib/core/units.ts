import { ValidationIssue } from "./errors";
import { NameContext } from "./names";

const DURATION = /^(\d+)(ms|s|m|h|d|w)$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A duration such as `500ms`, `30s`, `15m`, `12h`, `7d`, `2w`, or `infinite` (Kafka's `-1`).
 * Returns milliseconds (`-1` for infinite) or an issue.
 */
export function parseDuration(value: string | number, ctx: NameContext): { ms?: number; issues: ValidationIssue[] } {
  if (value === "infinite" || value === -1) return { ms: -1, issues: [] };
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return { ms: value, issues: [] };
  const m = typeof value === "string" ? DURATION.exec(value) : null;
  if (!m) {
    return {
      issues: [
        {
          code: "InvalidDuration",
          ...ctx,
          value,
          message: "is not a duration",
          fix: "write a whole number with a unit (ms, s, m, h, d, w), e.g. \"7d\" or \"12h\", or \"infinite\"",
        },
      ],
    };
  }
  return { ms: Number(m[1]) * DURATION_MS[m[2]], issues: [] };
}

const QUANTITY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E)?$/;
const QUANTITY_FACTOR: Record<string, number> = {
  "": 1,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/**
 * A byte quantity in Kubernetes notation (`100Gi`, `1Mi`, `500M`, `1048576`). Returns bytes or an issue.
 */
export function parseBytes(value: string | number, ctx: NameContext): { bytes?: number; issues: ValidationIssue[] } {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return { bytes: value, issues: [] };
  const m = typeof value === "string" ? QUANTITY.exec(value) : null;
  if (!m) {
    return {
      issues: [
        {
          code: "InvalidQuantity",
          ...ctx,
          value,
          message: "is not a byte quantity",
          fix: "write a number with an optional Kubernetes suffix (Ki, Mi, Gi, Ti, k, M, G, T), e.g. \"100Gi\"",
        },
      ],
    };
  }
  return { bytes: Math.round(Number(m[1]) * QUANTITY_FACTOR[m[2] ?? ""]), issues: [] };
}

const FLINK_MEMORY = /^(\d+(?:\.\d+)?)(b|k|kb|m|mb|g|gb|t|tb|Ki|Mi|Gi|Ti)?$/i;
const FLINK_UNITS: Record<string, number> = { b: 1, k: 1024, kb: 1024, ki: 1024, m: 1024 ** 2, mb: 1024 ** 2, mi: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gi: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, ti: 1024 ** 4 };

/** Bytes of a Flink memory size (`2048m` is 2048 MiB in Flink's notation, `4g`, `4Gi`). */
export function flinkMemoryBytes(value: string): number | undefined {
  const m = FLINK_MEMORY.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * FLINK_UNITS[(m[2] ?? "b").toLowerCase()]);
}
