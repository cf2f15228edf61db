import { execFileSync } from "child_process";
import { join } from "path";
import { chartManifests } from "../lib";
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
  });

  test("the declared types file exists after the build", () => {
    const pkg = require(join(ROOT, "package.json"));
    expect(() => require.resolve(join(ROOT, pkg.types))).not.toThrow();
  });
});
