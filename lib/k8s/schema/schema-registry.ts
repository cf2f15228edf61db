import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import { checkDnsLabel, checkImagePinned, componentLabels, PLATFORM_IMAGES, SCHEMAS_COMPONENT, shortHash, ValidationError, ValidationIssue } from "../../core";
import type { IKafkaCluster } from "../kafka/kafka-cluster";
import { CleanupPolicy, KafkaTopic } from "../kafka/kafka-topic";
import { KafkaUser } from "../kafka/kafka-user";
import { KafkaAuthenticationType } from "../kafka/listener";
import { ResourceRequirements } from "../kafka/strimzi-types";
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from "../security";
import { SchemaCompatibility, TopicSchema } from "./topic-schema";

/** Port clients reach the Schema Registry on: its enforcing proxy. */
export const SCHEMA_REGISTRY_PORT = 8081;
/** Port the registry itself listens on: only the proxy beside it and the other replicas (leader forwarding) reach it. */
export const SCHEMA_REGISTRY_BACKEND_PORT = 8082;

/** What a principal may do at the registry. */
export type RegistryRole = "client" | "registrar";

/** A principal of the registry: a KafkaUser (SCRAM), its name and password being its registry credentials. */
export interface RegistryPrincipal {
  /** The user; its Strimzi Secret's `password` is its registry password. */
  readonly user: KafkaUser;
  /** The tenant whose subjects (`<tenant>.*`) it may use. */
  readonly tenant: string;
  /**
   * `client`: read its tenant's subjects, look schemas up, read schemas by id. `registrar`: also register schemas
   * and set compatibility on its tenant's subjects.
   */
  readonly role: RegistryRole;
}

/**
 * The proxy's rules, as an nginx `map` from `<role>|<tenant>|<method>|<path>` to 1 (allowed). A tenant's subjects
 * are `<tenant>.<topic>-key|value` (TopicNameStrategy over the tenant's topics); `\2`/`\1` is the principal's tenant.
 * Confluent Schema Registry's REST API: io.confluent.kafka.schemaregistry.rest.resources (SubjectsResource,
 * SubjectVersionsResource, SchemasResource, ConfigResource, CompatibilityResource). Everything else (deleting,
 * modes, global config changes, listing every subject, contexts) is refused: the platform team reaches the
 * registry itself with `kubectl port-forward` to the backend port.
 */
const SUBJECT = "[A-Za-z0-9_-][A-Za-z0-9._-]*";
const PROXY_RULES: readonly string[] = [
  // Everyone authenticated: schemas by id (deserializers), schema types, the global compatibility.
  `~^(client|registrar)\\|[^|]+\\|GET\\|/schemas/(types|ids/[0-9]+(/schema|/subjects|/versions)?)$`,
  `~^(client|registrar)\\|[^|]+\\|GET\\|/config$`,
  // Its tenant's subjects: read versions, look a schema up (serializers with auto-registration off), read config.
  `~^(client|registrar)\\|([^|]+)\\|GET\\|/subjects/\\2\\.${SUBJECT}(/versions(/[A-Za-z0-9-]+(/schema|/referencedby)?)?)?$`,
  `~^(client|registrar)\\|([^|]+)\\|POST\\|/subjects/\\2\\.${SUBJECT}$`,
  `~^(client|registrar)\\|([^|]+)\\|GET\\|/config/\\2\\.${SUBJECT}$`,
  // Registration: register, test compatibility, set compatibility, on its tenant's subjects only.
  `~^registrar\\|([^|]+)\\|POST\\|/subjects/\\1\\.${SUBJECT}/versions$`,
  `~^registrar\\|([^|]+)\\|POST\\|/compatibility/subjects/\\1\\.${SUBJECT}/versions(/[A-Za-z0-9-]+)?$`,
  `~^registrar\\|([^|]+)\\|PUT\\|/config/\\1\\.${SUBJECT}$`,
];

/** Where the proxy's files live in the pod. */
const PROXY_CONF_DIR = "/etc/floe/registry-proxy";
const PROXY_USERS_DIR = "/etc/floe/registry-users";
const PROXY_RUN_DIR = "/run/floe/registry";

/**
 * The init container's script: the proxy's user file from the principals' mounted passwords, one
 * `<user>:{PLAIN}<password>` line each (nginx `auth_basic_user_file`, RFC 2307 scheme). Plain, not hashed: the
 * same passwords are mounted in the pod in clear anyway, and the file lives in memory (an emptyDir of medium Memory).
 */
