import { accessSync, constants, existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "path";
import { ValidationError, ValidationIssue } from "../core";
import { cmp, RenderedTree, specFiles, toYaml, yamlOnce } from "../platform/render";
import { PlatformSpec } from "../platform/spec/schema";
import { ACKNOWLEDGEMENTS_FILE } from "./tree-files";

export { ACKNOWLEDGEMENTS_FILE } from "./tree-files";

// Rendering (spec -> in-memory tree) is the platform layer's, below both delivery modes; this module writes trees.
export { chartManifests, compareManifests, renderPlatform, synthesize, toYaml, yamlOnce } from "../platform/render";
export type { Manifest, RenderedFile, RenderedTree } from "../platform/render";

/** The file every tree `floe synth` writes carries: its mark that the directory is Floe's to replace. */
export const TREE_MARKER = ".floe-tree";

/** Virtual file systems: writing there fails or never returns (Node's recursive mkdir spins on /proc). */
const VIRTUAL_ROOTS = ["/proc", "/sys", "/dev"];

/** Whether `child` is `parent` or lies under it. */
export function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest (symlinks resolved). */
function realish(p: string): string {
  const rest: string[] = [];
  let cur = resolve(p);
  for (;;) {
    try {
      return join(realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return resolve(p);
      rest.push(cur.slice(parent.length).replace(/^[\\/]/, ""));
      cur = parent;
    }
  }
}

/** Whether an existing directory is a tree Floe wrote: its marker, or (written before the marker) region folders of YAML files only. */
function isFloeTree(dir: string): boolean {
  if (existsSync(join(dir, TREE_MARKER))) return true;
  const entries = readdirSync(dir, { withFileTypes: true });
  return entries.every((e) =>
    e.isFile()
      ? e.name === ACKNOWLEDGEMENTS_FILE
      : e.isDirectory() && readdirSync(join(dir, e.name), { withFileTypes: true }).every((f) => f.isFile() && f.name.endsWith(".yaml")),
  );
}

/**
 * Why `outDir` cannot take the environment's tree, before anything is written: a file where a directory must be
 * (the output, or a folder above it), a place that cannot be written, an existing directory Floe did not write,
 * or one that holds the synth's own inputs (the spec, its schema files).
 */
export function outputIssues(outDir: string, environment: string, inputs: readonly string[] = []): ValidationIssue[] {
  const scope = "--out";
  const root = resolve(outDir);
  const target = join(root, environment);
  const issue = (code: string, message: string, fix: string, value: string = outDir): ValidationIssue => ({ code, scope, field: "", value, message, fix });
  if (VIRTUAL_ROOTS.some((v) => inside(v, realish(root)))) {
    return [issue("OutputNotWritable", "is on a virtual file system (/proc, /sys, /dev)", "write the tree to a directory on disk, e.g. --out dist")];
  }
  // The nearest existing path: it must be a directory, and writable if the rest is to be created under it.
  let existing = target;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const stat = statSync(existing);
  if (!stat.isDirectory()) {
    return [
      existing === root || existing === target
        ? issue("OutputIsFile", `is a file, not a directory`, "name a directory (it is created if missing)")
        : issue("OutputUnderFile", `lies under ${existing}, which is a file`, "name a directory that is not under a file"),
    ];
  }
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    return [issue("OutputNotWritable", `cannot be written (${existing} is not writable)`, "name a directory you can write, e.g. --out dist")];
  }
  const issues: ValidationIssue[] = [];
  if (existsSync(target) && lstatSync(target).isDirectory() && !isFloeTree(target)) {
    issues.push(
      issue(
        "OutputNotFloes",
        `holds ${target}, a directory floe synth did not write: synth replaces <out>/<environment> as a whole`,
        "choose another --out (or move that directory away)",
        target,
      ),
    );
  }
  const realTarget = realish(target);
  for (const input of inputs) {
    if (inside(realTarget, realish(input))) {
      issues.push(issue("OutputHoldsInputs", `would replace ${target}, which holds ${input}, an input of this synth`, "write the tree outside the spec's folder, e.g. --out dist", input));
    }
  }
  return issues;
}

/**
 * Write the tree to `outDir/<environment>/`, replacing that directory as a whole and atomically (staged beside it,
 * then renamed), after `outputIssues` found nothing against it (`inputs`: the spec and the files it reads).
 */
export function writeTree(tree: RenderedTree, outDir: string, inputs: readonly string[] = []): string {
  ValidationError.throwIfAny(outputIssues(outDir, tree.environment, inputs));
  // Each file's YAML is written when its turn comes and not kept (yamlOnce): one file's text at a time.
  const files = new Map<string, string | (() => string)>(tree.files.map((f) => [f.path, () => yamlOnce(f)]));
  for (const [path, content] of treeExtras(tree.acknowledgements)) files.set(path, content);
  return replaceDirectory(join(resolve(outDir), tree.environment), files);
}

/** What {@link synthesizeToDirectory} wrote. */
export interface WrittenTree {
  /** The directory it replaced: `<outDir>/<environment>`. */
  readonly dir: string;
  /** Each file (path under `dir`) with its number of objects, sorted by path. */
  readonly files: readonly { readonly path: string; readonly objects: number }[];
  /** The spec's warnings. */
  readonly warnings: readonly ValidationIssue[];
}

/**
 * `floe synth`: write the spec's tree to `outDir/<environment>/` as `writeTree(synthesize(spec))` does, each file
 * written as its chart renders and each region composed when the one before is written (render.ts specFiles). The
 * tree's files and objects are never all held, nor the constructs of every region: one region's constructs and
 * one file's objects and text at a time (the bench's 2000 tenants x 3 regions: 2.32 GB of peak RSS with the whole
 * tree made first, 1.52 GB with the constructs of every region; docs/performance.md). The bytes written are those of
 * `writeTree(synthesize(spec))` (test/gitops/render.test.ts). An output issue is thrown before anything is written
 * (after the spec's errors, if it has some). A spec error found in a region after the first is thrown once every
 * region is composed, with the files of the regions before it staged: the staging directory is removed, and with
 * it any directory made for it, and the previous tree stays; the directory is replaced only when every file is
 * written.
 */
export function synthesizeToDirectory(spec: PlatformSpec, outDir: string, inputs: readonly string[] = [], onProgress: (step: string) => void = () => undefined): WrittenTree {
  const files = specFiles(spec, onProgress);
  const issues = outputIssues(outDir, spec.environment, inputs);
  if (issues.length > 0) {
    // Nothing is staged: the spec's errors (composing every region) come first, then the output's.
    for (let step = files.next(); !step.done; step = files.next());
    ValidationError.throwIfAny(issues);
  }
  const written: { path: string; objects: number }[] = [];
  let warnings: readonly ValidationIssue[] = [];
  function* entries(): Generator<readonly [string, string]> {
    for (let step = files.next(); ; step = files.next()) {
      if (step.done) {
        warnings = step.value;
        break;
      }
      written.push({ path: step.value.path, objects: step.value.objects.length });
      yield [step.value.path, toYaml(step.value.objects)];
    }
    yield* treeExtras(spec.allowDestructive ?? []);
  }
  const dir = replaceDirectory(join(resolve(outDir), spec.environment), entries());
  written.sort((a, b) => cmp(a.path, b.path));
  return { dir, files: written, warnings };
}

/** The files of a tree beside its manifests: the marker, and the acknowledged deletions when there are some. */
function treeExtras(acknowledgements: RenderedTree["acknowledgements"]): [string, string][] {
  const out: [string, string][] = [[TREE_MARKER, "Written by floe synth; floe synth replaces this directory as a whole.\n"]];
  if (acknowledgements.length > 0) out.push([ACKNOWLEDGEMENTS_FILE, `${JSON.stringify(acknowledgements, null, 2)}\n`]);
  return out;
}

/**
 * Remove what an earlier Floe process left beside `name` when it was killed mid-write (Ctrl-C, a CI timeout): its
 * `.NAME.staging-PID` directory, and its `.NAME.previous-PID` once a tree is in place again (without one, that is
 * the last tree, kept). Only for a PID that no longer runs: a live one may be another Floe writing there.
 */
function removeStale(parent: string, name: string, targetExists: boolean): void {
  const prefix = `.${name}.`;
  for (const entry of readdirSync(parent)) {
    if (!entry.startsWith(prefix)) continue;
    const m = /^(staging|previous)-([0-9]+)$/.exec(entry.slice(prefix.length));
    if (!m || Number(m[2]) === process.pid || running(Number(m[2]))) continue;
    if (m[1] === "previous" && !targetExists) continue;
    rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

/** Whether a process with this PID runs (signal 0 checks without sending; EPERM: it runs as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Replace the directory `target` by one holding exactly `files` (relative path and content, or a function giving it
 * when the file is written; an iterable that makes each entry when asked holds no more than one), atomically: staged
 * beside it, the old one moved aside, the staged one renamed in (the old one restored if that fails), the old
 * one removed. If no tree lands (an entry throws: a spec error found late, a failed write), the staging directory
 * and the directories made for it are removed. The callers check first that `target` is theirs to replace.
 */
export function replaceDirectory(target: string, files: Iterable<readonly [string, string | (() => string)]>): string {
  const parent = dirname(target);
  const name = target.slice(parent.length).replace(/^[\\/]/, "");
  const staging = join(parent, `.${name}.staging-${process.pid}`);
  const previous = join(parent, `.${name}.previous-${process.pid}`);
  // The first directory made for the tree (undefined when `parent` was there): removed again if no tree lands.
  const made = mkdirSync(parent, { recursive: true });
  rmSync(staging, { recursive: true, force: true });
  removeStale(parent, name, existsSync(target));
  let landed = false;
  try {
    mkdirSync(staging, { recursive: true });
    for (const [path, content] of files) {
      mkdirSync(dirname(join(staging, path)), { recursive: true });
      writeFileSync(join(staging, path), typeof content === "function" ? content() : content);
    }
    if (existsSync(target)) renameSync(target, previous);
    try {
      renameSync(staging, target);
    } catch (e) {
      if (existsSync(previous)) renameSync(previous, target);
      throw e;
    }
    landed = true;
    rmSync(previous, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
    if (!landed && made !== undefined) rmSync(made, { recursive: true, force: true });
  }
  return target;
}
