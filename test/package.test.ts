/**
 * The package as a downstream repo depends on it (#25): its manifest, its entry points and their public API. The
 * packed tarball installed into a scratch project, compiled with tsc --strict and synthesized, is the e2e tier's
 * (test/e2e/package.test.ts: it needs the registry).
 */
import { execFileSync } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";
import { Construct } from "constructs";
import { App, Chart } from "cdk8s";
import * as internal from "../lib/internal";
import * as root from "../lib";
import { requirePeers } from "../lib/core/peers";
import { KafkaCluster } from "../lib";
import { run } from "../lib/cli";
import { ROOT } from "./helpers";

interface Manifest {
  version: string;
  files: string[];
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  exports: Record<string, unknown>;
}
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Manifest;
const stacks = JSON.parse(readFileSync(join(ROOT, "stacks", "package.json"), "utf8")) as { private: boolean; dependencies: Record<string, string> };
const PULUMI = ["@pulumi/aws", "@pulumi/kubernetes", "@pulumi/pulumi"];

describe("package.json", () => {
  test("cdk8s and constructs are peer dependencies (one copy in the consumer's tree), the Pulumi packages optional peers", () => {
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual([...PULUMI, "cdk8s", "constructs"]);
    for (const name of PULUMI) expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
    expect(pkg.peerDependenciesMeta.cdk8s).toBeUndefined();
    for (const name of [...PULUMI, "cdk8s", "constructs", "typescript", "ts-node"]) expect(pkg.dependencies[name]).toBeUndefined();
  });

  test("the repository's own installs and the Pulumi program's workspace take the peers at the same versions", () => {
    for (const name of Object.keys(pkg.peerDependencies)) {
      expect([name, pkg.devDependencies[name]]).toEqual([name, pkg.peerDependencies[name]]);
      expect([name, stacks.dependencies[name]]).toEqual([name, pkg.peerDependencies[name]]);
    }
    for (const name of ["typescript", "ts-node"]) expect([name, stacks.dependencies[name]]).toEqual([name, pkg.devDependencies[name]]);
    expect(stacks.private).toBe(true);
  });

  test("packing builds first and ships the build, the CLI, the LICENSE and the README only", () => {
    expect(pkg.scripts.prepack).toBe("npm run build");
    expect(pkg.files).toEqual(["bin/", "dist-lib/lib/", "LICENSE", "README.md", "docs/"]);
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toContain("Apache License\n                           Version 2.0, January 2004");
    expect(Object.keys(pkg.exports).sort()).toEqual([".", "./cloud", "./package.json", "./pulumi"]);
  });
});

