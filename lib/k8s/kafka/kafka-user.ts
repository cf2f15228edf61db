import { ApiObject } from "cdk8s";
import { Construct, IConstruct } from "constructs";
import {
  addFloeValidation,
  checkDnsSubdomain,
  KAFKA_ACL_OPERATION_ORDER,
  KafkaAclOperation,
  KafkaAclResourceType,
  ValidationError,
  ValidationIssue,
} from "../../core";
import type { IKafkaCluster } from "./kafka-cluster";
import { KafkaAuthenticationType } from "./listener";
import { clusterBoundResource } from "./strimzi-resource";
import { KafkaUserQuotas, KafkaUserSpec, StrimziAclRule } from "./strimzi-types";

/** One ACL to add to a user. */
export interface KafkaAcl {
  /** What the ACL applies to. */
  readonly resource: {
    /** Resource type. */
    readonly type: KafkaAclResourceType;
    /** Resource name or prefix (not used for `cluster`). */
    readonly name?: string;
    /** `literal` or `prefix`. */
    readonly patternType?: "literal" | "prefix";
  };
  /** Operations allowed. */
  readonly operations: readonly KafkaAclOperation[];
}

/** Prefixes a user's ACLs must stay within (a tenant's topic and consumer-group namespaces). */
export interface KafkaAclScope {
  /** Every topic ACL must name a topic or prefix starting with this. */
  readonly topicPrefix: string;
  /** Every group ACL must name a group or prefix starting with this. */
  readonly groupPrefix: string;
  /**
   * Further group prefixes the user may be granted (a tenant's Connect workers: the groups of its sink
   * connectors, which Kafka Connect names `connect-<connector>`).
   * @default - none
   */
  readonly extraGroupPrefixes?: readonly string[];
}

/** What other constructs need to know about a Kafka user. */
export interface IKafkaUser extends IConstruct {
  /** The user (and principal) name. */
  readonly userName: string;
  /** The cluster the user belongs to. */
  readonly cluster: IKafkaCluster;
  /** Name of the Secret the User Operator writes the credentials to (same as the user name). */
  readonly secretName: string;
  /** Add an ACL (merged with the user's other ACLs on the same resource). */
  addAcl(acl: KafkaAcl): void;
}

/** Properties of a {@link KafkaUser}. */
export interface KafkaUserProps {
  /** The Kafka cluster. */
  readonly cluster: IKafkaCluster;
  /** User name: a DNS-1123 subdomain; the SCRAM user name, or `CN=<name>` for TLS users. */
  readonly userName: string;
  /**
   * How the user authenticates; a listener of the cluster must accept it.
   * @default KafkaAuthenticationType.SCRAM_SHA_512
   */
  readonly authentication?: KafkaAuthenticationType.SCRAM_SHA_512 | KafkaAuthenticationType.TLS;
  /**
   * Broker-enforced quotas for this user.
   * @default - none (the cluster defaults apply)
   */
  readonly quotas?: KafkaUserQuotas;
  /**
   * Refuse any ACL outside these prefixes (tenant isolation).
   * @default - no restriction
   */
  readonly aclScope?: KafkaAclScope;
}

/** Maximum length of an X.509 common name: TLS user names must fit. */
const TLS_CN_MAX = 64;

/**
 * A Strimzi `KafkaUser` with ACLs built from intents (`topic.grants.produce(user)`) and quotas.
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaUser-reference
 */
export class KafkaUser extends Construct implements IKafkaUser {
  public readonly userName: string;
  public readonly cluster: IKafkaCluster;
  public readonly authentication: KafkaAuthenticationType.SCRAM_SHA_512 | KafkaAuthenticationType.TLS;
  /** The rendered API object. */
  public readonly apiObject: ApiObject;
  private readonly acls = new Map<string, { resource: StrimziAclRule["resource"]; operations: Set<KafkaAclOperation> }>();
  private readonly props: KafkaUserProps;

  constructor(scope: Construct, id: string, props: KafkaUserProps) {
    super(scope, id);
    this.props = props;
    this.userName = props.userName;
    this.cluster = props.cluster;
    this.authentication = props.authentication ?? KafkaAuthenticationType.SCRAM_SHA_512;
    ValidationError.throwIfAny(this.validateProps(props));
    this.apiObject = clusterBoundResource(this, {
      kind: "KafkaUser",
      name: this.userName,
      cluster: props.cluster,
      labels: { name: "kafka-user", instance: this.userName },
      spec: () => this.renderSpec(),
    });
    addFloeValidation(this, () => this.validateAgainstCluster());
  }

  public get secretName(): string {
    return this.userName;
  }

  /** The principal name ACLs and super user lists use. */
  public get principal(): string {
    return this.authentication === KafkaAuthenticationType.TLS ? `CN=${this.userName}` : this.userName;
  }

