// Cross-region replication: MirrorMaker 2 per mirror with its credentials carried through Secrets Manager.

import { Chart } from "cdk8s";
import { ValidationIssue } from "../../core";
import { grantMirrorSource, IKafkaTopicResource, KafkaMirrorMaker2, KafkaUser, ResourceRequirements } from "../../k8s/kafka";
import { PushedSecret, SecretStore, TenantSecret } from "../../k8s/tenancy";
import { RegionBuild } from "../compose/context";
import { inSpec, SpecPathMap } from "../compose/path-map";
import { stringValues } from "../kafka/compose";
import { tenantPrefix } from "../names";
import { REGION_REGISTRY_NAME, schemaRegistryLeader, schemaRegistryRegions } from "../schemas/registry";
import { PlatformSpec, RegionSpec, tenantRunsIn } from "../spec/schema";
import { secretsAwsRegion, storeServiceAccount } from "../tenancy/compose";
import { replicationBootstrap } from "./listener";
import { ResolvedReplication, tenantUnmirroredTopics } from "./plan";

/**
 * One end of a mirror, in the region being composed (`region`); the other end's region (`peer`) is composed on its
 * own, before or after, and only its spec is read here. At the primary end `chart` holds the source user, at the
 * standby end the MirrorMaker 2; `topics` are that end's topics.
 */
interface MirrorEnd {
  readonly region: RegionBuild;
  readonly peer: RegionSpec;
  readonly scope: string;
  readonly chart: Chart;
  /** KafkaMirrorMaker2 name; its source user is `<owner>-mirror-to-<standby>`, its credentials `<owner>-mirror-<primary>-source`. */
  readonly owner: string;
  readonly topics: readonly IKafkaTopicResource[];
  readonly groupPrefix: string;
}

/** The standby end of a mirror: what its MirrorMaker 2 runs with. */
interface MirrorTarget extends MirrorEnd {
  readonly excludeTopics?: readonly string[];
  readonly replicas?: number;
  readonly tasksMax?: number;
  readonly resources?: ResourceRequirements;
}

/** What the mirrors of a region share: the spec, the path map, the issues, the objects made once per region pair. */
interface MirrorContext {
  readonly spec: PlatformSpec;
  readonly map: SpecPathMap;
  readonly pending: ValidationIssue[];
  /** One object per key (a region pair's stores and CA copies are shared by its mirrors). */
  readonly memo: <T>(key: string, make: () => T) => T;
}

/**
 * Cross-region replication (`replication[]`) in one region, `region`, composed on its own (compose/platform.ts
 * composes and renders a region at a time): for each entry,
 * - where `region` is the primary: a read-only KafkaUser `<tenant>-mirror-to-<standby>` on the replicated topics,
 *   and PushedSecrets that copy its Strimzi-generated password and the cluster CA certificate to Secrets Manager in
 *   the standby's AWS region (under `<environment>/platform/kafka/<primary>/`), through a ClusterSecretStore
 *   usable only from the Kafka namespace;
 * - where `region` is the standby: ExternalSecrets that bring both into its Kafka namespace, and a
 *   KafkaMirrorMaker2 `<tenant>-mirror-<primary>` that keeps topic names, translates the tenant's consumer group
 *   offsets, and connects to the primary's external replication listener.
 * Each end reads of the other region only its spec (names, AWS region, replication listener, networks): the user
 * name, secret keys and names both ends use are derived from the spec alike. Jobs, sources and producers of the
 * standby side were already rendered passive by buildTenant. The Schema Registry's mirrors (the leader's schemas
 * topic to each follower) are made the same way.
 */
