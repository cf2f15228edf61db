import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { parsePlatformSpec, PlatformSpec } from "../../lib/internal";
import { exampleSpec } from "../helpers/specs";
import { ROOT } from "../helpers";

/** Test fixture checksums of the Connect build (the build itself runs in the cluster, never here). */
const FIXTURE_SHA512 = { postgres: "a".repeat(128), mysql: "b".repeat(128), sqlserver: "c".repeat(128) };

/** examples/dev.yaml (the Pulumi dev stack's spec) with the account id the stack config would give. */
export function devExampleSpec(): PlatformSpec {
  const spec = parse(readFileSync(join(ROOT, "examples", "dev.yaml"), "utf8")) as PlatformSpec;
  return { ...spec, aws: { ...spec.aws, accountId: "123456789012" } };
}

/**
 * A spec that exercises what the example does not: a built Connect image with all three Debezium plugins and
 * Avro converters; PostgreSQL (Avro, signal table, incremental snapshots), MySQL and SQL Server sources; a
 * schema registry; Kafka Exporter; combined-role ephemeral Kafka; mTLS and SCRAM apps with quotas; a session
 * cluster with a session job; jobs with
 * exactly-once, dead-lettering, savepoint history, named snapshots with a restore, a bounded backfill, a SQL
 * job, HA with last-state, an autoscaler; tenant egress, secret env, custom groups; pod-identity; tenant beta's
 * topics replicated by MirrorMaker 2 to a standby region, whose Schema Registry follows local's.
 */
