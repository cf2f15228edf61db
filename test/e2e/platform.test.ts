/**
 * What Floe renders, on a real kube-apiserver with the pinned CRDs (one fresh control plane per region, as each
 * region is its own cluster):
 * - every object accepted by server-side apply with strict field validation, with no warning; a second apply of
 *   the same render changes nothing;
 * - RBAC as the API server's authorizer decides it, for every tenant pair;
 * - Pod Security "restricted" as the admission plugin decides it, for the pods of every workload Floe renders
 *   and every pod the operators build from Floe's templates.
 */
import { Manifest, OPERATOR_CHARTS, synthesize } from "../../lib/internal";
import { KubeObject } from "../../e2e/kube";
import { flinkPods, ProbePod, strimziPods, workloadPods } from "./pods";
import { accessMismatches, tenantSubjects } from "./rbac";
import { e2eSpecs } from "./specs";
import { applyFiles, AppliedObject, idOf, regionsOf, withRegionCluster } from "./support";

const cases = e2eSpecs().flatMap(({ name, spec }) => {
  const tree = synthesize(spec);
  return regionsOf(tree).map((region) => {
    const files = tree.files.filter((f) => f.path.startsWith(`${region}/`));
    return { name: `${name}/${region}`, spec, region, files, objects: files.flatMap((f) => f.objects) as Manifest[] };
  });
});

