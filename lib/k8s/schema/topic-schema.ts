import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020";
import * as avro from "avsc";
import { readFileSync } from "fs";
import { extname } from "path";
import { ValidationError, ValidationIssue } from "../../core";

/** The schema languages Floe parses (and the Schema Registry's `schemaType`). */
export type SchemaType = "avro" | "json";

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

  /** Read a schema file: `.avsc` is Avro, `.json` JSON Schema (or say which with `type`). */
  public static fromFile(path: string, ctx: SchemaContext, type?: SchemaType): TopicSchema {
    const resolved = type ?? inferType(path);
    if (!resolved) {
      throw new ValidationError({
        code: "SchemaTypeUnknown",
        ...ctx,
        value: path,
        message: "the schema language cannot be told from the file name",
        fix: "name Avro files *.avsc and JSON Schema files *.json, or set type: avro | json",
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
    this.text = JSON.stringify(definition);
  }

  /** The Schema Registry's `schemaType` (`AVRO` or `JSON`). */
  public get registryType(): "AVRO" | "JSON" {
    return this.type === "avro" ? "AVRO" : "JSON";
  }
}

function inferType(path: string): SchemaType | undefined {
  const ext = extname(path).toLowerCase();
  return ext === ".avsc" ? "avro" : ext === ".json" ? "json" : undefined;
}

/** Parse problems of a schema definition (empty when it parses). */
export function checkSchema(type: SchemaType, definition: unknown, ctx: SchemaContext): ValidationIssue[] {
  if (type === "avro") {
    try {
      avro.Type.forSchema(definition as avro.Schema);
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
  const ajv = draft2020 ? new Ajv2020(options) : new Ajv(options);
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
