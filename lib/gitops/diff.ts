import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readFileSync, readSync, rmdirSync, rmSync, statSync, unlinkSync, writeSync } from "fs";
import { tmpdir } from "os";
import { dirname, join, relative, resolve } from "path";
import { CDC_SNAPSHOT_COMPONENT, FloeLabels, isSecretKey, SCHEMAS_COMPONENT, ValidationError, ValidationIssue } from "../core";
import { ChangeRisk, classifyConnectorChange, ConnectorManifest } from "../k8s/debezium/offsets";
import { classifyPluginChange } from "../k8s/debezium/upgrades";
import { sqlTableDefinitions } from "../k8s/flink/sql-connection";
import { checkCompatibility } from "../k8s/schema/compatibility";
import { SCHEMA_COMPATIBILITIES, SchemaCompatibility } from "../k8s/schema/topic-schema";
import { ACKNOWLEDGEMENTS_FILE } from "./tree-files";
import { isPlainObject, listYamlFiles, yamlDocuments, yamlErrorAt } from "./yaml-documents";

/** What happens to an object. */
export type ChangeAction = "create" | "update" | "delete" | "replace";

/** One field that differs (values of Secret data and secret-looking keys are `<redacted>`). */
export interface FieldChange {
  /** YAML path, e.g. `spec.partitions` or `spec.kafka.listeners[0].port`. */
  readonly path: string;
  /** Old value (`undefined` when added). */
  readonly old?: unknown;
  /** New value (`undefined` when removed). */
  readonly new?: unknown;
}

/** One object's change with its risk. */
export interface ObjectChange {
  readonly action: ChangeAction;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** File of the object (head, or base for deletions), relative to the tree root. */
  readonly file: string;
  readonly risk: ChangeRisk;
  /** Why the risk, one sentence each (empty for plain safe changes). */
  readonly reasons: readonly string[];
  readonly fields: readonly FieldChange[];
  /** A destructive change the spec acknowledges (`allowDestructive`); it does not fail `--fail-on`. */
  readonly acknowledged?: boolean;
}

/** The result of `floe diff`. */
export interface DiffResult {
  readonly summary: {
    readonly create: number;
    readonly update: number;
    readonly delete: number;
    readonly replace: number;
    readonly safe: number;
    readonly disruptive: number;
    readonly destructive: number;
    readonly acknowledged: number;
  };
  readonly changes: readonly ObjectChange[];
}

/** An object of a rendered tree with its file (its directory is the region). */
export interface TreeObject {
  readonly obj: Record<string, any>;
  readonly file: string;
}

/** A reviewed acknowledgement of a destructive change (`allowDestructive` in the spec). */
export interface Acknowledgement {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly reason: string;
}


/** `apiVersion|kind|namespace|name` */
export function objectKey(o: Record<string, any>): string {
  return `${o.apiVersion}|${o.kind}|${o.metadata?.namespace ?? ""}|${o.metadata?.name}`;
}

/** Objects are matched within their directory (one per region: the same object exists in every region). */
function treeKey(file: string, o: Record<string, any>): string {
  return `${dirname(file)}|${objectKey(o)}`;
}

/** The objects of an in-memory rendered tree, keyed like {@link loadTree}. */
export function treeObjects(files: readonly { readonly path: string; readonly objects: readonly object[] }[]): Map<string, TreeObject> {
  const objects = new Map<string, TreeObject>();
  for (const f of files) {
    for (const o of f.objects) {
      const obj = JSON.parse(JSON.stringify(o)) as Record<string, any>;
      objects.set(treeKey(f.path, obj), { obj, file: f.path });
    }
  }
  return objects;
}

