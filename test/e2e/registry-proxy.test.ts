/**
 * The Schema Registry's enforcing proxy as rendered (#19.1), run by a real nginx (Debian's) with the rendered
 * nginx.conf and the user file the rendered init script builds: every principal of every tenant against every
 * other tenant's subjects, each endpoint a registry client or registrar uses, unauthenticated and wrong-password
 * requests, and paths written to slip past a check. The registry behind it is a recorder on loopback (no
 * Confluent-compatible registry can run here, see the README), so what is proven is what reaches the registry:
 * exactly the allowed requests, without the client's credentials. The registration Job's own script runs
 * against it with curl, as the tenant's registrar.
 */
import { execFile, execFileSync } from "child_process";
import { promisify } from "util";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { createServer, IncomingMessage, request, Server } from "http";
import { join } from "path";
import { randomBytes } from "crypto";
import { parsePlatformSpec, synthesize } from "../../lib/internal";
import { runDir } from "../../e2e/paths";
import { freePort, Service, startService, waitFor } from "../../e2e/process";
import { featureSpec } from "./specs";

type Obj = Record<string, any>;
interface Seen {
  method: string;
  url: string;
  authorization?: string;
}

const files = synthesize(parsePlatformSpec(featureSpec())).files;
const local = files.filter((f) => f.path.startsWith("local/")).flatMap((f) => f.objects) as Obj[];
const deployment = local.find((o) => o.kind === "Deployment" && o.metadata.name === "schema-registry")!;
const proxyConf = local.find((o) => o.kind === "ConfigMap" && o.metadata.name === "schema-registry-proxy")!.data["nginx.conf"] as string;
const usersScript = deployment.spec.template.spec.initContainers.find((c: Obj) => c.name === "proxy-users").command[2] as string;
/** user -> [role, tenant], from the rendered map. */
const principals = new Map([...proxyConf.matchAll(/^\s+"([a-z0-9-]+)" "(client|registrar)\|([a-z0-9-]+)";$/gm)].map((m) => [m[1], [m[2], m[3]] as const]));
const tenants = [...new Set([...principals.values()].map(([, t]) => t))].sort();

