// What changing a Connect cluster's Debezium plugins does: which plugins move between which releases, the config
// defaults that changed between them, and whether the connectors' offsets carry over. `floe diff` consumes it.

import { ChangeRisk, ConnectorChangeClassification } from "./offsets";

/**
 * Config defaults that changed between Debezium releases, for the keys of the connectors Floe types (read off each
 * release's connector config classes at its tag: CommonConnectorConfig, RelationalDatabaseConnectorConfig,
 * HistorizedRelationalDatabaseConnectorConfig, PostgresConnectorConfig, MySqlConnectorConfig and
 * BinlogConnectorConfig, SqlServerConnectorConfig, JdbcSinkConnectorConfig and SinkConnectorConfig; every
 * `Field` with a `withDefault` or a `withEnum` default, 3.2.0.Final against 3.3.0 to 3.6.1). Floe renders several
 * of these keys itself; the others take the new default unless the source's `config` sets them.
 */
export const DEBEZIUM_DEFAULT_CHANGES: readonly {
  /** The first release with the new default. */
  readonly since: string;
  /** The plugin (`debezium-<kind>`) whose connectors it affects. */
  readonly plugin: string;
  readonly key: string;
  readonly before: string;
  readonly after: string;
}[] = [
  { since: "3.4.0.Final", plugin: "debezium-sqlserver", key: "data.query.mode", before: "function", after: "direct" },
  {
    since: "3.6.0.Final",
    plugin: "debezium-jdbc",
    key: "connection.provider",
    before: "org.hibernate.c3p0.internal.C3P0ConnectionProvider",
    after: "org.hibernate.agroal.internal.AgroalConnectionProvider",
  },
];

/** The releases the table above covers (a move outside them is reported as not recorded). */
const RECORDED = /^3\.[2-6]\.\d+\.Final$/;

/** A `x.y.z.Final` / `x.y.z.CRn` release as numbers (qualifier CR sorts before Final). */
function releaseKey(v: string): number[] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(Final|CR(\d+))$/.exec(v);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === "Final" ? 1000 : Number(m[5])];
}

