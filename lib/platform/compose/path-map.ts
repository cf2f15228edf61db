// Construct paths to spec paths, so that a construct's validation error names what the user wrote.

import { Construct } from "constructs";
import { isValidationError, ValidationIssue } from "../../core";

/** Where a construct field comes from in the spec: a field of the construct's spec path, or a scope and field elsewhere. */
/**
 * Where a construct field is written in the spec: a field of the same spec path, or a field elsewhere. `affix` is
 * what Floe adds around the written value to name the construct (`<tenant>-` before a job's name): a name that
 * comes out too long is then reported with the written value, the derived name and how long the written one may be.
 */
export type SpecFieldTarget =
  | string
  | { readonly scope?: string; readonly field: string; readonly affix?: { readonly prefix?: string; readonly suffix?: string } };

/** An issue about a derived name, told in terms of the value written in the spec. */
function derivedNameIssue(issue: ValidationIssue, affix: { readonly prefix?: string; readonly suffix?: string }): ValidationIssue {
  const prefix = affix.prefix ?? "";
  const suffix = affix.suffix ?? "";
  const value = issue.value;
  if (issue.code !== "NameTooLong" || typeof value !== "string" || issue.limit === undefined || !value.startsWith(prefix) || !value.endsWith(suffix)) return issue;
  const own = value.slice(prefix.length, value.length - suffix.length);
  const room = issue.limit - prefix.length - suffix.length;
  const why = /\((.*)\)$/.exec(issue.message)?.[1];
  return {
    ...issue,
    value: own,
    message: `names ${JSON.stringify(value)}, ${value.length} characters, over the limit of ${issue.limit}${why ? ` (${why})` : ""}`,
    fix: room > 0 ? `shorten it to at most ${room} characters (${JSON.stringify(prefix + suffix)} takes the other ${prefix.length + suffix.length})` : `shorten the name it is derived with (${JSON.stringify(prefix + suffix)} leaves no room)`,
  };
}

/** Construct path -> spec path (and field renames), so construct errors name the spec. */
export class SpecPathMap {
  private readonly entries = new Map<string, { specPath: string; fields: Readonly<Record<string, SpecFieldTarget>> }>();

  /**
   * Record that `construct` was made from `specPath`; `fields` renames construct fields to spec fields (a field
   * that comes from elsewhere in the spec names its own scope).
   */
  public add(construct: Construct | string, specPath: string, fields: Readonly<Record<string, SpecFieldTarget>> = {}): void {
    this.entries.set(typeof construct === "string" ? construct : construct.node.path, { specPath, fields });
  }

  /** Rewrite an issue's scope (and field) to the spec path of the nearest recorded construct. */
  public toSpec(issue: ValidationIssue): ValidationIssue {
    let path = issue.scope;
    while (path) {
      const entry = this.entries.get(path);
      if (entry) {
        // The longest renamed field that is the issue's field or a parent of it.
        const key = Object.keys(entry.fields)
          .filter((k) => issue.field === k || issue.field.startsWith(`${k}.`) || issue.field.startsWith(`${k}[`))
          .sort((a, b) => b.length - a.length)[0];
        const target = key !== undefined ? entry.fields[key] : undefined;
        const rest = key !== undefined ? issue.field.slice(key.length) : "";
        if (target !== undefined && typeof target !== "string") {
          const moved = { ...issue, scope: target.scope ?? entry.specPath, field: target.field + rest };
          return target.affix && rest === "" ? derivedNameIssue(moved, target.affix) : moved;
        }
        return { ...issue, scope: entry.specPath, field: target !== undefined ? target + rest : issue.field };
      }
      const cut = path.lastIndexOf("/");
      path = cut < 0 ? "" : path.slice(0, cut);
    }
    return issue;
  }
}

/**
 * Run `build`, turning construct-time validation errors into spec-path errors.
 */
export function inSpec<T>(map: SpecPathMap, pending: ValidationIssue[], build: () => T): T | undefined {
  try {
    return build();
  } catch (e) {
    if (!isValidationError(e)) throw e;
    pending.push(...e.issues.map((i) => map.toSpec(i)));
    return undefined;
  }
}
