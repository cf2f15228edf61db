/**
 * The pods that come out of what Floe renders, for the PodSecurity admission plugin to judge:
 * - Deployments and Jobs Floe renders: a pod of their template;
 * - Strimzi's pods (Kafka node pools, entity operator, Cruise Control, Kafka Exporter, Connect and its build,
 *   MirrorMaker 2), built the way Strimzi 1.2.0 builds their security contexts:
 *   `cluster-operator/.../model/KafkaPool.java` (processTemplate: a node pool's template fields replace the
 *   Kafka CR's), `api/.../plugin/security/profiles/impl/BaselinePodSecurityProvider.java` (Strimzi's default:
 *   the user's pod context, else `fsGroup: 0` for persistent storage; the user's container context, else none)
 *   and `RestrictedPodSecurityProvider.java` (STRIMZI_POD_SECURITY_PROVIDER_CLASS=restricted, which Floe's
 *   Pulumi install sets: the user's container context, else the restricted one; a Connect build without a
 *   user-supplied build container context is refused by the operator);
 * - the Flink operator's pods: `spec.podTemplate` merged with the JobManager's or TaskManager's podTemplate
 *   as flink-kubernetes-operator 1.15.0 merges them (see {@link mergePodTemplates}), into which
 *   Flink's KubernetesJobManagerFactory/KubernetesTaskManagerFactory put `flink-main-container` with no security
 *   context of their own, and the flink-config ConfigMap volume.
 * Volumes are those the operators add (Secrets, ConfigMaps, emptyDir, PVCs); only their types matter to the
 * policy.
 */
import { Manifest } from "../../lib/internal";
import { KubeObject } from "../../e2e/kube";

export type StrimziProvider = "baseline" | "restricted";

/** A pod to admit, with where it came from. */
export interface ProbePod {
  readonly origin: string;
  readonly pod: KubeObject;
  /**
   * The pod runs only under Pod Security "baseline" (the Connect image build, Kaniko as root): admitted where
   * the namespace enforces baseline, with the restricted warnings its namespace's warn mode gives.
   */
  readonly baseline?: boolean;
}

type Obj = Record<string, any>;

const RESTRICTED_DEFAULT = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  seccompProfile: { type: "RuntimeDefault" },
  capabilities: { drop: ["ALL"] },
};

const OPERATOR_VOLUMES = [
  { name: "strimzi-tmp", emptyDir: { medium: "Memory", sizeLimit: "5Mi" } },
  { name: "cluster-ca", secret: { secretName: "cluster-ca-cert" } },
  { name: "config", configMap: { name: "config" } },
];

function pod(origin: string, namespace: string, name: string, spec: Obj): ProbePod {
  return { origin, pod: { apiVersion: "v1", kind: "Pod", metadata: { name: `e2e-${name}`.slice(0, 63).replace(/-+$/, ""), namespace }, spec } };
}

function container(name: string, image: string, securityContext: Obj | undefined): Obj {
  return { name, image, ...(securityContext ? { securityContext } : {}) };
}

/** Strimzi's container context: the template's, else the provider's default. */
function strimziContainer(template: Obj | undefined, provider: StrimziProvider): Obj | undefined {
  return template?.securityContext ?? (provider === "restricted" ? RESTRICTED_DEFAULT : undefined);
}

