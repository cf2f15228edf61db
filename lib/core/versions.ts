/**
 * The one table of runtime versions Floe targets. Upgrades and validation read from here.
 * Strimzi 1.2.0 (`kafka.strimzi.io/v1`) ships these Kafka versions, each with its KRaft metadata version.
 */
export const STRIMZI_VERSION = "1.2.0";

/** Kafka versions the pinned Strimzi release runs, with the matching `metadataVersion`. */
export const SUPPORTED_KAFKA_VERSIONS: Readonly<Record<string, { readonly metadataVersion: string }>> = {
  "4.2.0": { metadataVersion: "4.2-IV1" },
  "4.3.0": { metadataVersion: "4.3-IV0" },
};

/** The Kafka version Floe renders when none is given (Strimzi's own default for 1.2.0). */
export const DEFAULT_KAFKA_VERSION = "4.3.0";
