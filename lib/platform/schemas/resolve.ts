// Reading and parsing the topic schema files a spec names (confined to the spec's directory when read from a file).

import { realpathSync } from "fs";
import { isAbsolute, relative, resolve, sep } from "path";
import { ValidationError, ValidationIssue } from "../../core";
import { TopicSchema } from "../../k8s/schema";
import { PlatformSpec } from "../spec/schema";
import { topicSchemaOf } from "./registry";

/** Read and parse every topic schema; set `definition` and `type` from the file. */
export function resolveSchemas(spec: PlatformSpec, baseDir: string, confined: boolean): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  (spec.tenants ?? []).forEach((tenant, ti) =>
    (tenant.topics ?? []).forEach((topic, pi) => {
      for (const which of ["valueSchema", "keySchema"] as const) {
        const ref = topic[which];
        if (!ref) continue;
        const scope = `tenants[${ti}].topics[${pi}]`;
        const mutable = ref as { file?: string; type?: "avro" | "json" | "protobuf"; definition?: unknown };
        if ((ref.file === undefined) === (ref.definition === undefined)) {
          issues.push({
            code: "SchemaSourceAmbiguous",
            scope,
            field: which,
            value: ref.file ?? "(inline)",
            message: ref.file === undefined ? "names neither a schema file nor an inline definition" : "has both a file and an inline definition",
            fix: "set exactly one of file (an .avsc, .avdl, .json or .proto file next to the spec) or definition",
          });
          continue;
        }
        try {
          if (ref.file !== undefined) {
            const path = resolve(baseDir, ref.file);
            if (confined && (isAbsolute(ref.file) || !withinDirectory(baseDir, path))) {
              issues.push({
                code: "SchemaFileOutsideSpec",
                scope,
                field: `${which}.file`,
                value: ref.file,
                message: "lies outside the spec's directory (an absolute path, a '..' or a link out of it): a spec reads only files beside it",
                fix: "put the schema file in the spec's directory (or below it) and give its relative path",
              });
              continue;
            }
            const parsed = TopicSchema.fromFile(path, { scope, field: `${which}.file` }, ref.type, ref.record);
            mutable.type = parsed.type;
            mutable.definition = parsed.definition;
          } else if (ref.type === undefined) {
            issues.push({ code: "SchemaTypeUnknown", scope, field: `${which}.type`, value: undefined, message: "an inline schema needs its language", fix: "set type: avro, json or protobuf" });
          } else {
            topicSchemaOf(ref, { scope, field: `${which}.definition` });
          }
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          issues.push(...e.issues);
        }
      }
    }),
  );
  return issues;
}

/** Whether `path` (links resolved) lies in `dir` (links resolved). */
function withinDirectory(dir: string, path: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const rel = relative(real(dir), real(path));
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
