import { Environment as CelEnvironment } from "@marcbachmann/cel-js";
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import type { RegExpEngine } from "ajv/dist/types";
import { existsSync, readFileSync, statSync } from "fs";
import { delimiter, relative, resolve } from "path";
import { RE2JS } from "re2js";
import { isPlainObject, listYamlFiles, yamlDocuments, yamlErrorAt } from "./yaml-documents";

export { listYamlFiles };
import { checkDnsLabel, checkDnsSubdomain, ValidationError } from "../core";

/** One schema violation of one object. */
export interface Violation {
  /** File the object came from (relative to the validated directory), or `-` for in-memory objects. */
  readonly file: string;
  /** `Kind/namespace/name` of the object. */
  readonly object: string;
  /** JSON path of the bad field (`spec.kafka.listeners[0].port`), empty for the object itself. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
}

/** A problem found at `path` of one object. */
export interface SchemaProblem {
  /** JSON path of the bad field. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
}

type JsonSchema = { [key: string]: unknown };

interface CoreModel {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructors take kind-specific data
  new (data: any): { validate(): void };
}

/**
 * Core kinds Floe renders or may render (`apiVersion/Kind`), validated with `kubernetes-models`: each model's module
 * (`kubernetes-models/<apiVersion>/<Kind>`, the package's per-model export) is loaded when an object of its kind is
 * first validated. The group indexes load every model of the group, about 0.5 s of start-up for apps/v1 and v1 alone.
 */
const CORE_KINDS: ReadonlySet<string> = new Set([
  "v1/Namespace",
  "v1/ConfigMap",
  "v1/Secret",
  "v1/ServiceAccount",
  "v1/Service",
  "v1/ResourceQuota",
  "v1/LimitRange",
  "v1/PersistentVolumeClaim",
  "apps/v1/Deployment",
  "apps/v1/StatefulSet",
  "batch/v1/Job",
  "batch/v1/CronJob",
  "networking.k8s.io/v1/NetworkPolicy",
  "policy/v1/PodDisruptionBudget",
  "rbac.authorization.k8s.io/v1/Role",
  "rbac.authorization.k8s.io/v1/RoleBinding",
  "rbac.authorization.k8s.io/v1/ClusterRole",
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
]);

const loadedModels = new Map<string, CoreModel>();

/** The kubernetes-models class of a core kind (`apps/v1/Deployment`), loaded once. */
function coreModel(key: string): CoreModel | undefined {
  if (!CORE_KINDS.has(key)) return undefined;
  let model = loadedModels.get(key);
  if (!model) {
    const kind = key.slice(key.lastIndexOf("/") + 1);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module per kind, loaded when first needed
    model = (require(`kubernetes-models/${key}`) as Record<string, CoreModel>)[kind];
    loadedModels.set(key, model);
  }
  return model;
}

/** The schema's problems of an object: what the model's compiled validator reports for it. */
function modelErrors(e: unknown): SchemaProblem[] {
  const errors = (e as { errors?: ErrorObject[] }).errors;
  return errors ? ajvProblems(errors) : [{ path: "", message: String((e as Error).message) }];
}

/** Shapes of one core kind whose undeclared fields are kept; an object of another shape takes the proxied run. */
const MAX_CORE_SHAPES = 256;

/**
 * The schema's problems of a core object, and the fields it does not declare. Which fields the validator reads
 * depends on the object's shape ({@link shapeKey}) only, so the undeclared fields found by the proxied run of
 * {@link coreModelProblems} for a shape with no schema error are kept in `byShape`, and an object of a known shape
 * is validated without proxies (the proxied run was half of the validation of the core kinds; npm run bench).
 */
function coreProblems(model: CoreModel, obj: Record<string, unknown>, byShape: Map<string, readonly SchemaProblem[]>): SchemaProblem[] {
  const shape = shapeKey(undefined, obj);
  const undeclared = byShape.get(shape);
  if (undeclared) {
    try {
      (model.prototype as { validate(this: unknown): void }).validate.call(obj);
      return [...undeclared];
    } catch (e) {
      return [...modelErrors(e), ...undeclared];
    }
  }
  const found = coreModelProblems(model, obj);
  if (found.schema.length === 0 && byShape.size < MAX_CORE_SHAPES) byShape.set(shape, found.undeclared);
  return [...found.schema, ...found.undeclared];
}

/**
 * The schema's problems of a core object, and the fields it does not declare. The API server's strict field validation refuses
 * them (`field not declared in schema`) while the `kubernetes-models` schemas let them through. The compiled
 * validator reads every property its schema declares (`data.<name>`, present or not) and enumerates the keys of
 * maps (`additionalProperties`: labels, ConfigMap data, resource lists): run on a proxy, any key of a plain
 * object that it neither read nor enumerated is undeclared. (The kinds' OpenAPI schemas themselves are not
 * shipped by any package Floe can depend on.)
 */
function coreModelProblems(model: CoreModel, obj: Record<string, unknown>): { schema: SchemaProblem[]; undeclared: SchemaProblem[] } {
  const read = new Map<object, Set<string>>();
  const enumerated = new Set<object>();
  const paths = new Map<object, string>();
  const proxies = new WeakMap<object, object>();
  const wrap = (target: object, path: string): object => {
    paths.set(target, path);
    let proxy = proxies.get(target);
    if (!proxy) {
      proxy = new Proxy(target, {
        get(t, k, receiver) {
          const value = Reflect.get(t, k, receiver);
          if (typeof k !== "string") return value;
          if (!read.has(t)) read.set(t, new Set());
          read.get(t)!.add(k);
          if (value && typeof value === "object") {
            const child = Array.isArray(t) ? `${paths.get(t)}[${k}]` : paths.get(t) ? `${paths.get(t)}.${k}` : k;
            return wrap(value as object, child);
          }
          return value;
        },
        ownKeys(t) {
          enumerated.add(t);
          return Reflect.ownKeys(t);
        },
      });
      proxies.set(target, proxy);
    }
    return proxy;
  };
  const schema: SchemaProblem[] = [];
  try {
    // The model's validate() runs its compiled schema on `this` (setValidateFunc in @kubernetes-models/base): one
    // run gives both the schema's errors and the reads.
    (model.prototype as { validate(this: unknown): void }).validate.call(wrap(obj, ""));
  } catch (e) {
    schema.push(...modelErrors(e));
  }
  const undeclared: SchemaProblem[] = [];
  for (const [target, path] of paths) {
    if (Array.isArray(target) || enumerated.has(target)) continue;
    for (const key of Object.keys(target)) {
      if (!read.get(target)?.has(key)) undeclared.push({ path: path ? `${path}.${key}` : key, message: "field not declared in schema" });
    }
  }
  return { schema, undeclared };
}

/**
 * CRD `pattern`s are Go RE2, as the API server evaluates them (apiextensions-apiserver, Go's regexp): inline
 * flags such as `(?i)` (External Secrets' CRDs) are not JavaScript. re2js is a port of RE2 to JavaScript; Ajv
 * runs it in place of `new RegExp` (its `code.regExp` option), unanchored like the API server's MatchString.
 */
const RE2_CACHE = new Map<string, RE2JS>();
function re2Compiled(pattern: string): RE2JS {
  let compiled = RE2_CACHE.get(pattern);
  if (!compiled) {
    compiled = RE2JS.compile(pattern);
    RE2_CACHE.set(pattern, compiled);
  }
  return compiled;
}
const re2: RegExpEngine = Object.assign(
  (pattern: string) => {
    const re = re2Compiled(pattern);
    // Ajv keeps one instance per distinct `toString()` (vocabularies/code.js, usePattern): it must name the pattern.
    return { test: (value: string) => re.matcher(value).find(), toString: () => `re2:${pattern}` };
  },
  { code: 're2js: RE2JS.compile(pattern).matcher(value).find()' },
);

/** Kinds that are cluster-scoped (they carry no namespace). */
const CLUSTER_SCOPED = new Set(["v1/Namespace", "rbac.authorization.k8s.io/v1/ClusterRole", "rbac.authorization.k8s.io/v1/ClusterRoleBinding"]);

/**
 * Make a CRD's structural schema strict, as the API server's pruning is silent: every object schema that lists
 * `properties` (and does not preserve unknown fields) refuses other fields; `x-kubernetes-int-or-string`
 * becomes `integer | string`. Inside `oneOf`/`anyOf`/`allOf`/`not` the schemas are value validations only
 * (Kubernetes declares fields in the structural part), so they are not closed.
 */
export function strictSchema(schema: JsonSchema, valueValidation = false): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && value && typeof value === "object") {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, strictSchema(v, valueValidation)]),
      );
    } else if ((key === "items" || key === "additionalProperties") && value && typeof value === "object") {
      out[key] = strictSchema(value as JsonSchema, valueValidation);
    } else if (key === "not" && value && typeof value === "object") {
      out[key] = strictSchema(value as JsonSchema, true);
    } else if ((key === "oneOf" || key === "anyOf" || key === "allOf") && Array.isArray(value)) {
      out[key] = value.map((v) => strictSchema(v as JsonSchema, true));
    } else {
      out[key] = value;
    }
  }
  if (out["x-kubernetes-int-or-string"] === true && out.type === undefined) {
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (!valueValidation && out.properties && out.additionalProperties === undefined && out["x-kubernetes-preserve-unknown-fields"] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

function jsonPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (extra !== undefined) parts.push(extra);
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function ajvProblems(errors: readonly ErrorObject[] | null | undefined): SchemaProblem[] {
  return (errors ?? []).map((e) => {
    if (e.keyword === "additionalProperties") {
      const field = String((e.params as { additionalProperty: string }).additionalProperty);
      return { path: jsonPath(e.instancePath, field), message: "unknown field (the API server would silently drop it)" };
    }
    if (e.keyword === "enum") {
      return { path: jsonPath(e.instancePath), message: `${e.message}: ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}` };
    }
    if (e.keyword === "required") {
      return { path: jsonPath(e.instancePath, String((e.params as { missingProperty: string }).missingProperty)), message: "is required" };
    }
    return { path: jsonPath(e.instancePath), message: e.message ?? e.keyword };
  });
}

/** One CEL rule (`x-kubernetes-validations`) and where it applies: a path of property names, `[]` for items. */
interface CelRule {
  readonly at: readonly string[];
  readonly rule: string;
  readonly message?: string;
}

/** The CEL rules of a schema, with the instance path each applies to. Transition rules (`oldSelf`) are left out. */
export function collectCelRules(schema: JsonSchema, at: readonly string[] = []): CelRule[] {
  const rules: CelRule[] = [];
  const own = schema["x-kubernetes-validations"];
  if (Array.isArray(own)) {
    for (const r of own as Array<{ rule: string; message?: string }>) {
      if (!r.rule.includes("oldSelf")) rules.push({ at, rule: r.rule, message: r.message });
    }
  }
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  for (const [k, v] of Object.entries(props ?? {})) rules.push(...collectCelRules(v, [...at, k]));
  if (schema.items && typeof schema.items === "object") rules.push(...collectCelRules(schema.items as JsonSchema, [...at, "[]"]));
  return rules;
}

function instancesAt(value: unknown, at: readonly string[], path: string): Array<{ value: unknown; path: string }> {
  if (at.length === 0) return [{ value, path }];
  const [head, ...rest] = at;
  if (head === "[]") {
    return Array.isArray(value) ? value.flatMap((v, i) => instancesAt(v, rest, `${path}[${i}]`)) : [];
  }
  if (!value || typeof value !== "object" || Array.isArray(value) || !(head in value)) return [];
  return instancesAt((value as Record<string, unknown>)[head], rest, path ? `${path}.${head}` : head);
}

/**
 * CEL as the API server evaluates CRD rules, with the Kubernetes regex library (k8s.io/apiserver
 * pkg/cel/library/regex.go: `string.find(regex)`, `string.findAll(regex)`, `string.findAll(regex, limit)`, RE2
 * semantics), which Karpenter's NodePool rules use.
 */
const CEL = new CelEnvironment({ unlistedVariablesAreDyn: true })
  .registerFunction("string.find(string): string", (s: string, pattern: string) => {
    const m = re2Compiled(pattern).matcher(s);
    return m.find() ? m.group(0) ?? "" : "";
  })
  .registerFunction("string.findAll(string): list<string>", (s: string, pattern: string) => findAll(s, pattern, -1))
  .registerFunction("string.findAll(string, int): list<string>", (s: string, pattern: string, limit: bigint) => findAll(s, pattern, Number(limit)));

function findAll(s: string, pattern: string, limit: number): string[] {
  const out: string[] = [];
  const m = re2Compiled(pattern).matcher(s);
  while ((limit < 0 || out.length < limit) && m.find()) out.push(m.group(0) ?? "");
  return out;
}

/** Each rule parsed once (a parse error kept and thrown again): parsing it for every object was most of validate. */
const CEL_PROGRAMS = new Map<string, ReturnType<typeof CEL.parse> | Error>();

function evaluateCel(rule: string, context: Record<string, unknown>): unknown {
  let program = CEL_PROGRAMS.get(rule);
  if (program === undefined) {
    try {
      program = CEL.parse(rule);
    } catch (e) {
      program = e instanceof Error ? e : new Error(String(e));
    }
    CEL_PROGRAMS.set(rule, program);
  }
  if (program instanceof Error) throw program;
  return program(context);
}

/** Evaluate CEL rules the way the API server does: on every value present at the rule's path. */
function celProblems(rules: readonly CelRule[], obj: unknown): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const r of rules) {
    for (const { value, path } of instancesAt(obj, r.at, "")) {
      let ok: unknown;
      try {
        ok = evaluateCel(r.rule, { self: value });
      } catch (e) {
        ok = false;
        if (!(e instanceof Error) || !/No such key/.test(e.message)) {
          problems.push({ path, message: `CEL rule could not be evaluated (${r.rule}): ${String((e as Error).message).split("\n")[0]}` });
          continue;
        }
      }
      if (ok !== true) problems.push({ path, message: r.message ?? `failed rule: ${r.rule}` });
    }
  }
  return problems;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

function metadataProblems(obj: Record<string, unknown>, clusterScoped: boolean): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const metadata = obj.metadata as Record<string, unknown> | undefined;
  if (!metadata || typeof metadata !== "object") return [{ path: "metadata", message: "is required" }];
  const name = metadata.name;
  if (typeof name !== "string") problems.push({ path: "metadata.name", message: "is required" });
  else {
    const check = clusterScoped && obj.kind === "Namespace" ? checkDnsLabel : checkDnsSubdomain;
    problems.push(...check(name, { scope: "", field: "metadata.name" }).map((i) => ({ path: "metadata.name", message: i.message })));
  }
  if (clusterScoped && metadata.namespace !== undefined) {
    problems.push({ path: "metadata.namespace", message: "must not be set on a cluster-scoped object" });
  }
  if (!clusterScoped) {
    if (typeof metadata.namespace !== "string") {
      problems.push({ path: "metadata.namespace", message: "is required: Floe renders every namespaced object with its namespace" });
    } else {
      problems.push(
        ...checkDnsLabel(metadata.namespace, { scope: "", field: "metadata.namespace" }).map((i) => ({
          path: "metadata.namespace",
          message: i.message,
        })),
      );
    }
  }
  const labels = (metadata.labels ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(labels)) {
    if (!LABEL_KEY.test(k)) problems.push({ path: `metadata.labels.${k}`, message: "is not a valid label key" });
    if (typeof v !== "string" || !LABEL_VALUE.test(v)) {
      problems.push({ path: `metadata.labels.${k}`, message: "label values are strings of at most 63 letters, digits, '-', '_' or '.', alphanumeric at both ends" });
    }
  }
  return problems;
}

