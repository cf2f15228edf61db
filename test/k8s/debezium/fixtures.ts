import {
  ConnectCluster,
  ConnectClusterProps,
  ConnectImage,
  DatabaseCredentials,
  DebeziumPlugin,
  KafkaAuthentication,
  KafkaCluster,
  KafkaClusterProps,
  KafkaListener,
} from "../../../lib/internal";
import { newChart } from "../../helpers";

/** Test fixture checksums (not real artifacts; the build is never run in tests). */
export const FIXTURE_SHA512 = { postgres: "a".repeat(128), mysql: "b".repeat(128), sqlserver: "c".repeat(128) };

export const allPlugins = () => [
  DebeziumPlugin.postgres({ sha512: FIXTURE_SHA512.postgres }),
  DebeziumPlugin.mysql({ sha512: FIXTURE_SHA512.mysql }),
  DebeziumPlugin.sqlserver({ sha512: FIXTURE_SHA512.sqlserver }),
];

export const credentials = () => DatabaseCredentials.fromSecret({ namespace: "payments", name: "orders-db-cdc" });

export function setup(props: Partial<ConnectClusterProps> = {}, clusterProps: Partial<KafkaClusterProps> = {}) {
  const { app, chart } = newChart();
  const cluster = new KafkaCluster(chart, "Kafka", {
    name: "events",
    namespace: "kafka",
    listeners: [KafkaListener.internalTls(), KafkaListener.internalTls({ name: "mtls", port: 9094, authentication: KafkaAuthentication.tls() })],
    ...clusterProps,
  });
  const connect = new ConnectCluster(chart, "Connect", {
    cluster,
    name: "payments-connect",
    tenant: "payments",
    image: ConnectImage.build({ outputRepository: "registry.example.com/platform/connect", plugins: allPlugins() }),
    ...props,
  });
  return { app, chart, cluster, connect };
}
