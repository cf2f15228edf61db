import { Chart, Testing } from "cdk8s";
import { Construct } from "constructs";
import { addFloeValidation, collectIssues, describeValue, formatIssue, isValidationError, ValidationError, ValidationIssue } from "../../lib/internal";

const issue: ValidationIssue = {
  code: "InvalidPartitions",
  scope: "tenants[2].topics[0]",
  field: "partitions",
  value: 0,
  message: "must be a whole number, 1 or more",
  fix: "set partitions to e.g. 3",
};

describe("ValidationError", () => {
  test("carries code, scope, field, value and fix of the first issue, and names the full path", () => {
    const e = new ValidationError(issue);
    expect(e.code).toBe("InvalidPartitions");
    expect(e.scope).toBe("tenants[2].topics[0]");
    expect(e.field).toBe("partitions");
    expect(e.value).toBe(0);
    expect(e.fix).toBe("set partitions to e.g. 3");
    expect(e.message).toBe(
      "[InvalidPartitions] tenants[2].topics[0].partitions: must be a whole number, 1 or more (got 0). Fix: set partitions to e.g. 3",
    );
    expect(isValidationError(e)).toBe(true);
    expect(isValidationError(new Error("x"))).toBe(false);
  });

  test("collects several issues into one message", () => {
    const e = new ValidationError([issue, { ...issue, code: "Other", field: "replicas" }]);
    expect(e.issues).toHaveLength(2);
    expect(e.message).toMatch(/^2 validation errors:\n  - \[InvalidPartitions\].*\n  - \[Other\] tenants\[2\]\.topics\[0\]\.replicas/);
  });

  test("of() and throwIfAny() do nothing without issues", () => {
    expect(ValidationError.of([])).toBeUndefined();
    expect(() => ValidationError.throwIfAny([])).not.toThrow();
    expect(() => ValidationError.throwIfAny([issue])).toThrow(ValidationError);
    expect(() => new ValidationError([])).toThrow(RangeError);
  });

  test("index fields join without a dot, long values are cut", () => {
    expect(formatIssue({ ...issue, scope: "regions", field: "[3]" })).toContain("regions[3]:");
    expect(describeValue("x".repeat(500))).toHaveLength(120);
    expect(describeValue(undefined)).toBe("(not set)");
    expect(formatIssue({ ...issue, severity: "warning" })).toMatch(/^warning \[InvalidPartitions\]/);
  });

  test("an issue without a value has no (got ...)", () => {
    expect(formatIssue({ ...issue, value: undefined })).not.toContain("got");
    expect(formatIssue({ ...issue, value: undefined })).toMatch(/: [^(]*\. Fix: /);
  });
});

describe("addFloeValidation / collectIssues", () => {
  test("structured issues are collected once; warnings do not fail plain cdk8s validation", () => {
    const app = Testing.app();
    const c = new Construct(app, "c");
    addFloeValidation(c, () => [issue, { ...issue, code: "JustAWarning", severity: "warning" }]);
    c.node.addValidation({ validate: () => ["a plain construct error"] });
    const issues = collectIssues(app);
    expect(issues.map((i) => i.code)).toEqual(["InvalidPartitions", "JustAWarning", "ConstructValidation"]);
    expect(issues[2]).toMatchObject({ scope: "c", message: "a plain construct error" });
  });

  test("plain cdk8s app.synth() throws a ValidationError with every error of the tree, codes and all", () => {
    const app = Testing.app();
    const chart = new Chart(app, "chart");
    const a = new Construct(chart, "a");
    const b = new Construct(chart, "b");
    addFloeValidation(a, () => [issue]);
    addFloeValidation(b, () => [{ ...issue, code: "OtherRule" }, { ...issue, code: "JustAWarning", severity: "warning" }]);
    b.node.addValidation({ validate: () => ["a plain construct error"] });
    let thrown: unknown;
    try {
      app.synth();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    const error = thrown as ValidationError;
    expect(error.code).toBe("InvalidPartitions");
    expect(error.issues.map((i) => i.code)).toEqual(["InvalidPartitions", "OtherRule", "ConstructValidation"]);
    expect(error.message).toContain(formatIssue(issue));
  });

  test("a valid tree synthesizes, each check running once per synth (not once per construct)", () => {
    const app = Testing.app();
    const chart = new Chart(app, "chart");
    let runs = 0;
    // cdk8s validates the tree more than once per synth (the app, then each chart's objects); a plain validation runs
    // twice per pass: cdk8s calls it, and the whole-tree check collects it for a complete report.
    let calls = 0;
    chart.node.addValidation({ validate: () => (calls++, []) });
    for (let i = 0; i < 20; i++) addFloeValidation(new Construct(chart, `c${i}`), () => (runs++, []));
    app.synth();
    const passes = calls / 2;
    expect(passes).toBeGreaterThan(0);
    expect(runs).toBe(20 * passes);
    app.synth();
    expect(runs).toBe(2 * 20 * passes);
  });
});
