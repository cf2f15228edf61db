"use strict";
// The Pulumi program under mocks (StreamingPlatform, Pulumi delivery) for the generated spec of N tenants, a whole
// process: it ends when no resource has registered for 200 ms. Prints the resource count.   node pulumi.js N
const pulumi = require("@pulumi/pulumi");
const { REGIONS, generateSpec } = require("../spec");

let count = 0;
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      count++;
      return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:aws:mock:::${args.name}` } };
    },
    call: (args) => args.inputs,
  },
  "floe",
  "bench",
  false,
);
const floe = require("../../dist-lib/lib");
const { StreamingPlatform } = require("../../dist-lib/lib/pulumi");
const spec = floe.parsePlatformSpec(generateSpec(Number(process.argv[2])));
const kubeconfigs = Object.fromEntries(REGIONS.map((r) => [r, "kubeconfig"]));
const secretValues = Object.fromEntries((spec.tenants ?? []).flatMap((t) => (t.secrets ?? []).map((s) => [`${t.name}/${s.name}`, pulumi.secret("x")])));
new StreamingPlatform("floe", { spec: { ...spec, delivery: "pulumi" }, kubeconfigs, secretValues });
(async () => {
  let seen = -1;
  while (seen !== count) {
    seen = count;
    await new Promise((r) => setTimeout(r, 200));
  }
  process.stdout.write(`${count}\n`);
  process.exit(0);
})();
