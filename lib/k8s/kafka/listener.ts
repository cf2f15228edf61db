import { StrimziListener, StrimziListenerConfiguration } from "./strimzi-types";

/** How clients prove who they are on a listener (and how a KafkaUser authenticates). */
export enum KafkaAuthenticationType {
  /** SASL SCRAM-SHA-512; the User Operator creates a password Secret per KafkaUser. */
  SCRAM_SHA_512 = "scram-sha-512",
  /** Mutual TLS; the User Operator issues a client certificate per KafkaUser. */
  TLS = "tls",
  /** No authentication (development only). */
  NONE = "none",
}

/**
 * Listener authentication.
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaListenerAuthenticationScramSha512-reference
 */
export class KafkaAuthentication {
  /** SCRAM-SHA-512 (Floe's default). */
  public static scramSha512(): KafkaAuthentication {
    return new KafkaAuthentication(KafkaAuthenticationType.SCRAM_SHA_512);
  }
  /** Mutual TLS client certificates (requires a TLS listener). */
  public static tls(): KafkaAuthentication {
    return new KafkaAuthentication(KafkaAuthenticationType.TLS);
  }
  /** No authentication: anyone who reaches the port is `ANONYMOUS`. Refused in production. */
  public static none(): KafkaAuthentication {
    return new KafkaAuthentication(KafkaAuthenticationType.NONE);
  }
  private constructor(public readonly type: KafkaAuthenticationType) {}
}

/** Listener types Strimzi supports (`internal` or one of the external kinds). */
export type KafkaListenerType = StrimziListener["type"];

/** Options shared by every listener. */
export interface KafkaListenerOptions {
  /**
   * Listener name: lower-case letters and digits, at most 11 characters (Strimzi's rule).
   * @default "tls" for internal TLS, "plain" for internal plain, "external" for external listeners
   */
  readonly name?: string;
  /**
   * Port number; 9092 or above, not 9404 (metrics) or 9999 (JMX).
   * @default 9093 for internal TLS, 9092 for internal plain, 9094 for external
   */
  readonly port?: number;
  /**
   * Authentication required on this listener.
   * @default KafkaAuthentication.scramSha512()
   */
  readonly authentication?: KafkaAuthentication;
}

/** Options of an external listener. */
export interface KafkaExternalListenerOptions extends KafkaListenerOptions {
  /** How the listener is exposed outside the Kubernetes cluster. */
  readonly type: Exclude<KafkaListenerType, "internal">;
  /**
   * Encrypt with TLS. Route and ingress listeners always use TLS.
   * @default true
   */
  readonly tls?: boolean;
  /**
   * Public host name of the bootstrap address (required for `route`/`ingress`, optional otherwise). For
   * `route`/`ingress` it is the resource's host; for `loadbalancer` and `nodeport` it is added to the broker
   * certificates (`alternativeNames`), and a load balancer also gets the external-dns hostname annotation.
   * @default - none; `bootstrapAddress()` then cannot name an external address
   */
  readonly bootstrapHost?: string;
  /**
   * Host name template of the per-broker addresses for `route`/`ingress` (`{nodeId}` is replaced).
   * @default - none (required by Strimzi for `ingress`)
   */
  readonly hostTemplate?: string;
  /**
   * Ingress or load balancer class.
   * @default - the cluster's default class; `service.k8s.aws/nlb` for a `loadbalancer` with `sourceCidrs`
   */
  readonly class?: string;
  /**
   * Only clients from these networks (IPv4 CIDRs) may connect: the brokers' NetworkPolicy admits them alone on this
   * port (Strimzi `networkPolicyPeers`, so pods of this cluster are refused). A `loadbalancer` listener is then also
   * internal (the AWS Load Balancer Controller's NLB class, whose scheme defaults to internal, and the scheme
   * annotation on the bootstrap service), limited to the ranges (`loadBalancerSourceRanges`), and keeps the
   * client's address (`externalTrafficPolicy: Local`) so the policy sees it. Not for `route`/`ingress` listeners,
   * whose router, not the client, connects to the brokers.
   * @default - any client that reaches the listener
   */
  readonly sourceCidrs?: readonly string[];
}

/** The AWS Load Balancer Controller's class for Network Load Balancers (internal unless annotated otherwise). */
export const AWS_NLB_CLASS = "service.k8s.aws/nlb";

