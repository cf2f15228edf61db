import { IConstruct, IValidation } from "constructs";

/**
 * Everything needed to report one bad input: what rule failed, where, which field, the value and the fix.
 */
export interface ValidationIssue {
  /** Stable PascalCase code; tests and tooling match on it, so it never changes once released. */
  readonly code: string;
  /**
   * Where the bad input lives: a construct path (`prod/eu-west-1/payments/orders`) or a spec path
   * (`tenants[2].topics[0]`).
   */
  readonly scope: string;
  /** The field that holds the bad value, relative to the scope (`partitions`, `spec.replicas`). */
  readonly field: string;
  /** The offending value, as given. */
  readonly value: unknown;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** What to do about it, in one sentence. */
  readonly fix: string;
  /**
   * For `NameTooLong`: the most characters the name may have.
   * @default - none
   */
  readonly limit?: number;
  /**
   * `warning` issues are reported but do not stop a synth.
   * @default "error"
   */
  readonly severity?: "error" | "warning";
}

/** Whether an issue stops a synth. */
export function isError(issue: ValidationIssue): boolean {
  return issue.severity !== "warning";
}

/**
 * Config keys and field names that hold credentials (Kafka/JAAS, S3, TLS stores, tokens): their values are never
 * printed. Matches e.g. `sasl.jaas.config`, `fs.s3a.secret.key`, `s3.access-key`, `ssl.keystore.password`,
 * `database.password`, `apiToken`.
 */
const SECRET_KEY = /(pass(word|wd|phrase)?|secret|token|credential|jaas|private[._-]?key|access[._-]?key|api[._-]?key|auth[._-]?info|bearer)/i;

/** Text that carries a credential whatever its key: a JAAS line, `password=...`, a PEM private key. */
const SECRET_TEXT = /(LoginModule|\b(pass(word|wd)?|secret|token)\s*[=:]\s*\S|-----BEGIN [A-Z ]*PRIVATE KEY-----)/i;

/** Whether a config key or field name names a credential. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * A value as it may be shown in an error or log line: `<redacted>` where the path names a credential or the text
 * carries one; objects and arrays with such entries redacted inside.
 */
export function redactValue(value: unknown, path = ""): unknown {
  // The field path as a whole: config keys have dots of their own (`config.sasl.jaas.config`).
  if (path !== "" && isSecretKey(path) && value !== undefined && value !== "<redacted>") return "<redacted>";
  if (typeof value === "string") return SECRET_TEXT.test(value) ? "<redacted>" : value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, isSecretKey(k) && v !== undefined ? "<redacted>" : redactValue(v)]));
  }
  return value;
}

/** Render a value for an error message: short, single line, never a multi-kilobyte dump. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "(not set)";
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** The full path of a field: `scope.field`, or the one that is set. */
export function joinPath(scope: string, field: string): string {
  if (!scope) return field;
  if (!field) return scope;
  return field.startsWith("[") ? `${scope}${field}` : `${scope}.${field}`;
}

/**
 * One line per issue: `[Code] path: message (got value). Fix: fix`; without `(got ...)` when the issue has no value
 * (a missing field, a YAML syntax error).
 */
export function formatIssue(issue: ValidationIssue): string {
  const path = joinPath(issue.scope, issue.field);
  const got = issue.value === undefined ? "" : ` (got ${describeValue(redactValue(issue.value, issue.field))})`;
  return `${issue.severity === "warning" ? "warning " : ""}[${issue.code}] ${path}: ${issue.message}${got}. Fix: ${issue.fix}`;
}

/**
 * A bad input detected by Floe. Carries one or more {@link ValidationIssue}s; `code`, `scope`, `field`,
 * `value` and `fix` are those of the first issue, `issues` holds all of them (several failures of one value
 * are reported together).
 */
export class ValidationError extends Error implements ValidationIssue {
  /** Collect issues into one error, or return undefined when there are none. */
  public static of(issues: readonly ValidationIssue[]): ValidationError | undefined {
    return issues.length === 0 ? undefined : new ValidationError(issues);
  }

