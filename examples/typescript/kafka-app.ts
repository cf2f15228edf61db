/**
 * Using Floe's constructs from your own cdk8s code. In another repo, import from "floe-platform":
 *   import { KafkaCluster, KafkaTopic, KafkaUser, KafkaListener, KafkaStorage } from "floe-platform";
 * Run it here with: npx ts-node examples/typescript/kafka-app.ts
 */
import { App, Chart } from "cdk8s";
import {
  chartManifests,
  collectIssues,
  CleanupPolicy,
  contextLabels,
  KafkaCluster,
  KafkaStorage,
  KafkaTopic,
  KafkaTopicPrefix,
  KafkaUser,
  toYaml,
  ValidationError,
} from "../../lib";

export function buildExample(): { app: App; chart: Chart } {
  const app = new App();
  const chart = new Chart(app, "streaming", { labels: contextLabels({ environment: "staging", region: "eu-west-1" }) });

  const cluster = new KafkaCluster(chart, "Kafka", {
    name: "events",
    namespace: "kafka",
    brokers: { replicas: 3, storage: KafkaStorage.persistentClaim({ size: "200Gi", storageClass: "gp3" }) },
  });

  const orders = new KafkaTopic(chart, "Orders", { cluster, topicName: "shop.orders", partitions: 12, retention: "7d" });
  new KafkaTopic(chart, "Customers", { cluster, topicName: "shop.customers", cleanupPolicy: CleanupPolicy.COMPACT });

  const checkout = new KafkaUser(chart, "Checkout", {
    cluster,
    userName: "shop-checkout",
    aclScope: { topicPrefix: "shop.", groupPrefix: "shop." },
    quotas: { producerByteRate: 10 * 1024 * 1024 },
  });
  orders.grants.produce(checkout);

  const audit = new KafkaUser(chart, "Audit", { cluster, userName: "shop-audit" });
  new KafkaTopicPrefix(cluster, "shop.").grants.consume(audit, { group: "shop.audit" });
  return { app, chart };
}

if (require.main === module) {
  const { app, chart } = buildExample();
  ValidationError.throwIfAny(collectIssues(app).filter((i) => i.severity !== "warning"));
  process.stdout.write(toYaml(chartManifests(chart)));
}
