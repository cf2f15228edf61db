/**
 * The packed package as a downstream IaC repo gets it (#25): `npm pack` on the repository (prepack builds), the
 * tarball installed from the registry into a scratch project, every entry point imported, a program written against
 * the public API compiled with `tsc --strict` and run to synthesize manifests, and the CLI run from the install.
 * First as a cdk8s-only consumer (no Pulumi packages in its tree), then with the optional Pulumi peers added.
 */
import { execFile } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { promisify } from "util";
import { parseAllDocuments } from "yaml";
import { ROOT } from "../helpers";

const exec = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; devDependencies: Record<string, string>; peerDependencies: Record<string, string> };
/** The scratch folder (the packed tarball and the consumer project), removed after the tests. */
let scratch: string;
let dir: string;
let tarball: string;

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await exec("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

async function node(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, args, { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

function sizeOf(path: string): number {
  let total = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    if (e.isDirectory()) total += sizeOf(p);
    else if (e.isFile()) total += readFileSync(p).length;
  }
  return total;
}

const PROGRAM = `import { App, Chart } from "cdk8s";
import {
  chartManifests,
  CleanupPolicy,
  KafkaCluster,
  KafkaStorage,
  KafkaTopic,
  KafkaUser,
  loadPlatformSpec,
  synthesize,
  toYaml,
  type KafkaClusterProps,
  type PlatformSpec,
} from "floe-platform";

const app = new App();
const chart = new Chart(app, "streaming");
const props: KafkaClusterProps = { name: "events", brokers: { replicas: 3, storage: KafkaStorage.persistentClaim({ size: "100Gi" }) } };
const cluster = new KafkaCluster(chart, "Kafka", props);
const orders = new KafkaTopic(chart, "Orders", { cluster, topicName: "shop.orders", partitions: 6 });
new KafkaTopic(chart, "Customers", { cluster, topicName: "shop.customers", cleanupPolicy: CleanupPolicy.COMPACT });
const checkout = new KafkaUser(chart, "Checkout", { cluster, userName: "shop-checkout" });
orders.grants.produce(checkout);
app.synth();
process.stdout.write(toYaml(chartManifests(chart)));

const spec: PlatformSpec = loadPlatformSpec(process.argv[2]);
process.stderr.write(String(synthesize(spec).files.length));
`;

const PULUMI_PROGRAM = `import { CheckpointStorage, type CheckpointStorageArgs } from "floe-platform/cloud";
import { StreamingPlatform, type StreamingPlatformArgs } from "floe-platform/pulumi";
const args: CheckpointStorageArgs | undefined = undefined;
const platform: StreamingPlatformArgs | undefined = undefined;
process.stdout.write([typeof CheckpointStorage, typeof StreamingPlatform, String(args), String(platform)].join(","));
`;

beforeAll(async () => {
  // Outside the repository: Node resolves modules upward, and the repository's own node_modules has every peer.
  scratch = mkdtempSync(join(tmpdir(), "floe-package-"));
  const packDir = join(scratch, "pack");
  mkdirSync(packDir);
  const packed = JSON.parse(await npm(["pack", "--json", "--pack-destination", packDir], ROOT)) as { filename: string; files: { path: string }[] }[];
  tarball = join(packDir, packed[0].filename);
  dir = join(scratch, "consumer");
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  await npm(["install", tarball, `typescript@${pkg.devDependencies.typescript}`, "@types/node@20"], dir);
}, 600_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test("the tarball holds the build, the CLI, LICENSE and README, and no sources, tests or internals' entry", async () => {
  const listing = JSON.parse(await npm(["pack", "--dry-run", "--json", "--ignore-scripts"], ROOT)) as { files: { path: string }[] }[];
  const files = listing[0].files.map((f) => f.path);
  for (const f of ["LICENSE", "README.md", "bin/floe", "package.json", "dist-lib/lib/index.js", "dist-lib/lib/index.d.ts", "dist-lib/lib/pulumi.js", "dist-lib/lib/cloud/index.d.ts"]) expect(files).toContain(f);
  expect(files.filter((f) => /^(lib|test|stacks|e2e|bench)\//.test(f) || f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
  expect(files.length).toBeGreaterThan(100);
});

test("a cdk8s-only consumer gets cdk8s and constructs once, and no Pulumi package", () => {
  const modules = join(dir, "node_modules");
  expect(existsSync(join(modules, "floe-platform", "dist-lib", "lib", "index.js"))).toBe(true);
  expect(existsSync(join(modules, "cdk8s", "package.json"))).toBe(true);
  expect(existsSync(join(modules, "constructs", "package.json"))).toBe(true);
  expect(existsSync(join(modules, "floe-platform", "node_modules", "constructs"))).toBe(false);
  expect(existsSync(join(modules, "@pulumi"))).toBe(false);
  process.stdout.write(`e2e package: cdk8s-only install ${(sizeOf(modules) / 1048576).toFixed(0)} MiB\n`);
});

test("a program against the public API compiles with tsc --strict and synthesizes its manifests", async () => {
  writeFileSync(join(dir, "program.ts"), PROGRAM);
  const tsc = join(dir, "node_modules", "typescript", "bin", "tsc");
  const compiled = await node([tsc, "--strict", "--target", "es2022", "--module", "node16", "--moduleResolution", "node16", "--types", "node", "program.ts"]);
  expect(compiled.stdout + compiled.stderr).toBe("");
  const run = await node(["program.js", join(ROOT, "examples", "platform.yaml")]);
  expect([run.code, run.stderr.replace(/^\d+$/, "")]).toEqual([0, ""]);
  const objects = parseAllDocuments(run.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace: string } });
  expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
    "Kafka/kafka/events",
    "KafkaNodePool/kafka/brokers",
    "KafkaNodePool/kafka/controllers",
    "KafkaTopic/kafka/shop.customers",
    "KafkaTopic/kafka/shop.orders",
    "KafkaUser/kafka/shop-checkout",
  ]);
  expect(Number(run.stderr)).toBeGreaterThan(0);
});

test("the README's downstream program, as a reader copies it, compiles against the tarball and synthesizes", async () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  expect(blocks).toHaveLength(1);
  expect(readme).toContain("npm install floe-platform cdk8s constructs");
  writeFileSync(join(dir, "readme.ts"), blocks[0]);
  const tsc = join(dir, "node_modules", "typescript", "bin", "tsc");
  const compiled = await node([tsc, "--strict", "--target", "es2022", "--module", "node16", "--moduleResolution", "node16", "--types", "node", "readme.ts"]);
  expect(compiled.stdout + compiled.stderr).toBe("");
  const run = await node(["readme.js"]);
  expect([run.code, run.stderr]).toEqual([0, ""]);
  // cdk8s writes the chart to dist/ of the working directory.
  const objects = parseAllDocuments(readFileSync(join(dir, "dist", "streaming.k8s.yaml"), "utf8")).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
  expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
    "Kafka/events",
    "KafkaNodePool/brokers",
    "KafkaNodePool/controllers",
    "KafkaTopic/shop.orders",
    "KafkaUser/shop-checkout",
  ]);
});

