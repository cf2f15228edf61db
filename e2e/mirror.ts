/**
 * What Strimzi 1.2.0 makes of a rendered `KafkaMirrorMaker2`: a Kafka Connect cluster on the target (the worker
 * is built from `spec.target` exactly as a KafkaConnect's: `KafkaMirrorMaker2Cluster.buildKafkaConnectSpec`,
 * then `KafkaConnectConfigurationBuilder`; see e2e/connect.ts) whose pods run as `<name>-mirrormaker2`, and one
 * connector per mirror and connector kind (`KafkaMirrorMaker2Connectors.generateConnectorDefinitions` and
 * `prepareMirrorMaker2ConnectorConfig`, cluster-operator/src/main/java/io/strimzi/operator/cluster/model/):
 * - named `<source alias>-><target alias>.Mirror{Source,Checkpoint,Heartbeat}Connector`, class
 *   `org.apache.kafka.connect.mirror.<kind>`;
 * - the target's and the source's connection under `target.cluster.` and `source.cluster.`: `alias`,
 *   `bootstrap.servers`, `ssl.truststore.certificates=${strimzisecrets:<ns>/<name>-connect-tls-trusted-certs:<alias>-ca.crt}`
 *   (`KafkaMirrorMaker2Cluster.tlsCertificateKey`), SCRAM `sasl.mechanism` and `sasl.jaas.config` with the
 *   password read through `strimzisecrets`, `security.protocol`, and the cluster's `config`;
 * - the connector's `config`, then `topics`, `topics.exclude`, `groups`, `groups.exclude` from the mirror's
 *   patterns; `tasks.max` and `connector.class` as for every KafkaConnector.
 */
import { ConnectWorker } from "./connect";

type Obj = Record<string, any>;

const KINDS = [
  ["sourceConnector", "MirrorSourceConnector"],
  ["checkpointConnector", "MirrorCheckpointConnector"],
  ["heartbeatConnector", "MirrorHeartbeatConnector"],
] as const;

/** The KafkaConnect Strimzi builds the MirrorMaker 2 worker from (`buildKafkaConnectSpec`). */
export function mirrorMakerConnect(mm2: Obj): Obj {
  const t = mm2.spec.target;
  return {
    apiVersion: mm2.apiVersion,
    // Still a MirrorMaker 2 to the worker translation (its configuration defaults differ).
    kind: "KafkaMirrorMaker2",
    metadata: { name: mm2.metadata.name, namespace: mm2.metadata.namespace },
    spec: {
      bootstrapServers: t.bootstrapServers,
      groupId: t.groupId,
      configStorageTopic: t.configStorageTopic,
      offsetStorageTopic: t.offsetStorageTopic,
      statusStorageTopic: t.statusStorageTopic,
      tls: t.tls,
      authentication: t.authentication,
      config: t.config,
    },
  };
}

/** One cluster's connection under a prefix (`addClusterToMirrorMaker2ConnectorConfig`). */
function clusterConfig(mm2: Obj, cluster: Obj, prefix: string, bootstrap: string): Record<string, string | number | boolean> {
  const ns = mm2.metadata.namespace as string;
  const ref = (secret: string, key: string) => `\${strimzisecrets:${ns}/${secret}:${key}}`;
  const out: Record<string, string | number | boolean> = { [`${prefix}alias`]: cluster.alias, [`${prefix}bootstrap.servers`]: bootstrap };
  let protocol = "PLAINTEXT";
  if (cluster.tls) {
    if ((cluster.tls.trustedCertificates ?? []).length > 0) {
      out[`${prefix}ssl.truststore.certificates`] = ref(`${mm2.metadata.name}-connect-tls-trusted-certs`, `${cluster.alias}-ca.crt`);
      out[`${prefix}ssl.truststore.type`] = "PEM";
    }
    protocol = "SSL";
  }
  const auth = cluster.authentication;
  if (auth?.type === "scram-sha-512") {
    protocol = cluster.tls ? "SASL_SSL" : "SASL_PLAINTEXT";
    out[`${prefix}sasl.mechanism`] = "SCRAM-SHA-512";
    out[`${prefix}sasl.jaas.config`] = `org.apache.kafka.common.security.scram.ScramLoginModule required password="${ref(auth.passwordSecret.secretName, auth.passwordSecret.password)}" username="${auth.username}";`;
  } else if (auth) {
    throw new Error(`e2e: MirrorMaker 2 authentication ${auth.type} is not mapped`);
  }
  out[`${prefix}security.protocol`] = protocol;
  for (const [k, v] of Object.entries(cluster.config ?? {})) out[`${prefix}${k}`] = v as string;
  return out;
}

