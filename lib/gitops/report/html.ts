// The pages of `floe report`: plain HTML rendered here (readable without scripts), tables made sortable and
// filterable by Tabulator, the lineage drawn by Cytoscape.js with the dagre layout. Every value is escaped; data
// for the scripts is embedded as JSON with `<` escaped, so no spec value can end a script element.

import { formatCpu } from "../../k8s/tenancy";
import { DiffResult, ObjectChange } from "../diff";
import { Amounts, ConnectorRow, JobRow, RegionReport, ReportModel, ResourceName, RESOURCES, TenantReport, TopicRow } from "./model";

/** HTML text or attribute value. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** JSON safe inside `<script type="application/json">`. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const RESOURCE_LABEL: Record<ResourceName, string> = {
  cpu: "CPU",
  memory: "Memory",
  pods: "Pods",
  partitions: "Partitions",
  producerByteRate: "Produce rate",
  consumerByteRate: "Consume rate",
};

function formatBinary(n: number, suffix = ""): string {
  const units = ["", "Ki", "Mi", "Gi", "Ti", "Pi"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}B${suffix}`;
}

/** An amount as people read it: cores, bytes, bytes per second, counts. */
export function formatAmount(resource: ResourceName, n: number): string {
  if (resource === "cpu") return `${formatCpu(n)} cores`;
  if (resource === "memory") return formatBinary(n);
  if (resource === "producerByteRate" || resource === "consumerByteRate") return formatBinary(n, "/s");
  return String(n);
}

/** `retention.ms` as people read it. */
export function formatRetention(ms: number | undefined): string {
  if (ms === undefined) return "broker default";
  if (ms < 0) return "forever";
  const units: [number, string][] = [
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "min"],
    [1000, "s"],
  ];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size} ${unit}`;
  return `${ms} ms`;
}

/** Bars of amounts against a capacity (a plain amount when the capacity is not declared). */
function bars(amounts: Amounts, capacity: Partial<Amounts>, caption: string): string {
  const rows = RESOURCES.map((r) => {
    const cap = capacity[r];
    if (cap === undefined) {
      return `<div class="bar-row"><span class="bar-label">${RESOURCE_LABEL[r]}</span><span class="bar-text">${esc(formatAmount(r, amounts[r]))} (no capacity declared)</span></div>`;
    }
    const pct = cap === 0 ? (amounts[r] > 0 ? 100 : 0) : (amounts[r] / cap) * 100;
    const level = pct > 100 ? "over" : pct > 85 ? "high" : "ok";
    return (
      `<div class="bar-row"><span class="bar-label">${RESOURCE_LABEL[r]}</span>` +
      `<span class="bar" role="meter" aria-valuemin="0" aria-valuemax="${cap}" aria-valuenow="${amounts[r]}" aria-label="${RESOURCE_LABEL[r]}">` +
      `<span class="bar-fill ${level}" style="width:${Math.min(100, pct).toFixed(1)}%"></span></span>` +
      `<span class="bar-text">${esc(formatAmount(r, amounts[r]))} of ${esc(formatAmount(r, cap))} (${pct.toFixed(0)}%)</span></div>`
    );
  });
  return `<div class="bars" aria-label="${esc(caption)}">${rows.join("")}</div>`;
}

function page(title: string, depth: number, body: string, options: { nav: string; scripts?: readonly string[] } = { nav: "" }): string {
  const up = "../".repeat(depth);
  const scripts = (options.scripts ?? []).map((s) => `<script src="${up}assets/${s}"></script>`).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="stylesheet" href="${up}assets/tabulator.min.css">
<link rel="stylesheet" href="${up}assets/report.css">
</head>
<body>
<header><a class="brand" href="${up}index.html">Floe</a>${options.nav}</header>
<main>
${body}
</main>
${scripts}
<script src="${up}assets/report.js"></script>
</body>
</html>
`;
}

function sum(tenants: readonly TenantReport[]): Amounts {
  const out = Object.fromEntries(RESOURCES.map((r) => [r, 0])) as Record<ResourceName, number>;
  for (const t of tenants) for (const r of RESOURCES) out[r] += t.quota[r];
  return out;
}

/** The path of a tenant's page, relative to the report root. */
export function tenantPagePath(region: string, tenant: string): string {
  return `regions/${region}/${tenant}.html`;
}

