// What the Pulumi delivery does to the rendered objects: retention, CRD keep annotations, aliases, child URNs.

import * as pulumi from "@pulumi/pulumi";
import { OPERATOR_CHARTS } from "../../core";
import { Manifest } from "../render";

/**
 * Kinds whose objects hold data or own it (a KafkaTopic's deletion deletes the topic, a Kafka's its brokers'
 * volumes, a namespace's everything in it, a FlinkDeployment's its job and HA state, a CRD's every object of its
 * kind): `pulumi destroy` or their removal from the spec leaves them in the cluster (`retainOnDelete`).
 * Deleting one is a reviewed step: list it in the spec's `allowDestructive` (kind, name, namespace, reason) and
 * `pulumi up` while it is still in the spec; a later removal then deletes it.
 */
export const RETAINED_KINDS: readonly string[] = [
  "Namespace",
  "PersistentVolumeClaim",
  "CustomResourceDefinition",
  "Kafka",
  "KafkaNodePool",
  "KafkaTopic",
  "FlinkDeployment",
  "FlinkStateSnapshot",
];

/** A `spec.allowDestructive` entry: the object whose deletion a reviewer accepted. */
export interface DestructiveAcknowledgement {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** The metadata of a resource's inputs (a Kubernetes object's), if it has one. */
function inputMetadata(props: Record<string, unknown>): { name?: string; namespace?: string } {
  const m = props.metadata;
  return m && typeof m === "object" ? (m as { name?: string; namespace?: string }) : {};
}

/**
 * Helm's annotation that keeps an object when a release stops rendering it or is uninstalled. Helm reads it from
 * the live object on upgrade (pkg/kube/client.go `Update`: "Skipping delete ... due to annotation"): a stack made
 * by an earlier Floe had External Secrets' CRDs rendered by its chart (`installCRDs: true`), and turning that off
 * would otherwise delete them, and every ExternalSecret with them.
 */
export const HELM_KEEP = { "helm.sh/resource-policy": "keep" } as const;

/**
 * The transform of the manifests' ConfigGroups (a ConfigGroup passes only `parent` to the objects it registers, so
 * options must reach them as a transform): objects of {@link RETAINED_KINDS} get `retainOnDelete` unless a
 * reviewer acknowledged their deletion; CRDs carry {@link HELM_KEEP}; every object gets an alias to the name it had
 * when each file was its own resource prefix (`<prefix>-<file>:<namespace>/<name>`), so that stacks made by an
 * earlier Floe keep their objects.
 */
export function manifestTransform(
  acknowledged: readonly DestructiveAcknowledgement[] = [],
  formerNames: ReadonlyMap<string, string> = new Map(),
): (args: pulumi.ResourceTransformArgs) => pulumi.ResourceTransformResult | undefined {
  return (args) => {
    if (!args.custom) return undefined;
    const kind = args.type.split(":").pop() ?? "";
    const { name, namespace } = inputMetadata(args.props);
    const acked = acknowledged.some((a) => a.kind === kind && a.name === name && (a.namespace ?? undefined) === (namespace ?? undefined));
    const retain = RETAINED_KINDS.includes(kind) && !acked;
    const former = formerNames.get(objectKey(kind, namespace, name));
    const crd = kind === "CustomResourceDefinition";
    if (!retain && !former && !crd) return undefined;
    const metadata = args.props.metadata as Record<string, unknown> | undefined;
    return {
      props: crd
        ? { ...args.props, metadata: { ...metadata, annotations: { ...((metadata?.annotations as Record<string, string> | undefined) ?? {}), ...HELM_KEEP } } }
        : args.props,
      opts: {
        ...args.opts,
        ...(retain ? { retainOnDelete: true } : {}),
        ...(former ? { aliases: [...(args.opts.aliases ?? []), { name: former }] } : {}),
      },
    };
  };
}

/** An object's identity across files: kind, namespace, name. */
export function objectKey(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind}|${namespace ?? ""}|${name ?? ""}`;
}

/** The name a ConfigGroup gives an object under `resourcePrefix` (`<prefix>:<namespace>/<name>`, or `<prefix>:<name>`). */
export function childName(resourcePrefix: string, o: Manifest): string {
  return `${resourcePrefix}:${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
}

/**
 * The CRDs (`<plural>.<group>`) the objects need: every kind of a group that is not Kubernetes' own (a group with a
 * dot that does not end in `k8s.io`). Plurals are the lower-case kind plus `s`, as every CRD Floe renders for
 * spells it (kafkamirrormaker2s, flinkstatesnapshots, podmonitors, ...).
 */
export function requiredCrds(objects: readonly Manifest[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
    if (!group.includes(".") || group.endsWith("k8s.io")) continue;
    out.add(`${o.kind.toLowerCase()}s.${group}`);
  }
  return [...out].sort();
}

/** The API groups of the CRDs each operator's pinned release installs (see {@link OPERATOR_CRD_URLS}). */
export const OPERATOR_CRD_GROUPS: Readonly<Record<keyof typeof OPERATOR_CHARTS, string>> = {
  strimzi: "kafka.strimzi.io",
  flink: "flink.apache.org",
  externalSecrets: "external-secrets.io",
};

/**
 * The URN of an object a ConfigGroup whose URN is `groupUrn` registers under `resourcePrefix`:
 * `urn:pulumi:<stack>::<project>::<group's type chain>$<type>::<name>`, the type being
 * `kubernetes:<group or core>/<version>:<kind>`.
 */
export function groupChildUrn(groupUrn: string, o: Manifest, resourcePrefix: string): string {
  const [head, project, chain] = groupUrn.split("::");
  const apiVersion = o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`;
  return `${head}::${project}::${chain}$kubernetes:${apiVersion}:${o.kind}::${childName(resourcePrefix, o)}`;
}
