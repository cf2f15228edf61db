import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "fs";
import { dirname, join, relative, resolve } from "path";
import * as ts from "typescript";

/*
 * The platform layer's layout (../shared/DESIGN.md): one module per domain, files of about 400 lines at most,
 * functions of about 80, and no import cycle in lib/ outside lib/k8s (type-only imports included: a cycle of types is
 * still two modules that cannot be read apart).
 */

const LIB = resolve(__dirname, "../../lib");
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : name.endsWith(".ts") ? [path] : [];
  });
}

/** Every function, method, constructor and arrow function over `max` lines, as `file:line name (n lines)`. */
function longFunctions(file: string, max: number): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : ts.isConstructorDeclaration(node) ? "constructor" : "(anonymous)";
      if (end - start + 1 > max) found.push(`${relative(LIB, file)}:${start + 1} ${name} (${end - start + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The lib/ modules a file imports (relative imports, type-only ones included), as absolute paths. */
function importsOf(file: string): string[] {
  return ts
    .preProcessFile(readFileSync(file, "utf8"), true, false)
    .importedFiles.map((f) => f.fileName)
    .filter((f) => f.startsWith("."))
    .map((f) => {
      const base = resolve(dirname(file), f);
      for (const candidate of [`${base}.ts`, join(base, "index.ts")]) {
        try {
          if (statSync(candidate).isFile()) return candidate;
        } catch {
          // not this one
        }
      }
      return base;
    });
}

/** The import cycles among `files`, each as the list of modules around it. */
function importCycles(files: readonly string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((g) => files.includes(g))]));
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, "open");
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === "open") cycles.push([...stack.slice(stack.indexOf(g)), g].map((p) => relative(LIB, p)));
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, "done");
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return cycles;
}

describe("the platform layer's layout", () => {
  const platform = tsFiles(join(LIB, "platform"));

  test("no file of lib/platform is over 400 lines", () => {
    const long = platform.map((f) => ({ f: relative(LIB, f), n: readFileSync(f, "utf8").split("\n").length })).filter(({ n }) => n > MAX_FILE_LINES);
    expect(long).toEqual([]);
  });

  test("no function of lib/platform is over 80 lines", () => {
    expect(platform.flatMap((f) => longFunctions(f, MAX_FUNCTION_LINES))).toEqual([]);
  });

  test("no import cycle in lib/ outside the constructs", () => {
    // lib/k8s/kafka's constructs still reference each other's types (`import type`: KafkaCluster <-> its node pools,
    // topics, users); no module there needs another at run time in a cycle.
    expect(importCycles(tsFiles(LIB).filter((f) => !f.startsWith(join(LIB, "k8s"))))).toEqual([]);
  });

  test("the checks find what they look for", () => {
    // A 90-line function and a two-module cycle, so that the checks above cannot pass by finding nothing.
    const dir = join(__dirname, "../../node_modules/.cache/floe-layout-test");
    mkdirSync(dir, { recursive: true });
    const body = Array.from({ length: 88 }, (_, i) => `  const v${i} = ${i};`).join("\n");
    writeFileSync(join(dir, "a.ts"), `import { b } from "./b";\nexport function a(): number {\n${body}\n  return b();\n}\n`);
    writeFileSync(join(dir, "b.ts"), `import { a } from "./a";\nexport const b = (): number => a();\n`);
    expect(longFunctions(join(dir, "a.ts"), MAX_FUNCTION_LINES)).toHaveLength(1);
    expect(importCycles([join(dir, "a.ts"), join(dir, "b.ts")])).toHaveLength(1);
  });
});