/**
 * Schemas of the kinds Floe renders: the served versions of the CRDs found in a directory (compiled lazily,
 * made strict), and `kubernetes-models` for core kinds.
 */
export class SchemaRegistry {
  /** Load every CustomResourceDefinition in `dir` (recursively, `*.yaml`/`*.yml`). */
  public static fromDirectory(dir: string): SchemaRegistry {
    return SchemaRegistry.fromDirectories([dir]);
  }

  /**
   * Load every CustomResourceDefinition in each of `dirs` (recursively, `*.yaml`/`*.yml`): e.g. the operators'
   * CRDs and the ecosystem's (External Secrets, prometheus-operator). A kind defined twice with different
   * schemas is an error naming both files.
   */
  public static fromDirectories(dirs: readonly string[]): SchemaRegistry {
    if (dirs.length === 0) {
      throw new ValidationError({ code: "CrdDirectoryNotFound", scope: "crds", field: "", value: [], message: "no CRD directory given", fix: CRD_DIR_FIX });
    }
    const registry = new SchemaRegistry();
    for (const dir of dirs) {
      const root = resolve(dir);
      if (!existsSync(root) || !statSync(root).isDirectory()) {
        throw new ValidationError({ code: "CrdDirectoryNotFound", scope: "crds", field: "", value: dir, message: "the CRD directory does not exist", fix: CRD_DIR_FIX });
      }
      let found = 0;
      for (const file of listYamlFiles(root)) {
        let docs: unknown[];
        try {
          docs = yamlDocuments(readFileSync(file, "utf8"));
        } catch (e) {
          const { line, column, reason } = yamlErrorAt(e);
          throw new ValidationError({ code: "InvalidCrdFile", scope: "crds", field: line !== undefined ? `line ${line}, column ${column}` : "", value: file, message: `is not valid YAML (${reason})`, fix: CRD_DIR_FIX });
        }
        for (const doc of docs) {
          const crd = doc as Record<string, any> | null;
          if (!crd || crd.kind !== "CustomResourceDefinition") continue;
          found++;
          const group: string = crd.spec.group;
          const kind: string = crd.spec.names.kind;
          const scope: string = crd.spec.scope;
          for (const v of crd.spec.versions as Array<Record<string, any>>) {
            if (!v.served || !v.schema?.openAPIV3Schema) continue;
            const key = `${group}/${v.name}/${kind}`;
            const known = registry.crds.get(key);
            if (known && JSON.stringify(known.schema) !== JSON.stringify(v.schema.openAPIV3Schema)) {
              throw new ValidationError({
                code: "ConflictingCrds",
                scope: "crds",
                field: "",
                value: [known.file, file],
                message: `${key} is defined twice, with different schemas`,
                fix: "pass CRD directories that hold each operator's CRDs once, at the versions you deploy",
              });
            }
            registry.crds.set(key, { schema: v.schema.openAPIV3Schema, clusterScoped: scope === "Cluster", file });
          }
        }
      }
      if (found === 0) {
        throw new ValidationError({
          code: "NoCrdsFound",
          scope: "crds",
          field: "",
          value: dir,
          message: "the directory holds no CustomResourceDefinition",
          fix: "point it at the Strimzi and Flink operator CRDs and the ecosystem's (../shared/crds and ../shared/crds-ecosystem, or `npm run crds:fetch`)",
        });
      }
    }
    return registry;
  }

