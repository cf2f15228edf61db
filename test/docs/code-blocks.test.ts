// Every code block of the README and of docs/ compiles or runs (npm test builds dist-lib/ first):
// - ts: type-checked with `tsc --strict` rules, `floe-platform` resolving to this repository's entry points; a block
//   whose first line is `// continues...` is checked after the blocks before it on the same page;
// - yaml: a whole spec parses and composes; a fragment is put into examples/platform.yaml where it belongs (a
//   top-level key, a tenant's list, or the continuation of the fragment before it) and the result must parse;
// - sh: `npx floe` commands with placeholders name a real subcommand and real options (its --help); concrete ones run,
//   in order, in one scratch directory per page and must succeed; `npm run X` names a script; `pulumi` lines name
//   stack files that exist and config keys the program reads;
// - text: the error example is what `floe synth` prints for that mistake, the tree listing is what synth writes, the
//   layout names folders that exist.
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import * as ts from "typescript";
import { parse, stringify } from "yaml";
import { composePlatform, parsePlatformSpec } from "../../lib/internal";
import { ROOT } from "../helpers";

const PAGES = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

interface Block {
  readonly page: string;
  readonly line: number;
  readonly lang: string;
  readonly code: string;
}

function blocks(page: string): Block[] {
  const lines = readFileSync(join(ROOT, page), "utf8").split("\n");
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith("```")) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith("```"));
    out.push({ page, line: i + 1, lang: lines[i].slice(3).trim(), code: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return out;
}

const ALL = PAGES.flatMap(blocks);
const where = (b: Block): string => `${b.page}:${b.line}`;
const of = (lang: string): Block[] => ALL.filter((b) => b.lang === lang);

test("the docs are split into pages and every block says its language", () => {
  expect(PAGES.length).toBeGreaterThanOrEqual(14);
  expect(ALL.filter((b) => !["ts", "yaml", "sh", "text"].includes(b.lang)).map(where)).toEqual([]);
  expect(of("ts").length).toBeGreaterThanOrEqual(4);
});

describe("ts blocks compile", () => {
  test("each page's TypeScript type-checks under strict", () => {
    const dir = join(ROOT, ".floe", "docs-check");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    const sources = new Map<string, Block>();
    for (const page of PAGES) {
      let chain = "";
      of("ts")
        .filter((b) => b.page === page)
        .forEach((b, n) => {
          // A continued block sees the blocks before it; imports stay at the top of the module.
          chain = b.code.startsWith("// continues") ? `${chain}\n${b.code}` : b.code;
          const file = join(dir, `${page.replace(/\W/g, "_")}_${n}.ts`);
          const imports = chain.split("\n").filter((l) => l.startsWith("import "));
          writeFileSync(file, [...imports, ...chain.split("\n").filter((l) => !l.startsWith("import ")), "export {};"].join("\n"));
          files.push(file);
          sources.set(file, b);
        });
    }
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      skipLibCheck: true,
      baseUrl: ROOT,
      paths: { "floe-platform": ["lib/index.ts"], "floe-platform/cloud": ["lib/cloud/index.ts"], "floe-platform/pulumi": ["lib/pulumi.ts"] },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && sources.has(d.file.fileName))
      .map((d) => `${where(sources.get(d.file!.fileName)!)}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    expect(problems).toEqual([]);
    expect(files.length).toBe(of("ts").length);
  });
});

const example = (): Record<string, unknown> => parse(readFileSync(join(ROOT, "examples", "platform.yaml"), "utf8"));
const TOP_LEVEL = new Set(["allowDestructive", "aws", "regions", "tenants", "replication", "operators", "production"]);

describe("yaml blocks parse as the spec", () => {
  test.each(of("yaml").map((b) => [where(b), b] as const))("%s", (_, b) => {
    const data = parse(b.code);
    if (data && typeof data === "object" && "environment" in data) {
      const spec = parsePlatformSpec(data, { baseDir: join(ROOT, "examples") });
      expect(composePlatform(spec).platform.regions.length).toBeGreaterThan(0);
      return;
    }
    const spec = example() as { tenants: Record<string, unknown>[] } & Record<string, unknown>;
    // The fragments show the example's tenant payments: a list entry overlays the one of the same name (the fields
    // the page is about), or is added.
    const tenant = spec.tenants.find((t) => t.name === "payments")!;
    const merge = (key: string, value: unknown): void => {
      const list = (tenant[key] as { name?: string }[] | undefined) ?? [];
      const entries = value as { name?: string }[];
      tenant[key] = Array.isArray(value)
        ? [...list.filter((x) => !entries.some((v) => v.name === x.name)), ...entries.map((v) => ({ ...list.find((x) => x.name === v.name), ...v }))]
        : value;
    };
    if (Array.isArray(data)) {
      // The continuation of the list of the page's fragment before it (e.g. a second sink).
      const before = of("yaml").filter((x) => x.page === b.page && x.line < b.line).pop()!;
      merge(Object.keys(parse(before.code.replace(/^ {4}/gm, "")))[0], data);
    } else {
      for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
        if (TOP_LEVEL.has(key)) spec[key] = value;
        else merge(key, value);
      }
    }
    expect(() => parsePlatformSpec(spec, { baseDir: join(ROOT, "examples") })).not.toThrow();
  });
});

const FLOE = /^(?:npx floe|floe)\s+(.*)$/;
function commands(code: string): string[] {
  return code
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}
const helpOf = new Map<string, string>();
function help(sub: string): string {
  if (!helpOf.has(sub)) {
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "floe"), sub, "--help"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    helpOf.set(sub, r.stdout);
  }
  return helpOf.get(sub)!;
}
const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;

describe("sh blocks run", () => {
  const pages = [...new Set(of("sh").map((b) => b.page))];
  test.each(pages)("%s", (page) => {
    const work = mkdtempSync(join(tmpdir(), "floe-docs-"));
    symlinkSync(join(ROOT, "examples"), join(work, "examples"));
    const ran: string[] = [];
    try {
      for (const b of of("sh").filter((x) => x.page === page)) {
        for (const line of commands(b.code).flatMap((l) => l.split(" && "))) {
          const at = `${where(b)}: ${line}`;
          const floe = FLOE.exec(line);
          if (floe) {
            const [sub, ...args] = floe[1].split(/\s+/);
            if (/[<[|]/.test(floe[1])) {
              // A usage line: the subcommand and every option exist.
              for (const flag of args.filter((a) => a.startsWith("--") || a.startsWith("[--")).map((a) => a.replace(/^\[/, "").replace(/[\]]+$/, "")))
                expect(`${at}: ${help(sub).includes(flag) ? "ok" : `${flag} is not an option of floe ${sub}`}`).toBe(`${at}: ok`);
              continue;
            }
            const r = spawnSync(process.execPath, [join(ROOT, "bin", "floe"), sub, ...args.map((a) => a.replace(/^'(.*)'$/, "$1"))], { cwd: work, encoding: "utf8", env: process.env });
            expect(`${at}: exit ${r.status}${r.status === 0 ? "" : `\n${r.stderr}`}`).toBe(`${at}: exit 0`);
            ran.push(line);
          } else if (/^npm run /.test(line)) {
            const script = line.split(/\s+/)[2];
            expect(`${at}: ${script in scripts ? "ok" : "no such script"}`).toBe(`${at}: ok`);
            if (script === "synth") {
              // What `npm run synth` runs after the build, here.
              const r = spawnSync(process.execPath, [join(ROOT, "bin", "floe"), "synth", "examples/platform.yaml", "--out", "dist", "--quiet"], { cwd: work, encoding: "utf8" });
              expect(r.status).toBe(0);
              expect(scripts.synth).toContain("node bin/floe synth examples/platform.yaml --out dist");
            }
          } else if (/^npm (ci|test)$/.test(line) || /^export FLOE_CRD_DIR=/.test(line)) {
            continue; // the commands this test runs in
          } else if (/^npm install /.test(line)) {
            const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
            for (const name of line.split(/\s+/).slice(2)) expect([pkg.name, ...Object.keys(pkg.peerDependencies)]).toContain(name);
          } else if (/^pulumi /.test(line)) {
            const stack = /^pulumi stack select (\S+)/.exec(line);
            if (stack) expect(existsSync(join(ROOT, `Pulumi.${stack[1]}.yaml`))).toBe(true);
            const key = /'?floe:([\w-]+)/.exec(line);
            if (key) expect(readFileSync(join(ROOT, "lib", "platform", "pulumi", "args.ts"), "utf8") + readFileSync(join(ROOT, "stacks", "index.ts"), "utf8")).toMatch(new RegExp(key[1].replace(/-.*$/, "")));
          } else {
            throw new Error(`${at}: a command this test does not know how to check`);
          }
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("text blocks are what Floe prints and writes", () => {
  test("the error example is floe synth's output for that mistake", () => {
    const examples = of("text").filter((b) => b.code.startsWith("floe synth:"));
    expect(examples.length).toBeGreaterThan(0);
    const spec = example() as { tenants: { topics: Record<string, unknown>[] }[] };
    spec.tenants[1].topics[0].replicas = 5;
    const work = mkdtempSync(join(ROOT, "examples", ".docs-check-"));
    try {
      writeFileSync(join(work, "..", `${work.split("/").pop()}.yaml`), stringify(spec));
      const file = `${work}.yaml`;
      const r = spawnSync(process.execPath, [join(ROOT, "bin", "floe"), "synth", file, "--out", join(work, "out")], { encoding: "utf8" });
      expect(r.status).toBe(1);
      for (const b of examples) expect(r.stderr.trim()).toBe(b.code);
    } finally {
      rmSync(work, { recursive: true, force: true });
      rmSync(`${work}.yaml`, { force: true });
    }
  });

  test("the tree listing is what npm run synth writes", () => {
    const work = mkdtempSync(join(tmpdir(), "floe-docs-"));
    try {
      expect(spawnSync(process.execPath, [join(ROOT, "bin", "floe"), "synth", join(ROOT, "examples", "platform.yaml"), "--out", work, "--quiet"]).status).toBe(0);
      const listing = of("text").find((b) => b.code.startsWith("dist/prod/"))!;
      const listed: string[] = [];
      let region = "";
      for (const line of listing.code.split("\n").slice(1)) {
        const dir = /^ {2}(\S+)\/$/.exec(line);
        const file = /^ {4}(\S+\.yaml)/.exec(line);
        if (dir) region = dir[1];
        if (file) listed.push(`${region}/${file[1]}`);
      }
      const written = readdirSync(join(work, "prod"), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .flatMap((d) => readdirSync(join(work, "prod", d.name)).map((f) => `${d.name}/${f}`));
      expect(listed.sort()).toEqual(written.sort());
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test("the layout names folders and files that exist", () => {
    const layout = of("text").find((b) => b.page === "docs/layout.md")!;
    const paths = layout.code
      .split("\n")
      .map((l) => /^(\S+\/|\S+\.ts)\s/.exec(l)?.[1])
      .filter((p): p is string => p !== undefined);
    expect(paths.length).toBeGreaterThan(10);
    expect(paths.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  test("no other text block", () => {
    const known = (b: Block) => b.code.startsWith("floe synth:") || b.code.startsWith("dist/prod/") || b.page === "docs/layout.md";
    expect(of("text").filter((b) => !known(b)).map(where)).toEqual([]);
  });
});