export function featureSpec(): PlatformSpec {
  return {
    environment: "feat",
    production: false,
    aws: { accountId: "123456789012", workloadIdentity: "pod-identity" },
    regions: [
      {
        name: "local",
        cluster: { clusterName: "feat-local" },
        kafka: {
          name: "feat",
          version: "4.3.0",
          combinedRoles: true,
          brokers: { replicas: 1, storage: { ephemeral: {} } },
          listeners: [
            { name: "tls", port: 9093, type: "internal", tls: true, authentication: "scram-sha-512" },
            { name: "mtls", port: 9094, type: "internal", tls: true, authentication: "tls" },
            { name: "replication", port: 9095, type: "loadbalancer", tls: true, authentication: "scram-sha-512", bootstrapHost: "kafka-replication.local.feat.example.com" },
          ],
          kafkaExporter: true,
        },
        connect: {
          build: {
            outputRepository: "registry.example.com/platform/connect",
            plugins: [
              { connector: "postgres", sha512: FIXTURE_SHA512.postgres },
              { connector: "mysql", sha512: FIXTURE_SHA512.mysql },
              { connector: "sqlserver", sha512: FIXTURE_SHA512.sqlserver },
            ],
          },
          converters: ["avro"],
        },
        // The registry that assigns schema ids; remote's follows it (its schemas topic mirrored there).
        schemaRegistry: { leader: true, replicas: 1 },
        secretStore: { awsRegion: "eu-west-1" },
        network: { apiServerCidrs: ["10.0.0.0/16"], peeringCidrs: ["10.0.0.0/16"] },
        monitoring: { enabled: true, consumerLagThreshold: 5000 },
        // Karpenter NodePools (their CRDs from the Go module proxy): the tenants' limited to this capacity.
        capacity: { cpu: "512", memory: "2Ti" },
        nodes: { karpenter: { nodeClass: "feat", instanceCategories: ["m", "c"], capacityTypes: ["spot", "on-demand"], architectures: ["amd64", "arm64"], consolidateAfter: "10m" } },
      },
      {
        // The standby of tenant beta's topics (MirrorMaker 2 runs here and reads from local).
        name: "remote",
        kafka: {
          name: "feat",
          combinedRoles: true,
          brokers: { replicas: 1, storage: { ephemeral: {} } },
          listeners: [
            { name: "tls", port: 9093, type: "internal", tls: true, authentication: "scram-sha-512" },
            { name: "replication", port: 9095, type: "loadbalancer", tls: true, authentication: "scram-sha-512", bootstrapHost: "kafka-replication.remote.feat.example.com" },
          ],
        },
        connect: { image: "registry.example.com/platform/connect:3.2.0-1", connectors: ["mysql", "sqlserver"] },
        schemaRegistry: { replicas: 1 },
        secretStore: { awsRegion: "eu-west-2" },
        network: { apiServerCidrs: ["10.1.0.0/16"], peeringCidrs: ["10.1.0.0/16"] },
      },
    ],
    replication: [{ tenant: "beta", primary: "local", standby: "remote" }],
    tenants: [
      {
        name: "alpha",
        regions: ["local"],
        quota: { cpu: "40", memory: "96Gi", pods: 80 },
        adminGroups: ["alpha-admins", "alpha-oncall"],
        viewerGroups: ["alpha-readers"],
        egress: [{ cidr: "10.50.0.0/16", port: 443, description: "partner API" }],
        secrets: [
          { name: "orders-db-cdc", remoteKey: "feat/alpha/orders-db-cdc", properties: ["username", "password"] },
          { name: "api-token", remoteKey: "feat/alpha/api-token" },
        ],
        topics: [
          {
            name: "events",
            partitions: 6,
            valueSchema: { type: "avro", definition: { type: "record", name: "Event", fields: [{ name: "id", type: "string" }] } },
          },
          { name: "state", cleanupPolicy: "compact" },
          { name: "totals", partitions: 3 },
        ],
        apps: [
          { name: "writer", produces: ["events"], quotas: { producerByteRate: 131072 } },
          { name: "reader", authentication: "tls", consumes: [{ topic: "events", group: "readers" }] },
        ],
        sources: [
          {
            name: "orders-db",
            type: "postgres",
            host: "orders.db.example.com",
            database: "orders",
            databaseCidr: "10.30.0.0/16",
            credentials: { secret: "orders-db-cdc" },
            tables: ["public.orders", "public.order_lines"],
            signalTable: "public.debezium_signal",
            incrementalSnapshots: [{ id: "backfill-2026-11", tables: ["public.orders"] }],
            format: "avro",
            // Avro converters do not register: each table's schema is derived from its columns and registered by Floe.
            columns: {
              "public.orders": [
                { name: "id", type: "integer", primaryKey: true },
                { name: "customer", type: "text", nullable: false },
                { name: "amount", type: "numeric(10,2)", nullable: false },
              ],
              "public.order_lines": [
                { name: "order_id", type: "integer", primaryKey: true },
                { name: "line", type: "integer", primaryKey: true },
                { name: "sku", type: "text", nullable: false },
              ],
            },
            heartbeatInterval: "10s",
          },
        ],
        jobs: [
          {
            name: "enricher",
            image: "registry.example.com/alpha/enricher:1.0.0",
            jar: { uri: "local:///opt/flink/usrlib/enricher.jar", entryClass: "com.example.Enricher" },
            parallelism: 2,
            guarantee: "exactly-once",
            onMalformed: "dead-letter",
            savepointHistory: { maxCount: 5, maxAge: "3d" },
            snapshots: [{ name: "before-v2", path: "savepoints/savepoint-0a1b2c" }],
            restore: { snapshot: "before-v2", nonce: 1 },
            reads: ["events"],
            writes: ["state"],
            secretEnv: [{ name: "API_TOKEN", secret: "api-token", key: "token" }],
          },
          {
            name: "totals",
            image: "registry.example.com/alpha/flink-sql:1.20.1-r3",
            sql: {
              statements: [
                "CREATE TABLE events (id STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'kafka', 'topic' = 'alpha.events', 'format' = 'json')",
                "CREATE TABLE totals (id STRING, window_end TIMESTAMP(3), n BIGINT) WITH ('connector' = 'kafka', 'topic' = 'alpha.totals', 'format' = 'json')",
                // A windowed count: a plain Kafka sink takes appends only (a running GROUP BY id would update rows).
                "INSERT INTO totals SELECT id, window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY id, window_start, window_end",
              ],
            },
            parallelism: 1,
            upgradeMode: "last-state",
            highAvailability: true,
            autoscaler: { targetUtilization: 0.6, maxParallelism: 4 },
            backfill: { from: "earliest", parallelism: 1 },
            reads: ["events"],
            writes: ["totals"],
          },
          {
            // A jar job on the tenant's session cluster (its topics granted to the cluster's KafkaUser).
            name: "sessionizer",
            session: "adhoc",
            jar: { uri: "local:///opt/flink/usrlib/sessionizer.jar" },
            parallelism: 2,
            reads: ["events"],
            writes: ["state"],
          },
        ],
        sessionClusters: [{ name: "adhoc", taskManager: { slots: 2, cpu: 0.5, memory: "2048m" } }],
      },
      {
        name: "beta",
        quota: { cpu: "8", memory: "16Gi" },
        secrets: [{ name: "stock-db", remoteKey: "feat/beta/stock-db" }, { name: "legacy-db", remoteKey: "feat/beta/legacy-db" }],
        topics: [{ name: "events", partitions: 3 }, { name: "stock", cleanupPolicy: "compact" }],
        apps: [{ name: "svc", produces: ["*"], consumes: ["*"] }],
        sources: [
          {
            name: "stock-db",
            type: "mysql",
            host: "stock.db.example.com",
            serverId: 4242,
            databaseCidr: "10.40.0.0/24",
            credentials: { secret: "stock-db", userKey: "user" },
            tables: ["wms.stock"],
          },
          {
            name: "legacy-db",
            type: "sqlserver",
            host: "legacy.db.example.com",
            database: "legacy",
            databaseCidr: "10.41.0.0/24",
            credentials: { secret: "legacy-db" },
            tables: ["legacy.dbo.items"],
          },
        ],
      },
    ],
  } as PlatformSpec;
}

/** The spec sets the e2e tier applies: the README's example, the Pulumi dev stack's spec and the feature set. */
export function e2eSpecs(): { name: string; spec: PlatformSpec }[] {
  return [
    { name: "example", spec: parsePlatformSpec(exampleSpec()) },
    { name: "dev", spec: parsePlatformSpec(devExampleSpec()) },
    { name: "features", spec: parsePlatformSpec(featureSpec()) },
  ];
}
