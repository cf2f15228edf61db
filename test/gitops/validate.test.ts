import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse, stringify } from "yaml";
import { collectCelRules, crdObjectSchema, listYamlFiles, newAjv, parsePlatformSpec, schemaForShape, SchemaRegistry, shapeKey, strictSchema, synthesize, validateDirectory, validateObjects, writeTree } from "../../lib/internal";
import { yamlDocuments } from "../../lib/gitops/yaml-documents";
import { catchValidation, crdDir, crdDirs, registry } from "../helpers";
import { exampleSpec } from "../helpers/specs";

function exampleObjects(): any[] {
  return JSON.parse(JSON.stringify(synthesize(parsePlatformSpec(exampleSpec())).files.flatMap((f) => f.objects)));
}

function find(objects: any[], kind: string): any {
  return objects.find((o) => o.kind === kind);
}

describe("SchemaRegistry", () => {
  test("loads the served versions of the Strimzi and Flink CRDs", () => {
    expect(registry().customKinds).toEqual(
      expect.arrayContaining([
        "kafka.strimzi.io/v1/Kafka",
        "kafka.strimzi.io/v1/KafkaNodePool",
        "kafka.strimzi.io/v1/KafkaTopic",
        "kafka.strimzi.io/v1/KafkaUser",
        "flink.apache.org/v1beta1/FlinkDeployment",
      ]),
    );
  });

  test("the example renders valid objects", () => {
    expect(validateObjects(registry(), exampleObjects())).toEqual([]);
  });

  test("a misspelt field fails (the API server would prune it silently)", () => {
    const objects = exampleObjects();
    find(objects, "KafkaTopic").spec.partitons = 3;
    find(objects, "Kafka").spec.kafka.listeners[0].authentification = { type: "tls" };
    const v = validateObjects(registry(), objects);
    expect(v.map((x) => `${x.object} ${x.path}: ${x.message}`)).toEqual([
      "Kafka/kafka/events spec.kafka.listeners[0].authentification: unknown field (the API server would silently drop it)",
      "KafkaTopic/kafka/schema-registry.schemas spec.partitons: unknown field (the API server would silently drop it)",
    ]);
  });

  test("wrong types, enums, minimums and required fields fail", () => {
    const objects = exampleObjects();
    find(objects, "KafkaTopic").spec.partitions = 0;
    find(objects, "KafkaUser").spec.authentication.type = "plain";
    delete find(objects, "KafkaNodePool").spec.roles;
    find(objects, "Kafka").spec.kafka.listeners[0].port = "9093";
    const paths = validateObjects(registry(), objects).map((x) => `${x.path}: ${x.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        "spec.partitions: must be >= 1",
        'spec.authentication.type: must be equal to one of the allowed values: ["tls","tls-external","scram-sha-512"]',
        "spec.roles: is required",
        "spec.kafka.listeners[0].port: must be integer",
      ]),
    );
  });

  test("CEL rules of the CRDs (x-kubernetes-validations) are enforced", () => {
    const objects = exampleObjects();
    const kafka = find(objects, "Kafka");
    kafka.spec.kafka.metricsConfig = { type: "jmxPrometheusExporter" };
    kafka.spec.kafka.rack = { type: "topology-label" };
    const v = validateObjects(registry(), objects).map((x) => `${x.path}: ${x.message}`);
    expect(v).toEqual(["spec.kafka.rack: topologyKey property is required", "spec.kafka.metricsConfig: valueFrom property is required"]);
  });

  test("CEL rules may use the Kubernetes regex library (find, findAll), as Karpenter's NodePool rules do", () => {
    const dir = mkdtempSync(join(tmpdir(), "floe-crds-"));
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        names: { kind: "Widget", plural: "widgets", singular: "widget", listKind: "WidgetList" },
        scope: "Cluster",
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: "object",
                properties: {
                  spec: {
                    type: "object",
                    properties: {
                      key: { type: "string", "x-kubernetes-validations": [{ rule: '!self.find("^([^/]+)").endsWith("karpenter.sh")', message: "restricted domain" }] },
                      digits: { type: "string", "x-kubernetes-validations": [{ rule: 'self.findAll("[0-9]").size() == 2 && self.findAll("[0-9]", 1) == ["1"]', message: "two digits, the first 1" }] },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    };
    writeFileSync(join(dir, "widgets.yaml"), stringify(crd));
    const reg = SchemaRegistry.fromDirectory(dir);
    const widget = (spec: object) => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec });
    expect(reg.validate(widget({ key: "example.com/zone", digits: "a1b2" }))).toEqual([]);
    expect(reg.validate(widget({ key: "karpenter.sh/nodepool", digits: "a1b2c3" })).map((p) => `${p.path}: ${p.message}`)).toEqual(["spec.key: restricted domain", "spec.digits: two digits, the first 1"]);
  });

  test("collectCelRules finds rules under properties and items, skipping transition rules", () => {
    const rules = collectCelRules({
      type: "object",
      properties: {
        a: { type: "array", items: { type: "object", "x-kubernetes-validations": [{ rule: "self.x > 0", message: "x" }] } },
        b: { type: "object", "x-kubernetes-validations": [{ rule: "self == oldSelf" }] },
      },
    });
    expect(rules).toEqual([{ at: ["a", "[]"], rule: "self.x > 0", message: "x" }]);
  });

  test("metadata: names, namespaces and label values are checked", () => {
    const objects = exampleObjects();
    const topic = find(objects, "KafkaTopic");
    topic.metadata.name = "Bad_Name";
    topic.metadata.labels["floe.dev/tenant"] = "x".repeat(64);
    delete find(objects, "KafkaUser").metadata.namespace;
    find(objects, "Namespace").metadata.namespace = "default";
    const v = validateObjects(registry(), objects).map((x) => `${x.object.split("/")[0]} ${x.path}`);
    expect(v).toEqual(
      expect.arrayContaining([
        "KafkaTopic metadata.name",
        "KafkaTopic metadata.labels.floe.dev/tenant",
        "KafkaUser metadata.namespace",
        "Namespace metadata.namespace",
      ]),
    );
  });

  test("core objects are validated with kubernetes-models", () => {
    const bad = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "y" }, data: { n: 1 } };
    expect(registry().validate(bad)).toEqual([{ path: "data.n", message: "must be string" }]);
    const ok = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "y" }, data: { n: "1" } };
    expect(registry().validate(ok)).toEqual([]);
  });

  test("every core kind loads its model and checks it (each model's module is loaded when first needed)", () => {
    const kinds = ["v1/Namespace", "v1/ConfigMap", "v1/Secret", "v1/ServiceAccount", "v1/Service", "v1/ResourceQuota", "v1/LimitRange", "v1/PersistentVolumeClaim", "apps/v1/Deployment", "apps/v1/StatefulSet", "batch/v1/Job", "batch/v1/CronJob", "networking.k8s.io/v1/NetworkPolicy", "policy/v1/PodDisruptionBudget", "rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/RoleBinding", "rbac.authorization.k8s.io/v1/ClusterRole", "rbac.authorization.k8s.io/v1/ClusterRoleBinding"];
    for (const key of kinds) {
      const kind = key.slice(key.lastIndexOf("/") + 1);
      const apiVersion = key.slice(0, key.lastIndexOf("/"));
      const clusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(kind);
      const metadata = clusterScoped ? { name: "x" } : { name: "x", namespace: "y" };
      // A field no core schema declares: each model must be found and run to refuse it.
      const problems = registry().validate({ apiVersion, kind, metadata, notAField: 1 });
      expect([key, problems.some((p) => p.path === "notAField")]).toEqual([key, true]);
      expect(problems.filter((p) => /no schema for/.test(p.message))).toEqual([]);
    }
  });

  test("core objects: a field their schema does not declare fails, as the API server's strict field validation refuses it", () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "x", namespace: "y", labels: { anything: "goes" }, annotations: { "free.form/key": "v" } },
      spec: {
        selector: { matchLabels: { app: "x" } },
        replicaz: 2,
        template: {
          metadata: { labels: { app: "x" } },
          spec: { containers: [{ name: "c", image: "i:1", imagePullPolicyy: "Always", resources: { limits: { cpu: "1", "nvidia.com/gpu": "1" } } }] },
        },
      },
    };
    expect(registry().validate(deployment)).toEqual([
      { path: "spec.replicaz", message: "field not declared in schema" },
      { path: "spec.template.spec.containers[0].imagePullPolicyy", message: "field not declared in schema" },
    ]);
    // Maps (labels, annotations, resource lists, ConfigMap data) take any key.
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "y" }, data: { "any-key": "1" }, extra: true };
    expect(registry().validate(cm)).toEqual([{ path: "extra", message: "field not declared in schema" }]);
  });

  test("unknown kinds and non-objects are violations, not silently accepted", () => {
    expect(registry().validate({ apiVersion: "monitoring.coreos.com/v1alpha1", kind: "ScrapeConfig", metadata: { name: "x", namespace: "y" } })[0].message).toMatch(
      /^no schema for monitoring.coreos.com\/v1alpha1\/ScrapeConfig: .* \(add the operator's CRDs: pass --crds DIR/,
    );
    // A kind of the ecosystem CRDs is checked against its real schema (here: spec is required).
    expect(registry().validate({ apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "x", namespace: "y" } })).toEqual([{ path: "spec", message: "is required" }]);
    expect(registry().validate([])[0].message).toBe("is not an object");
    expect(registry().validate({ kind: "X" })[0].message).toBe("has no apiVersion/kind");
  });

  test("strictSchema: closes objects with properties, keeps preserve-unknown-fields open, maps int-or-string", () => {
    const s = strictSchema({
      type: "object",
      properties: {
        a: { type: "object", properties: { b: { type: "string" } } },
        c: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { d: { type: "string" } } },
        e: { "x-kubernetes-int-or-string": true },
        f: { type: "array", items: { type: "object", properties: { g: { type: "integer" } } } },
        h: { type: "object", properties: { i: { type: "string" } }, oneOf: [{ properties: { i: {} }, required: ["i"] }] },
      },
    }) as any;
    expect(s.properties.h.additionalProperties).toBe(false);
    expect(s.properties.h.oneOf[0].additionalProperties).toBeUndefined();
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.a.additionalProperties).toBe(false);
    expect(s.properties.c.additionalProperties).toBeUndefined();
    expect(s.properties.e.anyOf).toEqual([{ type: "integer" }, { type: "string" }]);
    expect(s.properties.f.items.additionalProperties).toBe(false);
  });

  test("fails CrdDirectoryNotFound and NoCrdsFound with a fix", () => {
    const missing = catchValidation(() => SchemaRegistry.fromDirectory("/nonexistent/crds"));
    expect(missing.code).toBe("CrdDirectoryNotFound");
    expect(missing.fix).toBe(
      "pass --crds DIR (once per folder), set FLOE_CRD_DIR (folders separated by ':'), or run `npm run crds:fetch` to download the pinned CRDs into .floe/crds",
    );
    const empty = mkdtempSync(join(tmpdir(), "floe-crds-"));
    expect(catchValidation(() => SchemaRegistry.fromDirectory(empty)).code).toBe("NoCrdsFound");
    // One good folder and one missing: the missing one is named.
    expect(catchValidation(() => SchemaRegistry.fromDirectories([crdDir(), "/nonexistent/eco"]))).toMatchObject({ code: "CrdDirectoryNotFound", value: "/nonexistent/eco" });
    expect(catchValidation(() => SchemaRegistry.fromDirectories([])).code).toBe("CrdDirectoryNotFound");
  });

  test("several folders; the same CRD twice with another schema is refused, naming both files", () => {
    expect(SchemaRegistry.fromDirectories([crdDir(), crdDir()]).customKinds.length).toBeGreaterThan(0);
    const other = mkdtempSync(join(tmpdir(), "floe-crds-"));
    const topic = parse(readFileSync(join(crdDir(), "strimzi", "043-Crd-kafkatopic.yaml"), "utf8"));
    for (const v of topic.spec.versions) v.schema.openAPIV3Schema.properties.spec.properties.extra = { type: "string" };
    writeFileSync(join(other, "topic.yaml"), stringify(topic));
    const e = catchValidation(() => SchemaRegistry.fromDirectories([crdDir(), other]));
    expect(e.code).toBe("ConflictingCrds");
    expect(e.issues[0].message).toBe("kafka.strimzi.io/v1/KafkaTopic is defined twice, with different schemas");
    expect(JSON.stringify(e.issues[0].value)).toContain("topic.yaml");
  });

  test("Go RE2 patterns (the ecosystem CRDs' inline (?i) flag) are evaluated like the API server's regexp, each pattern on its own", () => {
    const rule = (strategy: string) => ({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { name: "r", namespace: "t" },
      spec: { groups: [{ name: "g", partial_response_strategy: strategy, interval: "30s", rules: [{ alert: "A", expr: "vector(1)", for: "5m" }] }] },
    });
    expect(registry().validate(rule("WARN"))).toEqual([]);
    expect(registry().validate(rule("Abort"))).toEqual([]);
    expect(registry().validate(rule("sometimes"))).toEqual([{ path: "spec.groups[0].partial_response_strategy", message: 'must match pattern "^(?i)(abort|warn)?$"' }]);
    // Two other patterns of the same schema keep their own meaning (one compiled engine per pattern).
    expect(registry().validate({ ...rule("warn"), spec: { groups: [{ name: "g", interval: "soon", rules: [{ alert: "A", expr: "vector(1)" }] }] } })[0].path).toBe("spec.groups[0].interval");
  });
});

/** Every served CRD schema of the pinned CRDs, by `apiVersion/Kind`. */
function crdSchemas(): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const dir of crdDirs()) {
    for (const file of listYamlFiles(dir)) {
      for (const crd of yamlDocuments(readFileSync(file, "utf8")) as any[]) {
        if (crd?.kind !== "CustomResourceDefinition") continue;
        for (const v of crd.spec.versions) if (v.served) out.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
      }
    }
  }
  return out;
}

/** Variants of an object, each with one mistake: an undeclared field, a wrong type or a missing field, at every level. */
function mistakes(obj: any): any[] {
  const variants: any[] = [];
  const visit = (node: any, path: Array<string | number>): void => {
    if (Array.isArray(node)) node.forEach((v, i) => visit(v, [...path, i]));
    else if (node && typeof node === "object") {
      variants.push(change(path, (o) => (o.zzUndeclared = "x")));
      for (const k of Object.keys(node)) {
        variants.push(change(path, (o) => delete o[k]));
        if (node[k] === null || typeof node[k] !== "object") variants.push(change(path, (o) => (o[k] = { wrong: true })));
        else variants.push(change(path, (o) => (o[k] = 7)));
        visit(node[k], [...path, k]);
      }
    }
  };
  const change = (path: Array<string | number>, edit: (o: any) => void): any => {
    const copy = JSON.parse(JSON.stringify(obj));
    edit(path.reduce((o, k) => o[k], copy));
    return copy;
  };
  visit(obj, []);
  return variants;
}

describe("validators compiled per shape of object", () => {
  const errors = (validate: any, obj: unknown): string[] =>
    (validate(obj) ? [] : validate.errors).map((e: any) => JSON.stringify([e.instancePath, e.keyword, e.params, e.message])).sort();

  test("the schema cut to an object's shape gives every mistake of every rendered kind the errors of the whole schema", () => {
    const schemas = crdSchemas();
    const byKind = new Map<string, any[]>();
    for (const o of exampleObjects()) {
      const key = `${o.apiVersion}/${o.kind}`;
      if (schemas.has(key) && !byKind.has(key)) byKind.set(key, [o]);
    }
    // The kinds Floe renders, the pod-template-sized ones among them.
    expect([...byKind.keys()]).toEqual(expect.arrayContaining(["kafka.strimzi.io/v1/Kafka", "kafka.strimzi.io/v1/KafkaConnect", "flink.apache.org/v1beta1/FlinkDeployment", "external-secrets.io/v1/SecretStore"]));
    let compared = 0;
    let failing = 0;
    for (const [key, [obj]] of byKind) {
      const schema = crdObjectSchema(schemas.get(key)!);
      const whole = newAjv().compile(strictSchema(schema));
      const ajv = newAjv();
      // As the registry does: one validator per shape, so a variant also checks that its shape names its cut schema.
      const byShape = new Map<string, unknown>();
      for (const variant of [obj, ...mistakes(obj)]) {
        const expected = errors(whole, variant);
        const shape = shapeKey(schema, variant);
        if (!byShape.has(shape)) byShape.set(shape, ajv.compile(strictSchema(schemaForShape(schema, [variant]))));
        expect({ key, variant, errors: errors(byShape.get(shape), variant) }).toEqual({ key, variant, errors: expected });
        compared++;
        if (expected.length > 0) failing++;
      }
    }
    // Enough mistakes were made, and the whole schema caught most of them.
    expect(compared).toBeGreaterThan(1000);
    expect(failing / compared).toBeGreaterThan(0.4);
  });

  test("the shape is the fields present: values, item order and a map's keys do not change it; names cannot run together", () => {
    const schema = { type: "object", properties: { spec: { type: "object", properties: { a: { type: "string" }, labels: { type: "object", additionalProperties: { type: "string" } } } } } };
    expect(shapeKey(schema, { spec: { a: "x", labels: { team: "a" } } })).toBe(shapeKey(schema, { spec: { a: "y", labels: { owner: "b", tier: "c" } } }));
    expect(shapeKey(schema, { spec: { a: "x" } })).not.toBe(shapeKey(schema, { spec: { a: "x", b: 1 } }));
    expect(shapeKey(schema, { spec: { a: "x" } })).not.toBe(shapeKey(schema, { spec: { a: { b: 1 } } }));
    expect(shapeKey(undefined, [{ a: 1 }, { b: 1 }, { a: 2 }])).toBe(shapeKey(undefined, [{ b: 2 }, { a: 3 }]));
    expect(shapeKey(undefined, { ab: 1, c: 1 })).not.toBe(shapeKey(undefined, { a: 1, bc: 1 }));
    expect(shapeKey(undefined, { "a,b": 1 })).not.toBe(shapeKey(undefined, { a: 1, b: 1 }));
    expect(shapeKey(undefined, { "a:b": { c: 1 } })).not.toBe(shapeKey(undefined, { a: { "b:c": 1 } }));
  });

  test("a kind met in more shapes than are compiled one by one is validated by its whole schema, with the same errors", () => {
    const reg = SchemaRegistry.fromDirectories(crdDirs());
    const flink = find(exampleObjects(), "FlinkDeployment");
    for (let i = 0; i < 40; i++) {
      const o = JSON.parse(JSON.stringify(flink));
      o.spec[`field${i}`] = i;
      if (i % 2 === 0) o.spec.podTemplate = { spec: { containers: [{ name: "flink-main-container", image: 1 }] } };
      expect(reg.validate(o)).toEqual([
        { path: `spec.field${i}`, message: "unknown field (the API server would silently drop it)" },
        ...(i % 2 === 0 ? [{ path: "spec.podTemplate.spec.containers[0].image", message: "must be string" }] : []),
      ]);
    }
  });

  test("core kinds: an object of a shape met before gets its own schema errors and the shape's undeclared fields", () => {
    const reg = SchemaRegistry.fromDirectories(crdDirs());
    const role = (rules: unknown, extra: object = {}) => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "r", namespace: "t" }, rules, ...extra });
    // An invalid object first: its failed run is not kept for its shape, so the valid one after it is not refused.
    expect(reg.validate(role([{ apiGroups: [""], resources: "pods", verbs: ["get"] }]))).toEqual([{ path: "rules[0].resources", message: "must be array" }]);
    expect(reg.validate(role([{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]))).toEqual([]);
    expect(reg.validate(role([{ apiGroups: [""], resources: ["pods"], verbs: [1] }]))).toEqual([{ path: "rules[0].verbs[0]", message: "must be string" }]);
    for (let i = 0; i < 2; i++) {
      expect(reg.validate(role([{ apiGroups: [""], resources: ["pods"], verbs: ["get"], verb: "list" }], { spec: {} }))).toEqual([
        { path: "spec", message: "field not declared in schema" },
        { path: "rules[0].verb", message: "field not declared in schema" },
      ]);
    }
    // More shapes than are kept: each still gets its own undeclared field.
    for (let i = 0; i < 300; i++) expect(reg.validate(role([], { [`extra${i}`]: i }))).toEqual([{ path: `extra${i}`, message: "field not declared in schema" }]);
    expect(reg.validate(role([], { extra1: 1 }))).toEqual([{ path: "extra1", message: "field not declared in schema" }]);
  });
});

describe("validateDirectory", () => {
  test("validates every YAML file under the directory; YAML errors are violations", () => {
    const out = mkdtempSync(join(tmpdir(), "floe-validate-"));
    const dir = writeTree(synthesize(parsePlatformSpec(exampleSpec())), out);
    const ok = validateDirectory(registry(), dir);
    expect(ok.violations).toEqual([]);
    expect(ok.files).toBe(7);
    expect(ok.objects).toBeGreaterThan(40);
    mkdirSync(join(dir, "extra"));
    writeFileSync(join(dir, "extra", "broken.yaml"), "a: [\n");
    const bad = validateDirectory(registry(), dir);
    expect(bad.violations).toEqual([expect.objectContaining({ file: join("extra", "broken.yaml"), message: expect.stringMatching(/^YAML error/) })]);
  });

  test("fails ManifestDirectoryNotFound", () => {
    expect(catchValidation(() => validateDirectory(registry(), "/nonexistent/dist")).code).toBe("ManifestDirectoryNotFound");
  });
});