describe("the registry's enforcing proxy: real nginx with the rendered configuration", () => {
  let nginx: Service;
  let backend: Server;
  let port: number;
  const seen: Seen[] = [];
  const passwords = new Map<string, string>();
  const dir = runDir("registry-proxy");

  beforeAll(async () => {
    expect(tenants).toEqual(["alpha", "beta"]);
    // The registry stand-in: records what reaches it.
    const backendPort = await freePort();
    backend = createServer((req: IncomingMessage, res) => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "Content-Type": "application/vnd.schemaregistry.v1+json" });
        res.end(JSON.stringify({ id: 1 }));
      });
    });
    await new Promise<void>((done) => backend.listen(backendPort, "127.0.0.1", done));
    // The principals' password files, as the projected volume mounts them, and the user file the init script builds.
    const users = join(dir, "users");
    const run = join(dir, "run");
    mkdirSync(users, { recursive: true });
    mkdirSync(run, { recursive: true });
    const mounted = deployment.spec.template.spec.volumes.find((v: Obj) => v.name === "proxy-users").projected.sources.map((s: Obj) => s.secret.items[0].path as string);
    expect(mounted.sort()).toEqual([...principals.keys()].sort());
    for (const user of mounted) {
      passwords.set(user, randomBytes(24).toString("base64url"));
      writeFileSync(join(users, user), passwords.get(user)!);
    }
    execFileSync("sh", ["-c", usersScript.split("/etc/floe/registry-users").join(users).split("/run/floe/registry").join(run)]);
    chmodSync(join(run, "htpasswd"), 0o644); // nginx's workers run as nobody here
    expect(readFileSync(join(run, "htpasswd"), "utf8").trim().split("\n")).toHaveLength(mounted.length);
    // The rendered nginx.conf with loopback ports and this run's paths.
    port = await freePort();
    const conf = proxyConf
      .replace(/listen 8081;/, `listen 127.0.0.1:${port};`)
      .replace("http://127.0.0.1:8082", `http://127.0.0.1:${backendPort}`)
      // The pod's scratch paths first, by name: this run's own directory may lie under /tmp too.
      .replace(/\/tmp\/(nginx\.pid|client_body|proxy|fastcgi|uwsgi|scgi)\b/g, `${dir}/$1`)
      .split("/run/floe/registry").join(run)
      .replace("access_log /dev/stdout;", `access_log ${dir}/access.log;`);
    expect(conf).not.toBe(proxyConf);
    writeFileSync(join(dir, "nginx.conf"), conf);
    nginx = startService("nginx", "nginx", ["-c", join(dir, "nginx.conf"), "-p", dir, "-g", "daemon off;"], join(dir, "nginx.log"));
    await waitFor(nginx, "listening", async () => (await fetch(`http://127.0.0.1:${port}/`)).status > 0, 30_000);
  });

  afterAll(async () => {
    await nginx?.stop();
    await new Promise((done) => backend?.close(done));
  });

  const call = async (method: string, path: string, user?: string, password?: string): Promise<number> => {
    const headers: Record<string, string> = { "Content-Type": "application/vnd.schemaregistry.v1+json" };
    if (user) headers.Authorization = `Basic ${Buffer.from(`${user}:${password ?? passwords.get(user)}`).toString("base64")}`;
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers, body: method === "GET" ? undefined : "{}" });
    await res.arrayBuffer();
    return res.status;
  };

  /** A request with the path sent exactly as written (fetch would normalize dot segments first). */
  const rawCall = (method: string, path: string, user: string): Promise<number> =>
    new Promise((done, fail) => {
      const req = request({ host: "127.0.0.1", port, method, path, headers: { Authorization: `Basic ${Buffer.from(`${user}:${passwords.get(user)}`).toString("base64")}`, "Content-Length": 2 } }, (res) => {
        res.resume();
        res.on("end", () => done(res.statusCode ?? 0));
      });
      req.on("error", fail);
      req.end("{}");
    });

  /** What a principal of `role` may do on a subject of its own tenant; nothing on another's. */
  const ENDPOINTS: { method: string; path: (subject: string) => string; client: boolean; registrar: boolean }[] = [
    { method: "GET", path: (s) => `/subjects/${s}/versions`, client: true, registrar: true },
    { method: "GET", path: (s) => `/subjects/${s}/versions/latest`, client: true, registrar: true },
    { method: "GET", path: (s) => `/subjects/${s}/versions/1/schema`, client: true, registrar: true },
    { method: "POST", path: (s) => `/subjects/${s}`, client: true, registrar: true },
    { method: "GET", path: (s) => `/config/${s}`, client: true, registrar: true },
    { method: "POST", path: (s) => `/subjects/${s}/versions`, client: false, registrar: true },
    { method: "POST", path: (s) => `/compatibility/subjects/${s}/versions/latest`, client: false, registrar: true },
    { method: "PUT", path: (s) => `/config/${s}`, client: false, registrar: true },
    { method: "DELETE", path: (s) => `/subjects/${s}`, client: false, registrar: false },
    { method: "DELETE", path: (s) => `/subjects/${s}/versions/1`, client: false, registrar: false },
    { method: "DELETE", path: (s) => `/config/${s}`, client: false, registrar: false },
    { method: "PUT", path: (s) => `/mode/${s}`, client: false, registrar: false },
  ];

  test("every principal against every tenant's subjects: its own as its role allows, every other tenant's refused", async () => {
    const wrong: string[] = [];
    let pairs = 0;
    let requests = 0;
    for (const [user, [role, own]] of principals) {
      for (const tenant of tenants) {
        if (tenant !== own) pairs++;
        for (const e of ENDPOINTS) {
          const path = e.path(`${tenant}.events-value`);
          const want = tenant === own && (role === "registrar" ? e.registrar : e.client);
          const before = seen.length;
          const status = await call(e.method, path, user);
          requests++;
          const reached = seen.length > before;
          if (want !== (status === 200) || want !== reached || (!want && status !== 403)) wrong.push(`${user} (${role} of ${own}) ${e.method} ${path}: ${status}${reached ? ", reached the registry" : ""}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(pairs).toBeGreaterThanOrEqual(principals.size); // each principal against each other tenant
    expect(requests).toBe(principals.size * tenants.length * ENDPOINTS.length);
  });

  test("the registry never sees a client's credentials", () => {
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((s) => s.authorization !== undefined)).toEqual([]);
  });

  test("shared reads for every principal: schemas by id, types, the global compatibility; listing, deleting and global changes for none", async () => {
    const user = [...principals.keys()][0];
    expect(await call("GET", "/schemas/ids/1", user)).toBe(200);
    expect(await call("GET", "/schemas/ids/1/schema", user)).toBe(200);
    expect(await call("GET", "/schemas/types", user)).toBe(200);
    expect(await call("GET", "/config", user)).toBe(200);
    for (const [user2, [role]] of principals) {
      if (role !== "registrar") continue;
      expect(await call("GET", "/subjects", user2)).toBe(403);
      expect(await call("PUT", "/config", user2)).toBe(403);
      expect(await call("PUT", "/mode", user2)).toBe(403);
      expect(await call("DELETE", "/config", user2)).toBe(403);
      expect(await call("GET", "/contexts", user2)).toBe(403);
    }
  });

  test("no credential, a wrong password or an unknown user: refused, nothing reaches the registry", async () => {
    const [user, [, tenant]] = [...principals].find(([, [role]]) => role === "registrar")!;
    const path = `/subjects/${tenant}.events-value/versions`;
    const before = seen.length;
    expect([401, 403]).toContain(await call("POST", path));
    expect(await call("POST", path, user, "not-the-password")).toBe(401);
    expect([401, 403]).toContain(await call("POST", path, "mallory", "x"));
    expect(seen.length).toBe(before);
  });

  test("paths written to slip past the check are refused: encoding, dot segments, doubled slashes", async () => {
    const [user, [, own]] = [...principals].find(([, [role]]) => role === "registrar")!;
    const other = tenants.find((t) => t !== own)!;
    const before = seen.length;
    for (const path of [
      `/subjects/${own}.x/../${other}.events-value/versions`,
      `/subjects/${own}.x%2F..%2F..%2Fsubjects%2F${other}.events-value/versions`,
      `/subjects/${own}.%2e%2e/versions`,
      `//subjects/${other}.events-value/versions`,
      `/subjects/${own}.x/./versions`,
    ]) {
      const status = await rawCall("POST", path, user);
      expect({ path, refused: status === 400 || status === 403 }).toEqual({ path, refused: true });
    }
    expect(seen.length).toBe(before);
  });

  test("the registration Job's script registers the tenant's subjects through the proxy as its registrar, and cannot register another's", async () => {
    const registration = local.find((o) => o.kind === "Job" && o.metadata.name.startsWith("alpha-schemas-"))!;
    const cm = local.find((o) => o.kind === "ConfigMap" && o.metadata.name === "alpha-schemas")!;
    const container = registration.spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: Obj) => [e.name, e.value]));
    expect(principals.get(env.REGISTRY_USER)).toEqual(["registrar", "alpha"]);
    const schemas = join(dir, "schemas");
    mkdirSync(schemas, { recursive: true });
    for (const [k, v] of Object.entries(cm.data as Record<string, string>)) writeFileSync(join(schemas, k), v);
    const passwordFile = join(dir, "registrar-password");
    writeFileSync(passwordFile, passwords.get(env.REGISTRY_USER)!);
    const script = (cm.data["register.sh"] as string).split("/schemas/").join(`${schemas}/`);
    // Asynchronously: the registry stand-in answers from this process.
    const runScript = async (subjectsFile: string) =>
      (
        await promisify(execFile)("sh", ["-c", script.split(`${schemas}/subjects.txt`).join(subjectsFile)], {
          encoding: "utf8",
          timeout: 120_000,
          env: { ...process.env, REGISTRY_URL: `http://127.0.0.1:${port}`, REGISTRY_USER: env.REGISTRY_USER, REGISTRY_PASSWORD_FILE: passwordFile },
        })
      ).stdout;
    const before = seen.length;
    const out = await runScript(join(schemas, "subjects.txt"));
    // The declared topic's subject, and those Floe derives for the Avro CDC source (its tables, its signal table,
    // its heartbeats: its converters register nothing).
    const subjects = [
      "alpha.debezium-heartbeat.alpha.orders-db-key",
      "alpha.debezium-heartbeat.alpha.orders-db-value",
      "alpha.events-value",
      "alpha.orders-db.public.debezium_signal-key",
      "alpha.orders-db.public.debezium_signal-value",
      "alpha.orders-db.public.order_lines-key",
      "alpha.orders-db.public.order_lines-value",
      "alpha.orders-db.public.orders-key",
      "alpha.orders-db.public.orders-value",
    ];
    expect(out.trim().split("\n").map((l) => l.split(" ")[0])).toEqual(subjects);
    expect(seen.slice(before).map((s) => `${s.method} ${s.url}`)).toEqual(subjects.flatMap((subject) => [`PUT /config/${subject}`, `POST /subjects/${subject}/versions`]));
    // The same registrar on beta's subject: the proxy refuses, curl fails, the Job would fail.
    writeFileSync(join(schemas, "beta.events-value.json"), cm.data["alpha.events-value.json"]);
    writeFileSync(join(dir, "other-subjects.txt"), "beta.events-value BACKWARD\n");
    const after = seen.length;
    await expect(runScript(join(dir, "other-subjects.txt"))).rejects.toThrow(/403/);
    expect(seen.length).toBe(after);
  });
});
