/**
 * `floe report` in a real browser (Debian's Chromium, driven by playwright-core): the example's report with the
 * classified diff against a base rendering, every page opened from disk with no console error and no failed
 * request, the tenant tables built, the lineage drawn, a screenshot of each page type with content; then the
 * report of 500 tenants x 3 regions, whose overview stays usable (paged, filterable) and whose pages load.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse, stringify } from "yaml";
import { Browser, Page } from "playwright-core";
import { run } from "../../lib/cli";
import { parsePlatformSpec, PlatformSpec, synthesize } from "../../lib/internal";
import { writeTree } from "../../lib/gitops/render";
import { generateSpec } from "../../bench/spec";
import { collectErrors, launchChromium, screenshotInk } from "../../e2e/browser";
import { ROOT } from "../../e2e/paths";

// Code that runs in the page (the project compiles without the DOM library).
declare const window: any;
declare const document: any;

const work = mkdtempSync(join(tmpdir(), "floe-report-"));
let browser: Browser;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchChromium());
});
afterAll(async () => {
  await closeBrowser?.();
  rmSync(work, { recursive: true, force: true });
});

async function floe(...args: string[]): Promise<string> {
  let out = "";
  let err = "";
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  if (code !== 0) throw new Error(`floe ${args.join(" ")} exited ${code}: ${err}`);
  return out;
}

/** Open a page of the report from disk; resolves once its scripts ran, with what it logged as errors. */
async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = collectErrors(page);
  await page.goto(`file://${path}`, { waitUntil: "load" });
  await page.waitForFunction(() => (window as unknown as { floeReport?: object }).floeReport !== undefined);
  return { page, errors };
}

/** The tree's regions' tenant pages. */
function tenantPages(dir: string): string[] {
  return readdirSync(join(dir, "regions")).flatMap((r) => readdirSync(join(dir, "regions", r)).map((f) => join(dir, "regions", r, f)));
}

