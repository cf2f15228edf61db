import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import { componentLabels, STRIMZI_CLUSTER_LABEL } from "../../core";
import type { IKafkaCluster } from "./kafka-cluster";
import { STRIMZI_API_VERSION } from "./strimzi-types";

/** What a Strimzi resource bound to a cluster (`strimzi.io/cluster`) needs to render. */
export interface ClusterBoundResourceOptions<S> {
  /** Strimzi kind (`KafkaTopic`, `KafkaUser`, `KafkaNodePool`). */
  readonly kind: string;
  /** Object name. */
  readonly name: string;
  /** The cluster; gives the namespace and the `strimzi.io/cluster` label. */
  readonly cluster: IKafkaCluster;
  /** `app.kubernetes.io/name|instance|component` values. */
  readonly labels: { readonly name: string; readonly instance: string; readonly component?: string };
  /** Produces the spec at synth time (so `add*` calls made after construction are included). */
  readonly spec: () => S;
}

/**
 * The API object of a Strimzi resource bound to a Kafka cluster: in the cluster's namespace, labelled with
 * `strimzi.io/cluster` (derived from the cluster reference, never hard-coded) and the standard labels.
 */
export function clusterBoundResource<S>(scope: Construct, options: ClusterBoundResourceOptions<S>): ApiObject {
  return new ApiObject(scope, "Resource", {
    apiVersion: STRIMZI_API_VERSION,
    kind: options.kind,
    metadata: {
      name: options.name,
      namespace: options.cluster.namespace,
      labels: {
        [STRIMZI_CLUSTER_LABEL]: options.cluster.clusterName,
        ...componentLabels(options.labels.name, options.labels.instance, options.labels.component),
      },
    },
    spec: Lazy.any({ produce: options.spec }),
  });
}