  private readonly crds = new Map<string, { schema: JsonSchema; clusterScoped: boolean; file: string }>();
  private readonly kinds = new Map<string, CompiledKind>();
  /** Per core kind, the undeclared fields of each shape met with no schema error (coreProblems). */
  private readonly coreShapes = new Map<string, Map<string, readonly SchemaProblem[]>>();
  private readonly ajv = newAjv();

  private constructor() {}

  /** `group/version/Kind` keys of the CRDs known. */
  public get customKinds(): string[] {
    return [...this.crds.keys()].sort();
  }

  /** Validate one object; an empty list means valid. */
  public validate(obj: unknown): SchemaProblem[] {
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) return [{ path: "", message: "is not an object" }];
    const o = obj as Record<string, unknown>;
    if (typeof o.apiVersion !== "string" || typeof o.kind !== "string") {
      return [{ path: "", message: "has no apiVersion/kind" }];
    }
    const key = `${o.apiVersion}/${o.kind}`;
    const model = coreModel(key);
    if (model) {
      let byShape = this.coreShapes.get(key);
      if (!byShape) this.coreShapes.set(key, (byShape = new Map()));
      return [...metadataProblems(o, CLUSTER_SCOPED.has(key)), ...coreProblems(model, o, byShape)];
    }
    const crd = this.crds.get(key);
    if (!crd) {
      return [{ path: "", message: `no schema for ${key}: neither a core kind Floe knows nor a CRD in the CRD directories (add the operator's CRDs: ${CRD_DIR_FIX})` }];
    }
    let kind = this.kinds.get(key);
    if (!kind) {
      kind = new CompiledKind(this.ajv, crd.schema);
      this.kinds.set(key, kind);
    }
    const validate = kind.validatorFor(o);
    const problems = metadataProblems(o, crd.clusterScoped);
    if (!validate(o)) problems.push(...ajvProblems(validate.errors));
    else problems.push(...celProblems(kind.rules, o));
    return problems;
  }
}