describe("the example's report", () => {
  const out = join(work, "example");
  const base = join(work, "base");

  beforeAll(async () => {
    // The base: the example with one more topic (its removal is destructive) and one partition count lower.
    const examples = join(ROOT, "examples");
    const spec = parse(readFileSync(join(examples, "platform.yaml"), "utf8")) as PlatformSpec;
    const payments = spec.tenants!.find((t) => t.name === "payments")!;
    const baseSpec = { ...spec, tenants: spec.tenants!.map((t) => (t === payments ? { ...t, topics: [...(t.topics ?? []), { name: "legacy-events", partitions: 3 }] } : t)) };
    writeTree(synthesize(parsePlatformSpec(baseSpec, { baseDir: examples })), base);
    const printed = await floe("report", join(ROOT, "examples", "platform.yaml"), "--out", out, "--base", join(base, "prod"));
    expect(printed).toMatch(/wrote 7 pages/);
  });

  it("opens the overview with no error: each region's capacity bars and a built tenant table", async () => {
    const { page, errors } = await open(join(out, "index.html"));
    await page.waitForFunction(() => (window as unknown as { floeReport: { tables: number } }).floeReport.tables === 2);
    expect(await page.locator("section.region").count()).toBe(2);
    expect(await page.locator("section#region-eu-west-1 .tabulator-row").count()).toBe(3);
    expect(await page.locator("section#region-eu-west-1 .bars [role=meter]").count()).toBe(6);
    // us-east-1 declares no byte-rate capacity: those two are amounts, not bars.
    expect(await page.locator("section#region-us-east-1 .bars [role=meter]").count()).toBe(4);
    expect(await page.locator("section#region-eu-west-1 .bars").innerText()).toContain("56 cores of 96 cores (58%)");
    expect(await page.locator(".diff-summary").innerText()).toMatch(/2 deleted; 2 destructive/);
    const shot = await page.screenshot();
    writeFileSync(join(work, "index.png"), shot);
    const ink = await screenshotInk(page, shot);
    expect(ink.ink).toBeGreaterThan(0.05);
    expect(ink.colours).toBeGreaterThan(50);
    // The tenant link leads to its page.
    await page.locator("section#region-eu-west-1 .tabulator-row a", { hasText: "payments" }).click();
    await page.waitForURL(/regions\/eu-west-1\/payments\.html$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens every tenant page with no error, its lineage drawn and its tables filled", async () => {
    const pages = tenantPages(out);
    expect(pages).toHaveLength(5);
    for (const path of pages) {
      const { page, errors } = await open(path);
      const graph = await page.evaluate(() => (window as unknown as { floeReport: { graph: { nodes: number; edges: number } | null } }).floeReport.graph);
      const declared = await page.locator("#lineage").getAttribute("data-nodes");
      expect(graph).not.toBeNull();
      expect(graph!.nodes).toBe(Number(declared));
      expect(graph!.nodes).toBeGreaterThan(3);
      expect(await page.locator("#lineage canvas").count()).toBeGreaterThan(0);
      // What the graph area shows is drawn, not blank.
      const ink = await screenshotInk(page, await page.locator("#lineage").screenshot());
      expect(ink.ink).toBeGreaterThan(0.01);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it("shows the payments tenant's topics with schemas, its jobs with state and guarantee, its sources and sinks", async () => {
    const { page, errors } = await open(join(out, "regions", "eu-west-1", "payments.html"));
    const topics = await page.locator("table[data-caption=Topics]").innerText();
    expect(topics).toMatch(/payments\.customer-state\s+6\s+3\s+forever\s+compact/);
    expect(topics).toMatch(/payments\.orders-value AVRO sha256:[0-9a-f]{16}/);
    const jobs = await page.locator("table[data-caption='Flink jobs']").innerText();
    expect(jobs).toMatch(/payments-order-totals\s+application\s+running\s+savepoint/);
    expect(await page.locator("table[data-caption=Sinks]").innerText()).toMatch(/payments\.orders-lake\s+iceberg-sink\s+running/);
    expect(await page.locator("table[data-caption=Sources]").innerText()).toMatch(/payments-orders-db\s+postgres\s+running/);
    const shot = await page.screenshot({ fullPage: true });
    writeFileSync(join(work, "tenant.png"), shot);
    const ink = await screenshotInk(page, shot);
    expect(ink.ink).toBeGreaterThan(0.05);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the classified diff: the removed topic as destructive, first", async () => {
    const { page, errors } = await open(join(out, "diff.html"));
    const first = page.locator("table.diff tbody tr").first();
    expect(await first.innerText()).toMatch(/destructive\s+delete\s+KafkaTopic\s+kafka\/payments\.legacy-events/);
    const shot = await page.screenshot();
    const ink = await screenshotInk(page, shot);
    expect(ink.ink).toBeGreaterThan(0.05);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("the report of 500 tenants x 3 regions", () => {
  const out = join(work, "large");
  let seconds = 0;

  beforeAll(async () => {
    const spec = generateSpec(500);
    for (const r of spec.regions) r.capacity = { cpu: 6000, memory: "24Ti", pods: 40000, partitions: 50000 };
    writeFileSync(join(work, "large.yaml"), stringify(spec));
    const start = process.hrtime.bigint();
    await floe("report", join(work, "large.yaml"), "--out", out);
    seconds = Number(process.hrtime.bigint() - start) / 1e9;
    process.stdout.write(`floe report, 500 tenants x 3 regions: ${seconds.toFixed(1)} s\n`);
  });

  it("writes a page per tenant and region", () => {
    expect(tenantPages(out)).toHaveLength(1500);
  });

  it("keeps the overview usable: paged, filterable by tenant, with no error", async () => {
    const { page, errors } = await open(join(out, "index.html"));
    await page.waitForFunction(() => (window as unknown as { floeReport: { tables: number } }).floeReport.tables === 3, undefined, { timeout: 60_000 });
    const region = page.locator("section#region-eu-west-1");
    expect(await region.locator(".tabulator-row").count()).toBe(50);
    expect(await region.locator(".tabulator-page-counter").innerText()).toMatch(/of 500/);
    await region.locator(".tabulator-header-filter input").pressSequentially("tenant-0499");
    await page.waitForFunction(() => document.querySelectorAll("section#region-eu-west-1 .tabulator-row").length === 1);
    expect(await region.locator(".tabulator-row").innerText()).toContain("tenant-0499");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens a tenant page of the large report with its lineage drawn", async () => {
    const { page, errors } = await open(join(out, "regions", "ap-southeast-1", "tenant-0250.html"));
    const graph = await page.evaluate(() => (window as unknown as { floeReport: { graph: { nodes: number } | null } }).floeReport.graph);
    expect(graph!.nodes).toBeGreaterThan(10);
    expect(errors).toEqual([]);
    await page.close();
  });
});
