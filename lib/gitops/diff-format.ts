import { DiffResult, FieldChange, ObjectChange } from "./diff";

/** Output formats of `floe diff`. */
export type DiffFormat = "text" | "markdown" | "json";

const show = (v: unknown): string => (v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v));
const id = (c: ObjectChange): string => `${c.kind}/${c.namespace ? `${c.namespace}/` : ""}${c.name}`;
const fieldLine = (f: FieldChange): string => `${f.path}: ${show(f.old)} -> ${show(f.new)}`;
/** The region directory of a change (`eu-west-1/tenant-payments.yaml` -> `eu-west-1`); "" for a file at the root. */
const regionOf = (c: ObjectChange): string => (c.file.includes("/") ? c.file.slice(0, c.file.indexOf("/")) : "");
const riskLabel = (c: ObjectChange): string => (c.acknowledged ? "destructive (acknowledged)" : c.risk);

/** The stable JSON shape: `{ summary, changes: [{ action, apiVersion, kind, namespace, name, file, risk, reasons, fields }] }`. */
export function formatJson(result: DiffResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** Plain text for terminals; ANSI colours when `color`. */
export function formatText(result: DiffResult, color = false): string {
  const paint = (code: number, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const riskColor: Record<string, number> = { destructive: 31, disruptive: 33, safe: 32 };
  const s = result.summary;
  const lines = [
    `floe diff: ${result.changes.length} change(s): ${s.create} create, ${s.update} update, ${s.replace} replace, ${s.delete} delete; ` +
      `${paint(31, `${s.destructive} destructive`)}${s.acknowledged ? ` (+${s.acknowledged} acknowledged)` : ""}, ${paint(33, `${s.disruptive} disruptive`)}, ${s.safe} safe`,
  ];
  for (const c of result.changes) {
    lines.push("", `${paint(riskColor[c.risk], riskLabel(c).toUpperCase())} ${c.action} ${id(c)}  (${c.file})`);
    for (const r of c.reasons) lines.push(`  - ${r}`);
    for (const f of c.fields) lines.push(`    ${fieldLine(f)}`);
  }
  return `${lines.join("\n")}\n`;
}

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Markdown for pull-request comments: summary table first, destructive changes on top, details collapsed. */
export function formatMarkdown(result: DiffResult): string {
  const s = result.summary;
  const icon: Record<string, string> = { destructive: "🔴", disruptive: "🟠", safe: "🟢" };
  const out: string[] = [
    "## Floe platform diff",
    "",
    "| risk | changes |",
    "|---|---|",
    `| ${icon.destructive} destructive | ${s.destructive}${s.acknowledged ? ` (+${s.acknowledged} acknowledged)` : ""} |`,
    `| ${icon.disruptive} disruptive | ${s.disruptive} |`,
    `| ${icon.safe} safe | ${s.safe} |`,
    "",
    `${s.create} create, ${s.update} update, ${s.replace} replace, ${s.delete} delete.`,
  ];
  if (result.changes.length === 0) return `${out.join("\n")}\n\nNo changes.\n`;
  out.push("", "| risk | action | object | file | why |", "|---|---|---|---|---|");
  for (const c of result.changes) {
    out.push(`| ${icon[c.risk]} ${riskLabel(c)} | ${c.action} | \`${cell(id(c))}\` | ${cell(c.file)} | ${cell(c.reasons.join("; ") || "-")} |`);
  }
  out.push("", "<details><summary>Field changes</summary>", "");
  for (const c of result.changes.filter((x) => x.fields.length > 0)) {
    // The same object exists in every region: the heading names which one.
    const where = regionOf(c) ? ` in ${cell(regionOf(c))}` : "";
    out.push(`**${c.action} \`${cell(id(c))}\`${where}**`, "", "```", ...c.fields.map(fieldLine), "```", "");
  }
  out.push("</details>");
  return `${out.join("\n")}\n`;
}

/** Render a diff in a format. */
export function formatDiff(result: DiffResult, format: DiffFormat, color = false): string {
  return format === "json" ? formatJson(result) : format === "markdown" ? formatMarkdown(result) : formatText(result, color);
}
