/**
 * The real Pulumi engine for the e2e tier: the CLI and the Kubernetes provider that e2e/install.sh builds, found
 * on PATH (ambient plugins), with a local file backend and the passphrase secrets provider; automatic plugin
 * downloads off (nothing may come from outside).
 */
import { execFile } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import { delimiter, join } from "path";
import { binary, ROOT } from "./paths";
import type { StackRequest, StackResult } from "./pulumi-stack";

/** A Pulumi workspace on a local backend. */
export class PulumiEnvironment {
  public readonly env: Record<string, string>;
  private requests = 0;

  constructor(public readonly dir: string) {
    const bin = join(binary("pulumi"), "..");
    binary("pulumi-resource-kubernetes");
    mkdirSync(join(dir, "state"), { recursive: true });
    mkdirSync(join(dir, "home"), { recursive: true });
    mkdirSync(join(dir, "project"), { recursive: true });
    this.env = {
      PATH: [bin, process.env.PATH ?? ""].join(delimiter),
      PULUMI_HOME: join(dir, "home"),
      PULUMI_BACKEND_URL: `file://${join(dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "floe-e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
  }

  /** Run one operation of stacks/index.ts in a child process. */
  public run(op: StackRequest["op"], stack: string, config: StackRequest["config"]): Promise<StackResult> {
    const file = join(this.dir, `request-${++this.requests}.json`);
    writeFileSync(file, JSON.stringify({ op, stack, config, env: this.env, workDir: join(this.dir, "project") } satisfies StackRequest), { mode: 0o600 });
    return new Promise((resolveResult, reject) => {
      execFile(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", join(ROOT, "e2e", "pulumi-stack.ts"), file],
        { cwd: ROOT, env: { ...process.env, ...this.env, TS_NODE_PROJECT: join(ROOT, "tsconfig.json") }, maxBuffer: 256 * 1024 * 1024, timeout: 900_000 },
        (error, stdout, stderr) => {
          const last = stdout.trim().split("\n").pop() ?? "";
          try {
            resolveResult(JSON.parse(last) as StackResult);
          } catch {
            reject(new Error(`e2e: pulumi ${op} printed no result (${error?.message ?? "no error"}); stderr:\n${stderr.slice(-4000)}\nstdout:\n${stdout.slice(-4000)}`));
          }
        },
      );
    });
  }
}
