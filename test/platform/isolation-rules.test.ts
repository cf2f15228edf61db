/**
 * Spec rules that keep tenants apart and credentials out of the manifests and errors (#19.5, #19.7, #19.8).
 */
import { formatIssue, isSecretKey, parsePlatformSpec, redactValue, ValidationError } from "../../lib/internal";
import { catchValidation } from "../helpers";
import { devSpecWithJob } from "../helpers/specs";

describe("tenant names that are platform or system namespaces are refused (#19.5)", () => {
  const named = (name: string, edit: (spec: any) => void = () => undefined) => {
    const spec = devSpecWithJob();
    spec.tenants[1].name = name;
    edit(spec);
    return catchValidation(() => parsePlatformSpec(spec));
  };
  test.each(["kafka", "default", "kube-system", "kube-anything", "monitoring", "strimzi", "flink-operator", "external-secrets", "cert-manager"])("%s", (name) => {
    const e = named(name);
    expect(e.issues.find((i) => i.code === "ReservedTenantName")).toMatchObject({ scope: "tenants[1]", field: "name", value: name });
  });
  test("the namespaces the spec itself names: a Kafka namespace, the Flink operator's, monitoring's, the secret store's", () => {
    const spec = (edit: (s: any) => void) => named("platform-ops", edit).issues.find((i) => i.code === "ReservedTenantName");
    expect(spec((s) => (s.regions[0].kafka.namespace = "platform-ops"))).toBeDefined();
    expect(spec((s) => (s.regions[0].network = { ...s.regions[0].network, flinkOperatorNamespace: "platform-ops" }))).toBeDefined();
    expect(spec((s) => (s.regions[0].monitoring = { enabled: false, namespace: "platform-ops" }))).toBeDefined();
    expect(spec((s) => (s.regions[0].secretStore = { serviceAccount: { name: "eso", namespace: "platform-ops" } }))).toBeDefined();
  });
});

describe("tenant names whose Kafka prefix would cover the platform's topics are refused (#19.2)", () => {
  test.each(["mirrormaker2", "mm2-offset-syncs", "schema-registry"])("%s", (name) => {
    const spec = devSpecWithJob();
    spec.tenants[1].name = name;
    const issue = catchValidation(() => parsePlatformSpec(spec)).issues.find((i) => i.code === "ReservedTenantName");
    expect(issue).toMatchObject({ scope: "tenants[1]", field: "name", value: name });
    expect(issue!.message).toContain(`its Kafka prefix "${name}." would cover the platform's own topics`);
  });
});

describe("a group belongs to one tenant (#19.5)", () => {
  test("an admin group of two tenants is refused at the second, naming the first", () => {
    const spec = devSpecWithJob();
    spec.tenants[0].adminGroups = ["team-data"];
    spec.tenants[1].adminGroups = ["ops", "team-data"];
    const e = catchValidation(() => parsePlatformSpec(spec));
    expect(e).toMatchObject({ code: "SharedTenantGroup", scope: "tenants[1]", field: "adminGroups[1]", value: "team-data" });
    expect(e.message).toContain(`also a group of tenant ${spec.tenants[0].name}`);
  });
  test("so is a viewer group of one tenant that is another's admin or viewer group", () => {
    const spec = devSpecWithJob();
    spec.tenants[0].adminGroups = ["team-data"];
    spec.tenants[1].viewerGroups = ["team-data"];
    expect(catchValidation(() => parsePlatformSpec(spec))).toMatchObject({ code: "SharedTenantGroup", field: "viewerGroups[0]" });
  });
  test("one tenant may list a group as admin and viewer", () => {
    const spec = devSpecWithJob();
    spec.tenants[0].adminGroups = ["team-data"];
    spec.tenants[0].viewerGroups = ["team-data"];
    expect(() => parsePlatformSpec(spec)).not.toThrow();
  });
});

