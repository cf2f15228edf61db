import {
  KafkaAuthentication,
  KafkaAuthorization,
  KafkaCluster,
  KafkaClusterProps,
  KafkaListener,
  KafkaNodeRole,
  KafkaStorage,
  ValidationError,
} from "../../../lib/internal";
import { catchValidation, expectSchemaValid, issuesWithCode, newChart, ofKind, synth, validateApp } from "../../helpers";

function cluster(props: Partial<KafkaClusterProps> = {}) {
  const { app, chart } = newChart({ "floe.dev/environment": "test" });
  const kafka = new KafkaCluster(chart, "Kafka", { name: "events", namespace: "kafka", ...props });
  return { app, chart, kafka };
}

function rendered(props: Partial<KafkaClusterProps> = {}) {
  const { app, chart, kafka } = cluster(props);
  const objects = synth(app, chart);
  const k = ofKind(objects, "Kafka")[0] as any;
  return { objects, kafka, k, spec: k.spec, pools: ofKind(objects, "KafkaNodePool") as any[] };
}

/** Issues raised at synth (cross-construct validation). */
function synthIssues(props: Partial<KafkaClusterProps>): ValidationError {
  const { app } = cluster(props);
  return catchValidation(() => validateApp(app));
}

describe("KafkaCluster defaults", () => {
  const { objects, kafka, k, spec, pools } = rendered();

  test("renders a Kafka and two node pools that validate against the Strimzi CRDs", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "Kafka/events",
      "KafkaNodePool/controllers",
      "KafkaNodePool/brokers",
    ]);
    expectSchemaValid(objects);
    expect(k.apiVersion).toBe("kafka.strimzi.io/v1");
    expect(k.metadata.namespace).toBe("kafka");
    expect(k.metadata.labels["floe.dev/environment"]).toBe("test");
  });

  test("KRaft: 3 controllers and 3 brokers, persistent storage, deleteClaim false", () => {
    const controllers = pools.find((p) => p.metadata.name === "controllers");
    const brokers = pools.find((p) => p.metadata.name === "brokers");
    expect(controllers.spec).toMatchObject({ replicas: 3, roles: ["controller"] });
    expect(controllers.spec.storage).toEqual({ type: "persistent-claim", size: "20Gi", deleteClaim: false });
    expect(brokers.spec).toMatchObject({ replicas: 3, roles: ["broker"] });
    expect(brokers.spec.storage).toEqual({ type: "persistent-claim", size: "100Gi", deleteClaim: false });
    for (const p of pools) expect(p.metadata.labels["strimzi.io/cluster"]).toBe("events");
    expect(kafka.brokerCount).toBe(3);
    expect(kafka.controllerCount).toBe(3);
  });

  test("internal TLS listener on 9093 with SCRAM-SHA-512, simple authorization, rack awareness", () => {
    expect(spec.kafka.listeners).toEqual([
      { name: "tls", port: 9093, type: "internal", tls: true, authentication: { type: "scram-sha-512" } },
    ]);
    expect(spec.kafka.authorization).toEqual({ type: "simple" });
    expect(spec.kafka.rack).toEqual({ topologyKey: "topology.kubernetes.io/zone" });
    expect(spec.kafka.version).toBe("4.3.0");
    expect(spec.kafka.metadataVersion).toBe("4.3-IV0");
  });

  test("production broker defaults", () => {
    expect(spec.kafka.config).toEqual({
      "auto.create.topics.enable": false,
      "default.replication.factor": 3,
      "min.insync.replicas": 2,
      "offsets.topic.replication.factor": 3,
      "transaction.state.log.min.isr": 2,
      "transaction.state.log.replication.factor": 3,
      "unclean.leader.election.enable": false,
    });
  });

  test("entity operator with topic and user operators; metrics on; no cruise control", () => {
    expect(spec.entityOperator.topicOperator.resources.requests).toEqual({ cpu: "100m", memory: "256Mi" });
    expect(spec.entityOperator.userOperator).toBeDefined();
    expect(spec.kafka.metricsConfig.type).toBe("strimziMetricsReporter");
    expect(spec.kafka.metricsConfig.values.allowList.length).toBeGreaterThan(0);
    expect(spec.cruiseControl).toBeUndefined();
  });

  test("every pod and container template meets Pod Security restricted", () => {
    const containers = [
      spec.kafka.template.kafkaContainer,
      spec.kafka.template.initContainer,
      spec.entityOperator.template.topicOperatorContainer,
      spec.entityOperator.template.userOperatorContainer,
    ];
    for (const c of containers) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      });
    }
    for (const pod of [spec.kafka.template.pod, spec.entityOperator.template.pod]) {
      expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    }
    // Node pools with persistent volumes: the Kafka image's group (uid 1001, gid 0) owns them. Strimzi adds this
    // fsGroup only when no pod context is supplied, and Floe supplies one.
    for (const pool of pools) {
      expect(pool.spec.template.pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, fsGroup: 0 });
    }
  });

  test("bootstrap address of the default listener", () => {
    expect(kafka.bootstrapAddress()).toBe("events-kafka-bootstrap.kafka.svc:9093");
    expect(kafka.bootstrapAddress("tls")).toBe("events-kafka-bootstrap.kafka.svc:9093");
  });
});