export const REGISTRY_USERS_SCRIPT = `set -eu
umask 077
out="${PROXY_RUN_DIR}/htpasswd"
: > "$out"
for f in ${PROXY_USERS_DIR}/*; do
  [ -f "$f" ] || continue
  printf '%s:{PLAIN}%s\\n' "\${f##*/}" "$(cat "$f")" >> "$out"
done
`;

/**
 * The proxy's nginx.conf: basic authentication against the principals' file, then the rules of
 * {@link PROXY_RULES} on the normalized path. Requests whose raw path has percent-encoding, dot segments or
 * doubled slashes are refused, so the registry routes exactly the path that was checked (nginx decodes and
 * normalizes `$uri`, the registry would see the raw one). A `readOnly` proxy (a follower registry, which serves
 * the leader's mirrored schemas) has no registration rule: nobody can register or set compatibility there.
 */
export function registryProxyConfig(principals: readonly RegistryPrincipal[], backendPort = SCHEMA_REGISTRY_BACKEND_PORT, port = SCHEMA_REGISTRY_PORT, readOnly = false): string {
  const entries = [...principals]
    .map((p) => [p.user.userName, `${p.role}|${p.tenant}`] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    "# Rendered by Floe: the Schema Registry's enforcing proxy (authentication, then per-tenant authorization).",
    "worker_processes 1;",
    "pid /tmp/nginx.pid;",
    "error_log stderr warn;",
    "events { worker_connections 1024; }",
    "http {",
    "  access_log /dev/stdout;",
    "  server_tokens off;",
    "  client_max_body_size 8m;",
    "  client_body_temp_path /tmp/client_body;",
    "  proxy_temp_path /tmp/proxy;",
    "  fastcgi_temp_path /tmp/fastcgi;",
    "  uwsgi_temp_path /tmp/uwsgi;",
    "  scgi_temp_path /tmp/scgi;",
    "  # Who is who: <role>|<tenant> of each principal (a KafkaUser of the tenant).",
    "  map $remote_user $floe_principal {",
    '    default "";',
    ...entries.map(([user, value]) => `    "${user}" "${value}";`),
    "  }",
    '  map "$floe_principal|$request_method|$uri" $floe_allowed {',
    "    default 0;",
    ...(readOnly ? ["    # A follower: read-only (no registration rule); the leading region's registry assigns the ids."] : []),
    ...PROXY_RULES.filter((r) => !readOnly || !r.startsWith("~^registrar")).map((r) => `    "${r}" 1;`),
    "  }",
    "  server {",
    `    listen ${port};`,
    '    auth_basic "schema-registry";',
    `    auth_basic_user_file ${PROXY_RUN_DIR}/htpasswd;`,
    "    location / {",
    '      if ($request_uri ~ "%|/\\.|//") { return 400; }',
    "      # Decided in the rewrite phase; auth_basic (access phase) still checks the password before anything is proxied.",
    "      if ($floe_allowed = 0) { return 403; }",
    '      proxy_set_header Authorization "";',
    `      proxy_pass http://127.0.0.1:${backendPort};`,
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
}

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
   * Image of the enforcing proxy in front of the registry (nginx with `sh`).
   * @default PLATFORM_IMAGES.registryProxy
   */
  readonly proxyImage?: string;
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
 *
 * Confluent's community registry authenticates at most (HTTP basic with roles for the whole API); who may write
 * which subject is its commercial security plugin. So clients reach it only through an enforcing proxy in the
 * same pod (nginx, `registryProxyConfig`): principals are KafkaUsers added with {@link addPrincipal} (their
 * Kafka name and password, so Confluent clients can send them with `basic.auth.credentials.source=SASL_INHERIT`),
 * each may read its tenant's subjects and only a `registrar` may register schemas and set compatibility, on its
 * tenant's subjects only. The registry listens on `SCHEMA_REGISTRY_BACKEND_PORT`, reachable only from its
 * own replicas (a follower forwards writes to the leader there). Pods meet Pod Security "restricted".
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
  private readonly principals = new Map<string, RegistryPrincipal>();

  constructor(scope: Construct, id: string, props: ConfluentSchemaRegistryProps) {
    super(scope, id);
    this.registryName = props.name ?? "schema-registry";
    this.leaderEligible = props.leaderEligible ?? true;
    this.namespace = props.cluster.namespace;
    const cluster = props.cluster;
    const image = props.image ?? PLATFORM_IMAGES.schemaRegistry;
    const proxyImage = props.proxyImage ?? PLATFORM_IMAGES.registryProxy;
    const scopePath = this.node.path;
    const issues: ValidationIssue[] = [...checkDnsLabel(this.registryName, { scope: scopePath, field: "name" }), ...checkImagePinned(image, { scope: scopePath, field: "image" }), ...checkImagePinned(proxyImage, { scope: scopePath, field: "proxyImage" })];
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
      { name: "SCHEMA_REGISTRY_LISTENERS", value: `http://0.0.0.0:${SCHEMA_REGISTRY_BACKEND_PORT}` },
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
      httpGet: { path: "/", port: "registry" },
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
          metadata: {
            labels: { ...labels, ...this.podLabels },
            // A new principal list rolls the pods: the proxy's user file is built when a pod starts.
            annotations: Lazy.any({ produce: () => ({ "floe.dev/registry-principals": shortHash(this.proxyConfig(), 12) }) }),
          },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { ...RESTRICTED_POD_SECURITY_CONTEXT, runAsUser: 1000, runAsGroup: 1000 },
            containers: [
              {
                name: "schema-registry",
                image,
                ports: [{ name: "registry", containerPort: SCHEMA_REGISTRY_BACKEND_PORT, protocol: "TCP" }],
                env,
                resources: props.resources ?? { requests: { cpu: "250m", memory: "768Mi" }, limits: { memory: "768Mi" } },
                readinessProbe: probe(3, 10),
                livenessProbe: probe(6, 60),
                securityContext: { ...RESTRICTED_CONTAINER_SECURITY_CONTEXT, capabilities: { drop: ["ALL"] } },
                volumeMounts: [{ name: "kafka-ca", mountPath: caDir, readOnly: true }],
              },
              {
                name: "proxy",
                image: proxyImage,
                command: ["nginx", "-c", `${PROXY_CONF_DIR}/nginx.conf`, "-g", "daemon off;"],
                ports: [{ name: "http", containerPort: SCHEMA_REGISTRY_PORT, protocol: "TCP" }],
                resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { memory: "64Mi" } },
                readinessProbe: { tcpSocket: { port: "http" }, periodSeconds: 10 },
                securityContext: { ...RESTRICTED_CONTAINER_SECURITY_CONTEXT, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
                volumeMounts: [
                  { name: "proxy-config", mountPath: PROXY_CONF_DIR, readOnly: true },
                  { name: "proxy-run", mountPath: PROXY_RUN_DIR, readOnly: true },
                  { name: "proxy-tmp", mountPath: "/tmp" },
                ],
              },
            ],
            initContainers: [
              {
                name: "proxy-users",
                image: proxyImage,
                command: ["/bin/sh", "-c", REGISTRY_USERS_SCRIPT],
                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
                securityContext: { ...RESTRICTED_CONTAINER_SECURITY_CONTEXT, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
                volumeMounts: [
                  { name: "proxy-users", mountPath: PROXY_USERS_DIR, readOnly: true },
                  { name: "proxy-run", mountPath: PROXY_RUN_DIR },
                ],
              },
            ],
            volumes: [
              { name: "kafka-ca", secret: { secretName: `${cluster.clusterName}-cluster-ca-cert`, items: [{ key: "ca.crt", path: "ca.crt" }] } },
              { name: "proxy-config", configMap: { name: `${name}-proxy` } },
              // Each principal's password, as a file named after it (the Strimzi User Operator's Secrets).
              {
                name: "proxy-users",
                projected: {
                  sources: Lazy.any({
                    produce: () => this.sortedPrincipals().map((p) => ({ secret: { name: p.user.secretName, items: [{ key: "password", path: p.user.userName }] } })),
                  }),
                },
              },
              { name: "proxy-run", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
              { name: "proxy-tmp", emptyDir: { sizeLimit: "64Mi" } },
            ],
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: cluster.zoneTopologyKey, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...this.podLabels } } },
            ],
          },
        },
      },
    });
    new ApiObject(this, "ProxyConfig", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `${name}-proxy`, namespace: this.namespace, labels },
      data: Lazy.any({ produce: () => ({ "nginx.conf": this.proxyConfig() }) }),
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
          // The registry itself: only its own replicas (a follower forwards writes to the leader).
          { from: [{ podSelector: { matchLabels: { ...this.podLabels } } }], ports: [{ protocol: "TCP", port: SCHEMA_REGISTRY_BACKEND_PORT }] },
        ],
      },
    });
  }

  /**
   * Admit a KafkaUser (SCRAM) of a tenant: its name and password authenticate it at the proxy, and its role says
   * what it may do with the tenant's subjects. Adding the same user twice keeps the stronger role.
   */
  public addPrincipal(principal: RegistryPrincipal): void {
    if (principal.user.authentication !== KafkaAuthenticationType.SCRAM_SHA_512) {
      throw new ValidationError({
        code: "RegistryPrincipalNotScram",
        scope: this.node.path,
        field: "principals",
        value: principal.user.userName,
        message: "the registry's proxy authenticates with a user's SCRAM password; a TLS user has none",
        fix: "give the workload a scram-sha-512 user to reach the registry",
      });
    }
    const known = this.principals.get(principal.user.userName);
    if (known && known.tenant !== principal.tenant) {
      throw new ValidationError({
        code: "RegistryPrincipalOfTwoTenants",
        scope: this.node.path,
        field: "principals",
        value: principal.user.userName,
        message: `is already a principal of tenant ${known.tenant}`,
        fix: "give each tenant its own users",
      });
    }
    if (!known || (known.role === "client" && principal.role === "registrar")) this.principals.set(principal.user.userName, principal);
  }

  /** The principals, sorted by user name. */
  public sortedPrincipals(): RegistryPrincipal[] {
    return [...this.principals.values()].sort((a, b) => (a.user.userName < b.user.userName ? -1 : 1));
  }

  /** The proxy's nginx.conf for the current principals. */
  public proxyConfig(): string {
    return registryProxyConfig(this.sortedPrincipals(), SCHEMA_REGISTRY_BACKEND_PORT, SCHEMA_REGISTRY_PORT, !this.leaderEligible);
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
   * The registering principal: a KafkaUser (SCRAM) of the tenant, added to the registry as its `registrar` (it may
   * register and set compatibility on `<tenant>.*` subjects only).
   */
  readonly registrar: { readonly user: KafkaUser; readonly tenant: string };
  /**
   * Image of the registration Job (it needs `sh` and `curl`).
   * @default PLATFORM_IMAGES.curl
   */
  readonly image?: string;
}