/** Read the acknowledgements synth wrote for a tree, if any. */
export function loadAcknowledgements(dir: string): Acknowledgement[] {
  const found = [resolve(dir, ACKNOWLEDGEMENTS_FILE), resolve(dir, "..", ACKNOWLEDGEMENTS_FILE)].find((p) => existsSync(p));
  if (!found) return [];
  const refuse = (field: string, value: unknown, message: string): never => {
    throw new ValidationError({
      code: "InvalidAcknowledgements",
      scope: found,
      field,
      value,
      message,
      fix: "diff trees that floe synth wrote: it writes this file from the head spec's allowDestructive (re-run it, or remove the file)",
    });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(found, "utf8"));
  } catch (e) {
    return refuse("", undefined, `is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!Array.isArray(parsed)) return refuse("", undefined, "is not a list of acknowledgements");
  parsed.forEach((a: unknown, i) => {
    const entry = isPlainObject(a) ? a : {};
    for (const key of ["kind", "name", "reason"]) {
      if (typeof entry[key] !== "string") refuse(`[${i}].${key}`, entry[key], "must be a string (an acknowledgement names a kind, a name and the reason)");
    }
    if (entry.namespace !== undefined && typeof entry.namespace !== "string") refuse(`[${i}].namespace`, entry.namespace, "must be a string when given");
  });
  return parsed as Acknowledgement[];
}

const REDACTED = "<redacted>";

function redact(path: string, value: unknown, kind: string): unknown {
  if (value === undefined) return undefined;
  if (kind === "Secret" && /^(data|stringData)\b/.test(path)) return REDACTED;
  const leaf = path.split(/[.[]/).pop() ?? "";
  if (isSecretKey(leaf) && typeof value === "string" && !/^\$\{(secrets|configmaps):/.test(value)) return REDACTED;
  return value;
}

/**
 * Structural equality of JSON values (key order ignored), without serialising: diffFields asks it at every level
 * of a changed object, and stringifying each subtree there made a deep object's diff quadratic in its depth.
 */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/**
 * What an entry of a list is, independent of its position: its `name`; a Prometheus rule's `alert` or `record`;
 * a Strimzi ACL's resource (type, pattern, name), host and allow/deny type; an RBAC rule's API groups, resources
 * and resource names. Undefined for entries that have none (matched by content instead).
 */
function entryIdentity(x: unknown): string | undefined {
  if (!isPlainObject(x)) return undefined;
  if (typeof x.name === "string") return `name=${x.name}`;
  if (typeof x.alert === "string") return `alert=${x.alert}`;
  if (typeof x.record === "string") return `record=${x.record}`;
  if (isPlainObject(x.resource) && typeof x.resource.type === "string") {
    const r = x.resource;
    return `acl=${String(x.type ?? "allow")} ${r.type}:${String(r.patternType ?? "literal")}:${String(r.name ?? "*")}${x.host !== undefined ? `@${String(x.host)}` : ""}`;
  }
  if (Array.isArray(x.resources) && Array.isArray(x.apiGroups)) {
    return `rule=${x.apiGroups.join(",")}/${x.resources.join(",")}${Array.isArray(x.resourceNames) ? `/${x.resourceNames.join(",")}` : ""}`;
  }
  return undefined;
}

/** Positions of the entries of `from` that `other` does not hold (each entry of `other` matches one only). */
function unmatchedEntries(from: readonly unknown[], other: readonly unknown[]): number[] {
  const left = new Map<string, number>();
  for (const x of other) {
    const k = JSON.stringify(x);
    left.set(k, (left.get(k) ?? 0) + 1);
  }
  const out: number[] = [];
  from.forEach((x, i) => {
    const k = JSON.stringify(x);
    const n = left.get(k) ?? 0;
    if (n > 0) left.set(k, n - 1);
    else out.push(i);
  });
  return out;
}

/**
 * Field-level differences. Lists of entries with an identity ({@link entryIdentity}: names, alerts, ACLs, RBAC
 * rules) are matched by it, so an entry added or removed in the middle shows as that entry, not as every later
 * one shifting. Lists of other objects of unchanged length are compared by position; of changed length, by
 * content: the entries only in the base are removed (at their base position), those only in the head added.
 */
export function diffFields(a: unknown, b: unknown, path = "", kind = ""): FieldChange[] {
  if (deepEqual(a, b)) return [];
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffFields(a[k], b[k], path ? `${path}.${k}` : k, kind));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const identified = (arr: unknown[]) => {
      const ids = arr.map(entryIdentity);
      return ids.every((id) => id !== undefined) && new Set(ids).size === ids.length ? (ids as string[]) : undefined;
    };
    const ia = identified(a);
    const ib = identified(b);
    if (ia && ib) {
      const ma = new Map(ia.map((id, i) => [id, a[i]]));
      const mb = new Map(ib.map((id, i) => [id, b[i]]));
      const ids = [...new Set([...ia, ...ib])].sort();
      return ids.flatMap((id) => diffFields(ma.get(id), mb.get(id), `${path}[${id}]`, kind));
    }
    if (a.every((x) => !isPlainObject(x) && !Array.isArray(x)) && b.every((x) => !isPlainObject(x) && !Array.isArray(x))) {
      return [{ path, old: redact(path, a, kind), new: redact(path, b, kind) }];
    }
    if (a.length === b.length) return Array.from({ length: a.length }, (_, i) => diffFields(a[i], b[i], `${path}[${i}]`, kind)).flat();
    const removed = unmatchedEntries(a, b).flatMap((i) => diffFields(a[i], undefined, `${path}[${i}]`, kind));
    const added = unmatchedEntries(b, a).flatMap((i) => diffFields(undefined, b[i], `${path}[${i}]`, kind));
    return [...removed, ...added];
  }
  return [{ path, old: redact(path, a, kind), new: redact(path, b, kind) }];
}

/**
 * Fields the API server or the operator will not change in place: a change means delete and re-create. The
 * API server's (Kubernetes apis/batch/validation ValidateJobUpdate: the pod template and selector;
 * apps/validation: a Deployment's selector; rbac/validation: a binding's roleRef) are proven against a real
 * API server in test/e2e/diff-apply.test.ts; the operators' (topicName, node pool roles, Flink mode) are not
 * the API server's to refuse.
 */
const IMMUTABLE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  KafkaTopic: ["spec.topicName"],
  KafkaNodePool: ["spec.roles"],
  // The Flink operator refuses these (flink-kubernetes-operator 1.15.0, validation/DefaultValidator.java,
  // validateSpecChange: "Cannot switch from native kubernetes to standalone...", "The deploymentName can't be
  // changed"; a switch between session and application cluster is found by isImmutableChange).
  FlinkDeployment: ["spec.mode"],
  FlinkSessionJob: ["spec.deploymentName"],
  RoleBinding: ["roleRef"],
  Job: ["spec.template", "spec.selector", "spec.completionMode"],
  Deployment: ["spec.selector"],
};

/** Whether a field change cannot be made in place ({@link IMMUTABLE_FIELDS}). */
function isImmutableChange(kind: string, f: FieldChange): boolean {
  // "Cannot switch from session to job cluster" / "from job to session cluster" (DefaultValidator, as above).
  if (kind === "FlinkDeployment" && f.path === "spec.job" && (f.old === undefined || f.new === undefined)) return true;
  return (IMMUTABLE_FIELDS[kind] ?? []).some((p) => f.path === p || f.path.startsWith(`${p}.`));
}

interface Classified {
  risk: ChangeRisk;
  reasons: string[];
}

const ORDER: readonly ChangeRisk[] = ["safe", "disruptive", "destructive"];

function classify(action: ChangeAction, kind: string, base: Record<string, any> | undefined, head: Record<string, any> | undefined, fields: readonly FieldChange[]): Classified {
  const out: Classified = { risk: "safe", reasons: [] };
  const add = (risk: ChangeRisk, reason: string) => {
    if (ORDER.indexOf(risk) > ORDER.indexOf(out.risk)) out.risk = risk;
    out.reasons.push(reason);
  };
  const changed = (path: string) => fields.find((f) => f.path === path || f.path.startsWith(`${path}.`) || f.path.startsWith(`${path}[`));
  const name = (base ?? head)?.metadata?.name;
  if (action === "replace") {
    for (const f of fields.filter((f) => isImmutableChange(kind, f))) {
      if (kind === "FlinkDeployment" || kind === "FlinkSessionJob") {
        add("destructive", `${f.path} cannot change in place (the operator refuses it): the job is deleted and re-created without its state unless the new one restores the last savepoint`);
      } else {
        add(kind === "KafkaTopic" || kind === "KafkaNodePool" ? "destructive" : "disruptive", `${f.path} cannot change in place: the object is deleted and re-created`);
      }
    }
  }
  switch (kind) {
    case "KafkaTopic": {
      if (action === "delete") add("destructive", `topic ${base?.spec?.topicName ?? name} deleted: the Topic Operator deletes the topic and its data`);
      const managed = (o?: Record<string, any>) => o?.metadata?.annotations?.["strimzi.io/managed"] ?? "true";
      if (action !== "delete" && action !== "create" && managed(base) !== "false" && managed(head) === "false") {
        add("destructive", "strimzi.io/managed dropped: the operator stops managing the topic; its next removal from the tree leaves it unmanaged");
      }
      const p = changed("spec.partitions");
      if (p && typeof p.old === "number" && typeof p.new === "number") {
        if (p.new < p.old) add("destructive", `partitions decreased ${p.old} -> ${p.new}: Kafka cannot remove partitions; the topic would have to be re-created`);
        else add("disruptive", `partitions increased ${p.old} -> ${p.new}: keys move to other partitions (ordering per key changes)`);
      }
      if (changed("spec.replicas")) add("disruptive", "replication factor changed: partitions are reassigned (heavy traffic)");
      if (changed("spec.config.cleanup.policy")) add("disruptive", "cleanup.policy changed: compaction or deletion of existing data changes");
      const retention = changed("spec.config.retention.ms");
      if (retention && typeof retention.old === "number" && typeof retention.new === "number" && retention.old !== -1 && (retention.new === -1 ? false : retention.new < retention.old)) {
        add("disruptive", `retention shortened ${retention.old} -> ${retention.new} ms: older records are deleted`);
      } else if (retention && retention.old === -1 && retention.new !== -1) {
        add("disruptive", "retention no longer infinite: older records are deleted");
      }
      break;
    }
    case "Kafka":
      if (action === "delete") add("destructive", `Kafka cluster ${name} removed (or renamed): its brokers, volumes and data go`);
      for (const [risk, reason] of kafkaVersionChange(changed("spec.kafka.version"), changed("spec.kafka.metadataVersion"))) add(risk, reason);
      if (changed("spec.kafka.listeners")) add("disruptive", "listeners changed: clients may need new addresses or credentials");
      break;
    case "KafkaNodePool": {
      if (action === "delete") add("destructive", `node pool ${name} removed (or renamed): its brokers and their volumes go`);
      if (fields.some((f) => f.path.endsWith("deleteClaim") && f.new === true)) add("destructive", "deleteClaim turned on: volumes are deleted with their brokers");
      const replicas = changed("spec.replicas");
      if (replicas && typeof replicas.old === "number" && typeof replicas.new === "number" && replicas.new < replicas.old) {
        add("destructive", `pool shrinks ${replicas.old} -> ${replicas.new}: removed nodes lose their data unless partitions are moved first`);
      }
      if (changed("spec.storage")) {
        const size = fields.find((f) => /spec\.storage(\.volumes\[\d+\])?\.size$/.test(f.path));
        const other = fields.filter((f) => f.path.startsWith("spec.storage") && f !== size);
        if (other.length > 0) add("destructive", "storage type, class or volumes changed: brokers need new volumes");
        else add("disruptive", "storage size changed: volumes are resized (shrinking is impossible)");
      }
      break;
    }
    case "Namespace":
      if (action === "delete") {
        const tenant = base?.metadata?.labels?.["floe.dev/tenant"];
        add("destructive", tenant ? `tenant namespace ${name} removed: everything in it is deleted` : `namespace ${name} removed: everything in it is deleted`);
      }
      break;
    case "FlinkDeployment": {
      const backfillOf = (base ?? head)?.metadata?.labels?.[FloeLabels.BACKFILL_OF];
      if (backfillOf && action === "create") {
        const env = (head?.spec?.podTemplate?.spec?.containers?.[0]?.env ?? []) as { name: string; value?: string }[];
        const from = env.find((e) => e.name === "FLOE_KAFKA_STARTING_OFFSETS")?.value;
        const separate = env.some((e) => e.name === "FLOE_OUTPUT_TOPIC_SUFFIX");
        add("disruptive", `backfill of ${backfillOf} starts from ${String(from)} up to the offsets at its start, writing ${separate ? "the <topic>.backfill copies" : "into the live topics (consumers see the records again)"}`);
        break;
      }
      if (backfillOf && action === "delete") {
        add("disruptive", `backfill of ${backfillOf} removed (promoted or abandoned): its savepoints stay in the bucket for a restore of the live job`);
        break;
      }
      if (action === "delete") add("destructive", `Flink deployment ${name} removed: the job stops; restoring it needs its last savepoint or retained checkpoint`);
      const mode = changed("spec.job.upgradeMode");
      if (mode && mode.new === "stateless") add("destructive", "upgradeMode set to stateless: the next upgrade starts from empty state");
      // Flink 2 renamed the state options (state.checkpoints.dir -> execution.checkpointing.dir, ...): compare
      // where the state actually is, under either name.
      for (const [label, keys] of [
        ["checkpoint directory", ["execution.checkpointing.dir", "state.checkpoints.dir"]],
        ["savepoint directory", ["execution.checkpointing.savepoint-dir", "state.savepoints.dir"]],
        ["HA storage directory", ["high-availability.storageDir"]],
      ] as const) {
        if (action !== "update") break;
        const at = (o: Record<string, any> | undefined) => keys.map((k) => o?.spec?.flinkConfiguration?.[k]).find((v) => v !== undefined);
        const before = at(base);
        const after = at(head);
        if (before !== after) add("destructive", `${label} changed: the job no longer finds its checkpoints (${String(before)} -> ${String(after)})`);
      }
      const state = changed("spec.job.state");
      if (state) add("disruptive", `job state ${String(state.old ?? "running")} -> ${String(state.new ?? "running")}`);
      const nonRestored = changed("spec.job.allowNonRestoredState");
      if (nonRestored && nonRestored.new === true) add("destructive", "allowNonRestoredState turned on: state of removed operators is dropped on restore");
      const version = changed("spec.flinkVersion");
      if (version) for (const [risk, reason] of flinkVersionChange(String(version.old), String(version.new), head?.spec?.job?.upgradeMode)) add(risk, reason);
      else if (changed("spec.image") || changed("spec.job.jarURI")) add("disruptive", "the job is upgraded (savepoint, stop, restart)");
      const redeploy = changed("spec.job.savepointRedeployNonce");
      if (redeploy && head) {
        add("disruptive", `the job is redeployed from ${String(head.spec?.job?.initialSavepointPath)}: its current state is replaced by that snapshot, records since it are processed again`);
      }
      if (changed("spec.job.parallelism")) add("disruptive", "parallelism changed: the job restarts from a savepoint");
      const txnPrefix = (o: Record<string, any> | undefined) =>
        ((o?.spec?.podTemplate?.spec?.containers?.[0]?.env ?? []) as { name: string; value?: string }[]).find((e) => e.name === "FLOE_KAFKA_TRANSACTIONAL_ID_PREFIX")?.value;
      if (action === "update" && txnPrefix(base) !== undefined && txnPrefix(head) !== undefined && txnPrefix(base) !== txnPrefix(head)) {
        add(
          "disruptive",
          `Kafka transactional id prefix ${String(txnPrefix(base))} -> ${String(txnPrefix(head))}: the restored job aborts lingering transactions of its new prefix only; one left open under the old prefix holds read_committed consumers of its outputs until the broker times it out (transaction.timeout.ms)`,
        );
      }
      break;
    }
    case "FlinkSessionJob":
      if (action === "delete") add("destructive", `session job ${name} removed: the job stops`);
      if (changed("spec.job.upgradeMode")?.new === "stateless") add("destructive", "upgradeMode set to stateless: the next upgrade starts from empty state");
      break;
    case "KafkaConnector": {
      const c = classifyConnectorChange(base as ConnectorManifest | undefined, head as ConnectorManifest | undefined);
      for (const reason of c.reasons) add(c.risk, reason);
      break;
    }
    case "KafkaMirrorMaker2":
      if (action === "delete") add("destructive", `MirrorMaker 2 ${name} removed: replication stops (a failover leaves the other region without new data)`);
      if (action === "create") {
        add("disruptive", `MirrorMaker 2 ${name} starts copying from the source's earliest offsets into topics that may already hold records (after a failback they are duplicated, not merged)`);
      }
      if (changed("spec.mirrors[0].topicsPattern")) add("disruptive", "the replicated topic set changed: added topics are copied from their earliest offsets, removed ones stop being copied");
      if (changed("spec.mirrors[0].source.bootstrapServers")) add("disruptive", "MirrorMaker 2 now reads another source cluster");
      break;
    case "KafkaUser":
      if (action === "delete") add("disruptive", `user ${name} removed: its clients lose access`);
      for (const lost of lostAccess(fields, "spec.authorization.acls")) add("disruptive", `user ${name} loses ${lost}: a running client that uses it fails`);
      break;
    case "Role":
    case "ClusterRole":
      for (const lost of lostAccess(fields, "rules")) add("disruptive", `${kind} ${name} no longer grants ${lost}: a workload or person relying on it is refused`);
      break;
    case "NetworkPolicy":
      for (const f of fields.filter((f) => /^spec\.(ingress|egress)\[[^\]]+\]$/.test(f.path) && f.old !== undefined && f.new === undefined)) {
        add("disruptive", `NetworkPolicy ${name} no longer allows ${f.path.startsWith("spec.ingress") ? "ingress" : "egress"} ${JSON.stringify(f.old)}: connections it allowed are dropped`);
      }
      for (const f of fields.filter((f) => /^spec\.(ingress|egress)\[\d+\]\./.test(f.path))) {
        add("disruptive", `NetworkPolicy ${name}: ${f.path} changed: connections the old rule allowed may be dropped`);
      }
      break;
    case "KafkaConnect": {
      if (action === "delete") add("destructive", `Connect cluster ${name} removed: its connectors stop and their offsets stay in topics nobody reads`);
      const c = classifyPluginChange(base, head);
      for (const reason of c.reasons) add(c.risk, reason);
      break;
    }
    case "ConfigMap":
      if (base?.metadata?.labels?.[FloeLabels.COMPONENT] === SCHEMAS_COMPONENT && head && action === "update") {
        for (const [risk, reason] of schemaChanges(base.data ?? {}, head.data ?? {})) add(risk, reason);
      } else if (action === "delete") {
        add("disruptive", `ConfigMap ${name} removed`);
      }
      break;
    case "Job": {
      const component = (base ?? head)?.metadata?.labels?.[FloeLabels.COMPONENT];
      // Schema registration Jobs are named after their content: a new one replaces the old on every change.
      if (component === CDC_SNAPSHOT_COMPONENT && action === "create") {
        const value = (head?.spec?.template?.spec?.containers?.[0]?.env ?? []).find((e: { name: string }) => e.name === "SIGNAL_VALUE")?.value;
        const tables = (() => {
          try {
            return (JSON.parse(String(value)).data["data-collections"] as string[]).join(", ");
          } catch {
            return "the chosen tables";
          }
        })();
        add("disruptive", `incremental snapshot of ${tables}: their current rows are emitted again (op "r") to the table topics`);
      } else if (component === CDC_SNAPSHOT_COMPONENT && action === "replace") {
        add("disruptive", "the snapshot trigger runs again; it finds the signal it sent (same id) in the signal topic and sends none: no new snapshot");
      } else if (component !== SCHEMAS_COMPONENT && component !== CDC_SNAPSHOT_COMPONENT && action === "delete") {
        add("disruptive", `Job ${name} removed`);
      }
      break;
    }
    case "ExternalSecret":
    case "ClusterSecretStore":
      if (action === "delete") add("disruptive", `${kind} ${name} removed: workloads reading the secret fail on restart`);
      break;
    default:
      if (action === "delete") add("disruptive", `${kind} ${name} removed`);
  }
  return out;
}