/**
 * A Kafka listener: where clients connect, with TLS and authentication.
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-GenericKafkaListener-reference
 */
export class KafkaListener {
  /** Internal listener with TLS on 9093 and SCRAM-SHA-512 (Floe's default listener). */
  public static internalTls(options: KafkaListenerOptions = {}): KafkaListener {
    return new KafkaListener(
      options.name ?? "tls",
      options.port ?? 9093,
      "internal",
      true,
      options.authentication ?? KafkaAuthentication.scramSha512(),
    );
  }

  /** Internal listener without TLS on 9092 (development; refused in production without authentication). */
  public static internalPlain(options: KafkaListenerOptions = {}): KafkaListener {
    return new KafkaListener(
      options.name ?? "plain",
      options.port ?? 9092,
      "internal",
      false,
      options.authentication ?? KafkaAuthentication.scramSha512(),
    );
  }

  /** External listener (load balancer, node port, route, ingress or cluster-ip). */
  public static external(options: KafkaExternalListenerOptions): KafkaListener {
    // Route and ingress listeners are reached through their host; load balancer and node port listeners get
    // the name in the certificate (and, for load balancers, an external-dns annotation that publishes it).
    const host = options.bootstrapHost;
    const bootstrap =
      host === undefined
        ? undefined
        : options.type === "route" || options.type === "ingress"
          ? { host }
          : options.type === "loadbalancer"
            ? { alternativeNames: [host], annotations: { "external-dns.alpha.kubernetes.io/hostname": host } }
            : { alternativeNames: [host] };
    const cidrs = options.sourceCidrs ? [...new Set(options.sourceCidrs)].sort() : undefined;
    const privateLb = cidrs !== undefined && options.type === "loadbalancer";
    const bootstrapWithScheme = privateLb
      ? { ...(bootstrap ?? {}), annotations: { ...((bootstrap as { annotations?: Record<string, string> } | undefined)?.annotations ?? {}), "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } }
      : bootstrap;
    const configuration: StrimziListenerConfiguration = {
      ...(bootstrapWithScheme ? { bootstrap: bootstrapWithScheme } : {}),
      ...(options.hostTemplate ? { hostTemplate: options.hostTemplate } : {}),
      ...(options.class ? { class: options.class } : privateLb ? { class: AWS_NLB_CLASS } : {}),
      ...(privateLb ? { externalTrafficPolicy: "Local" as const, loadBalancerSourceRanges: cidrs } : {}),
    };
    return new KafkaListener(
      options.name ?? "external",
      options.port ?? 9094,
      options.type,
      options.tls ?? true,
      options.authentication ?? KafkaAuthentication.scramSha512(),
      Object.keys(configuration).length > 0 ? configuration : undefined,
      options.bootstrapHost,
      cidrs,
    );
  }

  private constructor(
    /** Listener name. */
    public readonly name: string,
    /** Listener port. */
    public readonly port: number,
    /** Listener type. */
    public readonly type: KafkaListenerType,
    /** Whether the listener uses TLS. */
    public readonly tls: boolean,
    /** Authentication on this listener. */
    public readonly authentication: KafkaAuthentication,
    private readonly configuration?: StrimziListenerConfiguration,
    /** Public bootstrap host, for external listeners that declare one. */
    public readonly bootstrapHost?: string,
    /** The only networks clients may connect from, if restricted. */
    public readonly sourceCidrs?: readonly string[],
  ) {}

  /** Per-broker host template of route/ingress listeners, if set. */
  public get hostTemplate(): string | undefined {
    return this.configuration?.hostTemplate;
  }

  /** Whether clients from outside the Kubernetes cluster connect through it. */
  public get external(): boolean {
    return this.type !== "internal" && this.type !== "cluster-ip";
  }

  /** The Strimzi listener entry. */
  public toStrimzi(): StrimziListener {
    return {
      name: this.name,
      port: this.port,
      type: this.type,
      tls: this.tls,
      ...(this.authentication.type === KafkaAuthenticationType.NONE
        ? {}
        : { authentication: { type: this.authentication.type } }),
      ...(this.configuration ? { configuration: this.configuration } : {}),
      ...(this.sourceCidrs ? { networkPolicyPeers: this.sourceCidrs.map((cidr) => ({ ipBlock: { cidr } })) } : {}),
    };
  }
}
