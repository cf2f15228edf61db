import { ValidationIssue } from "../../core";

/*
 * The types and validators Kafka gives the configs Floe lets a spec set, as its ConfigDef declares them at the
 * pinned Kafka (4.3): topic configs from storage/.../internals/log/LogConfig.java (`LogConfig.configDefCopy()`),
 * broker configs from server/.../config/AbstractKafkaConfig.java (`CONFIG_DEF`). A value the broker would refuse
 * (`min.insync.replicas: "two"`, a topic config name it does not know) is refused here, before anything is
 * written. test/e2e/kafka-config.test.ts holds this table against the real ConfigDefs: every topic config the
 * broker knows is here with its type, and Floe's verdict on a set of probe values equals the broker's.
 */

/** Kafka's config types (`ConfigDef.Type`). */
export type KafkaConfigType = "BOOLEAN" | "STRING" | "INT" | "SHORT" | "LONG" | "DOUBLE" | "LIST" | "CLASS" | "PASSWORD";

/** A config's definition: its type and what its validator admits. */
export interface KafkaConfigDef {
  readonly type: KafkaConfigType;
  /** `Range.atLeast` / `Range.between` lower bound. */
  readonly min?: number;
  /** `Range.between` upper bound. */
  readonly max?: number;
  /** `ValidString.in` (a STRING) or `ValidList.in` (each element of a LIST). */
  readonly values?: readonly string[];
  /** For a LIST with `values`: whether the empty list is valid. */
  readonly emptyAllowed?: boolean;
  /** Numbers valid besides the range (gzip's level -1, its default). */
  readonly alsoAllowed?: readonly number[];
  /** A LIST of replicas, `*` or `<partition>:<broker>,...` (`ThrottledReplicaListValidator`). */
  readonly replicaList?: boolean;
}

const MIB = 1024 * 1024;
const COMPRESSION = ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];

/** Every topic-level config of Kafka 4.3 (`LogConfig`); a name outside it is refused by the broker. */
export const TOPIC_CONFIG_DEFS: Readonly<Record<string, KafkaConfigDef>> = {
  "cleanup.policy": { type: "LIST", values: ["compact", "delete"], emptyAllowed: true },
  "compression.gzip.level": { type: "INT", min: 1, max: 9, alsoAllowed: [-1] },
  "compression.lz4.level": { type: "INT", min: 1, max: 17 },
  "compression.type": { type: "STRING", values: COMPRESSION },
  "compression.zstd.level": { type: "INT", min: -131072, max: 22 },
  "delete.retention.ms": { type: "LONG", min: 0 },
  "file.delete.delay.ms": { type: "LONG", min: 0 },
  "flush.messages": { type: "LONG", min: 1 },
  "flush.ms": { type: "LONG", min: 0 },
  "follower.replication.throttled.replicas": { type: "LIST", replicaList: true },
  "index.interval.bytes": { type: "INT", min: 0 },
  "internal.segment.bytes": { type: "INT" },
  "leader.replication.throttled.replicas": { type: "LIST", replicaList: true },
  "local.retention.bytes": { type: "LONG", min: -2 },
  "local.retention.ms": { type: "LONG", min: -2 },
  "max.compaction.lag.ms": { type: "LONG", min: 1 },
  "max.message.bytes": { type: "INT", min: 0 },
  "message.timestamp.after.max.ms": { type: "LONG", min: 0 },
  "message.timestamp.before.max.ms": { type: "LONG", min: 0 },
  "message.timestamp.type": { type: "STRING", values: ["CreateTime", "LogAppendTime"] },
  "min.cleanable.dirty.ratio": { type: "DOUBLE", min: 0, max: 1 },
  "min.compaction.lag.ms": { type: "LONG", min: 0 },
  "min.insync.replicas": { type: "INT", min: 1 },
  preallocate: { type: "BOOLEAN" },
  "remote.log.copy.disable": { type: "BOOLEAN" },
  "remote.log.delete.on.disable": { type: "BOOLEAN" },
  "remote.storage.enable": { type: "BOOLEAN" },
  "retention.bytes": { type: "LONG" },
  "retention.ms": { type: "LONG", min: -1 },
  "segment.bytes": { type: "INT", min: MIB },
  "segment.index.bytes": { type: "INT", min: 4 },
  "segment.jitter.ms": { type: "LONG", min: 0 },
  "segment.ms": { type: "LONG", min: 1 },
  "unclean.leader.election.enable": { type: "BOOLEAN" },
};

/**
 * Broker configs a spec commonly sets, with their definitions (`AbstractKafkaConfig.CONFIG_DEF`). Other broker
 * names pass unchecked: the broker only warns about names it does not know.
 */
export const BROKER_CONFIG_DEFS: Readonly<Record<string, KafkaConfigDef>> = {
  "auto.create.topics.enable": { type: "BOOLEAN" },
  "auto.leader.rebalance.enable": { type: "BOOLEAN" },
  "compression.type": { type: "STRING", values: COMPRESSION },
  "default.replication.factor": { type: "INT" },
  "delete.topic.enable": { type: "BOOLEAN" },
  "group.initial.rebalance.delay.ms": { type: "INT" },
  "log.cleanup.policy": { type: "LIST", values: ["compact", "delete"], emptyAllowed: true },
  "log.message.timestamp.type": { type: "STRING", values: ["CreateTime", "LogAppendTime"] },
  "log.retention.bytes": { type: "LONG" },
  "log.retention.hours": { type: "INT" },
  "log.retention.ms": { type: "LONG" },
  "log.segment.bytes": { type: "INT", min: MIB },
  "message.max.bytes": { type: "INT", min: 0 },
  "min.insync.replicas": { type: "INT", min: 1 },
  "num.io.threads": { type: "INT", min: 1 },
  "num.network.threads": { type: "INT", min: 1 },
  "num.partitions": { type: "INT", min: 1 },
  "offsets.topic.replication.factor": { type: "SHORT", min: 1 },
  "replica.lag.time.max.ms": { type: "LONG" },
  "transaction.state.log.min.isr": { type: "INT", min: 1 },
  "transaction.state.log.replication.factor": { type: "SHORT", min: 1 },
  "unclean.leader.election.enable": { type: "BOOLEAN" },
};