/**
 * Access an ACL or RBAC rule list no longer grants: entries removed, and operations or verbs dropped from an
 * entry that stays (lists matched by identity, see {@link entryIdentity}).
 */
function lostAccess(fields: readonly FieldChange[], list: string): string[] {
  const out: string[] = [];
  const entry = new RegExp(`^${list.replace(/\./g, "\\.")}\\[(acl|rule)=([^\\]]*)\\](\\.(operations|verbs))?$`);
  for (const f of fields) {
    const m = entry.exec(f.path);
    if (!m) continue;
    const what = m[2];
    if (m[3] === undefined) {
      if (f.old !== undefined && f.new === undefined) {
        const ops = ((f.old as { operations?: string[]; verbs?: string[] }).operations ?? (f.old as { verbs?: string[] }).verbs ?? []).join(", ");
        out.push(`${ops} on ${what}`);
      }
      continue;
    }
    const before = Array.isArray(f.old) ? (f.old as string[]) : [];
    const after = new Set(Array.isArray(f.new) ? (f.new as string[]) : []);
    const dropped = before.filter((op) => !after.has(op) && !after.has("*") && !after.has("All"));
    if (dropped.length > 0) out.push(`${dropped.join(", ")} on ${what}`);
  }
  return out;
}

/** `v1_20` -> [1, 20]. */
function flinkVersionParts(v: string): [number, number] | undefined {
  const m = /^v(\d+)_(\d+)$/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** A Flink version change: the steps it implies, destructive where the state would not come back. */
function flinkVersionChange(from: string, to: string, upgradeMode: unknown): [ChangeRisk, string][] {
  const a = flinkVersionParts(from);
  const b = flinkVersionParts(to);
  if (!a || !b) return [["disruptive", `Flink version changed ${from} -> ${to}`]];
  const newer = b[0] > a[0] || (b[0] === a[0] && b[1] > a[1]);
  if (!newer) return [["destructive", `Flink downgraded ${from} -> ${to}: a savepoint taken by a newer Flink cannot be restored by an older one`]];
  if (b[0] > a[0]) {
    return [["destructive", `Flink major upgrade ${from} -> ${to}: savepoints of Flink ${a[0]}.x are not guaranteed to restore in ${b[0]}.x (state serializers and APIs changed); migrate the state or start the job empty`]];
  }
  const out: [ChangeRisk, string][] = [["disruptive", `Flink upgraded ${from} -> ${to}: the operator takes a savepoint, stops the job, starts the new version and restores it`]];
  if (upgradeMode === "last-state") out.push(["destructive", "upgradeMode last-state restores a version upgrade from the last checkpoint, which is not guaranteed compatible across Flink versions: use upgradeMode savepoint for the upgrade"]);
  return out;
}

/** `4.3.0` -> comparable number. */
function kafkaVersionNumber(v: unknown): number | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(String(v ?? ""));
  return m ? Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3] ?? 0) : undefined;
}

