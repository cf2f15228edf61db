import { composePlatform, parsePlatformSpec, synthesize, tenantPrefix, tenantTopicName, tenantUserName } from "../../lib/internal";
import { catchValidation, expectSchemaValid } from "../helpers";
import { devSpec, exampleSpec } from "../helpers/specs";

describe("composePlatform", () => {
  test("one app per region; platform chart then tenant charts by name; tenants only in their regions", () => {
    const { platform } = composePlatform(parsePlatformSpec(exampleSpec()));
    expect(platform.regions.map((r) => [r.region, r.charts.map((c) => c.file)])).toEqual([
      ["eu-west-1", ["platform", "tenant-analytics", "tenant-logistics", "tenant-payments"]],
      ["us-east-1", ["platform", "tenant-analytics", "tenant-payments"]],
    ]);
    expect(platform.regions[0].kafka.bootstrapAddress()).toBe("events-kafka-bootstrap.kafka.svc:9093");
  });

  test("tenant naming: topics <tenant>.<topic>, users <tenant>-<app>, prefix <tenant>.", () => {
    expect(tenantTopicName("payments", "orders")).toBe("payments.orders");
    expect(tenantUserName("payments", "checkout")).toBe("payments-checkout");
    expect(tenantPrefix("payments")).toBe("payments.");
  });

  test("every object of the example validates against the CRDs and core schemas", () => {
    const tree = synthesize(parsePlatformSpec(exampleSpec()));
    const objects = tree.files.flatMap((f) => f.objects);
    expect(objects.length).toBeGreaterThan(40);
    expectSchemaValid(objects);
  });

  test("every object of the development spec validates too", () => {
    const tree = synthesize(parsePlatformSpec(devSpec()));
    expectSchemaValid(tree.files.flatMap((f) => f.objects));
  });

  test("every object carries environment and region labels; tenant objects their tenant", () => {
    const tree = synthesize(parsePlatformSpec(exampleSpec()));
    for (const f of tree.files) {
      const [region, file] = f.path.split("/");
      for (const o of f.objects) {
        const labels = (o.metadata as any).labels;
        expect(labels["floe.dev/environment"]).toBe("prod");
        expect(labels["floe.dev/region"]).toBe(region);
        if (file.startsWith("tenant-")) expect(labels["floe.dev/tenant"]).toBe(file.slice(7, -5));
      }
    }
  });

  test("apps get ACLs only inside their tenant prefix; '*' grants the tenant prefix", () => {
    const tree = synthesize(parsePlatformSpec(devSpec()));
    const beta = tree.files.find((f) => f.path === "local/tenant-beta.yaml")!;
    const user = beta.objects.find((o) => o.kind === "KafkaUser") as any;
    expect(user.metadata.name).toBe("beta-svc");
    expect(user.spec.authorization.acls).toEqual([
      { type: "allow", resource: { type: "group", name: "beta.svc", patternType: "literal" }, operations: ["Read"] },
      { type: "allow", resource: { type: "topic", name: "beta.", patternType: "prefix" }, operations: ["Read", "Write"] },
    ]);
  });

  test("construct errors are reported with the spec path (replicas over the broker count)", () => {
    const spec = devSpec();
    spec.tenants[1].topics[0].replicas = 3;
    const e = catchValidation(() => composePlatform(parsePlatformSpec(spec)));
    expect(e).toMatchObject({ code: "TopicReplicasExceedBrokers", scope: "tenants[1].topics[0]", field: "replicas", value: 3 });
    expect(e.message).toContain("tenants[1].topics[0].replicas");
  });

  test("construct-time errors of several objects are collected, each with its spec path", () => {
    const spec = devSpec();
    spec.tenants[0].topics[0].retention = "a week";
    spec.tenants[1].topics[0].name = "bad name";
    spec.tenants[1].apps[0].produces = ["*"];
    spec.regions[0].kafka.version = "2.8.0";
    const e = catchValidation(() => composePlatform(parsePlatformSpec(spec)));
    expect(e.issues.map((i) => `${i.code} ${i.scope}.${i.field}`)).toEqual([
      "UnsupportedKafkaVersion regions[0].kafka.version",
    ]);
    spec.regions[0].kafka.version = "4.3.0";
    const e2 = catchValidation(() => composePlatform(parsePlatformSpec(spec)));
    expect(e2.issues.map((i) => `${i.code} ${i.scope}.${i.field}`)).toEqual([
      "InvalidDuration tenants[0].topics[0].retention",
      "InvalidTopicName tenants[1].topics[0].name",
    ]);
  });

  test("cluster rules name the kafka block of the region (production with one broker)", () => {
    const spec = devSpec();
    spec.production = true;
    spec.regions[0].kafka = { name: "dev", brokers: { replicas: 1 } };
    const e = catchValidation(() => composePlatform(parsePlatformSpec(spec)));
    expect(e.issues.map((i) => `${i.code} ${i.scope}.${i.field}`)).toEqual(
      expect.arrayContaining(["TooFewBrokers regions[0].kafka.brokers.replicas", "MinInsyncReplicasNotBelowReplicas regions[0].kafka.config.min.insync.replicas"]),
    );
  });

  test("node pool errors name the pool block", () => {
    const spec = devSpec();
    spec.regions[0].kafka.brokers.storage = { jbod: [{ id: 0, size: "1Gi" }, { id: 0, size: "1Gi" }] };
    const e = catchValidation(() => composePlatform(parsePlatformSpec(spec)));
    expect(`${e.code} ${e.scope}.${e.field}`).toBe("DuplicateVolumeId regions[0].kafka.brokers.storage.volumes[1].id");
  });

  test("warnings come back with spec paths and do not stop the synth", () => {
    const spec = devSpec();
    spec.tenants[0].topics.push({ name: "order_events" });
    const { warnings } = composePlatform(parsePlatformSpec(spec));
    expect(warnings).toEqual([expect.objectContaining({ code: "TopicNameMixesPeriodAndUnderscore", scope: "tenants[0].topics[2]", field: "name" })]);
  });

  test("zone findings name regions[i].cluster.zones (the field's own place in the spec)", () => {
    const spec: any = exampleSpec();
    spec.regions[1].cluster = { zones: ["us-east-1a", "us-east-1b"] };
    const { warnings } = composePlatform(parsePlatformSpec(spec));
    expect(warnings).toEqual([expect.objectContaining({ code: "FewZones", scope: "regions[1]", field: "cluster.zones", severity: "warning" })]);
    spec.regions[1].cluster.zones.push("us-east-1a");
    const e = catchValidation(() => composePlatform(parsePlatformSpec(spec)));
    expect(e.issues.find((i) => i.code === "DuplicateZone")).toMatchObject({ scope: "regions[1]", field: "cluster.zones", value: "us-east-1a" });
  });
});