  /** Throw if any issue was collected. */
  public static throwIfAny(issues: readonly ValidationIssue[]): void {
    const error = ValidationError.of(issues);
    if (error) throw error;
  }

  public readonly code: string;
  public readonly scope: string;
  public readonly field: string;
  public readonly value: unknown;
  public readonly fix: string;
  public readonly issues: readonly ValidationIssue[];

  constructor(issues: ValidationIssue | readonly ValidationIssue[]) {
    // Values that are (or carry) credentials are redacted here, so no consumer of the error can print them.
    const list: readonly ValidationIssue[] = (Array.isArray(issues) ? issues : [issues as ValidationIssue]).map((i) => {
      const value = redactValue(i.value, i.field);
      return value === i.value ? i : { ...i, value };
    });
    if (list.length === 0) throw new RangeError("ValidationError needs at least one issue");
    const first = list[0];
    super(
      list.length === 1
        ? formatIssue(first)
        : `${list.length} validation errors:\n${list.map((i) => `  - ${formatIssue(i)}`).join("\n")}`,
    );
    this.name = "ValidationError";
    this.code = first.code;
    this.scope = first.scope;
    this.field = first.field;
    this.value = first.value;
    this.fix = first.fix;
    this.issues = list;
  }
}

/** Type guard that survives module duplication (two copies of floe-platform in one node_modules tree). */
export function isValidationError(e: unknown): e is ValidationError {
  return e instanceof ValidationError || (e instanceof Error && e.name === "ValidationError" && Array.isArray((e as ValidationError).issues));
}

const FLOE_VALIDATIONS = new WeakMap<IConstruct, Array<() => ValidationIssue[]>>();
/** While collectIssues runs the structured checks itself, the string wrappers stay silent (no double work). */
let collecting = false;

/**
 * Constructs whose Floe checks already ran in a whole-tree validation that found no error, per tree root: their own
 * `node.validate()` call of the same pass returns nothing instead of checking the tree again (cdk8s calls it once per
 * construct).
 */
const COVERED = new WeakMap<IConstruct, Set<IConstruct>>();

/**
 * Register a validation that runs at synth (cross-construct invariants). It is registered with
 * `node.addValidation`, so plain cdk8s `app.synth()` runs it too: the first Floe construct cdk8s validates checks the
 * whole tree and throws a {@link ValidationError} with every error of it (code, path, value, fix; other libraries'
 * validation messages as `ConstructValidation`), where cdk8s alone would throw a plain `Error` of strings. Floe's
 * renderer reads the structured issues through {@link collectIssues}.
 */
export function addFloeValidation(scope: IConstruct, check: () => ValidationIssue[]): void {
  const list = FLOE_VALIDATIONS.get(scope) ?? [];
  list.push(check);
  FLOE_VALIDATIONS.set(scope, list);
  if (list.length > 1) return; // one validation per construct checks all of its checks (and the tree's)
  const validation: IValidation = {
    validate: () => {
      if (collecting) return [];
      const root = scope.node.root;
      const covered = COVERED.get(root);
      if (covered?.delete(scope)) return [];
      const issues = collectIssues(root);
      ValidationError.throwIfAny(issues.filter(isError));
      COVERED.set(root, new Set(root.node.findAll().filter((c) => c !== scope && FLOE_VALIDATIONS.has(c))));
      return [];
    },
  };
  scope.node.addValidation(validation);
}

/**
 * Run every validation in the tree under `root` once and return the issues, structured. Validations added
 * by other libraries (plain strings) are reported with code `ConstructValidation`.
 */
export function collectIssues(root: IConstruct): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const c of root.node.findAll()) {
    for (const check of FLOE_VALIDATIONS.get(c) ?? []) issues.push(...check());
    collecting = true;
    let others: string[];
    try {
      others = c.node.validate();
    } finally {
      collecting = false;
    }
    for (const message of others) {
      issues.push({
        code: "ConstructValidation",
        scope: c.node.path,
        field: "",
        value: undefined,
        message,
        fix: "see the construct's documentation",
      });
    }
  }
  return issues;
}