/** A Kafka version / metadata version change: rolling upgrade steps, and no way back once the metadata moved. */
function kafkaVersionChange(version: FieldChange | undefined, metadata: FieldChange | undefined): [ChangeRisk, string][] {
  const out: [ChangeRisk, string][] = [];
  if (version) {
    const a = kafkaVersionNumber(version.old);
    const b = kafkaVersionNumber(version.new);
    if (a !== undefined && b !== undefined && b < a) {
      out.push(["destructive", `Kafka downgraded ${String(version.old)} -> ${String(version.new)}: not possible once the metadata version of the newer release is in use`]);
    } else {
      out.push(["disruptive", `Kafka upgraded ${String(version.old)} -> ${String(version.new)}: Strimzi rolls the controllers, then the brokers, one at a time (clients reconnect)`]);
    }
  }
  if (metadata) {
    const a = kafkaVersionNumber(metadata.old);
    const b = kafkaVersionNumber(metadata.new);
    if (a !== undefined && b !== undefined && b < a) out.push(["destructive", `metadata version lowered ${String(metadata.old)} -> ${String(metadata.new)}: KRaft metadata cannot be downgraded`]);
    else out.push(["disruptive", `metadata version raised ${String(metadata.old)} -> ${String(metadata.new)}: after this the cluster cannot go back to the older Kafka`]);
  }
  return out;
}

/**
 * Schema changes of a registration ConfigMap: each subject whose schema changed is checked against its previous
 * schema under the head's compatibility mode; an incompatible change is destructive (the registry would refuse
 * it, and consumers on the other side of the change break).
 */
