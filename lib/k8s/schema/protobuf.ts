// Protobuf topic schemas: parsed with protobufjs, and compared as Confluent Schema Registry's protobuf provider
// compares them (io.confluent.kafka.schemaregistry.protobuf.diff: SchemaDiff, MessageSchemaDiff,
// FieldSchemaDiff; ProtobufSchema.isBackwardCompatible = no difference outside SchemaDiff.COMPATIBLE_CHANGES).

import type * as Protobuf from "protobufjs";

// protobufjs loads on first use: a spec without Protobuf schemas never needs it.
let protobufModule: typeof Protobuf | undefined;
const pb = (): typeof Protobuf => (protobufModule ??= require("protobufjs") as typeof Protobuf);

/** Parse a .proto text; the parser's message when it does not parse. */
export function parseProto(text: string): { root: Protobuf.Root; pkg?: string } | Error {
  try {
    const parsed = pb().parse(text, { keepCase: true, alternateCommentMode: true });
    parsed.root.resolveAll();
    return { root: parsed.root, pkg: parsed.package };
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** The changes Confluent's SchemaDiff counts as compatible (SchemaDiff.COMPATIBLE_CHANGES); every other is not. */
const COMPATIBLE = new Set([
  "MESSAGE_ADDED",
  "MESSAGE_MOVED",
  "ENUM_ADDED",
  "ENUM_REMOVED",
  "ENUM_CONST_ADDED",
  "ENUM_CONST_CHANGED",
  "ENUM_CONST_REMOVED",
  "FIELD_ADDED",
  "FIELD_REMOVED",
  "FIELD_NAME_CHANGED",
  "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
  "ONEOF_ADDED",
  "ONEOF_REMOVED",
  "ONEOF_FIELD_ADDED",
  "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
]);

/** Every message and enum of a root, by full name (without the leading dot). */
function collect(root: Protobuf.Root): { messages: Map<string, Protobuf.Type>; enums: Map<string, Protobuf.Enum> } {
  const messages = new Map<string, Protobuf.Type>();
  const enums = new Map<string, Protobuf.Enum>();
  const walk = (ns: Protobuf.NamespaceBase) => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof pb().Type) {
        // Map entries are not messages of their own (TypeElementInfo.isMap); protobufjs has none.
        messages.set(nested.fullName.slice(1), nested);
        walk(nested);
      } else if (nested instanceof pb().Enum) enums.set(nested.fullName.slice(1), nested);
      else if (nested instanceof pb().Namespace) walk(nested);
    }
  };
  walk(root);
  return { messages, enums };
}

/** The oneofs a .proto declares (proto3 `optional` makes a synthetic one, which the registry's parser does not list). */
function realOneofs(t: Protobuf.Type): Protobuf.OneOf[] {
  return t.oneofsArray.filter((o) => !(o.fieldsArray.length === 1 && (o.fieldsArray[0].options as Record<string, unknown> | undefined)?.proto3_optional === true));
}

type Kind = "SCALAR" | "MAP" | "MESSAGE";
const SCALAR_KINDS: Record<string, string> = {
  int32: "GENERAL_NUMBER",
  int64: "GENERAL_NUMBER",
  uint32: "GENERAL_NUMBER",
  uint64: "GENERAL_NUMBER",
  bool: "GENERAL_NUMBER",
  sint32: "SIGNED_NUMBER",
  sint64: "SIGNED_NUMBER",
  string: "STRING_OR_BYTES",
  bytes: "STRING_OR_BYTES",
  fixed32: "FIXED32",
  sfixed32: "FIXED32",
  fixed64: "FIXED64",
  sfixed64: "FIXED64",
  float: "FLOAT",
  double: "DOUBLE",
};

