// The spec's sink connectors (`tenants[].sinks`): the tenant's topics written out to a database (`jdbc`) or to an
// Iceberg table in the tenant's object-storage prefix (`iceberg`).

import { z } from "zod";
import { configValue, dnsLabel } from "../spec/primitives";

const credentials = z.strictObject({
  secret: z.string().min(1),
  userKey: z.string().min(1).optional(),
  passwordKey: z.string().min(1).optional(),
});

/** What every sink has: its topics, state, malformed-data handling and extra connector config. */
const common = {
  name: dnsLabel,
  topics: z.array(z.string().min(1)).min(1),
  tasksMax: z.number().int().optional(),
  state: z.enum(["running", "paused", "stopped"]).optional(),
  errorPolicy: z.enum(["fail", "log-and-skip", "dead-letter"]).optional(),
  deadLetter: z.strictObject({ partitions: z.number().int().min(1).optional(), retention: z.string().optional() }).optional(),
  retryTimeout: z.string().optional(),
  config: z.record(z.string(), configValue).optional(),
};

export const jdbcSinkSchema = z.strictObject({
  ...common,
  type: z.literal("jdbc"),
  dialect: z.enum(["postgresql", "mysql"]),
  host: z.string().min(1),
  port: z.number().int().optional(),
  database: z.string().min(1),
  databaseCidr: z.string().optional(),
  credentials,
  mode: z.enum(["upsert", "insert"]).optional(),
  deletes: z.boolean().optional(),
  table: z.string().min(1).optional(),
  schemaEvolution: z.enum(["none", "basic"]).optional(),
});

export const icebergSinkSchema = z.strictObject({
  ...common,
  type: z.literal("iceberg"),
  /** The table in the tenant's namespace. */
  table: z.string().min(1),
  /** `append` for append-only topics; `history` appends every change of CDC and changelog topics as a row. */
  mode: z.enum(["append", "history"]).optional(),
  catalog: z.discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("jdbc"),
      host: z.string().min(1),
      port: z.number().int().optional(),
      database: z.string().min(1),
      databaseCidr: z.string().optional(),
      credentials,
    }),
    /** The account's Glue Data Catalog in the region: the namespace is the Glue database `<environment>_<tenant>`. */
    z.strictObject({ type: z.literal("glue") }),
  ]),
  commitInterval: z.string().optional(),
  partitionBy: z.array(z.string().min(1)).optional(),
  schemaEvolution: z.enum(["none", "basic"]).optional(),
});

export const sinkSchema = z.discriminatedUnion("type", [jdbcSinkSchema, icebergSinkSchema]);