function schemaChanges(base: Record<string, string>, head: Record<string, string>): [ChangeRisk, string][] {
  const modes = (txt: string | undefined) =>
    new Map(
      (txt ?? "")
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(" ") as [string, string]),
    );
  const baseModes = modes(base["subjects.txt"]);
  const headModes = modes(head["subjects.txt"]);
  const out: [ChangeRisk, string][] = [];
  for (const subject of [...new Set([...baseModes.keys(), ...headModes.keys()])].sort()) {
    const before = base[`${subject}.json`];
    const after = head[`${subject}.json`];
    if (before !== undefined && after === undefined) {
      out.push(["disruptive", `schema subject ${subject} no longer registered by Floe (it stays in the registry)`]);
      continue;
    }
    if (before === undefined || after === undefined || before === after) continue;
    let b: { schemaType: string; schema: string };
    let h: { schemaType: string; schema: string };
    try {
      b = JSON.parse(before);
      h = JSON.parse(after);
    } catch {
      out.push(["destructive", `schema subject ${subject}: the registration request is not JSON`]);
      continue;
    }
    if (b.schemaType !== h.schemaType) {
      out.push(["destructive", `schema subject ${subject}: type changed ${b.schemaType} -> ${h.schemaType}: existing data cannot be read with the new schema`]);
      continue;
    }
    const mode = (headModes.get(subject) ?? "BACKWARD") as SchemaCompatibility;
    if (!SCHEMA_COMPATIBILITIES.includes(mode)) continue;
    const result =
      h.schemaType === "PROTOBUF"
        ? checkCompatibility("protobuf", mode, b.schema, h.schema)
        : checkCompatibility(h.schemaType === "AVRO" ? "avro" : "json", mode, JSON.parse(b.schema), JSON.parse(h.schema));
    if (!result.compatible) {
      out.push(["destructive", `schema subject ${subject} is not ${mode} compatible: ${result.reasons.join("; ")}`]);
    } else if (mode === "NONE") {
      out.push(["disruptive", `schema subject ${subject} changed with compatibility NONE: consumers may not read the new data`]);
    }
  }
  return out;
}

/** A Kafka table of a SQL script: its topic and its columns (name -> type), in order. */
interface SqlTable {
  readonly topic: string;
  readonly columns: ReadonlyMap<string, string>;
}

/** The Kafka tables of a SQL script (by table name, those naming a topic) and the tables it inserts into. */
function sqlTopics(script: string): { tables: Map<string, SqlTable>; sinks: Set<string> } {
  const { tables, sinks } = sqlTableDefinitions(script.split(";\n"));
  const out = new Map<string, SqlTable>();
  for (const t of tables) {
    const topic = t.options.get("topic");
    if (topic !== undefined) out.set(t.table, { topic, columns: t.columns });
  }
  return { tables: out, sinks };
}

/** The SQL script a ConfigMap holds, if it is a SQL job's. */
function sqlScript(obj: Record<string, any> | undefined): string | undefined {
  const script = obj?.kind === "ConfigMap" ? obj.data?.["statements.sql"] : undefined;
  return typeof script === "string" ? script : undefined;
}

function acknowledged(change: Pick<ObjectChange, "kind" | "name" | "namespace">, acks: readonly Acknowledgement[]): boolean {
  return acks.some((a) => a.kind === change.kind && a.name === change.name && (a.namespace === undefined || a.namespace === change.namespace));
}

/** An object owned by another (`floe.dev/owned-by: <Kind>.<name>`, e.g. MirrorMaker 2's internal topics) goes with it. */
function ownerAcknowledged(obj: Record<string, any>, acks: readonly Acknowledgement[]): boolean {
  const owner = obj.metadata?.labels?.[FloeLabels.OWNED_BY];
  if (typeof owner !== "string" || !owner.includes(".")) return false;
  const cut = owner.indexOf(".");
  return acknowledged({ kind: owner.slice(0, cut), name: owner.slice(cut + 1), namespace: obj.metadata.namespace }, acks);
}

const RISK_RANK: Record<ChangeRisk, number> = { destructive: 0, disruptive: 1, safe: 2 };
const RISKS: readonly ChangeRisk[] = ["destructive", "disruptive", "safe"];
const ACTIONS: readonly ChangeAction[] = ["create", "update", "delete", "replace"];

/** Compare two rendered trees (objects matched by apiVersion/kind/namespace/name). */
export function diffTrees(base: Map<string, TreeObject>, head: Map<string, TreeObject>, acks: readonly Acknowledgement[] = []): DiffResult {
  const builder = new DiffBuilder(acks, <T,>() => new MemoryLog<T>());
  builder.add(base, head);
  return collect(builder.finish());
}

/**
 * A diff whose changes are read back one at a time: {@link openDiff} keeps them in a file while it compares and
 * holds only a few numbers per change, so that printing a diff of every file holds one change at a time.
 */
export interface DiffStream {
  readonly summary: DiffResult["summary"];
  /** How many changes. */
  readonly count: number;
  /** The changes, riskiest first, then by region directory, file and object; each call reads them anew. */
  changes(): Iterable<ObjectChange>;
  /** Remove what the diff kept on disk. */
  close(): void;
}

function collect(stream: DiffStream): DiffResult {
  try {
    return { summary: stream.summary, changes: [...stream.changes()] };
  } finally {
    stream.close();
  }
}

/** Where a diff keeps its changes and SQL jobs: in memory, or a file of JSON lines ({@link FileLog}). */
interface Log<T> {
  append(item: T): void;
  /** The items with their positions, in the order appended; those `wanted` rejects are skipped without being parsed. */
  read(wanted: (i: number) => boolean): Iterable<[number, T]>;
  close(): void;
}

class MemoryLog<T> implements Log<T> {
  private readonly items: T[] = [];
  public append(item: T): void {
    this.items.push(item);
  }
  public *read(wanted: (i: number) => boolean): Iterable<[number, T]> {
    for (let i = 0; i < this.items.length; i++) if (wanted(i)) yield [i, this.items[i]];
  }
  public close(): void {
    this.items.length = 0;
  }
}

/**
 * Items as JSON lines in a file, written through a small buffer and read back a line at a time. Outside Windows the
 * file's name is removed as soon as it is open: the log lives on through its descriptor, and the kernel frees it when
 * the process ends, however it ends (Ctrl-C, a CI timeout's SIGKILL), so an interrupted diff leaves nothing in the
 * temporary directory. Windows cannot remove an open file: there it is removed by `close`.
 */
class FileLog<T> implements Log<T> {
  private readonly fd: number;
  private pending: string[] = [];
  private pendingLength = 0;
  private closed = false;
  /** Whether the name is already removed (not on Windows). */
  public readonly unlinked: boolean;

  public constructor(private readonly path: string) {
    this.fd = openSync(path, "wx+", 0o600);
    this.unlinked = process.platform !== "win32";
    if (this.unlinked) unlinkSync(path);
  }

  public append(item: T): void {
    // JSON.stringify writes no raw newline: one item per line.
    const line = `${JSON.stringify(item)}\n`;
    this.pending.push(line);
    this.pendingLength += line.length;
    if (this.pendingLength > 1 << 20) this.flush();
  }

