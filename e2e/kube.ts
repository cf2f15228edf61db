/**
 * A real Kubernetes control plane on loopback for the e2e tier: etcd, kube-apiserver (RBAC authorization,
 * PodSecurity admission) and kube-controller-manager (the namespace, garbage-collector and service-account
 * controllers only: no nodes, no scheduler, no kubelet), the way controller-runtime's envtest runs the first two.
 * Clients authenticate with static bearer tokens (`--token-auth-file`).
 */
import { randomBytes } from "crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { request as httpsRequest } from "https";
import { request as httpRequest } from "http";
import { join } from "path";
import { parseAllDocuments } from "yaml";
import { readBody } from "./http";
import { binary, CACHE, runDir, sharedDir } from "./paths";
import { freePort, Service, startService, waitFor } from "./process";
import { CertificateAuthority, keyPair } from "./tls";

/** A Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** One API response. */
export interface KubeResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
  /** The `Warning` headers the API server sent (field validation, PodSecurity warn mode, deprecations). */
  readonly warnings: readonly string[];
}

/** A resource type as discovery reports it. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** Label of the run folder. @default "kube" */
  readonly label?: string;
  /** Extra users for the token file: name and groups (the token is returned by {@link KubeCluster.tokenOf}). @default - none */
  readonly users?: readonly { readonly name: string; readonly groups: readonly string[] }[];
  /** An audit policy (audit.k8s.io/v1 Policy) for the API server; its log is `<run dir>/audit.log` (JSON lines). @default - no audit log */
  readonly auditPolicy?: object;
}

const ADMIN = "floe-e2e-admin";

/** A running control plane. */
export class KubeCluster {
  private readonly discovery = new Map<string, ResourceType>();

  constructor(
    /** `https://127.0.0.1:<port>` */
    public readonly server: string,
    /** The CA that signed the serving certificate (PEM). */
    public readonly ca: string,
    private readonly tokens: ReadonlyMap<string, string>,
    private readonly services: readonly Service[],
    /** The run folder (certificates, data, logs). */
    public readonly dir: string,
  ) {}

  /** The bearer token of a user of the token file (the admin, in `system:masters`, by default). */
  public tokenOf(user = ADMIN): string {
    const token = this.tokens.get(user);
    if (!token) throw new Error(`e2e: no token for ${user}`);
    return token;
  }

