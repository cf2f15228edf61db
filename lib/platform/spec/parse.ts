// Parsing a spec object: secrets-as-values first, then the shape (zod issues as spec-path errors), schema files, cross-references.

import { z } from "zod";
import { ValidationError, ValidationIssue } from "../../core";
import { resolveSchemas } from "../schemas/resolve";
import { applySerializationDefaults } from "../schemas/serialization";
import { checkReferences } from "./references";
import { PlatformSpec, platformSpecSchema } from "./schema";

/** `tenants[2].topics[0].partitions` from `["tenants", 2, "topics", 0, "partitions"]`. */
export function formatSpecPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function zodIssueToValidationIssue(issue: z.core.$ZodIssue, input: unknown): ValidationIssue {
  const path = issue.path;
  if (issue.code === "unrecognized_keys") {
    const parent = formatSpecPath(path);
    return {
      code: "UnknownSpecField",
      scope: parent,
      field: issue.keys.join(", "),
      value: issue.keys.length === 1 ? valueAt(input, [...path, issue.keys[0]]) : issue.keys,
      message: `is not a field of ${parent || "the spec"}`,
      fix: "remove it or correct its spelling (see docs/spec.md, the annotated spec)",
    };
  }
  const field = path.length > 0 ? String(path[path.length - 1]) : "";
  const parentPath = path.slice(0, -1);
  const scope = formatSpecPath(parentPath);
  const value = valueAt(input, path);
  let fix = "correct the value (see docs/spec.md, the annotated spec)";
  if (issue.code === "invalid_type" && value === undefined) fix = `add the required field ${field}`;
  else if (issue.code === "invalid_value" && "values" in issue) fix = `use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  else if (issue.code === "too_small") fix = `use a value of at least ${String(issue.minimum)}`;
  else if (issue.code === "too_big") fix = `use a value of at most ${String(issue.maximum)}`;
  else if (issue.code === "invalid_union") fix = "use one of the documented forms of this field (see docs/spec.md)";
  return {
    code: "InvalidSpecValue",
    scope,
    field: typeof path[path.length - 1] === "number" ? `[${String(path[path.length - 1])}]` : field,
    value,
    message: issue.message,
    fix,
  };
}

const INLINE_SECRET_KEYS = ["value", "stringData", "data", "password", "secretValue", "plaintext"];

/**
 * Secrets are references, never values: a `secrets[]` entry or source credentials carrying a value is refused
 * with its own error (before the shape check, so the message is about the secret, not about an unknown key).
 */
function inlineSecretIssues(input: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const tenants = (input as { tenants?: unknown })?.tenants;
  if (!Array.isArray(tenants)) return issues;
  const check = (obj: unknown, scope: string, fix: string) => {
    if (!obj || typeof obj !== "object") return;
    for (const key of INLINE_SECRET_KEYS) {
      if (key in (obj as Record<string, unknown>)) {
        issues.push({
          code: "InlineSecretValue",
          scope,
          field: key,
          value: "<redacted>",
          message: "a secret value in the spec would end up in git, in rendered manifests and in CI logs",
          fix,
        });
      }
    }
  };
  tenants.forEach((t: unknown, ti: number) => {
    const tenant = t as { secrets?: unknown; sources?: unknown };
    if (Array.isArray(tenant?.secrets)) {
      tenant.secrets.forEach((sec: unknown, si: number) =>
        check(sec, `tenants[${ti}].secrets[${si}]`, "store the value in AWS Secrets Manager and reference it with remoteKey (<environment>/<tenant>/<name>)"),
      );
    }
    if (Array.isArray(tenant?.sources)) {
      tenant.sources.forEach((src: unknown, si: number) =>
        check((src as { credentials?: unknown })?.credentials, `tenants[${ti}].sources[${si}].credentials`, "name a tenant secret (credentials.secret) instead"),
      );
    }
  });
  return issues;
}

/** Options of {@link parsePlatformSpec}. */
export interface ParseSpecOptions {
  /**
   * Directory that relative schema `file`s are resolved against (the spec file's directory). When given, schema
   * files must lie in it (`SchemaFileOutsideSpec`: no absolute path, no `..`, no link out of it).
   * @default - the current working directory, unconfined (a spec built in code)
   */
  readonly baseDir?: string;
}

/**
 * Parse and check a spec object (zod shape, then cross-references). Topic schema files are read (relative to
 * `baseDir`) and parsed: each schema ends up as `definition` + `type` of its reference. Throws {@link ValidationError}.
 */
export function parsePlatformSpec(input: unknown, options: ParseSpecOptions = {}): PlatformSpec {
  ValidationError.throwIfAny(inlineSecretIssues(input));
  const result = platformSpecSchema.safeParse(input, { reportInput: true });
  if (!result.success) {
    throw new ValidationError(result.error.issues.map((i) => zodIssueToValidationIssue(i, input)));
  }
  // A spec read from a file reads schema files beside it only; a spec built in code names what it likes.
  ValidationError.throwIfAny(resolveSchemas(result.data, options.baseDir ?? process.cwd(), options.baseDir !== undefined));
  applySerializationDefaults(result.data);
  ValidationError.throwIfAny(checkReferences(result.data));
  return result.data;
}
