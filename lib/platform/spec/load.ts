// Reading a spec from a YAML file (or text) and the files a synth of it reads.

import { readFileSync } from "fs";
import { dirname, resolve } from "path";
import { CORE_SCHEMA, load } from "js-yaml";
import { parseDocument } from "yaml";
import { ValidationError } from "../../core";
import { sharedObjectUses } from "../../core/shared-objects";
import { parsePlatformSpec, ParseSpecOptions } from "./parse";
import { PlatformSpec } from "./schema";

/** The files a synth of `spec` (loaded from `specFile`) reads: the spec and the schema files it names. */
export function specInputFiles(spec: PlatformSpec, specFile: string): string[] {
  const baseDir = dirname(resolve(specFile));
  const schemaFiles = (spec.tenants ?? []).flatMap((t) =>
    (t.topics ?? []).flatMap((topic) => [topic.valueSchema?.file, topic.keySchema?.file].filter((f): f is string => f !== undefined).map((f) => resolve(baseDir, f))),
  );
  return [resolve(specFile), ...schemaFiles];
}

/** Read a YAML spec file and parse it. YAML syntax errors carry line and column. */
export function loadPlatformSpec(file: string): PlatformSpec {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ValidationError({
      code: "SpecNotReadable",
      scope: file,
      field: "",
      value: file,
      message: `cannot read the spec file (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      fix: "pass the path of an existing YAML spec file",
    });
  }
  return parsePlatformSpecYaml(text, file, { baseDir: dirname(resolve(file)) });
}

/** Parse YAML text as a spec; `source` names it in errors. */
export function parsePlatformSpecYaml(text: string, source = "spec", options: ParseSpecOptions = {}): PlatformSpec {
  const data = quickMapping(text);
  return parsePlatformSpec(data ?? yamlMapping(text, source), options);
}

/**
 * The spec's mapping read by js-yaml (core schema: YAML 1.2, as `yaml` reads it), about 5x faster than `yaml` on a
 * large spec (npm run bench: floe synth). Undefined for anything else: a syntax error, several documents, an empty
 * file, a value that is not a mapping, or any alias (js-yaml shares the anchor's object; `yaml` counts expansions):
 * `yaml` then reads it again and reports it with positions.
 */
function quickMapping(text: string): Record<string, unknown> | undefined {
  let data: unknown;
  try {
    data = load(text, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) return undefined;
  return text.includes("*") && sharedObjectUses([data], 0) > 0 ? undefined : (data as Record<string, unknown>);
}


/** Where a `yaml` error is: `file:line:column`, as compilers print it, or the file alone. */
function position(source: string, e: { readonly linePos?: readonly [{ line: number; col: number }, ...unknown[]] }): string {
  return e.linePos ? `${source}:${e.linePos[0].line}:${e.linePos[0].col}` : source;
}

/** The spec's mapping read by `yaml`, every problem reported with its position. */
function yamlMapping(text: string, source: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const multiple = doc.errors.find((e) => e.code === "MULTIPLE_DOCS");
  if (multiple) {
    throw new ValidationError({
      code: "MultipleYamlDocuments",
      scope: position(source, multiple),
      field: "",
      value: undefined,
      message: "holds more than one YAML document: a spec is one document",
      fix: "keep one platform spec per file (remove the '---' and what follows, or split the file)",
    });
  }
  if (doc.errors.length > 0) {
    throw new ValidationError(
      doc.errors.map((e) => ({
        code: "InvalidYaml",
        // file:line:column, as compilers print it. No value: the line may hold a credential, and no error quotes
        // a file's content.
        scope: position(source, e),
        field: "",
        value: undefined,
        // The parser's message repeats the position ("... at line 2, column 1:"): the scope says it already.
        message: e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, ""),
        fix: "fix the YAML syntax at that position",
      })),
    );
  }
  if (doc.contents === null) {
    throw new ValidationError({
      code: "EmptySpec",
      scope: source,
      field: "",
      value: undefined,
      message: "holds no spec (it is empty or only comments)",
      fix: "write a platform spec (environment, regions, tenants), e.g. from examples/platform.yaml",
    });
  }
  let data: unknown;
  try {
    // The yaml library refuses documents whose aliases expand beyond maxAliasCount (an alias bomb).
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    throw new ValidationError({
      code: "ExcessiveYamlAliases",
      scope: source,
      field: "",
      value: undefined,
      message: "expands its aliases (*name) beyond 100 uses: a spec never needs that, an attack on memory does",
      fix: "write the values out instead of aliasing aliases",
    });
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new ValidationError({
      code: "SpecNotAMapping",
      scope: source,
      field: "",
      value: Array.isArray(data) ? "(a list)" : data,
      message: "is not a mapping of spec fields (environment, regions, tenants...)",
      fix: "write the spec as a YAML mapping, e.g. from examples/platform.yaml",
    });
  }
  return data;
}
