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
  ) {}

  /** The SQL script (statements separated by `;`), for SQL jobs. */
  public get script(): string {
    return this.statements.map((s) => `${s};\n`).join("");
  }
}
