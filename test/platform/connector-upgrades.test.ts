import { classifyPluginChange, DEBEZIUM_DEFAULT_CHANGES, diffTrees, IcebergSinkPlugin, parsePlatformSpec, synthesize, treeObjects } from "../../lib/internal";
import { devSpecWithSource } from "../helpers/specs";

const SHA = "a".repeat(128);

/** The development spec whose Connect image Strimzi builds from pinned plugins. */
function spec(plugins: { connector: string; version?: string }[]): any {
  const s = devSpecWithSource();
  s.regions[0].connect = { build: { outputRepository: "registry.example.com/platform/connect", plugins: plugins.map((p) => (p.connector === "iceberg" ? p : { ...p, sha512: SHA })) } };
  return s;
}
const connectChange = (a: unknown, b: unknown) =>
  diffTrees(treeObjects(synthesize(parsePlatformSpec(a)).files), treeObjects(synthesize(parsePlatformSpec(b)).files)).changes.find((c) => c.kind === "KafkaConnect")!;

describe("connector upgrades in floe diff: a pinned plugin version changed", () => {
  test("a minor upgrade: disruptive (the workers rebuild), offsets carry over, no default changed in between", () => {
    const c = connectChange(spec([{ connector: "postgres" }]), spec([{ connector: "postgres", version: "3.3.2.Final" }]));
    expect(c.risk).toBe("disruptive");
    expect(c.reasons).toEqual([
      expect.stringMatching(/^plugin debezium-postgres 3\.2\.0\.Final -> 3\.3\.2\.Final: the workers are rebuilt and restart; offsets carry over .*; no default of its connector config changed in between$/),
    ]);
  });

  test("an upgrade across a changed default names it, with the old value to set to keep the behaviour", () => {
    const c = connectChange(spec([{ connector: "postgres" }, { connector: "sqlserver" }]), spec([{ connector: "postgres" }, { connector: "sqlserver", version: "3.4.1.Final" }]));
    expect(c.reasons[0]).toContain("defaults that changed in between: data.query.mode function -> direct (3.4.0.Final)");
    const sink = classifyPluginChange(
      { spec: { build: { plugins: [{ name: "debezium-jdbc", artifacts: [{ url: "https://repo1.maven.org/maven2/io/debezium/debezium-connector-jdbc/3.2.0.Final/x.tar.gz" }] }] } } },
      { spec: { build: { plugins: [{ name: "debezium-jdbc", artifacts: [{ url: "https://repo1.maven.org/maven2/io/debezium/debezium-connector-jdbc/3.6.1.Final/x.tar.gz" }] }] } } },
    );
    expect(sink.reasons[0]).toContain("connection.provider org.hibernate.c3p0.internal.C3P0ConnectionProvider -> org.hibernate.agroal.internal.AgroalConnectionProvider (3.6.0.Final)");
    expect(DEBEZIUM_DEFAULT_CHANGES.length).toBeGreaterThan(0);
  });

  test("a downgrade is destructive (newer offsets may not be readable); a release outside the record says so", () => {
    const down = connectChange(spec([{ connector: "postgres", version: "3.4.0.Final" }]), spec([{ connector: "postgres" }]));
    expect(down.risk).toBe("destructive");
    expect(down.reasons[0]).toContain("a downgrade");
    const major = connectChange(spec([{ connector: "postgres" }]), spec([{ connector: "postgres", version: "4.0.0.Final" }]));
    expect(major.risk).toBe("disruptive");
    expect(major.reasons[0]).toContain("a major upgrade");
    expect(major.reasons[0]).toContain("Floe has no record of the defaults that changed between these releases");
  });

  test("a plugin added; a prebuilt image replaced (its plugin releases unknown to Floe); nothing changed", () => {
    const added = connectChange(spec([{ connector: "postgres" }]), spec([{ connector: "postgres" }, { connector: "mysql" }]));
    expect(added.reasons).toEqual(["plugin debezium-mysql 3.2.0.Final added: the workers are rebuilt and restart"]);
    const prebuilt = (image: string) => {
      const s = devSpecWithSource();
      s.regions[0].connect.image = image;
      return s;
    };
    const image = connectChange(prebuilt("registry.example.com/platform/connect:3.2.0-1"), prebuilt("registry.example.com/platform/connect:3.3.0-1"));
    expect(image).toMatchObject({ risk: "disruptive", reasons: [expect.stringContaining("Floe cannot see which plugin releases a prebuilt image holds")] });
    expect(connectChange(spec([{ connector: "postgres" }]), spec([{ connector: "postgres" }]))).toBeUndefined();
  });
});

describe("the Iceberg sink plugin in floe diff (its release is Floe's lock)", () => {
  const render = (artifacts: readonly { type: string; url: string; sha512sum: string }[]) => ({ spec: { build: { plugins: [{ name: "iceberg-sink", artifacts }] } } });
  const locked = IcebergSinkPlugin.of().artifacts;

  test("added to a build: its release is the iceberg-kafka-connect jar's", () => {
    const added = connectChange(spec([{ connector: "postgres" }]), spec([{ connector: "postgres" }, { connector: "iceberg" }]));
    expect(added.reasons).toEqual([`plugin iceberg-sink ${IcebergSinkPlugin.of().version} added: the workers are rebuilt and restart`]);
  });

  test("a lock upgrade: disruptive, the sink's position carries over, Iceberg's release notes named", () => {
    const next = locked.map((a) => (a.url.includes("/iceberg-kafka-connect/") ? { ...a, url: a.url.replace(/\/1\.10\.1\//, "/1.11.0/"), sha512sum: "f".repeat(128) } : a));
    const c = classifyPluginChange(render(locked), render(next));
    expect(c.risk).toBe("disruptive");
    expect(c.reasons).toEqual([expect.stringMatching(/^plugin iceberg-sink 1\.10\.1 -> 1\.11\.0 \(Apache Iceberg's Kafka Connect sink, Floe's lock\): .*the sink's position carries over.*read Iceberg's release notes/)]);
  });

  test("the same release with other jars is reported (a regenerated lock); a mirror with the same jars is not", () => {
    const other = locked.map((a, i) => (i === 0 ? { ...a, sha512sum: "e".repeat(128) } : a));
    expect(classifyPluginChange(render(locked), render(other)).reasons).toEqual([expect.stringContaining("1 of its artifacts' checksums changed at the same release")]);
    const mirror = IcebergSinkPlugin.of({ repository: "https://mirror.example.com/maven" }).artifacts;
    expect(classifyPluginChange(render(locked), render(mirror))).toEqual({ risk: "safe", reasons: [] });
  });
});
