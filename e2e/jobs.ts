/**
 * Runs the command of a rendered Job's container on this machine, as the kubelet would run it in the image:
 * the rendered command and arguments, the rendered environment (`value`, and `valueFrom.secretKeyRef` read from
 * the Secrets given), with only what the image or the cluster would provide replaced: paths of tools inside the
 * image by programs of this machine, mount paths by folders of the test, Service addresses by loopback ones.
 */
import { spawnSync } from "child_process";
import { escapeRegex } from "../lib/core";

type Obj = Record<string, any>;

/** What stands in for the image and the cluster. */
export interface JobStandIns {
  /** Secret data by `<secret name>` (the Job's namespace). */
  readonly secrets: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Environment values that point into the cluster (a Service address, a mounted file), by variable. */
  readonly env?: Readonly<Record<string, string>>;
  /** Replacements in the command text: a tool's path in the image, a mount folder. */
  readonly paths?: Readonly<Record<string, string>>;
  /** Extra PATH entries (tools the image has on its PATH). */
  readonly pathPrefix?: string;
}

/**
 * Replace every key of `map` in `text` in one pass: a replacement is never replaced again (a stand-in path may
 * contain another key, e.g. a folder under /tmp standing in for a command while /tmp/ itself is mapped).
 */
export function replaceEach(text: string, map: Readonly<Record<string, string>>): string {
  const keys = Object.keys(map).sort((a, b) => b.length - a.length);
  if (keys.length === 0) return text;
  return text.replace(new RegExp(keys.map(escapeRegex).join("|"), "g"), (m) => map[m]);
}

/** The outcome of the container's command. */
export interface JobRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The container's environment as the kubelet builds it from the rendered `env`. */
export function containerEnv(container: Obj, standIns: JobStandIns): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of (container.env ?? []) as Obj[]) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const value = standIns.secrets[name]?.[key];
      if (value === undefined) throw new Error(`e2e: the Job reads ${name}/${key}, which the test did not provide`);
      env[e.name] = value;
    } else throw new Error(`e2e: env ${e.name} has a source the stand-in does not model`);
  }
  return { ...env, ...(standIns.env ?? {}) };
}

/** Run the (only) container of a rendered Job; its exit status and output. */
export function runJobContainer(job: Obj, standIns: JobStandIns, timeoutMs = 120_000): JobRun {
  const containers = job.spec.template.spec.containers as Obj[];
  if (containers.length !== 1) throw new Error(`e2e: Job ${job.metadata.name} has ${containers.length} containers; one expected`);
  const container = containers[0];
  const replace = (text: string) => replaceEach(text, standIns.paths ?? {});
  const argv = [...((container.command ?? []) as string[]), ...((container.args ?? []) as string[])].map(replace);
  if (argv.length === 0) throw new Error(`e2e: Job ${job.metadata.name} relies on the image's entrypoint`);
  const env = { PATH: `${standIns.pathPrefix ? `${standIns.pathPrefix}:` : ""}${process.env.PATH}`, HOME: process.env.HOME ?? "/tmp", ...containerEnv(container, standIns) };
  const run = spawnSync(argv[0], argv.slice(1), { env, encoding: "utf8", timeout: timeoutMs, stdio: ["ignore", "pipe", "pipe"] });
  return { status: run.status, stdout: run.stdout ?? "", stderr: run.stderr ?? "" };
}
