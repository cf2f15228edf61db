import { Construct, IConstruct } from "constructs";
import { addFloeValidation, FlinkStateOptionStyle, NameContext, parseDuration, ValidationIssue } from "../../core";
import { ICheckpointStorage, jobStatePaths, JobStatePaths } from "./checkpoint-storage";
import { UpgradeMode } from "./flink-types";

/** Checkpointing and state options of a job. */
export interface FlinkStateOptions {
  /**
   * Checkpoint and savepoint storage (an S3 bucket). Required for `savepoint` and `last-state` upgrades.
   * @default - none (only `stateless` upgrades are then possible)
   */
  readonly checkpointStorage?: ICheckpointStorage;
  /**
   * Tenant owning the job; its state lives under the tenant's prefix of the bucket.
   * @default - none: a platform job, under the `platform/` prefix
   */
  readonly tenant?: string;
  /**
   * Key prefix of the job's state in the bucket; must lie under the tenant's prefix.
   * @default `tenants/<tenant>/<name>/` (or `platform/<name>/`)
   */
  readonly storagePrefix?: string;
  /**
   * Checkpoint interval.
   * @default "60s"
   */
  readonly checkpointInterval?: string;
  /**
   * Completed checkpoints kept (externalized, retained on cancellation).
   * @default 3
   */
  readonly checkpointsRetained?: number;
}

/** The job-level upgrade and state options the safety rules look at. */
export interface FlinkUpgradeOptions {
  /**
   * How the operator upgrades the job.
   * @default UpgradeMode.SAVEPOINT
   */
  readonly upgradeMode?: UpgradeMode;
  /**
   * The job declares that it keeps no state worth keeping; only then may a production job use `stateless`.
   * @default false
   */
  readonly stateless?: boolean;
}

/** Options shared by every construct that owns job state. */
export interface FlinkStateOwner extends IConstruct {
  /** The job's state locations (undefined without checkpoint storage). */
  readonly statePaths: JobStatePaths | undefined;
  /** The bucket of `statePaths`. */
  readonly checkpointStorage: ICheckpointStorage | undefined;
}

/** Marker so cross-job validation can find every state owner in the app. */
const STATE_OWNERS = new WeakSet<IConstruct>();

/** The job's key prefix: the given one, or `<tenant prefix><name>/`. */
export function resolveStatePaths(options: FlinkStateOptions, name: string): JobStatePaths | undefined {
  const storage = options.checkpointStorage;
  if (!storage) return undefined;
  const base = options.tenant ? storage.tenantPrefix(options.tenant) : storage.platformPrefix;
  return jobStatePaths(storage, options.storagePrefix ?? `${base}${name}/`);
}

/** The Flink configuration keys for checkpoint/savepoint settings, by Flink generation. */
const STATE_KEYS: Record<FlinkStateOptionStyle, { dir: string; savepointDir: string; retained: string; incremental: string }> = {
  "flink-1": {
    dir: "state.checkpoints.dir",
    savepointDir: "state.savepoints.dir",
    retained: "state.checkpoints.num-retained",
    incremental: "state.backend.incremental",
  },
  "flink-2": {
    dir: "execution.checkpointing.dir",
    savepointDir: "execution.checkpointing.savepoint-dir",
    retained: "execution.checkpointing.num-retained",
    incremental: "execution.checkpointing.incremental",
  },
};

/**
 * Flink configuration for durable state: RocksDB with incremental checkpoints, externalized checkpoints
 * retained on cancellation, checkpoint and savepoint directories under the job's prefix.
 */
export function stateConfiguration(
  style: FlinkStateOptionStyle,
  paths: JobStatePaths | undefined,
  options: FlinkStateOptions,
  intervalMs: number | undefined,
): Record<string, string> {
  const keys = STATE_KEYS[style];
  const config: Record<string, string> = {
    "state.backend.type": "rocksdb",
    [keys.incremental]: "true",
    "execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
    [keys.retained]: String(options.checkpointsRetained ?? 3),
  };
  if (intervalMs !== undefined) config["execution.checkpointing.interval"] = flinkDuration(intervalMs);
  if (paths) {
    config[keys.dir] = paths.checkpoints;
    config[keys.savepointDir] = paths.savepoints;
  }
  return config;
}

