import { RenderedFile, RenderedTree } from "../../lib/internal";
import { KubeCluster, KubeObject, startCluster } from "../../e2e/kube";

/** The outcome of applying one object. */
export interface AppliedObject {
  /** `Kind namespace/name` */
  readonly id: string;
  readonly status: number;
  readonly message: string;
  readonly warnings: readonly string[];
  readonly resourceVersion?: string;
  readonly generation?: number;
}

/** The regions of a rendered tree (its top-level directories). */
export function regionsOf(tree: RenderedTree): string[] {
  return [...new Set(tree.files.map((f) => f.path.split("/")[0]))].sort();
}

export function idOf(o: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
}

/** Server-side apply of every object of the files, in file order (the platform file sorts first). */
export async function applyFiles(cluster: KubeCluster, files: readonly RenderedFile[]): Promise<AppliedObject[]> {
  const ordered = [...files].sort((a, b) => Number(!a.path.endsWith("/platform.yaml")) - Number(!b.path.endsWith("/platform.yaml")));
  const out: AppliedObject[] = [];
  for (const file of ordered) {
    for (const obj of file.objects) out.push(await applyOne(cluster, obj as unknown as KubeObject));
  }
  return out;
}

/** Server-side apply of one object, summarised. */
export async function applyOne(cluster: KubeCluster, obj: KubeObject, options: { manager?: string } = {}): Promise<AppliedObject> {
  const res = await cluster.apply(obj, options);
  const body = res.body as { message?: string; metadata?: { resourceVersion?: string; generation?: number } };
  return {
    id: idOf(obj),
    status: res.status,
    message: res.status >= 300 ? body?.message ?? JSON.stringify(res.body) : "",
    warnings: res.warnings,
    resourceVersion: body?.metadata?.resourceVersion,
    generation: body?.metadata?.generation,
  };
}

/** Server-side apply of each object in order; throws on the first the API server refuses. */
export async function applyAll(cluster: KubeCluster, objects: readonly object[]): Promise<void> {
  for (const o of objects) {
    const r = await applyOne(cluster, o as KubeObject);
    if (r.status >= 300) throw new Error(`e2e: apply ${r.id}: ${r.message}`);
  }
}

/**
 * A fresh control plane with the shared CRDs for the tests of one describe block (started in beforeAll,
 * stopped in afterAll); call the returned function inside a test.
 */
export function withRegionCluster(label: string): () => KubeCluster {
  let cluster: KubeCluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster({ label });
    await cluster.installSharedCrds();
  });
  afterAll(async () => cluster?.stop());
  return () => {
    if (!cluster) throw new Error("e2e: the cluster did not start (see beforeAll)");
    return cluster;
  };
}