/**
 * The Ajv that compiles CRD schemas: every error, Go RE2 patterns, formats not checked (the API server checks few),
 * no code optimisation pass (it took most of the compile time of the Strimzi and Flink schemas, npm run bench: floe
 * validate) and no check of the schemas against the meta-schema (the API server has accepted them).
 */
export function newAjv(): Ajv {
  return new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: re2, optimize: false }, validateSchema: false });
}

/**
 * A CRD's schema as Floe validates objects against it (before {@link strictSchema}): the API server always accepts
 * apiVersion/kind/metadata at the root, declared or not (the Flink CRDs do not declare them); metadata is checked by
 * metadataProblems.
 */
export function crdObjectSchema(crdSchema: JsonSchema): JsonSchema {
  return {
    ...crdSchema,
    properties: { apiVersion: { type: "string" }, kind: { type: "string" }, ...(crdSchema.properties as Record<string, JsonSchema>), metadata: { type: "object" } },
  };
}

/** Distinct shapes of one kind compiled each on its own; past this many, the kind's whole schema is compiled once. */
const MAX_SHAPES = 32;
/** A schema of at most this many object schemas compiles in a few milliseconds: it is compiled whole, at once. */
const SMALL_SCHEMA = 60;

/**
 * One CRD kind's validators. A CRD schema can be large (the Flink and Strimzi ones carry whole pod templates: 2,000
 * to 5,000 object schemas) while an object uses a small part of it: compiling the whole schema was most of `floe
 * validate` (0.9 s of Ajv code generation on the kinds Floe renders). For a large schema a validator is compiled
 * for each shape of object met (the fields present, {@link shapeKey}) from the schema cut down to those fields
 * ({@link schemaForShape}), made strict afterwards. It validates that object exactly as the whole schema does: a
 * keyword under a field the object does not have never runs.
 */
