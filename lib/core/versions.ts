import { ICEBERG_LOCKED_VERSION } from "./iceberg-plugin-lock";

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

/** Flink Kubernetes Operator release Floe targets (`flink.apache.org/v1beta1`). */
export const FLINK_OPERATOR_VERSION = "1.15.0";

/** How a Flink version spells its checkpoint/savepoint options (Flink 2.0 renamed them). */
export type FlinkStateOptionStyle = "flink-1" | "flink-2";

/** One Flink version the operator runs: the CR's `flinkVersion`, the release, the pinned official image. */
export interface FlinkVersionInfo {
  /** Flink release the default image carries. */
  readonly release: string;
  /** Official image, pinned to a release tag (never `latest`). */
  readonly image: string;
  /** Which option names the release uses for checkpoint/savepoint settings. */
  readonly stateOptions: FlinkStateOptionStyle;
}

/**
 * Flink versions Floe renders (the operator supports the last four minor versions). Keys are the CR's
 * `spec.flinkVersion` values.
 */
export const SUPPORTED_FLINK_VERSIONS: Readonly<Record<string, FlinkVersionInfo>> = {
  v1_20: { release: "1.20.1", image: "flink:1.20.1-scala_2.12-java17", stateOptions: "flink-1" },
  v2_0: { release: "2.0.0", image: "flink:2.0.0-scala_2.12-java21", stateOptions: "flink-2" },
  v2_1: { release: "2.1.0", image: "flink:2.1.0-scala_2.12-java21", stateOptions: "flink-2" },
  v2_2: { release: "2.2.0", image: "flink:2.2.0-scala_2.12-java21", stateOptions: "flink-2" },
};

/** The Flink version Floe renders when none is given (the 1.x LTS line). */
export const DEFAULT_FLINK_VERSION = "v1_20";

/** Debezium release Floe pins for its connector plugins (built for Kafka Connect 4.x). */
export const DEBEZIUM_VERSION = "3.2.0.Final";

/** The Debezium source connectors Floe types, with their Maven artifact and connector class. */
export const DEBEZIUM_CONNECTORS = {
  postgres: { artifact: "debezium-connector-postgres", connectorClass: "io.debezium.connector.postgresql.PostgresConnector" },
  mysql: { artifact: "debezium-connector-mysql", connectorClass: "io.debezium.connector.mysql.MySqlConnector" },
  sqlserver: { artifact: "debezium-connector-sqlserver", connectorClass: "io.debezium.connector.sqlserver.SqlServerConnector" },
} as const;

/** A Debezium connector kind Floe types. */
export type DebeziumConnectorKind = keyof typeof DEBEZIUM_CONNECTORS;

/**
 * The Debezium sink connectors Floe types: the JDBC sink (debezium-connector-jdbc, Apache-2.0), which applies
 * Debezium change events (and plain records with a schema) to a database table by key.
 */
export const DEBEZIUM_SINK_CONNECTORS = {
  jdbc: { artifact: "debezium-connector-jdbc", connectorClass: "io.debezium.connector.jdbc.JdbcSinkConnector" },
} as const;

/** A Debezium sink connector kind Floe types. */
export type DebeziumSinkKind = keyof typeof DEBEZIUM_SINK_CONNECTORS;

/** A Debezium plugin a Connect image can hold: a source or a sink connector. */
export type DebeziumPluginKind = DebeziumConnectorKind | DebeziumSinkKind;

/** Every Debezium plugin Floe types, by kind: its Maven artifact and connector class. */
export const DEBEZIUM_PLUGINS: Readonly<Record<DebeziumPluginKind, { readonly artifact: string; readonly connectorClass: string }>> = {
  ...DEBEZIUM_CONNECTORS,
  ...DEBEZIUM_SINK_CONNECTORS,
};

/**
 * Apache Iceberg release of the Kafka Connect sink Floe types (Apache-2.0, `org.apache.iceberg:iceberg-kafka-connect`).
 * Iceberg publishes its Connect runtime distribution on GitHub only, so Floe pins the plugin as its jars on Maven
 * Central, each with its SHA-512 (lib/core/iceberg-plugin-lock.ts, written by `npm run plugins:lock`).
 */
