import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import { checkDnsLabel, checkImagePinned, componentLabels, PLATFORM_IMAGES, shortHash, ValidationError, ValidationIssue } from "../../core";
import type { IKafkaCluster } from "../kafka/kafka-cluster";
import { CleanupPolicy, KafkaTopic } from "../kafka/kafka-topic";
import { KafkaUser } from "../kafka/kafka-user";
import { KafkaAuthenticationType } from "../kafka/listener";
import { ResourceRequirements } from "../kafka/strimzi-types";
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from "../security";
import { SchemaCompatibility, TopicSchema } from "./topic-schema";

/** Port the Schema Registry serves its REST API on. */
export const SCHEMA_REGISTRY_PORT = 8081;

/** Properties of a {@link ConfluentSchemaRegistry}. */
export interface ConfluentSchemaRegistryProps {
  /** The Kafka cluster that stores the schemas; the registry runs in its namespace. */
  readonly cluster: IKafkaCluster;
  /**
   * Deployment, Service and KafkaUser name; its schemas topic is `<name>.schemas`.
   * @default "schema-registry"
   */
  readonly name?: string;
  /**
   * Image, pinned to a tag or digest.
   * @default PLATFORM_IMAGES.schemaRegistry (Confluent Schema Registry 7.9.0)
   */
  readonly image?: string;
  /**
   * Replicas (one is elected leader through the Kafka group protocol).
   * @default 2 in production, 1 otherwise
   */
  readonly replicas?: number;
  /**
   * Container resources.
   * @default - requests 250m / 768Mi, memory limit 768Mi
   */
  readonly resources?: ResourceRequirements;
  /**
   * Namespace labels of the clients allowed to call the registry (besides the Kafka namespace itself).
   * @default - only pods of the Kafka namespace
   */
  readonly clientNamespaceLabels?: Readonly<Record<string, string>>;
  /**
   * Default compatibility of subjects without their own.
   * @default "BACKWARD"
   */
  readonly defaultCompatibility?: SchemaCompatibility;
  /**
   * Whether this registry may become the leader that assigns schema ids (`leader.eligibility`). In a
   * multi-region environment exactly one region's registry is eligible; the others are read-only followers
   * serving a mirrored copy of its schemas topic, so that an id means the same schema in every region.
   * @default true
   */
  readonly leaderEligible?: boolean;
}

/**
 * A Schema Registry (Confluent Community) per region, storing its schemas in a compacted single-partition
 * KafkaTopic through its own SCRAM KafkaUser (password from Strimzi's Secret, never rendered; the cluster CA
 * as a PEM truststore), behind a Service reachable only from the Kafka namespace and the client namespaces.
 * Pods meet Pod Security "restricted".
 * @see https://docs.confluent.io/platform/current/schema-registry/installation/config.html
 */
export class ConfluentSchemaRegistry extends Construct {
  /** Name of the Deployment, Service and user. */
  public readonly registryName: string;
  /** Namespace (the Kafka cluster's). */
  public readonly namespace: string;
  /** Its KafkaUser. */
  public readonly user: KafkaUser;
  /** The schemas topic. */
  public readonly topic: KafkaTopic;
  /** Pod labels (for NetworkPolicies of clients). */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** Whether it may lead (assign ids); false for a follower of another region's registry. */
  public readonly leaderEligible: boolean;