class CompiledKind {
  public readonly rules: CelRule[];
  private readonly schema: JsonSchema;
  private readonly byShape = new Map<string, ValidateFunction>();
  private whole?: ValidateFunction;

  constructor(
    private readonly ajv: Ajv,
    crdSchema: JsonSchema,
  ) {
    this.schema = crdObjectSchema(crdSchema);
    this.rules = collectCelRules(crdSchema);
    if (schemaNodes(crdSchema) <= SMALL_SCHEMA) this.whole = this.ajv.compile(strictSchema(this.schema));
  }

  public validatorFor(obj: Record<string, unknown>): ValidateFunction {
    if (this.whole) return this.whole;
    const shape = shapeKey(this.schema, obj);
    let validate = this.byShape.get(shape);
    if (!validate) {
      if (this.byShape.size >= MAX_SHAPES) {
        this.whole = this.ajv.compile(strictSchema(this.schema));
        return this.whole;
      }
      validate = this.ajv.compile(strictSchema(schemaForShape(this.schema, [obj])));
      this.byShape.set(shape, validate);
    }
    return validate;
  }
}

/** How many object schemas a schema holds (under properties, items, additionalProperties and the combinators). */
function schemaNodes(schema: JsonSchema): number {
  let n = 1;
  for (const v of Object.values(subschema(schema.properties) ?? {})) if (isPlainObject(v)) n += schemaNodes(v);
  for (const key of ["items", "additionalProperties", "not"]) if (subschema(schema[key])) n += schemaNodes(schema[key] as JsonSchema);
  for (const c of ["oneOf", "anyOf", "allOf"]) if (Array.isArray(schema[c])) for (const v of schema[c] as unknown[]) if (isPlainObject(v)) n += schemaNodes(v);
  return n;
}

