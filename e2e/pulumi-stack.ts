/**
 * One operation (preview, up, destroy, outputs) of the Floe Pulumi program `stacks/index.ts` with the real
 * Pulumi engine, in a process of its own (a program's module state must not leak into the next operation).
 *
 * The program runs through the Automation API's inline-program language server of `@pulumi/pulumi` (the SDK
 * serves the engine's LanguageRuntime over gRPC in this process; `pulumi up --client`): the Node.js language
 * host binary (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not served by the Go
 * module proxy, so it cannot be built here. The program itself is stacks/index.ts, loaded with ts-node as the
 * Node.js runtime loads a `typescript: true` project.
 *
 * Usage: node -r ts-node/register/transpile-only e2e/pulumi-stack.ts <request.json>; prints one JSON line.
 */
import { LocalWorkspace, OpMap, PreviewResult, ProjectSettings, UpResult } from "@pulumi/pulumi/automation";
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";

/** What the parent asks for. */
export interface StackRequest {
  readonly op: "preview" | "up" | "destroy" | "outputs" | "export";
  readonly stack: string;
  /** Stack config: plain values and secrets. */
  readonly config: Record<string, { value: string; secret?: boolean }>;
  /** Environment of the engine (PATH with the CLI and provider, PULUMI_HOME, backend, passphrase). */
  readonly env: Record<string, string>;
  /** The workspace folder (Pulumi.yaml and Pulumi.<stack>.yaml are written there, never into the repo). */
  readonly workDir: string;
}

/** What the parent gets back. */
export interface StackResult {
  readonly ok: boolean;
  readonly changes?: OpMap | Record<string, number>;
  readonly outputs?: Record<string, unknown>;
  /** Resource URNs with the operation the engine did or plans. */
  readonly steps?: { urn: string; op: string }[];
  /** The stack's state (`export`): each resource with its options as the engine keeps them. */
  readonly resources?: { urn: string; type: string; parent?: string; dependencies?: string[]; retainOnDelete?: boolean; protect?: boolean; id?: string }[];
  readonly error?: string;
  readonly log: string;
}

/** The repository's Pulumi.yaml as the workspace's project (name, runtime, declared config), minus `main`. */
function projectSettings(root: string): ProjectSettings {
  const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
  delete project.main;
  return project as unknown as ProjectSettings;
}

async function main(): Promise<void> {
  const request = JSON.parse(readFileSync(process.argv[2], "utf8")) as StackRequest;
  const root = join(__dirname, "..");
  let log = "";
  const steps: { urn: string; op: string }[] = [];
  try {
    const stack = await LocalWorkspace.createOrSelectStack(
      {
        stackName: request.stack,
        projectName: "floe",
        program: async () => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program is loaded at run time
          return require(join(root, "stacks", "index.ts"));
        },
      },
      // The repository's own Pulumi.yaml (its config declarations are checked by the engine), without `main`
      // (the program is inline here).
      { workDir: request.workDir, envVars: request.env, projectSettings: projectSettings(root) },
    );
    for (const [key, c] of Object.entries(request.config)) await stack.setConfig(key, { value: c.value, secret: c.secret ?? false });
    const onOutput = (s: string) => (log += s);
    const onEvent = (e: { resourcePreEvent?: { metadata: { urn: string; op: string } } }) => {
      if (e.resourcePreEvent) steps.push({ urn: e.resourcePreEvent.metadata.urn, op: e.resourcePreEvent.metadata.op });
    };
    let result: StackResult;
    if (request.op === "preview") {
      const r: PreviewResult = await stack.preview({ onOutput, onEvent, diff: true });
      result = { ok: true, changes: r.changeSummary, steps, log };
    } else if (request.op === "up") {
      const r: UpResult = await stack.up({ onOutput, onEvent });
      result = { ok: true, changes: r.summary.resourceChanges, outputs: Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value])), steps, log };
    } else if (request.op === "destroy") {
      const r = await stack.destroy({ onOutput, onEvent });
      result = { ok: true, changes: r.summary.resourceChanges, steps, log };
    } else if (request.op === "export") {
      const state = await stack.exportStack();
      const resources = ((state.deployment as { resources?: StackResult["resources"] }).resources ?? []).map((r) => ({
        urn: r.urn,
        type: r.type,
        parent: r.parent,
        dependencies: r.dependencies,
        retainOnDelete: r.retainOnDelete,
        protect: r.protect,
        id: r.id,
      }));
      result = { ok: true, resources, log };
    } else {
      const outputs = await stack.outputs();
      result = { ok: true, outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value])), log };
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    process.stdout.write(`${JSON.stringify({ ok: false, error, steps, log } satisfies StackResult)}\n`);
  }
}

void main();
