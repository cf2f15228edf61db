import { ValidationIssue } from "../../core";

/**
 * The Kafka connection Floe gives a SQL job: every `CREATE TABLE ... WITH ('connector' = 'kafka' | 'upsert-kafka')`
 * of its statements gets the bootstrap address, the security settings and the job's consumer group, with the
 * credentials read by the Kafka client itself from the files of the job's KafkaUser Secret mounted in the pods
 * (Kafka's `DirectoryConfigProvider`: no value in the manifest, no environment expansion needed, which the SQL
 * runner does not do). Flink passes every `properties.*` table option to the Kafka clients
 * (flink-connector-kafka `KafkaConnectorOptionsUtil.getKafkaProperties`), and the clients resolve `${floe:...}`
 * references in their configuration (Kafka `AbstractConfig`, KIP-421).
 *
 * The pods need the Kafka connector with plain Kafka clients on their class path (`flink-connector-kafka` and
 * `kafka-clients` in `/opt/flink/lib`): the shaded `flink-sql-connector-kafka` relocates the login module and
 * config provider classes these options name.
 */
export interface SqlKafkaConnection {
  /** Bootstrap address of the job's listener. */
  readonly bootstrapServers: string;
  /** `SASL_SSL`, `SSL` or `SASL_PLAINTEXT`. */
  readonly securityProtocol: string;
  /** Whether the job's user authenticates with SCRAM-SHA-512 (else with a TLS client certificate). */
  readonly scram: boolean;
  /** Whether the listener uses TLS (the cluster CA is then trusted from {@link caDir}). */
  readonly tls: boolean;
  /** Where the job's KafkaUser Secret is mounted (`sasl.jaas.config`, or `user.p12` and `user.password`). */
  readonly userDir: string;
  /** Where the cluster CA certificate is mounted (`ca.crt`). */
  readonly caDir: string;
  /** The job's consumer group. */
  readonly group: string;
  /** Topics (or `prefix*`) the job may read. */
  readonly reads: readonly TopicGrant[];
  /** Topics (or `prefix*`) the job may write. */
  readonly writes: readonly TopicGrant[];
  /**
   * The processing guarantee.
   * @default - the connector's default (at-least-once sinks, read_uncommitted sources)
   */
  readonly guarantee?: { readonly kind: "exactly-once"; readonly transactionalIdPrefix: string; readonly transactionTimeoutMs: number } | { readonly kind: "at-least-once" };
  /**
   * A bounded backfill: sources start at `startingOffsets` (`earliest` or `timestamp:<ms>`) and stop at the
   * offsets at the start; sinks write `<topic><outputTopicSuffix>`.
   * @default - a live job
   */
  readonly backfill?: { readonly startingOffsets: string; readonly outputTopicSuffix?: string };
  /**
   * Check each table's topics against `reads`/`writes`. Off for a suspended job: a standby region grants no
   * writes to mirrored topics until failover, and a suspended job runs nothing.
   * @default true
   */
  readonly checkGrants?: boolean;
}

/** A topic or topic prefix the job's ACLs grant. */
export interface TopicGrant {
  readonly name: string;
  readonly prefix: boolean;
}

/** The Kafka table connectors Floe connects. */
const KAFKA_CONNECTORS = new Set(["kafka", "upsert-kafka"]);

/** Options Floe sets on a Kafka table; a statement that sets one is refused. */
const MANAGED_PREFIXES = ["properties.bootstrap.servers", "properties.security.", "properties.sasl.", "properties.ssl.", "properties.config.providers", "properties.group.id", "properties.transactional.id", "sink.transactional-id-prefix"];

/** The config provider alias Floe's options use. */
const PROVIDER = "floe";

