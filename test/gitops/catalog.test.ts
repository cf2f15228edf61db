import { Entity, stringifyEntityRef } from "@backstage/catalog-model";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parseAllDocuments, stringify } from "yaml";
import { parsePlatformSpec } from "../../lib/internal";
import { run } from "../../lib/cli";
import { buildCatalog, CATALOG_HEADER, catalogOutputIssues, catalogProblems, catalogYaml, entityName, platformOwnerRef, writeCatalog } from "../../lib/gitops/catalog";
import { devSpec, exampleSpec } from "../helpers/specs";

const work = mkdtempSync(join(tmpdir(), "floe-catalog-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const spec = parsePlatformSpec(exampleSpec());
const entities = buildCatalog(spec);
const byRef = new Map(entities.map((e) => [stringifyEntityRef(e), e]));
const get = (ref: string): Entity => {
  const e = byRef.get(ref);
  if (!e) throw new Error(`no ${ref} in ${[...byRef.keys()].join(", ")}`);
  return e;
};
const specOf = (ref: string) => get(ref).spec as Record<string, any>;

async function floe(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe("catalog entities", () => {
  it("passes Backstage's own model: envelope, field formats, each kind's schema, and every relation resolves", async () => {
    expect(await catalogProblems(entities, [platformOwnerRef(spec)])).toEqual([]);
  });

  it("counts one entity per tenant System, admin Group, component, topic, bucket and subject, in the environment's namespace", () => {
    const kinds = entities.reduce<Record<string, number>>((n, e) => ({ ...n, [e.kind]: (n[e.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ API: 9, Component: 19, Domain: 1, Group: 3, Resource: 22, System: 4 });
    expect(entities.every((e) => e.metadata.namespace === "prod")).toBe(true);
  });

  it("makes a System per tenant in the environment's Domain, owned by its first admin group", () => {
    expect(specOf("system:prod/payments")).toEqual({ owner: "group:prod/payments-platform-admins", domain: "domain:prod/prod" });
    expect(get("system:prod/payments").metadata.annotations).toMatchObject({ "floe.dev/tenant": "payments", "floe.dev/regions": "eu-west-1,us-east-1" });
    expect(specOf("system:prod/platform").owner).toBe("group:prod/platform");
  });

  it("names the Group of Floe's default admin group validly, keeping the Kubernetes name in an annotation", () => {
    const group = entities.find((e) => e.kind === "Group" && e.metadata.annotations?.["floe.dev/kubernetes-group"] === "floe:tenant:analytics:admins")!;
    expect(group.metadata.name).toMatch(/^floe-tenant-analytics-admins-[0-9a-f]{8}$/);
    expect(group.spec).toEqual({ type: "team", children: [] });
  });

  it("relates components to the topics they read (dependsOn) and topics to their writers, from the lineage", () => {
    const job = specOf("component:prod/payments.order-totals");
    expect(job.type).toBe("flink-job");
    expect(job.dependsOn).toContain("resource:prod/payments.orders-db.public.orders");
    // A Flink job depends on the state bucket of every region it runs in.
    expect(job.dependsOn).toEqual(expect.arrayContaining(["resource:prod/floe-prod-eu-west-1-state", "resource:prod/floe-prod-us-east-1-123456789012"]));
    expect(specOf("resource:prod/payments.order-totals").dependsOn).toContain("component:prod/payments.order-totals");
    expect(specOf("resource:prod/payments.order-totals").type).toBe("kafka-topic");
    expect(specOf("component:prod/payments.orders-db").type).toBe("cdc-connector");
    expect(specOf("component:prod/payments.orders-lake").type).toBe("sink-connector");
    expect(specOf("component:prod/payments.mirror-eu-west-1").type).toBe("mirror");
  });

  it("makes an API per registered subject, provided by the topic's writers and consumed by its readers", () => {
    const api = specOf("api:prod/payments.orders-value");
    expect(api.type).toBe("avro");
    expect(JSON.parse(api.definition).name).toBe("Order");
    expect(specOf("component:prod/payments.checkout").providesApis).toEqual(["api:prod/payments.orders-key", "api:prod/payments.orders-value"]);
    expect(specOf("component:prod/payments.payment-processor").consumesApis).toEqual(["api:prod/payments.orders-key", "api:prod/payments.orders-value"]);
  });

  it("has no APIs without a schema registry, and marks a non-production environment experimental", () => {
    const dev = buildCatalog(parsePlatformSpec(devSpec()));
    expect(dev.some((e) => e.kind === "API")).toBe(false);
    expect(dev.filter((e) => e.kind === "Component").every((e) => (e.spec as { lifecycle: string }).lifecycle === "experimental")).toBe(true);
  });

  it("is deterministic and serializes as one multi-document file with its header", () => {
    const text = catalogYaml(entities);
    expect(catalogYaml(buildCatalog(parsePlatformSpec(exampleSpec())))).toBe(text);
    expect(text.startsWith(CATALOG_HEADER)).toBe(true);
    expect(parseAllDocuments(text).filter((d) => d.contents !== null)).toHaveLength(entities.length);
  });

  it("keeps entity names within Backstage's format, hashing what does not fit", () => {
    expect(entityName("payments.orders")).toBe("payments.orders");
    expect(entityName("floe:tenant:a:admins")).toMatch(/^floe-tenant-a-admins-[0-9a-f]{8}$/);
    const long = entityName(`${"t".repeat(40)}.${"x".repeat(40)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/);
  });

  it("takes another platform owner, and refuses one that is not a group or user reference", () => {
    const custom = buildCatalog(spec, { platformOwner: "group:org/platform-team" });
    expect((custom.find((e) => e.kind === "Domain")!.spec as { owner: string }).owner).toBe("group:org/platform-team");
    expect(() => buildCatalog(spec, { platformOwner: "component:x" })).toThrow(/--platform-owner.*is not a group or user entity reference/s);
  });

  it("reports what Backstage's model refuses and relations to unknown entities", async () => {
    const broken = { ...entities[0], metadata: { ...entities[0].metadata, name: "bad name!" } };
    const problems = await catalogProblems([broken]);
    expect(problems.join("\n")).toMatch(/bad name!/);
    const dangling = entities.find((e) => e.kind === "Component")!;
    expect((await catalogProblems([dangling])).some((p) => p.includes("which is not in the catalog"))).toBe(true);
  });
});

describe("floe catalog", () => {
  it("prints the catalog, or writes it to a file it replaces, refusing a file it did not write", async () => {
    const specFile = join(work, "dev.yaml");
    writeFileSync(specFile, stringify(devSpec()));
    const printed = await floe(["catalog", specFile]);
    expect(printed.code).toBe(0);
    expect(printed.out.startsWith(CATALOG_HEADER)).toBe(true);
    const file = join(work, "catalog-info.yaml");
    const written = await floe(["catalog", specFile, "--out", file]);
    expect(written.out).toMatch(/^floe catalog: wrote \d+ entities to /);
    expect(readFileSync(file, "utf8")).toBe(printed.out);
    expect((await floe(["catalog", specFile, "--out", file])).code).toBe(0);
    const foreign = join(work, "mine.yaml");
    writeFileSync(foreign, "apiVersion: backstage.io/v1alpha1\n");
    const refused = await floe(["catalog", specFile, "--out", foreign]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/OutputNotFloes/);
    expect(readFileSync(foreign, "utf8")).toBe("apiVersion: backstage.io/v1alpha1\n");
  });

  it("refuses a directory, the spec itself, and a bad platform owner", async () => {
    mkdirSync(join(work, "dir"), { recursive: true });
    expect(catalogOutputIssues(join(work, "dir"))[0].code).toBe("OutputIsDirectory");
    expect(catalogOutputIssues(join(work, "dev.yaml"), [join(work, "dev.yaml")])[0].code).toBe("OutputHoldsInputs");
    expect(() => writeCatalog("x", join(work, "dir"))).toThrow(/is a directory/);
    const r = await floe(["catalog", join(work, "dev.yaml"), "--platform-owner", "api:nope"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--platform-owner/);
    expect(existsSync(join(work, "dir", "catalog-info.yaml"))).toBe(false);
  });
});
