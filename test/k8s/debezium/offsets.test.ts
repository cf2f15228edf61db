import { classifyConnectorChange, ConnectorManifest } from "../../../lib/internal";

const connector = (config: Record<string, unknown>, extra: { name?: string; state?: string; connect?: string } = {}): ConnectorManifest => ({
  kind: "KafkaConnector",
  metadata: { name: extra.name ?? "payments-orders-db", namespace: "kafka", labels: { "strimzi.io/cluster": extra.connect ?? "payments-connect" } },
  spec: { class: "io.debezium.connector.postgresql.PostgresConnector", state: extra.state ?? "running", config },
});
const base = { "topic.prefix": "payments.orders-db", "slot.name": "payments_orders_db", "table.include.list": "public\\.orders", "database.hostname": "db" };

describe("classifyConnectorChange (consumed by floe diff)", () => {
  test("removal or rename loses offsets (and leaves the slot retaining WAL)", () => {
    const c = classifyConnectorChange(connector(base), undefined);
    expect(c.risk).toBe("destructive");
    expect(c.reasons[0]).toMatch(/removed \(or renamed\): Connect keys offsets by connector name.*replication slot payments_orders_db keeps retaining WAL/);
  });

  test("creation is safe", () => {
    expect(classifyConnectorChange(undefined, connector(base)).risk).toBe("safe");
  });

  test("topic.prefix or slot.name changes are destructive", () => {
    const prefix = classifyConnectorChange(connector(base), connector({ ...base, "topic.prefix": "payments.orders" }));
    expect(prefix.risk).toBe("destructive");
    expect(prefix.reasons[0]).toMatch(/^topic.prefix changed: Debezium keys offsets by it.*\("payments.orders-db" -> "payments.orders"\)$/);
    expect(classifyConnectorChange(connector(base), connector({ ...base, "slot.name": "other" })).reasons[0]).toMatch(/^slot.name changed/);
  });

  test("slot.drop.on.stop turned on is destructive; moving to another Connect cluster too", () => {
    expect(classifyConnectorChange(connector(base), connector({ ...base, "slot.drop.on.stop": true })).risk).toBe("destructive");
    expect(classifyConnectorChange(connector(base), connector(base, { connect: "other-connect" })).risk).toBe("destructive");
  });

  test("table list, host or state changes are disruptive; other changes are safe", () => {
    expect(classifyConnectorChange(connector(base), connector({ ...base, "table.include.list": "public\\.orders,public\\.refunds" })).risk).toBe("disruptive");
    expect(classifyConnectorChange(connector(base), connector({ ...base, "database.hostname": "db2" })).risk).toBe("disruptive");
    expect(classifyConnectorChange(connector(base), connector(base, { state: "paused" })).reasons).toEqual(["state running -> paused"]);
    expect(classifyConnectorChange(connector(base), connector({ ...base, "errors.tolerance": "all" }))).toEqual({ risk: "safe", reasons: [] });
  });
});