  public *read(wanted: (i: number) => boolean): Iterable<[number, T]> {
    this.flush();
    let buffer = Buffer.allocUnsafe(1 << 20);
    let [start, end, position, i] = [0, 0, 0, 0];
    for (;;) {
      const newline = start < end ? buffer.subarray(start, end).indexOf(10) : -1;
      if (newline >= 0) {
        if (wanted(i)) yield [i, JSON.parse(buffer.toString("utf8", start, start + newline)) as T];
        i++;
        start += newline + 1;
        continue;
      }
      // The rest is part of a line: move it to the front, and grow the buffer when one line fills it.
      if (start > 0) {
        buffer.copy(buffer, 0, start, end);
        [end, start] = [end - start, 0];
      }
      if (end === buffer.length) {
        const larger = Buffer.allocUnsafe(2 * buffer.length);
        buffer.copy(larger, 0, 0, end);
        buffer = larger;
      }
      const n = readSync(this.fd, buffer, end, buffer.length - end, position);
      if (n === 0) return;
      [position, end] = [position + n, end + n];
    }
  }

  public close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    if (!this.unlinked) rmSync(this.path, { force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.fd, this.pending.join(""));
    [this.pending, this.pendingLength] = [[], 0];
  }
}

/**
 * The order of changes within a risk: region directory, file, then object (what a reviewer reads together), as
 * one string compared by code units (no part holds a NUL). Files are compared in the order of {@link fileKey}.
 */
const fileKey = (file: string): string => `${dirname(file)}\0${file}`;
const changeKey = (c: ObjectChange): string => `${fileKey(c.file)}\0${c.apiVersion}|${c.kind}|${c.namespace ?? ""}|${c.name}`;
const byCodeUnits = (a: string, b: string): number => (a === b ? 0 : a < b ? -1 : 1);

/** A Flink SQL job's tables as the schema-break propagation needs them, reduced when its ConfigMap is compared. */
interface SqlJob {
  /** The number of its ConfigMap's change, if it changed. */
  change?: number;
  readonly job: string;
  readonly writes: readonly string[];
  /** Its source tables: the topic, and the columns it lost or whose type changed. */
  readonly reads: readonly { readonly table: string; readonly topic: string; readonly lost: readonly string[] }[];
}

function sqlJob(name: string, head: string, base: string | undefined): SqlJob {
  const now = sqlTopics(head);
  const was = base !== undefined ? sqlTopics(base).tables : new Map<string, SqlTable>();
  const writes = [...now.sinks].map((t) => now.tables.get(t)?.topic).filter((t): t is string => t !== undefined);
  const reads = [...now.tables].filter(([table]) => !now.sinks.has(table)).map(([table, t]) => {
    const old = was.get(table);
    const lost = old && old.topic === t.topic ? [...old.columns].filter(([c, type]) => t.columns.get(c) !== type) : [];
    return { table, topic: t.topic, lost: lost.map(([c, type]) => (t.columns.has(c) ? `column ${c} ${type} -> ${t.columns.get(c)}` : `column ${c} removed`)) };
  });
  return { job: name.replace(/-sql$/, ""), writes, reads };
}

/**
 * Types propagate. A SQL job whose source table lost a column or changed a column's type (its table generated
 * from a topic schema that changed) may no longer plan or restore: that change of its SQL is destructive, naming
 * the table, the columns and the topics the job writes. A job reading a topic whose subject changed
 * incompatibly (`broken`: topic -> reason) is destructive too. The subject's change names the jobs downstream of
 * it (`schemaPaths`: change number -> the field paths of a ConfigMap change that name schema files). The result:
 * change number -> its risk and the reasons added.
 */
function propagateSchemaBreaks(
  jobs: Iterable<[number, SqlJob]>,
  broken: ReadonlyMap<string, string>,
  schemaPaths: ReadonlyMap<number, readonly string[]>,
  riskOf: (n: number) => ChangeRisk,
): Map<number, { risk: ChangeRisk; reasons: string[] }> {
  const upgrades = new Map<number, { risk: ChangeRisk; reasons: string[] }>();
  const downstream = new Map<string, string[]>(); // topic -> "job (writes a, b)"
  for (const [, { change, job, writes, reads }] of jobs) {
    const reasons: string[] = [];
    for (const { table, topic, lost } of reads) {
      if (lost.length === 0 && !broken.has(topic)) continue;
      const why = lost.length > 0 ? lost.join(", ") : "its schema changed incompatibly";
      reasons.push(`reads ${topic} as table ${table}: ${why}; the query and its state may no longer fit${writes.length > 0 ? `, and what it writes to ${writes.join(", ")} changes` : ""}`);
      downstream.set(topic, [...(downstream.get(topic) ?? []), `${job}${writes.length > 0 ? ` (writes ${writes.join(", ")})` : ""}`]);
    }
    if (change !== undefined && reasons.length > 0) upgrades.set(change, { risk: "destructive", reasons });
  }
  if (downstream.size === 0) return upgrades;
  for (const [n, paths] of schemaPaths) {
    // The registration whose subject of the topic changed (compatible or not).
    const changed = (t: string) => paths.some((p) => p.includes(`${t}-value.json`) || p.includes(`${t}-key.json`));
    const lines = [...downstream.keys()].filter(changed).sort().map((t) => `downstream of ${t}: SQL jobs ${[...new Set(downstream.get(t))].sort().join("; ")}`);
    if (lines.length === 0) continue;
    const before = upgrades.get(n);
    const risk = before?.risk ?? riskOf(n);
    upgrades.set(n, { risk: RISK_RANK[risk] < RISK_RANK.disruptive ? risk : "disruptive", reasons: [...(before?.reasons ?? []), ...lines] });
  }
  return upgrades;
}

/**
 * A diff built one file pair at a time: the objects of a pair found on both sides are compared at once and let go;
 * those on one side only wait (an object can move to another file of its region) and are matched when every pair
 * has been added. Each change goes to a log (in memory, or a file for {@link openDiff}) as it is found, in report
 * order within a risk, and so does each SQL job's summary; what stays in memory is a number per change (its
 * action, risk and acknowledgement), the unmatched objects, and the topics whose subject broke and the schema
 * files a changed ConfigMap names (the schema-break propagation reads them with the jobs at the end).
 */
class DiffBuilder {
  private readonly onlyBase = new Map<string, TreeObject>();
  private readonly onlyHead = new Map<string, TreeObject>();
  /** Changes of the file pairs, then ({@link finish}) those of objects on one side of a pair only. */
  private readonly paired: Log<ObjectChange>;
  private readonly unpaired: Log<ObjectChange>;
  /** The SQL jobs of the objects compared, changed or not (a job downstream of a schema break need not change). */
  private readonly jobs: Log<SqlJob>;
  private pairedCount = 0;
  /** Per change: its action (bits 0-1), risk (2-3) and acknowledgement (4). */
  private readonly codes: number[] = [];
  private readonly broken = new Map<string, string>();
  private readonly schemaPaths = new Map<number, string[]>();

  public constructor(private readonly acks: readonly Acknowledgement[], log: <T>() => Log<T>) {
    this.paired = log();
    this.unpaired = log();
    this.jobs = log();
  }

  /** The objects of one file pair (or of whole trees), keyed by tree key. */
  public add(base: ReadonlyMap<string, TreeObject>, head: ReadonlyMap<string, TreeObject>): void {
    const found: [ObjectChange | undefined, SqlJob | undefined][] = [];
    for (const [key, b] of base) {
      const h = head.get(key);
      if (h) found.push(this.compare(b, h));
      else this.onlyBase.set(key, b);
    }
    for (const [key, h] of head) if (!base.has(key)) this.onlyHead.set(key, h);
    this.record(found, this.paired);
    this.pairedCount = this.codes.length;
  }

