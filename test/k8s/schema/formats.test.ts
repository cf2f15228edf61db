import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { checkCompatibility, diffTrees, parsePlatformSpec, PlatformSpec, protobufDifferences, synthesize, TopicSchema, treeObjects } from "../../../lib/internal";
import { devSpec } from "../../helpers/specs";
import { ValidationError } from "../../../lib/core";

const dir = mkdtempSync(join(tmpdir(), "floe-formats-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const ctx = { scope: "tenants[0].topics[0]", field: "valueSchema.file" };
const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues;
    throw e;
  }
  return [];
};

const ORDER = `syntax = "proto3";
package shop.v1;
message Order {
  string id = 1;
  int64 amount = 2;
  repeated string tags = 3;
  map<string, int32> counts = 4;
  Status status = 5;
  Customer customer = 6;
  oneof payment { string card = 7; string iban = 8; }
}
message Customer { string name = 1; }
enum Status { NEW = 0; PAID = 1; }
`;

describe("Protobuf topic schemas (protobufjs), compared as Confluent's protobuf provider does", () => {
  test("a .proto file parses, is registered as its text with schemaType PROTOBUF; a broken one is an error naming the file", () => {
    const s = TopicSchema.fromFile(file("order.proto", ORDER), ctx);
    expect(s.type).toBe("protobuf");
    expect(s.registryType).toBe("PROTOBUF");
    expect(s.text).toBe(ORDER);
    expect(issuesOf(() => TopicSchema.fromFile(file("bad.proto", "message { }"), ctx))[0]).toMatchObject({ code: "InvalidProtobufSchema", ...ctx });
    expect(issuesOf(() => TopicSchema.protobuf({ not: "text" }))[0]).toMatchObject({ code: "InvalidProtobufSchema", message: "a Protobuf schema is the .proto text" });
  });

  test.each([
    ["a field added", true, ORDER.replace("string id = 1;", "string id = 1;\n  string note = 9;")],
    ["a field removed", true, ORDER.replace("repeated string tags = 3;", "")],
    ["a field renamed (same tag)", true, ORDER.replace("int64 amount = 2;", "int64 total = 2;")],
    ["a message added", true, `${ORDER}message Extra { int32 x = 1; }\n`],
    ["an enum value added", true, ORDER.replace("PAID = 1;", "PAID = 1; REFUNDED = 2;")],
    ["a string made repeated", true, ORDER.replace("string id = 1;", "repeated string id = 1;")],
    ["an int64 made sint64 (another scalar kind)", false, ORDER.replace("int64 amount = 2;", "sint64 amount = 2;")],
    ["an int64 made string", false, ORDER.replace("int64 amount = 2;", "string amount = 2;")],
    ["a number made repeated", false, ORDER.replace("int64 amount = 2;", "repeated int64 amount = 2;")],
    ["a message field made a scalar", false, ORDER.replace("Customer customer = 6;", "string customer = 6;")],
    ["a message removed", false, ORDER.replace("message Customer { string name = 1; }", "").replace("Customer customer = 6;", "")],
    ["the package changed", false, ORDER.replace("package shop.v1;", "package shop.v2;")],
    ["a field removed from a oneof", false, ORDER.replace("string iban = 8; ", "")],
    ["a field moved into an existing oneof", false, ORDER.replace("string id = 1;", "").replace("string card = 7;", "string card = 7; string id = 1;")],
    ["a map's value type changed", false, ORDER.replace("map<string, int32>", "map<string, string>")],
  ])("%s: BACKWARD compatible: %s", (_, compatible, next) => {
    expect(checkCompatibility("protobuf", "BACKWARD", ORDER, next).compatible).toBe(compatible);
  });

  test("the differences are named with Confluent's types; FORWARD checks the other way", () => {
    expect(protobufDifferences(ORDER, ORDER.replace("int64 amount = 2;", "string amount = 2;")).incompatible).toEqual(["FIELD_SCALAR_KIND_CHANGED Order.amount (2)"]);
    // A message removed is incompatible backward; the same change read forward is a message added.
    const without = ORDER.replace("message Customer { string name = 1; }", "").replace("Customer customer = 6;", "");
    expect(checkCompatibility("protobuf", "FORWARD", without, ORDER).compatible).toBe(false);
    expect(checkCompatibility("protobuf", "BACKWARD", without, ORDER).compatible).toBe(true);
    expect(checkCompatibility("protobuf", "NONE", ORDER, "nonsense").compatible).toBe(true);
    expect(checkCompatibility("protobuf", "BACKWARD", ORDER, "nonsense").reasons[0]).toContain("does not parse");
  });
});