/** A field's kind, scalar kind and (for messages) the full name of its type. */
function describe(f: Protobuf.Field, mapValue = false): { kind: Kind; scalar?: string; message?: string } {
  if (f.map && !mapValue) return { kind: "MAP" };
  const resolved = f.resolve().resolvedType;
  if (resolved instanceof pb().Enum) return { kind: "SCALAR", scalar: "GENERAL_NUMBER" };
  if (resolved instanceof pb().Type) return { kind: "MESSAGE", message: resolved.fullName.slice(1) };
  return { kind: "SCALAR", scalar: SCALAR_KINDS[f.type] ?? "ANY" };
}

/** A field's label (protobufjs keeps it as `rule`: repeated, required, or none for optional). */
const label = (f: Protobuf.Field) => (f as unknown as { rule?: string }).rule ?? "optional";
const keyType = (f: Protobuf.Field) => (f as unknown as { keyType: string }).keyType;

/** FieldSchemaDiff.compareLabelsAndTypes for one pair of types (a map's key or value, or a field). */
function compareTypes(
  out: string[],
  path: string,
  a: { kind: Kind; scalar?: string; message?: string },
  b: { kind: Kind; scalar?: string; message?: string },
  labels?: [string, string],
): void {
  if (a.kind !== b.kind) return void out.push(`FIELD_KIND_CHANGED ${path}`);
  if (a.kind === "SCALAR") {
    if (a.scalar !== b.scalar) out.push(`FIELD_SCALAR_KIND_CHANGED ${path}`);
    else if (labels && labels[0] !== labels[1]) out.push(`${a.scalar === "STRING_OR_BYTES" ? "FIELD_STRING_OR_BYTES_LABEL_CHANGED" : "FIELD_NUMERIC_LABEL_CHANGED"} ${path}`);
  } else if (a.kind === "MESSAGE" && a.message?.split(".").pop() !== b.message?.split(".").pop()) {
    out.push(`FIELD_NAMED_TYPE_CHANGED ${path}`);
  }
}

/** MessageSchemaDiff.compare: fields by tag, oneofs by name. */
function compareMessage(out: string[], name: string, a: Protobuf.Type, b: Protobuf.Type): void {
  const aOneofs = new Map(realOneofs(a).map((o) => [o.name, o]));
  const bOneofs = new Map(realOneofs(b).map((o) => [o.name, o]));
  const oneofOf = (t: Protobuf.Type, oneofs: Map<string, Protobuf.OneOf>) => new Map(t.fieldsArray.filter((f) => f.partOf && oneofs.has(f.partOf.name)).map((f) => [f.id, f.partOf!.name]));
  const aTagOneof = oneofOf(a, aOneofs);
  const bTagOneof = oneofOf(b, bOneofs);
  const aByTag = new Map(a.fieldsArray.map((f) => [f.id, f]));
  const bByTag = new Map(b.fieldsArray.map((f) => [f.id, f]));
  const deleted = new Set([...aOneofs].filter(([n, o]) => !bOneofs.has(n) && !o.fieldsArray.some((f) => bByTag.has(f.id))).map(([n]) => n));
  for (const o of bOneofs.values()) {
    const origins = new Set<string>();
    let movedIn = 0;
    for (const f of o.fieldsArray) {
      if (aTagOneof.has(f.id)) origins.add(`oneof:${aTagOneof.get(f.id)}`);
      else if (aByTag.has(f.id)) {
        origins.add(`field:${f.id}`);
        movedIn++;
      }
    }
    if (origins.size > 1) out.push(`${movedIn > 1 ? "MULTIPLE_FIELDS_MOVED_TO_ONEOF" : "FIELD_MOVED_TO_EXISTING_ONEOF"} ${name}.${o.name}`);
  }
  for (const tag of [...new Set([...aByTag.keys(), ...bByTag.keys()])].sort((x, y) => x - y)) {
    const fa = aByTag.get(tag);
    const fb = bByTag.get(tag);
    const path = `${name}.${fb?.name ?? fa?.name} (${tag})`;
    if (!fb) {
      const oneof = aTagOneof.get(tag);
      if (oneof !== undefined) {
        if (!deleted.has(oneof)) out.push(`ONEOF_FIELD_REMOVED ${path}`);
      } else out.push(`${label(fa!) === "required" ? "REQUIRED_FIELD_REMOVED" : "FIELD_REMOVED"} ${path}`);
    } else if (!fa) {
      out.push(`${bTagOneof.has(tag) ? "ONEOF_FIELD_ADDED" : label(fb) === "required" ? "REQUIRED_FIELD_ADDED" : "FIELD_ADDED"} ${path}`);
    } else {
      if (aTagOneof.has(tag) && !bTagOneof.has(tag)) out.push(`ONEOF_FIELD_MOVED_TO_TOP_LEVEL ${path}`);
      if (fa.name !== fb.name) out.push(`FIELD_NAME_CHANGED ${path}`);
      if (fa.map && fb.map) {
        compareTypes(out, `${path} key`, { kind: "SCALAR", scalar: SCALAR_KINDS[keyType(fa)] }, { kind: "SCALAR", scalar: SCALAR_KINDS[keyType(fb)] });
        compareTypes(out, `${path} value`, describe(fa, true), describe(fb, true));
      } else {
        compareTypes(out, path, describe(fa), describe(fb), [label(fa), label(fb)]);
      }
    }
  }
}