const subschema = (v: unknown): JsonSchema | undefined => (isPlainObject(v) ? v : undefined);
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** A schema that names its values' fields (not a plain map, and no combinator that could name them). */
function isMapSchema(schema: JsonSchema | undefined): schema is JsonSchema & { additionalProperties: JsonSchema } {
  return !!schema && subschema(schema.additionalProperties) !== undefined && schema.properties === undefined && !schema.oneOf && !schema.anyOf && !schema.allOf && !schema.not;
}

/**
 * The shape of `value` that {@link schemaForShape} depends on: the fields present at each level, the
 * distinct shapes of an array's items and of a map's values (a map's keys do not change the cut schema). Two
 * values with the same key have the same cut schema.
 */
export function shapeKey(schema: JsonSchema | undefined, value: unknown): string {
  if (typeof value !== "object" || value === null) return "";
  if (Array.isArray(value)) return `[${distinctShapes(schema === undefined ? undefined : subschema(schema.items), value)}]`;
  if (schema !== undefined && isMapSchema(schema)) return `{*${distinctShapes(schema.additionalProperties, Object.values(value))}}`;
  const props = schema === undefined ? undefined : subschema(schema.properties);
  const rest = schema === undefined ? undefined : subschema(schema.additionalProperties);
  let out = "{";
  // A name is written with its length first: no name can run into the next.
  for (const k in value) {
    if (!hasOwn(value, k)) continue;
    const sub = props !== undefined && hasOwn(props, k) ? subschema(props[k]) : rest;
    out += `${k.length}:${k}${shapeKey(sub, (value as Record<string, unknown>)[k])},`;
  }
  return `${out}}`;
}