function regionSection(region: RegionReport): string {
  const share = (t: TenantReport, r: ResourceName) => {
    const cap = region.capacity[r];
    return cap ? Math.round((t.quota[r] / cap) * 1000) / 10 : null;
  };
  const rows = region.tenants.map((t) => ({
    tenant: t.name,
    href: tenantPagePath(region.name, t.name),
    ...Object.fromEntries(RESOURCES.map((r) => [r, share(t, r)])),
    ...Object.fromEntries(RESOURCES.map((r) => [`${r}Text`, formatAmount(r, t.quota[r])])),
    topics: t.topics.length,
    jobs: t.jobs.length,
    sources: t.sources.length,
    sinks: t.sinks.length,
  }));
  const id = `tenants-${region.name}`;
  const plain = region.tenants
    .map((t) => `<li><a href="${esc(tenantPagePath(region.name, t.name))}">${esc(t.name)}</a></li>`)
    .join("");
  return `<section class="region" id="region-${esc(region.name)}">
<h2>Region ${esc(region.name)}</h2>
<p>${region.tenants.length} tenants. Quotas allocated against the region's capacity:</p>
${bars(sum(region.tenants), region.capacity, `allocated in ${region.name}`)}
<h3>Tenants</h3>
<p class="hint">Each bar is the tenant's quota as a share of the region's capacity (empty when the region declares none). Click a column to sort, type in its header to filter.</p>
<div class="tenant-table" data-table="tenants" data-source="${esc(id)}" data-capacity="${esc(RESOURCES.filter((r) => region.capacity[r] !== undefined).join(","))}"></div>
<script type="application/json" id="${esc(id)}">${scriptJson(rows)}</script>
<noscript><ul>${plain}</ul></noscript>
</section>`;
}

function nav(model: ReportModel, depth: number): string {
  const up = "../".repeat(depth);
  const regions = model.regions.map((r) => `<a href="${up}index.html#region-${esc(r.name)}">${esc(r.name)}</a>`).join("");
  return `<nav>${regions}${model.diff ? `<a href="${up}diff.html">Changes</a>` : ""}</nav>`;
}

/** The overview: per region, capacity use and the tenants. */
export function indexPage(model: ReportModel): string {
  const tenants = new Set(model.regions.flatMap((r) => r.tenants.map((t) => t.name))).size;
  const diff = model.diff
    ? `<p class="diff-summary">Against the base rendering: ${diffSummary(model.diff)} <a href="diff.html">See the changes</a>.</p>`
    : "";
  const body = `<h1>Environment ${esc(model.environment)}${model.production ? ' <span class="badge prod">production</span>' : ""}</h1>
<p>${model.objects} objects, ${model.regions.length} regions, ${tenants} tenants.</p>
${diff}
${model.regions.map((r) => regionSection(r)).join("\n")}`;
  return page(`Floe: ${model.environment}`, 0, body, { nav: nav(model, 0), scripts: ["tabulator.min.js"] });
}

