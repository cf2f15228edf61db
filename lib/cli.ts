import { Command, CommanderError } from "commander";
import { existsSync, readFileSync } from "fs";
import { dirname, join } from "path";
import { formatIssue, isValidationError, ValidationError } from "./core/errors";
import type { DiffFormat } from "./gitops/diff-format";

// Each command loads the modules it uses when it runs (`await import`): loading all of them (the validator's
// Kubernetes models, Backstage's catalog model, the report) took about a second before any command started.

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  /** Normal output. */
  readonly out: (text: string) => void;
  /** Errors, warnings and progress. */
  readonly err: (text: string) => void;
  /** Whether `out` is a terminal (colours in text diffs). */
  readonly isTTY?: boolean;
  /** Whether `err` is a terminal (progress of long synths). */
  readonly errIsTTY?: boolean;
}

const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTTY: process.stdout.isTTY === true,
  errIsTTY: process.stderr.isTTY === true,
};

/**
 * Exit codes: 0 success, 1 invalid input or violations found, 2 `--fail-on` threshold reached, 3 an internal error
 * (a defect of Floe, never of the input): a CI gate can tell a risky change from a crash.
 */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_RISK = 2;
export const EXIT_INTERNAL = 3;

function reportError(io: CliIo, command: string, e: unknown): number {
  if (isValidationError(e)) {
    io.err(`floe ${command}: ${e.issues.length} error(s)\n`);
    for (const issue of e.issues) io.err(`  ${formatIssue(issue)}\n`);
    return EXIT_INVALID;
  }
  throw e;
}

/** A closed-choice option: its value must be one of `allowed`. */
function checkOption(command: string, flag: string, value: string, allowed: readonly string[]): void {
  if (allowed.includes(value)) return;
  throw new ValidationError({
    code: "InvalidOption",
    scope: command,
    field: flag,
    value,
    message: `is not a value of ${flag}`,
    fix: `use ${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}`,
  });
}

/** floe-platform's version: its package.json, found upward from this file (lib/ in the repository, dist-lib/lib/ built). */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "floe-platform" && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return "unknown";
  }
}

/**
 * Run the CLI with `argv` (without the `node floe` prefix) and return the exit code.
 */