  public finish(): DiffStream {
    const found: [ObjectChange | undefined, SqlJob | undefined][] = [];
    for (const [key, b] of this.onlyBase) found.push(this.compare(b, this.onlyHead.get(key)));
    for (const [key, h] of this.onlyHead) if (!this.onlyBase.has(key)) found.push(this.compare(undefined, h));
    this.onlyBase.clear();
    this.onlyHead.clear();
    this.record(found, this.unpaired);
    const riskOf = (n: number): ChangeRisk => RISKS[(this.codes[n] >> 2) & 3];
    const upgrades = propagateSchemaBreaks(this.jobs.read(() => true), this.broken, this.schemaPaths, riskOf);
    this.jobs.close();
    const finalRisk = (n: number): ChangeRisk => upgrades.get(n)?.risk ?? riskOf(n);
    const summary = { create: 0, update: 0, delete: 0, replace: 0, safe: 0, disruptive: 0, destructive: 0, acknowledged: 0 };
    this.codes.forEach((code, n) => {
      const [risk, ack] = [finalRisk(n), (code & 16) !== 0];
      summary[ACTIONS[code & 3]]++;
      if (risk !== "destructive") summary[risk]++;
      else if (ack) summary.acknowledged++;
      else summary.destructive++;
    });
    const { paired, unpaired, pairedCount } = this;
    const upgraded = (c: ObjectChange, n: number): ObjectChange => {
      const u = upgrades.get(n);
      return u ? { ...c, risk: u.risk, reasons: [...c.reasons, ...u.reasons] } : c;
    };
    return {
      summary,
      count: this.codes.length,
      *changes() {
        for (const risk of RISKS) {
          // Each log is in report order: merge them. A change's number is its position, after the pairs' for the rest.
          const pairs = paired.read((i) => finalRisk(i) === risk)[Symbol.iterator]();
          const rest = unpaired.read((i) => finalRisk(pairedCount + i) === risk)[Symbol.iterator]();
          let [a, b] = [pairs.next(), rest.next()];
          while (!a.done || !b.done) {
            if (!a.done && (b.done || byCodeUnits(changeKey(a.value[1]), changeKey(b.value[1])) <= 0)) {
              yield upgraded(a.value[1], a.value[0]);
              a = pairs.next();
            } else if (!b.done) {
              yield upgraded(b.value[1], pairedCount + b.value[0]);
              b = rest.next();
            }
          }
        }
      },
      close() {
        paired.close();
        unpaired.close();
      },
    };
  }

  /** Number the changes found (in report order) and log them. */
  private record(found: [ObjectChange | undefined, SqlJob | undefined][], log: Log<ObjectChange>): void {
    const changed = found
      .filter((f): f is [ObjectChange, SqlJob | undefined] => f[0] !== undefined)
      .map(([c, job]) => ({ c, job, order: changeKey(c) }))
      .sort((a, b) => byCodeUnits(a.order, b.order));
    for (const { c, job } of changed) {
      const n = this.codes.length;
      if (job) job.change = n;
      this.codes.push(ACTIONS.indexOf(c.action) | (RISK_RANK[c.risk] << 2) | (c.acknowledged ? 16 : 0));
      if (c.kind === "ConfigMap") {
        if (c.risk === "destructive") {
          for (const reason of c.reasons) {
            const m = /^schema subject (\S+?)-(?:value|key)[ :]/.exec(reason);
            if (m) this.broken.set(m[1], reason);
          }
        }
        const paths = c.fields.map((f) => f.path).filter((p) => p.includes("-value.json") || p.includes("-key.json"));
        if (paths.length > 0) this.schemaPaths.set(n, paths);
      }
      log.append(c);
    }
    for (const [, job] of found) if (job) this.jobs.append(job);
  }

  /** The change of an object (none when it did not change), and its SQL job if it is one. */
  private compare(b: TreeObject | undefined, h: TreeObject | undefined): [ObjectChange | undefined, SqlJob | undefined] {
    const obj = (h ?? b)!.obj;
    const script = sqlScript(h?.obj);
    const job = script !== undefined ? sqlJob(String(obj.metadata.name), script, sqlScript(b?.obj)) : undefined;
    const fields = b && h ? diffFields(b.obj, h.obj, "", obj.kind) : [];
    const file = (h ?? b)!.file;
    if (b && h && fields.length === 0) return [undefined, job];
    const action: ChangeAction = !b ? "create" : !h ? "delete" : fields.some((f) => isImmutableChange(obj.kind, f)) ? "replace" : "update";
    const { risk, reasons } = classify(action, obj.kind, b?.obj, h?.obj, fields);
    const identity = { kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace };
    return [
      {
        action,
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
        name: obj.metadata.name,
        file,
        risk,
        reasons,
        fields,
        ...(risk === "destructive" && (acknowledged(identity, this.acks) || ownerAcknowledged(obj, this.acks)) ? { acknowledged: true } : {}),
      },
      job,
    ];
  }
}

/**
 * Diff two directories of rendered manifests (acknowledgements are read from the head tree), one file pair at a
 * time: only the pair's text and objects are held while it is compared. Rendering is deterministic, so a file with
 * the same bytes on both sides holds the same objects and is not parsed, which keeps small changes fast. The
 * result holds every change; `floe diff` prints them from a temporary file instead, one at a time.
 */
export function diffDirectories(baseDir: string, headDir: string): DiffResult {
  return collect(openDiff(baseDir, headDir));
}

/**
 * {@link diffDirectories} whose changes wait in files opened in `tmp` until they are read: its memory is one file pair
 * and a few numbers per change, whatever the size of the trees and of the diff. The files have no name left once
 * opened (see FileLog), so nothing stays in `tmp` even when the process is killed; on Windows they are removed by
 * `close`, and when the diff fails.
 */