describe("KafkaCluster zones", () => {
  test("declared zones pin every pool to them (required node affinity on the rack key); none by default", () => {
    const { objects, pools } = rendered({ zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], rackTopologyKey: "topology.kubernetes.io/zone" });
    expectSchemaValid(objects);
    for (const p of pools) {
      expect(p.spec.template.pod.affinity).toEqual({
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }] }],
          },
        },
      });
    }
    expect(rendered().pools.every((p) => p.spec.template.pod.affinity === undefined)).toBe(true);
  });

  test("fails DuplicateZone; warns FewZones in production only", () => {
    expect(issuesWithCode(synthIssues({ zones: ["a", "b", "a"] }), "DuplicateZone")[0]).toMatchObject({ field: "zones", value: "a" });
    const { app } = cluster({ zones: ["eu-west-1a", "eu-west-1b"] });
    const warning = validateApp(app).find((i) => i.code === "FewZones")!;
    expect(warning).toMatchObject({ severity: "warning", field: "zones" });
    expect(warning.message).toMatch(/below min.insync.replicas 2/);
    const dev = cluster({ production: false, zones: ["a"], combinedRoles: true, brokers: { replicas: 1, storage: KafkaStorage.ephemeral() } });
    expect(validateApp(dev.app).some((i) => i.code === "FewZones")).toBe(false);
  });
});

