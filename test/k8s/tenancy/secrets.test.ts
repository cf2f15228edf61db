import { PushedSecret, PushedSecretProps, SecretStore, TenantSecret, TenantSecretProps } from "../../../lib/internal";
import { catchValidation, expectSchemaValid, newChart, registry, synth } from "../../helpers";

function setup(props: Partial<TenantSecretProps> = {}) {
  const { app, chart } = newChart();
  const store = new SecretStore(chart, "Store", {
    name: "floe-eu-west-1",
    awsRegion: "eu-west-1",
    serviceAccount: { name: "external-secrets", namespace: "external-secrets" },
    namespaces: ["payments", "analytics"],
  });
  new TenantSecret(chart, "Db", { store, namespace: "payments", name: "orders-db-cdc", remoteKey: "prod/payments/orders-db-cdc", allowedPrefix: "prod/payments/", ...props });
  return { objects: synth(app, chart) as any[], chart, store };
}

describe("secrets by reference", () => {
  test("a ClusterSecretStore on Secrets Manager limited to the tenants, and an ExternalSecret (no value anywhere)", () => {
    const { objects } = setup({ properties: ["username", "password"] });
    const store = objects.find((o) => o.kind === "ClusterSecretStore");
    expect(store.spec).toEqual({
      provider: { aws: { service: "SecretsManager", region: "eu-west-1", auth: { jwt: { serviceAccountRef: { name: "external-secrets", namespace: "external-secrets" } } } } },
      conditions: [{ namespaces: ["analytics", "payments"] }],
    });
    const es = objects.find((o) => o.kind === "ExternalSecret");
    expect(es.metadata).toMatchObject({ name: "orders-db-cdc", namespace: "payments" });
    expect(es.spec).toEqual({
      refreshInterval: "1h",
      secretStoreRef: { name: "floe-eu-west-1", kind: "ClusterSecretStore" },
      target: { name: "orders-db-cdc", creationPolicy: "Owner", deletionPolicy: "Retain" },
      data: [
        { secretKey: "password", remoteRef: { key: "prod/payments/orders-db-cdc", property: "password" } },
        { secretKey: "username", remoteRef: { key: "prod/payments/orders-db-cdc", property: "username" } },
      ],
    });
    expect(objects.some((o) => o.kind === "Secret")).toBe(false);
    expectSchemaValid(objects);
  });

  test("without a service account the store has no auth: the operator's own credentials (EKS Pod Identity)", () => {
    const { app, chart } = newChart();
    new SecretStore(chart, "Store", { name: "floe-eu-west-1", awsRegion: "eu-west-1", namespaces: ["payments"] });
    const store = (synth(app, chart) as any[]).find((o) => o.kind === "ClusterSecretStore");
    expect(store.spec.provider).toEqual({ aws: { service: "SecretsManager", region: "eu-west-1" } });
    expectSchemaValid([store]);
  });

  test("without properties the whole JSON secret is extracted", () => {
    const es = setup().objects.find((o) => o.kind === "ExternalSecret");
    expect(es.spec.dataFrom).toEqual([{ extract: { key: "prod/payments/orders-db-cdc" } }]);
  });

  test("validated against the real External Secrets CRD: it passes, and a misspelt field is refused", () => {
    const es = setup().objects.find((o) => o.kind === "ExternalSecret");
    expect(registry().validate(es)).toEqual([]);
    es.spec.target.creationPolicyy = "Owner";
    expect(registry().validate(es)).toEqual([{ path: "spec.target.creationPolicyy", message: "unknown field (the API server would silently drop it)" }]);
  });

  test("fails SecretOutsideTenant for another tenant's key or the prefix itself", () => {
    const e = catchValidation(() => setup({ remoteKey: "prod/analytics/warehouse" }));
    expect(e.code).toBe("SecretOutsideTenant");
    expect(e.issues[0].message).toBe('a tenant may only read Secrets Manager secrets under "prod/payments/"');
    expect(catchValidation(() => setup({ remoteKey: "prod/payments/../analytics/x" })).code).toBe("SecretOutsideTenant");
  });

  test("fails InvalidAwsRegion", () => {
    const { chart } = newChart();
    expect(
      catchValidation(() => new SecretStore(chart, "S", { name: "s", awsRegion: "local", serviceAccount: { name: "a", namespace: "b" }, namespaces: [] })).code,
    ).toBe("InvalidAwsRegion");
  });
});

describe("PushedSecret (an operator-generated value copied out to Secrets Manager)", () => {
  const push = (props: Partial<PushedSecretProps> = {}) => {
    const { app, chart } = newChart();
    const store = new SecretStore(chart, "Store", {
      name: "floe-eu-west-1-to-us-east-1",
      awsRegion: "us-east-1",
      serviceAccount: { name: "external-secrets", namespace: "external-secrets" },
      namespaces: ["kafka"],
    });
    const pushed = new PushedSecret(chart, "Push", {
      store,
      namespace: "kafka",
      name: "events-cluster-ca-cert-to-us-east-1",
      secretName: "events-cluster-ca-cert",
      key: "ca.crt",
      remoteKey: "prod/platform/kafka/eu-west-1/cluster-ca-cert",
      allowedPrefix: "prod/platform/kafka/eu-west-1/",
      ...props,
    });
    return { objects: synth(app, chart) as any[], pushed };
  };

  test("defaults: one key as a JSON property, kept when the PushSecret goes, refreshed hourly, schema-valid", () => {
    const { objects, pushed } = push();
    expectSchemaValid(objects);
    const ps = objects.find((o) => o.kind === "PushSecret");
    expect(ps.apiVersion).toBe("external-secrets.io/v1alpha1");
    expect(ps.metadata).toMatchObject({ name: "events-cluster-ca-cert-to-us-east-1", namespace: "kafka" });
    expect(ps.spec).toEqual({
      refreshInterval: "1h",
      updatePolicy: "Replace",
      deletionPolicy: "None",
      secretStoreRefs: [{ name: "floe-eu-west-1-to-us-east-1", kind: "ClusterSecretStore" }],
      selector: { secret: { name: "events-cluster-ca-cert" } },
      data: [{ match: { secretKey: "ca.crt", remoteRef: { remoteKey: "prod/platform/kafka/eu-west-1/cluster-ca-cert", property: "ca.crt" } } }],
    });
    expect([pushed.remoteKey, pushed.property]).toEqual(["prod/platform/kafka/eu-west-1/cluster-ca-cert", "ca.crt"]);
    expect(push({ refreshInterval: "10m" }).objects.find((o) => o.kind === "PushSecret").spec.refreshInterval).toBe("10m");
  });

  test("fails when the remote key leaves the allowed prefix", () => {
    for (const remoteKey of ["prod/payments/db", "prod/platform/kafka/eu-west-1/../../payments/db", "prod/platform/kafka/eu-west-1/"]) {
      const e = catchValidation(() => push({ remoteKey }));
      expect(e.issues[0]).toMatchObject({ code: "SecretOutsidePrefix", field: "remoteKey", value: remoteKey });
    }
  });

  test("the builtin PushSecret schema refuses unknown fields", () => {
    const { objects } = push();
    const ps = objects.find((o) => o.kind === "PushSecret");
    const bad = { ...ps, spec: { ...ps.spec, data: [{ match: { secretKey: "x", remoteRef: { remoteKey: "k" } }, value: "leak" }] } };
    expect(registry().validate(bad).length).toBeGreaterThan(0);
  });
});