/** The distinct shapes of `values`, sorted, joined with `|`. */
function distinctShapes(schema: JsonSchema | undefined, values: readonly unknown[]): string {
  if (values.length === 0) return "";
  const first = shapeKey(schema, values[0]);
  let seen: Set<string> | undefined;
  for (let i = 1; i < values.length; i++) {
    const shape = shapeKey(schema, values[i]);
    if (shape !== first) (seen ??= new Set([first])).add(shape);
  }
  return seen === undefined ? first : [...seen].sort().join("|");
}

/**
 * `schema` cut down to the fields some of `values` have: each `properties` keeps the fields present (and its
 * `required`, so a missing field is still reported); `items`, `additionalProperties` and the combinators are cut to
 * the values they apply to. Ajv runs a property's schema only when the field is present, so every value of this
 * shape gets the same errors from the cut schema as from the whole one.
 */
export function schemaForShape(schema: JsonSchema, values: readonly unknown[]): JsonSchema {
  const out: JsonSchema = { ...schema };
  const objects = values.filter(isPlainObject);
  const props = subschema(schema.properties);
  if (props) {
    const kept: JsonSchema = {};
    for (const [k, sub] of Object.entries(props)) {
      const present = objects.filter((o) => hasOwn(o, k)).map((o) => o[k]);
      if (present.length > 0 && isPlainObject(sub)) kept[k] = schemaForShape(sub, present);
    }
    out.properties = kept;
  }
  const rest = subschema(schema.additionalProperties);
  if (rest) out.additionalProperties = schemaForShape(rest, objects.flatMap((o) => Object.keys(o).filter((k) => !props || !hasOwn(props, k)).map((k) => o[k])));
  const items = subschema(schema.items);
  if (items) out.items = schemaForShape(items, values.filter(Array.isArray).flat());
  for (const c of ["oneOf", "anyOf", "allOf"] as const) {
    if (Array.isArray(schema[c])) out[c] = (schema[c] as unknown[]).map((s) => (isPlainObject(s) ? schemaForShape(s, values) : s));
  }
  const not = subschema(schema.not);
  if (not) out.not = schemaForShape(not, values);
  return out;
}

