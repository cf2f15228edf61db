// The spec's CDC sources (`tenants[].sources`) and a region's Kafka Connect (`regions[].connect`).

import { z } from "zod";
import { configValue, dnsLabel, resourcesSchema } from "../spec/primitives";

const connectorKind = z.enum(["postgres", "mysql", "sqlserver"]);
/** A plugin of the Connect image: a source connector's, the JDBC sink's, or Iceberg's sink. */
const pluginKind = z.enum(["postgres", "mysql", "sqlserver", "jdbc", "iceberg"]);

export const connectRegionSchema = z
  .strictObject({
    image: z.string().min(1).optional(),
    connectors: z.array(pluginKind).optional(),
    converters: z.array(z.enum(["avro"])).optional(),
    build: z
      .strictObject({
        outputRepository: z.string().min(1),
        pushSecret: z.string().min(1).optional(),
        plugins: z
          .array(
            z
              .strictObject({
                connector: pluginKind,
                sha512: z.string().optional(),
                version: z.string().optional(),
                repository: z.string().optional(),
              })
              .refine((p) => p.connector !== "iceberg" || (p.sha512 === undefined && p.version === undefined), {
                message: "the Iceberg sink plugin is pinned by Floe's lock (every jar's coordinates and SHA-512, lib/core/iceberg-plugin-lock.ts): remove sha512 and version (repository may name a mirror)",
                path: ["sha512"],
              })
              .refine((p) => p.connector === "iceberg" || p.sha512 !== undefined, {
                message: "a Debezium plugin archive needs its SHA-512 (Strimzi verifies the download): curl -sL <archive url> | sha512sum",
                path: ["sha512"],
              }),
          )
          .min(1),
      })
      .optional(),
    replicas: z.number().int().min(1).optional(),
    resources: resourcesSchema.optional(),
  })
  .refine((c) => (c.image === undefined) !== (c.build === undefined), {
    message: "the Connect image is either prebuilt (image + connectors) or built (build): set exactly one of image or build",
    path: ["image"],
  })
  .refine((c) => c.image === undefined || (c.connectors ?? []).length > 0, {
    message: "a prebuilt Connect image must list the Debezium connectors it contains",
    path: ["connectors"],
  });

/** A captured table's column (lib/k8s/debezium/types.ts translates its type as Debezium does). */
export const columnSchema = z.strictObject({
  name: z.string().min(1),
  type: z.string().min(1),
  nullable: z.boolean().optional(),
  primaryKey: z.boolean().optional(),
  values: z.array(z.string().min(1)).min(1).optional(),
});

export const sourceSchema = z.strictObject({
  name: dnsLabel,
  type: connectorKind,
  host: z.string().min(1),
  port: z.number().int().optional(),
  databaseCidr: z.string().optional(),
  database: z.string().min(1).optional(),
  serverId: z.number().int().optional(),
  credentials: z.strictObject({
    secret: z.string().min(1),
    userKey: z.string().min(1).optional(),
    passwordKey: z.string().min(1).optional(),
  }),
  tables: z.array(z.string().min(1)).min(1),
  columns: z.record(z.string().min(1), z.array(columnSchema).min(1)).optional(),
  topicPrefix: z.string().min(1).optional(),
  signalTable: z.string().min(1).optional(),
  columnExcludeList: z.array(z.string().min(1)).optional(),
  tasksMax: z.number().int().optional(),
  state: z.enum(["running", "paused", "stopped"]).optional(),
  errorPolicy: z.enum(["fail", "log-and-skip"]).optional(),
  retryTimeout: z.string().optional(),
  heartbeatInterval: z.string().optional(),
  heartbeatActionQuery: z.string().min(1).optional(),
  snapshotMode: z.string().optional(),
  slotName: z.string().optional(),
  publicationName: z.string().optional(),
  slotDropOnStop: z.boolean().optional(),
  sslMode: z.string().optional(),
  encrypt: z.boolean().optional(),
  topicPartitions: z.number().int().min(1).optional(),
  format: z.enum(["json", "avro"]).optional(),
  decimalFormat: z.enum(["base64", "numeric"]).optional(),
  embedSchemas: z.boolean().optional(),
  incrementalSnapshots: z.array(z.strictObject({ id: z.string().min(1), tables: z.array(z.string().min(1)) })).optional(),
  config: z.record(z.string(), configValue).optional(),
});
