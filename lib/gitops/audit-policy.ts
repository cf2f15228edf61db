// `floe audit-policy`: a Kubernetes audit policy (audit.k8s.io/v1 Policy) for the objects Floe owns, for the
// cluster's kube-apiserver (--audit-policy-file). Rules are evaluated in order, the first match decides.

import { stringify } from "yaml";

/** One rule of an audit policy (audit.k8s.io/v1 PolicyRule, the fields used here). */
export interface AuditPolicyRule {
  readonly level: "None" | "Metadata" | "Request" | "RequestResponse";
  readonly verbs?: readonly string[];
  readonly resources?: readonly { readonly group: string; readonly resources?: readonly string[] }[];
  readonly omitStages?: readonly string[];
}

/** An audit.k8s.io/v1 Policy. */
export interface AuditPolicy {
  readonly apiVersion: "audit.k8s.io/v1";
  readonly kind: "Policy";
  readonly omitStages: readonly string[];
  readonly rules: readonly AuditPolicyRule[];
}

const WRITES = ["create", "update", "patch", "delete", "deletecollection"];

/** The API groups and resources of what Floe renders (custom resources by group; core and built-in ones by name). */
export const FLOE_OWNED_RESOURCES: readonly { readonly group: string; readonly resources?: readonly string[] }[] = [
  { group: "kafka.strimzi.io" },
  { group: "core.strimzi.io" },
  { group: "flink.apache.org" },
  { group: "external-secrets.io" },
  { group: "generators.external-secrets.io" },
  { group: "monitoring.coreos.com" },
  { group: "karpenter.sh" },
  { group: "karpenter.k8s.aws" },
  { group: "rbac.authorization.k8s.io", resources: ["roles", "rolebindings", "clusterroles", "clusterrolebindings"] },
  { group: "networking.k8s.io", resources: ["networkpolicies"] },
  { group: "policy", resources: ["poddisruptionbudgets"] },
  { group: "apps", resources: ["deployments"] },
  { group: "batch", resources: ["jobs"] },
  { group: "", resources: ["namespaces", "resourcequotas", "limitranges", "serviceaccounts", "services", "configmaps"] },
];

/**
 * The audit policy for Floe's objects:
 * 1. Secrets (the credentials External Secrets and Strimzi's User Operator write, the registry's users): every
 *    access, reads included, at `Metadata` (who, which secret, when; never the data);
 * 2. status updates of the operators' custom resources: not logged (operators rewrite them constantly);
 * 3. changes to Floe's objects: `RequestResponse` (the full request and the object as stored: who changed what);
 * 4. reads of Floe's objects: not logged (controllers and operators watch them all the time);
 * 5. everything else: `Metadata`.
 * The `RequestReceived` stage is omitted (each request is logged once, when its response starts or completes).
 */
export function kubernetesAuditPolicy(): AuditPolicy {
  const statusOf = FLOE_OWNED_RESOURCES.filter((r) => r.resources === undefined).map((r) => ({ group: r.group, resources: ["*/status"] }));
  return {
    apiVersion: "audit.k8s.io/v1",
    kind: "Policy",
    omitStages: ["RequestReceived"],
    rules: [
      { level: "Metadata", resources: [{ group: "", resources: ["secrets"] }] },
      { level: "None", verbs: ["update", "patch"], resources: statusOf },
      { level: "RequestResponse", verbs: WRITES, resources: FLOE_OWNED_RESOURCES },
      { level: "None", verbs: ["get", "list", "watch"], resources: FLOE_OWNED_RESOURCES },
      { level: "Metadata" },
    ],
  };
}

/** The policy as the YAML file kube-apiserver reads. */
export function auditPolicyYaml(): string {
  return `# Written by floe audit-policy: the Kubernetes audit policy for the objects Floe owns (kube-apiserver --audit-policy-file).\n${stringify(kubernetesAuditPolicy())}`;
}
