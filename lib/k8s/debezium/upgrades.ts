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

/** The plugins of a rendered KafkaConnect's build: name -> Debezium release (from the archive's Maven path). */
export function buildPluginVersions(connect: { spec?: { build?: { plugins?: readonly { name: string; artifacts?: readonly { url?: string }[] }[] } } } | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of connect?.spec?.build?.plugins ?? []) {
    const url = p.artifacts?.[0]?.url ?? "";
    const m = /\/io\/debezium\/[^/]+\/([^/]+)\/[^/]+$/.exec(url);
    out.set(p.name, m ? m[1] : url);
  }
  return out;
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
  for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const from = before.get(name);
    const to = after.get(name);
    if (from === to) continue;
    raise("disruptive");
    if (from === undefined) {
      reasons.push(`plugin ${name} ${to} added: the workers are rebuilt and restart`);
      continue;
    }
    if (to === undefined) {
      reasons.push(`plugin ${name} ${from} removed: connectors that need it fail (Floe refuses a render where one still does)`);
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