export function openDiff(baseDir: string, headDir: string, tmp: string = tmpdir()): DiffStream {
  const issues: ValidationIssue[] = [];
  const [baseSide, headSide] = [directorySide(baseDir, issues), directorySide(headDir, issues)];
  const spill = mkdtempSync(join(tmp, "floe-diff-spill-"));
  const opened: FileLog<unknown>[] = [];
  const log = <T,>(): FileLog<T> => {
    const l = new FileLog<T>(join(spill, `log-${opened.length}.jsonl`));
    opened.push(l);
    return l;
  };
  try {
    const builder = new DiffBuilder(loadAcknowledgements(headDir), log);
    // The builder has opened its logs; with their names removed, so is the directory, before anything is written.
    if (opened.every((l) => l.unlinked)) rmdirSync(spill);
    const stream = compareSides(builder, baseSide, headSide, issues);
    return {
      summary: stream.summary,
      count: stream.count,
      changes: () => stream.changes(),
      close() {
        stream.close();
        rmSync(spill, { recursive: true, force: true });
      },
    };
  } catch (e) {
    for (const l of opened) l.close();
    rmSync(spill, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Diff a rendered tree's directory against a tree in memory (`floe report --base`: the base rendering against the
 * spec's own), a file pair at a time as {@link diffDirectories} does: one base file's objects are parsed and held
 * at a time, and one head file's copied, never a whole tree's (at 500 tenants x 3 regions, loading the whole base
 * beside the rendered head was 434 MB of the report's 828 MB). The acknowledgements are the head tree's.
 */
export function diffTreeAgainst(baseDir: string, head: RenderedTreeLike): DiffResult {
  const byPath = new Map(head.files.map((f) => [f.path, f]));
  const headSide: TreeSide = { files: new Set(byPath.keys()), read: (file) => ({ objects: () => treeObjects([byPath.get(file)!]) }) };
  const issues: ValidationIssue[] = [];
  const builder = new DiffBuilder(head.acknowledgements, <T,>() => new MemoryLog<T>());
  return collect(compareSides(builder, directorySide(baseDir, issues), headSide, issues));
}

/** What {@link diffTreeAgainst} reads of an in-memory tree (a RenderedTree). */
interface RenderedTreeLike {
  readonly files: readonly { readonly path: string; readonly objects: readonly object[] }[];
  readonly acknowledgements: readonly Acknowledgement[];
}

/**
 * One side of a diff: its files (paths relative to the tree's root) and, per file, its bytes when it is on disk
 * (valid until the next read) and its objects, made when asked.
 */
interface TreeSide {
  readonly files: ReadonlySet<string>;
  read(file: string): { readonly bytes?: Buffer; objects(): Map<string, TreeObject> };
}

/** A tree on disk as a side of a diff; a file that is not YAML of Kubernetes objects is an issue in `issues`. */
function directorySide(dir: string, issues: ValidationIssue[]): TreeSide {
  const root = treeRoot(dir);
  const read = fileReader();
  return {
    files: new Set(treeFiles(root)),
    read: (file) => {
      const bytes = read(join(root, file));
      return { bytes, objects: () => parseFile(file, bytes.toString("utf8"), dir, issues) };
    },
  };
}

/**
 * Add every file pair of two sides to `builder`, in file order, and finish it. Rendering is deterministic, so two
 * files of the same bytes hold the same objects: they are not parsed. Each pair's objects are made just before the
 * pair is added and dropped after. The issues the sides found (files that are not Kubernetes objects) are thrown
 * once every file is read.
 */
function compareSides(builder: DiffBuilder, base: TreeSide, head: TreeSide, issues: readonly ValidationIssue[]): DiffStream {
  const files = [...new Set([...base.files, ...head.files])].map((file) => ({ file, order: fileKey(file) }));
  for (const { file } of files.sort((a, b) => byCodeUnits(a.order, b.order))) {
    const b = base.files.has(file) ? base.read(file) : undefined;
    const h = head.files.has(file) ? head.read(file) : undefined;
    if (b?.bytes && h?.bytes && b.bytes.equals(h.bytes)) continue;
    builder.add(b ? b.objects() : new Map(), h ? h.objects() : new Map());
  }
  ValidationError.throwIfAny(issues);
  return builder.finish();
}

/**
 * A reader of whole files into one buffer it reuses (grown to the largest file): the bytes of the last file read,
 * valid until the next read. A new Buffer per file lives outside the JavaScript heap until a collection, which
 * files that compare equal do not bring: they piled up (40 MB of a 1% diff at 500 tenants; npm run bench).
 */
export function fileReader(): (path: string) => Buffer {
  let buffer = Buffer.allocUnsafe(1 << 16);
  return (path) => {
    const fd = openSync(path, "r");
    try {
      const size = fstatSync(fd).size;
      if (size > buffer.length) buffer = Buffer.allocUnsafe(Math.max(size, 2 * buffer.length));
      let read = 0;
      while (read < size) {
        const n = readSync(fd, buffer, read, size - read, read);
        if (n === 0) break;
        read += n;
      }
      return buffer.subarray(0, read);
    } finally {
      closeSync(fd);
    }
  };
}

/** Read every object of a rendered tree. */
export function loadTree(dir: string): Map<string, TreeObject> {
  const root = treeRoot(dir);
  const issues: ValidationIssue[] = [];
  const objects = new Map<string, TreeObject>();
  for (const file of treeFiles(root)) for (const [key, o] of parseFile(file, readFileSync(join(root, file), "utf8"), dir, issues)) objects.set(key, o);
  ValidationError.throwIfAny(issues);
  return objects;
}

/** The directory of a tree, refused when it is not one. */
function treeRoot(dir: string): string {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new ValidationError({
      code: "TreeNotFound",
      scope: "diff",
      field: "",
      value: dir,
      message: "is not a directory of rendered manifests",
      fix: "run floe synth for the base and the head spec and pass their output directories",
    });
  }
  return root;
}

/** The YAML files of a tree, relative to its root. */
function treeFiles(root: string): string[] {
  return listYamlFiles(root).map((path) => relative(root, path));
}

/**
 * The Kubernetes objects of a file; a document that is not valid YAML or not a Kubernetes object (a mapping
 * with apiVersion, kind and metadata.name) is an issue naming the tree, the file and the document, never skipped:
 * a diff that ignored it would report a broken change as no change. Empty documents (a trailing `---`) are fine.
 */
function parseFile(file: string, text: string | undefined, tree: string, issues: ValidationIssue[]): Map<string, TreeObject> {
  const objects = new Map<string, TreeObject>();
  if (text === undefined) return objects;
  const scope = `${tree}/${file}`;
  let docs: unknown[];
  try {
    docs = yamlDocuments(text);
  } catch (e) {
    const { line, column, reason } = yamlErrorAt(e);
    issues.push({
      code: "InvalidManifestYaml",
      scope,
      field: line !== undefined ? `line ${line}, column ${column}` : "",
      value: undefined,
      message: reason.startsWith("uses more than") ? reason : `is not valid YAML (${reason})`,
      fix: "diff trees that floe synth wrote (or fix the file)",
    });
    return objects;
  }
  docs.forEach((o, di) => {
    if (o === null || o === undefined) return;
    if (!isKubernetesObject(o)) {
      issues.push({
        code: "NotAKubernetesObject",
        scope,
        field: `document ${di + 1}`,
        value: Array.isArray(o) ? "(a list)" : typeof o === "object" ? `(a mapping with ${Object.keys(o).slice(0, 5).join(", ") || "no keys"})` : o,
        message: "is not a Kubernetes object (a mapping with apiVersion, kind and metadata.name)",
        fix: "diff trees that floe synth wrote; remove other files from them",
      });
      return;
    }
    objects.set(treeKey(file, o), { obj: o, file });
  });
  return objects;
}

function isKubernetesObject(o: unknown): o is Record<string, any> {
  if (typeof o !== "object" || o === null || Array.isArray(o)) return false;
  const r = o as Record<string, any>;
  return typeof r.apiVersion === "string" && typeof r.kind === "string" && typeof r.metadata?.name === "string";
}

/** Whether the diff has changes at or above `level` that are not acknowledged. */
export function exceeds(result: Pick<DiffResult, "summary">, level: "destructive" | "disruptive"): boolean {
  // The summary's destructive count leaves out the acknowledged; only a destructive change can be acknowledged.
  return result.summary.destructive > 0 || (level === "disruptive" && result.summary.disruptive > 0);
}
