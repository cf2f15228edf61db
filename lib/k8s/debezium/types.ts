// Debezium's type translation, read off Debezium 3.2.0.Final (the pinned DEBEZIUM_VERSION) with the connector's
// defaults (decimal.handling.mode=precise, time.precision.mode=adaptive, interval.handling.mode=numeric,
// binary.handling.mode=bytes, hstore.handling.mode=json):
// - debezium-connector-postgres PostgresValueConverter.schemaBuilder(Column), falling back to
//   debezium-core JdbcValueConverters.schemaBuilder(Column) for the JDBC-typed columns;
// - debezium-core TableSchemaBuilder.create (the Key, Value and Envelope schemas and their names),
//   Envelope (SCHEMA_VERSION 2, field order), SchemaFactory (source info, snapshot enum, transaction block),
//   PostgresSourceInfoStructMaker (the connector's source fields), TemporalPrecisionMode.ADAPTIVE, the
//   semantic types of io.debezium.time and io.debezium.data, SchemaNameAdjuster (the `avro` adjustment).
// The result is the Kafka Connect schema in the JSON form JsonConverter writes with `schemas.enable=true`
// (org.apache.kafka.connect.json.JsonConverter.asJsonSchema), which the real-systems tier compares with what
// the real connector emits (test/e2e/cdc-types.test.ts).

import { CONNECT_DECIMAL, ConnectField, ConnectSchema } from "../schema/connect-schema";

/** A captured table's column as a spec declares it. */
export interface ColumnDeclaration {
  /** The column's name. */
  readonly name: string;
  /** Its SQL type as written in the table's DDL (`numeric(10,2)`, `timestamp(3)`, `text[]`, `varchar(64)`...). */
  readonly type: string;
  /**
   * Whether the column admits NULL.
   * @default true (false for a primary-key column)
   */
  readonly nullable?: boolean;
  /**
   * Whether the column is part of the primary key (the record key's fields, in declaration order).
   * @default false
   */
  readonly primaryKey?: boolean;
  /**
   * The labels of a user-defined enum type (`CREATE TYPE ... AS ENUM`), in their declared order.
   * @default - not an enum
   */
  readonly values?: readonly string[];
}

/** The key and value schemas Debezium gives a captured table's change events. */
export interface ChangeEventSchemas {
  /** The key: the primary-key columns (undefined when the table has none: Debezium then writes null keys). */
  readonly key?: ConnectSchema;
  /** The value: the change event envelope (`before`, `after`, `source`, `op`, timestamps, `transaction`). */
  readonly value: ConnectSchema;
  /** The row (`before`/`after`) schema alone. */
  readonly row: ConnectSchema;
}

const prim = (type: ConnectSchema["type"], optional = false): ConnectSchema => ({ type, optional });
const named = (type: ConnectSchema["type"], name: string, parameters?: Record<string, string>): ConnectSchema => ({ type, optional: false, name, version: 1, ...(parameters ? { parameters } : {}) });
const DECIMAL = CONNECT_DECIMAL;

/** Kafka Connect's Decimal as Debezium's SpecialValueDecimal builds it in `precise` mode. */
function decimal(scale: number, precision?: number): ConnectSchema {
  return named("bytes", DECIMAL, { scale: String(scale), ...(precision !== undefined ? { "connect.decimal.precision": String(precision) } : {}) });
}

/** io.debezium.data.VariableScaleDecimal: a numeric without a declared scale (SchemaFactory.datatypeVariableScaleDecimalSchema). */
const VARIABLE_SCALE_DECIMAL: ConnectSchema = {
  type: "struct",
  optional: false,
  name: "io.debezium.data.VariableScaleDecimal",
  version: 1,
  doc: "Variable scaled decimal",
  fields: [
    { field: "scale", type: "int32", optional: false },
    { field: "value", type: "bytes", optional: false },
  ],
};

