import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import {
  addFloeValidation,
  componentLabels,
  FloeLabels,
  flinkMemoryBytes,
  parseDuration,
  ValidationError,
  ValidationIssue,
} from "../../core";
import { IKafkaCluster } from "../kafka/kafka-cluster";
import { KAFKA_CA_MOUNT, KAFKA_USER_MOUNT, KafkaClientAccess } from "../kafka/kafka-client-access";
import { IKafkaTopicResource } from "../kafka/kafka-topic";
import { KafkaAclScope } from "../kafka/kafka-user";
import { KafkaUserQuotas } from "../kafka/strimzi-types";
import { KafkaAuthenticationType } from "../kafka/listener";
import { ICheckpointStorage, JobStatePaths } from "./checkpoint-storage";
import {
  clusterFootprint,
  deploymentSpec,
  flinkDeploymentObject,
  FlinkClusterOptions,
  FLINK_METRICS_PORT,
  flinkPodTemplate,
  prometheusReporterConfiguration,
  resolveCluster,
  s3PluginJar,
  validateClusterOptions,
} from "./flink-deployment";
import { checkParallelism, FlinkJob, FlinkJobOptions, renderJobSpec, SQL_SCRIPT_DIR, SQL_SCRIPT_FILE } from "./flink-job";
import {
  addStateOverlapValidation,
  flinkDuration,
  FlinkStateOptions,
  FlinkStateOwner,
  FlinkUpgradeOptions,
  haConfiguration,
  resolveStatePaths,
  stateConfiguration,
  upgradeSafetyIssues,
  validateStateOptions,
} from "./flink-state";
import { FlinkDeploymentSpec, JobState, UpgradeMode } from "./flink-types";
import { connectSqlStatements } from "./sql-connection";

/**
 * The operator's job autoscaler.
 * @see https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-main/docs/custom-resource/autoscaler/
 */
export interface FlinkAutoscalerOptions {
  /**
   * Let the autoscaler rescale the job (`job.autoscaler.enabled`).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Target vertex utilization, 0-1 (`job.autoscaler.utilization.target`).
   * @default 0.7
   */
  readonly targetUtilization?: number;
  /**
   * Below this utilization the autoscaler scales down (`job.autoscaler.utilization.min`).
   * @default - the operator's (target - 0.3)
   */
  readonly minUtilization?: number;
  /**
   * Above this utilization the autoscaler scales up (`job.autoscaler.utilization.max`).
   * @default - the operator's (target + 0.3)
   */
  readonly maxUtilization?: number;
  /**
   * Lowest parallelism per vertex (`job.autoscaler.vertex.min-parallelism`).
   * @default 1
   */
  readonly minParallelism?: number;
  /**
   * Highest parallelism per vertex (`job.autoscaler.vertex.max-parallelism`).
   * @default 200 (the operator's)
   */
  readonly maxParallelism?: number;
  /**
   * Metrics aggregation window (`job.autoscaler.metrics.window`).
   * @default "15m"
   */
  readonly metricsWindow?: string;
  /**
   * No new scaling within this period after one (`job.autoscaler.stabilization.interval`).
   * @default "5m"
   */
  readonly stabilizationInterval?: string;
  /**
   * The most CPU and memory the autoscaler may give the job's TaskManagers (`job.autoscaler.quota.cpu`,
   * `job.autoscaler.quota.memory`): it does not scale up beyond them. Within a Floe platform this is derived
   * from the tenant's quota ({@link FlinkApplication.limitAutoscaler}).
   * @default - no quota (bounded by maxParallelism only)
   */
  readonly quota?: FlinkAutoscalerQuota;
}

/** Resource bound of the autoscaler ({@link FlinkAutoscalerOptions.quota}). */
export interface FlinkAutoscalerQuota {
  /** CPU cores of all TaskManagers together. */
  readonly cpu: number;
  /** Memory of all TaskManagers together, in bytes. */
  readonly memoryBytes: number;
}

/** The operator's default `job.autoscaler.vertex.max-parallelism` (flink-autoscaler 1.15.0, AutoScalerOptions.java). */
export const AUTOSCALER_DEFAULT_MAX_PARALLELISM = 200;

