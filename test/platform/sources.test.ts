import { composePlatform, parsePlatformSpec, synthesize } from "../../lib/internal";
import { catchValidation, expectSchemaValid } from "../helpers";
import { devSpecWithSource } from "../helpers/specs";

function render(spec: unknown) {
  return synthesize(parsePlatformSpec(spec)).files.flatMap((f) => f.objects) as any[];
}

describe("tenants[].sources[] in the platform spec", () => {
  test("a source renders the tenant's Connect cluster, its connector, declared topics and the secret grant", () => {
    const objects = render(devSpecWithSource());
    const names = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        "Namespace//alpha",
        "Role/alpha/alpha-connect-connect-secrets",
        "RoleBinding/alpha/alpha-connect-connect-secrets",
        "KafkaConnect/kafka/alpha-connect",
        "KafkaConnector/kafka/alpha-orders-db",
        "KafkaTopic/kafka/alpha.orders-db.public.orders",
        "KafkaTopic/kafka/alpha.alpha-connect-offsets",
      ]),
    );
    const connector = objects.find((o) => o.kind === "KafkaConnector");
    expect(connector.spec.config["database.password"]).toBe("${secrets:alpha/orders-db-cdc:password}");
    expect(connector.spec.config["topic.prefix"]).toBe("alpha.orders-db");
    expect(connector.spec.config["slot.drop.on.stop"]).toBe(false);
    expectSchemaValid(objects);
  });

  test("apps and jobs can consume CDC topics by their local name", () => {
    const spec = devSpecWithSource();
    spec.tenants[0].apps.push({ name: "order-reader", consumes: ["orders-db.public.orders"] });
    const user = render(spec).find((o) => o.kind === "KafkaUser" && o.metadata.name === "alpha-order-reader");
    expect(user.spec.authorization.acls).toContainEqual({
      type: "allow",
      resource: { type: "topic", name: "alpha.orders-db.public.orders", patternType: "literal" },
      operations: ["Read"],
    });
  });

  test("fails ConnectNotConfigured when a region running the tenant has no Connect image", () => {
    const spec = devSpecWithSource();
    delete spec.regions[0].connect;
    const e = catchValidation(() => parsePlatformSpec(spec));
    expect(e).toMatchObject({ code: "ConnectNotConfigured", scope: "regions[0]", field: "connect" });
  });

  test("the Connect image is prebuilt (with its connectors) or built, not both", () => {
    const both = devSpecWithSource();
    both.regions[0].connect.build = { outputRepository: "registry.example.com/c", plugins: [{ connector: "postgres", sha512: "a".repeat(128) }] };
    expect(catchValidation(() => parsePlatformSpec(both)).issues[0].message).toMatch(/set exactly one of image or build/);
    const bare = devSpecWithSource();
    delete bare.regions[0].connect.connectors;
    expect(catchValidation(() => parsePlatformSpec(bare)).issues[0]).toMatchObject({ field: "connectors" });
  });

  test("a region that builds its Connect image relaxes the Kafka namespace to baseline (still warns on restricted)", () => {
    const spec = devSpecWithSource();
    spec.regions[0].connect = { build: { outputRepository: "registry.example.com/c", plugins: [{ connector: "postgres", sha512: "a".repeat(128) }] } };
    const objects = render(spec);
    const ns = objects.find((o) => o.kind === "Namespace" && o.metadata.name === "kafka");
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
    expect(ns.metadata.labels["pod-security.kubernetes.io/warn"]).toBe("restricted");
    const kc = objects.find((o) => o.kind === "KafkaConnect");
    expect(kc.spec.build.plugins[0].artifacts[0].url).toMatch(/debezium-connector-postgres-3\.2\.0\.Final-plugin\.tar\.gz$/);
    expect(render(devSpecWithSource()).find((o) => o.kind === "Namespace" && o.metadata.name === "kafka").metadata.labels["pod-security.kubernetes.io/enforce"]).toBe(
      "restricted",
    );
  });

  test("source rules name the spec path", () => {
    const spec = devSpecWithSource();
    spec.production = true;
    spec.regions[0].kafka = { name: "dev", brokers: { replicas: 3 } };
    spec.tenants[0].sources[0].slotDropOnStop = true;
    spec.tenants[0].sources[0].host = "orders db";
    const e = catchValidation(() => composePlatform(parsePlatformSpec(spec)));
    expect(e.issues.map((i) => `${i.code} ${i.scope}.${i.field}`)).toEqual(
      expect.arrayContaining(["InvalidHostname tenants[0].sources[0].host", "SlotDropOnStopInProduction tenants[0].sources[0].slotDropOnStop"]),
    );
  });

  test("fails DuplicateSource and MissingDatabase", () => {
    const dup = devSpecWithSource();
    dup.tenants[0].sources.push({ ...dup.tenants[0].sources[0] });
    expect(catchValidation(() => parsePlatformSpec(dup)).code).toBe("DuplicateSource");
    const nodb = devSpecWithSource();
    delete nodb.tenants[0].sources[0].database;
    expect(catchValidation(() => composePlatform(parsePlatformSpec(nodb)))).toMatchObject({ code: "MissingDatabase", scope: "tenants[0].sources[0]", field: "database" });
  });
});
