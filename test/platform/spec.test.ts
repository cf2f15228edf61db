import { readFileSync } from "fs";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { parsePlatformSpec, parsePlatformSpecYaml, loadPlatformSpec, ValidationError } from "../../lib/internal";
import { catchValidation } from "../helpers";
import { devSpec, exampleSpec } from "../helpers/specs";

describe("PlatformSpec parsing", () => {
  test("the example spec parses", () => {
    const spec = parsePlatformSpec(exampleSpec());
    expect(spec.environment).toBe("prod");
    expect(spec.regions.map((r) => r.name)).toEqual(["eu-west-1", "us-east-1"]);
    expect(spec.tenants?.map((t) => t.name)).toEqual(["payments", "logistics", "analytics"]);
  });

  test("fails UnknownSpecField for an unknown key, naming its path", () => {
    const spec = devSpec();
    spec.tenants[1].topics[0].partitionz = 3;
    const e = catchValidation(() => parsePlatformSpec(spec));
    expect(e).toMatchObject({ code: "UnknownSpecField", scope: "tenants[1].topics[0]", field: "partitionz", value: 3 });
    expect(e.message).toContain("tenants[1].topics[0].partitionz");
  });

  test("fails InvalidSpecValue with the spec path, the value and a fix", () => {
    const spec = devSpec();
    spec.tenants[1].topics[0].partitions = 0;
    spec.regions[0].kafka.listeners = [{ name: "tls", port: 9093, type: "public", tls: true }];
    const e = catchValidation(() => parsePlatformSpec(spec));
    const byPath = Object.fromEntries(e.issues.map((i) => [`${i.scope}.${i.field}`, i]));
    expect(byPath["tenants[1].topics[0].partitions"]).toMatchObject({ value: 0, fix: "use a value of at least 1" });
    expect(byPath["regions[0].kafka.listeners[0].type"].fix).toMatch(/^use one of "internal", "route"/);
  });

  test("fails on a missing required field", () => {
    const spec = devSpec();
    delete spec.environment;
    const e = catchValidation(() => parsePlatformSpec(spec));
    expect(e).toMatchObject({ code: "InvalidSpecValue", field: "environment", fix: "add the required field environment" });
  });

  test("fails DuplicateRegion, DuplicateTenant, DuplicateTopic, DuplicateApp", () => {
    const spec = devSpec();
    spec.regions.push({ ...spec.regions[0] });
    spec.tenants.push({ name: "alpha" });
    spec.tenants[0].topics.push({ name: "events" });
    spec.tenants[0].apps.push({ name: "writer" });
    const codes = catchValidation(() => parsePlatformSpec(spec)).issues.map((i) => `${i.code}@${i.scope}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        "DuplicateRegion@regions[1]",
        "DuplicateTenant@tenants[2]",
        "DuplicateTopic@tenants[0].topics[2]",
        "DuplicateApp@tenants[0].apps[2]",
      ]),
    );
  });

  test("fails UnknownRegion for a tenant in a region that does not exist", () => {
    const spec = devSpec();
    spec.tenants[0].regions = ["mars-1"];
    const e = catchValidation(() => parsePlatformSpec(spec));
    expect(e).toMatchObject({ code: "UnknownRegion", scope: "tenants[0]", field: "regions[0]", value: "mars-1" });
    expect(e.fix).toBe("use one of local, or declare the region under regions[]");
  });

  test("fails UnknownTopic for produce/consume references outside the tenant", () => {
    const spec = devSpec();
    spec.tenants[0].apps[0].produces = ["nope"];
    spec.tenants[0].apps[1].consumes = [{ topic: "beta-events" }];
    const e = catchValidation(() => parsePlatformSpec(spec));
    expect(e.issues.map((i) => `${i.scope}.${i.field}`)).toEqual(["tenants[0].apps[0].produces[0]", "tenants[0].apps[1].consumes[0].topic"]);
    expect(e.issues[0].fix).toMatch(/use one of events, state, a prefix ending in '\*'/);
  });

  test("YAML: syntax errors carry line and column; duplicate keys are errors", () => {
    const e = catchValidation(() => parsePlatformSpecYaml("environment: dev\nregions: [\n", "bad.yaml"));
    expect(e.code).toBe("InvalidYaml");
    expect(e.scope).toMatch(/^bad\.yaml:\d+:\d+$/);
    expect(e.field).toBe("");
    // The position once (in the path), no "(got ...)", no internal code, no content of the file.
    expect(e.message.split("\n")[0]).toMatch(/^\[InvalidYaml\] bad\.yaml:\d+:\d+: [A-Z][^:]*\. Fix: fix the YAML syntax at that position$/);
    expect(e.message).not.toMatch(/line \d|column \d|got|[A-Z]+_[A-Z]+|regions: \[/);
    const dup = catchValidation(() => parsePlatformSpecYaml("environment: a\nenvironment: b\n", "dup.yaml"));
    expect(dup.message).toBe("[InvalidYaml] dup.yaml:2:1: Map keys must be unique. Fix: fix the YAML syntax at that position");
  });

  test("fails SpecNotReadable for a missing file", () => {
    const e = catchValidation(() => loadPlatformSpec("/nonexistent/spec.yaml"));
    expect(e.code).toBe("SpecNotReadable");
    expect(e).toBeInstanceOf(ValidationError);
  });
});

describe("reading a spec file: js-yaml first, yaml for aliases and errors", () => {
  test("the example and dev specs read the same as with yaml", () => {
    for (const file of ["examples/platform.yaml", "examples/dev.yaml"]) {
      const text = readFileSync(file, "utf8");
      expect(parsePlatformSpecYaml(text, file, { baseDir: "examples" })).toEqual(parsePlatformSpec(parseYaml(text), { baseDir: "examples" }));
    }
  });

  test("a spec with aliases is read by yaml, the aliases expanded", () => {
    const text = `${stringifyYaml({ environment: "dev", regions: devSpec().regions })}tenants:\n  - name: alpha\n    topics: [&orders { name: orders, partitions: 3 }]\n  - name: beta\n    topics: [*orders]\n`;
    const spec = parsePlatformSpecYaml(text);
    expect(spec.tenants?.map((t) => t.topics?.[0])).toEqual([expect.objectContaining({ name: "orders", partitions: 3 }), expect.objectContaining({ name: "orders", partitions: 3 })]);
  });
});
