// Public API of floe-platform (the package's root entry point): the cdk8s constructs and their types, the spec and
// the functions that render, validate, diff and trace it. Re-exports only, each named: what is not here is internal
// (the repository's tests reach it through lib/internal.ts, which package.json "exports" does not expose). The Pulumi
// side is in floe-platform/cloud and floe-platform/pulumi, so that this entry point never loads Pulumi.

// The types of the constructs (props, references, options), of the spec and of what the functions return.
export type { Acknowledgement, DiffResult, FieldChange, ObjectChange, ChangeAction } from "./gitops/diff";
export type { AlertRule, MonitoringContext, PodMonitorProps, PrometheusRuleProps } from "./k8s/monitoring/monitoring";
export type { AppSpec, JobSpec, PlatformSpec, RegionSpec, ReplicationSpec, SessionClusterSpec, SourceSpec, TenantSpec, TopicSpec } from "./platform/spec/schema";
export type { ChangeEventSchemaOptions, ChangeEventSchemas, ColumnDeclaration } from "./k8s/debezium/types";
export type { ClientEnvVar, ClientSecretVolume, KafkaClientAccessProps, KafkaClientConnection } from "./k8s/kafka/kafka-client-access";
export type { CompatibilityResult } from "./k8s/schema/compatibility";
export type { ComposedPlatform, RegionChart, RegionPlatform } from "./platform/compose/context";
export type { ConfluentSchemaRegistryProps, RegistryPrincipal, SchemaRegistrationProps, SchemaSubject, RegistryRole } from "./k8s/schema/schema-registry";
export type { ConnectBuildOptions, ConnectPlugin, DebeziumPluginOptions, IcebergSinkPluginOptions } from "./k8s/debezium/connect-image";
export type { ConnectClusterProps, ConnectNetworkPolicyOptions } from "./k8s/debezium/connect-cluster";
export type { ConnectPluginKind, DebeziumConnectorKind, DebeziumPluginKind, DebeziumSinkKind } from "./core/versions";
export type { ConnectSchema, ConnectField } from "./k8s/schema/connect-schema";
export type { ConnectStorageTopics, ConsumeGrantOptions, IKafkaTopicResource, KafkaTopicProps } from "./k8s/kafka/kafka-topic";
export type { ConnectorChangeClassification, ConnectorManifest, ChangeRisk } from "./k8s/debezium/offsets";
export type { DashboardDelivery, GrafanaDashboardModel, GrafanaDashboardProps, RegionDashboardOptions, TenantDashboardOptions } from "./k8s/monitoring/dashboards";
export type { DatabaseCredentialsOptions } from "./k8s/debezium/credentials";
export type { DebeziumSourceOptions, IncrementalSnapshot } from "./k8s/debezium/source-connector";
export type { DiffFormat } from "./gitops/diff-format";
export type { EnvVar, FlinkDeploymentSpec, FlinkJobSpec, FlinkPodTemplate, FlinkResources, FlinkSessionJobSpec, Volume, VolumeMount } from "./k8s/flink/flink-types";
export type { FlinkApplicationProps, FlinkAutoscalerOptions, FlinkAutoscalerQuota, FlinkBackfill, FlinkFootprint, FlinkKafkaOptions, FlinkSecretEnv, IFlinkApplication, SavepointHistory, DeliveryGuarantee } from "./k8s/flink/flink-application";
export type { FlinkClusterOptions, FlinkJobManagerOptions, FlinkPodExtras, FlinkTaskManagerOptions } from "./k8s/flink/flink-deployment";
export type { FlinkJarJobOptions, FlinkJobOptions, FlinkRestore, FlinkSqlJobOptions } from "./k8s/flink/flink-job";
export type { FlinkSavepointSnapshotProps } from "./k8s/flink/flink-snapshot";
export type { FlinkSessionClusterProps, IFlinkSessionCluster } from "./k8s/flink/flink-session-cluster";
export type { FlinkSessionJobKafkaOptions, FlinkSessionJobProps } from "./k8s/flink/flink-session-job";
export type { FlinkStateOptions, FlinkStateOwner, FlinkUpgradeOptions } from "./k8s/flink/flink-state";
export type { FreshTopic, TenantAlertOptions, TenantMirror } from "./k8s/monitoring/alerts";
export type { ICheckpointStorage } from "./core/cloud-names";
export type { IKafkaCluster, KafkaClusterProps, KafkaConfigValue } from "./k8s/kafka/kafka-cluster";
export type { IKafkaNodePool, KafkaNodePoolOptions, KafkaNodePoolProps } from "./k8s/kafka/kafka-node-pool";
export type { IKafkaUser, KafkaAcl, KafkaAclScope, KafkaUserProps } from "./k8s/kafka/kafka-user";
export type { ITenant, TenantContainerLimits, TenantEgress, TenantNetworkOptions, TenantProps, TenantQuota, TenantServiceEgress } from "./k8s/tenancy/tenant";
export type { IcebergJdbcCatalogOptions, IcebergSinkProps } from "./k8s/debezium/iceberg-sink";
export type { JdbcSinkProps, JdbcDatabaseKind } from "./k8s/debezium/sink-connector";
export type { JobStatePaths } from "./k8s/flink/checkpoint-storage";
export type { KafkaAccessIntent, KafkaAclOperation, KafkaAclResourceType } from "./core/permissions";
export type { KafkaExternalListenerOptions, KafkaListenerOptions, KafkaListenerType } from "./k8s/kafka/listener";
export type { KafkaJbodVolumeOptions, KafkaVolumeOptions } from "./k8s/kafka/storage";
export type { KafkaMirrorMaker2Props, MirrorEgressOptions, MirrorSourceCluster } from "./k8s/kafka/kafka-mirror-maker2";
export type { KafkaNodePoolSpec, KafkaSpec, KafkaTopicSpec, KafkaUserQuotas, KafkaUserSpec, ResourceRequirements, StrimziAclRule, StrimziContainerSecurityContext, StrimziContainerTemplate, StrimziListener, StrimziListenerAuthentication, StrimziListenerConfiguration, StrimziMetricsConfig, StrimziPersistentVolume, StrimziPodSecurityContext, StrimziPodTemplate, StrimziStorage } from "./k8s/kafka/strimzi-types";
export type { KarpenterNodePoolProps } from "./k8s/nodes/karpenter-node-pool";
export type { LineageEdge, LineageGraph, LineageNode } from "./gitops/lineage";
export type { Manifest, RenderedFile, RenderedTree } from "./platform/render";
export type { MySqlSourceProps, PostgresSourceProps, SqlServerSourceProps, HistorySnapshotMode, PostgresSnapshotMode } from "./k8s/debezium/sources";
export type { ParseSpecOptions } from "./platform/spec/parse";
export type { PlatformContext } from "./core/labels";
export type { PushedSecretProps, SecretStoreProps, TenantSecretProps } from "./k8s/tenancy/secrets";
export type { QuotaClaim, TenantKafkaQuota, TenantUsage } from "./k8s/tenancy/accounting";
export type { SchemaContext, SchemaCompatibility, SchemaType } from "./k8s/schema/topic-schema";
export type { SinkConnectorOptions } from "./k8s/debezium/sink-common";
export type { TenantKafkaCredentialsProps } from "./k8s/tenancy/kafka-credentials";
export type { ValidationIssue } from "./core/errors";
export type { Violation } from "./gitops/validate";

