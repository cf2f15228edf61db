import type AjvClass from "ajv";
import type Ajv2020Class from "ajv/dist/2020";
import type * as Avro from "avsc";
import { readFileSync } from "fs";
import { extname } from "path";
import { ValidationError, ValidationIssue } from "../../core";
import { parseProto } from "./protobuf";

// ajv and avsc load on first use: a spec without JSON or Avro schemas never needs them (npm run bench: start-up).
let avroModule: typeof Avro | undefined;
const avro = (): typeof Avro => (avroModule ??= require("avsc") as typeof Avro);
const ajvClass = (draft2020: boolean): typeof AjvClass | typeof Ajv2020Class =>
  draft2020 ? (require("ajv/dist/2020") as { default: typeof Ajv2020Class }).default : (require("ajv") as { default: typeof AjvClass }).default;

/** The schema languages Floe parses (and the Schema Registry's `schemaType`). */
export type SchemaType = "avro" | "json" | "protobuf";

/**
 * Compatibility modes of a subject, as the Schema Registry names them.
 * @see https://docs.confluent.io/platform/current/schema-registry/fundamentals/schema-evolution.html
 */
export type SchemaCompatibility = "BACKWARD" | "BACKWARD_TRANSITIVE" | "FORWARD" | "FORWARD_TRANSITIVE" | "FULL" | "FULL_TRANSITIVE" | "NONE";

/** All compatibility modes. */
export const SCHEMA_COMPATIBILITIES: readonly SchemaCompatibility[] = ["BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE", "NONE"];

/** Where a schema came from, for error messages. */
export interface SchemaContext {
  readonly scope: string;
  readonly field: string;
}

/**
 * A topic's key or value schema: Avro (parsed with `avsc`) or JSON Schema (compiled with `ajv`), refused at
 * construction when it does not parse. `text` is its canonical rendering (compact JSON), what is
 * registered and what `floe diff` compares.
 */
export class TopicSchema {
  /** An Avro schema (`.avsc` content as an object). */
  public static avro(definition: unknown, ctx: SchemaContext = { scope: "TopicSchema", field: "definition" }): TopicSchema {
    return new TopicSchema("avro", definition, ctx);
  }

  /** A JSON Schema (draft-07, or 2020-12 when its `$schema` says so). */
  public static jsonSchema(definition: unknown, ctx: SchemaContext = { scope: "TopicSchema", field: "definition" }): TopicSchema {
    return new TopicSchema("json", definition, ctx);
  }

  /** A Protobuf schema (the `.proto` text; registered as it is). */
  public static protobuf(definition: unknown, ctx: SchemaContext = { scope: "TopicSchema", field: "definition" }): TopicSchema {
    return new TopicSchema("protobuf", definition, ctx);
  }

