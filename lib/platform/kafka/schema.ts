// The spec's `regions[].kafka`: the Strimzi cluster, its node pools, storage and listeners.

import { z } from "zod";
import { configValue, dnsLabel, quantity, resourcesSchema } from "../spec/primitives";

const volumeSchema = z.strictObject({
  size: quantity,
  class: z.string().min(1).optional(),
  deleteClaim: z.boolean().optional(),
});

const storageSchema = z.union([
  volumeSchema,
  z.strictObject({
    jbod: z
      .array(volumeSchema.extend({ id: z.number().int().min(0), kraftMetadata: z.boolean().optional() }))
      .min(1),
  }),
  z.strictObject({ ephemeral: z.strictObject({ sizeLimit: quantity.optional() }) }),
]);

const nodePoolSchema = z.strictObject({
  replicas: z.number().int().min(0).optional(),
  storage: storageSchema.optional(),
  resources: resourcesSchema.optional(),
});

const authenticationSchema = z.enum(["scram-sha-512", "tls", "none"]);

const listenerSchema = z.strictObject({
  name: z.string(),
  port: z.number().int(),
  type: z.enum(["internal", "route", "loadbalancer", "nodeport", "ingress", "cluster-ip"]),
  tls: z.boolean(),
  authentication: authenticationSchema.optional(),
  bootstrapHost: z.string().min(1).optional(),
  hostTemplate: z.string().min(1).optional(),
  class: z.string().min(1).optional(),
});

export const kafkaSchema = z.strictObject({
  name: dnsLabel,
  namespace: dnsLabel.optional(),
  version: z.string().optional(),
  listeners: z.array(listenerSchema).min(1).optional(),
  superUsers: z.array(z.string().min(1)).optional(),
  authorization: z.enum(["simple", "none"]).optional(),
  // What the brokers' authorizer logs (kafka.authorizer.logger): denied requests (INFO), or every decision (DEBUG).
  auditLog: z.enum(["denied", "all"]).optional(),
  controllers: nodePoolSchema.optional(),
  brokers: nodePoolSchema.optional(),
  combinedRoles: z.boolean().optional(),
  rackAwareness: z.boolean().optional(),
  rackTopologyKey: z.string().min(1).optional(),
  config: z.record(z.string(), configValue).optional(),
  cruiseControl: z.boolean().optional(),
  metrics: z.boolean().optional(),
  kafkaExporter: z.boolean().optional(),
  replicationListener: z.string().min(1).optional(),
});
