import { parser } from "@prometheus-io/lezer-promql";
import { dashboardUid, GrafanaDashboard, KafkaCluster, parsePlatformSpec, regionDashboard, synthesize, tenantDashboard } from "../../../lib/internal";
import { catchValidation, newChart, synth } from "../../helpers";
import { devSpec, exampleSpec } from "../../helpers/specs";

type Obj = any;

/** Every PromQL expression of a dashboard, with its panel title. */
function queries(dashboard: Obj): { panel: string; expr: string }[] {
  return (dashboard.panels as Obj[]).filter((p) => p.type !== "row").flatMap((p) => (p.targets as Obj[]).map((t) => ({ panel: p.title as string, expr: t.expr as string })));
}

/** The label matchers of each vector selector of an expression. */
function selectors(expr: string): string[] {
  const out: string[] = [];
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.type.name === "VectorSelector") out.push(expr.slice(n.from, n.to));
    },
  });
  return out;
}

function promqlErrors(expr: string): number[] {
  const errors: number[] = [];
  parser.parse(expr).iterate({ enter: (n) => void (n.type.isError && errors.push(n.from)) });
  return errors;
}

const { chart } = newChart();
const kafka = new KafkaCluster(chart, "Kafka", { name: "events", namespace: "kafka", production: false, combinedRoles: true, brokers: { replicas: 1 } });

describe("GrafanaDashboard", () => {
  test("is a ConfigMap the kube-prometheus-stack sidecar loads: its label, a folder annotation, the JSON as <name>.json", () => {
    const { app, chart: c } = newChart();
    new GrafanaDashboard(c, "D", { name: "floe-dev-x", delivery: { namespace: "monitoring" }, context: { environment: "dev", region: "local", tenant: "alpha" }, dashboard: { uid: "u1", title: "T" } });
    const [cm] = synth(app, c) as Obj[];
    expect(cm).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "floe-dev-x", namespace: "monitoring", labels: { grafana_dashboard: "1", tenant: "alpha" }, annotations: { grafana_folder: "Floe" } } });
    expect(JSON.parse(cm.data["floe-dev-x.json"])).toEqual({ uid: "u1", title: "T" });
  });

  test("takes the sidecar's label, value and folder annotation when the chart sets others", () => {
    const { app, chart: c } = newChart();
    new GrafanaDashboard(c, "D", { name: "d", folder: "Streams", delivery: { namespace: "grafana", label: "dashboards", labelValue: "floe", folderAnnotation: "k8s-sidecar-target-directory" }, context: { environment: "dev", region: "local" }, dashboard: { uid: "u" } });
    const [cm] = synth(app, c) as Obj[];
    expect(cm.metadata.labels.dashboards).toBe("floe");
    expect(cm.metadata.labels.grafana_dashboard).toBeUndefined();
    expect(cm.metadata.annotations).toEqual({ "k8s-sidecar-target-directory": "Streams" });
  });

  test("refuses a bad name or namespace, a dashboard without uid, and one larger than a ConfigMap holds", () => {
    const { chart: c } = newChart();
    const ctx = { environment: "dev", region: "local" };
    const e = catchValidation(() => new GrafanaDashboard(c, "A", { name: "Bad_Name", delivery: { namespace: "Mon" }, context: ctx, dashboard: { title: "t" } }));
    expect(e.issues.map((i) => `${i.code} ${i.field}`)).toEqual(expect.arrayContaining([expect.stringMatching(/ name$/), expect.stringMatching(/ delivery.namespace$/), "DashboardWithoutUid dashboard.uid"]));
    const big = catchValidation(() => new GrafanaDashboard(c, "B", { name: "b", delivery: { namespace: "m" }, context: ctx, dashboard: { uid: "u", blob: "x".repeat(1024 * 1024) } }));
    expect(big.issues[0]).toMatchObject({ code: "DashboardTooLarge", message: "is larger than a ConfigMap may hold (1 MiB)" });
  });

  test("uids stay within Grafana's 40 characters, stable and distinct", () => {
    expect(dashboardUid("floe-prod-eu-west-1")).toBe("floe-prod-eu-west-1");
    const long = dashboardUid(`floe-prod-eu-west-1-${"t".repeat(40)}`);
    expect(long.length).toBe(40);
    expect(dashboardUid(`floe-prod-eu-west-1-${"t".repeat(40)}`)).toBe(long);
    expect(dashboardUid(`floe-prod-eu-west-1-${"t".repeat(39)}u`)).not.toBe(long);
  });
});

