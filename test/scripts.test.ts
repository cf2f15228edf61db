import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { crdDir } from "./helpers";

// The download itself is never run in tests (no network); its checks run on the pinned CRDs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fetchScript = require("../scripts/crds-fetch.js");

describe("scripts/crds-fetch.js", () => {
  test("pins Strimzi 1.2.0 and the Flink operator release-1.15.0 chart", () => {
    const urls: string[] = fetchScript.SOURCES.map((s: { url: string }) => s.url);
    expect(urls[0]).toBe("https://github.com/strimzi/strimzi-kafka-operator/releases/download/1.2.0/strimzi-crds-1.2.0.yaml");
    expect(urls.slice(1).every((u) => u.includes("/release-1.15.0/helm/flink-kubernetes-operator/crds/"))).toBe(true);
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

  test("the pinned Strimzi CRDs, concatenated as the release bundle is, pass the check", () => {
    const dir = join(crdDir(), "strimzi");
    const bundle = readdirSync(dir).sort().map((f) => readFileSync(join(dir, f), "utf8")).join("\n---\n");
    expect(fetchScript.checkBundle(bundle, fetchScript.SOURCES[0])).toEqual(expect.arrayContaining(["Kafka", "KafkaUser"]));
  });
});