describe("the root entry point", () => {
  const constructClasses = Object.entries(internal)
    .filter(([, v]) => typeof v === "function" && v.prototype instanceof Construct)
    .map(([name]) => name)
    .sort();

  test("exports every construct", () => {
    expect(constructClasses.length).toBeGreaterThanOrEqual(28);
    for (const name of constructClasses) expect([name, name in root]).toEqual([name, true]);
  });

  test("is the constructs, their factories and enums, the spec functions and the version pins: nothing else at run time", () => {
    expect(Object.keys(root).sort()).toEqual(
      [
        ...constructClasses,
        // factories, references and enums the constructs take
        "CheckpointBucket", "CleanupPolicy", "ConnectImage", "ConnectorState", "DatabaseCredentials", "DebeziumPlugin", "FlinkJob",
        "IcebergCatalog", "IcebergSinkPlugin", "JdbcInsertMode", "JobState", "KafkaAuthentication", "KafkaAuthenticationType",
        "KafkaAuthorization", "KafkaListener", "KafkaNodeRole", "KafkaStorage", "KafkaTopicPrefix", "NodeConsolidation",
        "SinkErrorPolicy", "SourceErrorPolicy", "TopicGrants", "TopicSchema", "UpgradeMode",
        // errors, labels, the names both sides derive
        "ValidationError", "collectIssues", "formatIssue", "isValidationError", "FloeLabels", "contextLabels", "checkpointBucketName", "roleArn", "tenantRoleName",
        // the spec, rendering, validation, diff and lineage
        "DEFAULT_KAFKA_NAMESPACE", "composePlatform", "loadPlatformSpec", "parsePlatformSpec", "parsePlatformSpecYaml", "platformSpecSchema", "tenantTopicName", "tenantUserName",
        "SchemaRegistry", "buildLineage", "chartManifests", "diffDirectories", "formatDiff", "lineageDot", "lineageJson", "lineageMermaid", "renderPlatform", "resolveCrdDirs",
        "synthesize", "toYaml", "validateDirectory", "writeTree",
        "classifyConnectorChange", "classifyPluginChange",
        // version pins
        "DEBEZIUM_VERSION", "DEFAULT_FLINK_VERSION", "DEFAULT_KAFKA_VERSION", "EXTERNAL_SECRETS_VERSION", "FLINK_OPERATOR_VERSION", "ICEBERG_VERSION",
        "KARPENTER_VERSION", "STRIMZI_VERSION", "SUPPORTED_FLINK_VERSIONS", "SUPPORTED_KAFKA_VERSIONS",
      ].sort(),
    );
    for (const internalName of ["escapeRegex", "shortHash", "joinPath", "promString", "sortedConfig", "SpecPathMap"]) expect(internalName in root).toBe(false);
  });

  test("does not load Pulumi (a cdk8s-only consumer has none installed)", () => {
    const script = "require('floe-platform'); const loaded = Object.keys(require.cache); process.stdout.write(JSON.stringify(loaded.filter((f) => /node_modules[\\\\/]@pulumi[\\\\/]/.test(f)).length))";
    expect(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" })).toBe("0");
  });
});

describe("floe-platform/cloud and floe-platform/pulumi", () => {
  test("each is its components and their types only (no IAM helpers, no delivery internals)", () => {
    const script = "const c = require('floe-platform/cloud'), p = require('floe-platform/pulumi'); process.stdout.write(JSON.stringify([Object.keys(c).sort(), Object.keys(p).sort()]))";
    expect(JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }))).toEqual([
      ["AuditTrail", "CheckpointStorage", "PlatformSecrets", "SavepointReplication", "TenantWorkloadRole"],
      ["StreamingPlatform"],
    ]);
  });

  test("a missing optional peer is named with the command that installs it", () => {
    expect(() => requirePeers("floe-platform/pulumi", ["@pulumi/pulumi", "@pulumi/not-installed"])).toThrow(
      'floe-platform/pulumi needs @pulumi/not-installed, optional peer dependencies of floe-platform that this project does not have. Install them (npm install @pulumi/not-installed; the versions floe-platform supports are its package.json peerDependencies), or import only "floe-platform" for the cdk8s constructs.',
    );
    expect(() => requirePeers("floe-platform/cloud", ["@pulumi/pulumi", "@pulumi/aws"])).not.toThrow();
  });
});

describe("API defaults a consumer relies on", () => {
  test("KafkaClusterProps.namespace defaults to the spec's default, kafka", () => {
    const chart = new Chart(new App(), "c");
    const kafka = new KafkaCluster(chart, "Kafka", { name: "events" });
    expect(kafka.namespace).toBe("kafka");
    expect(kafka.bootstrapAddress()).toBe("events-kafka-bootstrap.kafka.svc:9093");
  });
});

describe("floe --version", () => {
  test("prints the package's version on stdout and exits 0", async () => {
    let out = "";
    let err = "";
    expect(await run(["--version"], { out: (t) => (out += t), err: (t) => (err += t) })).toBe(0);
    expect([out, err]).toEqual([`${pkg.version}\n`, ""]);
    expect(execFileSync(process.execPath, [join(ROOT, "bin", "floe"), "-V"], { encoding: "utf8" })).toBe(`${pkg.version}\n`);
  });

  test("--help is on stdout, exit 0", async () => {
    let out = "";
    expect(await run(["--help"], { out: (t) => (out += t), err: () => undefined })).toBe(0);
    expect(out).toMatch(/^Usage: floe \[options\] \[command\]/);
    expect(out).toContain("-V, --version");
  });
});
