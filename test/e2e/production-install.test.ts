/**
 * A production install runs the program (#18.6): a copy of the project installed with `npm ci --omit=dev` (from
 * the registry, as a deployment pipeline would) has what the Pulumi Node.js runtime needs to load stacks/index.ts:
 * the project's own TypeScript and ts-node (not the runtime's vendored TypeScript 3.8, which cannot parse the
 * program), and a tsconfig that transpiles without the type packages (dev dependencies). The program is loaded by
 * e2e/load-program.js exactly as @pulumi/pulumi's cmd/run does, and runs the committed dev stack under mocks.
 * (The runtime's own language host binary is not served by the Go module proxy; see e2e/pulumi-stack.ts.)
 */
import { execFile } from "child_process";
import { cpSync, existsSync, writeFileSync } from "fs";
import { join } from "path";
import { promisify } from "util";
import { runDir } from "../../e2e/paths";
import { ROOT } from "../helpers";
import { committedStackConfig } from "../helpers/stack";

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = join(runDir("production-install"), "project");
  for (const f of ["package.json", "package-lock.json", "Pulumi.yaml", "Pulumi.dev.yaml", "tsconfig.json", "tsconfig.pulumi.json", "stacks", "lib", "examples"]) {
    cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  }
  await run("npm", ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
});

test("npm ci --omit=dev installs the runtime's TypeScript toolchain and no test tooling", () => {
  expect(existsSync(join(dir, "node_modules", "typescript", "package.json"))).toBe(true);
  expect(existsSync(join(dir, "node_modules", "ts-node", "package.json"))).toBe(true);
  expect(existsSync(join(dir, "node_modules", "jest"))).toBe(false);
  expect(existsSync(join(dir, "node_modules", "@types", "jest"))).toBe(false);
});

test("the Pulumi runtime's loader runs the committed dev stack from that install", async () => {
  const config = { ...committedStackConfig("dev"), "floe:kubeconfig-eu-west-1": "apiVersion: v1\nkind: Config\nclusters: []\n", __secrets: ["floe:kubeconfig-eu-west-1"] };
  const file = join(dir, "..", "config.json");
  writeFileSync(file, JSON.stringify(config));
  const { stdout } = await run(process.execPath, [join(ROOT, "e2e", "load-program.js"), file], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  const result = JSON.parse(stdout.trim().split("\n").pop()!);
  expect(result.error).toBeUndefined();
  expect(result.typescript).toMatch(/^5\./);
  expect(result.tsnode).toBe("ts-node");
  expect(result.transpileOnly).toBe(true);
  expect(result.types).toEqual(expect.arrayContaining(["aws:s3/bucket:Bucket", "floe:platform:StreamingPlatform", "kubernetes:yaml/v2:ConfigGroup"]));
});