  constructor(scope: Construct, id: string, props: ConfluentSchemaRegistryProps) {
    super(scope, id);
    this.registryName = props.name ?? "schema-registry";
    this.leaderEligible = props.leaderEligible ?? true;
    this.namespace = props.cluster.namespace;
    const cluster = props.cluster;
    const image = props.image ?? PLATFORM_IMAGES.schemaRegistry;
    const scopePath = this.node.path;
    const issues: ValidationIssue[] = [...checkDnsLabel(this.registryName, { scope: scopePath, field: "name" }), ...checkImagePinned(image, { scope: scopePath, field: "image" })];
    const listener = cluster.listeners.find((l) => !l.external && l.tls && l.authentication.type === KafkaAuthenticationType.SCRAM_SHA_512);
    if (!listener) {
      issues.push({
        code: "NoListenerForAuthentication",
        scope: scopePath,
        field: "cluster",
        value: cluster.clusterName,
        message: `the Schema Registry connects with SCRAM-SHA-512 over TLS, but no internal listener of cluster ${cluster.clusterName} offers it`,
        fix: "add an internal TLS listener with scram-sha-512 authentication",
      });
    }
    if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) {
      issues.push({ code: "InvalidReplicas", scope: scopePath, field: "replicas", value: props.replicas, message: "must be a whole number, 1 or more", fix: "use e.g. 2" });
    }
    ValidationError.throwIfAny(issues);

    const name = this.registryName;
    this.podLabels = { "app.kubernetes.io/name": "schema-registry", "app.kubernetes.io/instance": name };
    this.topic = new KafkaTopic(this, "Topic", { cluster, topicName: `${name}.schemas`, partitions: 1, cleanupPolicy: CleanupPolicy.COMPACT });
    this.user = new KafkaUser(this, "User", { cluster, userName: name });
    this.user.addAcl({ resource: { type: "topic", name: this.topic.topicName, patternType: "literal" }, operations: ["Read", "Write", "Describe", "DescribeConfigs"] });
    this.user.addAcl({ resource: { type: "group", name, patternType: "prefix" }, operations: ["Read", "Describe"] });

