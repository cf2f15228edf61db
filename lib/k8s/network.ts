import type { IKafkaCluster } from "./kafka/kafka-cluster";

/** NetworkPolicy egress rule to the cluster DNS (kube-dns / CoreDNS in kube-system), UDP and TCP 53. */
export const DNS_EGRESS_RULE = {
  to: [
    {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    },
  ],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
} as const;

/** The TCP ports of a Kafka cluster's listeners, sorted, as NetworkPolicy ports. */
export function kafkaListenerPorts(cluster: IKafkaCluster): Array<{ protocol: "TCP"; port: number }> {
  return [...new Set(cluster.listeners.map((l) => l.port))].sort((a, b) => a - b).map((port) => ({ protocol: "TCP" as const, port }));
}