interface Token {
  readonly kind: "string" | "word" | "symbol";
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** SQL tokens outside comments: quoted strings ('' escapes), back-quoted identifiers, words and symbols. */
function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith("--", i)) {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (sql.startsWith("/*", i)) {
      const close = sql.indexOf("*/", i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (c === "'" || c === "`") {
      let j = i + 1;
      let text = "";
      for (;;) {
        if (j >= sql.length) throw new SqlSyntaxError(`unterminated ${c === "'" ? "string" : "identifier"} at offset ${i}`);
        if (sql[j] === c && sql[j + 1] === c) {
          text += c;
          j += 2;
        } else if (sql[j] === c) {
          j++;
          break;
        } else text += sql[j++];
      }
      tokens.push({ kind: c === "'" ? "string" : "word", text, start: i, end: j });
      i = j;
    } else if (/[A-Za-z0-9_$.]/.test(c)) {
      let j = i;
      while (j < sql.length && /[A-Za-z0-9_$.]/.test(sql[j])) j++;
      tokens.push({ kind: "word", text: sql.slice(i, j), start: i, end: j });
      i = j;
    } else {
      tokens.push({ kind: "symbol", text: c, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

class SqlSyntaxError extends Error {}

/** A `CREATE TABLE` statement's name, columns and `WITH (...)` options, with where the option list closes. */
interface TableDdl {
  readonly table: string;
  /** Column name -> its type as written, in order (constraints and watermarks left out). */
  readonly columns: ReadonlyMap<string, string>;
  /** The `WITH` options (none when the statement has no `WITH` list). */
  readonly options: ReadonlyMap<string, string>;
  /** Where each option stands in the statement (from its key to its value, with a following comma). */
  readonly spans: ReadonlyMap<string, { readonly start: number; readonly end: number }>;
  /** Offset of the closing parenthesis of the WITH list (-1 without one). */
  readonly close: number;
}

/** The columns of a column list (the tokens between its parentheses), split at top-level commas. */
function columnsOf(sql: string, tokens: readonly Token[]): Map<string, string> {
  const columns = new Map<string, string>();
  let depth = 0;
  let first = 0;
  const take = (last: number) => {
    const name = tokens[first];
    if (name?.kind === "word" && last > first && !/^(PRIMARY|WATERMARK|CONSTRAINT)$/i.test(name.text)) columns.set(name.text, sql.slice(tokens[first + 1].start, tokens[last].end).trim());
  };
  tokens.forEach((t, k) => {
    if (t.kind === "symbol" && (t.text === "(" || t.text === "<")) depth++;
    else if (t.kind === "symbol" && (t.text === ")" || t.text === ">")) depth--;
    else if (depth === 0 && t.kind === "symbol" && t.text === ",") {
      take(k - 1);
      first = k + 1;
    }
  });
  take(tokens.length - 1);
  return columns;
}

function parseCreateTable(sql: string): TableDdl | undefined {
  const tokens = tokenize(sql);
  const word = (k: number) => (tokens[k]?.kind === "word" ? tokens[k].text.toUpperCase() : undefined);
  let k = 0;
  if (word(k++) !== "CREATE") return undefined;
  if (word(k) === "TEMPORARY") k++;
  if (word(k++) !== "TABLE") return undefined;
  if (word(k) === "IF") k += 3;
  const table = tokens[k]?.text;
  if (!table) return undefined;
  // The column list, then the WITH at depth 0 after it.
  let depth = 0;
  let open = -1;
  let columns = new Map<string, string>();
  for (k = k + 1; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind === "symbol" && t.text === "(") {
      if (depth++ === 0 && open < 0) open = k;
    } else if (t.kind === "symbol" && t.text === ")") {
      if (--depth === 0 && open >= 0 && columns.size === 0) columns = columnsOf(sql, tokens.slice(open + 1, k));
    } else if (depth === 0 && t.kind === "word" && t.text.toUpperCase() === "WITH" && tokens[k + 1]?.text === "(") break;
  }
  const options = new Map<string, string>();
  const spans = new Map<string, { start: number; end: number }>();
  if (k >= tokens.length) return { table, columns, options, spans, close: -1 };
  k += 2;
  for (;;) {
    const key = tokens[k];
    if (key?.kind === "symbol" && key.text === ")") return { table, columns, options, spans, close: key.start };
    const eq = tokens[k + 1];
    const value = tokens[k + 2];
    if (key?.kind !== "string" || eq?.text !== "=" || value?.kind !== "string") throw new SqlSyntaxError(`the WITH options of ${table} are not 'key' = 'value' pairs`);
    options.set(key.text, value.text);
    k += 3;
    const comma = tokens[k]?.text === "," ? tokens[k++] : undefined;
    spans.set(key.text, { start: key.start, end: comma ? comma.end : value.end });
  }
}

/** The targets of the statements' `INSERT INTO` clauses (the job's sink tables). */
function insertTargets(statements: readonly string[]): Set<string> {
  const targets = new Set<string>();
  for (const st of statements) {
    let tokens: Token[];
    try {
      tokens = tokenize(st);
    } catch {
      continue; // reported with the statement
    }
    tokens.forEach((t, k) => {
      if (t.kind === "word" && t.text.toUpperCase() === "INSERT" && tokens[k + 1]?.text.toUpperCase() === "INTO") {
        const target = tokens[k + 2];
        if (target) targets.add(target.text);
      }
    });
  }
  return targets;
}

/** A SQL string literal. */
export const sqlString = (v: string) => `'${v.replace(/'/g, "''")}'`;
const quote = sqlString;

/** A table a statement list creates: the statement's index, the table's name, columns and `WITH` options. */
export interface SqlTableDefinition {
  readonly statement: number;
  readonly table: string;
  readonly columns: ReadonlyMap<string, string>;
  readonly options: ReadonlyMap<string, string>;
}

/**
 * The tables a statement list creates and the tables it inserts into, read with the same tokenizer that connects
 * them (comments, quoted strings and back-quoted names understood). Statements that do not tokenize are left out
 * (connecting them reports them).
 */
export function sqlTableDefinitions(statements: readonly string[]): { tables: SqlTableDefinition[]; sinks: Set<string> } {
  const tables: SqlTableDefinition[] = [];
  statements.forEach((st, statement) => {
    try {
      const ddl = parseCreateTable(st);
      if (ddl) tables.push({ statement, table: ddl.table, columns: ddl.columns, options: ddl.options });
    } catch {
      // reported where the statements are connected
    }
  });
  return { tables, sinks: insertTargets(statements) };
}
const granted = (grants: readonly TopicGrant[], topic: string) => grants.some((g) => (g.prefix ? topic.startsWith(g.name) : topic === g.name));

/**
 * The connection options of one Kafka table. A source table that chooses no start of its own gets
 * `properties.auto.offset.reset=earliest`: the connector's default start, the group's committed offsets, has
 * no reset policy (flink-connector-kafka 3.4.0-1.20, `KafkaDynamicSource`: `auto.offset.reset` defaults to
 * `NONE`), so a job's first run would fail with NoOffsetForPartitionException; restarts resume from the job's
 * state or the group's offsets, as before.
 */
function connectionOptions(c: SqlKafkaConnection, sink: boolean, connector: string, own: ReadonlyMap<string, string>): Array<[string, string]> {
  const ref = (key: string) => `\${${PROVIDER}:${c.userDir}:${key}}`;
  const out: Array<[string, string]> = [
    ["properties.bootstrap.servers", c.bootstrapServers],
    ["properties.security.protocol", c.securityProtocol],
    ["properties.config.providers", PROVIDER],
    [`properties.config.providers.${PROVIDER}.class`, "org.apache.kafka.common.config.provider.DirectoryConfigProvider"],
  ];
  if (c.scram) {
    out.push(["properties.sasl.mechanism", "SCRAM-SHA-512"], ["properties.sasl.jaas.config", ref("sasl.jaas.config")]);
  } else {
    out.push(["properties.ssl.keystore.type", "PKCS12"], ["properties.ssl.keystore.location", `${c.userDir}/user.p12`], ["properties.ssl.keystore.password", ref("user.password")]);
  }
  if (c.tls) out.push(["properties.ssl.truststore.type", "PEM"], ["properties.ssl.truststore.location", `${c.caDir}/ca.crt`]);
  out.push(["properties.group.id", c.group]);
  const g = c.guarantee;
  if (g?.kind === "exactly-once") {
    out.push(["properties.isolation.level", "read_committed"]);
    if (sink) {
      out.push(["sink.delivery-guarantee", "exactly-once"], ["sink.transactional-id-prefix", g.transactionalIdPrefix], ["properties.transaction.timeout.ms", String(g.transactionTimeoutMs)]);
    }
  } else if (g?.kind === "at-least-once" && sink) {
    out.push(["sink.delivery-guarantee", "at-least-once"]);
  }
  if (!sink && connector === "kafka" && !c.backfill && !own.has("scan.startup.mode") && !own.has("properties.auto.offset.reset")) {
    out.push(["properties.auto.offset.reset", "earliest"]);
  }
  if (c.backfill && !sink && connector === "kafka") {
    const [mode, ms] = c.backfill.startingOffsets.split(":");
    out.push(...(mode === "timestamp" ? [["scan.startup.mode", "timestamp"], ["scan.startup.timestamp-millis", ms]] as Array<[string, string]> : [["scan.startup.mode", "earliest-offset"] as [string, string]]));
    out.push(["scan.bounded.mode", "latest-offset"]);
  }
  return out;
}

/**
 * The statements with Floe's Kafka connection added to every Kafka table, and the problems found (a managed
 * option set by hand, a topic the job's grants do not cover, a WITH clause that is not `'key' = 'value'`
 * pairs). `field` names the statement list in the issues (`job.statements`).
 */
export function connectSqlStatements(statements: readonly string[], c: SqlKafkaConnection, scope: string, field: string): { statements: string[]; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const sinks = insertTargets(statements);
  const connected = statements.map((st, i) => {
    let ddl: TableDdl | undefined;
    try {
      ddl = parseCreateTable(st);
    } catch (e) {
      issues.push({ code: "UnparsableSqlStatement", scope, field: `${field}[${i}]`, value: st, message: (e as Error).message, fix: "write the table options as 'key' = 'value' pairs" });
      return st;
    }
    const connector = ddl?.options.get("connector");
    if (!ddl || !connector || !KAFKA_CONNECTORS.has(connector)) return st;
    const sink = sinks.has(ddl.table);
    for (const key of [...ddl.options.keys()].sort()) {
      if (MANAGED_PREFIXES.some((p) => key === p || key.startsWith(p))) {
        issues.push({
          code: "ManagedSqlKafkaOption",
          scope,
          field: `${field}[${i}]`,
          value: key,
          message: `table ${ddl.table}: Floe sets the Kafka connection, security, consumer group and transactions of SQL jobs`,
          fix: `remove '${key}' from the WITH options`,
        });
      }
    }
    const topics = (ddl.options.get("topic") ?? "").split(";").map((t) => t.trim()).filter(Boolean);
    if (topics.length === 0) {
      issues.push({ code: "SqlTableWithoutTopic", scope, field: `${field}[${i}]`, value: ddl.table, message: `Kafka table ${ddl.table} names no 'topic' (a 'topic-pattern' cannot be checked against the job's grants)`, fix: "name the topic(s) with 'topic'" });
    }
    // A backfill's sinks write their copies (<topic><suffix>): those are what it must be granted.
    const suffix = sink ? (c.backfill?.outputTopicSuffix ?? "") : "";
    for (const topic of c.checkGrants === false ? [] : topics.map((t) => `${t}${suffix}`)) {
      const grants = sink ? c.writes : c.reads;
      if (!granted(grants, topic)) {
        issues.push({
          code: "SqlTopicNotDeclared",
          scope,
          field: `${field}[${i}]`,
          value: topic,
          message: `table ${ddl.table} ${sink ? "writes" : "reads"} topic ${topic}, which the job does not declare in ${sink ? "writes" : "reads"}`,
          fix: `add the topic to the job's ${sink ? "writes" : "reads"}, or use one of ${grants.map((g) => (g.prefix ? `${g.name}*` : g.name)).join(", ") || "(none)"}`,
        });
      }
    }
    const extra = connectionOptions(c, sink, connector, ddl.options);
    let head = st.slice(0, ddl.close);
    const span = ddl.spans.get("topic");
    if (sink && c.backfill?.outputTopicSuffix && span) {
      // The backfill writes its own copies: its 'topic' replaces the live one.
      head = `${st.slice(0, span.start)}${st.slice(span.end, ddl.close)}`;
      extra.push(["topic", topics.map((t) => `${t}${c.backfill!.outputTopicSuffix}`).join(";")]);
    }
    head = head.trimEnd().replace(/,$/, "");
    const rendered = extra.map(([k, v]) => `${quote(k)} = ${quote(v)}`).join(", ");
    return `${head}${head.endsWith("(") ? "" : ", "}${rendered}${st.slice(ddl.close)}`;
  });
  return { statements: connected, issues };
}