function table<T>(caption: string, rows: readonly T[], columns: readonly [string, (row: T) => string][], empty: string): string {
  if (rows.length === 0) return `<h2>${esc(caption)}</h2><p class="empty">${esc(empty)}</p>`;
  const head = columns.map(([h]) => `<th>${esc(h)}</th>`).join("");
  const body = rows.map((row) => `<tr>${columns.map(([, cell]) => `<td>${cell(row)}</td>`).join("")}</tr>`).join("\n");
  return `<h2>${esc(caption)}</h2><table class="data" data-caption="${esc(caption)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const badge = (value: string) => `<span class="badge ${esc(value.replace(/[^a-z-]/g, ""))}">${esc(value)}</span>`;

function topicTable(topics: readonly TopicRow[]): string {
  return table("Topics", topics, [
    ["Topic", (t) => `<code>${esc(t.name)}</code>`],
    ["Partitions", (t) => esc(t.partitions)],
    ["Replicas", (t) => esc(t.replicas)],
    ["Retention", (t) => esc(formatRetention(t.retentionMs))],
    ["Cleanup", (t) => esc(t.cleanupPolicy)],
    ["Schemas", (t) => (t.schemas.length === 0 ? "none" : t.schemas.map((s) => `<code>${esc(s.subject)}</code> ${esc(s.type)} <span class="fingerprint">${esc(s.version)}</span>`).join("<br>"))],
  ], "The tenant has no topics in this region.");
}

function jobTable(jobs: readonly JobRow[]): string {
  return table("Flink jobs", jobs, [
    ["Job", (j) => `<code>${esc(j.name)}</code>`],
    ["Kind", (j) => esc(j.kind)],
    ["State", (j) => badge(j.state)],
    ["Upgrade mode", (j) => esc(j.upgradeMode)],
    ["Parallelism", (j) => esc(j.parallelism ?? "-")],
    ["Guarantee", (j) => badge(j.guarantee)],
    ["Autoscaler", (j) => (j.autoscaler ? "on" : "off")],
  ], "The tenant runs no Flink jobs in this region.");
}

function connectorTable(caption: string, rows: readonly ConnectorRow[], tablesHeading: string, topicsHeading: string): string {
  return table(caption, rows, [
    ["Connector", (c) => `<code>${esc(c.name)}</code>`],
    ["Type", (c) => esc(c.type)],
    ["State", (c) => badge(c.state)],
    ["Tasks", (c) => esc(c.tasks)],
    [tablesHeading, (c) => c.tables.map((t) => `<code>${esc(t)}</code>`).join("<br>")],
    [topicsHeading, (c) => c.topics.map((t) => `<code>${esc(t)}</code>`).join("<br>")],
  ], `The tenant has no ${caption.toLowerCase()} in this region.`);
}

/** A tenant's page in one region. */
export function tenantPage(model: ReportModel, region: RegionReport, tenant: TenantReport): string {
  const graph = {
    nodes: tenant.lineage.nodes.map((n) => ({ id: n.id, label: `${n.kind}: ${n.name}`, kind: n.kind, type: n.type, own: n.tenant === tenant.name && n.region === region.name, region: n.region })),
    edges: tenant.lineage.edges.map((e) => ({ from: e.from, to: e.to, ...(e.version ? { label: e.version } : {}) })),
  };
  const body = `<h1>Tenant ${esc(tenant.name)} <span class="sub">in ${esc(region.name)}, environment ${esc(model.environment)}</span></h1>
<h2>Quota against the region's capacity</h2>
${bars(tenant.quota, region.capacity, `${tenant.name} in ${region.name}`)}
<h2>Lineage</h2>
<p class="hint">Sources, topics, jobs, sinks and schemas of the tenant in ${esc(region.name)}; nodes of other regions (mirrors) are dashed. Scroll to zoom, drag to pan.</p>
<div id="lineage" class="graph" data-nodes="${graph.nodes.length}" data-edges="${graph.edges.length}"></div>
<script type="application/json" id="lineage-data">${scriptJson(graph)}</script>
${topicTable(tenant.topics)}
${jobTable(tenant.jobs)}
${connectorTable("Sources", tenant.sources, "Tables read", "Topics written")}
${connectorTable("Sinks", tenant.sinks, "Tables written", "Topics read")}`;
  return page(`Floe: ${tenant.name} in ${region.name}`, 2, body, { nav: nav(model, 2), scripts: ["cytoscape.min.js", "cytoscape-dagre.min.js"] });
}

function diffSummary(diff: DiffResult): string {
  const s = diff.summary;
  return `${s.create} created, ${s.update} updated, ${s.replace} replaced, ${s.delete} deleted; ${s.destructive} destructive${s.acknowledged ? ` (+${s.acknowledged} acknowledged)` : ""}, ${s.disruptive} disruptive, ${s.safe} safe.`;
}

function fieldValue(v: unknown): string {
  if (v === undefined) return "-";
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return `<code>${esc(text.length > 200 ? `${text.slice(0, 200)}...` : text)}</code>`;
}

function changeRow(c: ObjectChange): string {
  const fields = c.fields
    .slice(0, 20)
    .map((f) => `<li><code>${esc(f.path)}</code>: ${fieldValue(f.old)} &rarr; ${fieldValue(f.new)}</li>`)
    .join("");
  const more = c.fields.length > 20 ? `<li>... ${c.fields.length - 20} more fields</li>` : "";
  const risk = c.acknowledged ? `${badge(c.risk)} ${badge("acknowledged")}` : badge(c.risk);
  return `<tr class="risk-${esc(c.risk)}"><td>${risk}</td><td>${esc(c.action)}</td><td>${esc(c.kind)}</td><td><code>${esc(c.namespace ? `${c.namespace}/${c.name}` : c.name)}</code></td><td>${esc(c.file)}</td><td>${c.reasons.map((r) => `<p>${esc(r)}</p>`).join("")}${fields || more ? `<ul class="fields">${fields}${more}</ul>` : ""}</td></tr>`;
}

/** The classified diff against the base rendering. */
export function diffPage(model: ReportModel, diff: DiffResult): string {
  const rows = diff.changes.map(changeRow).join("\n");
  const body = `<h1>Changes <span class="sub">against the base rendering, environment ${esc(model.environment)}</span></h1>
<p class="diff-summary">${esc(diffSummary(diff))}</p>
${diff.changes.length === 0 ? '<p class="empty">No object changes.</p>' : `<table class="data diff"><thead><tr><th>Risk</th><th>Action</th><th>Kind</th><th>Object</th><th>File</th><th>Why, and what changed</th></tr></thead><tbody>\n${rows}\n</tbody></table>`}`;
  return page(`Floe: changes in ${model.environment}`, 0, body, { nav: nav(model, 0) });
}