/** TemporalPrecisionMode.ADAPTIVE: TIME by the column's fractional-second precision (PostgreSQL's default is 6). */
const adaptiveTime = (p: number) => (p <= 3 ? named("int32", "io.debezium.time.Time") : p <= 6 ? named("int64", "io.debezium.time.MicroTime") : named("int64", "io.debezium.time.NanoTime"));
const adaptiveTimestamp = (p: number) =>
  p <= 3 ? named("int64", "io.debezium.time.Timestamp") : p <= 6 ? named("int64", "io.debezium.time.MicroTimestamp") : named("int64", "io.debezium.time.NanoTimestamp");

/** A column type split into its base name (lower case, spaces normalized), its arguments and whether it is an array. */
interface ParsedType {
  readonly base: string;
  readonly args: readonly number[];
  readonly array: boolean;
}

/** Parse `numeric(10, 2)`, `timestamp(3) without time zone`, `text[]`, `_int4`; undefined when it is not a type expression. */
export function parseSqlType(type: string): ParsedType | undefined {
  let t = type.trim().toLowerCase().replace(/\s+/g, " ");
  let array = false;
  if (t.endsWith("[]")) {
    array = true;
    t = t.slice(0, -2).trim();
  }
  const m = /^([a-z_][a-z0-9_ ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*((?:with|without) time zone)?$/.exec(t);
  if (!m) return undefined;
  let base = m[1].trim();
  if (m[4]) base = `${base} ${m[4]}`;
  if (base.startsWith("_") && !array) {
    array = true;
    base = base.slice(1);
  }
  const args = [m[2], m[3]].filter((a): a is string => a !== undefined).map(Number);
  return { base, args, array };
}

/** PostgreSQL's names for the same type, as Floe writes them in its mapping. */
const PG_ALIASES: Record<string, string> = {
  int2: "smallint",
  smallserial: "smallint",
  serial2: "smallint",
  int: "integer",
  int4: "integer",
  serial: "integer",
  serial4: "integer",
  int8: "bigint",
  bigserial: "bigint",
  serial8: "bigint",
  float4: "real",
  "double precision": "double",
  float8: "double",
  decimal: "numeric",
  bool: "boolean",
  "character varying": "varchar",
  character: "char",
  bpchar: "char",
  "timestamp without time zone": "timestamp",
  "timestamp with time zone": "timestamptz",
  "time without time zone": "time",
  "time with time zone": "timetz",
  "bit varying": "varbit",
};

/** The PostgreSQL types Floe translates (canonical names), for error messages and the table of docs/schemas.md. */
export const POSTGRES_TYPES: readonly string[] = [
  "smallint", "integer", "bigint", "oid", "real", "double", "float(p)", "numeric(p,s)", "numeric", "money", "boolean", "bit(n)", "varbit(n)",
  "text", "varchar(n)", "char(n)", "name", "citext", "inet", "cidr", "macaddr", "macaddr8", "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange",
  "date", "time(p)", "timetz", "timestamp(p)", "timestamptz", "interval", "uuid", "json", "jsonb", "xml", "bytea", "enum (values)", "<type>[] of the scalar types above",
];

const STRING_TYPES = new Set(["text", "varchar", "char", "name", "citext", "inet", "cidr", "macaddr", "macaddr8", "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange"]);

/**
 * The Kafka Connect schema (not yet optional) Debezium's PostgreSQL connector gives a column of this type, or
 * undefined when Floe does not translate the type (the error names {@link POSTGRES_TYPES}).
 */
export function postgresColumnSchema(type: string, values?: readonly string[]): ConnectSchema | undefined {
  if (values !== undefined) return type.trim().endsWith("[]") ? undefined : named("string", "io.debezium.data.Enum", { allowed: values.join(",") });
  const parsed = parseSqlType(type);
  if (!parsed) return undefined;
  const base = PG_ALIASES[parsed.base] ?? parsed.base;
  const [a0, a1] = parsed.args;
  let scalar: ConnectSchema | undefined;
  switch (base) {
    case "smallint":
      scalar = prim("int16");
      break;
    case "integer":
      scalar = prim("int32");
      break;
    case "bigint":
    case "oid":
      scalar = prim("int64");
      break;
    case "real":
      scalar = prim("float");
      break;
    case "double":
      scalar = prim("double");
      break;
    case "float":
      // float(p): PostgreSQL stores p <= 24 as real, else double precision.
      scalar = prim(a0 !== undefined && a0 <= 24 ? "float" : "double");
      break;
    case "numeric":
      // PostgresValueConverter.numericSchema: a numeric without precision has a variable scale.
      scalar = a0 === undefined ? VARIABLE_SCALE_DECIMAL : decimal(a1 ?? 0, a0);
      break;
    case "money":
      // moneySchema(): Decimal with money.fraction.digits (default 2), no precision parameter.
      scalar = decimal(2);
      break;
    case "boolean":
      scalar = prim("boolean");
      break;
    case "bit":
    case "varbit": {
      const length = a0 ?? 1;
      scalar = length > 1 ? named("bytes", "io.debezium.data.Bits", { length: String(length) }) : prim("boolean");
      break;
    }
    case "date":
      scalar = named("int32", "io.debezium.time.Date");
      break;
    case "time":
      scalar = adaptiveTime(a0 ?? 6);
      break;
    case "timestamp":
      scalar = adaptiveTimestamp(a0 ?? 6);
      break;
    case "timetz":
      scalar = named("string", "io.debezium.time.ZonedTime");
      break;
    case "timestamptz":
      scalar = named("string", "io.debezium.time.ZonedTimestamp");
      break;
    case "interval":
      scalar = named("int64", "io.debezium.time.MicroDuration");
      break;
    case "uuid":
      scalar = named("string", "io.debezium.data.Uuid");
      break;
    case "json":
    case "jsonb":
      scalar = named("string", "io.debezium.data.Json");
      break;
    case "xml":
      scalar = named("string", "io.debezium.data.Xml");
      break;
    case "bytea":
      scalar = prim("bytes");
      break;
    default:
      scalar = STRING_TYPES.has(base) ? prim("string") : undefined;
  }
  if (!scalar || !parsed.array) return scalar;
  // Arrays: the element schema made optional (PostgresValueConverter's *_ARRAY cases). Debezium has no array
  // schema for money, interval, varbit, xml or name arrays (it leaves those columns out of its events), and
  // treats bit[] as a single bit string: Floe refuses these.
  if (["money", "interval", "varbit", "bit", "xml", "name"].includes(base)) return undefined;
  return { type: "array", optional: false, items: { ...scalar, optional: true } };
}

/** Debezium's `avro` schema name adjustment (SchemaNameAdjuster.validFullname with '_' replacements). */
export function avroAdjustedName(name: string): string {
  return [...name].map((c, i) => (/[A-Za-z_]/.test(c) || (i > 0 && /[0-9.]/.test(c)) ? c : "_")).join("");
}

/** Whether a name is a valid Avro name (a field name, or one part of a full name). */
export const isAvroName = (name: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);

/** The snapshot marker of the source block (SchemaFactory.snapshotRecordSchema: SnapshotRecord's values, lower case). */
const SNAPSHOT_FIELD: ConnectField = {
  field: "snapshot",
  type: "string",
  optional: true,
  default: "false",
  name: "io.debezium.data.Enum",
  version: 1,
  parameters: { allowed: "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental" },
};

/** The source block of the PostgreSQL connector's events (SchemaFactory.sourceInfoSchemaBuilder + PostgresSourceInfoStructMaker). */
const POSTGRES_SOURCE: ConnectField = {
  field: "source",
  type: "struct",
  optional: false,
  name: "io.debezium.connector.postgresql.Source",
  version: 1,
  fields: [
    { field: "version", ...prim("string") },
    { field: "connector", ...prim("string") },
    { field: "name", ...prim("string") },
    { field: "ts_ms", ...prim("int64") },
    SNAPSHOT_FIELD,
    { field: "db", ...prim("string") },
    { field: "sequence", ...prim("string", true) },
    { field: "ts_us", ...prim("int64", true) },
    { field: "ts_ns", ...prim("int64", true) },
    { field: "schema", ...prim("string") },
    { field: "table", ...prim("string") },
    { field: "txId", ...prim("int64", true) },
    { field: "lsn", ...prim("int64", true) },
    { field: "xmin", ...prim("int64", true) },
  ],
};

/** The transaction block (SchemaFactory.transactionBlockSchema). */
const TRANSACTION_FIELD: ConnectField = {
  field: "transaction",
  type: "struct",
  optional: true,
  name: "event.block",
  version: 1,
  fields: [
    { field: "id", ...prim("string") },
    { field: "total_order", ...prim("int64") },
    { field: "data_collection_order", ...prim("int64") },
  ],
};

/** The heartbeat records' key and value (SchemaFactory.heartbeatKeySchema / heartbeatValueSchema). */
export const HEARTBEAT_SCHEMAS: { readonly key: ConnectSchema; readonly value: ConnectSchema } = {
  key: { type: "struct", optional: false, name: "io.debezium.connector.common.ServerNameKey", version: 1, fields: [{ field: "serverName", ...prim("string") }] },
  value: { type: "struct", optional: false, name: "io.debezium.connector.common.Heartbeat", version: 1, fields: [{ field: "ts_ms", ...prim("int64") }] },
};

/** The signal table Debezium documents (id, type, data), for a source that declares no columns of its own for it. */
export const SIGNAL_TABLE_COLUMNS: readonly ColumnDeclaration[] = [
  { name: "id", type: "varchar(42)", primaryKey: true },
  { name: "type", type: "varchar(32)", nullable: false },
  { name: "data", type: "varchar(2048)" },
];

/** What `postgresChangeEventSchemas` needs to know of the connector and the table. */
export interface ChangeEventSchemaOptions {
  /** The table's topic (`<topic.prefix>.<schema>.<table>`): Debezium names the schemas after it. */
  readonly topic: string;
  /** The table's columns, in table order. */
  readonly columns: readonly ColumnDeclaration[];
  /** Columns left out of the value (`column.exclude.list`, by column name). @default [] */
  readonly excludedColumns?: readonly string[];
  /** Whether the connector adjusts schema names for Avro (`schema.name.adjustment.mode=avro`). @default false */
  readonly avroNames?: boolean;
}

/**
 * The key and value schemas of a PostgreSQL table's change events, as Debezium's PostgreSQL connector builds
 * them. Throws a plain Error naming the column when a type is not translated (validate with
 * {@link postgresColumnSchema} first).
 */
export function postgresChangeEventSchemas(o: ChangeEventSchemaOptions): ChangeEventSchemas {
  const adjust = (n: string) => (o.avroNames ? avroAdjustedName(n) : n);
  const excluded = new Set(o.excludedColumns ?? []);
  const field = (c: ColumnDeclaration, inKey: boolean): ConnectField => {
    const schema = postgresColumnSchema(c.type, c.values);
    if (!schema) throw new Error(`column ${c.name}: type ${c.type} is not translated`);
    const optional = !inKey && !c.primaryKey && c.nullable !== false;
    return { field: c.name, ...schema, optional };
  };
  const keyColumns = o.columns.filter((c) => c.primaryKey);
  const key: ConnectSchema | undefined = keyColumns.length > 0 ? { type: "struct", optional: false, name: adjust(`${o.topic}.Key`), fields: keyColumns.map((c) => field(c, true)) } : undefined;
  const row: ConnectSchema = { type: "struct", optional: true, name: adjust(`${o.topic}.Value`), fields: o.columns.filter((c) => !excluded.has(c.name)).map((c) => field(c, false)) };
  const value: ConnectSchema = {
    type: "struct",
    optional: false,
    name: adjust(`${o.topic}.Envelope`),
    version: 2,
    fields: [
      { field: "before", ...row },
      { field: "after", ...row },
      POSTGRES_SOURCE,
      // TableSchemaBuilder adds the transaction block (withTransaction) before Envelope.Builder.build() adds these.
      TRANSACTION_FIELD,
      { field: "op", ...prim("string") },
      { field: "ts_ms", ...prim("int64", true) },
      { field: "ts_us", ...prim("int64", true) },
      { field: "ts_ns", ...prim("int64", true) },
    ],
  };
  return { key, value, row };
}
