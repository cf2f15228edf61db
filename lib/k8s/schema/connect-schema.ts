// Kafka Connect schemas and their translation into the topic schema languages, as the converters translate
// them: Confluent's AvroConverter (io.confluent.connect.avro.AvroData.fromConnectSchema, connect.meta.data=true,
// the defaults) and Kafka's JsonConverter with `schemas.enable=false` (JsonConverter.convertToJson: the payload
// alone, bytes and decimals as base64 strings, every struct field written, null included).

/** A Kafka Connect schema as JsonConverter writes it (`schemas.enable=true`). */
export interface ConnectSchema {
  readonly type: "int8" | "int16" | "int32" | "int64" | "float" | "double" | "boolean" | "string" | "bytes" | "array" | "map" | "struct";
  readonly optional: boolean;
  readonly name?: string;
  readonly version?: number;
  readonly doc?: string;
  readonly default?: unknown;
  readonly parameters?: Readonly<Record<string, string>>;
  /** Struct fields, in order. */
  readonly fields?: readonly ConnectField[];
  /** Array elements. */
  readonly items?: ConnectSchema;
}

/** A struct field (JsonConverter writes the field's name beside its schema). */
export type ConnectField = ConnectSchema & { readonly field: string };

type Json = Record<string, unknown>;
/** The name of Kafka Connect's Decimal logical type. */
export const CONNECT_DECIMAL = "org.apache.kafka.connect.data.Decimal";
const DECIMAL = CONNECT_DECIMAL;
/** AvroData.CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT. */
const DEFAULT_DECIMAL_PRECISION = 64;

/** The Avro type of each primitive Connect type. */
const AVRO_PRIMITIVES: Record<string, string> = { int8: "int", int16: "int", int32: "int", int64: "long", float: "float", double: "double", boolean: "boolean", string: "string" };

/** `a.b.C` as Avro's namespace and name (AvroData.splitName). */
function splitName(full: string): { namespace?: string; name: string } {
  const cut = full.lastIndexOf(".");
  return cut < 0 ? { name: full } : { namespace: full.slice(0, cut), name: full.slice(cut + 1) };
}

/**
 * The Avro schema Confluent's AvroConverter derives from a Connect schema: structs become records named after
 * the schema (`ConnectDefault` when unnamed), optional schemas a union with null first (null default),
 * int8/int16 an int with `connect.type`, Decimal a bytes `decimal` logical type, and every schema keeps its
 * Connect name, version, parameters and default as `connect.*` properties. A named record met again is
 * written by its full name (Avro allows one definition per name).
 */
export function connectToAvro(schema: ConnectSchema): unknown {
  const seen = new Set<string>();
  let unnamed = 0;
  const convert = (s: ConnectSchema, ignoreOptional = false): unknown => {
    if (!ignoreOptional && s.optional) {
      const base = convert(s, true);
      return s.default !== undefined ? [base, "null"] : ["null", base];
    }
    let base: Json;
    // AvroData: int8 and int16 are ints marked with their Connect type.
    const connectType = s.type === "int8" || s.type === "int16" ? s.type : undefined;
    switch (s.type) {
      case "int8":
      case "int16":
      case "int32":
      case "int64":
      case "float":
      case "double":
      case "boolean":
      case "string":
        base = { type: AVRO_PRIMITIVES[s.type] };
        break;
      case "bytes":
        base = { type: "bytes" };
        if (s.name === DECIMAL) {
          const scale = Number(s.parameters?.scale ?? 0);
          const precision = Number(s.parameters?.["connect.decimal.precision"] ?? DEFAULT_DECIMAL_PRECISION);
          base.scale = scale;
          base.precision = precision;
        }
        break;
      case "array":
        base = { type: "array", items: convert(s.items!) };
        break;
      case "map":
        throw new Error("map schemas are not translated");
      case "struct": {
        const full = s.name ?? `io.confluent.connect.avro.ConnectDefault${++unnamed > 1 ? unnamed : ""}`;
        if (seen.has(full)) return full;
        seen.add(full);
        const { namespace, name } = splitName(full);
        base = {
          type: "record",
          name,
          ...(namespace ? { namespace } : {}),
          fields: (s.fields ?? []).map((f) => ({
            name: f.field,
            type: convert(f),
            ...(f.default !== undefined ? { default: f.default } : f.optional ? { default: null } : {}),
          })),
        };
        break;
      }
    }
    if (s.doc !== undefined) base["connect.doc"] = s.doc;
    if (s.version !== undefined) base["connect.version"] = s.version;
    if (s.parameters && Object.keys(s.parameters).length > 0) base["connect.parameters"] = { ...s.parameters };
    if (s.default !== undefined) base["connect.default"] = s.default;
    if (s.name !== undefined) base["connect.name"] = s.name;
    if (connectType) base["connect.type"] = connectType;
    if (s.name === DECIMAL) base.logicalType = "decimal";
    // A primitive with no property is written as its name (Avro's Schema.toString).
    return Object.keys(base).length === 1 && typeof base.type === "string" ? base.type : base;
  };
  return convert(schema);
}

