"use strict";
/**
 * The generated spec of the bench and of the scale tests (test/e2e/report.test.ts): N tenants x 3 regions, each
 * tenant with 5 topics, 4 apps, a PostgreSQL CDC source and 2 Flink jobs.
 */
const REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-1"];

function generateSpec(tenants) {
  return {
    environment: "bench",
    aws: { accountId: "123456789012" },
    regions: REGIONS.map((name) => ({
      name,
      cluster: {
        kubeconfig: { config: `kubeconfig-${name}` },
        oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/oidc.eks.${name}.amazonaws.com/id/BENCH`,
        oidcIssuer: `https://oidc.eks.${name}.amazonaws.com/id/BENCH`,
      },
      kafka: { name: "events", brokers: { replicas: 6, storage: { size: "1Ti" } } },
      connect: { image: "registry.example.com/platform/connect:3.2.0-1", connectors: ["postgres"] },
      network: { apiServerCidrs: ["10.0.0.0/16"] },
    })),
    tenants: Array.from({ length: tenants }, (_, i) => {
      const name = `tenant-${String(i).padStart(4, "0")}`;
      return {
        name,
        secrets: [{ name: "db-cdc", remoteKey: `bench/${name}/db-cdc` }],
        topics: ["orders", "payments", "events", "state", "dlq"].map((t, j) => ({
          name: t,
          partitions: 6 + j,
          retention: `${j + 1}d`,
          ...(t === "state" ? { cleanupPolicy: "compact" } : {}),
        })),
        apps: [
          { name: "writer", produces: ["orders", "payments"] },
          { name: "reader", consumes: [{ topic: "orders", group: "reader" }, "payments"] },
          { name: "processor", consumes: ["events"], produces: ["state", "dlq"] },
          { name: "auditor", consumes: ["*"] },
        ],
        sources: [
          {
            name: "db",
            type: "postgres",
            host: `${name}.db.example.com`,
            database: "app",
            databaseCidr: "10.30.0.0/16",
            credentials: { secret: "db-cdc" },
            tables: ["public.orders", "public.customers"],
          },
        ],
        jobs: [
          { name: "enricher", image: "registry.example.com/jobs/enricher:1.0.0", jar: { uri: "local:///opt/flink/usrlib/enricher.jar" }, reads: ["db.public.orders"], writes: ["events"] },
          { name: "totals", image: "registry.example.com/jobs/totals:1.0.0", jar: { uri: "local:///opt/flink/usrlib/totals.jar" }, reads: ["events"], writes: ["state"] },
        ],
      };
    }),
  };
}

module.exports = { REGIONS, generateSpec };
