import {
  KafkaAuthentication,
  KafkaAuthenticationType,
  KafkaAuthorization,
  KafkaCluster,
  KafkaClusterProps,
  KafkaListener,
  KafkaTopic,
  KafkaTopicPrefix,
  KafkaUser,
  KafkaUserProps,
} from "../../../lib/internal";
import { catchValidation, expectSchemaValid, newChart, ofKind, synth, validateApp } from "../../helpers";

function setup(clusterProps: Partial<KafkaClusterProps> = {}) {
  const { app, chart } = newChart();
  const cluster = new KafkaCluster(chart, "Kafka", {
    name: "events",
    namespace: "kafka",
    listeners: [KafkaListener.internalTls(), KafkaListener.internalTls({ name: "mtls", port: 9094, authentication: KafkaAuthentication.tls() })],
    ...clusterProps,
  });
  const orders = new KafkaTopic(chart, "Orders", { cluster, topicName: "payments.orders" });
  const refunds = new KafkaTopic(chart, "Refunds", { cluster, topicName: "payments.refunds" });
  const user = (props: Partial<KafkaUserProps> = {}, id = "User") =>
    new KafkaUser(chart, id, { cluster, userName: "payments-checkout", ...props });
  const render = () => ofKind(synth(app, chart), "KafkaUser") as any[];
  return { app, chart, cluster, orders, refunds, user, render };
}

describe("KafkaUser defaults", () => {
  test("SCRAM-SHA-512 user in the cluster namespace with simple authorization and no ACLs", () => {
    const { user, render, app, chart } = setup();
    const u = user();
    const [ku] = render();
    expect(ku.metadata).toMatchObject({ name: "payments-checkout", namespace: "kafka" });
    expect(ku.metadata.labels["strimzi.io/cluster"]).toBe("events");
    expect(ku.spec).toEqual({ authentication: { type: "scram-sha-512" }, authorization: { type: "simple", acls: [] } });
    expect(u.secretName).toBe("payments-checkout");
    expect(u.principal).toBe("payments-checkout");
    expectSchemaValid(synth(app, chart));
  });
});

describe("grants (ACLs from intent)", () => {
  test("a consume intent yields READ on the topic and READ on the group, nothing more", () => {
    const { user, orders, render } = setup();
    orders.grants.consume(user(), { group: "payments.checkout" });
    expect(render()[0].spec.authorization.acls).toEqual([
      { type: "allow", resource: { type: "group", name: "payments.checkout", patternType: "literal" }, operations: ["Read"] },
      { type: "allow", resource: { type: "topic", name: "payments.orders", patternType: "literal" }, operations: ["Read"] },
    ]);
  });

  test("a produce intent yields WRITE on the topic only", () => {
    const { user, orders, render } = setup();
    orders.grants.produce(user());
    expect(render()[0].spec.authorization.acls).toEqual([
      { type: "allow", resource: { type: "topic", name: "payments.orders", patternType: "literal" }, operations: ["Write"] },
    ]);
  });

  test("grants on the same resource merge; output order is stable", () => {
    const { user, orders, refunds, render } = setup();
    const u = user();
    refunds.grants.produce(u);
    orders.grants.consume(u, { group: "payments.checkout" });
    orders.grants.produce(u);
    orders.grants.consume(u, { group: "payments.checkout" });
    const acls = render()[0].spec.authorization.acls;
    expect(acls.map((a: any) => `${a.resource.type}:${a.resource.name}:${a.operations.join("+")}`)).toEqual([
      "group:payments.checkout:Read",
      "topic:payments.orders:Read+Write",
      "topic:payments.refunds:Write",
    ]);
  });

  test("prefixed patterns for a tenant's topic namespace and group prefixes", () => {
    const { user, cluster, render, app, chart } = setup();
    new KafkaTopicPrefix(cluster, "payments.").grants.consume(user(), { group: "payments.", groupPatternType: "prefix" });
    expect(render()[0].spec.authorization.acls).toEqual([
      { type: "allow", resource: { type: "group", name: "payments.", patternType: "prefix" }, operations: ["Read"] },
      { type: "allow", resource: { type: "topic", name: "payments.", patternType: "prefix" }, operations: ["Read"] },
    ]);
    expectSchemaValid(synth(app, chart));
  });

  test("TLS users: principal CN=<name>; quotas render sorted and validate", () => {
    const { user, render, app, chart } = setup();
    const u = user({
      authentication: KafkaAuthenticationType.TLS,
      quotas: { requestPercentage: 50, producerByteRate: 1048576, consumerByteRate: 2097152, controllerMutationRate: 2.5 },
    });
    expect(u.principal).toBe("CN=payments-checkout");
    const spec = render()[0].spec;
    expect(spec.authentication).toEqual({ type: "tls" });
    expect(Object.keys(spec.quotas)).toEqual(["consumerByteRate", "controllerMutationRate", "producerByteRate", "requestPercentage"]);
    expectSchemaValid(synth(app, chart));
  });

  test("cluster ACLs are allowed for unscoped (platform) users", () => {
    const { user, render } = setup();
    user().addAcl({ resource: { type: "cluster" }, operations: ["Describe"] });
    expect(render()[0].spec.authorization.acls).toEqual([{ type: "allow", resource: { type: "cluster" }, operations: ["Describe"] }]);
  });
});