describe("Avro IDL topic schemas (avsc readProtocol)", () => {
  const IDL = `@namespace("shop.v1")
protocol Shop {
  enum Status { NEW, PAID }
  record Customer { string name; }
  record Order { string id; long amount; Status status = "NEW"; Customer customer; union { null, string } note = null; }
}
`;
  test("the protocol's last record, with the named types it uses inlined, is the topic's Avro schema", () => {
    const s = TopicSchema.fromFile(file("shop.avdl", IDL), ctx);
    expect(s.type).toBe("avro");
    const def = s.definition as { name: string; fields: { name: string; type: unknown }[] };
    expect(def.name).toBe("shop.v1.Order");
    expect(def.fields.map((f) => f.name)).toEqual(["id", "amount", "status", "customer", "note"]);
    expect(def.fields[3].type).toMatchObject({ type: "record", name: "shop.v1.Customer" });
  });

  test("record picks another type; a missing one, an import or broken IDL is an error naming the file", () => {
    expect((TopicSchema.fromFile(file("shop2.avdl", IDL), ctx, undefined, "Customer").definition as { name: string }).name).toBe("shop.v1.Customer");
    expect(issuesOf(() => TopicSchema.fromFile(file("shop3.avdl", IDL), ctx, undefined, "Nope"))[0]).toMatchObject({ code: "InvalidAvroIdl", message: "declares no type Nope (it declares shop.v1.Status, shop.v1.Customer, shop.v1.Order)" });
    expect(issuesOf(() => TopicSchema.fromFile(file("imp.avdl", `protocol P { import idl "other.avdl"; record A { int x; } }`), ctx))[0]).toMatchObject({ code: "InvalidAvroIdl" });
    expect(issuesOf(() => TopicSchema.fromFile(file("broken.avdl", "protocol { record"), ctx))[0]).toMatchObject({ code: "InvalidAvroIdl", message: expect.stringContaining("is not valid Avro IDL") });
  });
});

describe("Protobuf and Avro IDL topics in the spec", () => {
  const spec = (proto: string) => {
    const s = devSpec();
    s.tenants[0].topics[0].valueSchema = { type: "protobuf", definition: proto };
    return s;
  };
  const registration = (parsed: PlatformSpec) =>
    (synthesize(parsed).files.flatMap((f) => f.objects) as Record<string, any>[]).find((o) => o.kind === "ConfigMap" && o.metadata.name === "alpha-schemas")!.data as Record<string, string>;

  test("a Protobuf topic is registered with schemaType PROTOBUF and its text; floe diff refuses an incompatible change", () => {
    const data = registration(parsePlatformSpec(spec(ORDER)));
    const subject = Object.keys(data).find((k) => k.endsWith("-value.json"))!;
    expect(JSON.parse(data[subject])).toEqual({ schemaType: "PROTOBUF", schema: ORDER });
    const diff = (a: string, b: string) => diffTrees(treeObjects(synthesize(parsePlatformSpec(spec(a))).files), treeObjects(synthesize(parsePlatformSpec(spec(b))).files));
    const change = (r: ReturnType<typeof diff>) => r.changes.find((c) => c.name === "alpha-schemas")!;
    expect(change(diff(ORDER, ORDER.replace("int64 amount = 2;", "string amount = 2;")))).toMatchObject({ risk: "destructive", reasons: [expect.stringContaining("FIELD_SCALAR_KIND_CHANGED Order.amount (2)")] });
    expect(change(diff(ORDER, ORDER.replace("string id = 1;", "string id = 1;\n  string note = 9;"))).risk).toBe("safe");
  });

  test("an .avdl file with record names the topic's Avro schema", () => {
    const s = devSpec();
    s.tenants[0].topics[0].valueSchema = { file: "shop.avdl", record: "Order" };
    writeFileSync(join(dir, "shop.avdl"), `@namespace("shop.v1") protocol Shop { record Order { string id; } record Other { int x; } }`);
    const data = registration(parsePlatformSpec(s, { baseDir: dir }));
    const subject = Object.keys(data).find((k) => k.endsWith("-value.json"))!;
    expect(JSON.parse(JSON.parse(data[subject]).schema)).toEqual({ type: "record", name: "shop.v1.Order", fields: [{ name: "id", type: "string" }] });
  });
});
