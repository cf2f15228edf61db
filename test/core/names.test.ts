import {
  checkDnsLabel,
  checkDnsSubdomain,
  checkStrimziGeneratedNames,
  checkTopicName,
  contextLabels,
  labelValue,
  parseBytes,
  parseDuration,
  topicCollisionKey,
  topicResourceName,
} from "../../lib/internal";

const ctx = { scope: "regions[0].kafka", field: "name" };

describe("DNS-1123 names", () => {
  test("valid labels and subdomains pass", () => {
    expect(checkDnsLabel("events-1", ctx)).toEqual([]);
    expect(checkDnsSubdomain("payments.orders-v2", ctx)).toEqual([]);
  });

  test("fails InvalidDnsLabel with a suggestion", () => {
    const [i] = checkDnsLabel("Events_Cluster", ctx);
    expect(i).toMatchObject({ code: "InvalidDnsLabel", scope: "regions[0].kafka", field: "name", value: "Events_Cluster" });
    expect(i.message).toMatch(/DNS-1123 label/);
    expect(i.fix).toBe('use a name like "events-cluster"');
  });

  test("fails NameTooLong with the limit and the reason", () => {
    const [i] = checkDnsLabel("a".repeat(64), ctx);
    expect(i).toMatchObject({ code: "NameTooLong" });
    expect(i.message).toBe("is 64 characters, the limit is 63");
    expect(checkDnsLabel("abc", ctx, 2, "room for suffixes")[0].message).toBe("is 3 characters, the limit is 2 (room for suffixes)");
    expect(checkDnsSubdomain("a".repeat(254), ctx)[0].code).toBe("NameTooLong");
  });

  test("fails InvalidDnsSubdomain", () => {
    expect(checkDnsSubdomain("payments..orders", ctx)[0].code).toBe("InvalidDnsSubdomain");
    expect(checkDnsSubdomain("-x", ctx)[0].code).toBe("InvalidDnsSubdomain");
  });
});

describe("Kafka topic names", () => {
  test("legal names pass", () => {
    expect(checkTopicName("payments.orders_v2-x", ctx).errors).toEqual([]);
  });

  test("fails InvalidTopicName for illegal characters, '.' and '..'", () => {
    for (const bad of ["orders/2024", "my topic", ".", "..", ""]) {
      const { errors } = checkTopicName(bad, ctx);
      expect(errors[0]).toMatchObject({ code: "InvalidTopicName", value: bad });
      expect(errors[0].message).toMatch(/ASCII letters, digits, '\.', '_' and '-'/);
    }
  });

  test("fails TopicNameTooLong over 249 characters", () => {
    expect(checkTopicName("a".repeat(249), ctx).errors).toEqual([]);
    const { errors } = checkTopicName("a".repeat(250), ctx);
    expect(errors[0]).toMatchObject({ code: "TopicNameTooLong" });
    expect(errors[0].message).toBe("is 250 characters, Kafka allows at most 249");
  });

  test("warns when '.' and '_' are mixed", () => {
    const { errors, warnings } = checkTopicName("payments.order_events", ctx);
    expect(errors).toEqual([]);
    expect(warnings[0]).toMatchObject({ code: "TopicNameMixesPeriodAndUnderscore", severity: "warning" });
  });

  test("collision key treats '.' and '_' alike", () => {
    expect(topicCollisionKey("a.b")).toBe(topicCollisionKey("a_b"));
    expect(topicCollisionKey("a.b")).not.toBe(topicCollisionKey("a-b"));
  });

  test("resource names: the topic name when legal, else sanitised with a stable hash", () => {
    expect(topicResourceName("payments.orders")).toBe("payments.orders");
    const n = topicResourceName("Payments_Orders");
    expect(n).toMatch(/^payments-orders-[0-9a-f]{8}$/);
    expect(topicResourceName("Payments_Orders")).toBe(n);
    expect(topicResourceName("payments_orders")).not.toBe(n);
    expect(checkDnsSubdomain(topicResourceName("A".repeat(249)), ctx)).toEqual([]);
  });
});

