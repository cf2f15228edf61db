// Cross-region replication: MirrorMaker 2 per mirror with its credentials carried through Secrets Manager.

import { Chart } from "cdk8s";
import { ValidationIssue } from "../../core";
import { grantMirrorSource, IKafkaTopicResource, KafkaMirrorMaker2, KafkaUser, ResourceRequirements } from "../../k8s/kafka";
import { PushedSecret, SecretStore, TenantSecret } from "../../k8s/tenancy";
import { RegionBuild } from "../compose/context";
import { inSpec, SpecPathMap } from "../compose/path-map";
import { stringValues } from "../kafka/compose";
import { tenantPrefix } from "../names";
import { schemaRegistryLeader } from "../schemas/registry";
import { PlatformSpec } from "../spec/schema";
import { secretsAwsRegion, storeServiceAccount } from "../tenancy/compose";
import { replicationBootstrap } from "./listener";
import { ResolvedReplication, tenantUnmirroredTopics } from "./plan";

/** One mirror: `sourceChart` in the primary holds the source user, `targetChart` in the standby the MirrorMaker 2. */
interface Mirror {
  readonly primary: RegionBuild;
  readonly standby: RegionBuild;
  readonly scope: string;
  readonly sourceChart: Chart;
  readonly targetChart: Chart;
  /** KafkaMirrorMaker2 name; its source user is `<owner>-mirror-to-<standby>`, its credentials `<owner>-mirror-<primary>-source`. */
  readonly owner: string;
  readonly sourceTopics: readonly IKafkaTopicResource[];
  readonly targetTopics: readonly IKafkaTopicResource[];
  readonly excludeTopics?: readonly string[];
  readonly groupPrefix: string;
  readonly replicas?: number;
  readonly tasksMax?: number;
  readonly resources?: ResourceRequirements;
}

/** What every mirror of a platform shares: the spec, the path map, the issues, the objects made once per region pair. */
interface MirrorContext {
  readonly spec: PlatformSpec;
  readonly map: SpecPathMap;
  readonly pending: ValidationIssue[];
  /** One object per key (a region pair's stores and CA copies are shared by its mirrors). */
  readonly memo: <T>(key: string, make: () => T) => T;
}

/**
 * Cross-region replication (`replication[]`), for each entry:
 * - primary region: a read-only KafkaUser `<tenant>-mirror-to-<standby>` on the replicated topics, and
 *   PushSecrets that copy its Strimzi-generated password and the cluster CA certificate to Secrets Manager in
 *   the standby's AWS region (under `<environment>/platform/kafka/<primary>/`), through a ClusterSecretStore
 *   usable only from the Kafka namespace;
 * - standby region: ExternalSecrets that bring both into its Kafka namespace, and a KafkaMirrorMaker2
 *   `<tenant>-mirror-<primary>` that keeps topic names, translates the tenant's consumer group offsets, and
 *   connects to the primary's external replication listener.
 * Jobs, sources and producers of the standby side were already rendered passive by buildTenant.
 */
export function buildReplication(
  spec: PlatformSpec,
  plan: readonly ResolvedReplication[],
  regions: ReadonlyMap<string, RegionBuild>,
  map: SpecPathMap,
  pending: ValidationIssue[],
): void {
  const once = new Map<string, unknown>();
  const memo = <T>(key: string, make: () => T): T => {
    if (!once.has(key)) once.set(key, make());
    return once.get(key) as T;
  };
  const ctx: MirrorContext = { spec, map, pending, memo };
  for (const entry of plan) {
    const m = tenantMirror(entry, regions);
    if (m) mirror(ctx, m);
  }
  for (const m of registryMirrors(spec, regions)) mirror(ctx, m);
}

/** The mirror of one `replication[]` entry, when both regions and the tenant in each were built. */
function tenantMirror(entry: ResolvedReplication, regions: ReadonlyMap<string, RegionBuild>): Mirror | undefined {
  const primary = regions.get(entry.spec.primary);
  const standby = regions.get(entry.spec.standby);
  const tenant = entry.tenant.name;
  const source = primary?.tenants.get(tenant);
  const target = standby?.tenants.get(tenant);
  if (!primary || !standby || !source || !target || primary === standby) return undefined; // reported by checkReplication
  return {
    primary,
    standby,
    scope: `replication[${entry.index}]`,
    sourceChart: source.chart,
    targetChart: target.chart,
    owner: tenant,
    sourceTopics: entry.refs.map(source.resolve).filter((x): x is IKafkaTopicResource => x !== undefined),
    targetTopics: entry.refs.map(target.resolve).filter((x): x is IKafkaTopicResource => x !== undefined),
    excludeTopics: tenantUnmirroredTopics(entry.tenant),
    groupPrefix: tenantPrefix(tenant),
    replicas: entry.spec.replicas,
    tasksMax: entry.spec.tasksMax,
    resources: entry.spec.resources && {
      requests: entry.spec.resources.requests && stringValues(entry.spec.resources.requests),
      limits: entry.spec.resources.limits && stringValues(entry.spec.resources.limits),
    },
  };
}

/**
 * The registries of the other regions follow the leader's: its schemas topic is copied to each of them (ids
 * assigned once, in the leader; the followers serve them read-only), by a MirrorMaker 2 of the platform.
 */