    const labels = componentLabels("schema-registry", name, "schema-registry");
    const caDir = "/etc/floe/kafka-ca";
    const env = [
      { name: "SCHEMA_REGISTRY_HOST_NAME", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      { name: "SCHEMA_REGISTRY_LISTENERS", value: `http://0.0.0.0:${SCHEMA_REGISTRY_PORT}` },
      { name: "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", value: `SASL_SSL://${listener ? cluster.bootstrapAddress(listener.name) : ""}` },
      { name: "SCHEMA_REGISTRY_KAFKASTORE_SECURITY_PROTOCOL", value: "SASL_SSL" },
      { name: "SCHEMA_REGISTRY_KAFKASTORE_SASL_MECHANISM", value: "SCRAM-SHA-512" },
      { name: "SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG", valueFrom: { secretKeyRef: { name: this.user.secretName, key: "sasl.jaas.config" } } },
      { name: "SCHEMA_REGISTRY_KAFKASTORE_SSL_TRUSTSTORE_TYPE", value: "PEM" },
      { name: "SCHEMA_REGISTRY_KAFKASTORE_SSL_TRUSTSTORE_LOCATION", value: `${caDir}/ca.crt` },
      { name: "SCHEMA_REGISTRY_KAFKASTORE_TOPIC", value: this.topic.topicName },
      { name: "SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR", value: String(cluster.defaultReplicationFactor) },
      { name: "SCHEMA_REGISTRY_KAFKASTORE_GROUP_ID", value: `${name}.store` },
      { name: "SCHEMA_REGISTRY_SCHEMA_REGISTRY_GROUP_ID", value: name },
      // The image turns SCHEMA_REGISTRY_<KEY> into the property <key> (`_` -> `.`): leader.eligibility.
      ...(props.leaderEligible === false ? [{ name: "SCHEMA_REGISTRY_LEADER_ELIGIBILITY", value: "false" }] : []),
      { name: "SCHEMA_REGISTRY_SCHEMA_COMPATIBILITY_LEVEL", value: (props.defaultCompatibility ?? "BACKWARD").toLowerCase() },
    ];
    const replicas = props.replicas ?? (cluster.production ? 2 : 1);
    const probe = (failureThreshold: number, initialDelaySeconds: number) => ({
      httpGet: { path: "/", port: "http" },
      initialDelaySeconds,
      periodSeconds: 10,
      failureThreshold,
    });
    new ApiObject(this, "Deployment", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        replicas,
        selector: { matchLabels: { ...this.podLabels } },
        template: {
          metadata: { labels: { ...labels, ...this.podLabels } },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { ...RESTRICTED_POD_SECURITY_CONTEXT, runAsUser: 1000, runAsGroup: 1000 },
            containers: [
              {
                name: "schema-registry",
                image,
                ports: [{ name: "http", containerPort: SCHEMA_REGISTRY_PORT, protocol: "TCP" }],
                env,
                resources: props.resources ?? { requests: { cpu: "250m", memory: "768Mi" }, limits: { memory: "768Mi" } },
                readinessProbe: probe(3, 10),
                livenessProbe: probe(6, 60),
                securityContext: { ...RESTRICTED_CONTAINER_SECURITY_CONTEXT, capabilities: { drop: ["ALL"] } },
                volumeMounts: [{ name: "kafka-ca", mountPath: caDir, readOnly: true }],
              },
            ],
            volumes: [{ name: "kafka-ca", secret: { secretName: `${cluster.clusterName}-cluster-ca-cert`, items: [{ key: "ca.crt", path: "ca.crt" }] } }],
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: cluster.zoneTopologyKey, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...this.podLabels } } },
            ],
          },
        },
      },
    });
    new ApiObject(this, "Service", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace: this.namespace, labels },
      spec: { selector: { ...this.podLabels }, ports: [{ name: "http", port: SCHEMA_REGISTRY_PORT, targetPort: "http", protocol: "TCP" }] },
    });
    if (replicas > 1) {
      new ApiObject(this, "Disruption", {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name, namespace: this.namespace, labels },
        spec: { maxUnavailable: 1, selector: { matchLabels: { ...this.podLabels } } },
      });
    }
    new ApiObject(this, "Ingress", {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: `${name}-ingress`, namespace: this.namespace, labels },
      spec: {
        podSelector: { matchLabels: { ...this.podLabels } },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ podSelector: {} }, ...(props.clientNamespaceLabels ? [{ namespaceSelector: { matchLabels: { ...props.clientNamespaceLabels } } }] : [])],
            ports: [{ protocol: "TCP", port: SCHEMA_REGISTRY_PORT }],
          },
        ],
      },
    });
  }

  /** The URL clients use (`http://<name>.<namespace>.svc:8081`). */
  public get url(): string {
    return `http://${this.registryName}.${this.namespace}.svc:${SCHEMA_REGISTRY_PORT}`;
  }
}

/** One subject to register. */
export interface SchemaSubject {
  /** Subject name (`<topic>-value` or `<topic>-key`: the TopicNameStrategy). */
  readonly subject: string;
  /** The schema. */
  readonly schema: TopicSchema;
  /**
   * Compatibility set on the subject before registering.
   * @default "BACKWARD"
   */
  readonly compatibility?: SchemaCompatibility;
}

/** Properties of a {@link SchemaRegistration}. */
export interface SchemaRegistrationProps {
  /** The registry. */
  readonly registry: ConfluentSchemaRegistry;
  /** Name of the ConfigMap (the Job is `<name>-<content hash>`), e.g. `<tenant>-schemas`. */
  readonly name: string;
  /** The subjects. */
  readonly subjects: readonly SchemaSubject[];
  /**
   * Image of the registration Job (it needs `sh` and `curl`).
   * @default PLATFORM_IMAGES.curl
   */
  readonly image?: string;
}

/** Label of the ConfigMaps that carry registered schemas (what `floe diff` checks for compatibility). */
export const SCHEMAS_COMPONENT = "schemas";

