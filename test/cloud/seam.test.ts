import * as pulumi from "@pulumi/pulumi";
import { parsePlatformSpec, synthesize } from "../../lib/internal";
import { CheckpointStorage, TenantWorkloadRole } from "../../lib/cloud";
import { devSpecWithJob } from "../helpers/specs";

pulumi.runtime.setMocks(
  {
    newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:aws:mock:::${args.name}` } }),
    call: (args) => args.inputs,
  },
  "floe",
  "seam",
  false,
);

describe("the seam between charts and Pulumi", () => {
  const spec = devSpecWithJob();
  spec.aws = { accountId: "123456789012" };
  spec.regions[0].name = "eu-west-1";
  const objects = synthesize(parsePlatformSpec(spec)).files.flatMap((f) => f.objects) as any[];

  test("the service account annotation Floe renders is exactly the tenant role's ARN", () => {
    const storage = new CheckpointStorage("s", { environment: "dev", region: "eu-west-1", accountId: "123456789012" });
    const role = new TenantWorkloadRole("alpha", {
      environment: "dev",
      region: "eu-west-1",
      accountId: "123456789012",
      tenant: "alpha",
      storage,
      serviceAccounts: ["alpha-flink"],
      identity: { type: "irsa", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/x", oidcIssuer: "https://x" },
    });
    const sa = objects.find((o) => o.kind === "ServiceAccount" && o.metadata.name === "alpha-flink");
    expect(sa.metadata.annotations).toEqual({ "eks.amazonaws.com/role-arn": role.roleArn });
    expect(role.roleArn).toBe("arn:aws:iam::123456789012:role/floe-dev-eu-west-1-alpha");
  });

  test("the Flink job's state dirs are in the bucket the component creates", () => {
    const storage = new CheckpointStorage("s2", { environment: "dev", region: "eu-west-1", accountId: "123456789012" });
    const fd = objects.find((o) => o.kind === "FlinkDeployment");
    expect(fd.spec.flinkConfiguration["state.checkpoints.dir"]).toBe(storage.uri("tenants/alpha/enricher/checkpoints"));
  });

  test("with EKS Pod Identity there is no annotation", () => {
    const podSpec = devSpecWithJob();
    podSpec.aws = { accountId: "123456789012", workloadIdentity: "pod-identity" };
    const sa = (synthesize(parsePlatformSpec(podSpec)).files.flatMap((f) => f.objects) as any[]).find((o) => o.kind === "ServiceAccount" && o.metadata.name === "alpha-flink");
    expect(sa.metadata.annotations).toBeUndefined();
  });

  test("a bad account id is a spec error", () => {
    const bad = devSpecWithJob();
    bad.aws = { accountId: "12" };
    expect(() => parsePlatformSpec(bad)).toThrow(/aws.accountId: must be a 12-digit AWS account id/);
  });
});