export async function run(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let code = EXIT_OK;
  const program = new Command()
    .name("floe")
    .description("Floe: a stream-processing platform (Strimzi Kafka, Flink, Debezium) as code")
    .version(packageVersion(), "-V, --version", "print floe-platform's version")
    .exitOverride()
    // A usage error names the fix too (commander copies this setting to every subcommand).
    .showHelpAfterError("(floe --help lists the commands; floe <command> --help shows a command's arguments and options)")
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command("synth")
    .description("render a platform spec to Kubernetes manifests under DIR/<environment>/<region>/")
    .argument("<spec>", "platform spec (YAML)")
    .option("-o, --out <dir>", "output root directory", "dist")
    .option("-q, --quiet", "print nothing but warnings and errors")
    .action(async (specFile: string, options: { out: string; quiet?: boolean }) => {
      // Progress on a terminal only (never in CI logs or pipes), on one line of stderr.
      const progress = io.errIsTTY && !options.quiet ? (step: string) => io.err(`\r\u001b[2Kfloe synth: ${step}...`) : undefined;
      try {
        const [{ loadPlatformSpec, specInputFiles }, { synthesizeToDirectory }] = await Promise.all([import("./platform/spec/load"), import("./gitops/render")]);
        const spec = loadPlatformSpec(specFile);
        // Each file is written as it renders (the tree is never held whole); the spec and --out are checked first.
        const written = synthesizeToDirectory(spec, options.out, specInputFiles(spec, specFile), progress);
        if (progress) io.err("\r\u001b[2K");
        for (const w of written.warnings) io.err(`${formatIssue(w)}\n`);
        const objects = written.files.reduce((n, f) => n + f.objects, 0);
        if (!options.quiet) {
          io.out(`floe synth: wrote ${objects} objects in ${written.files.length} files to ${written.dir}\n`);
          for (const f of written.files) io.out(`  ${f.path} (${f.objects} objects)\n`);
        }
      } catch (e) {
        if (progress) io.err("\r\u001b[2K");
        code = reportError(io, "synth", e);
      }
    });

  program
    .command("validate")
    .description("validate rendered manifests against the core Kubernetes schemas and the operator CRDs")
    .argument("<dir>", "directory of rendered manifests")
    .option(
      "--crds <dir>",
      "CRD directory, repeatable: the operators' and the ecosystem's CRDs (default: $FLOE_CRD_DIR, folders separated by ':', else .floe/crds)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(async (dir: string, options: { crds: string[] }) => {
      try {
        const { resolveCrdDirs, SchemaRegistry, validateDirectory } = await import("./gitops/validate");
        const crdDirs = resolveCrdDirs(options.crds);
        const registry = SchemaRegistry.fromDirectories(crdDirs);
        const result = validateDirectory(registry, dir);
        if (result.violations.length > 0) {
          io.err(`floe validate: ${result.violations.length} violation(s) in ${dir}\n`);
          for (const v of result.violations) {
            io.err(`  ${v.file}: ${v.object}: ${v.path || "(object)"}: ${v.message}\n`);
          }
          code = EXIT_INVALID;
          return;
        }
        if (result.objects === 0) {
          io.err(`floe validate: no manifests found in ${dir}\n`);
          code = EXIT_INVALID;
          return;
        }
        io.out(`floe validate: ${result.objects} objects in ${result.files} files are valid (CRDs from ${crdDirs.join(", ")})\n`);
      } catch (e) {
        code = reportError(io, "validate", e);
      }
    });

  program
    .command("diff")
    .description("compare two rendered trees: object and field changes, each classified safe | disruptive | destructive")
    .argument("<base>", "directory of the base rendering (e.g. the target branch)")
    .argument("<head>", "directory of the head rendering (the pull request)")
    .option("--format <format>", "text | markdown | json", "text")
    .option("--fail-on <level>", "exit 2 when a change at this level is present: destructive | disruptive")
    .action(async (base: string, head: string, options: { format: string; failOn?: string }) => {
      try {
        const [{ openDiff, exceeds }, { diffChunks }] = await Promise.all([import("./gitops/diff"), import("./gitops/diff-format")]);
        const format = options.format;
        checkOption("diff", "--format", format, ["text", "markdown", "json"]);
        if (options.failOn !== undefined) checkOption("diff", "--fail-on", options.failOn, ["destructive", "disruptive"]);
        // Printed a change at a time, in writes of 64 KiB: a diff of every file is never held whole.
        const diff = openDiff(base, head);
        try {
          let [pending, length] = [[] as string[], 0];
          for (const chunk of diffChunks(diff, format as DiffFormat, io.isTTY === true && format === "text")) {
            pending.push(chunk);
            length += chunk.length;
            if (length < 1 << 16) continue;
            io.out(pending.join(""));
            [pending, length] = [[], 0];
          }
          if (pending.length > 0) io.out(pending.join(""));
        } finally {
          diff.close();
        }
        if (options.failOn && exceeds(diff, options.failOn as "destructive" | "disruptive")) code = EXIT_RISK;
      } catch (e) {
        code = reportError(io, "diff", e);
      }
    });

  program
    .command("lineage")
    .description("the data lineage of a spec: sources -> topics -> jobs -> topics, per tenant and region")
    .argument("<spec>", "platform spec (YAML)")
    .option("--format <format>", "mermaid | dot | json", "mermaid")
    .action(async (specFile: string, options: { format: string }) => {
      try {
        const [{ loadPlatformSpec }, { buildLineage, lineageDot, lineageJson, lineageMermaid }] = await Promise.all([import("./platform/spec/load"), import("./gitops/lineage")]);
        checkOption("lineage", "--format", options.format, ["mermaid", "dot", "json"]);
        const graph = buildLineage(loadPlatformSpec(specFile));
        io.out(options.format === "json" ? lineageJson(graph) : options.format === "dot" ? lineageDot(graph) : lineageMermaid(graph));
      } catch (e) {
        code = reportError(io, "lineage", e);
      }
    });

  program
    .command("report")
    .description("write a static HTML report of a spec to DIR: tenants' quotas against capacity, topics, jobs, connectors, lineage, and the classified diff against a base rendering")
    .argument("<spec>", "platform spec (YAML)")
    .option("-o, --out <dir>", "report directory (replaced as a whole)", "report")
    .option("--base <dir>", "a base rendering (the directory floe synth wrote for the target branch): the report adds the classified diff")
    .action(async (specFile: string, options: { out: string; base?: string }) => {
      try {
        const [{ loadPlatformSpec, specInputFiles }, { synthesize }, { renderReport, reportModel, writeReport }] = await Promise.all([
          import("./platform/spec/load"),
          import("./platform/render"),
          import("./gitops/report"),
        ]);
        const spec = loadPlatformSpec(specFile);
        const tree = synthesize(spec);
        const files = renderReport(reportModel(spec, tree, options.base));
        const dir = writeReport(files, options.out, [...specInputFiles(spec, specFile), ...(options.base ? [options.base] : [])]);
        const pages = [...files.keys()].filter((f) => f.endsWith(".html")).length;
        io.out(`floe report: wrote ${pages} pages to ${dir} (open ${dir}/index.html)\n`);
      } catch (e) {
        code = reportError(io, "report", e);
      }
    });

  program
    .command("catalog")
    .description("Backstage catalog entities of a spec: a System per tenant, Components for apps, jobs and connectors, Resources for topics and buckets, APIs for schemas, Groups for admins")
    .argument("<spec>", "platform spec (YAML)")
    .option("-o, --out <file>", "write the entities to FILE (replaced as a whole) instead of stdout")
    .option("--platform-owner <ref>", "owner of the shared entities (domain, platform system, buckets)", "group:platform")
    .action(async (specFile: string, options: { out?: string; platformOwner: string }) => {
      try {
        const [{ loadPlatformSpec, specInputFiles }, { buildCatalog, catalogProblems, catalogYaml, platformOwnerRef, writeCatalog }] = await Promise.all([
          import("./platform/spec/load"),
          import("./gitops/catalog"),
        ]);
        const spec = loadPlatformSpec(specFile);
        const entities = buildCatalog(spec, { platformOwner: options.platformOwner });
        const problems = await catalogProblems(entities, [platformOwnerRef(spec, { platformOwner: options.platformOwner })]);
        // Floe built them: a problem here is Floe's defect, never the input's.
        if (problems.length > 0) throw new Error(`the catalog Floe built fails Backstage's model: ${problems.join("; ")}`);
        const text = catalogYaml(entities);
        if (options.out === undefined) {
          io.out(text);
          return;
        }
        const file = writeCatalog(text, options.out, specInputFiles(spec, specFile));
        io.out(`floe catalog: wrote ${entities.length} entities to ${file}\n`);
      } catch (e) {
        code = reportError(io, "catalog", e);
      }
    });

  program
    .command("audit-policy")
    .description("print the Kubernetes audit policy for the objects Floe owns (for kube-apiserver --audit-policy-file)")
    .action(async () => {
      const { auditPolicyYaml } = await import("./gitops/audit-policy");
      io.out(auditPolicyYaml());
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT_OK : EXIT_INVALID;
    }
    throw e;
  }
  return code;
}

/** Entry point of `bin/floe`. */
export function main(): void {
  // A closed pipe (`floe synth ... | head`) is not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      // One line (its message: never an input value); the stack only when asked for (FLOE_DEBUG=1).
      const message = e instanceof Error ? e.message.split("\n")[0] : String(e);
      const detail = process.env.FLOE_DEBUG && e instanceof Error && e.stack ? `\n${e.stack}` : " (FLOE_DEBUG=1 shows where; please report it)";
      process.stderr.write(`floe: internal error: ${message}${detail}\n`);
      process.exitCode = EXIT_INTERNAL;
    },
  );
}