function registryMirrors(spec: PlatformSpec, regions: ReadonlyMap<string, RegionBuild>): Mirror[] {
  const leader = schemaRegistryLeader(spec);
  const leading = leader !== undefined ? regions.get(leader) : undefined;
  const leaderRegistry = leading?.registry;
  if (!leading || !leaderRegistry) return [];
  const out: Mirror[] = [];
  for (const follower of regions.values()) {
    const registry = follower.registry;
    if (follower === leading || !registry || registry.leaderEligible) continue;
    out.push({
      primary: leading,
      standby: follower,
      scope: `regions[${follower.index}].schemaRegistry`,
      sourceChart: leading.platformChart,
      targetChart: follower.platformChart,
      owner: registry.registryName,
      sourceTopics: [leaderRegistry.topic],
      targetTopics: [registry.topic],
      groupPrefix: `${registry.registryName}.`,
      replicas: 1,
      tasksMax: 1,
    });
  }
  return out;
}

/** The stores and the cluster CA a region pair's mirrors share (each made once per pair). */
function regionPairSecrets(ctx: MirrorContext, primary: RegionBuild, standby: RegionBuild) {
  const p = primary.platform.region;
  const t = standby.platform.region;
  const pKafka = primary.platform.kafka;
  const tKafka = standby.platform.kafka;
  const remotePrefix = `${ctx.spec.environment}/platform/kafka/${p}/`;
  const pushStore = ctx.memo(`push|${p}|${t}`, () =>
    new SecretStore(primary.platformChart, `ReplicationPushStore-${t}`, {
      name: `floe-${p}-to-${t}`,
      awsRegion: secretsAwsRegion(standby.spec),
      serviceAccount: storeServiceAccount(ctx.spec, primary.spec),
      namespaces: [pKafka.namespace],
    }),
  );
  const caRemoteKey = `${remotePrefix}cluster-ca-cert`;
  ctx.memo(`ca-push|${p}|${t}`, () =>
    new PushedSecret(primary.platformChart, `ClusterCaPush-${t}`, {
      store: pushStore,
      namespace: pKafka.namespace,
      name: `${pKafka.clusterName}-cluster-ca-cert-to-${t}`,
      secretName: `${pKafka.clusterName}-cluster-ca-cert`,
      key: "ca.crt",
      remoteKey: caRemoteKey,
      allowedPrefix: remotePrefix,
    }),
  );
  const platformStore = ctx.memo(`store|${t}`, () =>
    new SecretStore(standby.platformChart, "ReplicationSecretStore", {
      name: `floe-${t}-platform`,
      awsRegion: secretsAwsRegion(standby.spec),
      serviceAccount: storeServiceAccount(ctx.spec, standby.spec),
      namespaces: [tKafka.namespace],
    }),
  );
  const caSecret = ctx.memo(`ca|${p}|${t}`, () =>
    new TenantSecret(standby.platformChart, `ClusterCa-${p}`, {
      store: platformStore,
      namespace: tKafka.namespace,
      name: `floe-kafka-ca-${p}`,
      remoteKey: caRemoteKey,
      properties: ["ca.crt"],
      allowedPrefix: remotePrefix,
    }),
  );
  return { remotePrefix, pushStore, platformStore, caSecret };
}

/** One mirror's source user (pushed to the standby's Secrets Manager), its credentials there and its MirrorMaker 2. */
function mirror(ctx: MirrorContext, m: Mirror): void {
  const { primary, standby } = m;
  const bootstrap = replicationBootstrap(primary.spec);
  if (!bootstrap) return; // reported by checkReplication / registryLeaderIssues
  const scope = m.scope;
  const p = primary.platform.region;
  const t = standby.platform.region;
  const pKafka = primary.platform.kafka;
  const tKafka = standby.platform.kafka;
  const owner = m.owner;
  inSpec(ctx.map, ctx.pending, () => {
    const { remotePrefix, pushStore, platformStore, caSecret } = regionPairSecrets(ctx, primary, standby);
    const sourceUser = new KafkaUser(m.sourceChart, `MirrorSource-${owner}-${t}`, { cluster: pKafka, userName: `${owner}-mirror-to-${t}` });
    grantMirrorSource(sourceUser, m.sourceTopics, m.groupPrefix);
    const passwordKey = `${remotePrefix}users/${sourceUser.userName}`;
    new PushedSecret(m.sourceChart, `MirrorSourcePush-${owner}-${t}`, {
      store: pushStore,
      namespace: pKafka.namespace,
      name: `${sourceUser.userName}-push`,
      secretName: sourceUser.secretName,
      key: "password",
      remoteKey: passwordKey,
      allowedPrefix: remotePrefix,
    });
    const credentials = new TenantSecret(m.targetChart, `MirrorCredentials-${owner}-${p}`, {
      store: platformStore,
      namespace: tKafka.namespace,
      name: `${owner}-mirror-${p}-source`,
      remoteKey: passwordKey,
      properties: ["password"],
      allowedPrefix: remotePrefix,
    });
    ctx.map.add(`${m.targetChart.node.path}/Mirror-${owner}-${p}`, scope, { name: "tenant" });
    return new KafkaMirrorMaker2(m.targetChart, `Mirror-${owner}-${p}`, {
      target: tKafka,
      targetAlias: t,
      name: `${owner}-mirror-${p}`,
      source: {
        alias: p,
        bootstrapServers: bootstrap,
        caSecret: { secretName: caSecret.secretName, certificate: "ca.crt" },
        credentials: { username: sourceUser.userName, secretName: credentials.secretName, passwordKey: "password" },
      },
      topics: m.targetTopics,
      excludeTopics: m.excludeTopics,
      groupPrefix: m.groupPrefix,
      replicas: m.replicas,
      tasksMax: m.tasksMax,
      resources: m.resources,
      // Only DNS, the local brokers, the other workers and the primary's load balancers.
      egress: primary.spec.network?.peeringCidrs?.length ? { sourceCidrs: primary.spec.network.peeringCidrs } : undefined,
    });
  });
}