/**
 * The JSON Schema (draft 2020-12) of the payloads JsonConverter writes with `schemas.enable=false`: integers
 * and numbers, bytes and Decimals as base64 strings (`decimal.format=BASE64`, the default; numbers with
 * `numericDecimals`, for `decimal.format=NUMERIC`), structs as objects (with `embedded`, the `{schema, payload}`
 * envelope of `schemas.enable=true` around it)
 * whose non-optional fields are required, optional schemas also admitting null.
 */
export function connectToJsonSchema(schema: ConnectSchema, title?: string, options: { readonly numericDecimals?: boolean; readonly embedded?: boolean } = {}): Json {
  const convert = (s: ConnectSchema): Json => {
    let base: Json;
    switch (s.type) {
      case "int8":
      case "int16":
      case "int32":
      case "int64":
        base = { type: "integer" };
        break;
      case "float":
      case "double":
        base = { type: "number" };
        break;
      case "boolean":
        base = { type: "boolean" };
        break;
      case "string":
        base = { type: "string" };
        if (s.name === "io.debezium.data.Enum" && s.parameters?.allowed !== undefined) base.enum = s.parameters.allowed.split(",");
        break;
      case "bytes":
        // JsonConverter's decimal.format=NUMERIC writes Decimals as JSON numbers.
        base = options.numericDecimals && s.name === DECIMAL ? { type: "number" } : { type: "string", contentEncoding: "base64" };
        break;
      case "array":
        base = { type: "array", items: convert(s.items!) };
        break;
      case "map":
        throw new Error("map schemas are not translated");
      case "struct":
        base = {
          type: "object",
          properties: Object.fromEntries((s.fields ?? []).map((f) => [f.field, convert(f)])),
          // JsonConverter writes every field, but only the non-optional ones are required: data written before
          // an optional column was added lacks it, and readers of the new schema still read that data (the
          // registry's BACKWARD rule, as Avro's null default).
          required: (s.fields ?? []).filter((f) => !f.optional).map((f) => f.field),
        };
        break;
    }
    if (s.name !== undefined) base.title = s.name;
    if (s.optional) {
      base.type = [base.type as string, "null"];
      if (Array.isArray(base.enum)) base.enum = [...(base.enum as unknown[]), null];
    }
    return base;
  };
  if (options.embedded) {
    // JsonConverter with schemas.enable=true writes {"schema": <the Connect schema as JSON>, "payload": <the value>}
    // (its envelope; a tombstone stays null).
    return {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: { schema: { type: "object" }, payload: convert(schema) },
      required: ["schema", "payload"],
      ...(title ? { title } : {}),
    };
  }
  return { $schema: "https://json-schema.org/draft/2020-12/schema", ...convert(schema), ...(title ? { title } : {}) };
}