/** Kafka access of a Flink job: topics it reads and writes, through its own KafkaUser. */
export interface FlinkKafkaOptions {
  /** The Kafka cluster (the bootstrap address comes from it). */
  readonly cluster: IKafkaCluster;
  /**
   * Topics (or prefixes) the job reads.
   * @default - none
   */
  readonly reads?: readonly IKafkaTopicResource[];
  /**
   * Topics (or prefixes) the job writes.
   * @default - none
   */
  readonly writes?: readonly IKafkaTopicResource[];
  /**
   * Consumer group of the reads.
   * @default - the KafkaUser name
   */
  readonly group?: string;
  /**
   * The job's KafkaUser name.
   * @default - the FlinkDeployment name
   */
  readonly userName?: string;
  /**
   * Authentication of the job's user.
   * @default KafkaAuthenticationType.SCRAM_SHA_512
   */
  readonly authentication?: KafkaAuthenticationType.SCRAM_SHA_512 | KafkaAuthenticationType.TLS;
  /**
   * Listener to connect through.
   * @default - the first listener accepting the authentication
   */
  readonly listener?: string;
  /**
   * Refuse ACLs outside these prefixes (tenant isolation).
   * @default - no restriction
   */
  readonly aclScope?: KafkaAclScope;
  /**
   * Broker-enforced quotas of the job's user.
   * @default - none
   */
  readonly quotas?: KafkaUserQuotas;
  /**
   * Prefix of the job's Kafka transactional ids (exactly-once), on which its user gets Write. Under an ACL scope it
   * must start with the scope's prefix (`<tenant>.`): a bare deployment name is a prefix of other tenants' names
   * (`a-b` of `a-b-c`), and a transactional id another tenant may use lets it fence or abort this job's transactions.
   * @default - `<aclScope.topicPrefix><name>` under an ACL scope, else the deployment name
   */
  readonly transactionalIdPrefix?: string;
}

/** Properties of a {@link FlinkApplication}. */
export interface FlinkApplicationProps extends FlinkClusterOptions, FlinkStateOptions, FlinkUpgradeOptions, FlinkJobOptions {
  /** What the job runs: `FlinkJob.jar(uri)` or `FlinkJob.sql(statements)`. */
  readonly job: FlinkJob;
  /**
   * Take a savepoint at this interval (`kubernetes.operator.periodic.savepoint.interval`), e.g. `6h`.
   * @default - none (savepoints on upgrade and on demand only)
   */
  readonly periodicSavepointInterval?: string;
  /**
   * The operator's job autoscaler.
   * @default - off
   */
  readonly autoscaler?: FlinkAutoscalerOptions;
  /**
   * Kafka topics the job reads and writes; Floe creates its KafkaUser with exactly those ACLs.
   * @default - no Kafka access
   */
  readonly kafka?: FlinkKafkaOptions;
  /**
   * Environment variables from Secret keys (by reference; values never rendered).
   * @default - none
   */
  readonly secretEnv?: readonly FlinkSecretEnv[];
  /**
   * Plain environment variables (addresses, not secrets: a value that looks like a secret is refused by review,
   * use `secretEnv`), e.g. `FLOE_SCHEMA_REGISTRY_URL`.
   * @default - none
   */
  readonly env?: readonly { readonly name: string; readonly value: string }[];
  /**
   * Expose Flink metrics with the Prometheus reporter on container port `metrics` (9249), for a PodMonitor.
   * @default true
   */
  readonly metrics?: boolean;
  /**
   * Processing guarantee: sets the checkpointing mode, and for `exactly-once` Kafka transactions (the job's user
   * may use transactional ids under {@link FlinkKafkaOptions.transactionalIdPrefix}; `FLOE_KAFKA_DELIVERY_GUARANTEE`, `FLOE_KAFKA_TRANSACTIONAL_ID_PREFIX`,
   * `FLOE_KAFKA_TRANSACTION_TIMEOUT_MS`, `FLOE_KAFKA_ISOLATION_LEVEL` for the job's sink and source).
   * @default - Flink's defaults (exactly-once checkpoints; the sink's own delivery guarantee)
   */
  readonly deliveryGuarantee?: DeliveryGuarantee;
  /**
   * Savepoint history the operator keeps (older savepoints are disposed), for periodic and manual savepoints.
   * @default - the operator's defaults (10 savepoints, 24 hours)
   */
  readonly savepointHistory?: SavepointHistory;
  /**
   * Other state directories (URIs ending in `/`) a `restore` may use besides the job's own, e.g. the
   * savepoints of its backfill job when a backfill is promoted.
   * @default - only the job's own savepoints and checkpoints
   */
  readonly restorePrefixes?: readonly string[];
  /**
   * Run as a bounded backfill of another job: the job's Kafka source starts at `startingOffsets` and stops at
   * the offsets at its start (`FLOE_KAFKA_STARTING_OFFSETS`, `FLOE_KAFKA_BOUNDEDNESS=latest`,
   * `FLOE_BACKFILL_OF`, `FLOE_OUTPUT_TOPIC_SUFFIX`); labelled `floe.dev/backfill-of`.
   * @default - a live (unbounded) job
   */
  readonly backfill?: FlinkBackfill;
}