export const ICEBERG_VERSION = ICEBERG_LOCKED_VERSION;

/** The Iceberg sink's connector class (iceberg 1.10.1, kafka-connect/.../IcebergSinkConnector.java). */
export const ICEBERG_SINK_CONNECTOR_CLASS = "org.apache.iceberg.connect.IcebergSinkConnector";

/** A plugin a Connect image can hold: a Debezium connector's or Iceberg's sink. */
export type ConnectPluginKind = DebeziumPluginKind | "iceberg";

/** Every Connect plugin kind Floe types, in a stable order. */
export const CONNECT_PLUGIN_KINDS: readonly ConnectPluginKind[] = [...(Object.keys(DEBEZIUM_PLUGINS) as DebeziumPluginKind[]), "iceberg"];

/**
 * Images of the platform services Floe deploys itself, pinned to release tags (never `latest`): the Schema
 * Registry (Confluent Community, Kafka-backed storage) and the image of its registration Jobs.
 */
export const PLATFORM_IMAGES = {
  schemaRegistry: "confluentinc/cp-schema-registry:7.9.0",
  curl: "curlimages/curl:8.11.1",
  /** The Schema Registry's enforcing proxy (nginx, unprivileged build). */
  registryProxy: "nginxinc/nginx-unprivileged:1.28.0-alpine",
} as const;

/**
 * Karpenter release whose NodePool API (`karpenter.sh/v1`) Floe renders; its CRDs come with the AWS provider
 * (github.com/aws/karpenter-provider-aws, pkg/apis/crds).
 */
export const KARPENTER_VERSION = "1.15.2";

/** External Secrets Operator release (Helm chart and CRDs). */
export const EXTERNAL_SECRETS_VERSION = "1.0.0";

/** Pinned Helm charts of the operators the Pulumi delivery installs (chart, version, repository). */
export const OPERATOR_CHARTS = {
  strimzi: { chart: "strimzi-kafka-operator", version: STRIMZI_VERSION, repo: "https://strimzi.io/charts/", namespace: "strimzi" },
  flink: {
    chart: "flink-kubernetes-operator",
    version: FLINK_OPERATOR_VERSION,
    repo: `https://downloads.apache.org/flink/flink-kubernetes-operator-${FLINK_OPERATOR_VERSION}/`,
    namespace: "flink-operator",
  },
  externalSecrets: { chart: "external-secrets", version: EXTERNAL_SECRETS_VERSION, repo: "https://charts.external-secrets.io", namespace: "external-secrets" },
} as const;

/**
 * Where the Pulumi delivery takes each operator's CRDs: the release's own files at the pinned ref (the same refs as
 * `npm run crds:fetch` and `../shared`). They are applied as objects of the stack, not by Helm, which installs a
 * chart's `crds/` once and never upgrades them, and deletes the CRDs a chart renders as templates (with every
 * object of their kinds) on uninstall: a changed pin here re-applies the new CRDs, and removal keeps them.
 */
export const OPERATOR_CRD_URLS: Readonly<Record<keyof typeof OPERATOR_CHARTS, readonly string[]>> = {
  strimzi: [`https://github.com/strimzi/strimzi-kafka-operator/releases/download/${STRIMZI_VERSION}/strimzi-crds-${STRIMZI_VERSION}.yaml`],
  flink: ["flinkbluegreendeployments", "flinkdeployments", "flinksessionjobs", "flinkstatesnapshots"].map(
    (name) => `https://raw.githubusercontent.com/apache/flink-kubernetes-operator/release-${FLINK_OPERATOR_VERSION}/helm/flink-kubernetes-operator/crds/${name}.flink.apache.org-v1.yml`,
  ),
  // The whole bundle: the controller also watches ClusterExternalSecrets, generators and the rest.
  externalSecrets: [`https://raw.githubusercontent.com/external-secrets/external-secrets/v${EXTERNAL_SECRETS_VERSION}/deploy/crds/bundle.yaml`],
};

/** The Flink Kubernetes Operator's image (the chart's own default tag is `latest`). */
export const FLINK_OPERATOR_IMAGE = { repository: "ghcr.io/apache/flink-kubernetes-operator", tag: FLINK_OPERATOR_VERSION } as const;
