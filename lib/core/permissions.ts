/**
 * The one table of access intents -> Kafka ACL operations. Kafka implies `Describe` from `Read`, `Write`,
 * `Delete` and `Alter`, so intents list only what they need.
 * @see https://kafka.apache.org/documentation/#operations_resources_and_protocols
 */
export const KAFKA_ACL_TABLE = {
  /** Produce records to a topic. */
  produce: { topic: ["Write"] },
  /** Consume records from a topic within a consumer group. */
  consume: { topic: ["Read"], group: ["Read"] },
  /** Produce transactionally: write the topic and use the transactional id. */
  produceTransactional: { topic: ["Write"], transactionalId: ["Write"] },
  /** Read topic metadata and configuration, nothing else. */
  describe: { topic: ["DescribeConfigs"] },
} as const satisfies Record<string, Partial<Record<KafkaAclResourceType, readonly KafkaAclOperation[]>>>;

/** The intent names of `KAFKA_ACL_TABLE`. */
export type KafkaAccessIntent = keyof typeof KAFKA_ACL_TABLE;

/** Kafka ACL resource types as Strimzi spells them. */
export type KafkaAclResourceType = "topic" | "group" | "cluster" | "transactionalId";

/** Kafka ACL operations as Strimzi spells them. */
export type KafkaAclOperation =
  | "Read"
  | "Write"
  | "Create"
  | "Delete"
  | "Alter"
  | "Describe"
  | "ClusterAction"
  | "AlterConfigs"
  | "DescribeConfigs"
  | "IdempotentWrite"
  | "All";

/** The canonical order of operations in rendered ACLs (stable output). */
export const KAFKA_ACL_OPERATION_ORDER: readonly KafkaAclOperation[] = [
  "All",
  "Read",
  "Write",
  "Create",
  "Delete",
  "Alter",
  "Describe",
  "ClusterAction",
  "AlterConfigs",
  "DescribeConfigs",
  "IdempotentWrite",
];