describe("credentials in a job's flinkConfiguration are refused, never echoed (#19.7)", () => {
  test.each(["fs.s3a.secret.key", "fs.s3a.access.key", "s3.secret-key", "s3.access-key", "fs.azure.account.key.x.password", "security.ssl.keystore-password", "my.api-token"])("%s", (key) => {
    const spec = devSpecWithJob();
    spec.tenants[0].jobs[0].flinkConfiguration = { [key]: "AKIAVERYSECRETVALUE123", "pipeline.max-parallelism": "128" };
    const e = catchValidation(() => parsePlatformSpec(spec));
    expect(e.issues.map((i) => i.code)).toEqual(["CredentialInFlinkConfiguration"]);
    expect(e).toMatchObject({ scope: "tenants[0].jobs[0]", field: `flinkConfiguration.${key}` });
    expect(e.fix).toMatch(/workload role.*secretEnv/);
    expect(e.message).not.toContain("AKIAVERYSECRETVALUE123");
    expect(JSON.stringify(e.issues)).not.toContain("AKIAVERYSECRETVALUE123");
  });
  test("ordinary keys pass", () => {
    const spec = devSpecWithJob();
    spec.tenants[0].jobs[0].flinkConfiguration = { "pipeline.max-parallelism": "128", "table.exec.state.ttl": "1 h" };
    expect(() => parsePlatformSpec(spec)).not.toThrow();
  });
});

describe("every error redacts values that are credentials (#19.8)", () => {
  test("isSecretKey", () => {
    for (const k of ["sasl.jaas.config", "password", "database.password", "ssl.keystore.password", "fs.s3a.secret.key", "aws.access-key", "apiToken", "private_key"]) expect([k, isSecretKey(k)]).toEqual([k, true]);
    for (const k of ["partitions", "retention.ms", "database.hostname", "min.insync.replicas", "bootstrap.servers"]) expect([k, isSecretKey(k)]).toEqual([k, false]);
  });
  test("redactValue: by key, inside objects and arrays, and by the text itself", () => {
    expect(redactValue("hunter2", "config.sasl.jaas.config")).toBe("<redacted>");
    expect(redactValue({ host: "db", password: "hunter2", nested: [{ token: "t" }] })).toEqual({ host: "db", password: "<redacted>", nested: [{ token: "<redacted>" }] });
    expect(redactValue('org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";')).toBe("<redacted>");
    expect(redactValue("user=cdc password=hunter2")).toBe("<redacted>");
    expect(redactValue("-----BEGIN RSA PRIVATE KEY-----\nMII")).toBe("<redacted>");
    expect(redactValue("6")).toBe("6");
  });
  test("a ValidationError holds and prints no credential, whatever the issue's value", () => {
    const e = new ValidationError([
      { code: "X", scope: "tenants[0].sources[0]", field: "config", value: { "database.password": "hunter2", "snapshot.mode": "initial" }, message: "m", fix: "f" },
      { code: "Y", scope: "regions[0].kafka", field: "config.sasl.jaas.config", value: "ScramLoginModule required password=hunter2", message: "m", fix: "f" },
    ]);
    expect(e.message).not.toContain("hunter2");
    expect(JSON.stringify(e.issues)).not.toContain("hunter2");
    expect(e.message).toContain('"snapshot.mode":"initial"');
    expect(formatIssue(e.issues[0])).toContain("<redacted>");
  });
  test("the spec's own refusals: unknown source fields, a Connect config, a Kafka config with a password", () => {
    const spec = devSpecWithJob();
    spec.tenants[0].sources = [{ ...(spec.tenants[0].sources?.[0] ?? {}), name: "orders", type: "postgres", password: "hunter2" }];
    spec.regions[0].kafka.config = { "listener.name.tls.scram-sha-512.sasl.jaas.config": "ScramLoginModule required password=hunter2" };
    let e: ValidationError | undefined;
    try {
      parsePlatformSpec(spec);
    } catch (x) {
      e = x as ValidationError;
    }
    expect(e).toBeDefined();
    expect(e!.message).not.toContain("hunter2");
    expect(JSON.stringify(e!.issues)).not.toContain("hunter2");
  });
});
