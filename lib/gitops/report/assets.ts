// The report's own stylesheet and script, and the front-end libraries it copies next to its pages (no CDN: the
// site opens from disk). The libraries come from the package's dependencies at their pinned versions.

import { readFileSync } from "fs";
import { dirname, join } from "path";

/** The library files the pages load, by the name they have under `assets/`. */
export function libraryAssets(): Map<string, string> {
  const dagreDir = dirname(require.resolve("cytoscape-dagre"));
  const files: [string, string][] = [
    ["cytoscape.min.js", require.resolve("cytoscape/dist/cytoscape.min.js")],
    ["cytoscape-dagre.min.js", join(dagreDir, "cytoscape-dagre.min.js")],
    ["tabulator.min.js", require.resolve("tabulator-tables/dist/js/tabulator.min.js")],
    ["tabulator.min.css", require.resolve("tabulator-tables/dist/css/tabulator.min.css")],
    ["licenses/cytoscape.txt", join(dirname(require.resolve("cytoscape/dist/cytoscape.min.js")), "..", "LICENSE")],
    ["licenses/cytoscape-dagre.txt", join(dagreDir, "..", "LICENSE")],
    ["licenses/tabulator-tables.txt", join(dirname(require.resolve("tabulator-tables/dist/js/tabulator.min.js")), "..", "..", "LICENSE")],
  ];
  return new Map(files.map(([name, path]) => [name, readFileSync(path, "utf8")]));
}

export const REPORT_CSS = `:root { --fg: #1d2433; --muted: #5b6475; --line: #d9dde5; --accent: #2458b3; --ok: #2e8b57; --high: #d9921a; --over: #c0392b; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #f6f7f9; }
header { display: flex; gap: 24px; align-items: center; padding: 10px 24px; background: #14213d; color: #fff; }
header a { color: #fff; text-decoration: none; margin-right: 16px; }
header .brand { font-weight: 700; font-size: 18px; }
main { padding: 16px 24px 48px; max-width: 1400px; }
h1 .sub, .sub { color: var(--muted); font-weight: 400; font-size: 0.7em; }
section.region { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 16px 16px; margin: 16px 0; }
.hint { color: var(--muted); }
.bars { display: grid; gap: 6px; margin: 8px 0 16px; max-width: 760px; }
.bar-row { display: grid; grid-template-columns: 120px 260px 1fr; gap: 12px; align-items: center; }
.bar { display: block; height: 14px; background: #e8ebf0; border-radius: 7px; overflow: hidden; }
.bar-fill { display: block; height: 100%; }
.bar-fill.ok { background: var(--ok); } .bar-fill.high { background: var(--high); } .bar-fill.over { background: var(--over); }
.bar-text { color: var(--muted); }
table.data { border-collapse: collapse; width: 100%; background: #fff; margin-bottom: 16px; }
table.data th, table.data td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
table.data th { background: #eef1f6; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; background: #e8ebf0; }
.badge.running, .badge.safe, .badge.exactly-once { background: #d6f0df; }
.badge.suspended, .badge.stopped, .badge.paused, .badge.disruptive, .badge.at-least-once, .badge.undeclared { background: #fbe8c8; }
.badge.destructive, .badge.prod { background: #f6d3cf; }
.badge.acknowledged { background: #dfe6f5; }
.fingerprint { color: var(--muted); font-size: 12px; }
.cell-bar { display: grid; grid-template-columns: 60px 1fr; gap: 6px; align-items: center; }
.cell-bar .bar { height: 10px; }
.graph { height: 520px; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
.empty { color: var(--muted); font-style: italic; }
ul.fields { margin: 4px 0; padding-left: 18px; }
`;

/*
 * Tenant tables (Tabulator: sortable, filterable, paged, usable at thousands of rows) and the lineage graph
 * (Cytoscape.js, dagre layout left to right). `window.floeReport` tells a test what was drawn.
 */
export const REPORT_JS = `(function () {
  "use strict";
  var report = { tables: 0, graph: null };
  window.floeReport = report;
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  var LABELS = { cpu: "CPU", memory: "Memory", pods: "Pods", partitions: "Partitions", producerByteRate: "Produce rate", consumerByteRate: "Consume rate" };
  document.querySelectorAll("[data-table=tenants]").forEach(function (el) {
    var withCapacity = el.getAttribute("data-capacity").split(",").filter(Boolean);
    var columns = [{ title: "Tenant", field: "tenant", headerFilter: "input", formatter: "link", formatterParams: { urlField: "href", labelField: "tenant" }, minWidth: 160 }];
    Object.keys(LABELS).forEach(function (r) {
      if (withCapacity.indexOf(r) >= 0) {
        columns.push({ title: LABELS[r], field: r, sorter: "number", minWidth: 150, formatter: function (cell) {
          var v = cell.getValue() || 0, text = cell.getRow().getData()[r + "Text"];
          var level = v > 100 ? "over" : v > 85 ? "high" : "ok";
          var el = document.createElement("span");
          el.className = "cell-bar";
          el.innerHTML = '<span class="bar"><span class="bar-fill ' + level + '" style="width:' + Math.min(100, v) + '%"></span></span>';
          var label = document.createElement("span");
          label.className = "bar-text";
          label.textContent = text + " (" + v + "%)";
          el.appendChild(label);
          return el;
        } });
      } else {
        columns.push({ title: LABELS[r], field: r + "Text", minWidth: 110 });
      }
    });
    ["topics", "jobs", "sources", "sinks"].forEach(function (f) { columns.push({ title: f.charAt(0).toUpperCase() + f.slice(1), field: f, sorter: "number", width: 90 }); });
    var table = new Tabulator(el, { data: data(el.getAttribute("data-source")), columns: columns, layout: "fitDataStretch", pagination: true, paginationSize: 50, paginationCounter: "rows", initialSort: [{ column: "tenant", dir: "asc" }] });
    table.on("tableBuilt", function () { report.tables += 1; });
  });
  var graph = document.getElementById("lineage");
  if (graph && window.cytoscape) {
    cytoscape.use(cytoscapeDagre);
    var g = data("lineage-data");
    var elements = g.nodes.map(function (n) { return { data: { id: n.id, label: n.label, kind: n.kind, type: n.type, own: n.own ? "yes" : "no" } }; })
      .concat(g.edges.map(function (e, i) { return { data: { id: "e" + i, source: e.from, target: e.to, label: e.label || "" } }; }));
    var cy = cytoscape({
      container: graph, elements: elements,
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 11, "text-valign": "center", "text-halign": "center", "text-wrap": "wrap", "text-max-width": 170, width: 180, height: 38, shape: "round-rectangle", "background-color": "#dfe6f5", "border-width": 1, "border-color": "#2458b3" } },
        { selector: "node[type = 'dataset']", style: { shape: "barrel", "background-color": "#e4f2e8", "border-color": "#2e8b57" } },
        { selector: "node[type = 'schema']", style: { shape: "hexagon", "background-color": "#f4ecd9", "border-color": "#b07d1a" } },
        { selector: "node[own = 'no']", style: { "border-style": "dashed", opacity: 0.75 } },
        { selector: "edge", style: { width: 1.5, "curve-style": "bezier", "target-arrow-shape": "triangle", "line-color": "#8a94a6", "target-arrow-color": "#8a94a6", label: "data(label)", "font-size": 9, color: "#5b6475" } },
      ],
      layout: { name: "dagre", rankDir: "LR", nodeSep: 18, rankSep: 70 },
    });
    report.graph = { nodes: cy.nodes().length, edges: cy.edges().length };
  }
})();
`;
