/**
 * The tenant access design as a table, and the probes that ask the real API server's RBAC authorizer
 * (SubjectAccessReview, as `kubectl auth can-i --as`) about every subject, namespace, resource and verb.
 */
import { Manifest, PlatformSpec } from "../../lib/internal";
import { KubeCluster } from "../../e2e/kube";

export const READ = ["get", "list", "watch"] as const;
export const WRITE = ["create", "update", "patch", "delete", "deletecollection"] as const;
export const VERBS = [...READ, ...WRITE] as const;

/** `group/resource` pairs probed in every namespace (subresources included). */
export const RESOURCES: readonly (readonly [string, string])[] = [
  ["", "pods"],
  ["", "pods/log"],
  ["", "pods/exec"],
  ["", "pods/portforward"],
  ["", "secrets"],
  ["", "configmaps"],
  ["", "services"],
  ["", "services/proxy"],
  ["", "endpoints"],
  ["", "serviceaccounts"],
  ["", "serviceaccounts/token"],
  ["", "events"],
  ["", "persistentvolumeclaims"],
  ["", "resourcequotas"],
  ["", "limitranges"],
  ["apps", "deployments"],
  ["apps", "deployments/finalizers"],
  ["apps", "statefulsets"],
  ["batch", "jobs"],
  ["coordination.k8s.io", "leases"],
  ["rbac.authorization.k8s.io", "roles"],
  ["rbac.authorization.k8s.io", "rolebindings"],
  ["networking.k8s.io", "networkpolicies"],
  ["flink.apache.org", "flinkdeployments"],
  ["flink.apache.org", "flinksessionjobs"],
  ["flink.apache.org", "flinkstatesnapshots"],
  ["external-secrets.io", "externalsecrets"],
  ["external-secrets.io", "secretstores"],
  ["external-secrets.io", "pushsecrets"],
  ["kafka.strimzi.io", "kafkas"],
  ["kafka.strimzi.io", "kafkatopics"],
  ["kafka.strimzi.io", "kafkausers"],
  ["kafka.strimzi.io", "kafkaconnectors"],
  ["monitoring.coreos.com", "podmonitors"],
];

const FLINK_KINDS = ["flinkdeployments", "flinksessionjobs", "flinkstatesnapshots"];
const OBSERVED = ["pods", "pods/log", "services", "events", "persistentvolumeclaims", "resourcequotas", "limitranges"];

/** A subject of a tenant, with what the design grants it in the tenant's own namespace. */
export interface TenantSubject {
  readonly tenant: string;
  readonly label: string;
  readonly user: string;
  readonly groups: readonly string[];
  /** Whether the design allows `verb` on `group/resource` in the tenant's own namespace. */
  allowedInOwn(group: string, resource: string, verb: string): boolean;
}

const is = (verbs: readonly string[], verb: string) => verbs.includes(verb);

/**
 * The design (README "Tenancy"): admins edit the tenant's Flink resources and ConfigMaps and read pods, logs,
 * services, events, PVCs, quotas, limits, Deployments and ExternalSecrets; viewers read the same minus
 * ExternalSecrets; nobody reads Secrets, execs into pods or changes RBAC. The `<tenant>-flink` service account
 * has the Flink operator's `flink` role in the namespace (pods, ConfigMaps, Deployments); every other service
 * account of the tenant has nothing in it.
 */
export function tenantSubjects(spec: PlatformSpec, region: string, objects: readonly Manifest[]): TenantSubject[] {
  const out: TenantSubject[] = [];
  for (const tenant of (spec.tenants ?? []).filter((t) => (t.regions ?? spec.regions.map((r) => r.name)).includes(region))) {
    const t = tenant.name;
    const admin = (group: string, resource: string, verb: string) =>
      (group === "flink.apache.org" && FLINK_KINDS.includes(resource) && is([...READ, ...WRITE.filter((v) => v !== "deletecollection")], verb)) ||
      (group === "" && resource === "configmaps" && is([...READ, ...WRITE.filter((v) => v !== "deletecollection")], verb)) ||
      (group === "" && OBSERVED.includes(resource) && is(READ, verb)) ||
      (group === "apps" && resource === "deployments" && is(READ, verb)) ||
      (group === "external-secrets.io" && resource === "externalsecrets" && is(READ, verb));
    const viewer = (group: string, resource: string, verb: string) =>
      is(READ, verb) &&
      ((group === "flink.apache.org" && FLINK_KINDS.includes(resource)) ||
        (group === "" && ["configmaps", ...OBSERVED].includes(resource)) ||
        (group === "apps" && resource === "deployments"));
    const adminGroups = tenant.adminGroups ?? [`floe:tenant:${t}:admins`];
    const viewerGroups = tenant.viewerGroups ?? [`floe:tenant:${t}:viewers`];
    adminGroups.forEach((g) => out.push({ tenant: t, label: `${t} admin (${g})`, user: `e2e-${t}-admin`, groups: [g], allowedInOwn: admin }));
    viewerGroups.forEach((g) => out.push({ tenant: t, label: `${t} viewer (${g})`, user: `e2e-${t}-viewer`, groups: [g], allowedInOwn: viewer }));
    const accounts = objects.filter((o) => o.kind === "ServiceAccount" && o.metadata.namespace === t).map((o) => o.metadata.name);
    for (const sa of accounts.sort()) {
      const flink = sa === `${t}-flink`;
      out.push({
        tenant: t,
        label: `${t} service account ${sa}`,
        user: `system:serviceaccount:${t}:${sa}`,
        groups: ["system:serviceaccounts", `system:serviceaccounts:${t}`],
        allowedInOwn: (group, resource) =>
          flink && ((group === "" && ["pods", "configmaps"].includes(resource)) || (group === "apps" && ["deployments", "deployments/finalizers"].includes(resource))),
      });
    }
  }
  return out;
}

/** One SubjectAccessReview answer that differs from the design. */
export interface AccessMismatch {
  readonly subject: string;
  readonly namespace: string;
  readonly request: string;
  readonly allowed: boolean;
}

/**
 * Ask the authorizer about every subject x namespace x resource x verb; return the answers that differ from
 * `expected` (none means the API server agrees with the design).
 */
export async function accessMismatches(
  cluster: KubeCluster,
  subjects: readonly TenantSubject[],
  namespaces: readonly string[],
  expected: (subject: TenantSubject, namespace: string, group: string, resource: string, verb: string) => boolean,
): Promise<{ mismatches: AccessMismatch[]; asked: number }> {
  const probes: (() => Promise<AccessMismatch | undefined>)[] = [];
  for (const subject of subjects) {
    for (const namespace of namespaces) {
      for (const [group, full] of RESOURCES) {
        const [resource, subresource] = full.split("/");
        for (const verb of VERBS) {
          probes.push(async () => {
            const allowed = await cluster.canI(subject, verb, { group, resource, subresource, namespace });
            const want = expected(subject, namespace, group, full, verb);
            return allowed === want ? undefined : { subject: subject.label, namespace, request: `${verb} ${group ? `${group}/` : ""}${full}`, allowed };
          });
        }
      }
    }
  }
  const mismatches: AccessMismatch[] = [];
  // A few requests in flight at once: the authorizer answers from its cache.
  for (let i = 0; i < probes.length; i += 16) {
    for (const m of await Promise.all(probes.slice(i, i + 16).map((p) => p()))) if (m) mismatches.push(m);
  }
  return { mismatches, asked: probes.length };
}
