// How the StreamingPlatform applies a region's tree: namespaces, operators, CRDs, then the platform and tenant files.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { FLINK_OPERATOR_IMAGE, OPERATOR_CHARTS, OPERATOR_CRD_URLS } from "../../core";
import { DEFAULT_KAFKA_NAMESPACE, tenantChartName } from "../names";
import { Manifest, RenderedTree } from "../render";
import { RegionSpec } from "../spec/schema";
import { StreamingPlatformArgs } from "./args";
import { kubeconfigText } from "./cluster";
import { childName, groupChildUrn, manifestTransform, objectKey, OPERATOR_CRD_GROUPS, requiredCrds } from "./manifests";

/** The YAML text of a group's objects: one JSON document per object (JSON is YAML). */
function groupYaml(objs: readonly Manifest[]): string {
  return objs.map((o) => JSON.stringify(o)).join("\n---\n");
}

/** What a region's objects wait for on the AWS side. */
export interface AwsReadiness {
  /** Everything of the region (the platform file and files of no tenant wait for it all). */
  readonly all: readonly pulumi.Resource[];
  /** What each tenant's file waits for: its own role's policy and secret values, and the secrets operator's access. */
  readonly tenants: ReadonlyMap<string, readonly pulumi.Resource[]>;
}

/**
 * Apply a region's manifests: namespaces, the operators' CRDs and charts, every other CRD they need (read), then
 * the platform file and the tenants' files.
 */
export function applyManifests(
  parent: pulumi.ComponentResource,
  tree: RenderedTree,
  prefix: string,
  region: RegionSpec,
  args: StreamingPlatformArgs,
  tenantNamespaces: string[],
  esoIrsaRoleArn: pulumi.Output<string> | undefined,
  awsReady: AwsReadiness,
): void {
  const cluster = args.kubeconfigs![region.name];
  const provider =
    cluster instanceof k8s.Provider ? cluster : new k8s.Provider(`${prefix}-k8s`, { kubeconfig: kubeconfigText(cluster), enableServerSideApply: true }, { parent });
  const k8sOpts: pulumi.CustomResourceOptions = { parent, provider };
  const files = tree.files.filter((f) => f.path.startsWith(`${region.name}/`));
  const platformFile = files.find((f) => f.path === `${region.name}/platform.yaml`)!;
  const groupOf = (file: { path: string }) => `${prefix}-${file.path.slice(region.name.length + 1).replace(/\.yaml$/, "")}`;
  // Every object is named `<prefix>:<namespace>/<name>` whatever file it is in (a move between files keeps its
  // identity); the names an earlier Floe gave (`<prefix>-<file>:...`) become aliases.
  const formerNames = new Map<string, string>();
  for (const file of files) for (const o of file.objects) formerNames.set(objectKey(o.kind, o.metadata.namespace, o.metadata.name), childName(groupOf(file), o));
  // The SDK refuses transforms under `setMocks` (its mock monitor has no transform callbacks), where a mocked
  // ConfigGroup registers no object to transform anyway; the real engine (test/e2e/pulumi.test.ts) runs them.
  const mocked = pulumi.runtime.getMonitor() instanceof MockMonitor;
  const transforms = mocked ? {} : { transforms: [manifestTransform(args.spec.allowDestructive ?? [], formerNames)] };
  // The objects go to the provider as one YAML text (JSON documents), not as `objs`: the SDK serializes `objs` into a
  // protobuf Struct per group and keeps it with the resource's inputs, which was most of the program's peak memory
  // (npm run bench: 1.58 GB against 0.64 GB at 120 tenants x 3 regions). The provider decodes `yaml` as it decodes
  // files (pulumi-kubernetes provider/pkg/provider/yaml/v2/configgroup.go), so the applied objects are the same.
  const group = (id: string, objs: readonly Manifest[], dependsOn: pulumi.Input<pulumi.Resource>[]) =>
    new k8s.yaml.v2.ConfigGroup(id, { yaml: groupYaml(objs), resourcePrefix: prefix }, { ...k8sOpts, ...transforms, dependsOn });

  // 1. The namespaces: the operators' charts create RBAC in the namespaces they watch.
  const isNamespace = (o: Manifest) => o.apiVersion === "v1" && o.kind === "Namespace";
  const namespaces = group(`${prefix}-namespaces`, files.flatMap((f) => f.objects.filter(isNamespace)), []);

  // 2. The operators' CRDs and the operators.
  const before: pulumi.Resource[] = [namespaces];
  const installed = new Set<string>();
  if (region.operators?.install ?? true) {
    before.push(...installOperators({ prefix, region, k8sOpts, transforms, namespaces, tenantNamespaces, esoIrsaRoleArn, installed }));
  }
  // 3. Every other CRD the manifests need must be in the cluster: read it, so that its absence stops the update
  //    naming it (e.g. prometheus-operator's PodMonitor with monitoring enabled).
  const objects = files.flatMap((f) => f.objects);
  for (const crd of requiredCrds(objects)) {
    if (installed.has(crd.slice(crd.indexOf(".") + 1))) continue;
    before.push(k8s.apiextensions.v1.CustomResourceDefinition.get(`${prefix}-crd-${crd}`, crd, k8sOpts));
  }

  // 4. The manifests: the platform file, then the tenants' (after each object of the platform file).
  const platformGroup = group(`${prefix}-platform`, platformFile.objects.filter((o) => !isNamespace(o)), [...before, ...awsReady.all]);
  // Depending on the group orders creation only: the engine orders deletes by the dependencies of each object,
  // so the tenants' groups depend on each object of the platform file by URN (the group's `resources` output
  // cannot give them: the SDK turns a reference to a custom resource kind it has no class for, a Kafka, into
  // its id). The URN is derived from the group's (never from this component's: a dependency on the component
  // would wait for all its children, these groups among them).
  // Each dependency is a Resource or a Promise of one, in an array: the SDK's mergeOptions lifts a dependsOn that is
  // a Promise or an Output into an Output, whose value (resources, reaching the whole resource graph through their
  // parents and providers) it walks for unknowns (output.ts containsUnknowns) once per group: that made the program
  // quadratic in tenants (npm run bench). A tenant's file waits for its own AWS side only, not every tenant's.
  const platformObjectsOf = platformFile.objects.filter((o) => !isNamespace(o));
  const platformUrn = new Promise<string>((resolve) => platformGroup.urn.apply((urn) => (resolve(urn), urn)));
  // One dependency per platform object, shared by every tenant group (one per group and object was most of the
  // program's memory: 1.3 GB live at 500 tenants x 3 regions; npm run bench).
  const platformObjects = platformObjectsOf.map((o) => platformUrn.then((urn) => new pulumi.DependencyResource(groupChildUrn(urn, o, prefix))));
  const afterPlatform = [...before, platformGroup, ...platformObjects];
  const tenantFiles = new Map([...awsReady.tenants].map(([tenant, ready]) => [`${region.name}/${tenantChartName(tenant)}.yaml`, ready]));
  for (const file of files.filter((f) => f !== platformFile)) {
    const ready = tenantFiles.get(file.path) ?? awsReady.all;
    group(groupOf(file), file.objects.filter((o) => !isNamespace(o)), [...afterPlatform, ...ready]);
  }
}

