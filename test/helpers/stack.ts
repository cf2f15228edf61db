/**
 * Run the Floe Pulumi program (stacks/index.ts) under mocks with a committed stack's config (Pulumi.<stack>.yaml
 * plus the defaults Pulumi.yaml declares), in an isolated module registry (the program's modules and Pulumi's
 * runtime state are fresh for each run), the way the engine would load it.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { ROOT } from "./index";

/** One resource the program registered. */
export interface StackResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
}

/** What a run produced. */
export interface StackRun {
  readonly resources: StackResource[];
  /** The program's exports, resolved. */
  readonly outputs?: Record<string, unknown>;
  /** What the program threw (a pulumi.RunError for a refused spec or config). */
  readonly error?: Error;
}

/** The config of a committed stack as the engine hands it to the program: declared defaults, then the stack file. */
export function committedStackConfig(stack: string): Record<string, string> {
  const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string; config?: Record<string, { default?: unknown }> };
  const stackFile = parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  const out: Record<string, string> = {};
  for (const [key, decl] of Object.entries(project.config ?? {})) {
    if (decl.default !== undefined) out[`${project.name}:${key}`] = String(decl.default);
  }
  for (const [key, value] of Object.entries(stackFile.config ?? {})) out[key] = typeof value === "string" ? value : JSON.stringify(value);
  return out;
}

/** Run the program with `config` (keys `floe:x`), `secretKeys` among them being secrets. */
export async function runStack(stack: string, config: Record<string, string>, secretKeys: string[] = []): Promise<StackRun> {
  const resources: StackResource[] = [];
  const loaded: { program?: Record<string, unknown>; error?: Error } = {};
  const runtime: { pulumi?: typeof import("@pulumi/pulumi") } = {};
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh Pulumi runtime per run
    const pulumi: typeof import("@pulumi/pulumi") = require("@pulumi/pulumi");
    runtime.pulumi = pulumi;
    pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          resources.push({ type: args.type, name: args.name, inputs: args.inputs });
          const arn = args.type === "aws:iam/role:Role" ? `arn:aws:iam::123456789012:role/${args.inputs.name}` : `arn:aws:mock:::${args.name}`;
          return { id: args.id || `${args.name}-id`, state: { ...args.inputs, arn } };
        },
        call: (args) => args.inputs,
      },
      "floe",
      stack,
      false,
    );
    pulumi.runtime.setAllConfig(config, secretKeys);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program is loaded as the runtime loads it
      loaded.program = require(join(ROOT, "stacks", "index.ts"));
    } catch (e) {
      loaded.error = e as Error;
    }
  });
  if (loaded.error) return { resources, error: loaded.error };
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(loaded.program ?? {})) {
    outputs[key] = await new Promise((resolve) => (runtime.pulumi!.output(value) as unknown as { apply(f: (v: unknown) => void): void }).apply(resolve));
  }
  await new Promise((r) => setTimeout(r, 200));
  return { resources, outputs };
}
