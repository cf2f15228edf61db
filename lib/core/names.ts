import { createHash } from "crypto";
// CIDR parsing and containment (the library proxy-addr and express use).
import ipaddr from "ipaddr.js";
import { ValidationIssue } from "./errors";

/** Where a value sits, for the issues a rule reports. */
export interface NameContext {
  /** Construct path or spec path. */
  readonly scope: string;
  /** Field holding the value. */
  readonly field: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const TOPIC_CHARS = /^[a-zA-Z0-9._-]+$/;

/** Maximum length of a DNS-1123 label (namespace, Service, pod hostname, label value). */
export const DNS_LABEL_MAX = 63;
/** Namespace of a Kafka cluster when neither the spec nor `KafkaClusterProps.namespace` names one. */
export const DEFAULT_KAFKA_NAMESPACE = "kafka";
/** Maximum length of a DNS-1123 subdomain (most object names). */
export const DNS_SUBDOMAIN_MAX = 253;
/** Maximum length of a Kafka topic name. */
export const TOPIC_NAME_MAX = 249;

function checkDnsName(
  value: string,
  ctx: NameContext,
  rule: { readonly pattern: RegExp; readonly code: string; readonly description: string },
  maxLength: number,
  why?: string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!rule.pattern.test(value)) {
    issues.push({
      code: rule.code,
      ...ctx,
      value,
      message: `must be a ${rule.description}`,
      fix: `use a name like ${JSON.stringify(suggestDnsLabel(value) || "my-name")}`,
    });
  }
  if (value.length > maxLength) {
    issues.push({
      code: "NameTooLong",
      ...ctx,
      value,
      limit: maxLength,
      message: `is ${value.length} characters, the limit is ${maxLength}${why ? ` (${why})` : ""}`,
      fix: `shorten it to at most ${maxLength} characters`,
    });
  }
  return issues;
}

/**
 * DNS-1123 label: lower-case alphanumerics and `-`, starts and ends alphanumeric, at most `maxLength`
 * (63 unless a caller reserves room for suffixes).
 */
export function checkDnsLabel(value: string, ctx: NameContext, maxLength = DNS_LABEL_MAX, why?: string): ValidationIssue[] {
  return checkDnsName(
    value,
    ctx,
    {
      pattern: DNS_LABEL,
      code: "InvalidDnsLabel",
      description: "DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    },
    maxLength,
    why,
  );
}

/** DNS-1123 subdomain: dot-separated labels, at most 253 characters (or `maxLength`). */
export function checkDnsSubdomain(value: string, ctx: NameContext, maxLength = DNS_SUBDOMAIN_MAX): ValidationIssue[] {
  return checkDnsName(
    value,
    ctx,
    {
      pattern: DNS_SUBDOMAIN,
      code: "InvalidDnsSubdomain",
      description:
        "DNS-1123 subdomain: lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit",
    },
    maxLength,
  );
}

/** Lower-case, replace illegal characters by '-', trim separators: a best-effort suggestion for messages. */
export function suggestDnsLabel(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, DNS_LABEL_MAX)
    .replace(/-+$/g, "");
}

/**
 * Kafka topic name rules (the broker's own): characters `[a-zA-Z0-9._-]`, at most 249 characters, not `.`
 * or `..`. Mixing `.` and `_` is legal but gets a warning issue (`TopicNameMixesPeriodAndUnderscore`), since
 * Kafka maps both to `_` in metric names.
 */
export function checkTopicName(value: string, ctx: NameContext): { errors: ValidationIssue[]; warnings: ValidationIssue[] } {
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  if (value.length === 0 || value === "." || value === ".." || !TOPIC_CHARS.test(value)) {
    errors.push({
      code: "InvalidTopicName",
      ...ctx,
      value,
      message: "a Kafka topic name may only contain ASCII letters, digits, '.', '_' and '-', and may not be '.' or '..'",
      fix: `use a name like ${JSON.stringify(value.replace(/[^a-zA-Z0-9._-]+/g, "-") || "orders")}`,
    });
  }
  if (value.length > TOPIC_NAME_MAX) {
    errors.push({
      code: "TopicNameTooLong",
      ...ctx,
      value,
      message: `is ${value.length} characters, Kafka allows at most ${TOPIC_NAME_MAX}`,
      fix: `shorten the topic name to at most ${TOPIC_NAME_MAX} characters`,
    });
  }
  if (value.includes(".") && value.includes("_")) {
    warnings.push({
      code: "TopicNameMixesPeriodAndUnderscore",
      severity: "warning",
      ...ctx,
      value,
      message: "mixes '.' and '_'; Kafka maps both to '_' in metric names, so it can collide with another topic",
      fix: "use only one of '.' or '_' as separator",
    });
  }
  return { errors, warnings };
}

/** The form under which Kafka considers two topic names colliding (metric names replace '.' by '_'). */
export function topicCollisionKey(topicName: string): string {
  return topicName.replace(/\./g, "_");
}

/** A string with every regular-expression metacharacter escaped (matches the string literally). */
/**
 * The service account a tenant's Flink pods run as (made by the tenant's namespace, with the role Kubernetes HA
 * needs and the tenant's IAM role): one name for `Tenant` and for Flink clusters built for a tenant.
 */
export function tenantFlinkServiceAccount(tenant: string): string {
  return `${tenant}-flink`;
}

export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Short stable hash of a string (hex), used to keep derived names unique and deterministic. */
export function shortHash(value: string, length = 8): string {
  return createHash("sha256").update(value).digest("hex").slice(0, length);
}

/**
 * Kubernetes object name for a Kafka topic: the topic name itself when it is a valid DNS-1123 subdomain,
 * else a lower-cased, sanitised form with a hash of the real name (the real name goes to `spec.topicName`).
 */