export function buildRegionReplication(
  spec: PlatformSpec,
  plan: readonly ResolvedReplication[],
  region: RegionBuild,
  map: SpecPathMap,
  pending: ValidationIssue[],
): void {
  const once = new Map<string, unknown>();
  const memo = <T>(key: string, make: () => T): T => {
    if (!once.has(key)) once.set(key, make());
    return once.get(key) as T;
  };
  const ctx: MirrorContext = { spec, map, pending, memo };
  const name = region.spec.name;
  const regionSpec = (n: string) => spec.regions.find((r) => r.name === n);
  for (const entry of plan) {
    const { primary, standby } = entry.spec;
    if (primary === standby) continue; // reported by checkReplication
    if (primary !== name && standby !== name) continue;
    const own = region.tenants.get(entry.tenant.name);
    const peer = regionSpec(primary === name ? standby : primary);
    // A missing region, or the tenant missing in one, is reported by checkReplication: no end is made.
    if (!own || !peer || !tenantRunsIn(spec, entry.tenant, peer.name)) continue;
    const end = {
      region,
      peer,
      scope: `replication[${entry.index}]`,
      chart: own.chart,
      owner: entry.tenant.name,
      topics: entry.refs.map(own.resolve).filter((x): x is IKafkaTopicResource => x !== undefined),
      groupPrefix: tenantPrefix(entry.tenant.name),
    };
    if (primary === name) mirrorSource(ctx, end);
    else {
      const resources = entry.spec.resources && {
        requests: entry.spec.resources.requests && stringValues(entry.spec.resources.requests),
        limits: entry.spec.resources.limits && stringValues(entry.spec.resources.limits),
      };
      mirrorTarget(ctx, { ...end, excludeTopics: tenantUnmirroredTopics(entry.tenant), replicas: entry.spec.replicas, tasksMax: entry.spec.tasksMax, resources });
    }
  }
  registryMirrors(ctx, region);
}

/**
 * The registries of the other regions follow the leader's: its schemas topic is copied to each of them (ids
 * assigned once, in the leader; the followers serve them read-only), by a MirrorMaker 2 of the platform. The
 * regions with a registry and the leader are the spec's (schemas/registry.ts), as buildRegionRegistry makes them.
 */
function registryMirrors(ctx: MirrorContext, region: RegionBuild): void {
  const leader = schemaRegistryLeader(ctx.spec);
  const registry = region.registry;
  if (leader === undefined || !registry) return;
  const leading = ctx.spec.regions.find((r) => r.name === leader);
  const name = region.spec.name;
  const at = { region, chart: region.platformChart, owner: REGION_REGISTRY_NAME, topics: [registry.topic], groupPrefix: `${REGION_REGISTRY_NAME}.` };
  if (name === leader) {
    const followers = schemaRegistryRegions(ctx.spec);
    ctx.spec.regions.forEach((follower, index) => {
      if (follower.name !== leader && followers.has(follower.name)) mirrorSource(ctx, { ...at, peer: follower, scope: `regions[${index}].schemaRegistry` });
    });
  } else if (leading && !registry.leaderEligible) {
    mirrorTarget(ctx, { ...at, peer: leading, scope: `regions[${region.index}].schemaRegistry`, replicas: 1, tasksMax: 1 });
  }
}

/** The Secrets Manager prefix under which a primary's mirror credentials and CA are pushed for its standbys. */
function remotePrefixOf(spec: PlatformSpec, primary: string): string {
  return `${spec.environment}/platform/kafka/${primary}/`;
}

/** The primary end of a mirror: its source user, and its password and the cluster CA pushed to the standby's Secrets Manager. */
function mirrorSource(ctx: MirrorContext, end: MirrorEnd): void {
  const primary = end.region;
  if (!replicationBootstrap(primary.spec)) return; // reported by checkReplication / registryLeaderIssues
  const p = primary.spec.name;
  const t = end.peer.name;
  const pKafka = primary.platform.kafka;
  const remotePrefix = remotePrefixOf(ctx.spec, p);
  inSpec(ctx.map, ctx.pending, () => {
    // The store and the CA push a standby's mirrors share.
    const pushStore = ctx.memo(`push|${t}`, () =>
      new SecretStore(primary.platformChart, `ReplicationPushStore-${t}`, {
        name: `floe-${p}-to-${t}`,
        awsRegion: secretsAwsRegion(end.peer),
        serviceAccount: storeServiceAccount(ctx.spec, primary.spec),
        namespaces: [pKafka.namespace],
      }),
    );
    ctx.memo(`ca-push|${t}`, () =>
      new PushedSecret(primary.platformChart, `ClusterCaPush-${t}`, {
        store: pushStore,
        namespace: pKafka.namespace,
        name: `${pKafka.clusterName}-cluster-ca-cert-to-${t}`,
        secretName: `${pKafka.clusterName}-cluster-ca-cert`,
        key: "ca.crt",
        remoteKey: `${remotePrefix}cluster-ca-cert`,
        allowedPrefix: remotePrefix,
      }),
    );
    const sourceUser = new KafkaUser(end.chart, `MirrorSource-${end.owner}-${t}`, { cluster: pKafka, userName: mirrorSourceUser(end.owner, t) });
    grantMirrorSource(sourceUser, end.topics, end.groupPrefix);
    new PushedSecret(end.chart, `MirrorSourcePush-${end.owner}-${t}`, {
      store: pushStore,
      namespace: pKafka.namespace,
      name: `${sourceUser.userName}-push`,
      secretName: sourceUser.secretName,
      key: "password",
      remoteKey: `${remotePrefix}users/${sourceUser.userName}`,
      allowedPrefix: remotePrefix,
    });
  });
}