  /** A kubeconfig for the admin (or another token user). */
  public kubeconfig(user = ADMIN): string {
    return JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "e2e", cluster: { server: this.server, "certificate-authority-data": Buffer.from(this.ca).toString("base64") } }],
      users: [{ name: user, user: { token: this.tokenOf(user) } }],
      contexts: [{ name: "e2e", context: { cluster: "e2e", user } }],
      "current-context": "e2e",
    });
  }

  /** One request to the API server as the admin; JSON in and out. */
  public request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    options: { contentType?: string; user?: string; headers?: Record<string, string> } = {},
  ): Promise<KubeResponse<T>> {
    const url = new URL(path, this.server);
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return new Promise((resolveResponse, reject) => {
      const req = httpsRequest(
        url,
        {
          method,
          ca: this.ca,
          headers: {
            Authorization: `Bearer ${this.tokenOf(options.user)}`,
            Accept: "application/json",
            ...(payload !== undefined ? { "Content-Type": options.contentType ?? "application/json", "Content-Length": Buffer.byteLength(payload) } : {}),
            ...options.headers,
          },
        },
        (res) => {
          const warning = res.headers.warning;
          const warnings = (Array.isArray(warning) ? warning : warning ? [warning] : []).flatMap(splitWarnings);
          readBody(res).then((body) => resolveResponse({ status: res.statusCode ?? 0, body: body as T, warnings }), reject);
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error(`e2e: ${method} ${path} timed out`)));
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** The resource type of an apiVersion/kind, from discovery (refreshed when not found, e.g. after CRDs). */
  public async resourceOf(apiVersion: string, kind: string): Promise<ResourceType> {
    const key = `${apiVersion}/${kind}`;
    if (!this.discovery.has(key)) await this.discover(apiVersion);
    const found = this.discovery.get(key);
    if (!found) throw new Error(`e2e: the API server serves no ${kind} in ${apiVersion}`);
    return found;
  }

  private async discover(apiVersion: string): Promise<void> {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    const res = await this.request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>(
      "GET",
      group ? `/apis/${group}/${version}` : `/api/${version}`,
    );
    if (res.status !== 200) return;
    for (const r of res.body.resources) {
      if (r.name.includes("/")) continue;
      this.discovery.set(`${apiVersion}/${r.kind}`, { group, version, plural: r.name, namespaced: r.namespaced });
    }
  }

  /** The URL path of an object (or of its collection when `name` is omitted). */
  public async pathOf(apiVersion: string, kind: string, namespace: string | undefined, name?: string): Promise<string> {
    const t = await this.resourceOf(apiVersion, kind);
    const base = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
    const ns = t.namespaced ? `/namespaces/${namespace ?? "default"}` : "";
    return `${base}${ns}/${t.plural}${name ? `/${encodeURIComponent(name)}` : ""}`;
  }

  /**
   * Server-side apply of one object with strict field validation (unknown or duplicate fields are errors, not
   * warnings), as field manager `manager`.
   */
  public async apply(obj: KubeObject, options: { manager?: string; dryRun?: boolean; user?: string } = {}): Promise<KubeResponse<any>> {
    const path = await this.pathOf(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name);
    const query = new URLSearchParams({ fieldManager: options.manager ?? "floe", fieldValidation: "Strict", force: "true" });
    if (options.dryRun) query.set("dryRun", "All");
    return this.request("PATCH", `${path}?${query}`, obj, { contentType: "application/apply-patch+yaml", user: options.user });
  }

  /** GET one object; undefined when it does not exist. */
  public async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<any | undefined> {
    const res = await this.request("GET", await this.pathOf(apiVersion, kind, namespace, name));
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`e2e: GET ${kind} ${namespace ?? ""}/${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Create with `dryRun=All`: admission (PodSecurity among it) decides, nothing is stored. */
  public async createDryRun(obj: KubeObject): Promise<KubeResponse<any>> {
    const path = await this.pathOf(obj.apiVersion, obj.kind, obj.metadata.namespace);
    return this.request("POST", `${path}?dryRun=All&fieldValidation=Strict`, obj);
  }

  /**
   * What the authorizer decides for `user` (with `groups`): a SubjectAccessReview, the API behind
   * `kubectl auth can-i --as`.
   */
  public async canI(
    subject: { user: string; groups?: readonly string[] },
    verb: string,
    resource: { group?: string; resource: string; namespace?: string; name?: string; subresource?: string },
  ): Promise<boolean> {
    const res = await this.request<{ status: { allowed: boolean } }>("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: { user: subject.user, groups: [...(subject.groups ?? []), "system:authenticated"], resourceAttributes: { verb, group: resource.group ?? "", ...resource } },
    });
    if (res.status !== 201) throw new Error(`e2e: SubjectAccessReview: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.status.allowed === true;
  }

  /**
   * Install every CustomResourceDefinition of ../shared/crds, ../shared/crds-ecosystem and Karpenter's (from the
   * e2e cache) and wait until each
   * is Established.
   */
  public async installSharedCrds(): Promise<string[]> {
    const crds: KubeObject[] = [];
    // Karpenter's CRDs come from the Go module proxy (e2e/install.sh), not ../shared.
    const karpenter = join(CACHE, "crds", "karpenter");
    if (!existsSync(join(karpenter, "karpenter.sh_nodepools.yaml"))) throw new Error(`e2e: Karpenter's CRDs are not installed at ${karpenter}; run bash e2e/install.sh (npm run test:e2e does)`);
    for (const dir of [sharedDir("crds"), sharedDir("crds-ecosystem"), karpenter]) {
      for (const file of yamlFiles(dir)) {
        for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
          const o = doc.toJS() as KubeObject | null;
          if (o?.kind === "CustomResourceDefinition") crds.push(o);
        }
      }
    }
    for (const crd of crds) {
      const res = await this.apply(crd, { manager: "floe-e2e" });
      if (res.status >= 300) throw new Error(`e2e: CRD ${crd.metadata.name} refused: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const names = crds.map((c) => c.metadata.name).sort();
    const deadline = Date.now() + 60_000;
    for (const name of names) {
      for (;;) {
        const crd = await this.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", undefined, name);
        const established = (crd?.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Established" && c.status === "True");
        if (established) break;
        if (Date.now() > deadline) throw new Error(`e2e: CRD ${name} not Established after 60 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    this.discovery.clear();
    return names;
  }

  /** Stop the control plane (controller manager, API server, etcd). */
  public async stop(): Promise<void> {
    for (const s of [...this.services].reverse()) await s.stop();
  }

  /** The last lines of a component's log. */
  public logOf(name: "etcd" | "kube-apiserver" | "kube-controller-manager"): string {
    return this.services.find((s) => s.name === name)?.tail(80) ?? "";
  }
}

function splitWarnings(header: string): string[] {
  // RFC 7234 warning values: `299 - "text"`, several per header separated by commas outside quotes.
  return [...header.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, "$1"));
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []))
    .sort();
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((done) => {
    const req = httpRequest(url, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on("error", () => done(false));
    req.end();
  });
}

/** Start etcd, kube-apiserver and kube-controller-manager on loopback; resolves once /readyz is ok. */
function auditPolicyFile(dir: string, policy: object): string {
  const file = join(dir, "audit-policy.json");
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

export async function startCluster(options: ClusterOptions = {}): Promise<KubeCluster> {
  const dir = runDir(options.label ?? "kube");
  // A CA of the test's own, a serving certificate for 127.0.0.1, and the service-account signing key pair.
  const ca = new CertificateAuthority(dir, "ca");
  const serving = ca.issue("serving", "/CN=kube-apiserver", ["IP:127.0.0.1", "DNS:localhost", "DNS:kubernetes.default.svc"]);
  const sa = keyPair(dir, "sa");

  const tokens = new Map<string, string>();
  const rows: string[] = [];
  for (const user of [{ name: ADMIN, groups: ["system:masters"] }, { name: "system:kube-controller-manager", groups: [] }, ...(options.users ?? [])]) {
    const token = randomBytes(24).toString("hex");
    tokens.set(user.name, token);
    rows.push(`${token},${user.name},${user.name}${user.groups.length ? `,"${user.groups.join(",")}"` : ""}`);
  }
  writeFileSync(join(dir, "tokens.csv"), `${rows.join("\n")}\n`, { mode: 0o600 });

  const services: Service[] = [];
  const stopAll = async () => {
    for (const s of services.reverse()) await s.stop();
  };
  try {
    const [etcdClient, etcdPeer, securePort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const etcd = startService(
      "etcd",
      binary("etcd"),
      [
        "--name=e2e",
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=e2e=http://127.0.0.1:${etcdPeer}`,
        "--unsafe-no-fsync",
        "--log-level=warn",
      ],
      join(dir, "etcd.log"),
    );
    services.push(etcd);
    await waitFor(etcd, "health", () => httpOk(`${etcdUrl}/health`), 60_000);

    const apiserver = startService(
      "kube-apiserver",
      binary("kube-apiserver"),
      [
        `--etcd-servers=${etcdUrl}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${securePort}`,
        `--cert-dir=${dir}`,
        `--tls-cert-file=${serving.certFile}`,
        `--tls-private-key-file=${serving.keyFile}`,
        `--client-ca-file=${ca.certFile}`,
        `--token-auth-file=${join(dir, "tokens.csv")}`,
        "--authorization-mode=RBAC",
        // PodSecurity is on by default; named so that a change of defaults cannot switch it off unnoticed.
        "--enable-admission-plugins=PodSecurity,ServiceAccount,NamespaceLifecycle",
        "--service-cluster-ip-range=10.0.0.0/24",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${sa.pubFile}`,
        `--service-account-signing-key-file=${sa.keyFile}`,
        "--profiling=false",
        "--v=1",
        ...(options.auditPolicy ? [`--audit-policy-file=${auditPolicyFile(dir, options.auditPolicy)}`, `--audit-log-path=${join(dir, "audit.log")}`, "--audit-log-format=json", "--audit-log-mode=blocking"] : []),
      ],
      join(dir, "kube-apiserver.log"),
    );
    services.push(apiserver);
    const cluster = new KubeCluster(`https://127.0.0.1:${securePort}`, ca.cert, tokens, services, dir);
    await waitFor(apiserver, "/readyz", async () => (await cluster.request("GET", "/readyz")).status === 200, 120_000);

    writeFileSync(join(dir, "controller-manager.kubeconfig"), cluster.kubeconfig("system:kube-controller-manager"), { mode: 0o600 });
    const cm = startService(
      "kube-controller-manager",
      binary("kube-controller-manager"),
      [
        `--kubeconfig=${join(dir, "controller-manager.kubeconfig")}`,
        // Namespaces are finalised (their contents deleted), owner references collected, service accounts and
        // their tokens made, quota usage computed (clients wait for it), kube-root-ca.crt published.
        "--controllers=namespace,garbagecollector,serviceaccount,serviceaccount-token,resourcequota,root-ca-cert-publisher",
        `--service-account-private-key-file=${sa.keyFile}`,
        `--root-ca-file=${ca.certFile}`,
        "--use-service-account-credentials=true",
        "--leader-elect=false",
        "--bind-address=127.0.0.1",
        `--secure-port=${await freePort()}`,
        `--cert-dir=${join(dir, "controller-manager-certs")}`,
        "--authentication-skip-lookup=true",
        "--v=1",
      ],
      join(dir, "kube-controller-manager.log"),
    );
    services.push(cm);
    // Ready once the service-account controller has made the default namespace's account.
    await waitFor(cm, "the default service account", async () => (await cluster.get("v1", "ServiceAccount", "default", "default")) !== undefined, 120_000);
    return cluster;
  } catch (e) {
    await stopAll();
    throw e;
  }
}
