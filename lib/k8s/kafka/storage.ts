import { StrimziPersistentVolume, StrimziStorage } from "./strimzi-types";

/** One persistent volume. */
export interface KafkaVolumeOptions {
  /** Size as a Kubernetes quantity, e.g. `100Gi`. */
  readonly size: string;
  /**
   * Storage class.
   * @default - the cluster's default storage class
   */
  readonly storageClass?: string;
  /**
   * Delete the PersistentVolumeClaim when the node pool is scaled down or deleted. Loses data: keep false.
   * @default false
   */
  readonly deleteClaim?: boolean;
}

/** A JBOD volume, with its Strimzi volume id. */
export interface KafkaJbodVolumeOptions extends KafkaVolumeOptions {
  /** Volume id (unique within the pool, never reused). */
  readonly id: number;
  /**
   * This volume also stores the KRaft metadata log.
   * @default - true for the volume with the lowest id, false for the others
   */
  readonly kraftMetadata?: boolean;
}

/**
 * Storage of a Kafka node pool.
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-PersistentClaimStorage-reference
 */
export class KafkaStorage {
  /** One persistent volume per node; `deleteClaim` defaults to false. */
  public static persistentClaim(options: KafkaVolumeOptions): KafkaStorage {
    return new KafkaStorage("persistent-claim", [{ ...options, id: 0, kraftMetadata: true }]);
  }

  /** Several persistent volumes per node (JBOD); one of them holds the KRaft metadata log. */
  public static jbod(volumes: readonly KafkaJbodVolumeOptions[]): KafkaStorage {
    const lowest = Math.min(...volumes.map((v) => v.id));
    return new KafkaStorage(
      "jbod",
      volumes.map((v) => ({ ...v, kraftMetadata: v.kraftMetadata ?? v.id === lowest })),
    );
  }

  /** `emptyDir` storage: all data is lost when a pod restarts. Development only; refused in production. */
  public static ephemeral(sizeLimit?: string): KafkaStorage {
    return new KafkaStorage("ephemeral", [], sizeLimit);
  }

  private constructor(
    /** Strimzi storage type. */
    public readonly type: "persistent-claim" | "jbod" | "ephemeral",
    /** The persistent volumes (empty for ephemeral). */
    public readonly volumes: readonly KafkaJbodVolumeOptions[],
    /** Size limit of ephemeral storage. */
    public readonly sizeLimit?: string,
  ) {}

  /** Whether any volume deletes its claim with the pool. */
  public get deletesClaims(): boolean {
    return this.volumes.some((v) => v.deleteClaim === true);
  }

  /** The Strimzi `storage` block. */
  public toStrimzi(): StrimziStorage {
    const volume = (v: KafkaJbodVolumeOptions, withId: boolean): StrimziPersistentVolume => ({
      type: "persistent-claim",
      ...(withId ? { id: v.id } : {}),
      size: v.size,
      ...(v.storageClass ? { class: v.storageClass } : {}),
      deleteClaim: v.deleteClaim ?? false,
      ...(withId && v.kraftMetadata ? { kraftMetadata: "shared" as const } : {}),
    });
    switch (this.type) {
      case "ephemeral":
        return { type: "ephemeral", ...(this.sizeLimit ? { sizeLimit: this.sizeLimit } : {}) };
      case "persistent-claim":
        return volume(this.volumes[0], false);
      case "jbod":
        return { type: "jbod", volumes: [...this.volumes].sort((a, b) => a.id - b.id).map((v) => volume(v, true)) };
    }
  }
}