// Errors, labels and the names both the Kubernetes and the cloud side derive from the spec.
export { collectIssues, formatIssue, isValidationError, ValidationError } from "./core/errors";
export { contextLabels, FloeLabels } from "./core/labels";
export { checkpointBucketName, roleArn, tenantRoleName } from "./core/cloud-names";
export {
  DEBEZIUM_VERSION,
  DEFAULT_FLINK_VERSION,
  DEFAULT_KAFKA_VERSION,
  EXTERNAL_SECRETS_VERSION,
  FLINK_OPERATOR_VERSION,
  ICEBERG_VERSION,
  KARPENTER_VERSION,
  STRIMZI_VERSION,
  SUPPORTED_FLINK_VERSIONS,
  SUPPORTED_KAFKA_VERSIONS,
} from "./core/versions";

// Kafka (Strimzi).
export {
  CleanupPolicy,
  KafkaAuthentication,
  KafkaAuthenticationType,
  KafkaAuthorization,
  KafkaClientAccess,
  KafkaCluster,
  KafkaListener,
  KafkaMirrorMaker2,
  KafkaNodePool,
  KafkaNodeRole,
  KafkaStorage,
  KafkaTopic,
  KafkaTopicPrefix,
  KafkaUser,
  TopicGrants,
} from "./k8s/kafka";

// Flink (Flink Kubernetes Operator).
export { CheckpointBucket, FlinkApplication, FlinkJob, FlinkSavepointSnapshot, FlinkSessionCluster, FlinkSessionJob, JobState, UpgradeMode } from "./k8s/flink";

// Debezium and sinks on Strimzi Kafka Connect.
export {
  classifyConnectorChange,
  classifyPluginChange,
  ConnectCluster,
  ConnectImage,
  ConnectorState,
  DatabaseCredentials,
  DebeziumPlugin,
  DebeziumSource,
  IcebergCatalog,
  IcebergSink,
  IcebergSinkPlugin,
  JdbcInsertMode,
  JdbcSink,
  MySqlSource,
  PostgresSource,
  SinkErrorPolicy,
  SourceErrorPolicy,
  SqlServerSource,
} from "./k8s/debezium";

// Tenancy, secrets by reference, schemas, monitoring, nodes.
export { PushedSecret, SecretStore, Tenant, TenantKafkaCredentials, TenantSecret } from "./k8s/tenancy";
export { ConfluentSchemaRegistry, SchemaRegistration, TopicSchema } from "./k8s/schema";
export { GrafanaDashboard, PodMonitor, PrometheusRule } from "./k8s/monitoring";
export { KarpenterNodePool, NodeConsolidation } from "./k8s/nodes";

// The platform spec: parse, compose, render, write, validate, diff, trace.
export { composePlatform, DEFAULT_KAFKA_NAMESPACE, loadPlatformSpec, parsePlatformSpec, parsePlatformSpecYaml, platformSpecSchema, tenantTopicName, tenantUserName } from "./platform";
export {
  buildLineage,
  chartManifests,
  diffDirectories,
  formatDiff,
  lineageDot,
  lineageJson,
  lineageMermaid,
  renderPlatform,
  resolveCrdDirs,
  SchemaRegistry,
  synthesize,
  toYaml,
  validateDirectory,
  writeTree,
} from "./gitops";
