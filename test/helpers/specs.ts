import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { PlatformSpec } from "../../lib/internal";
import { ROOT } from "./index";

/**
 * The README's example spec, as a plain object (tests mutate copies of it). Schema files are made absolute, so
 * `parsePlatformSpec` finds them from any working directory.
 */
export function exampleSpec(): PlatformSpec {
  const spec = parse(readFileSync(join(ROOT, "examples", "platform.yaml"), "utf8")) as PlatformSpec;
  for (const tenant of spec.tenants ?? []) {
    for (const topic of tenant.topics ?? []) {
      for (const ref of [topic.valueSchema, topic.keySchema]) if (ref?.file) (ref as { file: string }).file = join(ROOT, "examples", ref.file);
    }
  }
  return spec;
}

/** A small development spec: one region, one broker, two tenants. */
export function devSpec(): any {
  return {
    environment: "dev",
    production: false,
    regions: [
      {
        name: "local",
        kafka: { name: "dev", combinedRoles: true, brokers: { replicas: 1, storage: { ephemeral: {} } } },
      },
    ],
    tenants: [
      {
        name: "alpha",
        topics: [{ name: "events" }, { name: "state", cleanupPolicy: "compact" }],
        apps: [{ name: "writer", produces: ["events"] }, { name: "reader", consumes: ["events"] }],
      },
      { name: "beta", topics: [{ name: "events", partitions: 6 }], apps: [{ name: "svc", produces: ["*"], consumes: ["*"] }] },
    ],
  };
}

/** The development spec with one Flink job in tenant alpha (reads events, writes state). */
export function devSpecWithJob(): any {
  const spec = devSpec();
  spec.tenants[0].jobs = [
    {
      name: "enricher",
      image: "registry.example.com/alpha/enricher:1.0.0",
      jar: { uri: "local:///opt/flink/usrlib/enricher.jar", entryClass: "com.example.Enricher" },
      parallelism: 2,
      reads: ["events"],
      writes: ["state"],
    },
  ];
  return spec;
}

/** The development spec with a Connect image and a PostgreSQL source in tenant alpha. */
export function devSpecWithSource(): any {
  const spec = devSpec();
  spec.regions[0].connect = { image: "registry.example.com/platform/connect:3.2.0-1", connectors: ["postgres"] };
  spec.tenants[0].sources = [
    {
      name: "orders-db",
      type: "postgres",
      host: "orders.db.example.com",
      database: "orders",
      databaseCidr: "10.30.0.0/16",
      credentials: { secret: "orders-db-cdc" },
      tables: ["public.orders"],
    },
  ];
  spec.regions[0].secretStore = { awsRegion: "eu-west-1" };
  spec.tenants[0].secrets = [{ name: "orders-db-cdc", remoteKey: "dev/alpha/orders-db-cdc" }];
  return spec;
}