export function topicResourceName(topicName: string): string {
  if (DNS_SUBDOMAIN.test(topicName) && topicName.length <= DNS_SUBDOMAIN_MAX) return topicName;
  const base = topicName
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/-+/g, "-")
    .replace(/(^[-.]+)|([-.]+$)/g, "")
    .replace(/-\./g, ".")
    .replace(/\.-/g, ".")
    .slice(0, 200)
    .replace(/[-.]+$/g, "");
  return `${base || "topic"}-${shortHash(topicName)}`;
}

/**
 * Names Strimzi derives from a Kafka cluster name, with the longest suffix for each. They are Services,
 * pod hostnames or label values, so each must fit a DNS-1123 label (63).
 */
export const STRIMZI_CLUSTER_SUFFIXES: readonly string[] = [
  "-kafka-bootstrap",
  "-kafka-brokers",
  "-entity-operator",
  "-cruise-control",
  "-kafka-exporter",
];

/** Room Floe reserves for node ids in pod names `<cluster>-<pool>-<id>` (ids below 10000). */
export const STRIMZI_NODE_ID_DIGITS = 4;

/**
 * The Strimzi-generated names that must fit in 63 characters: `<cluster>-kafka-bootstrap` and friends,
 * `<cluster>-<pool>-<nodeId>` pod names, `<cluster>-kafka-<listener>-bootstrap` Services of external
 * listeners, and for route/ingress listeners the host prefix `<cluster>-kafka-<listener>-bootstrap-<namespace>`.
 */
export function checkStrimziGeneratedNames(
  input: {
    readonly cluster: string;
    readonly namespace: string;
    readonly pools: readonly string[];
    readonly externalListeners: readonly { readonly name: string; readonly type: string }[];
  },
  ctx: NameContext,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const tooLong = (generated: string, what: string): void => {
    if (generated.length <= DNS_LABEL_MAX) return;
    issues.push({
      code: "GeneratedNameTooLong",
      ...ctx,
      value: input.cluster,
      message: `${what} Strimzi derives would be ${JSON.stringify(generated)} (${generated.length} characters), over the ${DNS_LABEL_MAX}-character limit`,
      fix: `shorten the cluster name by at least ${generated.length - DNS_LABEL_MAX} characters (or the pool/listener name)`,
    });
  };
  const longestSuffix = STRIMZI_CLUSTER_SUFFIXES.reduce((a, b) => (b.length > a.length ? b : a));
  tooLong(`${input.cluster}${longestSuffix}`, "the Service/label name");
  for (const pool of input.pools) {
    tooLong(`${input.cluster}-${pool}-${"9".repeat(STRIMZI_NODE_ID_DIGITS)}`, `the pod name of pool ${JSON.stringify(pool)}`);
  }
  for (const listener of input.externalListeners) {
    tooLong(`${input.cluster}-kafka-${listener.name}-bootstrap`, `the Service of listener ${JSON.stringify(listener.name)}`);
    if (listener.type === "route") {
      tooLong(
        `${input.cluster}-kafka-${listener.name}-bootstrap-${input.namespace}`,
        `the route host prefix of listener ${JSON.stringify(listener.name)}`,
      );
    }
  }
  return issues;
}

/**
 * Container image reference pinned to a release: it must carry a tag other than `latest`, or a digest.
 */
export function checkImagePinned(image: string, ctx: NameContext): ValidationIssue[] {
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const digest = image.includes("@sha256:");
  const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : undefined;
  if (digest || (tag && tag !== "latest" && /^[\w][\w.-]{0,127}$/.test(tag))) return [];
  return [
    {
      code: "ImageNotPinned",
      ...ctx,
      value: image,
      message: tag === "latest" ? "uses the moving tag 'latest'" : "has no tag or digest, so it resolves to 'latest'",
      fix: "pin a release tag or digest, e.g. registry.example.com/team/job:1.4.2 or ...@sha256:<digest>",
    },
  ];
}

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** S3 bucket naming rules: 3-63 characters, lower-case letters, digits, '.', '-', no '..', not an IP address. */
export function checkS3BucketName(name: string, ctx: NameContext): ValidationIssue[] {
  if (S3_BUCKET.test(name) && !name.includes("..") && !/^\d+\.\d+\.\d+\.\d+$/.test(name)) return [];
  return [
    {
      code: "InvalidBucketName",
      ...ctx,
      value: name,
      message: "is not a valid S3 bucket name (3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit)",
      fix: `use a name like ${JSON.stringify(suggestDnsLabel(name).padEnd(3, "0"))}`,
    },
  ];
}

/**
 * An IPv4 CIDR in canonical form (`10.20.0.0/16`): the API server stores a NetworkPolicy's `ipBlock.cidr` and a
 * load balancer's source range as written, so `10.20.0.1/16` would not mean what it reads like.
 */
export function checkCidr(cidr: string, ctx: NameContext): ValidationIssue[] {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr) || !ipaddr.IPv4.isValidCIDR(cidr)) {
    return [{ code: "InvalidCidr", ...ctx, value: cidr, message: "is not an IPv4 CIDR", fix: "write it like 10.20.0.0/16" }];
  }
  const network = `${ipaddr.IPv4.networkAddressFromCIDR(cidr).toString()}/${cidr.split("/")[1]}`;
  return network === cidr ? [] : [{ code: "InvalidCidr", ...ctx, value: cidr, message: "has host bits set", fix: `write the network: ${network}` }];
}

/** Whether two valid IPv4 CIDRs share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [na, la] = ipaddr.IPv4.parseCIDR(a);
  const [nb, lb] = ipaddr.IPv4.parseCIDR(b);
  return la <= lb ? nb.match(na, la) : na.match(nb, lb);
}
