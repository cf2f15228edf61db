// What the composition hands each domain: a region's build, a tenant's scope and wiring.

import { App, Chart } from "cdk8s";
import { ValidationIssue } from "../../core";
import { FlinkApplication, FlinkSessionCluster, ICheckpointStorage } from "../../k8s/flink";
import { IKafkaTopicResource, KafkaCluster, KafkaTopic, KafkaUserQuotas } from "../../k8s/kafka";
import type { DashboardDelivery } from "../../k8s/monitoring";
import { ConfluentSchemaRegistry } from "../../k8s/schema";
import { SecretStore, Tenant } from "../../k8s/tenancy";
import { ResolvedReplication } from "../replication/plan";
import { PlatformSpec, RegionSpec, TenantSpec } from "../spec/schema";
import { SpecPathMap } from "./path-map";

/** One chart of a region: it becomes one file, `<file>.yaml`. */
export interface RegionChart {
  /** File name without extension (`platform`, `tenant-payments`). */
  readonly file: string;
  /** The chart. */
  readonly chart: Chart;
}

/** The constructs of one region. */
export interface RegionPlatform {
  /** Region name. */
  readonly region: string;
  /** The cdk8s app holding the region's charts. */
  readonly app: App;
  /** The region's Kafka cluster. */
  readonly kafka: KafkaCluster;
  /** Charts in file order: platform first, then tenants by name. */
  readonly charts: readonly RegionChart[];
}

/** A composed platform: one cdk8s app per region, plus the spec path of every construct made from the spec. */
export interface ComposedPlatform {
  /** The spec it was composed from. */
  readonly spec: PlatformSpec;
  /** Regions in spec order. */
  readonly regions: readonly RegionPlatform[];
  /** Maps construct paths to the spec path they came from (for error messages). */
  readonly specPaths: SpecPathMap;
}

/** What the replication pass needs of a built region. */
export interface RegionBuild {
  readonly platform: RegionPlatform;
  readonly spec: RegionSpec;
  /** Index in `regions[]`. */
  readonly index: number;
  readonly platformChart: Chart;
  readonly tenants: ReadonlyMap<string, TenantBuild>;
  /** The region's Schema Registry, if it runs one. */
  readonly registry: ConfluentSchemaRegistry | undefined;
}

/** What a tenant's chart needs from its region. */
export interface TenantRegionContext {
  readonly kafka: KafkaCluster;
  readonly storage: ICheckpointStorage | undefined;
  readonly production: boolean;
  readonly connect: RegionSpec["connect"];
  readonly regionPath: string;
  readonly network: RegionSpec["network"];
  readonly secretStore: SecretStore | undefined;
  readonly environment: string;
  readonly regionName: string;
  readonly aws: PlatformSpec["aws"];
  /** The AWS region of the region's bucket (its `awsRegion`, else its name), when the spec has an AWS account. */
  readonly awsRegion: string | undefined;
  readonly replication: readonly ResolvedReplication[];
  readonly registry: ConfluentSchemaRegistry | undefined;
  readonly monitoring: RegionMonitoring | undefined;
}

/** A region's monitoring settings (when enabled). */
export interface RegionMonitoring {
  readonly namespace: string;
  readonly selectorLabels: Readonly<Record<string, string>> | undefined;
  readonly lagThreshold: number;
  /** Replication latency (ms) above which a standby's mirror is alerted. */
  readonly replicationLagThresholdMs: number;
  /** Where Grafana's sidecar finds dashboards; undefined: no dashboards. */
  readonly dashboards: DashboardDelivery | undefined;
}

/** What buildTenant made, for the region's capacity checks. */
export interface TenantBuild {
  readonly tenant: Tenant;
  readonly spec: TenantSpec;
  readonly path: string;
  readonly chart: Chart;
  readonly jobs: readonly FlinkApplication[];
  /** The tenant's session clusters (their jobs are FlinkSessionJobs). */
  readonly sessions: readonly FlinkSessionCluster[];
  /** The tenant's topic (or `x*` prefix) reference -> its resource in this region. */
  readonly resolve: (ref: string) => IKafkaTopicResource | undefined;
}

/** One tenant in one region, as each domain composes its part: its chart, context, spec, spec path, issues. */
export interface TenantScope {
  readonly chart: Chart;
  readonly region: TenantRegionContext;
  readonly tenant: TenantSpec;
  /** `tenants[i]`. */
  readonly path: string;
  readonly map: SpecPathMap;
  readonly pending: ValidationIssue[];
}

/** What the tenant's topics give its workloads: its namespace, topics, quotas and how references resolve here. */
export interface TenantWiring {
  readonly tenantConstruct: Tenant;
  /** The tenant's topics by local name (sources' and dead-letter topics join as they are made). */
  readonly topics: Map<string, KafkaTopic>;
  readonly quotas: Map<string, KafkaUserQuotas>;
  /** `<tenant>.`. */
  readonly prefix: string;
  /** A topic (or `x*` prefix) reference -> its resource in this region. */
  readonly resolve: (ref: string) => IKafkaTopicResource | undefined;
  /** What a produce grant on a reference may cover here: nothing of a standby copy. */
  readonly writable: (ref: string) => string[];
  /** Whether a reference covers a standby copy (a topic MirrorMaker 2 writes here). */
  readonly isStandby: (ref: string) => boolean;
}