/** A bounded backfill run ({@link FlinkApplicationProps.backfill}). */
export interface FlinkBackfill {
  /** The live FlinkDeployment it backfills. */
  readonly of: string;
  /** `earliest`, or `timestamp:<epoch ms>`. */
  readonly startingOffsets: string;
  /**
   * Suffix of the topics it writes instead of the live ones (`.backfill`).
   * @default - writes the live topics
   */
  readonly outputTopicSuffix?: string;
}

/** A job's processing guarantee. */
export type DeliveryGuarantee = "exactly-once" | "at-least-once";

/** How many savepoints the operator keeps, and for how long. */
export interface SavepointHistory {
  /**
   * Savepoints kept.
   * @default - the operator's default (10)
   */
  readonly maxCount?: number;
  /**
   * Age after which a savepoint is disposed (`7d`, `36h`).
   * @default - the operator's default (24h)
   */
  readonly maxAge?: string;
}

/** Kafka's default `transaction.max.timeout.ms` (15 minutes): a Kafka sink's transactions must fit in it. */
export const KAFKA_TRANSACTION_TIMEOUT_MS = 900_000;

/** An environment variable read from a Secret key. */
export interface FlinkSecretEnv {
  /** Variable name. */
  readonly name: string;
  /** Secret name (in the job's namespace). */
  readonly secret: string;
  /** Key in the Secret. */
  readonly key: string;
}

/** What a Flink application runs at most: CPU, memory and pods (JobManagers plus TaskManagers). */
export interface FlinkFootprint {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly pods: number;
}

/** What other constructs need to know about a Flink application. */
export interface IFlinkApplication extends FlinkStateOwner {
  /** FlinkDeployment name. */
  readonly deploymentName: string;
  /** Namespace. */
  readonly namespace: string;
}

/**
 * A Flink application: a `FlinkDeployment` with a `job`, with durable state (RocksDB, incremental, retained
 * externalized checkpoints, savepoint upgrades), Kubernetes HA, restricted pods and its own Kafka user.
 * @see https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-main/docs/custom-resource/reference/#flinkdeploymentspec
 */
export class FlinkApplication extends Construct implements IFlinkApplication {
  public readonly deploymentName: string;
  public readonly namespace: string;
  public readonly statePaths: JobStatePaths | undefined;
  public readonly checkpointStorage: ICheckpointStorage | undefined;
  /** Upgrade mode. */
  public readonly upgradeMode: UpgradeMode;
  /** Whether Kubernetes HA is on. */
  public readonly highAvailability: boolean;
  /** The job's Kafka access (its KafkaUser and client settings), if it declared topics. */
  public readonly kafka?: KafkaClientAccess;
  /** The rendered FlinkDeployment. */
  public readonly apiObject: ApiObject;
  /** The ConfigMap holding the SQL script (SQL jobs). */
  public readonly sqlConfigMap?: ApiObject;
  private readonly props: FlinkApplicationProps;
  private readonly checkpointIntervalMs?: number;
  private autoscalerQuota?: FlinkAutoscalerQuota;