describe("region dashboard", () => {
  const d = regionDashboard({ environment: "prod", region: "eu-west-1", cluster: kafka, kafkaExporter: true }) as Obj;

  test("has rows for Kafka, Connect and MirrorMaker 2, and Flink, every query valid PromQL on the Prometheus data source variable", () => {
    expect(d.uid).toBe("floe-prod-eu-west-1");
    expect(d.templating.list[0]).toMatchObject({ type: "datasource", name: "datasource", query: "prometheus" });
    expect((d.panels as Obj[]).filter((p) => p.type === "row").map((p) => p.title)).toEqual(["Kafka cluster events", "Kafka Connect and MirrorMaker 2", "Flink"]);
    for (const q of queries(d)) expect({ panel: q.panel, errors: promqlErrors(q.expr) }).toEqual({ panel: q.panel, errors: [] });
    for (const p of (d.panels as Obj[]).filter((x) => x.type !== "row")) expect(p.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
  });

  test("selects the Kafka cluster's series by namespace and cluster; lag only with the Kafka Exporter", () => {
    const kafkaQueries = queries(d).filter((q) => q.expr.includes("kafka_server_") || q.expr.includes("kafka_controller_"));
    expect(kafkaQueries.length).toBeGreaterThan(3);
    for (const q of kafkaQueries) for (const s of selectors(q.expr)) expect(s).toContain('namespace="kafka", strimzi_io_cluster="events"');
    expect(queries(d).some((q) => q.expr.includes("kafka_consumergroup_lag"))).toBe(true);
    const noExporter = regionDashboard({ environment: "prod", region: "eu-west-1", cluster: kafka, kafkaExporter: false }) as Obj;
    expect(queries(noExporter).some((q) => q.expr.includes("kafka_consumergroup_lag"))).toBe(false);
  });
});

describe("tenant dashboard", () => {
  const full = tenantDashboard({ environment: "prod", region: "us-east-1", tenant: "pay", cluster: kafka, prefix: "pay.", kafkaExporter: true, connectCluster: "pay-connect", mirrorClusters: ["pay-mirror-eu-west-1"], flink: true }) as Obj;

  test("covers topics, dead letters, lag, connectors, replication lag, checkpoints, back pressure and autoscaler decisions", () => {
    expect((full.panels as Obj[]).filter((p) => p.type === "row").map((p) => p.title)).toEqual(["Topics", "Connectors", "Replication into this region", "Flink jobs"]);
    const titles = (full.panels as Obj[]).map((p) => p.title);
    expect(titles).toEqual(expect.arrayContaining(["Dead-letter records", "Consumer lag", "Failed tasks", "Replication latency (max)", "Checkpoint duration", "Back pressure per vertex", "Parallelism per vertex (autoscaler decisions)"]));
    for (const q of queries(full)) expect({ panel: q.panel, errors: promqlErrors(q.expr) }).toEqual({ panel: q.panel, errors: [] });
  });

  test("every series it reads is the tenant's: its topics and groups, its Connect and mirror clusters, its namespace", () => {
    const own = [/topic=~"pay\\\\\.\.\+/, /consumergroup=~"pay\\\\\.\.\+"/, /strimzi_io_cluster="pay-connect"/, /strimzi_io_cluster=~"pay-mirror-eu-west-1"/, /namespace="pay"/];
    for (const q of queries(full)) {
      for (const s of selectors(q.expr)) expect({ panel: q.panel, selector: s, own: own.some((r) => r.test(s)) }).toEqual({ panel: q.panel, selector: s, own: true });
    }
  });

  test("leaves out what the tenant does not run here", () => {
    const bare = tenantDashboard({ environment: "prod", region: "eu-west-1", tenant: "pay", cluster: kafka, prefix: "pay.", kafkaExporter: false, mirrorClusters: [], flink: false }) as Obj;
    expect((bare.panels as Obj[]).filter((p) => p.type === "row").map((p) => p.title)).toEqual(["Topics"]);
    expect(queries(bare).some((q) => q.expr.includes("kafka_consumergroup_lag"))).toBe(false);
  });
});

describe("dashboards in the platform", () => {
  const objects = synthesize(parsePlatformSpec(exampleSpec())).files.flatMap((f) => f.objects.map((o): Obj => ({ ...(o as Obj), file: f.path })));
  const dashboards = objects.filter((o) => o.kind === "ConfigMap" && o.metadata.labels?.grafana_dashboard === "1");

  test("one per region and one per tenant and region, in the Kafka namespace (the platform team's, never a tenant's), filed under the tenant's folder", () => {
    expect(dashboards.map((d) => `${d.file} ${d.metadata.name}`).sort()).toEqual([
      "eu-west-1/platform.yaml floe-prod-eu-west-1",
      "eu-west-1/tenant-analytics.yaml floe-prod-eu-west-1-analytics",
      "eu-west-1/tenant-logistics.yaml floe-prod-eu-west-1-logistics",
      "eu-west-1/tenant-payments.yaml floe-prod-eu-west-1-payments",
      "us-east-1/platform.yaml floe-prod-us-east-1",
      "us-east-1/tenant-analytics.yaml floe-prod-us-east-1-analytics",
      "us-east-1/tenant-payments.yaml floe-prod-us-east-1-payments",
    ]);
    expect(dashboards.every((d) => d.metadata.namespace === "kafka")).toBe(true);
    // The namespace exists in the same rendering: applying the files never needs one Floe does not make.
    expect(objects.some((o) => o.kind === "Namespace" && o.metadata.name === "kafka")).toBe(true);
    expect(dashboards.find((d) => d.metadata.name === "floe-prod-eu-west-1-payments")!.metadata.annotations).toEqual({ grafana_folder: "Floe/payments" });
  });

  test("the standby region's tenant dashboard shows replication from its primary", () => {
    const standby = JSON.parse(Object.values(dashboards.find((d) => d.metadata.name === "floe-prod-us-east-1-payments")!.data as Record<string, string>)[0]);
    expect(queries(standby).some((q) => q.expr.includes('strimzi_io_cluster=~"payments-mirror-eu-west-1"'))).toBe(true);
    const primary = JSON.parse(Object.values(dashboards.find((d) => d.metadata.name === "floe-prod-eu-west-1-payments")!.data as Record<string, string>)[0]);
    expect(queries(primary).some((q) => q.expr.includes("mirror"))).toBe(false);
  });

  test("regions[].monitoring.dashboards sets the sidecar's namespace and label, or turns them off", () => {
    const s = devSpec();
    s.regions[0].monitoring = { dashboards: { namespace: "grafana", label: "dash", labelValue: "yes", folderAnnotation: "folder" } };
    const cms = synthesize(parsePlatformSpec(s)).files.flatMap((f) => f.objects as readonly Obj[]).filter((o) => o.kind === "ConfigMap" && o.metadata.labels?.dash === "yes");
    expect(cms.map((c) => c.metadata.name).sort()).toEqual(["floe-dev-local", "floe-dev-local-alpha", "floe-dev-local-beta"]);
    expect(cms.every((c) => c.metadata.namespace === "grafana" && "folder" in c.metadata.annotations)).toBe(true);
    const off = devSpec();
    off.regions[0].monitoring = { dashboards: { enabled: false } };
    expect(synthesize(parsePlatformSpec(off)).files.flatMap((f) => f.objects as readonly Obj[]).some((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("floe-dev-local"))).toBe(false);
    const noMonitoring = devSpec();
    noMonitoring.regions[0].monitoring = { enabled: false };
    expect(synthesize(parsePlatformSpec(noMonitoring)).files.flatMap((f) => f.objects as readonly Obj[]).some((o) => o.metadata.labels?.grafana_dashboard)).toBe(false);
  });

  test("refuses a dashboards namespace that is not a DNS label, naming the spec path", () => {
    const s = devSpec();
    s.regions[0].monitoring = { dashboards: { namespace: "Not_Valid" } };
    const e = catchValidation(() => parsePlatformSpec(s));
    expect(e.issues[0].scope + "." + e.issues[0].field).toMatch(/regions\[0\]\.monitoring\.dashboards\.namespace$/);
  });
});