  /**
   * Read a schema file: `.avsc` is Avro, `.avdl` Avro IDL (the protocol's `record`, by default its last type, with
   * the named types it uses), `.json` JSON Schema, `.proto` Protobuf (or say which with `type`).
   */
  public static fromFile(path: string, ctx: SchemaContext, type?: SchemaType, record?: string): TopicSchema {
    const resolved = type ?? inferType(path);
    if (!resolved) {
      throw new ValidationError({
        code: "SchemaTypeUnknown",
        ...ctx,
        value: path,
        message: "the schema language cannot be told from the file name",
        fix: "name Avro files *.avsc (or *.avdl for Avro IDL), JSON Schema files *.json and Protobuf files *.proto, or set type: avro | json | protobuf",
      });
    }
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new ValidationError({
        code: "SchemaFileNotReadable",
        ...ctx,
        value: path,
        message: `cannot read the schema file (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
        fix: "give the path, relative to the spec file, of an existing file beside it",
      });
    }
    if (resolved === "protobuf") return new TopicSchema("protobuf", text, ctx);
    if (extname(path).toLowerCase() === ".avdl") return new TopicSchema("avro", avroIdlRecord(text, record, ctx, path), ctx);
    let definition: unknown;
    try {
      definition = JSON.parse(text);
    } catch (e) {
      throw new ValidationError({
        code: "SchemaNotJson",
        ...ctx,
        value: path,
        // Never the parser's own message: it quotes the file's first bytes.
        message: `is not JSON${/position (\d+)/.exec((e as Error).message) ? ` (a syntax error at character ${/position (\d+)/.exec((e as Error).message)![1]})` : ""}`,
        fix: "fix the JSON syntax of the schema file",
      });
    }
    return new TopicSchema(resolved, definition, ctx);
  }

  /** The canonical text (registered and compared). */
  public readonly text: string;

  private constructor(
    /** Avro or JSON Schema. */
    public readonly type: SchemaType,
    /** The parsed definition. */
    public readonly definition: unknown,
    ctx: SchemaContext,
  ) {
    ValidationError.throwIfAny(checkSchema(type, definition, ctx));
    this.text = type === "protobuf" ? (definition as string) : JSON.stringify(definition);
  }

  /** The Schema Registry's `schemaType` (`AVRO`, `JSON` or `PROTOBUF`). */
  public get registryType(): "AVRO" | "JSON" | "PROTOBUF" {
    return this.type === "avro" ? "AVRO" : this.type === "json" ? "JSON" : "PROTOBUF";
  }
}

function inferType(path: string): SchemaType | undefined {
  const ext = extname(path).toLowerCase();
  return ext === ".avsc" || ext === ".avdl" ? "avro" : ext === ".json" ? "json" : ext === ".proto" ? "protobuf" : undefined;
}

/**
 * One record of an Avro IDL protocol (avsc `readProtocol`), as the Avro schema a topic registers: the named
 * types it uses inlined where they first appear (avsc `Type#schema`). Imports are not followed: a topic's
 * schema is one file.
 */
function avroIdlRecord(text: string, record: string | undefined, ctx: SchemaContext, path: string): unknown {
  const fail = (message: string, fix: string) => new ValidationError({ code: "InvalidAvroIdl", ...ctx, value: path, message, fix });
  let protocol: { protocol?: string; namespace?: string; types?: Avro.Schema[] };
  try {
    protocol = avro().readProtocol(text) as typeof protocol;
  } catch (e) {
    throw fail(`is not valid Avro IDL: ${(e as Error).message}`, "fix the IDL (see https://avro.apache.org/docs/current/idl-language/)");
  }
  if (/^\s*import\s/m.test(text)) throw fail("imports another file: a topic's schema is read from one file", "put the types the record uses in the same .avdl file");
  const registry: Record<string, Avro.Type> = {};
  const names: string[] = [];
  try {
    for (const t of protocol.types ?? []) {
      const type = avro().Type.forSchema(t, { registry, namespace: protocol.namespace });
      if (type.name) names.push(type.name);
    }
  } catch (e) {
    throw fail(`is not a valid Avro protocol: ${(e as Error).message}`, "fix the IDL's types");
  }
  const wanted = record === undefined ? names[names.length - 1] : names.find((n) => n === record || n.endsWith(`.${record}`));
  if (!wanted) {
    throw fail(
      record === undefined ? "declares no named type" : `declares no type ${record} (it declares ${names.join(", ") || "none"})`,
      record === undefined ? "declare the topic's record in the protocol" : `set record to one of ${names.join(", ")}`,
    );
  }
  return registry[wanted].schema();
}

/** Parse problems of a schema definition (empty when it parses). */
export function checkSchema(type: SchemaType, definition: unknown, ctx: SchemaContext): ValidationIssue[] {
  if (type === "protobuf") {
    if (typeof definition !== "string") return [{ code: "InvalidProtobufSchema", ...ctx, value: summarize(definition), message: "a Protobuf schema is the .proto text", fix: "give the .proto file (file: x.proto) or its text as the definition" }];
    const parsed = parseProto(definition);
    return parsed instanceof Error ? [{ code: "InvalidProtobufSchema", ...ctx, value: summarize(definition), message: `is not a valid Protobuf schema: ${parsed.message}`, fix: "fix the .proto file (see https://protobuf.dev/reference/protobuf/proto3-spec/)" }] : [];
  }
  if (type === "avro") {
    try {
      avro().Type.forSchema(definition as Avro.Schema);
      return [];
    } catch (e) {
      return [{ code: "InvalidAvroSchema", ...ctx, value: summarize(definition), message: `is not a valid Avro schema: ${(e as Error).message}`, fix: "fix the schema (see https://avro.apache.org/docs/current/specification/)" }];
    }
  }
  if (definition === null || typeof definition !== "object" || Array.isArray(definition)) {
    return [{ code: "InvalidJsonSchema", ...ctx, value: summarize(definition), message: "a JSON Schema must be an object", fix: "give an object such as { \"type\": \"object\", \"properties\": { ... } }" }];
  }
  const draft2020 = String((definition as { $schema?: unknown }).$schema ?? "").includes("2020-12");
  // Unknown keywords are errors (a misspelt "propertys" would silently validate nothing); style checks are not.
  const options = { strictSchema: true, strictNumbers: true, strictTypes: false, strictTuples: false, strictRequired: false, validateFormats: false } as const;
  const AjvOfDraft = ajvClass(draft2020);
  const ajv = new AjvOfDraft(options);
  if (!ajv.validateSchema(definition as object)) {
    const detail = (ajv.errors ?? []).map((err) => `${err.instancePath || "/"} ${err.message ?? ""}`.trim()).join("; ");
    return [{ code: "InvalidJsonSchema", ...ctx, value: summarize(definition), message: `is not a valid JSON Schema: ${detail}`, fix: "fix the schema against its $schema draft (draft-07 by default)" }];
  }
  try {
    ajv.compile(definition as object);
    return [];
  } catch (e) {
    return [{ code: "InvalidJsonSchema", ...ctx, value: summarize(definition), message: `is not a valid JSON Schema: ${(e as Error).message}`, fix: "fix the schema (unknown keywords and unresolved $refs are errors)" }];
  }
}

function summarize(definition: unknown): unknown {
  const text = JSON.stringify(definition) ?? String(definition);
  return text.length > 80 ? `${text.slice(0, 77)}...` : definition;
}