describe("KafkaUser validation", () => {
  const scope = { topicPrefix: "payments.", groupPrefix: "payments." };

  test("fails AclOutsideScope for another tenant's topic, group or a cluster ACL", () => {
    const { user, chart, cluster } = setup();
    const u = user({ aclScope: scope });
    const other = new KafkaTopic(chart, "Other", { cluster, topicName: "logistics.shipments" });
    const e = catchValidation(() => other.grants.produce(u));
    expect(e).toMatchObject({ code: "AclOutsideScope", value: "topic:logistics.shipments" });
    expect(e.issues[0].message).toBe('user payments-checkout may only be granted topics starting with "payments."');
    const { orders } = setup();
    expect(catchValidation(() => orders.grants.consume(u, { group: "logistics.x" })).value).toBe("group:logistics.x");
    expect(catchValidation(() => u.addAcl({ resource: { type: "cluster" }, operations: ["Alter"] })).code).toBe("AclOutsideScope");
    // Transactional ids too: a prefix like `payments-checkout` is also a prefix of tenant payments-checkout's ids.
    const txn = catchValidation(() => u.addAcl({ resource: { type: "transactionalId", name: "payments-checkout", patternType: "prefix" }, operations: ["Write"] }));
    expect(txn).toMatchObject({ code: "AclOutsideScope", value: "transactionalId:payments-checkout" });
    expect(() => u.addAcl({ resource: { type: "transactionalId", name: "payments.checkout", patternType: "prefix" }, operations: ["Write"] })).not.toThrow();
  });

  test("fails AclWithoutResourceName", () => {
    const { user } = setup();
    expect(catchValidation(() => user().addAcl({ resource: { type: "topic" }, operations: ["Read"] })).code).toBe("AclWithoutResourceName");
  });

  test("fails InvalidDnsSubdomain and TlsUserNameTooLong", () => {
    const { user } = setup();
    expect(catchValidation(() => user({ userName: "Payments" }, "A")).code).toBe("InvalidDnsSubdomain");
    const e = catchValidation(() => user({ userName: "u".repeat(62), authentication: KafkaAuthenticationType.TLS }, "B"));
    expect(e.code).toBe("TlsUserNameTooLong");
  });

  test("fails InvalidQuota", () => {
    const { user } = setup();
    expect(catchValidation(() => user({ quotas: { producerByteRate: -1 } }, "A"))).toMatchObject({ code: "InvalidQuota", field: "quotas.producerByteRate" });
    expect(catchValidation(() => user({ quotas: { requestPercentage: 1.5 } }, "B")).field).toBe("quotas.requestPercentage");
    expect(catchValidation(() => user({ quotas: { controllerMutationRate: -2 } }, "C")).field).toBe("quotas.controllerMutationRate");
  });

  test("fails NoListenerForAuthentication when no listener accepts the user's mechanism", () => {
    const { user, app } = setup({ listeners: [KafkaListener.internalTls()] });
    user({ authentication: KafkaAuthenticationType.TLS });
    const e = catchValidation(() => validateApp(app));
    expect(e.code).toBe("NoListenerForAuthentication");
    expect(e.issues[0].message).toBe("no listener of cluster events accepts tls clients");
  });

  test("fails DuplicateKafkaUser when two users of a cluster share a name", () => {
    const { user, app } = setup();
    user({}, "A");
    user({}, "B");
    const e = catchValidation(() => validateApp(app));
    expect(e).toMatchObject({ code: "DuplicateKafkaUser", scope: "test/B" });
  });

  test("fails ClusterHasNoAuthorization when ACLs are granted on a cluster without authorization", () => {
    const { user, orders, app } = setup({ production: false, authorization: KafkaAuthorization.none() });
    orders.grants.produce(user());
    expect(catchValidation(() => validateApp(app)).code).toBe("ClusterHasNoAuthorization");
  });
});