  public addAcl(acl: KafkaAcl): void {
    const scope = this.node.path;
    const resource: StrimziAclRule["resource"] =
      acl.resource.type === "cluster"
        ? { type: "cluster" }
        : { type: acl.resource.type, name: acl.resource.name, patternType: acl.resource.patternType ?? "literal" };
    const issues: ValidationIssue[] = [];
    if (resource.type !== "cluster" && !resource.name) {
      issues.push({
        code: "AclWithoutResourceName",
        scope,
        field: "acls",
        value: acl.resource,
        message: `a ${resource.type} ACL needs a resource name`,
        fix: "name the topic, group or transactional id (or a prefix with patternType prefix)",
      });
    }
    const aclScope = this.props.aclScope;
    if (aclScope && resource.name !== undefined) {
      // Transactional ids are scoped like topics: an id another tenant may use lets it fence this one's producers.
      const prefix =
        resource.type === "topic" || resource.type === "transactionalId" ? aclScope.topicPrefix : resource.type === "group" ? aclScope.groupPrefix : undefined;
      const extra = resource.type === "group" ? (aclScope.extraGroupPrefixes ?? []) : [];
      if (prefix !== undefined && !resource.name.startsWith(prefix) && !extra.some((p) => resource.name!.startsWith(p))) {
        issues.push({
          code: "AclOutsideScope",
          scope,
          field: "acls",
          value: `${resource.type}:${resource.name}`,
          message: `user ${this.userName} may only be granted ${resource.type}s starting with ${JSON.stringify(prefix)}`,
          fix: `use a ${resource.type} under ${JSON.stringify(prefix)}`,
        });
      }
    }
    if (aclScope && resource.type === "cluster") {
      issues.push({
        code: "AclOutsideScope",
        scope,
        field: "acls",
        value: "cluster",
        message: `user ${this.userName} is scoped to a tenant and may not hold cluster-wide ACLs`,
        fix: "remove the cluster ACL; cluster operations belong to platform users",
      });
    }
    ValidationError.throwIfAny(issues);
    const key = `${resource.type}|${resource.patternType ?? ""}|${resource.name ?? ""}`;
    const entry = this.acls.get(key) ?? { resource, operations: new Set<KafkaAclOperation>() };
    acl.operations.forEach((op) => entry.operations.add(op));
    this.acls.set(key, entry);
  }

  /** The ACL rules, merged per resource and sorted (stable output). */
  public get aclRules(): StrimziAclRule[] {
    return [...this.acls.keys()].sort().map((key) => {
      const { resource, operations } = this.acls.get(key)!;
      return {
        type: "allow" as const,
        resource,
        operations: KAFKA_ACL_OPERATION_ORDER.filter((op) => operations.has(op)),
      };
    });
  }

  private validateProps(props: KafkaUserProps): ValidationIssue[] {
    const scope = this.node.path;
    const issues = checkDnsSubdomain(props.userName, { scope, field: "userName" });
    if (this.authentication === KafkaAuthenticationType.TLS && props.userName.length > TLS_CN_MAX - 3) {
      issues.push({
        code: "TlsUserNameTooLong",
        scope,
        field: "userName",
        value: props.userName,
        message: `TLS users become the certificate's common name, which is limited to ${TLS_CN_MAX} characters`,
        fix: `shorten the user name to at most ${TLS_CN_MAX - 3} characters`,
      });
    }
    const q = props.quotas ?? {};
    for (const key of ["producerByteRate", "consumerByteRate", "requestPercentage"] as const) {
      const v = q[key];
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
        issues.push({
          code: "InvalidQuota",
          scope,
          field: `quotas.${key}`,
          value: v,
          message: "must be a whole number, 0 or more",
          fix: key === "requestPercentage" ? "give a percentage such as 50" : "give bytes per second such as 1048576",
        });
      }
    }
    if (q.controllerMutationRate !== undefined && !(q.controllerMutationRate >= 0)) {
      issues.push({
        code: "InvalidQuota",
        scope,
        field: "quotas.controllerMutationRate",
        value: q.controllerMutationRate,
        message: "must be a number, 0 or more",
        fix: "give partition mutations per second such as 10",
      });
    }
    return issues;
  }

  private validateAgainstCluster(): ValidationIssue[] {
    const scope = this.node.path;
    const issues: ValidationIssue[] = [];
    if (!this.cluster.listeners.some((l) => l.authentication.type === this.authentication)) {
      issues.push({
        code: "NoListenerForAuthentication",
        scope,
        field: "authentication",
        value: this.authentication,
        message: `no listener of cluster ${this.cluster.clusterName} accepts ${this.authentication} clients`,
        fix: `add a listener with ${this.authentication} authentication or change the user's authentication`,
      });
    }
    if (this.acls.size > 0 && !this.cluster.authorizationEnabled) {
      issues.push({
        code: "ClusterHasNoAuthorization",
        scope,
        field: "acls",
        value: this.acls.size,
        message: `cluster ${this.cluster.clusterName} does not enforce ACLs, so these would grant nothing and restrict nothing`,
        fix: "enable KafkaAuthorization.simple() on the cluster",
      });
    }
    return issues;
  }

  private renderSpec(): KafkaUserSpec {
    const rules = this.aclRules;
    const quotas = this.props.quotas;
    return {
      authentication: { type: this.authentication },
      ...(this.cluster.authorizationEnabled ? { authorization: { type: "simple" as const, acls: rules } } : {}),
      ...(quotas && Object.keys(quotas).length > 0 ? { quotas: sortKeys(quotas) } : {}),
    };
  }
}

function sortKeys<T extends object>(o: T): T {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, (o as Record<string, unknown>)[k]])) as T;
}
