// A region's Kafka namespace and cluster from `regions[].kafka`.

import { kafkaNodePlacement } from "../nodes/compose";
import { ApiObject, Chart } from "cdk8s";
import { ValidationIssue } from "../../core";
import { KafkaAuthentication, KafkaAuthorization, KafkaCluster, KafkaListener, KafkaNodePoolOptions, KafkaStorage } from "../../k8s/kafka";
import { RESTRICTED_NAMESPACE_LABELS } from "../../k8s/security";
import { KAFKA_CLIENT_LABEL } from "../../k8s/tenancy";
import { inSpec, SpecPathMap } from "../compose/path-map";
import { DEFAULT_KAFKA_NAMESPACE, tenantRunsConnectors } from "../names";
import { replicationClientCidrs, replicationListener } from "../replication/listener";
import { PlatformSpec, RegionSpec, tenantRunsIn } from "../spec/schema";

export function nodePoolOptions(pool: RegionSpec["kafka"]["brokers"]): KafkaNodePoolOptions | undefined {
  if (!pool) return undefined;
  let storage: KafkaStorage | undefined;
  const s = pool.storage;
  if (s && "jbod" in s) {
    storage = KafkaStorage.jbod(
      s.jbod.map((v) => ({ id: v.id, size: v.size, storageClass: v.class, deleteClaim: v.deleteClaim, kraftMetadata: v.kraftMetadata })),
    );
  } else if (s && "ephemeral" in s) {
    storage = KafkaStorage.ephemeral(s.ephemeral.sizeLimit);
  } else if (s) {
    storage = KafkaStorage.persistentClaim({ size: s.size, storageClass: s.class, deleteClaim: s.deleteClaim });
  }
  return {
    replicas: pool.replicas,
    storage,
    resources: pool.resources && {
      requests: pool.resources.requests && stringValues(pool.resources.requests),
      limits: pool.resources.limits && stringValues(pool.resources.limits),
    },
  };
}

export function stringValues(o: Readonly<Record<string, string | number | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
}

export function authentication(type: "scram-sha-512" | "tls" | "none" | undefined): KafkaAuthentication | undefined {
  switch (type) {
    case "scram-sha-512":
      return KafkaAuthentication.scramSha512();
    case "tls":
      return KafkaAuthentication.tls();
    case "none":
      return KafkaAuthentication.none();
    default:
      return undefined;
  }
}

/**
 * The spec's listeners; the replication listener (`replication`) admits only `clientCidrs`, the networks of the
 * regions that mirror from this one (an internal load balancer, see {@link KafkaExternalListenerOptions.sourceCidrs}).
 */
export function listeners(spec: RegionSpec["kafka"]["listeners"], replication?: { readonly name: string; readonly clientCidrs: readonly string[] }): KafkaListener[] | undefined {
  return spec?.map((l) => {
    const auth = authentication(l.authentication);
    if (l.type === "internal") {
      return l.tls
        ? KafkaListener.internalTls({ name: l.name, port: l.port, authentication: auth })
        : KafkaListener.internalPlain({ name: l.name, port: l.port, authentication: auth });
    }
    return KafkaListener.external({
      name: l.name,
      port: l.port,
      type: l.type,
      tls: l.tls,
      authentication: auth,
      bootstrapHost: l.bootstrapHost,
      hostTemplate: l.hostTemplate,
      class: l.class,
      sourceCidrs: replication?.name === l.name ? replication.clientCidrs : undefined,
    });
  });
}

/** The replication listener of a region that others mirror from, with the networks they connect from. */
export function replicationListenerClients(spec: PlatformSpec, region: RegionSpec): { name: string; clientCidrs: string[] } | undefined {
  const listener = replicationListener(region);
  const clientCidrs = replicationClientCidrs(spec, region.name);
  // Without the networks (reported as PeeringCidrsMissing) the listener is left as declared.
  return listener && clientCidrs && clientCidrs.length > 0 ? { name: listener.name, clientCidrs } : undefined;
}

/** The region's Kafka namespace and cluster, in the platform chart (undefined when the cluster is invalid: reported). */
export function buildKafka(
  spec: PlatformSpec,
  region: RegionSpec,
  regionIndex: number,
  platformChart: Chart,
  map: SpecPathMap,
  pending: ValidationIssue[],
): KafkaCluster | undefined {
  const production = spec.production ?? true;
  const kafkaSpec = region.kafka;
  const namespace = kafkaSpec.namespace ?? DEFAULT_KAFKA_NAMESPACE;
  const kafkaPath = `regions[${regionIndex}].kafka`;
  map.add(`${platformChart.node.path}/Kafka`, kafkaPath, { zones: { scope: `regions[${regionIndex}]`, field: "cluster.zones" } });
  map.add(`${platformChart.node.path}/Kafka/Controllers`, `${kafkaPath}.controllers`);
  map.add(`${platformChart.node.path}/Kafka/Brokers`, `${kafkaPath}.brokers`);
  map.add(`${platformChart.node.path}/Kafka/Dual`, `${kafkaPath}.brokers`);

  // Strimzi's Connect build pod (an image builder) cannot run under "restricted"; where a region builds its
  // Connect image, the Kafka namespace enforces "baseline" and still warns and audits against "restricted".
  const buildsConnectImage =
    region.connect?.build !== undefined &&
    (spec.tenants ?? []).some((t) => tenantRunsConnectors(t) && tenantRunsIn(spec, t, region.name));
  new ApiObject(platformChart, "KafkaNamespace", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: namespace,
      labels: {
        ...RESTRICTED_NAMESPACE_LABELS,
        ...(buildsConnectImage ? { "pod-security.kubernetes.io/enforce": "baseline" } : {}),
        "app.kubernetes.io/name": "kafka",
      },
    },
  });
  const kafka = inSpec(map, pending, () =>
    new KafkaCluster(platformChart, "Kafka", {
      name: kafkaSpec.name,
      namespace,
      version: kafkaSpec.version,
      production,
      listeners: listeners(kafkaSpec.listeners, replicationListenerClients(spec, region)),
      authorization:
        kafkaSpec.authorization === "none"
          ? KafkaAuthorization.none()
          : KafkaAuthorization.simple({ superUsers: kafkaSpec.superUsers }),
      controllers: nodePoolOptions(kafkaSpec.controllers),
      brokers: nodePoolOptions(kafkaSpec.brokers),
      combinedRoles: kafkaSpec.combinedRoles,
      rackAwareness: kafkaSpec.rackAwareness,
      rackTopologyKey: kafkaSpec.rackTopologyKey,
      zones: region.cluster?.zones,
      ...kafkaNodePlacement(spec, region),
      config: kafkaSpec.config,
      cruiseControl: kafkaSpec.cruiseControl,
      metrics: kafkaSpec.metrics,
      authorizerLog: kafkaSpec.auditLog,
      kafkaExporter: kafkaSpec.kafkaExporter,
      clientNamespaceLabels: { [KAFKA_CLIENT_LABEL]: kafkaSpec.name },
    }),
  );
  return kafka;
}