  constructor(scope: Construct, id: string, props: FlinkApplicationProps) {
    super(scope, id);
    this.props = props;
    this.deploymentName = props.name;
    this.namespace = props.namespace;
    this.upgradeMode = props.upgradeMode ?? UpgradeMode.SAVEPOINT;
    this.checkpointStorage = props.checkpointStorage;
    this.statePaths = resolveStatePaths(props, props.name);
    this.highAvailability = props.highAvailability ?? this.statePaths !== undefined;
    const state = validateStateOptions(props, { scope: this.node.path, field: "" });
    this.checkpointIntervalMs = state.intervalMs;
    ValidationError.throwIfAny([...validateClusterOptions(props, this.node.path), ...state.issues, ...this.validateProps()]);

    if (props.kafka) {
      this.kafka = flinkKafkaAccess(this, props.kafka, props.name);
      if (props.deliveryGuarantee === "exactly-once") {
        this.kafka.user.addAcl({ resource: { type: "transactionalId", name: this.transactionalIdPrefix, patternType: "prefix" }, operations: ["Write", "Describe"] });
      }
    }
    if (props.job.kind === "sql") {
      this.sqlConfigMap = new ApiObject(this, "Sql", {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `${props.name}-sql`, namespace: props.namespace, labels: componentLabels("flink", props.name, "sql") },
        data: { [SQL_SCRIPT_FILE]: Lazy.any({ produce: () => this.connectedSql().statements.map((st) => `${st};\n`).join("") }) },
      });
      addFloeValidation(this, () => this.connectedSql().issues);
    }
    this.apiObject = flinkDeploymentObject(this, props, "application", () => this.renderSpec());
    if (props.backfill) this.apiObject.metadata.addLabel(FloeLabels.BACKFILL_OF, props.backfill.of);
    addFloeValidation(this, () =>
      upgradeSafetyIssues({
        scope: this.node.path,
        options: props,
        paths: this.statePaths,
        highAvailability: this.highAvailability,
        production: props.production ?? true,
      }),
    );
    addStateOverlapValidation(this);
  }

  /** Guarantee, restore and savepoint-history rules. */
  private validateLifecycle(): ValidationIssue[] {
    const scope = this.node.path;
    const props = this.props;
    const issues: ValidationIssue[] = [];
    const stateless = this.upgradeMode === UpgradeMode.STATELESS;
    if (props.deliveryGuarantee === "exactly-once") {
      if ((props.kafka?.writes ?? []).length === 0) {
        issues.push({
          code: "ExactlyOnceWithoutKafkaSink",
          scope,
          field: "deliveryGuarantee",
          value: "exactly-once",
          message: "Floe can only make a job exactly-once end to end through Kafka transactions, and this job writes no Kafka topic",
          fix: "declare the Kafka topics the job writes, or use at-least-once (and an idempotent sink)",
        });
      }
      if (stateless) {
        issues.push({
          code: "ExactlyOnceStateless",
          scope,
          field: "deliveryGuarantee",
          value: "exactly-once",
          message: "a stateless upgrade drops the checkpointed offsets and open transactions: records are reprocessed and written again",
          fix: "use upgradeMode savepoint or last-state, or at-least-once",
        });
      }
      if ((this.checkpointIntervalMs ?? 60_000) >= KAFKA_TRANSACTION_TIMEOUT_MS) {
        issues.push({
          code: "TransactionTimeoutTooShort",
          scope,
          field: "checkpointInterval",
          value: props.checkpointInterval,
          message: `Kafka transactions are committed on checkpoints and time out after ${KAFKA_TRANSACTION_TIMEOUT_MS / 60000} minutes (the brokers' transaction.max.timeout.ms): a checkpoint interval that long aborts them`,
          fix: "checkpoint more often than every 15 minutes (e.g. 1m)",
        });
      }
    }
    if (props.backfill && !/^(earliest|timestamp:\d+)$/.test(props.backfill.startingOffsets)) {
      issues.push({ code: "InvalidBackfillStart", scope, field: "backfill.startingOffsets", value: props.backfill.startingOffsets, message: "is neither earliest nor timestamp:<epoch ms>", fix: "use earliest or timestamp:1730419200000" });
    }
    const restore = props.restore;
    if (restore) {
      if (props.initialSavepointPath) {
        issues.push({ code: "RestoreConflict", scope, field: "restore", value: restore.path, message: "initialSavepointPath is also set", fix: "keep one: restore (with its nonce) replaces initialSavepointPath" });
      }
      if (!Number.isInteger(restore.nonce) || restore.nonce < 1) {
        issues.push({ code: "InvalidNonce", scope, field: "restore.nonce", value: restore.nonce, message: "must be a whole number, 1 or more", fix: "use 1, and a new number for each later restore" });
      }
      if (stateless) {
        issues.push({ code: "RestoreStateless", scope, field: "restore", value: restore.path, message: "a stateless job has no state to restore", fix: "use upgradeMode savepoint or last-state" });
      }
      const own = this.statePaths ? [`${this.statePaths.savepoints}/`, `${this.statePaths.checkpoints}/`, ...(props.restorePrefixes ?? [])] : [];
      if (!own.some((p) => restore.path.startsWith(p) && restore.path.length > p.length) || restore.path.includes("..")) {
        issues.push({
          code: "RestoreOutsideJobState",
          scope,
          field: "restore.path",
          value: restore.path,
          message: own.length ? "is not a savepoint or checkpoint of this job" : "the job has no checkpoint storage to restore from",
          fix: own.length ? `use a directory under ${own.join(" or ")}` : "give the job checkpoint storage",
        });
      }
    }
    const history = props.savepointHistory;
    if (history) {
      if (history.maxCount !== undefined && (!Number.isInteger(history.maxCount) || history.maxCount < 1)) {
        issues.push({ code: "InvalidSavepointHistory", scope, field: "savepointHistory.maxCount", value: history.maxCount, message: "must be a whole number, 1 or more", fix: "keep e.g. 10 savepoints" });
      }
      if (history.maxAge !== undefined) {
        const age = parseDuration(history.maxAge, { scope, field: "savepointHistory.maxAge" });
        issues.push(...age.issues);
        const interval = props.periodicSavepointInterval ? parseDuration(props.periodicSavepointInterval, { scope, field: "periodicSavepointInterval" }).ms : undefined;
        if (age.ms !== undefined && interval !== undefined && age.ms <= interval) {
          issues.push({
            code: "SavepointHistoryShorterThanInterval",
            scope,
            field: "savepointHistory.maxAge",
            value: history.maxAge,
            message: `savepoints are taken every ${props.periodicSavepointInterval} but disposed after ${history.maxAge}: at times no periodic savepoint would exist`,
            fix: "keep savepoints longer than the periodic interval (e.g. 3 intervals)",
          });
        }
      }
    }
    return issues;
  }

  /** The settings of a bounded backfill run. */
  private backfillEnv(): { name: string; value: string }[] {
    const b = this.props.backfill;
    if (!b) return [];
    return [
      { name: "FLOE_BACKFILL_OF", value: b.of },
      { name: "FLOE_KAFKA_BOUNDEDNESS", value: "latest" },
      { name: "FLOE_KAFKA_STARTING_OFFSETS", value: b.startingOffsets },
      ...(b.outputTopicSuffix ? [{ name: "FLOE_OUTPUT_TOPIC_SUFFIX", value: b.outputTopicSuffix }] : []),
    ];
  }

  /** The prefix of the job's Kafka transactional ids (see {@link FlinkKafkaOptions.transactionalIdPrefix}). */
  public get transactionalIdPrefix(): string {
    const k = this.props.kafka;
    return k?.transactionalIdPrefix ?? (k?.aclScope ? `${k.aclScope.topicPrefix}${this.props.name}` : this.props.name);
  }

  /** The Kafka client settings of the processing guarantee (for the job's KafkaSink and KafkaSource). */
  private guaranteeEnv(): { name: string; value: string }[] {
    const g = this.props.deliveryGuarantee;
    if (!g || !this.kafka) return [];
    if (g === "at-least-once") return [{ name: "FLOE_KAFKA_DELIVERY_GUARANTEE", value: "AT_LEAST_ONCE" }];
    return [
      { name: "FLOE_KAFKA_DELIVERY_GUARANTEE", value: "EXACTLY_ONCE" },
      { name: "FLOE_KAFKA_ISOLATION_LEVEL", value: "read_committed" },
      { name: "FLOE_KAFKA_TRANSACTIONAL_ID_PREFIX", value: this.transactionalIdPrefix },
      { name: "FLOE_KAFKA_TRANSACTION_TIMEOUT_MS", value: String(KAFKA_TRANSACTION_TIMEOUT_MS) },
    ];
  }

  /**
   * A SQL job's statements with Floe's Kafka connection in every Kafka table (lib/k8s/flink/sql-connection.ts),
   * and what is wrong with them. A job without Kafka access gets none: its Kafka tables are reported.
   */
  private connectedSql(): { statements: string[]; issues: ValidationIssue[] } {
    const props = this.props;
    const access = this.kafka;
    const connection = access?.connection;
    const grants = (topics: FlinkKafkaOptions["reads"]) => (topics ?? []).map((t) => ({ name: t.aclName, prefix: t.aclPatternType === "prefix" }));
    const generated = props.job.tables.length;
    const connected = connectSqlStatements(
      [...props.job.tables, ...props.job.statements],
      {
        bootstrapServers: connection?.bootstrapServers ?? "",
        securityProtocol: connection?.securityProtocol ?? "",
        scram: connection?.scram ?? true,
        tls: connection?.tls ?? true,
        userDir: KAFKA_USER_MOUNT,
        caDir: KAFKA_CA_MOUNT,
        group: access?.group ?? "",
        reads: grants(props.kafka?.reads),
        writes: grants(props.kafka?.writes),
        guarantee:
          props.deliveryGuarantee === "exactly-once"
            ? { kind: "exactly-once", transactionalIdPrefix: this.transactionalIdPrefix, transactionTimeoutMs: KAFKA_TRANSACTION_TIMEOUT_MS }
            : props.deliveryGuarantee === "at-least-once"
              ? { kind: "at-least-once" }
              : undefined,
        backfill: props.backfill && { startingOffsets: props.backfill.startingOffsets, outputTopicSuffix: props.backfill.outputTopicSuffix },
        checkGrants: props.state !== JobState.SUSPENDED,
      },
      this.node.path,
      "job.statements",
    );
    // Issues name the generated table or the job's own statement they are about.
    const issues = connected.issues.map((issue) => {
      const m = /^job\.statements\[(\d+)\]$/.exec(issue.field);
      if (!m || generated === 0) return issue;
      const i = Number(m[1]);
      return { ...issue, field: i < generated ? `job.tables[${i}]` : `job.statements[${i - generated}]` };
    });
    return { statements: connected.statements, issues };
  }

  /**
   * The most the application runs: JobManagers and TaskManagers (parallelism / slots, or the fixed count). With
   * the autoscaler on, the TaskManagers it may scale to: its max parallelism over the slots (one slot sharing
   * group; the operator's quota options, see {@link limitAutoscaler}, bound jobs with more).
   */
  public get footprint(): FlinkFootprint {
    return clusterFootprint(resolveCluster(this.props), this.maxTaskManagers);
  }

  /** The most TaskManagers the application runs (see {@link footprint}). */
  public get maxTaskManagers(): number {
    const cluster = resolveCluster(this.props);
    const fixed = cluster.taskManager.replicas ?? Math.ceil((this.props.parallelism ?? 1) / cluster.slots);
    return this.autoscalerEnabled ? Math.max(fixed, Math.ceil(this.autoscalerMaxParallelism / cluster.slots)) : fixed;
  }

  /** Task slots per TaskManager. */
  public get slots(): number {
    return resolveCluster(this.props).slots;
  }

  /** Whether the operator's autoscaler may rescale the job. */
  public get autoscalerEnabled(): boolean {
    return this.props.autoscaler !== undefined && this.props.autoscaler.enabled !== false;
  }

  /** The highest parallelism the autoscaler may choose. */
  public get autoscalerMaxParallelism(): number {
    return this.props.autoscaler?.maxParallelism ?? AUTOSCALER_DEFAULT_MAX_PARALLELISM;
  }

  /** CPU and memory of one TaskManager (what the autoscaler's quota counts per TaskManager). */
  public get taskManagerResources(): { readonly cpuMillis: number; readonly memoryBytes: number } {
    const cluster = resolveCluster(this.props);
    return { cpuMillis: Math.round(cluster.taskManager.resource.cpu * 1000), memoryBytes: flinkMemoryBytes(cluster.taskManager.resource.memory) ?? 0 };
  }

  /**
   * Bound the autoscaler by a resource quota for the TaskManagers (the operator then does not scale beyond it),
   * unless the props set one. The platform composition calls it with the tenant's quota less what the tenant's
   * other jobs and this job's JobManagers may use.
   */
  public limitAutoscaler(quota: FlinkAutoscalerQuota): void {
    this.autoscalerQuota = quota;
  }

  private validateProps(): ValidationIssue[] {
    const scope = this.node.path;
    const props = this.props;
    const issues: ValidationIssue[] = checkParallelism(props, scope);
    const parallelism = props.parallelism ?? 1;
    if (!/^(local|s3|s3a|s3p|https?|file):\/\/.+/.test(props.job.jarUri)) {
      issues.push({
        code: "InvalidJarUri",
        scope,
        field: "job.jarURI",
        value: props.job.jarUri,
        message: "is not a jar URI the operator can fetch",
        fix: "use local:///opt/flink/usrlib/<job>.jar (in the image), s3://bucket/path.jar or https://...",
      });
    }
    if (props.job.kind === "sql" && (props.job.statements.length === 0 || props.job.statements.some((s) => s.length === 0))) {
      issues.push({ code: "EmptySqlStatement", scope, field: "job.statements", value: props.job.statements, message: "a SQL job needs at least one non-empty statement", fix: "give the SQL statements of the job" });
    }
    if (props.highAvailability && !this.statePaths) {
      issues.push({
        code: "HighAvailabilityRequiresStorage",
        scope,
        field: "highAvailability",
        value: true,
        message: "Kubernetes HA keeps its metadata in the state bucket",
        fix: "set checkpointStorage",
      });
    }
    if ((props.jobManager?.replicas ?? 1) > 1 && !this.highAvailability) {
      issues.push({
        code: "StandbyJobManagerRequiresHa",
        scope,
        field: "jobManager.replicas",
        value: props.jobManager?.replicas,
        message: "standby JobManagers need Kubernetes HA to elect a leader",
        fix: "keep 1 JobManager or turn highAvailability on (with checkpointStorage)",
      });
    }
    if (props.periodicSavepointInterval !== undefined) {
      const d = parseDuration(props.periodicSavepointInterval, { scope, field: "periodicSavepointInterval" });
      issues.push(...d.issues);
      if (d.ms !== undefined && d.ms <= 0) {
        issues.push({ code: "InvalidDuration", scope, field: "periodicSavepointInterval", value: props.periodicSavepointInterval, message: "must be a positive duration", fix: "use e.g. \"6h\", or leave it out" });
      }
    }
    if (props.autoscaler) issues.push(...validateAutoscaler(props.autoscaler, parallelism, scope));
    (props.secretEnv ?? []).forEach((e, i) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name) || e.name.startsWith("FLOE_") || e.name === "ENABLE_BUILT_IN_PLUGINS") {
        issues.push({
          code: "InvalidEnvName",
          scope,
          field: `secretEnv[${i}].name`,
          value: e.name,
          message: "must be a shell variable name not starting with FLOE_ (Floe's own) nor ENABLE_BUILT_IN_PLUGINS",
          fix: "use e.g. API_TOKEN",
        });
      }
    });
    issues.push(...this.validateLifecycle());
    const taken = new Set((props.secretEnv ?? []).map((e) => e.name));
    (props.env ?? []).forEach((e, i) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name) || e.name.startsWith("FLOE_KAFKA_") || e.name === "ENABLE_BUILT_IN_PLUGINS" || taken.has(e.name)) {
        issues.push({
          code: "InvalidEnvName",
          scope,
          field: `env[${i}].name`,
          value: e.name,
          message: taken.has(e.name) ? "is also a secretEnv variable" : "must be a shell variable name, not FLOE_KAFKA_* (the Kafka access variables) nor ENABLE_BUILT_IN_PLUGINS",
          fix: "use another name",
        });
      }
      taken.add(e.name);
    });
    return issues;
  }

  private renderSpec(): FlinkDeploymentSpec {
    const props = this.props;
    const cluster = resolveCluster(props);
    const config: Record<string, string> = {
      ...stateConfiguration(cluster.stateOptions, this.statePaths, props, this.checkpointIntervalMs),
      ...(this.highAvailability && this.statePaths ? haConfiguration(this.statePaths) : {}),
      ...(props.periodicSavepointInterval
        ? { "kubernetes.operator.periodic.savepoint.interval": flinkDuration(parseDuration(props.periodicSavepointInterval, { scope: "", field: "" }).ms ?? 0) }
        : {}),
      ...(props.autoscaler ? autoscalerConfiguration({ ...props.autoscaler, quota: props.autoscaler.quota ?? this.autoscalerQuota }) : {}),
      ...((props.metrics ?? true) ? prometheusReporterConfiguration() : {}),
      ...(props.deliveryGuarantee ? { "execution.checkpointing.mode": props.deliveryGuarantee === "exactly-once" ? "EXACTLY_ONCE" : "AT_LEAST_ONCE" } : {}),
      ...(props.savepointHistory?.maxCount !== undefined ? { "kubernetes.operator.savepoint.history.max.count": String(props.savepointHistory.maxCount) } : {}),
      ...(props.savepointHistory?.maxAge !== undefined
        ? { "kubernetes.operator.savepoint.history.max.age": flinkDuration(parseDuration(props.savepointHistory.maxAge, { scope: "", field: "" }).ms ?? 0) }
        : {}),
      ...(props.flinkConfiguration ?? {}),
    };
    const plugins = props.builtInPlugins ?? (this.statePaths ? [s3PluginJar(cluster.flinkVersion)] : []);
    const secretEnv = (props.secretEnv ?? []).map((e) => ({ name: e.name, valueFrom: { secretKeyRef: { name: e.secret, key: e.key } } }));
    const podTemplate = flinkPodTemplate({
      env: [...(this.kafka?.env ?? []), ...this.guaranteeEnv(), ...this.backfillEnv(), ...[...(props.env ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1)), ...secretEnv],
      secretVolumes: this.kafka?.volumes({ credentialFiles: props.job.kind === "sql" }) ?? [],
      configMapVolumes: this.sqlConfigMap
        ? [{ name: "sql", configMap: `${props.name}-sql`, key: SQL_SCRIPT_FILE, mountPath: SQL_SCRIPT_DIR }]
        : [],
      builtInPlugins: plugins,
      metricsPort: (props.metrics ?? true) ? FLINK_METRICS_PORT : undefined,
      labels: {
        ...componentLabels("flink", props.name, "application"),
        ...(props.tenant ? { [FloeLabels.TENANT]: props.tenant } : {}),
      },
    });
    return { ...deploymentSpec(cluster, config, podTemplate), job: renderJobSpec(props.job, props, this.upgradeMode) };
  }
}