/**
 * The differences from `previous` to `next`, each `TYPE where` (Confluent's Difference types), and whether the
 * change is backward compatible (readers of `next` read data written with `previous`).
 */
export function protobufDifferences(previous: string, next: string): { differences: string[]; incompatible: string[] } {
  const a = parseProto(previous);
  const b = parseProto(next);
  if (a instanceof Error || b instanceof Error) return { differences: ["UNPARSABLE"], incompatible: [`a schema does not parse: ${(a instanceof Error ? a : (b as Error)).message}`] };
  const out: string[] = [];
  if ((a.pkg ?? "") !== (b.pkg ?? "")) out.push(`PACKAGE_CHANGED ${a.pkg ?? "(none)"} -> ${b.pkg ?? "(none)"}`);
  const ca = collect(a.root);
  const cb = collect(b.root);
  // Types are matched by their name within the package (a package change is reported on its own).
  const local = (full: string, pkg?: string) => (pkg && full.startsWith(`${pkg}.`) ? full.slice(pkg.length + 1) : full);
  const am = new Map([...ca.messages].map(([k, v]) => [local(k, a.pkg), v]));
  const bm = new Map([...cb.messages].map(([k, v]) => [local(k, b.pkg), v]));
  for (const name of [...new Set([...am.keys(), ...bm.keys()])].sort()) {
    const x = am.get(name);
    const y = bm.get(name);
    if (!y) out.push(`MESSAGE_REMOVED ${name}`);
    else if (!x) out.push(`MESSAGE_ADDED ${name}`);
    else compareMessage(out, name, x, y);
  }
  const ae = new Map([...ca.enums].map(([k, v]) => [local(k, a.pkg), v]));
  const be = new Map([...cb.enums].map(([k, v]) => [local(k, b.pkg), v]));
  for (const name of [...new Set([...ae.keys(), ...be.keys()])].sort()) {
    const x = ae.get(name);
    const y = be.get(name);
    if (!y) out.push(`ENUM_REMOVED ${name}`);
    else if (!x) out.push(`ENUM_ADDED ${name}`);
    else {
      for (const c of Object.keys(x.values)) if (!(c in y.values)) out.push(`ENUM_CONST_REMOVED ${name}.${c}`);
      for (const c of Object.keys(y.values)) if (!(c in x.values)) out.push(`ENUM_CONST_ADDED ${name}.${c}`);
      for (const [c, v] of Object.entries(y.values)) if (c in x.values && x.values[c] !== v) out.push(`ENUM_CONST_CHANGED ${name}.${c}`);
    }
  }
  return { differences: out, incompatible: out.filter((d) => !COMPATIBLE.has(d.split(" ")[0])) };
}