function compare(a: string, b: string): number {
  const x = releaseKey(a) ?? [];
  const y = releaseKey(b) ?? [];
  for (let i = 0; i < 4; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

type BuildPlugins = { spec?: { build?: { plugins?: readonly { name: string; artifacts?: readonly { url?: string; sha512sum?: string }[] }[] } } };

/**
 * The plugins of a rendered KafkaConnect's build: name -> release. A Debezium plugin's is its archive's Maven
 * version; the Iceberg sink's (many jars) is the version of its `iceberg-kafka-connect` jar.
 */
export function buildPluginVersions(connect: BuildPlugins | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of connect?.spec?.build?.plugins ?? []) {
    const urls = (p.artifacts ?? []).map((a) => a.url ?? "");
    const debezium = urls.map((u) => /\/io\/debezium\/[^/]+\/([^/]+)\/[^/]+$/.exec(u)?.[1]).find((v) => v !== undefined);
    const iceberg = urls.map((u) => /\/org\/apache\/iceberg\/iceberg-kafka-connect\/([^/]+)\/[^/]+$/.exec(u)?.[1]).find((v) => v !== undefined);
    out.set(p.name, debezium ?? iceberg ?? urls[0] ?? "");
  }
  return out;
}

/** The checksums of each build plugin's artifacts (what Strimzi verifies), sorted: a mirror change keeps them. */
function buildPluginChecksums(connect: BuildPlugins | undefined): Map<string, string[]> {
  return new Map((connect?.spec?.build?.plugins ?? []).map((p) => [p.name, (p.artifacts ?? []).map((a) => a.sha512sum ?? a.url ?? "").sort()]));
}

/**
 * The change of a Connect cluster's plugins between two renders: each plugin added, removed, upgraded or
 * downgraded, with the defaults that changed in between and what becomes of the offsets.
 */
export function classifyPluginChange(
  base: { spec?: Record<string, any> } | undefined,
  head: { spec?: Record<string, any> } | undefined,
): ConnectorChangeClassification {
  const reasons: string[] = [];
  let risk: ChangeRisk = "safe";
  const raise = (to: ChangeRisk) => {
    const order: ChangeRisk[] = ["safe", "disruptive", "destructive"];
    if (order.indexOf(to) > order.indexOf(risk)) risk = to;
  };
  if (!base || !head) return { risk, reasons };
  if (!base.spec?.build && !head.spec?.build) {
    if (base.spec?.image !== head.spec?.image) {
      raise("disruptive");
      reasons.push(
        `Connect image ${String(base.spec?.image)} -> ${String(head.spec?.image)}: the workers restart with its plugins; Floe cannot see which plugin releases a prebuilt image holds (build it with connect.build to have the upgrade classified), so check Debezium's release notes for changed defaults and offset formats`,
      );
    }
    return { risk, reasons };
  }
  const before = buildPluginVersions(base as never);
  const after = buildPluginVersions(head as never);
  const sumsBefore = buildPluginChecksums(base as never);
  const sumsAfter = buildPluginChecksums(head as never);
  for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const from = before.get(name);
    const to = after.get(name);
    if (from === to) {
      const a = sumsBefore.get(name) ?? [];
      const b = sumsAfter.get(name) ?? [];
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        raise("disruptive");
        const changed = Math.max(b.filter((x) => !a.includes(x)).length, a.filter((x) => !b.includes(x)).length);
        reasons.push(`plugin ${name} ${to}: ${changed} of its artifacts' checksums changed at the same release (a regenerated lock or another archive): the workers are rebuilt and restart; check why the artifacts differ`);
      }
      continue;
    }
    raise("disruptive");
    if (from === undefined) {
      reasons.push(`plugin ${name} ${to} added: the workers are rebuilt and restart`);
      continue;
    }
    if (to === undefined) {
      reasons.push(`plugin ${name} ${from} removed: connectors that need it fail (Floe refuses a render where one still does)`);
      continue;
    }
    if (name === "iceberg-sink") {
      reasons.push(
        `plugin ${name} ${from} -> ${to} (Apache Iceberg's Kafka Connect sink, Floe's lock): the workers are rebuilt and restart; the sink's position carries over (its consumer group's offsets, and the offsets its coordinator wrote into the tables' snapshots, are keyed by control topic and group, not by release); Floe has no record of the sink's defaults that changed between these releases: read Iceberg's release notes (kafka-connect IcebergSinkConfig)`,
      );
      continue;
    }
    const down = compare(to, from) < 0;
    const major = (releaseKey(from)?.[0] ?? 0) !== (releaseKey(to)?.[0] ?? 0);
    if (down) raise("destructive");
    const offsets = down
      ? "a downgrade: offsets and schema history written by the newer release may not be readable by the older one"
      : major
        ? "a major upgrade: read Debezium's upgrade notes for offset and schema history changes before applying"
        : "offsets carry over (Connect keys source offsets by connector name and Debezium by topic.prefix, and sinks keep their consumer group's; none changes with the plugin)";
    const [lo, hi] = down ? [to, from] : [from, to];
    const changes = DEBEZIUM_DEFAULT_CHANGES.filter((c) => c.plugin === name && compare(c.since, lo) > 0 && compare(c.since, hi) <= 0);
    const recorded = RECORDED.test(from) && RECORDED.test(to);
    const defaults =
      changes.length > 0
        ? `; defaults that changed in between: ${changes.map((c) => `${c.key} ${down ? c.after : c.before} -> ${down ? c.before : c.after} (${c.since})`).join(", ")} (set them in the connector's config to keep the old behaviour)`
        : recorded
          ? "; no default of its connector config changed in between"
          : "; Floe has no record of the defaults that changed between these releases: read Debezium's release notes";
    reasons.push(`plugin ${name} ${from} -> ${to}: the workers are rebuilt and restart; ${offsets}${defaults}`);
  }
  return { risk, reasons };
}