describe("Strimzi generated names", () => {
  test("a 47-character cluster name fits, 48 does not (<cluster>-entity-operator)", () => {
    const input = { namespace: "kafka", pools: [], externalListeners: [] };
    expect(checkStrimziGeneratedNames({ ...input, cluster: "a".repeat(47) }, ctx)).toEqual([]);
    const [i] = checkStrimziGeneratedNames({ ...input, cluster: "a".repeat(48) }, ctx);
    expect(i.code).toBe("GeneratedNameTooLong");
    expect(i.message).toMatch(/\(64 characters\), over the 63-character limit/);
    expect(i.fix).toBe("shorten the cluster name by at least 1 characters (or the pool/listener name)");
  });

  test("the limits the spec reference documents: 46 with the default pools, 47 combined, 46 - listener name", () => {
    const ok = (cluster: number, pools: string[], listeners: { name: string; type: string }[] = []) =>
      checkStrimziGeneratedNames({ cluster: "a".repeat(cluster), namespace: "kafka", pools, externalListeners: listeners }, ctx).length === 0;
    expect([ok(46, ["controllers", "brokers"]), ok(47, ["controllers", "brokers"])]).toEqual([true, false]);
    expect([ok(47, ["dual"]), ok(48, ["dual"])]).toEqual([true, false]);
    const replication = [{ name: "replication", type: "loadbalancer" }];
    expect([ok(46 - 11, ["controllers", "brokers"], replication), ok(47 - 11, ["controllers", "brokers"], replication)]).toEqual([true, false]);
  });

  test("pod names reserve 4 digits of node id; external and route listeners are checked", () => {
    const issues = checkStrimziGeneratedNames(
      {
        cluster: "c".repeat(30),
        namespace: "n".repeat(20),
        pools: ["p".repeat(30)],
        externalListeners: [{ name: "external123", type: "route" }],
      },
      ctx,
    );
    expect(issues.map((i) => i.message.split(" Strimzi derives")[0])).toEqual([
      `the pod name of pool "${"p".repeat(30)}"`,
      'the route host prefix of listener "external123"',
    ]);
    expect(issues[0].message).toContain(`"${"c".repeat(30)}-${"p".repeat(30)}-9999" (66 characters)`);
  });
});

describe("units", () => {
  test("durations", () => {
    expect(parseDuration("7d", ctx).ms).toBe(604_800_000);
    expect(parseDuration("12h", ctx).ms).toBe(43_200_000);
    expect(parseDuration("500ms", ctx).ms).toBe(500);
    expect(parseDuration("2w", ctx).ms).toBe(1_209_600_000);
    expect(parseDuration("infinite", ctx).ms).toBe(-1);
    const bad = parseDuration("7 days", ctx);
    expect(bad.ms).toBeUndefined();
    expect(bad.issues[0]).toMatchObject({ code: "InvalidDuration", value: "7 days" });
    expect(bad.issues[0].fix).toMatch(/"7d"/);
  });

  test("byte quantities", () => {
    expect(parseBytes("1Mi", ctx).bytes).toBe(1_048_576);
    expect(parseBytes("2G", ctx).bytes).toBe(2e9);
    expect(parseBytes(1024, ctx).bytes).toBe(1024);
    expect(parseBytes("lots", ctx).issues[0]).toMatchObject({ code: "InvalidQuantity" });
  });
});

describe("labels", () => {
  test("context labels carry environment, region, tenant", () => {
    expect(contextLabels({ environment: "prod", region: "eu-west-1", tenant: "payments" })).toEqual({
      "app.kubernetes.io/managed-by": "floe",
      "app.kubernetes.io/part-of": "floe",
      "floe.dev/environment": "prod",
      "floe.dev/region": "eu-west-1",
      "floe.dev/tenant": "payments",
    });
    expect(contextLabels({})).not.toHaveProperty("floe.dev/tenant");
  });

  test("label values are cut to 63 characters and trimmed to alphanumerics", () => {
    expect(labelValue("x".repeat(70) )).toHaveLength(63);
    expect(labelValue("-a b-")).toBe("a-b");
  });
});
