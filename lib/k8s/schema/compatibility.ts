import type * as Avro from "avsc";
import { protobufDifferences } from "./protobuf";
import { SchemaCompatibility, SchemaType } from "./topic-schema";

/** Whether a schema change keeps the subject's compatibility, and why not. */
export interface CompatibilityResult {
  readonly compatible: boolean;
  /** What breaks, one line each (empty when compatible). */
  readonly reasons: readonly string[];
}

/**
 * Check a new schema against the previous one under a subject's compatibility mode, the way the Schema
 * Registry would refuse it at registration:
 * - BACKWARD: consumers on the new schema read data written with the previous one;
 * - FORWARD: consumers on the previous schema read data written with the new one;
 * - FULL: both. `_TRANSITIVE` modes are checked against the previous version (the only one a rendered tree
 *   holds); the registry checks the older ones when the schema is registered.
 * Avro uses `avsc` schema resolution (the specification's rules: defaults for added fields, promotions,
 * aliases). JSON Schema uses Floe's subset of the registry's rules: a property becoming required, a type
 * narrowed, enum values removed, a bound tightened, closing the content model, removing a property of a closed
 * model.
 */
export function checkCompatibility(type: SchemaType, mode: SchemaCompatibility, previous: unknown, next: unknown): CompatibilityResult {
  if (mode === "NONE") return { compatible: true, reasons: [] };
  const backward = mode.startsWith("BACKWARD") || mode.startsWith("FULL");
  const forward = mode.startsWith("FORWARD") || mode.startsWith("FULL");
  const reasons: string[] = [];
  const check = type === "avro" ? avroReadable : type === "protobuf" ? protobufReadable : jsonReadable;
  if (backward) reasons.push(...check(next, previous).map((r) => `new consumers cannot read old data: ${r}`));
  if (forward) reasons.push(...check(previous, next).map((r) => `old consumers cannot read new data: ${r}`));
  return { compatible: reasons.length === 0, reasons };
}

/**
 * Problems of a reader schema reading Protobuf data written with a writer schema: the differences from the
 * writer's schema to the reader's that Confluent's protobuf provider counts as incompatible.
 */
function protobufReadable(reader: unknown, writer: unknown): string[] {
  return protobufDifferences(String(writer), String(reader)).incompatible;
}

/** Problems of a reader schema reading data written with a writer schema (Avro schema resolution). */
function avroReadable(reader: unknown, writer: unknown): string[] {
  try {
    const avro = require("avsc") as typeof Avro; // loaded when a schema changes
    avro.Type.forSchema(reader as Avro.Schema).createResolver(avro.Type.forSchema(writer as Avro.Schema));
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

function types(s: Json): Set<string> | undefined {
  if (s.type === undefined) return undefined;
  const t = new Set(Array.isArray(s.type) ? (s.type as string[]) : [s.type as string]);
  if (t.has("number")) t.add("integer"); // number accepts integers
  return t;
}

/** Problems of data valid under `writer` that `reader` would reject (a conservative subset). */
function jsonReadable(reader: unknown, writer: unknown, path = "$"): string[] {
  if (!isObject(reader) || !isObject(writer)) return [];
  const problems: string[] = [];
  const rt = types(reader);
  const wt = types(writer);
  if (rt && wt) {
    const lost = [...wt].filter((t) => !rt.has(t));
    if (lost.length > 0) problems.push(`${path}: type ${[...wt].filter((t) => !(t === "integer" && wt.has("number"))).join("|")} narrowed to ${[...rt].filter((t) => !(t === "integer" && rt.has("number"))).join("|")}`);
  } else if (rt && !wt) {
    problems.push(`${path}: type constrained to ${[...rt].join("|")}`);
  }
  if (Array.isArray(reader.enum)) {
    const allowed = new Set((reader.enum as unknown[]).map((v) => JSON.stringify(v)));
    const removed = Array.isArray(writer.enum) ? (writer.enum as unknown[]).filter((v) => !allowed.has(JSON.stringify(v))) : ["(any value)"];
    if (removed.length > 0) problems.push(`${path}: enum no longer allows ${removed.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  for (const [key, tighter] of [
    ["maxLength", (r: number, w: number) => r < w],
    ["maximum", (r: number, w: number) => r < w],
    ["maxItems", (r: number, w: number) => r < w],
    ["minLength", (r: number, w: number) => r > w],
    ["minimum", (r: number, w: number) => r > w],
    ["minItems", (r: number, w: number) => r > w],
  ] as const) {
    const r = reader[key];
    const w = writer[key];
    if (typeof r === "number" && (typeof w !== "number" || tighter(r, w))) problems.push(`${path}: ${key} tightened to ${r}${typeof w === "number" ? ` (was ${w})` : ""}`);
  }
  const rRequired = new Set(Array.isArray(reader.required) ? (reader.required as string[]) : []);
  const wRequired = new Set(Array.isArray(writer.required) ? (writer.required as string[]) : []);
  for (const name of [...rRequired].filter((n) => !wRequired.has(n)).sort()) problems.push(`${path}.${name}: became required`);
  const rProps = isObject(reader.properties) ? reader.properties : {};
  const wProps = isObject(writer.properties) ? writer.properties : {};
  if (reader.additionalProperties === false && writer.additionalProperties !== false) problems.push(`${path}: additionalProperties closed (false)`);
  for (const name of Object.keys(wProps).sort()) {
    if (name in rProps) problems.push(...jsonReadable(rProps[name], wProps[name], `${path}.${name}`));
    else if (reader.additionalProperties === false) problems.push(`${path}.${name}: removed while additionalProperties is false`);
  }
  if (isObject(reader.items) && isObject(writer.items)) problems.push(...jsonReadable(reader.items, writer.items, `${path}[]`));
  return problems;
}
