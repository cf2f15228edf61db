// `floe report`: a static site (no server, no CDN) of a rendered environment.

import { existsSync, lstatSync, readdirSync, statSync } from "fs";
import { dirname, join, resolve } from "path";
import { ValidationError, ValidationIssue } from "../../core";
import { RenderedTree } from "../../platform/render";
import { PlatformSpec } from "../../platform/spec/schema";
import { diffTreeAgainst } from "../diff";
import { buildLineage } from "../lineage";
import { inside, replaceDirectory, TREE_MARKER } from "../render";
import { libraryAssets, REPORT_CSS, REPORT_JS } from "./assets";
import { diffPage, indexPage, tenantPage, tenantPagePath } from "./html";
import { buildReportModel, ReportModel } from "./model";

export { buildReportModel } from "./model";
export type { ReportModel } from "./model";

/** The file every report carries: its mark that the directory is Floe's to replace. */
export const REPORT_MARKER = ".floe-report";

/** The directory of a base rendering: `DIR/<environment>` when DIR is synth's output root, else DIR itself. */
export function baseTreeDir(dir: string, environment: string): string {
  const nested = join(dir, environment);
  return existsSync(join(nested, TREE_MARKER)) ? nested : dir;
}

/** Why `dir` cannot serve as the base rendering. */
export function baseIssues(dir: string, environment: string): ValidationIssue[] {
  const issue = (message: string, fix: string): ValidationIssue => ({ code: "ReportBaseInvalid", scope: "--base", field: "", value: dir, message, fix });
  if (!existsSync(dir)) return [issue("does not exist", "render the base first (e.g. floe synth on the target branch's spec with --out base) and pass its directory")];
  if (!statSync(dir).isDirectory()) return [issue("is a file, not a directory", "pass the directory floe synth wrote")];
  const tree = baseTreeDir(dir, environment);
  const regions = readdirSync(tree, { withFileTypes: true }).filter((e) => e.isDirectory());
  if (regions.length === 0) {
    return [issue(`holds no rendered regions (looked in ${tree})`, `pass the directory floe synth wrote: <out> or <out>/${environment}`)];
  }
  return [];
}

/** Why the report cannot be written to `outDir`, before anything is written. */
export function reportOutputIssues(outDir: string, inputs: readonly string[] = []): ValidationIssue[] {
  const issue = (code: string, message: string, fix: string, value = outDir): ValidationIssue => ({ code, scope: "--out", field: "", value, message, fix });
  const target = resolve(outDir);
  if (["/proc", "/sys", "/dev"].some((v) => inside(v, target))) {
    return [issue("OutputNotWritable", "is on a virtual file system (/proc, /sys, /dev)", "write the report to a directory on disk, e.g. --out report")];
  }
  let existing = target;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) {
    return [issue("OutputIsFile", existing === target ? "is a file, not a directory" : `lies under ${existing}, which is a file`, "name a directory (it is created if missing)")];
  }
  const issues: ValidationIssue[] = [];
  if (existsSync(target) && lstatSync(target).isDirectory() && readdirSync(target).length > 0 && !existsSync(join(target, REPORT_MARKER))) {
    issues.push(issue("OutputNotFloes", "is a directory floe report did not write: the report replaces its directory as a whole", "choose another --out (an empty or new directory), or move that directory away"));
  }
  for (const input of inputs) {
    if (inside(target, resolve(input))) issues.push(issue("OutputHoldsInputs", `holds ${input}, an input of this report`, "write the report outside the spec's folder and the base rendering", input));
  }
  return issues;
}

/** The report's files: path relative to the report root -> content. Deterministic for the same input. */
export function renderReport(model: ReportModel): Map<string, string> {
  const files = new Map<string, string>();
  files.set("index.html", indexPage(model));
  for (const region of model.regions) {
    for (const tenant of region.tenants) files.set(tenantPagePath(region.name, tenant.name), tenantPage(model, region, tenant));
  }
  if (model.diff) files.set("diff.html", diffPage(model, model.diff));
  files.set("assets/report.css", REPORT_CSS);
  files.set("assets/report.js", REPORT_JS);
  for (const [name, content] of libraryAssets()) files.set(`assets/${name}`, content);
  files.set(REPORT_MARKER, "Written by floe report; floe report replaces this directory as a whole.\n");
  return files;
}

/** Write the report's files to `outDir`, replacing it as a whole and atomically (render.ts replaceDirectory). */
export function writeReport(files: ReadonlyMap<string, string>, outDir: string, inputs: readonly string[] = []): string {
  ValidationError.throwIfAny(reportOutputIssues(outDir, inputs));
  return replaceDirectory(resolve(outDir), files);
}

/** The report model of a spec and its rendering, with the diff against a base rendering directory when given. */
export function reportModel(spec: PlatformSpec, tree: RenderedTree, baseDir?: string): ReportModel {
  let diff;
  if (baseDir !== undefined) {
    ValidationError.throwIfAny(baseIssues(baseDir, spec.environment));
    const base = baseTreeDir(baseDir, spec.environment);
    diff = diffTreeAgainst(base, tree);
  }
  return buildReportModel(spec, tree, buildLineage(spec), diff);
}