test("the installed CLI prints its version and synthesizes a spec", async () => {
  const floe = join(dir, "node_modules", "floe-platform", "bin", "floe");
  expect((await node([floe, "--version"])).stdout).toBe(`${pkg.version}\n`);
  const synth = await node([floe, "synth", join(ROOT, "examples", "platform.yaml"), "--out", join(dir, "out")]);
  expect([synth.code, synth.stderr]).toEqual([0, ""]);
  expect(synth.stdout).toMatch(/^floe synth: wrote \d+ objects in \d+ files to /);
});

test("without the Pulumi peers, floe-platform/pulumi and /cloud name what to install", async () => {
  for (const entry of ["floe-platform/pulumi", "floe-platform/cloud"]) {
    const r = await node(["-e", `require(${JSON.stringify(entry)})`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${entry} needs @pulumi/pulumi, @pulumi/aws`);
    expect(r.stderr).toContain("npm install @pulumi/pulumi @pulumi/aws");
  }
});

test("with the Pulumi peers installed, floe-platform/cloud and /pulumi load and type-check", async () => {
  const peers = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/kubernetes"].map((p) => `${p}@${pkg.peerDependencies[p]}`);
  await npm(["install", "--ignore-scripts", ...peers], dir);
  writeFileSync(join(dir, "pulumi-program.ts"), PULUMI_PROGRAM);
  const tsc = join(dir, "node_modules", "typescript", "bin", "tsc");
  const compiled = await node([tsc, "--strict", "--target", "es2022", "--module", "node16", "--moduleResolution", "node16", "--types", "node", "--skipLibCheck", "pulumi-program.ts"]);
  expect(compiled.stdout + compiled.stderr).toBe("");
  const run = await node(["pulumi-program.js"]);
  expect([run.code, run.stdout]).toEqual([0, "function,function,undefined,undefined"]);
}, 600_000);
