import { ValidationIssue } from "../../core";
import { FlinkJobSpec, JobState, UpgradeMode } from "./flink-types";

/** Options of a jar job. */
export interface FlinkJarJobOptions {
  /**
   * Main class.
   * @default - the jar manifest's Main-Class
   */
  readonly entryClass?: string;
  /**
   * Program arguments.
   * @default - none
   */
  readonly args?: readonly string[];
}

/** Options of a SQL job. */
export interface FlinkSqlJobOptions {
  /**
   * The SQL runner jar in the image; it runs the script given as its only argument.
   * @default "local:///opt/flink/usrlib/sql-runner.jar"
   */
  readonly runnerJarUri?: string;
  /**
   * Main class of the SQL runner.
   * @default "org.apache.flink.examples.SqlRunner" (the operator's flink-sql-runner example)
   */
  readonly runnerEntryClass?: string;
  /**
   * `CREATE TABLE` statements generated for the job (from its topics' schemas), run before its own statements;
   * they get the Kafka connection like the job's own tables. Problems in them are reported under `job.tables[i]`.
   * @default []
   */
  readonly tables?: readonly string[];
}

/** Where the SQL script is mounted in the Flink pods. */
export const SQL_SCRIPT_DIR = "/opt/flink/sql";
/** The SQL script file name (the ConfigMap key). */
export const SQL_SCRIPT_FILE = "statements.sql";

/**
 * What a Flink job runs: a jar, or SQL statements run by a SQL-runner jar (the statements are delivered in a
 * ConfigMap mounted into the pods).
 * @see https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-main/docs/custom-resource/overview/
 */
export class FlinkJob {
  /** A jar job: `local:///opt/flink/usrlib/job.jar` (baked into the image), `s3://...` or `https://...`. */
  public static jar(jarUri: string, options: FlinkJarJobOptions = {}): FlinkJob {
    return new FlinkJob("jar", jarUri, options.entryClass, [...(options.args ?? [])]);
  }

  /** A SQL job: the statements (each without trailing `;`, or one script) run by a SQL-runner jar. */
  public static sql(statements: string | readonly string[], options: FlinkSqlJobOptions = {}): FlinkJob {
    const list = (typeof statements === "string" ? [statements] : [...statements]).map((s) => s.trim().replace(/;+$/, "").trim());
    return new FlinkJob(
      "sql",
      options.runnerJarUri ?? "local:///opt/flink/usrlib/sql-runner.jar",
      options.runnerEntryClass ?? "org.apache.flink.examples.SqlRunner",
      [`${SQL_SCRIPT_DIR}/${SQL_SCRIPT_FILE}`],
      list,
      [...(options.tables ?? [])],
    );
  }

  private constructor(
    /** `jar` or `sql`. */
    public readonly kind: "jar" | "sql",
    /** The jar the job runs. */
    public readonly jarUri: string,
    /** Main class. */
    public readonly entryClass: string | undefined,
    /** Program arguments. */
    public readonly args: readonly string[],
    /** SQL statements (SQL jobs only). */
    public readonly statements: readonly string[] = [],
    /** Generated `CREATE TABLE` statements, run before {@link statements} (SQL jobs only). */
    public readonly tables: readonly string[] = [],
  ) {}

  /** The SQL script (statements separated by `;`), for SQL jobs: the generated tables, then the statements. */
  public get script(): string {
    return [...this.tables, ...this.statements].map((s) => `${s};\n`).join("");
  }
}

/** How a job is run: options shared by applications and session jobs. */
export interface FlinkJobOptions {
  /**
   * Job parallelism.
   * @default 1
   */
  readonly parallelism?: number;
  /**
   * Desired state.
   * @default JobState.RUNNING
   */
  readonly state?: JobState;
  /**
   * Allow restoring a savepoint that has state for operators the job no longer has (drops that state).
   * @default false
   */
  readonly allowNonRestoredState?: boolean;
  /**
   * Savepoint to start from on first deployment.
   * @default - none (empty state)
   */
  readonly initialSavepointPath?: string;
  /**
   * Change this number to trigger a manual savepoint.
   * @default - none
   */
  readonly savepointTriggerNonce?: number;
  /**
   * Restore the job from one of its own savepoints or retained checkpoints: the operator redeploys it from
   * `path` (`initialSavepointPath` + `savepointRedeployNonce`). Change `nonce` to restore again.
   * @default - none
   */
  readonly restore?: FlinkRestore;
}

/** A selective restore of a job ({@link FlinkJobOptions.restore}). */
export interface FlinkRestore {
  /** The savepoint or retained checkpoint directory, under the job's own state prefix. */
  readonly path: string;
  /** Redeploy nonce: a new value redeploys the job from `path`. */
  readonly nonce: number;
}

/** The CR's `spec.job` for a job and its options. */
export function renderJobSpec(job: FlinkJob, options: FlinkJobOptions, upgradeMode: UpgradeMode): FlinkJobSpec {
  return {
    jarURI: job.jarUri,
    ...(job.entryClass ? { entryClass: job.entryClass } : {}),
    ...(job.args.length > 0 ? { args: job.args } : {}),
    parallelism: options.parallelism ?? 1,
    upgradeMode,
    state: options.state ?? JobState.RUNNING,
    ...(options.allowNonRestoredState !== undefined ? { allowNonRestoredState: options.allowNonRestoredState } : {}),
    ...(options.restore
      ? { initialSavepointPath: options.restore.path, savepointRedeployNonce: options.restore.nonce }
      : options.initialSavepointPath
        ? { initialSavepointPath: options.initialSavepointPath }
        : {}),
    ...(options.savepointTriggerNonce !== undefined ? { savepointTriggerNonce: options.savepointTriggerNonce } : {}),
  };
}

/** Parallelism must be a whole number, 1 or more. */
export function checkParallelism(options: FlinkJobOptions, scope: string): ValidationIssue[] {
  const parallelism = options.parallelism ?? 1;
  if (Number.isInteger(parallelism) && parallelism >= 1) return [];
  return [
    { code: "InvalidParallelism", scope, field: "parallelism", value: parallelism, message: "must be a whole number, 1 or more", fix: "set parallelism to e.g. 2" },
  ];
}