/** Pods of every Deployment and Job (their templates, as the controllers create them). */
export function workloadPods(objects: readonly Manifest[]): ProbePod[] {
  return objects
    .filter((o) => o.kind === "Deployment" || o.kind === "Job")
    .map((o) => {
      const template = (o as Obj).spec.template;
      return pod(`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, o.metadata.namespace!, o.metadata.name, template.spec);
    });
}

/** Pods Strimzi makes from the Kafka, KafkaNodePool, KafkaConnect and KafkaMirrorMaker2 objects. */
export function strimziPods(objects: readonly Manifest[], provider: StrimziProvider): { pods: ProbePod[]; refused: string[] } {
  const out: ProbePod[] = [];
  const refused: string[] = [];
  const kafkas = objects.filter((o) => o.kind === "Kafka") as Obj[];
  for (const kafka of kafkas) {
    const ns = kafka.metadata.namespace;
    const spec = kafka.spec;
    const kt = spec.kafka.template ?? {};
    for (const pool of objects.filter((o) => o.kind === "KafkaNodePool" && (o.metadata as Obj).labels?.["strimzi.io/cluster"] === kafka.metadata.name) as Obj[]) {
      const pt = pool.spec.template ?? {};
      // KafkaPool.processTemplate: each field set in the node pool replaces the Kafka CR's.
      const podTemplate = pt.pod ?? kt.pod;
      const kafkaContainer = pt.kafkaContainer ?? kt.kafkaContainer;
      const initContainer = pt.initContainer ?? kt.initContainer;
      const storage = pool.spec.storage;
      const persistent = storage.type === "persistent-claim" || (storage.type === "jbod" && storage.volumes.some((v: Obj) => v.type === "persistent-claim"));
      const podContext = podTemplate?.securityContext ?? (persistent ? { fsGroup: 0 } : undefined);
      const data = persistent ? { persistentVolumeClaim: { claimName: "data-0" } } : { emptyDir: {} };
      out.push(
        pod(`Kafka ${ns}/${kafka.metadata.name} node pool ${pool.metadata.name} (${provider})`, ns, `${pool.metadata.name}-0`, {
          ...(podContext ? { securityContext: podContext } : {}),
          ...(spec.kafka.rack ? { initContainers: [container("kafka-init", "quay.io/strimzi/operator:1.2.0", strimziContainer(initContainer, provider))] } : {}),
          containers: [container("kafka", "quay.io/strimzi/kafka:1.2.0-kafka-4.3.0", strimziContainer(kafkaContainer, provider))],
          volumes: [{ name: "data-0", ...data }, ...OPERATOR_VOLUMES],
        }),
      );
    }
    // Entity operator, Cruise Control, Kafka Exporter: one pod each, its containers' contexts from their templates.
    const operands: [string, string, Obj | undefined, [string, string, boolean][]][] = [
      ["entity operator", "entity-operator", spec.entityOperator, [["topic-operator", "topicOperatorContainer", !!spec.entityOperator?.topicOperator], ["user-operator", "userOperatorContainer", !!spec.entityOperator?.userOperator]]],
      ["Cruise Control", "cruise-control", spec.cruiseControl, [["cruise-control", "cruiseControlContainer", true]]],
      ["Kafka Exporter", "kafka-exporter", spec.kafkaExporter, [["kafka-exporter", "container", true]]],
    ];
    for (const [label, suffix, operand, containers] of operands) {
      if (!operand) continue;
      const t = operand.template ?? {};
      out.push(
        pod(`Kafka ${ns}/${kafka.metadata.name} ${label} (${provider})`, ns, `${kafka.metadata.name}-${suffix}`, {
          ...(t.pod?.securityContext ? { securityContext: t.pod.securityContext } : {}),
          containers: containers.filter(([, , on]) => on).map(([name, key]) => container(name, "quay.io/strimzi/operator:1.2.0", strimziContainer(t[key], provider))),
          volumes: OPERATOR_VOLUMES,
        }),
      );
    }
  }
  for (const connect of objects.filter((o) => o.kind === "KafkaConnect" || o.kind === "KafkaMirrorMaker2") as Obj[]) {
    const ns = connect.metadata.namespace;
    const t = connect.spec.template ?? {};
    out.push(
      pod(`${connect.kind} ${ns}/${connect.metadata.name} (${provider})`, ns, connect.metadata.name, {
        ...(t.pod?.securityContext ? { securityContext: t.pod.securityContext } : {}),
        ...(connect.spec.rack ? { initContainers: [container("init", "quay.io/strimzi/operator:1.2.0", strimziContainer(t.initContainer, provider))] } : {}),
        containers: [container(connect.kind === "KafkaConnect" ? "connect" : "mirror-maker-2", "quay.io/strimzi/kafka:1.2.0-kafka-4.3.0", strimziContainer(t.connectContainer, provider))],
        volumes: OPERATOR_VOLUMES,
      }),
    );
    if (connect.kind === "KafkaConnect" && connect.spec.build) {
      const user = t.buildContainer?.securityContext;
      if (provider === "restricted" && !user) {
        // RestrictedPodSecurityProvider.kafkaConnectBuildContainerSecurityContext throws: no build pod at all.
        refused.push(`KafkaConnect ${ns}/${connect.metadata.name}: the restricted provider refuses a build without template.buildContainer.securityContext`);
        continue;
      }
      out.push({
        ...pod(`KafkaConnect ${ns}/${connect.metadata.name} build (${provider})`, ns, `${connect.metadata.name}-build`, {
          ...(t.buildPod?.securityContext ? { securityContext: t.buildPod.securityContext } : {}),
          containers: [container("build", "gcr.io/kaniko-project/executor:v1.23.2", user)],
          volumes: [{ name: "dockerfile", configMap: { name: `${connect.metadata.name}-dockerfile` } }],
        }),
        baseline: true,
      });
    }
  }
  return { pods: out, refused };
}

/**
 * Merge a JobManager's or TaskManager's pod template onto the common one as the Flink operator 1.15 does
 * (`FlinkUtils.mergePodTemplates` / `mergeInto` / `mergeArray`, called from `FlinkConfigBuilder`): objects
 * deep, scalars replaced, arrays by position unless `kubernetes.operator.pod-template.merge-arrays-by-name`
 * (default false) is set and every element has a name.
 */
export function mergePodTemplates(base: Obj | undefined, over: Obj | undefined, byName = false): Obj {
  if (!over) return structuredClone(base ?? {});
  if (!base) return structuredClone(over);
  const to = structuredClone(base);
  mergeInto(to, structuredClone(over), byName);
  return to;
}

function mergeInto(to: Obj, from: Obj, byName: boolean): void {
  for (const [field, fromChild] of Object.entries(from)) {
    const toChild = to[field];
    if (Array.isArray(toChild) && Array.isArray(fromChild)) mergeArray(toChild, fromChild, byName);
    else if (toChild && typeof toChild === "object" && !Array.isArray(toChild)) mergeInto(toChild, fromChild, byName);
    else to[field] = fromChild;
  }
}

function mergeArray(to: Obj[], from: Obj[], byName: boolean): void {
  const named = (a: Obj[]) => a.every((x) => x && typeof x === "object" && "name" in x);
  if (byName && named(to) && named(from)) {
    for (const f of from) {
      const t = to.find((x) => x.name === f.name);
      if (t) mergeInto(t, f, byName);
      else to.push(f);
    }
    return;
  }
  from.forEach((f, i) => {
    if (to.length <= i) to.push(f);
    else if (to[i] && typeof to[i] === "object" && f && typeof f === "object") mergeInto(to[i], f, byName);
    else to[i] = f;
  });
}

/** The JobManager and TaskManager pods of every FlinkDeployment. */
export function flinkPods(objects: readonly Manifest[]): ProbePod[] {
  const out: ProbePod[] = [];
  for (const d of objects.filter((o) => o.kind === "FlinkDeployment") as Obj[]) {
    for (const role of ["jobManager", "taskManager"] as const) {
      const template = mergePodTemplates(d.spec.podTemplate, d.spec[role]?.podTemplate);
      const spec: Obj = template.spec ?? {};
      const containers: Obj[] = spec.containers ?? [];
      const main = containers.find((c) => c.name === "flink-main-container") ?? { name: "flink-main-container" };
      out.push(
        pod(`FlinkDeployment ${d.metadata.namespace}/${d.metadata.name} ${role}`, d.metadata.namespace, `${d.metadata.name}-${role.toLowerCase()}`, {
          ...spec,
          serviceAccountName: d.spec.serviceAccount,
          containers: [{ ...main, image: d.spec.image ?? "flink:1.20" }, ...containers.filter((c) => c !== main)],
          volumes: [...(spec.volumes ?? []), { name: "flink-config-volume", configMap: { name: `flink-config-${d.metadata.name}` } }],
        }),
      );
    }
  }
  return out;
}