/** What installing a region's operators needs. */
interface OperatorInstall {
  readonly prefix: string;
  readonly region: RegionSpec;
  readonly k8sOpts: pulumi.CustomResourceOptions;
  readonly transforms: { transforms?: pulumi.ResourceTransform[] };
  readonly namespaces: pulumi.Resource;
  readonly tenantNamespaces: readonly string[];
  readonly esoIrsaRoleArn: pulumi.Output<string> | undefined;
  /** Receives the API groups whose CRDs the operators' releases bring. */
  readonly installed: Set<string>;
}

/** The operators' CRDs (from their pinned releases) and the pinned operators' Helm releases. */
function installOperators(o: OperatorInstall): pulumi.Resource[] {
  const { prefix, region, k8sOpts, transforms, namespaces, tenantNamespaces, esoIrsaRoleArn, installed } = o;
  const crds = (Object.keys(OPERATOR_CRD_URLS) as (keyof typeof OPERATOR_CRD_URLS)[]).map((op) => {
    installed.add(OPERATOR_CRD_GROUPS[op]);
    return new k8s.yaml.v2.ConfigGroup(`${prefix}-crds-${op}`, { files: [...OPERATOR_CRD_URLS[op]] }, { ...k8sOpts, ...transforms });
  });
  const release = (id: string, chart: { chart: string; version: string; repo: string; namespace: string }, values: Record<string, unknown>) =>
    new k8s.helm.v3.Release(
      `${prefix}-${id}`,
      {
        name: chart.chart,
        chart: chart.chart,
        version: chart.version,
        repositoryOpts: { repo: chart.repo },
        namespace: chart.namespace,
        createNamespace: true,
        atomic: true,
        // The CRDs are the stack's own objects (above): Helm never upgrades a chart's crds/.
        skipCrds: true,
        values,
      },
      { ...k8sOpts, dependsOn: [namespaces, ...crds] },
    );
  const kafkaNamespace = region.kafka.namespace ?? DEFAULT_KAFKA_NAMESPACE;
  return [
    ...crds,
    release("strimzi", OPERATOR_CHARTS.strimzi, {
      watchNamespaces: [kafkaNamespace],
      extraEnvs: [{ name: "STRIMZI_POD_SECURITY_PROVIDER_CLASS", value: "restricted" }],
    }),
    release("flink-operator", OPERATOR_CHARTS.flink, {
      watchNamespaces: [...tenantNamespaces].sort(),
      image: { repository: FLINK_OPERATOR_IMAGE.repository, tag: FLINK_OPERATOR_IMAGE.tag },
      // The webhook's certificate is cert-manager's (templates/cert-manager/*.yaml render only with it).
      webhook: { create: region.operators?.flinkWebhook ?? false },
    }),
    release("external-secrets", OPERATOR_CHARTS.externalSecrets, {
      installCRDs: false,
      ...(esoIrsaRoleArn ? { serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": esoIrsaRoleArn } } } : {}),
    }),
  ];
}