describe.each(cases)("$name on a real API server", ({ name, spec, region, files, objects }) => {
  const cluster = withRegionCluster(name.replace("/", "-"));
  let first: AppliedObject[];
  const tenants = (spec.tenants ?? []).filter((t) => (t.regions ?? spec.regions.map((r) => r.name)).includes(region)).map((t) => t.name);
  // Every rendered namespace, the operators' (as Floe installs them) and the cluster's own.
  const platformNamespaces = [...Object.values(OPERATOR_CHARTS).map((c) => c.namespace), "monitoring", "default", "kube-system"];
  const namespaces = [...new Set([...objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name), ...platformNamespaces])].sort();

  test("every rendered object is accepted by server-side apply with strict field validation, without a warning", async () => {
    first = await applyFiles(cluster(), files);
    expect(first.filter((r) => r.status >= 300).map((r) => `${r.id}: ${r.status} ${r.message}`)).toEqual([]);
    expect(first.filter((r) => r.warnings.length > 0).map((r) => `${r.id}: ${r.warnings.join("; ")}`)).toEqual([]);
    expect(first.length).toBe(objects.length);
  });

  test("a second apply of the same render changes nothing (no resourceVersion or generation moves)", async () => {
    // The live versions just before (controllers, e.g. the quota controller, write status after the first apply).
    const live = new Map<string, { rv?: string; generation?: number }>();
    for (const o of objects) {
      const got = await cluster().get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
      live.set(idOf(o), { rv: got?.metadata.resourceVersion, generation: got?.metadata.generation });
    }
    const second = await applyFiles(cluster(), files);
    expect(second.filter((r) => r.status >= 300).map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    const moved = second.filter((r) => live.get(r.id)?.rv !== r.resourceVersion || live.get(r.id)?.generation !== r.generation);
    expect(moved.map((r) => r.id)).toEqual([]);
    expect(second.map((r) => r.generation)).toEqual(first.map((r) => r.generation));
  });

  test("RBAC: each tenant's admins, viewers and service accounts get exactly the design in their namespace and nothing elsewhere", async () => {
    const subjects = tenantSubjects(spec, region, objects);
    // Every tenant has at least its admins, viewers and Flink/credentials accounts probed.
    expect(new Set(subjects.map((s) => s.tenant))).toEqual(new Set(tenants));
    const { mismatches, asked } = await accessMismatches(cluster(), subjects, namespaces, (s, ns, group, resource, verb) =>
      ns === s.tenant ? s.allowedInOwn(group, resource, verb) : false,
    );
    expect(mismatches).toEqual([]);
    expect(asked).toBeGreaterThan(subjects.length * namespaces.length * 100);
  });

  test("RBAC: Secrets a tenant account may read by name in another namespace are its own tenant's only", async () => {
    const roles = objects.filter((o) => o.kind === "Role" && ((o as any).rules ?? []).some((r: any) => r.resourceNames));
    const named = roles.flatMap((role) => {
      const binding = objects.find((o) => o.kind === "RoleBinding" && o.metadata.namespace === role.metadata.namespace && (o as any).roleRef.name === role.metadata.name) as any;
      return (binding?.subjects ?? [])
        .filter((s: any) => s.kind === "ServiceAccount")
        .map((s: any) => ({ role, account: s, names: ((role as any).rules as any[]).flatMap((r) => r.resourceNames ?? []) as string[] }));
    });
    const tenantGrants = named.filter((n) => tenants.includes(n.account.namespace));
    for (const { role, account, names } of tenantGrants) {
      const subject = { user: `system:serviceaccount:${account.namespace}:${account.name}`, groups: ["system:serviceaccounts", `system:serviceaccounts:${account.namespace}`] };
      const ns = role.metadata.namespace!;
      for (const secret of names) expect([idOf(role), secret, await cluster().canI(subject, "get", { resource: "secrets", namespace: ns, name: secret })]).toEqual([idOf(role), secret, true]);
      // The names other tenants' accounts may read are denied to this one; so are list and watch.
      const others = tenantGrants.filter((g) => g.account.namespace !== account.namespace).flatMap((g) => g.names).filter((n) => !names.includes(n));
      for (const secret of others) expect([idOf(role), secret, await cluster().canI(subject, "get", { resource: "secrets", namespace: ns, name: secret })]).toEqual([idOf(role), secret, false]);
      for (const verb of ["list", "watch", "update", "delete"]) expect(await cluster().canI(subject, verb, { resource: "secrets", namespace: ns })).toBe(false);
    }
  });

  const admit = async (probes: readonly ProbePod[]) => {
    const refused: string[] = [];
    for (const { origin, pod, baseline } of probes) {
      const res = await cluster().createDryRun(pod);
      if (res.status !== 201) refused.push(`${origin}: ${res.status} ${res.body?.message ?? ""}`);
      else if (!baseline && res.warnings.length > 0) refused.push(`${origin}: warnings ${res.warnings.join("; ")}`);
      if (baseline) {
        // Only where the namespace is deliberately relaxed to baseline; restricted namespaces refuse it.
        const ns = objects.find((o) => o.kind === "Namespace" && o.metadata.name === pod.metadata.namespace) as any;
        if (ns?.metadata.labels?.["pod-security.kubernetes.io/enforce"] !== "baseline") refused.push(`${origin}: needs baseline, namespace enforces ${ns?.metadata.labels?.["pod-security.kubernetes.io/enforce"]}`);
      }
    }
    return refused;
  };

  test("Pod Security: the admission plugin enforces restricted in every tenant namespace (a plain pod is refused)", async () => {
    for (const t of tenants) {
      const plain: KubeObject = { apiVersion: "v1", kind: "Pod", metadata: { name: "e2e-plain", namespace: t }, spec: { containers: [{ name: "c", image: "busybox:1.36" }] } };
      const res = await cluster().createDryRun(plain);
      expect([t, res.status]).toEqual([t, 403]);
      expect(res.body.message).toMatch(/violates PodSecurity "restricted:latest"/);
    }
  });

  test("Pod Security: the pods of every Deployment and Job Floe renders are admitted in their namespaces", async () => {
    expect(await admit(workloadPods(objects))).toEqual([]);
  });

  test("Pod Security: the pods Strimzi builds from Floe's templates are admitted, with its default and its restricted provider", async () => {
    for (const provider of ["baseline", "restricted"] as const) {
      const { pods, refused } = strimziPods(objects, provider);
      expect(refused).toEqual([]);
      expect(await admit(pods)).toEqual([]);
      expect(pods.length).toBeGreaterThanOrEqual(objects.filter((o) => o.kind === "KafkaNodePool").length);
      // A freshly provisioned volume is owned by root: the broker (uid 1001, gid 0) writes it only through the
      // pod's fsGroup 0, which Strimzi leaves out when the template supplies a pod context (Floe's does).
      const withClaims = pods.filter(({ pod }) => ((pod.spec as { volumes: { persistentVolumeClaim?: unknown }[] }).volumes ?? []).some((v) => v.persistentVolumeClaim));
      // One probe pod per node pool; those with persistent storage mount a claim.
      expect(withClaims.length).toBe(objects.filter((o) => o.kind === "KafkaNodePool" && (o as unknown as { spec: { storage: { type: string } } }).spec.storage.type !== "ephemeral").length);
      expect(withClaims.filter(({ pod }) => (pod.spec as { securityContext?: { fsGroup?: number } }).securityContext?.fsGroup !== 0).map((p) => p.origin)).toEqual([]);
    }
  });

  test("Pod Security: the JobManager and TaskManager pods the Flink operator builds are admitted", async () => {
    const pods = flinkPods(objects);
    expect(pods.length).toBe(2 * objects.filter((o) => o.kind === "FlinkDeployment").length);
    expect(await admit(pods)).toEqual([]);
  });
});
