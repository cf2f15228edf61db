import { execFileSync } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { chartManifests, composePlatform, parsePlatformSpec } from "../lib/internal";
import { buildExample } from "../examples/typescript/kafka-app";
import { expectSchemaValid, ROOT, validateApp } from "./helpers";

describe("examples/typescript/kafka-app.ts", () => {
  test("builds a valid cluster, topics and users with grants", () => {
    const { app, chart } = buildExample();
    validateApp(app);
    const objects = chartManifests(chart);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      "Kafka/events",
      "KafkaNodePool/brokers",
      "KafkaNodePool/controllers",
      "KafkaTopic/shop.customers",
      "KafkaTopic/shop.orders",
      "KafkaUser/shop-audit",
      "KafkaUser/shop-checkout",
    ]);
    expectSchemaValid(objects);
  });
});

describe("package entry point", () => {
  test("other repos can require('floe-platform') and get the constructs (package.json exports)", () => {
    const out = execFileSync(process.execPath, ["-e", "const f = require('floe-platform'); process.stdout.write([typeof f.KafkaCluster, typeof f.KafkaTopic, typeof f.KafkaUser, typeof f.synthesize].join(','))"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(out).toBe("function,function,function,function");
    const cloud = execFileSync(process.execPath, ["-e", "const c = require('floe-platform/cloud'); process.stdout.write([typeof c.CheckpointStorage, typeof c.TenantWorkloadRole, typeof c.PlatformSecrets].join(','))"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(cloud).toBe("function,function,function");
  });

  test("the declared types file exists after the build", () => {
    const pkg = require(join(ROOT, "package.json"));
    expect(() => require.resolve(join(ROOT, pkg.types))).not.toThrow();
  });
});

describe("docs/spec.md", () => {
  test("the annotated spec of the spec reference parses and composes", () => {
    const readme: string = readFileSync(join(ROOT, "docs", "spec.md"), "utf8");
    const section = readme;
    const yaml = section.slice(section.indexOf("```yaml") + 7, section.indexOf("```", section.indexOf("```yaml") + 7));
    const spec = parsePlatformSpec(parse(yaml), { baseDir: join(ROOT, "examples") });
    expect(spec.tenants?.[0].jobs?.[0].name).toBe("fraud-scorer");
    const { platform } = composePlatform(spec);
    expect(platform.regions.map((r) => r.region)).toEqual(["eu-west-1", "us-east-1"]);
    // The replication entry renders: the standby's MirrorMaker 2 and the suspended job.
    const us = platform.regions[1].charts.flatMap((c) => c.chart.toJson()) as any[];
    // (and the mirror of the leading registry's schemas topic)
    expect(us.filter((o) => o.kind === "KafkaMirrorMaker2").map((o) => o.metadata.name).sort()).toEqual(["payments-mirror-eu-west-1", "schema-registry-mirror-eu-west-1"]);
    expect(us.find((o) => o.kind === "FlinkDeployment").spec.job.state).toBe("suspended");
  });
});