/**
 * The connectors of a rendered KafkaMirrorMaker2, with their configs as Strimzi puts them (`bootstraps` maps a
 * cluster alias to the loopback address that stands in for its rendered bootstrap address).
 */
export function mirrorConnectors(mm2: Obj, bootstraps: Readonly<Record<string, string>>): { name: string; config: Record<string, string> }[] {
  const target = mm2.spec.target;
  const out: { name: string; config: Record<string, string> }[] = [];
  for (const mirror of mm2.spec.mirrors as Obj[]) {
    for (const [field, kind] of KINDS) {
      const c = mirror[field];
      if (!c) continue;
      const config: Record<string, unknown> = {
        ...clusterConfig(mm2, target, "target.cluster.", bootstraps[target.alias]),
        ...clusterConfig(mm2, mirror.source, "source.cluster.", bootstraps[mirror.source.alias]),
        ...(c.config ?? {}),
        ...(mirror.topicsPattern ? { topics: mirror.topicsPattern } : {}),
        ...(mirror.topicsExcludePattern ? { "topics.exclude": mirror.topicsExcludePattern } : {}),
        ...(mirror.groupsPattern ? { groups: mirror.groupsPattern } : {}),
        ...(mirror.groupsExcludePattern ? { "groups.exclude": mirror.groupsExcludePattern } : {}),
      };
      const connector = { spec: { class: `org.apache.kafka.connect.mirror.${kind}`, tasksMax: c.tasksMax, config } };
      out.push({ name: `${mirror.source.alias}->${target.alias}.${kind}`, config: ConnectWorker.connectorConfig(connector) });
    }
  }
  return out;
}

/**
 * The Secret of trusted certificates Strimzi assembles for a MirrorMaker 2 (`ca.crt` for the worker's target
 * connection, `<alias>-ca.crt` per cluster) and its Role for the pods' service account: the trusted certificates
 * and every cluster's authentication Secret (`KafkaMirrorMaker2Cluster.secretsToAllowAccessTo`).
 */
export function strimziMirrorObjects(mm2: Obj, caByAlias: Readonly<Record<string, string>>): Obj[] {
  const ns = mm2.metadata.namespace as string;
  const name = mm2.metadata.name as string;
  const target = mm2.spec.target;
  const certs = `${name}-connect-tls-trusted-certs`;
  const clusters = [target, ...(mm2.spec.mirrors as Obj[]).map((m) => m.source)];
  const data: Record<string, string> = { "ca.crt": caByAlias[target.alias] };
  for (const c of clusters) data[`${c.alias}-ca.crt`] = caByAlias[c.alias];
  const secrets = [certs, ...clusters.map((c) => c.authentication?.passwordSecret?.secretName).filter((s): s is string => !!s)];
  return [
    { apiVersion: "v1", kind: "Secret", metadata: { name: certs, namespace: ns }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])) },
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: `${name}-mirrormaker2`, namespace: ns }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: [...new Set(secrets)].sort() }] },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: `${name}-mirrormaker2-role`, namespace: ns },
      subjects: [{ kind: "ServiceAccount", name: `${name}-mirrormaker2`, namespace: ns }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `${name}-mirrormaker2` },
    },
  ];
}
