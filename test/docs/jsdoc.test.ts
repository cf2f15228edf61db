// Every interface the entry points export is documented; every construct's Props (every Pulumi component's Args,
// every options bag) documents each field, and each optional field says what it defaults to (`@default`), the
// convention of construct libraries.
import { rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import * as ts from "typescript";

interface Finding {
  readonly where: string;
  readonly problem: string;
}

/** Interfaces a user writes (construct Props, component Args, options of the functions): the full rule applies. */
const INPUT = /(Props|Args|Options|Extras)$/;

/**
 * What is wrong with the JSDoc of one interface declaration: every public interface has a description; an input (see
 * INPUT) also has one on each field and a @default on each optional field.
 */
function interfaceFindings(node: ts.InterfaceDeclaration): Finding[] {
  const sf = node.getSourceFile();
  const out: Finding[] = [];
  const name = `${sf.fileName.replace(/^.*?\/lib\//, "lib/")}: ${node.name.text}`;
  if (ts.getJSDocCommentsAndTags(node).length === 0) out.push({ where: name, problem: "no JSDoc" });
  if (!INPUT.test(node.name.text)) return out;
  for (const member of node.members) {
    if (!ts.isPropertySignature(member)) continue;
    const where = `${name}.${member.name.getText(sf)}`;
    const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
    const text = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join("").trim();
    if (text === "") out.push({ where, problem: "no JSDoc description" });
    if (member.questionToken && !docs.some((d) => (d.tags ?? []).some((t) => t.tagName.text === "default"))) {
      out.push({ where, problem: "optional without @default" });
    }
  }
  return out;
}

/** The interfaces the package's entry points export (the public API), by name. */
function publicInterfaces(entryPoints: readonly string[]): Map<string, ts.InterfaceDeclaration[]> {
  const program = ts.createProgram([...entryPoints], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const found = new Map<string, ts.InterfaceDeclaration[]>();
  for (const entry of entryPoints) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = (symbol.declarations ?? []).filter(ts.isInterfaceDeclaration);
      if (declarations.length > 0) found.set(exported.name, declarations);
    }
  }
  return found;
}

describe("JSDoc of the public API's interfaces", () => {
  const interfaces = publicInterfaces(["lib/index.ts", "lib/cloud/index.ts", "lib/pulumi.ts"]);

  test("the scan finds the constructs' Props and the components' Args", () => {
    expect([...interfaces.keys()]).toEqual(expect.arrayContaining(["KafkaClusterProps", "FlinkApplicationProps", "TenantProps", "CheckpointStorageArgs", "StreamingPlatformArgs"]));
    expect(interfaces.size).toBeGreaterThan(30);
  });

  test("every interface has a description; every field of an input a description, every optional one a @default", () => {
    const all = [...interfaces.values()].flat().flatMap(interfaceFindings);
    expect(all.map((f) => `${f.where}: ${f.problem}`)).toEqual([]);
  });

  test("the check catches a field without JSDoc and an optional field without @default", () => {
    const file = join(tmpdir(), `floe-jsdoc-${process.pid}.ts`);
    writeFileSync(file, "/** x */\nexport interface BadProps {\n  readonly a: string;\n  /** b */\n  readonly b?: string;\n}\n");
    try {
      const bad = publicInterfaces([file]).get("BadProps")!;
      expect(bad.flatMap(interfaceFindings).map((f) => f.problem)).toEqual(["no JSDoc description", "optional without @default"]);
      writeFileSync(file, "export interface Undocumented {\n  readonly a: string;\n}\n");
      expect(publicInterfaces([file]).get("Undocumented")!.flatMap(interfaceFindings).map((f) => f.problem)).toEqual(["no JSDoc"]);
    } finally {
      rmSync(file);
    }
  });
});
