/**
 * Runs a rendered Flink SQL job in a local MiniCluster at the job's Flink version (e2e/java/flink/<version>: Flink,
 * its Kafka connector and Floe's SqlJobRunner, which runs a script as the operator's SQL runner example does).
 * The script is the job's rendered `statements.sql` as it stands in its ConfigMap, with only what the pod would
 * provide replaced: the mount folders of the Kafka credentials (`/etc/floe/kafka/user`, `/etc/floe/kafka/ca`) by
 * folders of the test holding the same files, and the in-cluster bootstrap address by the loopback listener.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { replaceEach } from "./jobs";
import { CACHE, runDir } from "./paths";
import { Service, startService } from "./process";

type Obj = Record<string, any>;

/** JVM options Flink's own config.yaml passes on Java 17 (env.java.opts.all of Flink 1.20). */
const JAVA_17_OPENS = [
  "java.base/java.util",
  "java.base/java.lang",
  "java.base/java.lang.reflect",
  "java.base/java.io",
  "java.base/java.net",
  "java.base/java.nio",
  "java.base/sun.nio.ch",
  "java.base/java.text",
  "java.base/java.time",
  "java.base/java.util.concurrent",
  "java.base/java.util.concurrent.atomic",
  "java.base/java.util.concurrent.locks",
].flatMap((p) => ["--add-opens", `${p}=ALL-UNNAMED`]);

/** What stands in for the pod's mounts and the cluster's Service address. */
export interface SqlJobStandIns {
  /** Files of the job's KafkaUser Secret (as mounted at /etc/floe/kafka/user). */
  readonly userFiles: Readonly<Record<string, string>>;
  /** The cluster CA certificate (mounted at /etc/floe/kafka/ca/ca.crt). */
  readonly caCert: string;
  /** Rendered bootstrap address -> loopback address. */
  readonly addresses: Readonly<Record<string, string>>;
}

/** A running SQL job. */
export interface SqlJob {
  readonly service: Service;
  /** The script as run (with the stand-ins). */
  readonly script: string;
  /** Wait until the runner exits (a bounded job finishes); its exit code. */
  exited(timeoutMs: number): Promise<number | null>;
  stop(): Promise<void>;
}

/** The SQL script of a rendered SQL FlinkDeployment (its `<name>-sql` ConfigMap). */
export function renderedScript(deployment: Obj, objects: readonly Obj[]): string {
  const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.namespace === deployment.metadata.namespace && o.metadata.name === `${deployment.metadata.name}-sql`);
  if (!cm) throw new Error(`e2e: no SQL ConfigMap for ${deployment.metadata.name}`);
  return cm.data["statements.sql"] as string;
}

/** Start the job's script in a MiniCluster; resolves once the runner has submitted its job. */
export async function startSqlJob(deployment: Obj, script: string, standIns: SqlJobStandIns): Promise<SqlJob> {
  const version = deployment.spec.flinkVersion as string;
  const lib = join(CACHE, "flink", version, "lib");
  if (!existsSync(lib)) throw new Error(`e2e: no Flink SQL for ${version} at ${lib}; add e2e/java/flink/${version}/pom.xml (install-java.sh builds it)`);
  const dir = runDir(`flink-${deployment.metadata.name}`);
  const userDir = join(dir, "kafka-user");
  const caDir = join(dir, "kafka-ca");
  mkdirSync(userDir, { mode: 0o700 });
  mkdirSync(caDir);
  for (const [file, content] of Object.entries(standIns.userFiles)) writeFileSync(join(userDir, file), content, { mode: 0o600 });
  writeFileSync(join(caDir, "ca.crt"), standIns.caCert);
  const run = replaceEach(script, { "/etc/floe/kafka/user": userDir, "/etc/floe/kafka/ca": caDir, ...standIns.addresses });
  const file = join(dir, "statements.sql");
  writeFileSync(file, run);
  // Properties, not YAML: Flink's class path has no YAML parser for log4j.
  writeFileSync(
    join(dir, "log4j2.properties"),
    ["appender.out.type = Console", "appender.out.name = out", "appender.out.layout.type = PatternLayout", "appender.out.layout.pattern = [%d] %p %m (%c)%n", "rootLogger.level = WARN", "rootLogger.appenderRef.out.ref = out", ""].join("\n"),
  );
  const log = join(dir, "flink.log");
  // The MiniCluster's working directories (minicluster_*, blob stores) and the RPC system's jar it extracts
  // (flink-rpc-akka<uuid>.jar) go to io.tmp.dirs, which defaults to java.io.tmpdir (flink-core CoreOptions.TMP_DIRS,
  // ConfigurationUtils.parseTempDirectories; flink-rpc-akka-loader 1.20 PekkoRpcSystemLoader): here, in the run's own
  // directory, not /tmp, where each run left them.
  const tmp = join(dir, "tmp");
  mkdirSync(tmp);
  const service = startService(
    `flink-${deployment.metadata.name}`,
    "java",
    ["-Xmx1g", ...JAVA_17_OPENS, `-Djava.io.tmpdir=${tmp}`, `-Dlog4j2.configurationFile=${join(dir, "log4j2.properties")}`, "-cp", `${lib}/*`, "floe.e2e.flink.SqlJobRunner", file],
    log,
  );
  const exited = new Promise<number | null>((done) => service.child.once("exit", (code) => done(code)));
  // Submitted (a bounded job may already have finished), or failed to plan: the runner's log says which.
  const deadline = Date.now() + 180_000;
  while (!readFileSync(log, "utf8").includes("FLOE-JOB-RUNNING")) {
    if (service.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`e2e: ${service.name} did not submit its job (exit ${service.child.exitCode}); log ${log}:\n${service.tail(60)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    service,
    script: run,
    // The timer must not keep the test process alive once the job has exited.
    exited: (ms) => Promise.race([exited, new Promise<null>((done) => setTimeout(() => done(null), ms).unref())]),
    stop: () => service.stop(20_000),
  };
}
