/**
 * Errors name the spec path where the value is written (#19.14): a region's setting once at the region, a
 * tenant's under its own field, a name Floe derives (`<tenant>-<job>`) blamed on the part the user wrote, with
 * the room it has.
 */
import { parsePlatformSpec, synthesize } from "../../lib/internal";
import { catchValidation, issuesWithCode } from "../helpers";
import { exampleSpec } from "../helpers/specs";

type Obj = any;
const failing = (edit: (s: Obj) => void) => {
  const spec: Obj = exampleSpec();
  edit(spec);
  return catchValidation(() => synthesize(parsePlatformSpec(spec)));
};

describe("spec paths of errors (#19.14)", () => {
  test("a region's network setting is reported once, at the region (it was reported once per tenant, under tenants[i].network)", () => {
    const e = failing((s) => (s.regions[0].network.apiServerCidrs = ["10.0.0.0/33"]));
    expect(issuesWithCode(e, "InvalidCidr").map((i) => `${i.scope}.${i.field}`)).toEqual(["regions[0].network.apiServerCidrs[0]"]);
  });

  test("a tenant's egress is reported under tenants[i].egress (there is no tenants[i].network)", () => {
    const e = failing((s) => (s.tenants[0].egress = [{ cidr: "10.9.0.0/16", port: 443 }, { cidr: "nope", port: 443 }]));
    expect(issuesWithCode(e, "InvalidCidr").map((i) => `${i.scope}.${i.field}`)).toEqual(["tenants[0].egress[1].cidr"]);
  });

  test("a derived job name blames the job name with the length it may have, not a 53-character 'job name'", () => {
    const e = failing((s) => {
      s.tenants[0].name = "p".repeat(40);
      s.replication = s.replication.filter((r: Obj) => r.tenant !== "payments");
      for (const sec of s.tenants[0].secrets ?? []) sec.remoteKey = sec.remoteKey.replace("/payments/", `/${"p".repeat(40)}/`);
    });
    const [job] = issuesWithCode(e, "NameTooLong").filter((i) => i.scope === "tenants[0].jobs[0]");
    expect(job).toMatchObject({ field: "name", value: "fraud-scorer", limit: 45 });
    expect(job.message).toBe(`names "${"p".repeat(40)}-fraud-scorer", 53 characters, over the limit of 45 (the operator derives '<name>-rest' and other Service names from it)`);
    expect(job.fix).toBe(`shorten it to at most 4 characters ("${"p".repeat(40)}-" takes the other 41)`);
    // The tenant's Connect cluster (`<tenant>-connect`) is the tenant name's fault, reported once for both regions.
    const connect = issuesWithCode(e, "NameTooLong").filter((i) => i.scope === "tenants[0]");
    expect(connect).toHaveLength(1);
    expect(connect[0]).toMatchObject({ field: "name", value: "p".repeat(40) });
    expect(connect[0].fix).toBe('shorten it to at most 37 characters ("-connect" takes the other 8)');
    // Nothing is reported at a path the spec does not have.
    expect(e.issues.filter((i) => /connect\.name|\.network\./.test(`${i.scope}.${i.field}`))).toEqual([]);
  });
});
