import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { stringify } from "yaml";
import { diffDirectories, Manifest, parsePlatformSpec, synthesize } from "../../lib/internal";
import { run } from "../../lib/cli";
import { buildLineage } from "../../lib/gitops/lineage";
import { writeTree } from "../../lib/gitops/render";
import { baseIssues, buildReportModel, renderReport, REPORT_MARKER, reportModel, reportOutputIssues, writeReport } from "../../lib/gitops/report";
import { esc, formatAmount, formatRetention } from "../../lib/gitops/report/html";
import { devSpecWithJob, devSpecWithSource, exampleSpec } from "../helpers/specs";

const work = mkdtempSync(join(tmpdir(), "floe-report-unit-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const example = parsePlatformSpec(exampleSpec());
const exampleTree = synthesize(example);
const exampleModel = buildReportModel(example, exampleTree, buildLineage(example));

async function floe(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe("report model", () => {
  const region = exampleModel.regions.find((r) => r.name === "eu-west-1")!;
  const payments = region.tenants.find((t) => t.name === "payments")!;

  it("has each region with its declared capacity and its tenants, sorted", () => {
    expect(exampleModel.regions.map((r) => r.name)).toEqual(["eu-west-1", "us-east-1"]);
    expect(region.tenants.map((t) => t.name)).toEqual(["analytics", "logistics", "payments"]);
    expect(region.capacity).toEqual({ cpu: 96_000, memory: 384 * 1024 ** 3, pods: 400, partitions: 2000, producerByteRate: 300 * 1024 ** 2, consumerByteRate: 600 * 1024 ** 2 });
    // us-east-1 declares no byte rates.
    expect(exampleModel.regions[1].capacity.producerByteRate).toBeUndefined();
    expect(exampleModel.objects).toBe(exampleTree.files.reduce((n, f) => n + f.objects.length, 0));
  });

  it("reads the tenant's quota off the rendered ResourceQuota, topics and users", () => {
    expect(payments.quota).toEqual({ cpu: 32_000, memory: 96 * 1024 ** 3, pods: 80, partitions: 126, producerByteRate: 10 * 1024 ** 2, consumerByteRate: 20 * 1024 ** 2 });
  });

  it("lists topics with partitions, replicas, retention, cleanup policy and the subjects typing them", () => {
    const state = payments.topics.find((t) => t.name === "payments.customer-state")!;
    expect(state).toMatchObject({ partitions: 6, replicas: 3, retentionMs: -1, cleanupPolicy: "compact" });
    const orders = payments.topics.find((t) => t.name === "payments.orders")!;
    expect(orders.schemas.map((s) => `${s.subject} ${s.type}`)).toEqual(["payments.orders-key AVRO", "payments.orders-value AVRO"]);
    expect(orders.schemas[0].version).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it("lists jobs with state, upgrade mode, parallelism, declared guarantee and autoscaler", () => {
    expect(payments.jobs.map((j) => [j.name, j.kind, j.state, j.upgradeMode, j.autoscaler])).toEqual([
      ["payments-fraud-scorer", "application", "running", "savepoint", true],
      ["payments-order-totals", "application", "running", "savepoint", false],
    ]);
    const declared = (example.tenants ?? []).find((t) => t.name === "payments")!.jobs!.map((j) => j.guarantee ?? "undeclared");
    expect(payments.jobs.map((j) => j.guarantee).sort()).toEqual(declared.sort());
  });

  it("lists sources with the tables they read and sinks with the tables they write", () => {
    expect(payments.sources.map((s) => [s.name, s.type, s.state])).toEqual([["payments-orders-db", "postgres", "running"]]);
    expect(payments.sources[0].topics).toContain("payments.orders-db.public.orders");
    expect(payments.sources[0].tables.some((t) => t.endsWith("/orders.public.orders"))).toBe(true);
    const lake = payments.sinks.find((s) => s.name === "payments.orders-lake")!;
    expect(lake.type).toBe("iceberg-sink");
    expect(lake.tables.some((t) => t.startsWith("s3://") && t.includes("/tenants/payments/lake/"))).toBe(true);
    expect(lake.topics).toContain("payments.orders-db.public.orders");
  });

  it("keeps the tenant's lineage and the other region's nodes its mirror edges reach", () => {
    const standby = exampleModel.regions[1].tenants.find((t) => t.name === "payments")!;
    const foreign = standby.lineage.nodes.filter((n) => n.region !== "us-east-1");
    expect(standby.lineage.nodes.some((n) => n.kind === "mirror")).toBe(true);
    expect(foreign.length).toBeGreaterThan(0);
    expect(foreign.every((n) => n.kind === "topic" && n.region === "eu-west-1")).toBe(true);
    const ids = new Set(standby.lineage.nodes.map((n) => n.id));
    expect(standby.lineage.edges.every((e) => ids.has(e.from) && ids.has(e.to))).toBe(true);
  });

  it("marks session clusters and reads undeclared guarantees as such", () => {
    const spec = devSpecWithJob();
    spec.tenants[0].sessionClusters = [{ name: "adhoc" }];
    const parsed = parsePlatformSpec(spec);
    const model = buildReportModel(parsed, synthesize(parsed), buildLineage(parsed));
    const alpha = model.regions[0].tenants.find((t) => t.name === "alpha")!;
    expect(alpha.jobs.map((j) => [j.name, j.kind, j.guarantee])).toEqual([
      ["alpha-adhoc", "session-cluster", "-"],
      ["alpha-enricher", "application", "undeclared"],
    ]);
    expect(model.regions[0].capacity).toEqual({});
  });
});

describe("report pages", () => {
  const files = renderReport(exampleModel);

  it("writes an overview, a page per tenant and region, the assets and its marker; no diff page without a base", () => {
    expect([...files.keys()].filter((f) => f.endsWith(".html")).sort()).toEqual([
      "index.html",
      "regions/eu-west-1/analytics.html",
      "regions/eu-west-1/logistics.html",
      "regions/eu-west-1/payments.html",
      "regions/us-east-1/analytics.html",
      "regions/us-east-1/payments.html",
    ]);
    for (const a of ["assets/cytoscape.min.js", "assets/cytoscape-dagre.min.js", "assets/tabulator.min.js", "assets/tabulator.min.css", "assets/report.js", "assets/report.css", "assets/licenses/cytoscape.txt"]) {
      expect(files.get(a)?.length).toBeGreaterThan(100);
    }
    expect(files.has(REPORT_MARKER)).toBe(true);
  });

  it("is self-contained: no page or script loads anything from the network", () => {
    for (const [path, content] of files) {
      if (!path.endsWith(".html")) continue;
      expect(content).not.toMatch(/(src|href)="(https?:)?\/\//);
      for (const m of content.matchAll(/(?:src|href)="([^"#]+)/g)) {
        const target = join(path, "..", m[1]).replace(/^(\.\.\/)+/, "");
        expect(files.has(target)).toBe(true);
      }
    }
  });

  it("renders byte-identical pages for the same input", () => {
    const again = renderReport(buildReportModel(example, synthesize(example), buildLineage(example)));
    expect([...again.entries()]).toEqual([...files.entries()]);
  });

  it("shows capacity bars with amounts, and amounts alone where no capacity is declared", () => {
    const index = files.get("index.html")!;
    expect(index).toContain('aria-label="CPU"');
    expect(index).toContain("56 cores of 96 cores (58%)");
    expect(index).toContain("210 MiB/s (no capacity declared)");
  });

  it("embeds data so that no value can close its script element", () => {
    const model = { ...exampleModel, environment: "x</script><script>alert(1)</script>" };
    const page = renderReport(model).get("index.html")!;
    expect(page).not.toContain("<script>alert(1)");
    expect(page).toContain("x&lt;/script&gt;");
    expect(esc(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("formats amounts and retention as people read them", () => {
    expect(formatAmount("cpu", 2500)).toBe("2500m cores");
    expect(formatAmount("memory", 96 * 1024 ** 3)).toBe("96 GiB");
    expect(formatAmount("producerByteRate", 1536)).toBe("1.5 KiB/s");
    expect(formatAmount("partitions", 7)).toBe("7");
    expect(formatRetention(undefined)).toBe("broker default");
    expect(formatRetention(-1)).toBe("forever");
    expect(formatRetention(7 * 86_400_000)).toBe("7 d");
    expect(formatRetention(90 * 60_000)).toBe("90 min");
    expect(formatRetention(1500)).toBe("1500 ms");
  });

  it("marks a bar high above 85% and over above 100%", () => {
    const region = exampleModel.regions[0];
    const model = { ...exampleModel, regions: [{ ...region, capacity: { ...region.capacity, cpu: 60_000, memory: 100 * 1024 ** 3 } }] };
    const index = renderReport(model).get("index.html")!;
    expect(index).toMatch(/bar-fill high" style="width:93\.3%"/);
    expect(index).toMatch(/bar-fill over" style="width:100\.0%"/);
  });
});

describe("report with a base rendering", () => {
  const base = join(work, "base");
  beforeAll(() => {
    const spec = exampleSpec();
    spec.tenants![0].topics = [...(spec.tenants![0].topics ?? []), { name: "legacy-events" }];
    writeTree(synthesize(parsePlatformSpec(spec)), base);
  });

  it("adds the classified diff page, destructive changes first, from synth's output root or its environment folder", () => {
    for (const dir of [base, join(base, "prod")]) {
      const model = reportModel(example, exampleTree, dir);
      expect(model.diff!.summary.destructive).toBe(2);
      const page = renderReport(model).get("diff.html")!;
      expect(page.indexOf("payments.legacy-events")).toBeGreaterThan(0);
      expect(page).toContain('<tr class="risk-destructive">');
    }
  });

  it("compares file pair by file pair as floe diff does: the same changes as diffing the two directories", () => {
    // The head written as synth writes it too; beside the base's own changes, an object moved to another file of its
    // region (one update), a file only in the base (its objects deleted) and one only in the head tree (created).
    const moved = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "moved", namespace: "payments" }, data: { a: "b" } };
    const file = (path: string, obj: object) => ({ path, objects: [obj] as Manifest[], content: stringify(obj) });
    const extra = [file("eu-west-1/z-last.yaml", { ...moved, data: { a: "c" } }), file("us-east-1/only-head.yaml", { ...moved, metadata: { name: "new", namespace: "payments" } })];
    const head = { ...exampleTree, files: [...exampleTree.files, ...extra] };
    const baseDir = join(work, "base-moved");
    cpSync(base, baseDir, { recursive: true });
    writeFileSync(join(baseDir, "prod", "eu-west-1", "a-first.yaml"), stringify(moved));
    writeFileSync(join(baseDir, "prod", "us-east-1", "only-base.yaml"), stringify({ ...moved, metadata: { name: "gone", namespace: "payments" } }));
    const headDir = join(work, "head-moved");
    writeTree(head, headDir);
    const fromReport = reportModel(example, head, baseDir).diff!;
    expect(fromReport).toEqual(diffDirectories(join(baseDir, "prod"), join(headDir, "prod")));
    expect(fromReport.changes.filter((c) => c.kind === "ConfigMap" && ["moved", "gone", "new"].includes(c.name)).map((c) => [c.name, c.action, c.file])).toEqual([
      ["gone", "delete", join("us-east-1", "only-base.yaml")],
      ["moved", "update", join("eu-west-1", "z-last.yaml")],
      ["new", "create", join("us-east-1", "only-head.yaml")],
    ]);
    // The base's extra topic in both regions, as from the whole trees.
    expect(fromReport.summary.destructive).toBe(2);
  });

  it("refuses a base that is missing, a file or holds no rendering", () => {
    expect(baseIssues(join(work, "nope"), "prod")[0]).toMatchObject({ code: "ReportBaseInvalid", scope: "--base", message: "does not exist" });
    writeFileSync(join(work, "file"), "x");
    expect(baseIssues(join(work, "file"), "prod")[0].message).toBe("is a file, not a directory");
    mkdirSync(join(work, "empty"), { recursive: true });
    expect(baseIssues(join(work, "empty"), "prod")[0].message).toMatch(/holds no rendered regions/);
    expect(baseIssues(base, "prod")).toEqual([]);
  });
});

describe("writing the report", () => {
  it("replaces its own directory as a whole and refuses one it did not write, a file, or one holding its inputs", () => {
    const out = join(work, "out");
    writeReport(new Map([["index.html", "a"], [REPORT_MARKER, "m"], ["old.html", "o"]]), out);
    writeReport(new Map([["index.html", "b"], [REPORT_MARKER, "m"]]), out);
    expect(readFileSync(join(out, "index.html"), "utf8")).toBe("b");
    expect(existsSync(join(out, "old.html"))).toBe(false);
    expect(readdirSync(work).filter((f) => f.includes("staging") || f.includes("previous"))).toEqual([]);

    const foreign = join(work, "foreign");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "notes.txt"), "mine");
    expect(reportOutputIssues(foreign)[0]).toMatchObject({ code: "OutputNotFloes", scope: "--out" });
    expect(() => writeReport(new Map([["index.html", "x"]]), foreign)).toThrow(/did not write/);
    expect(readFileSync(join(foreign, "notes.txt"), "utf8")).toBe("mine");

    writeFileSync(join(work, "afile"), "x");
    expect(reportOutputIssues(join(work, "afile"))[0].code).toBe("OutputIsFile");
    expect(reportOutputIssues(join(work, "afile", "below"))[0].message).toMatch(/which is a file/);
    expect(reportOutputIssues("/proc/floe")[0].code).toBe("OutputNotWritable");
    expect(reportOutputIssues(work, [join(work, "spec.yaml")]).map((i) => i.code)).toContain("OutputHoldsInputs");
    // An empty directory may take it.
    mkdirSync(join(work, "fresh"));
    expect(reportOutputIssues(join(work, "fresh"))).toEqual([]);
  });
});

describe("floe report", () => {
  it("writes the report of a spec and says where", async () => {
    const specFile = join(work, "dev.yaml");
    writeFileSync(specFile, stringify(devSpecWithSource()));
    const out = join(work, "cli-report");
    const r = await floe(["report", specFile, "--out", out]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toBe(`floe report: wrote 3 pages to ${out} (open ${out}/index.html)\n`);
    expect(existsSync(join(out, "regions", "local", "alpha.html"))).toBe(true);
  });

  it("fails with a clear error and writes nothing for a bad base or an output it does not own", async () => {
    const specFile = join(work, "dev2.yaml");
    writeFileSync(specFile, stringify(devSpecWithJob()));
    const out = join(work, "cli-bad");
    const r = await floe(["report", specFile, "--out", out, "--base", join(work, "missing")]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ReportBaseInvalid.*--base.*does not exist/s);
    expect(existsSync(out)).toBe(false);
    const r2 = await floe(["report", specFile, "--out", work]);
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/OutputNotFloes/);
  });
});