/** The registration script: set each subject's compatibility, then register its schema (idempotent). */
const REGISTER_SCRIPT = `set -eu
ct="Content-Type: application/vnd.schemaregistry.v1+json"
while read -r subject compatibility; do
  [ -n "$subject" ] || continue
  curl -fsS --retry 12 --retry-connrefused --retry-delay 5 -X PUT -H "$ct" --data "{\\"compatibility\\":\\"$compatibility\\"}" "$REGISTRY_URL/config/$subject" >/dev/null
  id=$(curl -fsS --retry 12 --retry-connrefused --retry-delay 5 -X POST -H "$ct" --data "@/schemas/$subject.json" "$REGISTRY_URL/subjects/$subject/versions")
  echo "$subject $compatibility $id"
done < /schemas/subjects.txt
`;

/**
 * Schemas registered as code: a ConfigMap with each subject's registration request (its schema and type) and
 * compatibility, and a Job that applies them to the registry. Registering an identical schema returns its
 * existing id, so the Job is idempotent; an incompatible schema is refused by the registry (409) and fails
 * the Job — and `floe diff` flags it as destructive before that. The Job's name carries the content hash, so
 * each change runs once.
 */
export class SchemaRegistration extends Construct {
  /** The Job name. */
  public readonly jobName: string;

  constructor(scope: Construct, id: string, props: SchemaRegistrationProps) {
    super(scope, id);
    const scopePath = this.node.path;
    const image = props.image ?? PLATFORM_IMAGES.curl;
    const issues: ValidationIssue[] = [...checkDnsLabel(props.name, { scope: scopePath, field: "name" }), ...checkImagePinned(image, { scope: scopePath, field: "image" })];
    const seen = new Set<string>();
    for (const s of props.subjects) {
      if (!/^[A-Za-z0-9._-]+$/.test(s.subject) || seen.has(s.subject)) {
        issues.push({ code: "InvalidSubject", scope: scopePath, field: "subjects", value: s.subject, message: seen.has(s.subject) ? "is registered twice" : "may only contain letters, digits, '.', '_' and '-'", fix: "use <topic>-value or <topic>-key, once each" });
      }
      seen.add(s.subject);
    }
    if (props.subjects.length === 0) {
      issues.push({ code: "NothingToRegister", scope: scopePath, field: "subjects", value: [], message: "a registration needs at least one subject", fix: "declare a schema on a topic" });
    }
    ValidationError.throwIfAny(issues);
    const subjects = [...props.subjects].sort((a, b) => (a.subject < b.subject ? -1 : 1));
    const data: Record<string, string> = {
      "register.sh": REGISTER_SCRIPT,
      "subjects.txt": subjects.map((s) => `${s.subject} ${s.compatibility ?? "BACKWARD"}\n`).join(""),
    };
    for (const s of subjects) data[`${s.subject}.json`] = JSON.stringify({ schemaType: s.schema.registryType, schema: s.schema.text });
    const hash = shortHash(JSON.stringify(data), 10);
    this.jobName = `${props.name}-${hash}`;
    const registry = props.registry;
    const labels = componentLabels("schema-registration", props.name, SCHEMAS_COMPONENT);
    new ApiObject(this, "Schemas", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: props.name, namespace: registry.namespace, labels },
      data,
    });
    new ApiObject(this, "Job", {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: this.jobName, namespace: registry.namespace, labels },
      spec: {
        backoffLimit: 6,
        ttlSecondsAfterFinished: 7 * 24 * 3600,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: "OnFailure",
            automountServiceAccountToken: false,
            securityContext: { ...RESTRICTED_POD_SECURITY_CONTEXT, runAsUser: 100, runAsGroup: 101 },
            containers: [
              {
                name: "register",
                image,
                command: ["/bin/sh", "/schemas/register.sh"],
                env: [{ name: "REGISTRY_URL", value: registry.url }],
                resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { memory: "64Mi" } },
                securityContext: { ...RESTRICTED_CONTAINER_SECURITY_CONTEXT, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
                volumeMounts: [{ name: "schemas", mountPath: "/schemas", readOnly: true }],
              },
            ],
            volumes: [{ name: "schemas", configMap: { name: props.name } }],
          },
        },
      },
    });
  }
}