describe("KafkaCluster options", () => {
  test("listeners: plain, mTLS and external variants render and validate", () => {
    const { objects, spec, kafka } = rendered({
      production: false,
      listeners: [
        KafkaListener.internalPlain({ authentication: KafkaAuthentication.none() }),
        KafkaListener.internalTls({ name: "mtls", port: 9094, authentication: KafkaAuthentication.tls() }),
        KafkaListener.external({ type: "loadbalancer", port: 9095, bootstrapHost: "kafka.example.com" }),
        KafkaListener.external({ name: "route", type: "route", port: 9096, bootstrapHost: "kafka-route.example.com" }),
        KafkaListener.external({ name: "cip", type: "cluster-ip", port: 9097 }),
      ],
    });
    expectSchemaValid(objects);
    expect(spec.kafka.listeners[0]).toEqual({ name: "plain", port: 9092, type: "internal", tls: false });
    expect(spec.kafka.listeners[1].authentication).toEqual({ type: "tls" });
    expect(spec.kafka.listeners[2]).toEqual({
      name: "external",
      port: 9095,
      type: "loadbalancer",
      tls: true,
      authentication: { type: "scram-sha-512" },
      // A load balancer's name goes into the certificate and is published by external-dns.
      configuration: {
        bootstrap: { alternativeNames: ["kafka.example.com"], annotations: { "external-dns.alpha.kubernetes.io/hostname": "kafka.example.com" } },
      },
    });
    expect(spec.kafka.listeners[3].configuration).toEqual({ bootstrap: { host: "kafka-route.example.com" } });
    expect(kafka.bootstrapAddress("plain")).toBe("events-kafka-bootstrap.kafka.svc:9092");
    expect(kafka.bootstrapAddress("external")).toBe("kafka.example.com:9095");
    expect(kafka.bootstrapAddress("route")).toBe("kafka-route.example.com:443");
    expect(kafka.bootstrapAddress("cip")).toBe("events-kafka-cip-bootstrap.kafka.svc:9097");
  });

  test("a listener restricted to source networks: internal NLB, source ranges, client address kept, broker NetworkPolicy peers", () => {
    const { objects, spec } = rendered({
      production: false,
      listeners: [
        KafkaListener.internalTls(),
        KafkaListener.external({ name: "peers", type: "loadbalancer", port: 9095, bootstrapHost: "kafka.example.com", sourceCidrs: ["10.20.0.0/16", "10.10.0.0/16", "10.20.0.0/16"] }),
        KafkaListener.external({ name: "np", type: "nodeport", port: 9096, sourceCidrs: ["10.30.0.0/16"] }),
        KafkaListener.external({ name: "own", type: "loadbalancer", port: 9097, class: "my-lb", sourceCidrs: ["10.40.0.0/16"] }),
      ],
    });
    expectSchemaValid(objects);
    expect(spec.kafka.listeners[1]).toEqual({
      name: "peers",
      port: 9095,
      type: "loadbalancer",
      tls: true,
      authentication: { type: "scram-sha-512" },
      configuration: {
        bootstrap: {
          alternativeNames: ["kafka.example.com"],
          annotations: { "external-dns.alpha.kubernetes.io/hostname": "kafka.example.com", "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" },
        },
        class: "service.k8s.aws/nlb",
        externalTrafficPolicy: "Local",
        loadBalancerSourceRanges: ["10.10.0.0/16", "10.20.0.0/16"],
      },
      networkPolicyPeers: [{ ipBlock: { cidr: "10.10.0.0/16" } }, { ipBlock: { cidr: "10.20.0.0/16" } }],
    });
    // A node port: only the brokers' NetworkPolicy; a class of one's own is kept.
    expect(spec.kafka.listeners[2].networkPolicyPeers).toEqual([{ ipBlock: { cidr: "10.30.0.0/16" } }]);
    expect(spec.kafka.listeners[2].configuration).toBeUndefined();
    expect(spec.kafka.listeners[3].configuration.class).toBe("my-lb");
    // Unrestricted external listeners have no peers (Strimzi then admits everyone).
    const open = rendered({ production: false, listeners: [KafkaListener.internalTls(), KafkaListener.external({ type: "loadbalancer", port: 9095 })] });
    expect(open.spec.kafka.listeners[1].networkPolicyPeers).toBeUndefined();
  });

  test("source networks: refused on route and ingress listeners, empty, or not CIDRs", () => {
    const e = catchValidation(() =>
      cluster({
        production: false,
        listeners: [
          KafkaListener.internalTls(),
          KafkaListener.external({ name: "route", type: "route", port: 9095, bootstrapHost: "k.example.com", sourceCidrs: ["10.0.0.0/8"] }),
          KafkaListener.external({ name: "none", type: "loadbalancer", port: 9096, sourceCidrs: [] }),
          KafkaListener.external({ name: "bad", type: "loadbalancer", port: 9097, sourceCidrs: ["10.0.0.1/8"] }),
        ],
      }),
    );
    expect(issuesWithCode(e, "SourceRestrictionUnsupported").map((i) => [i.field, i.message])).toEqual([
      ["listeners[1].sourceCidrs", "a route listener is reached through its router, so the brokers never see the client's network"],
      ["listeners[2].sourceCidrs", "an empty list admits no client"],
    ]);
    expect(issuesWithCode(e, "InvalidCidr")[0]).toMatchObject({ field: "listeners[3].sourceCidrs[0]", fix: "write the network: 10.0.0.0/8" });
  });

  test("bootstrapAddress fails for an unknown listener and for an external one without host", () => {
    const { kafka } = cluster({
      listeners: [KafkaListener.internalTls(), KafkaListener.external({ type: "nodeport", port: 9094 })],
    });
    const unknown = catchValidation(() => kafka.bootstrapAddress("nope"));
    expect(unknown.code).toBe("UnknownListener");
    expect(unknown.fix).toBe("use one of tls, external");
    const noHost = catchValidation(() => kafka.bootstrapAddress("external"));
    expect(noHost.code).toBe("BootstrapAddressUnknown");
    expect(noHost.message).toMatch(/only known after deployment/);
  });

  test("combined roles (development): one dual pool", () => {
    const { pools, objects } = rendered({ production: false, combinedRoles: true, brokers: { replicas: 1 } });
    expect(pools).toHaveLength(1);
    expect(pools[0].metadata.name).toBe("dual");
    expect(pools[0].spec.roles).toEqual(["broker", "controller"]);
    expectSchemaValid(objects);
  });

  test("development defaults scale replication to the broker count", () => {
    const { spec } = rendered({ production: false, combinedRoles: true, brokers: { replicas: 1 } });
    expect(spec.kafka.config["default.replication.factor"]).toBe(1);
    expect(spec.kafka.config["min.insync.replicas"]).toBe(1);
  });

  test("JBOD storage: ids, KRaft metadata on the lowest id, classes", () => {
    const { pools, objects } = rendered({
      brokers: {
        storage: KafkaStorage.jbod([
          { id: 1, size: "1Ti", storageClass: "gp3" },
          { id: 0, size: "1Ti", storageClass: "gp3" },
        ]),
      },
    });
    const brokers = pools.find((p) => p.metadata.name === "brokers");
    expect(brokers.spec.storage).toEqual({
      type: "jbod",
      volumes: [
        { type: "persistent-claim", id: 0, size: "1Ti", class: "gp3", deleteClaim: false, kraftMetadata: "shared" },
        { type: "persistent-claim", id: 1, size: "1Ti", class: "gp3", deleteClaim: false },
      ],
    });
    expectSchemaValid(objects);
  });

  test("ephemeral storage in development", () => {
    const { pools } = rendered({ production: false, combinedRoles: true, brokers: { replicas: 1, storage: KafkaStorage.ephemeral("10Gi") } });
    expect(pools[0].spec.storage).toEqual({ type: "ephemeral", sizeLimit: "10Gi" });
    // An emptyDir is writable by any user: no fsGroup (and no recursive chown) for it.
    expect(pools[0].spec.template.pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
  });

  test("config overrides merge over the defaults, sorted", () => {
    const { spec } = rendered({ config: { "num.partitions": 6, "log.retention.hours": 72 } });
    expect(Object.keys(spec.kafka.config)).toEqual([...Object.keys(spec.kafka.config)].sort());
    expect(spec.kafka.config["num.partitions"]).toBe(6);
    expect(spec.kafka.config["default.replication.factor"]).toBe(3);
  });

  test("super users, rack off, custom topology key, metrics off, cruise control on", () => {
    expect(rendered({ superUsers: ["CN=admin", "admin2"] }).spec.kafka.authorization.superUsers).toEqual(["CN=admin", "admin2"]);
    expect(rendered({ rackAwareness: false }).spec.kafka.rack).toBeUndefined();
    expect(rendered({ rackTopologyKey: "zone" }).spec.kafka.rack).toEqual({ topologyKey: "zone" });
    expect(rendered({ metrics: false }).spec.kafka.metricsConfig).toBeUndefined();
    const cc = rendered({ cruiseControl: true });
    expect(cc.spec.cruiseControl.template.cruiseControlContainer.securityContext.capabilities).toEqual({ drop: ["ALL"] });
    expectSchemaValid(cc.objects);
  });

  test("authorization none (development) renders no authorization", () => {
    expect(rendered({ production: false, authorization: KafkaAuthorization.none() }).spec.kafka.authorization).toBeUndefined();
  });

  test("addNodePool adds a second broker pool counted in brokerCount", () => {
    const { app, chart, kafka } = cluster();
    kafka.addNodePool("Big", { name: "brokers-big", roles: [KafkaNodeRole.BROKER], replicas: 2 });
    const objects = synth(app, chart);
    expect(ofKind(objects, "KafkaNodePool").map((p) => p.metadata.name)).toEqual(["controllers", "brokers", "brokers-big"]);
    expect(kafka.brokerCount).toBe(5);
  });

  test("resources of pools and entity operator", () => {
    const { pools, spec } = rendered({
      brokers: { resources: { requests: { cpu: "4", memory: "16Gi" }, limits: { memory: "16Gi" } } },
      entityOperatorResources: { requests: { cpu: "200m", memory: "512Mi" } },
    });
    expect(pools.find((p) => p.metadata.name === "brokers").spec.resources.requests).toEqual({ cpu: "4", memory: "16Gi" });
    expect(spec.entityOperator.userOperator.resources).toEqual({ requests: { cpu: "200m", memory: "512Mi" } });
  });
});

describe("KafkaCluster validation", () => {
  const construct = (props: Partial<KafkaClusterProps>) => catchValidation(() => cluster(props));

  test("fails InvalidDnsLabel for a bad cluster name, GeneratedNameTooLong for a long one", () => {
    expect(construct({ name: "Events" }).code).toBe("InvalidDnsLabel");
    const e = construct({ name: "e".repeat(48) });
    expect(issuesWithCode(e, "GeneratedNameTooLong")[0].message).toMatch(/-kafka-bootstrap" \(64 characters\)/);
  });

  test("fails UnsupportedKafkaVersion", () => {
    const e = construct({ version: "3.9.0" });
    expect(e.code).toBe("UnsupportedKafkaVersion");
    expect(e.fix).toBe("use one of 4.2.0, 4.3.0");
  });

  test("fails InvalidListenerName, DuplicateListener, ReservedListenerPort", () => {
    expect(construct({ listeners: [KafkaListener.internalTls({ name: "my_listener" })] }).code).toBe("InvalidListenerName");
    const dup = construct({ listeners: [KafkaListener.internalTls(), KafkaListener.internalTls({ port: 9094 })] });
    expect(dup.code).toBe("DuplicateListener");
    const reserved = construct({ listeners: [KafkaListener.internalTls({ port: 9404 })] });
    expect(reserved.code).toBe("ReservedListenerPort");
    expect(reserved.message).toMatch(/9404 \(metrics\)/);
    expect(construct({ listeners: [KafkaListener.internalTls({ port: 8080 })] }).code).toBe("ReservedListenerPort");
  });

  test("fails NoListeners", () => {
    expect(construct({ listeners: [] }).code).toBe("NoListeners");
  });

  test("fails TlsAuthenticationRequiresTls and ExternalListenerRequiresTls", () => {
    expect(construct({ listeners: [KafkaListener.internalPlain({ authentication: KafkaAuthentication.tls() })] }).code).toBe(
      "TlsAuthenticationRequiresTls",
    );
    expect(construct({ listeners: [KafkaListener.external({ type: "ingress", tls: false })] }).code).toBe("ExternalListenerRequiresTls");
  });

  test("fails IngressListenerNeedsHosts; an ingress with both hosts renders and validates", () => {
    const e = construct({ listeners: [KafkaListener.internalTls(), KafkaListener.external({ type: "ingress", bootstrapHost: "kafka.example.com" })] });
    expect(e).toMatchObject({ code: "IngressListenerNeedsHosts", field: "listeners[1].hostTemplate" });
    const { spec, objects, kafka } = rendered({
      listeners: [
        KafkaListener.internalTls(),
        KafkaListener.external({ type: "ingress", bootstrapHost: "kafka.example.com", hostTemplate: "broker-{nodeId}.kafka.example.com", class: "nginx" }),
      ],
    });
    expect(spec.kafka.listeners[1].configuration).toEqual({
      bootstrap: { host: "kafka.example.com" },
      hostTemplate: "broker-{nodeId}.kafka.example.com",
      class: "nginx",
    });
    expect(kafka.bootstrapAddress("external")).toBe("kafka.example.com:443");
    expectSchemaValid(objects);
  });

  test("fails UnauthenticatedListenerInProduction; allowed in development", () => {
    const listeners = [KafkaListener.internalPlain({ authentication: KafkaAuthentication.none() })];
    const e = construct({ listeners });
    expect(e.code).toBe("UnauthenticatedListenerInProduction");
    expect(e.field).toBe("listeners[0].authentication");
    expect(() => cluster({ listeners, production: false })).not.toThrow();
  });

  test("fails AuthorizationDisabledInProduction", () => {
    expect(construct({ authorization: KafkaAuthorization.none() }).code).toBe("AuthorizationDisabledInProduction");
  });

  test("fails SuperUsersWithoutSimpleAuthorization", () => {
    expect(construct({ superUsers: ["x"], authorization: KafkaAuthorization.simple() }).code).toBe("SuperUsersWithoutSimpleAuthorization");
  });

  test("fails CombinedRolesInProduction", () => {
    expect(construct({ combinedRoles: true }).code).toBe("CombinedRolesInProduction");
  });

  test("fails ForbiddenKafkaConfig for keys Strimzi manages, allows its exceptions", () => {
    const e = construct({ config: { "listeners": "PLAINTEXT://:9092", "ssl.keystore.location": "/x", "ssl.protocol": "TLSv1.3" } });
    expect(issuesWithCode(e, "ForbiddenKafkaConfig").map((i) => i.field)).toEqual(["config.listeners", "config.ssl.keystore.location"]);
    expect(e.message).toMatch(/managed by Strimzi/);
  });

  test("fails ControllerQuorum for an even or too small quorum", () => {
    expect(synthIssues({ controllers: { replicas: 2 } }).code).toBe("ControllerQuorum");
    const e = synthIssues({ controllers: { replicas: 1 } });
    expect(e.message).toMatch(/at least 3 in production/);
  });

  test("fails TooFewBrokers in production", () => {
    const e = synthIssues({ brokers: { replicas: 2 }, config: { "default.replication.factor": 2, "min.insync.replicas": 1 } });
    expect(e.code).toBe("TooFewBrokers");
    expect(e.fix).toBe("set brokers.replicas to 3 or more");
  });

  test("fails EphemeralStorageInProduction and DeleteClaimInProduction", () => {
    expect(synthIssues({ brokers: { storage: KafkaStorage.ephemeral() } }).code).toBe("EphemeralStorageInProduction");
    const e = synthIssues({ brokers: { storage: KafkaStorage.persistentClaim({ size: "1Ti", deleteClaim: true }) } });
    expect(e.code).toBe("DeleteClaimInProduction");
    expect(e.scope).toBe("test/Kafka/Brokers");
  });

  test("fails ReplicationFactorExceedsBrokers and MinInsyncReplicasNotBelowReplicas", () => {
    expect(issuesWithCode(synthIssues({ config: { "default.replication.factor": 4 } }), "ReplicationFactorExceedsBrokers")).toHaveLength(1);
    const e = synthIssues({ config: { "min.insync.replicas": 3 } });
    expect(e.code).toBe("MinInsyncReplicasNotBelowReplicas");
    expect(e.fix).toBe("set it to 2");
  });

  test("fails DuplicateNodePool", () => {
    const { app, kafka } = cluster();
    kafka.addNodePool("Again", { name: "brokers", roles: [KafkaNodeRole.BROKER] });
    expect(catchValidation(() => validateApp(app)).code).toBe("DuplicateNodePool");
  });

  test("node pool rules: InvalidReplicas, InvalidNodeRoles, InvalidQuantity, DuplicateVolumeId, KraftMetadataVolume, EmptyJbod", () => {
    expect(construct({ brokers: { replicas: -1 } }).code).toBe("InvalidReplicas");
    const { kafka } = cluster();
    expect(catchValidation(() => kafka.addNodePool("X", { name: "x", roles: [] })).code).toBe("InvalidNodeRoles");
    expect(construct({ brokers: { storage: KafkaStorage.persistentClaim({ size: "lots" }) } }).code).toBe("InvalidQuantity");
    expect(
      construct({ brokers: { storage: KafkaStorage.jbod([{ id: 0, size: "1Gi" }, { id: 0, size: "1Gi" }]) } }).code,
    ).toBe("DuplicateVolumeId");
    expect(
      construct({
        brokers: { storage: KafkaStorage.jbod([{ id: 0, size: "1Gi", kraftMetadata: true }, { id: 1, size: "1Gi", kraftMetadata: true }]) },
      }).code,
    ).toBe("KraftMetadataVolume");
    expect(issuesWithCode(construct({ brokers: { storage: KafkaStorage.jbod([]) } }), "EmptyJbod")).toHaveLength(1);
  });

  test("several failures of one cluster are reported together", () => {
    const e = construct({ name: "Bad_Name", version: "1.0", listeners: [KafkaListener.internalTls({ port: 1 })] });
    expect(e.issues.map((i) => i.code)).toEqual(
      expect.arrayContaining(["InvalidDnsLabel", "UnsupportedKafkaVersion", "ReservedListenerPort"]),
    );
  });
});

describe("KafkaCluster authorizer audit log", () => {
  test("denied requests are logged by default: Strimzi's authorizer logger pinned at INFO (the level Kafka logs denials at)", () => {
    const { spec } = rendered();
    expect(spec.kafka.logging).toEqual({ type: "inline", loggers: { "logger.authorizer.level": "INFO" } });
    expectSchemaValid(ofKind(rendered().objects, "Kafka"));
  });

  test("authorizerLog: all logs every decision (grants at DEBUG)", () => {
    expect(rendered({ authorizerLog: "all" }).spec.kafka.logging.loggers).toEqual({ "logger.authorizer.level": "DEBUG" });
  });

  test("without authorization there is no authorizer log, and asking for one is refused", () => {
    expect(rendered({ production: false, authorization: KafkaAuthorization.none() }).spec.kafka.logging).toBeUndefined();
    const e = catchValidation(() => cluster({ production: false, authorization: KafkaAuthorization.none(), authorizerLog: "all" }));
    expect(issuesWithCode(e, "AuthorizerLogWithoutAuthorization")[0]).toMatchObject({ field: "authorizerLog", value: "all", message: "is an authorizer's log, and this cluster has no authorizer" });
  });
});