/** A duration in Flink's notation, in the largest unit that divides it: `6h`, `15min`, `90s`, `500ms`. */
export function flinkDuration(ms: number): string {
  const units: Array<[string, number]> = [["d", 86_400_000], ["h", 3_600_000], ["min", 60_000], ["s", 1000]];
  for (const [unit, size] of units) if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** Kubernetes HA configuration (leader election in ConfigMaps, metadata in the job's `ha` directory). */
export function haConfiguration(paths: JobStatePaths): Record<string, string> {
  return { "high-availability.type": "kubernetes", "high-availability.storageDir": paths.ha };
}

/** Validate the state options of a construct at `scope`. */
export function validateStateOptions(options: FlinkStateOptions, ctx: NameContext): { intervalMs?: number; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const interval = parseDuration(options.checkpointInterval ?? "60s", { ...ctx, field: "checkpointInterval" });
  issues.push(...interval.issues);
  if (interval.ms !== undefined && interval.ms <= 0) {
    issues.push({
      code: "InvalidCheckpointInterval",
      ...ctx,
      field: "checkpointInterval",
      value: options.checkpointInterval,
      message: "must be a positive duration: checkpointing cannot be switched off for a stateful job",
      fix: "use e.g. \"60s\"",
    });
  }
  const retained = options.checkpointsRetained;
  if (retained !== undefined && (!Number.isInteger(retained) || retained < 1)) {
    issues.push({
      code: "InvalidCheckpointsRetained",
      ...ctx,
      field: "checkpointsRetained",
      value: retained,
      message: "must be a whole number, 1 or more",
      fix: "keep at least 1 (3 is the default)",
    });
  }
  return { intervalMs: interval.ms, issues };
}

/**
 * The upgrade safety rules of one job (each a clear error with its fix):
 * `savepoint` needs checkpoint and savepoint directories; `last-state` needs HA and checkpointing; production
 * refuses `stateless` unless the job declares itself stateless; the state prefix must be the tenant's.
 */
export function upgradeSafetyIssues(input: {
  readonly scope: string;
  readonly options: FlinkStateOptions & FlinkUpgradeOptions;
  readonly paths: JobStatePaths | undefined;
  readonly highAvailability: boolean;
  readonly production: boolean;
}): ValidationIssue[] {
  const { scope, options, paths } = input;
  const mode = options.upgradeMode ?? UpgradeMode.SAVEPOINT;
  const issues: ValidationIssue[] = [];
  if (mode === UpgradeMode.SAVEPOINT && !paths) {
    issues.push({
      code: "SavepointRequiresStorage",
      scope,
      field: "checkpointStorage",
      value: undefined,
      message: "upgradeMode savepoint needs checkpoint and savepoint directories",
      fix: "set checkpointStorage (the region's checkpoint bucket)",
    });
  }
  if (mode === UpgradeMode.LAST_STATE && (!paths || !input.highAvailability)) {
    issues.push({
      code: "LastStateRequiresHaAndCheckpoints",
      scope,
      field: "upgradeMode",
      value: mode,
      message: `upgradeMode last-state restores from the latest checkpoint, which needs Kubernetes HA and checkpointing (${[
        !paths ? "no checkpoint storage" : "",
        !input.highAvailability ? "HA is off" : "",
      ]
        .filter(Boolean)
        .join(", ")})`,
      fix: "set checkpointStorage and keep highAvailability on, or use upgradeMode savepoint",
    });
  }
  if (input.production && mode === UpgradeMode.STATELESS && !options.stateless) {
    issues.push({
      code: "StatelessUpgradeInProduction",
      scope,
      field: "upgradeMode",
      value: mode,
      message: "a stateless upgrade of a production job throws its state away on every change",
      fix: "use upgradeMode savepoint (or last-state); if the job really keeps no state, declare stateless: true",
    });
  }
  if (paths && options.checkpointStorage) {
    const storage = options.checkpointStorage;
    const allowed = options.tenant ? storage.tenantPrefix(options.tenant) : storage.platformPrefix;
    if (!paths.prefix.startsWith(allowed) || paths.prefix.includes("..") || paths.prefix === allowed) {
      issues.push({
        code: "StoragePrefixOutsideTenant",
        scope,
        field: "storagePrefix",
        value: options.storagePrefix,
        message: `the job's state must live in its own folder under ${JSON.stringify(allowed)}${options.tenant ? ` (tenant ${options.tenant})` : ""}`,
        fix: `leave storagePrefix unset, or use ${JSON.stringify(`${allowed}<job>/`)}`,
      });
    }
  }
  return issues;
}

/** Roots (apps) whose state owners are already checked by one app-wide validation. */
const CHECKED_ROOTS = new WeakSet<IConstruct>();

/**
 * Checkpoint locations of two jobs in the same bucket may never overlap (one prefix inside the other): the
 * second job would read or delete the first one's checkpoints. One validation per app checks all owners
 * (prefixes end in `/`, so an overlap is a prefix that is an ancestor of, or equal to, another).
 */
export function addStateOverlapValidation(owner: FlinkStateOwner & Construct): void {
  STATE_OWNERS.add(owner);
  const root = owner.node.root;
  if (CHECKED_ROOTS.has(root)) return;
  CHECKED_ROOTS.add(root);
  addFloeValidation(root, () => {
    const owners = root.node.findAll().filter((c): c is FlinkStateOwner & Construct => STATE_OWNERS.has(c));
    const byLocation = new Map<string, Array<FlinkStateOwner & Construct>>();
    for (const o of owners) {
      if (!o.statePaths || !o.checkpointStorage) continue;
      const key = `${o.checkpointStorage.bucketName}/${o.statePaths.prefix}`;
      byLocation.set(key, [...(byLocation.get(key) ?? []), o]);
    }
    const overlaps = new Map<FlinkStateOwner & Construct, Array<FlinkStateOwner & Construct>>();
    const note = (a: FlinkStateOwner & Construct, b: FlinkStateOwner & Construct) => overlaps.set(a, [...(overlaps.get(a) ?? []), b]);
    for (const o of owners) {
      if (!o.statePaths || !o.checkpointStorage) continue;
      const bucket = o.checkpointStorage.bucketName;
      const parts = o.statePaths.prefix.split("/").filter(Boolean);
      for (let n = 1; n <= parts.length; n++) {
        for (const other of byLocation.get(`${bucket}/${parts.slice(0, n).join("/")}/`) ?? []) {
          if (other === o) continue;
          note(o, other);
          if (n < parts.length) note(other, o);
        }
      }
    }
    return owners.flatMap((o) =>
      (overlaps.get(o) ?? []).map((other) => ({
        code: "CheckpointDirOverlap",
        scope: o.node.path,
        field: "storagePrefix",
        value: o.checkpointStorage!.uri(o.statePaths!.prefix) + "/",
        message: `overlaps the state of ${other.node.path} (${other.checkpointStorage!.uri(other.statePaths!.prefix)}/)`,
        fix: "give every job its own storage prefix (the default is tenants/<tenant>/<job>/)",
      })),
    );
  });
}
