// The spec's sink connectors (`tenants[].sinks`): the tenant's topics written out to a database.

import { z } from "zod";
import { configValue, dnsLabel } from "../spec/primitives";

export const sinkSchema = z.strictObject({
  name: dnsLabel,
  type: z.enum(["jdbc"]),
  topics: z.array(z.string().min(1)).min(1),
  dialect: z.enum(["postgresql", "mysql"]),
  host: z.string().min(1),
  port: z.number().int().optional(),
  database: z.string().min(1),
  databaseCidr: z.string().optional(),
  credentials: z.strictObject({
    secret: z.string().min(1),
    userKey: z.string().min(1).optional(),
    passwordKey: z.string().min(1).optional(),
  }),
  mode: z.enum(["upsert", "insert"]).optional(),
  deletes: z.boolean().optional(),
  table: z.string().min(1).optional(),
  schemaEvolution: z.enum(["none", "basic"]).optional(),
  tasksMax: z.number().int().optional(),
  state: z.enum(["running", "paused", "stopped"]).optional(),
  errorPolicy: z.enum(["fail", "log-and-skip", "dead-letter"]).optional(),
  deadLetter: z.strictObject({ partitions: z.number().int().min(1).optional(), retention: z.string().optional() }).optional(),
  retryTimeout: z.string().optional(),
  config: z.record(z.string(), configValue).optional(),
});
