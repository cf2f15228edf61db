/**
 * The committed stacks (Pulumi.dev.yaml, Pulumi.prod.yaml) run: the program reads its config as Pulumi.yaml
 * declares it, and a refused setting names its config key (#18.1). The dev stack also runs under the real engine
 * (test/e2e/pulumi.test.ts).
 */
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { ROOT } from "../helpers";
import { committedStackConfig, runStack } from "../helpers/stack";

jest.setTimeout(120_000);
const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\n";

describe("Pulumi.yaml declares the program's config", () => {
  const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8"));
  test("each plain key with a type and a description; spec required (no default), the others with defaults", () => {
    expect(Object.keys(project.config).sort()).toEqual(["accountId", "cloud", "spec", "workloadIdentity"]);
    for (const [key, decl] of Object.entries<any>(project.config)) {
      expect([key, decl.type, typeof decl.description]).toEqual([key, "string", "string"]);
      expect([key, "default" in decl]).toEqual([key, key !== "spec"]);
    }
  });
  test("every committed stack sets only keys the program reads", () => {
    const known = /^(floe:(spec|cloud|accountId|workloadIdentity|clusters|secrets|kubeconfig-[a-z0-9-]+)|aws:region)$/;
    for (const stack of ["dev", "prod"]) for (const key of Object.keys(committedStackConfig(stack))) expect([stack, key, known.test(key)]).toEqual([stack, key, true]);
  });
});

describe("the dev stack (delivery pulumi, EKS Pod Identity, the account from the stack)", () => {
  let run: Awaited<ReturnType<typeof runStack>>;
  beforeAll(async () => {
    run = await runStack("dev", { ...committedStackConfig("dev"), "floe:kubeconfig-eu-west-1": KUBECONFIG }, ["floe:kubeconfig-eu-west-1"]);
  });
  test("runs: buckets, roles with Pod Identity associations, the operators and the manifests", () => {
    expect(run.error).toBeUndefined();
    const of = (type: string) => run.resources.filter((r) => r.type === type);
    expect(of("aws:s3/bucket:Bucket").map((b) => b.inputs.bucket)).toEqual(["floe-dev-eu-west-1-123456789012"]);
    expect(of("aws:eks/podIdentityAssociation:PodIdentityAssociation").map((a) => `${a.inputs.clusterName} ${a.inputs.namespace}/${a.inputs.serviceAccount}`)).toEqual(["floe-dev alpha/alpha-flink"]);
    expect(of("kubernetes:helm.sh/v3:Release").length).toBe(3);
    expect(of("kubernetes:yaml/v2:ConfigGroup").map((g) => g.name)).toEqual(expect.arrayContaining(["floe-eu-west-1-namespaces", "floe-eu-west-1-platform", "floe-eu-west-1-tenant-alpha"]));
    const regions = run.outputs!.regions as Record<string, any>;
    expect(regions["eu-west-1"].tenantRoleArns.alpha).toBe("arn:aws:iam::123456789012:role/floe-dev-eu-west-1-alpha");
  });
  test("without the kubeconfig secret it stops with the key to set, and no stack trace", async () => {
    const r = await runStack("dev", committedStackConfig("dev"));
    expect(r.error?.constructor.name).toBe("RunError");
    expect(r.error?.message).toContain("ClusterKubeconfigMissing");
    expect(r.error?.message).toContain("pulumi config set --secret floe:kubeconfig-eu-west-1");
  });
});

describe("the prod stack (delivery gitops, IRSA, the example's two regions)", () => {
  let run: Awaited<ReturnType<typeof runStack>>;
  beforeAll(async () => {
    run = await runStack("prod", committedStackConfig("prod"));
  });
  test("runs: the AWS side of both regions, roles trusting the issuers of the stack config, nothing applied to a cluster", () => {
    expect(run.error).toBeUndefined();
    expect(run.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((b) => b.inputs.bucket).sort()).toEqual(["floe-prod-eu-west-1-state", "floe-prod-us-east-1-123456789012"]);
    const role = run.resources.find((r) => r.type === "aws:iam/role:Role" && r.inputs.name === "floe-prod-eu-west-1-payments")!;
    const issuer = (parse(readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8")).config["floe:clusters"]["eu-west-1"].oidcIssuer as string).replace("https://", "");
    expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal.Federated).toBe(`arn:aws:iam::123456789012:oidc-provider/${issuer}`);
    expect(run.resources.some((r) => r.type.startsWith("kubernetes:"))).toBe(false);
  });
  test("without the OIDC issuers it stops naming floe:clusters.<region>.oidcIssuer", async () => {
    const config = committedStackConfig("prod");
    delete config["floe:clusters"];
    const r = await runStack("prod", config);
    expect(r.error?.constructor.name).toBe("RunError");
    expect(r.error?.message).toContain("floe:clusters.eu-west-1.oidcIssuer");
    expect(r.error?.message).toContain("floe:clusters.us-east-1.oidcIssuer");
  });
});

describe("stack config refusals name the key", () => {
  const refused = async (stack: string, edit: (c: Record<string, string>) => void) => {
    const config = committedStackConfig(stack);
    edit(config);
    const r = await runStack(stack, config);
    expect(r.error?.constructor.name).toBe("RunError");
    return r.error!.message;
  };
  test("floe:spec unset", async () => {
    expect(await refused("dev", (c) => delete c["floe:spec"])).toMatch(/\[StackConfigMissing\] floe:spec: .*pulumi config set floe:spec/s);
  });
  test("floe:cloud, floe:accountId and floe:workloadIdentity out of range", async () => {
    const m = await refused("dev", (c) => Object.assign(c, { "floe:cloud": "gcp", "floe:accountId": "12", "floe:workloadIdentity": "kiam" }));
    expect(m).toContain("floe:cloud");
    expect(m).toContain("floe:accountId");
    expect(m).toContain("floe:workloadIdentity");
  });
  test("floe:clusters: a bad issuer, an unknown field, an unknown region", async () => {
    const m = await refused("prod", (c) => (c["floe:clusters"] = JSON.stringify({ "eu-west-1": { oidcIssuer: "http://x" }, "us-east-1": { oidcIssuer: "https://x", zone: "a" }, "ap-south-9": {} })));
    expect(m).toContain("floe:clusters.eu-west-1.oidcIssuer");
    expect(m).toContain("floe:clusters.us-east-1");
    expect(m).toMatch(/floe:clusters\.ap-south-9.*names no region/);
  });
  test("a GitOps stack cannot set an account or identity other than the spec's (the reviewed manifests render them)", async () => {
    expect(await refused("prod", (c) => (c["floe:accountId"] = "210987654321"))).toMatch(/floe:accountId.*differs from the spec's aws.accountId/s);
    expect(await refused("prod", (c) => (c["floe:workloadIdentity"] = "pod-identity"))).toMatch(/floe:workloadIdentity.*differs/s);
  });
});
