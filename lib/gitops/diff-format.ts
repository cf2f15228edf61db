import { DiffResult, DiffStream, FieldChange, ObjectChange } from "./diff";

/** Output formats of `floe diff`. */
export type DiffFormat = "text" | "markdown" | "json";

const show = (v: unknown): string => (v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v));
const id = (c: ObjectChange): string => `${c.kind}/${c.namespace ? `${c.namespace}/` : ""}${c.name}`;
const fieldLine = (f: FieldChange): string => `${f.path}: ${show(f.old)} -> ${show(f.new)}`;
/** The region directory of a change (`eu-west-1/tenant-payments.yaml` -> `eu-west-1`); "" for a file at the root. */
const regionOf = (c: ObjectChange): string => (c.file.includes("/") ? c.file.slice(0, c.file.indexOf("/")) : "");
const riskLabel = (c: ObjectChange): string => (c.acknowledged ? "destructive (acknowledged)" : c.risk);

/** A diff to print: a {@link DiffResult}'s, or a {@link DiffStream}'s read back one change at a time. */
interface DiffView {
  readonly summary: DiffResult["summary"];
  readonly count: number;
  /** Each call reads the changes anew (markdown reads them twice). */
  changes(): Iterable<ObjectChange>;
}

const viewOf = (result: DiffResult): DiffView => ({ summary: result.summary, count: result.changes.length, changes: () => result.changes });

/** JSON.stringify(value, null, 2) as it appears `depth` levels down in an indented document. */
const indented = (value: unknown, depth: number): string => JSON.stringify(value, null, 2).replace(/\n/g, `\n${"  ".repeat(depth)}`);

/** The stable JSON shape: `{ summary, changes: [{ action, apiVersion, kind, namespace, name, file, risk, reasons, fields }] }`. */
export function formatJson(result: DiffResult): string {
  return [...jsonChunks(viewOf(result))].join("");
}

/** `JSON.stringify({ summary, changes }, null, 2)` and a newline, a change at a time. */
function* jsonChunks(view: DiffView): Generator<string> {
  yield `{\n  "summary": ${indented(view.summary, 1)},\n  "changes": [`;
  let first = true;
  for (const c of view.changes()) {
    yield `${first ? "" : ","}\n    ${indented(c, 2)}`;
    first = false;
  }
  yield first ? "]\n}\n" : "\n  ]\n}\n";
}

/** Plain text for terminals; ANSI colours when `color`. */
export function formatText(result: DiffResult, color = false): string {
  return [...textChunks(viewOf(result), color)].join("");
}

function* textChunks(view: DiffView, color: boolean): Generator<string> {
  const paint = (code: number, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const riskColor: Record<string, number> = { destructive: 31, disruptive: 33, safe: 32 };
  const s = view.summary;
  yield `floe diff: ${view.count} change(s): ${s.create} create, ${s.update} update, ${s.replace} replace, ${s.delete} delete; ` +
    `${paint(31, `${s.destructive} destructive`)}${s.acknowledged ? ` (+${s.acknowledged} acknowledged)` : ""}, ${paint(33, `${s.disruptive} disruptive`)}, ${s.safe} safe\n`;
  for (const c of view.changes()) {
    const lines = ["", `${paint(riskColor[c.risk], riskLabel(c).toUpperCase())} ${c.action} ${id(c)}  (${c.file})`];
    for (const r of c.reasons) lines.push(`  - ${r}`);
    for (const f of c.fields) lines.push(`    ${fieldLine(f)}`);
    yield `${lines.join("\n")}\n`;
  }
}

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Markdown for pull-request comments: summary table first, destructive changes on top, details collapsed. */
export function formatMarkdown(result: DiffResult): string {
  return [...markdownChunks(viewOf(result))].join("");
}

function* markdownChunks(view: DiffView): Generator<string> {
  const s = view.summary;
  const icon: Record<string, string> = { destructive: "🔴", disruptive: "🟠", safe: "🟢" };
  const lines = (out: readonly string[]) => `${out.join("\n")}\n`;
  yield lines([
    "## Floe platform diff",
    "",
    "| risk | changes |",
    "|---|---|",
    `| ${icon.destructive} destructive | ${s.destructive}${s.acknowledged ? ` (+${s.acknowledged} acknowledged)` : ""} |`,
    `| ${icon.disruptive} disruptive | ${s.disruptive} |`,
    `| ${icon.safe} safe | ${s.safe} |`,
    "",
    `${s.create} create, ${s.update} update, ${s.replace} replace, ${s.delete} delete.`,
  ]);
  if (view.count === 0) {
    yield "\nNo changes.\n";
    return;
  }
  yield lines(["", "| risk | action | object | file | why |", "|---|---|---|---|---|"]);
  for (const c of view.changes()) {
    yield lines([`| ${icon[c.risk]} ${riskLabel(c)} | ${c.action} | \`${cell(id(c))}\` | ${cell(c.file)} | ${cell(c.reasons.join("; ") || "-")} |`]);
  }
  yield lines(["", "<details><summary>Field changes</summary>", ""]);
  for (const c of view.changes()) {
    if (c.fields.length === 0) continue;
    // The same object exists in every region: the heading names which one.
    const where = regionOf(c) ? ` in ${cell(regionOf(c))}` : "";
    yield lines([`**${c.action} \`${cell(id(c))}\`${where}**`, "", "```", ...c.fields.map(fieldLine), "```", ""]);
  }
  yield lines(["</details>"]);
}

/** Render a diff in a format. */
export function formatDiff(result: DiffResult, format: DiffFormat, color = false): string {
  return [...diffChunks(viewOf(result), format, color)].join("");
}

/** A diff in a format, in pieces (a change at a time) to write as they come. */
export function diffChunks(view: DiffView | DiffStream, format: DiffFormat, color = false): Iterable<string> {
  return format === "json" ? jsonChunks(view) : format === "markdown" ? markdownChunks(view) : textChunks(view, color);
}
