// The converters of Floe's connectors where they differ from the Connect workers' (JSON without schemas).

import { ConnectCluster, EMBEDDED_SCHEMA_JSON_CONVERTERS } from "../../k8s/debezium";
import { SourceSpec } from "../spec/schema";

/**
 * A JSON source's converters where they differ from the workers' (JSON without schemas, decimals as base64): with
 * its Connect schema in each record (`embedSchemas`: JsonConverter `schemas.enable=true`, what the JDBC sink maps
 * to columns) and with decimals as numbers.
 */
export function jsonConverters(src: SourceSpec): Record<string, string> {
  if (!src.embedSchemas) return src.decimalFormat === "numeric" ? NUMERIC_DECIMALS : {};
  return {
    ...EMBEDDED_SCHEMA_JSON_CONVERTERS,
    ...(src.decimalFormat === "numeric" ? { "value.converter.decimal.format": "NUMERIC" } : {}),
  };
}

/**
 * JSON values with decimals as JSON numbers (Kafka's JsonConverter `decimal.format=NUMERIC`, KIP-481) rather
 * than base64 strings of their unscaled bytes. A connector's `value.converter.*` settings apply only with its own
 * `value.converter` (Connect's Worker builds the task's converter from the connector config when it names one,
 * else from the worker's), so the converter is named here with the worker's settings.
 */
const NUMERIC_DECIMALS: Record<string, string> = {
  "value.converter": "org.apache.kafka.connect.json.JsonConverter",
  "value.converter.schemas.enable": "false",
  "value.converter.decimal.format": "NUMERIC",
};

/**
 * Connector converters that write Avro with the region's Schema Registry (the image must contain them),
 * authenticating at its proxy as the Connect user (Confluent's `basic.auth.credentials.source=USER_INFO`; the
 * password a `${secrets:...}` reference that the workers' config provider resolves). They never register:
 * `auto.register.schemas=false` with `use.latest.version=true` makes Confluent's serializer write with the
 * subject's latest schema, the one Floe registered (AbstractKafkaSchemaSerDeConfig; it fails the record when
 * that schema cannot carry the row). Debezium names the schemas after the topic, whose tenant and source
 * parts hold '-': `schema.name.adjustment.mode=avro` makes them Avro names (Debezium's SchemaNameAdjuster),
 * as Floe's derived schemas name them.
 */
export function avroConverters(url: string, connect: ConnectCluster): Record<string, string> {
  const userInfo = `${connect.user.userName}:\${secrets:${connect.namespace}/${connect.user.secretName}:password}`;
  const out: Record<string, string> = {};
  for (const side of ["key", "value"]) {
    out[`${side}.converter`] = "io.confluent.connect.avro.AvroConverter";
    out[`${side}.converter.basic.auth.credentials.source`] = "USER_INFO";
    out[`${side}.converter.basic.auth.user.info`] = userInfo;
    out[`${side}.converter.schema.registry.url`] = url;
    out[`${side}.converter.auto.register.schemas`] = "false";
    out[`${side}.converter.use.latest.version`] = "true";
  }
  out["schema.name.adjustment.mode"] = "avro";
  return out;
}
