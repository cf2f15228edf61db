import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { KARPENTER_VERSION, OPERATOR_CRD_URLS } from "../lib/core";
import { crdDir, crdDirs, ROOT } from "./helpers";

// The download itself is never run in tests (no network); its checks run on the pinned CRDs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fetchScript = require("../scripts/crds-fetch.js");

describe("scripts/crds-fetch.js", () => {
  test("pins Strimzi 1.2.0 and the Flink operator release-1.15.0 chart", () => {
    const urls: string[] = fetchScript.SOURCES.map((s: { url: string }) => s.url);
    expect(urls[0]).toBe("https://github.com/strimzi/strimzi-kafka-operator/releases/download/1.2.0/strimzi-crds-1.2.0.yaml");
    const flink = fetchScript.SOURCES.filter((s: { dir: string }) => s.dir === "flink").map((s: { url: string }) => s.url);
    expect(flink).toHaveLength(4);
    expect(flink.every((u: string) => u.includes("/release-1.15.0/helm/flink-kubernetes-operator/crds/"))).toBe(true);
    expect(urls).toHaveLength(1 + 4 + 7 + 2);
  });

  test("pins Karpenter's NodePool and EC2NodeClass CRDs at the release the e2e tier installs (KARPENTER_VERSION)", () => {
    const karpenter = fetchScript.SOURCES.filter((s: { dir: string }) => s.dir === "karpenter");
    expect(karpenter.map((s: { url: string }) => s.url)).toEqual([
      `https://raw.githubusercontent.com/aws/karpenter-provider-aws/v${KARPENTER_VERSION}/pkg/apis/crds/karpenter.sh_nodepools.yaml`,
      `https://raw.githubusercontent.com/aws/karpenter-provider-aws/v${KARPENTER_VERSION}/pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml`,
    ]);
    expect(readFileSync(join(ROOT, "e2e", "install.sh"), "utf8")).toContain(`karpenter_version=v${KARPENTER_VERSION}`);
  });

  test("downloads the operator CRDs the Pulumi delivery applies (the same files at the same refs)", () => {
    const urls: string[] = fetchScript.SOURCES.map((s: { url: string }) => s.url);
    for (const url of [...OPERATOR_CRD_URLS.strimzi, ...OPERATOR_CRD_URLS.flink]) expect(urls).toContain(url);
    // External Secrets: the stack applies the release's bundle (the controller watches every kind in it); the
    // validation data is the same ref's per-kind files.
    expect(OPERATOR_CRD_URLS.externalSecrets[0]).toContain("/v1.0.0/");
    expect(urls.filter((u) => u.includes("external-secrets")).every((u) => u.includes("/v1.0.0/"))).toBe(true);
  });

  test("accepts the pinned Flink CRDs and rejects a download without CRDs or with the wrong version", () => {
    const flink = fetchScript.SOURCES.find((s: { file: string }) => s.file.startsWith("flinkdeployments"));
    const text = readFileSync(join(crdDir(), "flink", flink.file), "utf8");
    expect(fetchScript.checkBundle(text, flink)).toEqual(["FlinkDeployment"]);
    expect(() => fetchScript.checkBundle("<html>rate limited</html>", flink)).toThrow(/no CustomResourceDefinition/);
    const strimzi = fetchScript.SOURCES[0];
    const topic = readFileSync(join(crdDir(), "strimzi", "043-Crd-kafkatopic.yaml"), "utf8");
    expect(() => fetchScript.checkBundle(topic, strimzi)).toThrow(/expected CRD Kafka serving v1/);
  });

  test("fetches the ecosystem CRDs at the refs ../shared/crds-ecosystem pins, and each pinned file passes its check", () => {
    const eco = fetchScript.SOURCES.filter((s: { dir: string }) => s.dir === "external-secrets" || s.dir === "prometheus-operator");
    expect(eco.map((s: { file: string }) => s.file).sort()).toEqual([
      "external-secrets.io_clustersecretstores.yaml",
      "external-secrets.io_externalsecrets.yaml",
      "external-secrets.io_pushsecrets.yaml",
      "external-secrets.io_secretstores.yaml",
      "monitoring.coreos.com_podmonitors.yaml",
      "monitoring.coreos.com_prometheusrules.yaml",
      "monitoring.coreos.com_servicemonitors.yaml",
    ]);
    const ecoDir = crdDirs().find((d) => existsSync(join(d, "external-secrets")))!;
    for (const source of eco) {
      expect(source.url).toMatch(source.dir === "external-secrets" ? /\/external-secrets\/v1\.0\.0\/config\/crds\/bases\// : /\/prometheus-operator\/v0\.93\.0\/example\/prometheus-operator-crd\//);
      expect(fetchScript.checkBundle(readFileSync(join(ecoDir, source.dir, source.file), "utf8"), source)).toEqual(source.expect);
    }
  });

  test("FLOE_CRD_MIRROR fetches each file from <mirror>/<host>/<path>", () => {
    expect(fetchScript.sourceUrl(fetchScript.SOURCES[0], undefined)).toBe(fetchScript.SOURCES[0].url);
    expect(fetchScript.sourceUrl(fetchScript.SOURCES[0], "https://mirror.example/remote/")).toBe(
      "https://mirror.example/remote/github.com/strimzi/strimzi-kafka-operator/releases/download/1.2.0/strimzi-crds-1.2.0.yaml",
    );
  });

  test("a failed download names what it fetches, the URL that failed and how to point it at a mirror; nothing is written", () => {
    const target = join(mkdtempSync(join(tmpdir(), "floe-crds-")), "crds");
    // Port 9 (discard) on loopback: refused at once, no network needed.
    const r = spawnSync(process.execPath, [join(ROOT, "scripts", "crds-fetch.js"), target], { env: { ...process.env, FLOE_CRD_MIRROR: "http://127.0.0.1:9" }, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("crds:fetch: 14 CRD files (Strimzi 1.2.0, Flink operator release-1.15.0");
    expect(r.stderr).toContain("crds:fetch failed: http://127.0.0.1:9/github.com/strimzi/strimzi-kafka-operator/releases/download/1.2.0/strimzi-crds-1.2.0.yaml: fetch failed");
    expect(r.stderr).toContain("set FLOE_CRD_MIRROR to a mirror's base URL");
    expect(existsSync(target)).toBe(false);
  });

  test("the pinned Strimzi CRDs, concatenated as the release bundle is, pass the check", () => {
    const dir = join(crdDir(), "strimzi");
    const bundle = readdirSync(dir).sort().map((f) => readFileSync(join(dir, f), "utf8")).join("\n---\n");
    expect(fetchScript.checkBundle(bundle, fetchScript.SOURCES[0])).toEqual(expect.arrayContaining(["Kafka", "KafkaUser"]));
  });
});

describe("scripts/plugins-lock.js and the Iceberg plugin lock", () => {
  // The lock is made by Maven from the pom (npm run plugins:lock; the e2e install refuses a plugin folder that
  // differs from it): here, that the two name the same release and every direct dependency of the pom is locked.
  const pom = readFileSync(join(ROOT, "e2e", "java", "plugins", "iceberg", "pom.xml"), "utf8");
  const { ICEBERG_PLUGIN_JARS, ICEBERG_VERSION } = jest.requireActual("../lib/core") as typeof import("../lib/core");

  test("the pom's Iceberg release is the lock's, and each of its dependencies is locked at its version", () => {
    expect(/<iceberg\.version>([^<]+)</.exec(pom)![1]).toBe(ICEBERG_VERSION);
    const direct = [...pom.matchAll(/<dependency>\s*<groupId>([^<]+)<\/groupId>\s*<artifactId>([^<]+)<\/artifactId>\s*<version>([^<]+)<\/version>/g)].map((m) => ({
      group: m[1],
      artifact: m[2],
      version: m[3] === "${iceberg.version}" ? ICEBERG_VERSION : m[3],
    }));
    expect(direct.length).toBe(6);
    for (const d of direct) expect(ICEBERG_PLUGIN_JARS).toContainEqual(expect.objectContaining(d));
  });

  test("each locked jar once, with a SHA-512, sorted; what the runtime excludes is absent", () => {
    const ids = ICEBERG_PLUGIN_JARS.map((j) => `${j.group}:${j.artifact}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const j of ICEBERG_PLUGIN_JARS) expect(j.sha512).toMatch(/^[0-9a-f]{128}$/);
    // The worker provides Kafka's APIs; Iceberg's runtime leaves out Hadoop's Jetty, Guava and log4j.
    expect(ids.filter((id) => /^org\.apache\.kafka:|^org\.eclipse\.jetty:|^com\.google\.guava:|^log4j:|^ch\.qos\.reload4j:/.test(id))).toEqual([]);
  });

  test("the script names what it runs and fails clearly without Maven", () => {
    const script = readFileSync(join(ROOT, "scripts", "plugins-lock.js"), "utf8");
    expect(script).toContain('"dependency:list"');
    expect(script).toContain("is Maven Central, or your mirror, reachable?");
  });
});