const CRD_DIR_FIX =
  "pass --crds DIR (once per folder), set FLOE_CRD_DIR (folders separated by ':'), or run `npm run crds:fetch` to download the pinned CRDs into .floe/crds";

/** The CRD directory: the explicit one, else `$FLOE_CRD_DIR` (its first folder), else `.floe/crds`. */
export function resolveCrdDir(explicit?: string): string {
  return resolveCrdDirs(explicit !== undefined ? [explicit] : undefined)[0];
}

/**
 * The CRD directories: the explicit ones, else `$FLOE_CRD_DIR` (folders separated by the platform's path
 * delimiter, `:` on Linux), else `.floe/crds`.
 */
export function resolveCrdDirs(explicit?: readonly string[]): string[] {
  if (explicit && explicit.length > 0) return [...explicit];
  const env = (process.env.FLOE_CRD_DIR ?? "").split(delimiter).filter((d) => d.length > 0);
  return env.length > 0 ? env : [".floe/crds"];
}

/** `Kind/namespace/name` (or `Kind/name`) of a manifest, for messages. */
export function objectId(obj: unknown): string {
  const o = (obj ?? {}) as { kind?: string; metadata?: { name?: string; namespace?: string } };
  return [o.kind ?? "?", o.metadata?.namespace, o.metadata?.name ?? "?"].filter(Boolean).join("/");
}

/** Validate in-memory objects. */
export function validateObjects(registry: SchemaRegistry, objects: readonly unknown[], file = "-"): Violation[] {
  return objects.flatMap((obj) => registry.validate(obj).map((p) => ({ file, object: objectId(obj), ...p })));
}

/** Validate every `*.yaml`/`*.yml` file under `dir` (YAML syntax errors are violations too). */
export function validateDirectory(registry: SchemaRegistry, dir: string): { files: number; objects: number; violations: Violation[] } {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new ValidationError({
      code: "ManifestDirectoryNotFound",
      scope: "validate",
      field: "DIR",
      value: dir,
      message: "the directory to validate does not exist",
      fix: "run `floe synth <spec> --out DIR` first, or pass the directory synth wrote",
    });
  }
  const violations: Violation[] = [];
  let objects = 0;
  const files = listYamlFiles(root);
  for (const path of files) {
    const file = relative(root, path);
    let docs: unknown[];
    try {
      docs = yamlDocuments(readFileSync(path, "utf8"));
    } catch (e) {
      const { line, column, reason } = yamlErrorAt(e);
      violations.push({ file, object: "-", path: "", message: `YAML error: ${reason}${line !== undefined ? ` at line ${line}, column ${column}` : ""}` });
      continue;
    }
    for (const obj of docs) {
      if (obj === null || obj === undefined) continue;
      objects++;
      violations.push(...validateObjects(registry, [obj], file));
    }
  }
  return { files: files.length, objects, violations };
}