export { SCHEMAS_COMPONENT };

/** The registration script: set each subject's compatibility, then register its schema (idempotent). */
/**
 * The registration script: set each subject's compatibility, then register its schema (idempotent). It
 * authenticates as the registrar; curl reads the credential from a config on stdin (`-K -`), never from its
 * arguments or the environment.
 */
export const REGISTER_SCRIPT = `set -eu
ct="Content-Type: application/vnd.schemaregistry.v1+json"
auth() { printf 'user = "%s:%s"\\n' "$REGISTRY_USER" "$(cat "$REGISTRY_PASSWORD_FILE")"; }
while read -r subject compatibility; do
  [ -n "$subject" ] || continue
  auth | curl -K - -fsS --retry 12 --retry-connrefused --retry-delay 5 -X PUT -H "$ct" --data "{\\"compatibility\\":\\"$compatibility\\"}" "$REGISTRY_URL/config/$subject" >/dev/null
  id=$(auth | curl -K - -fsS --retry 12 --retry-connrefused --retry-delay 5 -X POST -H "$ct" --data "@/schemas/$subject.json" "$REGISTRY_URL/subjects/$subject/versions")
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
    registry.addPrincipal({ user: props.registrar.user, tenant: props.registrar.tenant, role: "registrar" });
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
                env: [
                  { name: "REGISTRY_URL", value: registry.url },
                  { name: "REGISTRY_USER", value: props.registrar.user.userName },
                  { name: "REGISTRY_PASSWORD_FILE", value: "/etc/floe/registrar/password" },
                ],
                resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { memory: "64Mi" } },
                securityContext: { ...RESTRICTED_CONTAINER_SECURITY_CONTEXT, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
                volumeMounts: [
                  { name: "schemas", mountPath: "/schemas", readOnly: true },
                  { name: "registrar", mountPath: "/etc/floe/registrar", readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: "schemas", configMap: { name: props.name } },
              { name: "registrar", secret: { secretName: props.registrar.user.secretName, items: [{ key: "password", path: "password" }] } },
            ],
          },
        },
      },
    });
  }
}