/** The KafkaClientAccess (`Kafka`) of a Flink deployment's Kafka options; the user defaults to the deployment's name. */
export function flinkKafkaAccess(scope: Construct, kafka: FlinkKafkaOptions, deploymentName: string): KafkaClientAccess {
  return new KafkaClientAccess(scope, "Kafka", {
    cluster: kafka.cluster,
    userName: kafka.userName ?? deploymentName,
    reads: kafka.reads,
    writes: kafka.writes,
    group: kafka.group,
    authentication: kafka.authentication,
    listener: kafka.listener,
    aclScope: kafka.aclScope,
    quotas: kafka.quotas,
  });
}

/** `job.autoscaler.*` options from the typed props. */
export function autoscalerConfiguration(a: FlinkAutoscalerOptions): Record<string, string> {
  const duration = (v: string | undefined) => (v === undefined ? undefined : flinkDuration(parseDuration(v, { scope: "", field: "" }).ms ?? 0));
  const entries: Array<[string, string | number | boolean | undefined]> = [
    ["job.autoscaler.enabled", a.enabled ?? true],
    ["job.autoscaler.utilization.target", a.targetUtilization ?? 0.7],
    ["job.autoscaler.utilization.min", a.minUtilization],
    ["job.autoscaler.utilization.max", a.maxUtilization],
    ["job.autoscaler.vertex.min-parallelism", a.minParallelism],
    ["job.autoscaler.vertex.max-parallelism", a.maxParallelism],
    ["job.autoscaler.metrics.window", duration(a.metricsWindow)],
    ["job.autoscaler.stabilization.interval", duration(a.stabilizationInterval)],
    // Compared with the TaskManagers' CPU and memory after a scale-up (flink-autoscaler 1.15.0,
    // ScalingExecutor.scalingWouldExceedResourceQuota); memory as a Flink MemorySize in bytes.
    ["job.autoscaler.quota.cpu", a.quota && Number(a.quota.cpu.toFixed(3))],
    ["job.autoscaler.quota.memory", a.quota && `${Math.floor(a.quota.memoryBytes)}b`],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
}

/** Autoscaler option checks: utilizations in (0, 1] and ordered, parallelism bounds consistent. */
export function validateAutoscaler(a: FlinkAutoscalerOptions, parallelism: number, scope: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const utils: Array<[string, number | undefined]> = [
    ["targetUtilization", a.targetUtilization],
    ["minUtilization", a.minUtilization],
    ["maxUtilization", a.maxUtilization],
  ];
  for (const [field, v] of utils) {
    if (v !== undefined && !(v > 0 && v <= 1)) {
      issues.push({ code: "InvalidUtilization", scope, field: `autoscaler.${field}`, value: v, message: "must be a fraction above 0 and at most 1", fix: "use e.g. 0.7" });
    }
  }
  const target = a.targetUtilization ?? 0.7;
  if ((a.minUtilization !== undefined && a.minUtilization >= target) || (a.maxUtilization !== undefined && a.maxUtilization <= target)) {
    issues.push({
      code: "InvalidUtilization",
      scope,
      field: "autoscaler",
      value: { min: a.minUtilization, target, max: a.maxUtilization },
      message: "utilizations must be ordered min < target < max",
      fix: "e.g. minUtilization 0.5, targetUtilization 0.7, maxUtilization 0.9",
    });
  }
  const min = a.minParallelism ?? 1;
  const max = a.maxParallelism ?? AUTOSCALER_DEFAULT_MAX_PARALLELISM;
  for (const [field, v] of [["minParallelism", a.minParallelism], ["maxParallelism", a.maxParallelism]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
      issues.push({ code: "InvalidAutoscalerParallelism", scope, field: `autoscaler.${field}`, value: v, message: "must be a whole number, 1 or more", fix: "use e.g. 1 and 32" });
    }
  }
  if (min > max || parallelism > max) {
    issues.push({
      code: "InvalidAutoscalerParallelism",
      scope,
      field: "autoscaler.maxParallelism",
      value: max,
      message: `must be at least minParallelism (${min}) and the job's parallelism (${parallelism})`,
      fix: `raise maxParallelism to at least ${Math.max(min, parallelism)}`,
    });
  }
  if (a.quota && !(Number.isFinite(a.quota.cpu) && a.quota.cpu > 0 && Number.isInteger(a.quota.memoryBytes) && a.quota.memoryBytes > 0)) {
    issues.push({
      code: "InvalidAutoscalerQuota",
      scope,
      field: "autoscaler.quota",
      value: a.quota,
      message: "needs a CPU count above 0 and a whole number of bytes above 0",
      fix: "e.g. { cpu: 8, memoryBytes: 34359738368 }",
    });
  }
  for (const field of ["metricsWindow", "stabilizationInterval"] as const) {
    const v = a[field];
    if (v !== undefined) issues.push(...parseDuration(v, { scope, field: `autoscaler.${field}` }).issues);
  }
  return issues;
}