/** The name of the source user of `owner`'s mirror to `standby` (made by the primary end, used by the standby's). */
function mirrorSourceUser(owner: string, standby: string): string {
  return `${owner}-mirror-to-${standby}`;
}

/** The standby end of a mirror: the source user's password and the primary's CA from Secrets Manager, and the MirrorMaker 2. */
function mirrorTarget(ctx: MirrorContext, end: MirrorTarget): void {
  const standby = end.region;
  const bootstrap = replicationBootstrap(end.peer);
  if (!bootstrap) return; // reported by checkReplication / registryLeaderIssues
  const p = end.peer.name;
  const t = standby.spec.name;
  const tKafka = standby.platform.kafka;
  const remotePrefix = remotePrefixOf(ctx.spec, p);
  const owner = end.owner;
  const userName = mirrorSourceUser(owner, t);
  inSpec(ctx.map, ctx.pending, () => {
    // The store every primary's mirrors read through, and each primary's CA copy.
    const platformStore = ctx.memo("store", () =>
      new SecretStore(standby.platformChart, "ReplicationSecretStore", {
        name: `floe-${t}-platform`,
        awsRegion: secretsAwsRegion(standby.spec),
        serviceAccount: storeServiceAccount(ctx.spec, standby.spec),
        namespaces: [tKafka.namespace],
      }),
    );
    const caSecret = ctx.memo(`ca|${p}`, () =>
      new TenantSecret(standby.platformChart, `ClusterCa-${p}`, {
        store: platformStore,
        namespace: tKafka.namespace,
        name: `floe-kafka-ca-${p}`,
        remoteKey: `${remotePrefix}cluster-ca-cert`,
        properties: ["ca.crt"],
        allowedPrefix: remotePrefix,
      }),
    );
    const credentials = new TenantSecret(end.chart, `MirrorCredentials-${owner}-${p}`, {
      store: platformStore,
      namespace: tKafka.namespace,
      name: `${owner}-mirror-${p}-source`,
      remoteKey: `${remotePrefix}users/${userName}`,
      properties: ["password"],
      allowedPrefix: remotePrefix,
    });
    ctx.map.add(`${end.chart.node.path}/Mirror-${owner}-${p}`, end.scope, { name: "tenant" });
    return new KafkaMirrorMaker2(end.chart, `Mirror-${owner}-${p}`, {
      target: tKafka,
      targetAlias: t,
      name: `${owner}-mirror-${p}`,
      source: {
        alias: p,
        bootstrapServers: bootstrap,
        caSecret: { secretName: caSecret.secretName, certificate: "ca.crt" },
        credentials: { username: userName, secretName: credentials.secretName, passwordKey: "password" },
      },
      topics: end.topics,
      excludeTopics: end.excludeTopics,
      groupPrefix: end.groupPrefix,
      replicas: end.replicas,
      tasksMax: end.tasksMax,
      resources: end.resources,
      // Only DNS, the local brokers, the other workers and the primary's load balancers.
      egress: end.peer.network?.peeringCidrs?.length ? { sourceCidrs: end.peer.network.peeringCidrs } : undefined,
    });
  });
}