const INTEGER_BOUNDS: Partial<Record<KafkaConfigType, readonly [bigint, bigint]>> = {
  SHORT: [-(2n ** 15n), 2n ** 15n - 1n],
  INT: [-(2n ** 31n), 2n ** 31n - 1n],
  LONG: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** The text Strimzi writes into the broker's properties for a spec value. */
export function kafkaConfigText(value: string | number | boolean): string {
  return typeof value === "string" ? value : String(value);
}

/**
 * Why Kafka's ConfigDef would refuse `value` for a config of `def`, or undefined: `ConfigDef.parseType` (the
 * text trimmed; integers by `Integer/Short/Long.valueOf`, doubles by `Double.valueOf`, booleans `true`/`false`
 * in any case, lists split on commas) and then the validator.
 */
export function kafkaConfigRefusal(def: KafkaConfigDef, value: string | number | boolean): string | undefined {
  const text = kafkaConfigText(value).trim();
  let numeric: number | undefined;
  switch (def.type) {
    case "BOOLEAN":
      if (!/^(true|false)$/i.test(text)) return "is not a boolean (true or false)";
      return undefined;
    case "SHORT":
    case "INT":
    case "LONG": {
      const [lo, hi] = INTEGER_BOUNDS[def.type]!;
      if (!/^[+-]?\d+$/.test(text) || BigInt(text) < lo || BigInt(text) > hi) return "is not a whole number, or out of the type's range";
      numeric = Number(text);
      break;
    }
    case "DOUBLE":
      if (!/^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/.test(text)) return "is not a number";
      numeric = Number(text.replace(/[fFdD]$/, ""));
      break;
    case "LIST": {
      const items = text === "" ? [] : text.split(/\s*,\s*/);
      if (def.replicaList && !(items.length === 1 && items[0] === "*") && !items.every((i) => /^\d+:\d+$/.test(i))) return "is neither * nor a list of <partition>:<broker>";
      if (def.values) {
        if (items.length === 0 && def.emptyAllowed === false) return "may not be empty";
        const bad = items.filter((i) => !def.values!.includes(i));
        if (bad.length > 0) return `has ${bad.map((b) => JSON.stringify(b)).join(", ")}, not one of ${def.values.join(", ")}`;
      }
      return undefined;
    }
    case "STRING":
      if (def.values && !def.values.includes(text)) return `is not one of ${def.values.join(", ")}`;
      return undefined;
    default:
      return undefined;
  }
  // Kafka's Range compares with < and >, which NaN passes.
  if (def.alsoAllowed?.includes(numeric!)) return undefined;
  if (def.min !== undefined && numeric! < def.min) return def.max !== undefined ? `is not between ${def.min} and ${def.max}` : `is below the minimum ${def.min}`;
  if (def.max !== undefined && numeric! > def.max) return `is not between ${def.min ?? "-"} and ${def.max}`;
  return undefined;
}

/** Issues for a `config` map checked against `defs`; `unknownRefused`: a name outside `defs` is refused too. */
export function kafkaConfigIssues(
  config: Readonly<Record<string, string | number | boolean>> | undefined,
  defs: Readonly<Record<string, KafkaConfigDef>>,
  ctx: { readonly scope: string; readonly what: "topic" | "broker"; readonly unknownRefused: boolean },
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(config ?? {}).sort()) {
    const value = config![key];
    const def = defs[key];
    if (!def) {
      if (ctx.unknownRefused) {
        const near = Object.keys(defs).filter((k) => k.split(".").some((part) => part.length > 3 && key.includes(part)));
        issues.push({
          code: "UnknownKafkaConfig",
          scope: ctx.scope,
          field: `config.${key}`,
          value,
          message: `is not a ${ctx.what} config of Kafka; the broker refuses the whole ${ctx.what === "topic" ? "topic" : "configuration"}`,
          fix: near.length > 0 ? `did you mean ${near.slice(0, 3).join(" or ")}?` : `use one of Kafka's ${ctx.what} configs`,
        });
      }
      continue;
    }
    const refusal = kafkaConfigRefusal(def, value);
    if (refusal) {
      issues.push({
        code: "InvalidKafkaConfigValue",
        scope: ctx.scope,
        field: `config.${key}`,
        value,
        message: `${refusal}; the broker would refuse it (Kafka type ${def.type})`,
        fix: exampleFix(key, def),
      });
    }
  }
  return issues;
}

function exampleFix(key: string, def: KafkaConfigDef): string {
  if (def.values) return `use ${def.type === "LIST" ? "a comma-separated list of " : "one of "}${def.values.join(", ")}`;
  switch (def.type) {
    case "BOOLEAN":
      return `write ${key}: true or false`;
    case "DOUBLE":
      return `write a number${def.min !== undefined ? ` from ${def.min}` : ""}${def.max !== undefined ? ` to ${def.max}` : ""}, e.g. 0.5`;
    default:
      return `write a whole number${def.min !== undefined ? ` of at least ${def.min}` : ""}${def.max !== undefined ? ` and at most ${def.max}` : ""}, e.g. ${Math.max(def.min ?? 2, 2)}`;
  }
}
