// Reading rendered trees: the documents of a YAML file, as floe diff and floe validate read them.

import { readdirSync } from "fs";
import { CORE_SCHEMA, loadAll, YAMLException } from "js-yaml";
import { join } from "path";
import { sharedObjectUses } from "../core/shared-objects";

/** An alias may stand for a repeated value; more than this many in one file is refused (alias bombs). */
export const MAX_ALIASES = 100;

/**
 * The documents of a YAML file (null for an empty one), parsed with js-yaml's core schema: YAML 1.2,
 * JSON-compatible values, no merge keys and no dates, what Floe writes. js-yaml 4 is the fastest parser of those
 * measured on rendered trees (npm run bench). Throws a YAMLException (with its mark) on a syntax error, and on a
 * file with more than {@link MAX_ALIASES} aliases: js-yaml gives an alias the object of its anchor, and a walk of
 * an alias bomb's expansion would not end.
 */
export function yamlDocuments(text: string): unknown[] {
  const docs = loadAll(text, undefined, { schema: CORE_SCHEMA });
  // Only a text with an anchor (`&`) can hold an alias.
  if (text.includes("&") && sharedObjectUses(docs, MAX_ALIASES) > MAX_ALIASES) throw new YAMLException(`uses more than ${MAX_ALIASES} aliases`);
  return docs;
}

/** Whether a parsed value is a mapping (an object, not an array or null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A YAML error's position (1-based) and reason. */
export function yamlErrorAt(e: unknown): { readonly line?: number; readonly column?: number; readonly reason: string } {
  if (!(e instanceof YAMLException)) return { reason: e instanceof Error ? e.message : String(e) };
  return e.mark ? { line: e.mark.line + 1, column: e.mark.column + 1, reason: e.reason } : { reason: e.reason };
}


/** Every `*.yaml`/`*.yml` file under `dir`, sorted, recursively. */
export function listYamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listYamlFiles(path));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out;
}
