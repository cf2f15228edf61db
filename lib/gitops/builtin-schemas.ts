/**
 * Schemas for custom resources Floe renders whose CRDs are not among the pinned upstream CRDs in
 * `../shared/crds`: the External Secrets Operator's `ExternalSecret`, `SecretStore` and `ClusterSecretStore`
 * (`external-secrets.io/v1`), `PushSecret` (`external-secrets.io/v1alpha1`), and prometheus-operator's `PodMonitor` and
 * `PrometheusRule` (`monitoring.coreos.com/v1`). They cover exactly the fields Floe renders, closed to unknown fields, and are
 * used only when the CRD directory has no CRD for the kind (a real CRD always wins).
 */
type JsonSchema = Record<string, unknown>;

const str = { type: "string" };
const closed = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});
/** A Prometheus duration (`30s`, `5m`, `1h30m`). */
const DURATION = "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$";
const root = (spec: JsonSchema): JsonSchema =>
  closed({ apiVersion: str, kind: str, metadata: { type: "object" }, spec }, ["apiVersion", "kind", "metadata", "spec"]);

/** `group/version/Kind` -> schema (and whether the kind is cluster-scoped). */
export const BUILTIN_SCHEMAS: Readonly<Record<string, { readonly schema: JsonSchema; readonly clusterScoped: boolean }>> = {
  "external-secrets.io/v1/ExternalSecret": {
    clusterScoped: false,
    schema: root(
      closed(
        {
          refreshInterval: { type: "string", pattern: "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$" },
          secretStoreRef: closed({ name: str, kind: { enum: ["SecretStore", "ClusterSecretStore"] } }, ["name"]),
          target: closed(
            {
              name: str,
              creationPolicy: { enum: ["Owner", "Orphan", "Merge", "None"] },
              deletionPolicy: { enum: ["Delete", "Merge", "Retain"] },
            },
            [],
          ),
          data: {
            type: "array",
            items: closed({ secretKey: str, remoteRef: closed({ key: str, property: str }, ["key"]) }, ["secretKey", "remoteRef"]),
          },
          dataFrom: { type: "array", items: closed({ extract: closed({ key: str }, ["key"]) }, ["extract"]) },
        },
        ["secretStoreRef"],
      ),
    ),
  },
  "external-secrets.io/v1alpha1/PushSecret": {
    clusterScoped: false,
    schema: root(
      closed(
        {
          refreshInterval: { type: "string", pattern: "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$" },
          updatePolicy: { enum: ["Replace", "IfNotExists"] },
          deletionPolicy: { enum: ["Delete", "None"] },
          secretStoreRefs: {
            type: "array",
            minItems: 1,
            items: closed({ name: str, kind: { enum: ["SecretStore", "ClusterSecretStore"] } }, ["name"]),
          },
          selector: closed({ secret: closed({ name: str }, ["name"]) }, ["secret"]),
          data: {
            type: "array",
            items: closed(
              { match: closed({ secretKey: str, remoteRef: closed({ remoteKey: str, property: str }, ["remoteKey"]) }, ["remoteRef"]) },
              ["match"],
            ),
          },
        },
        ["secretStoreRefs", "selector"],
      ),
    ),
  },
  "monitoring.coreos.com/v1/PodMonitor": {
    clusterScoped: false,
    schema: root(
      closed(
        {
          selector: closed({
            matchLabels: { type: "object", additionalProperties: str },
            matchExpressions: {
              type: "array",
              items: closed({ key: str, operator: { enum: ["In", "NotIn", "Exists", "DoesNotExist"] }, values: { type: "array", items: str } }, ["key", "operator"]),
            },
          }),
          namespaceSelector: closed({ matchNames: { type: "array", items: str }, any: { type: "boolean" } }),
          podMetricsEndpoints: {
            type: "array",
            minItems: 1,
            items: closed(
              {
                port: str,
                path: str,
                interval: { type: "string", pattern: DURATION },
                relabelings: {
                  type: "array",
                  items: closed({
                    action: { enum: ["replace", "keep", "drop", "labelmap", "labeldrop", "labelkeep", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal"] },
                    sourceLabels: { type: "array", items: { type: "string", pattern: "^[a-zA-Z_][a-zA-Z0-9_]*$" } },
                    separator: str,
                    regex: str,
                    targetLabel: str,
                    replacement: str,
                  }),
                },
              },
              ["port"],
            ),
          },
        },
        ["selector", "podMetricsEndpoints"],
      ),
    ),
  },
  "monitoring.coreos.com/v1/PrometheusRule": {
    clusterScoped: false,
    schema: root(
      closed(
        {
          groups: {
            type: "array",
            minItems: 1,
            items: closed(
              {
                name: { type: "string", minLength: 1 },
                rules: {
                  type: "array",
                  minItems: 1,
                  items: closed(
                    {
                      alert: { type: "string", minLength: 1 },
                      expr: { type: "string", minLength: 1 },
                      for: { type: "string", pattern: DURATION },
                      labels: { type: "object", additionalProperties: str },
                      annotations: { type: "object", additionalProperties: str },
                    },
                    ["alert", "expr"],
                  ),
                },
              },
              ["name", "rules"],
            ),
          },
        },
        ["groups"],
      ),
    ),
  },
  "external-secrets.io/v1/SecretStore": {
    clusterScoped: false,
    schema: root(
      closed(
        {
          provider: closed(
            {
              kubernetes: closed(
                {
                  remoteNamespace: str,
                  server: closed({ caProvider: closed({ type: { enum: ["Secret", "ConfigMap"] }, name: str, key: str }, ["type", "name"]) }),
                  auth: closed({ serviceAccount: closed({ name: str }, ["name"]) }),
                },
                ["server", "auth"],
              ),
            },
            ["kubernetes"],
          ),
        },
        ["provider"],
      ),
    ),
  },
  "external-secrets.io/v1/ClusterSecretStore": {
    clusterScoped: true,
    schema: root(
      closed(
        {
          provider: closed(
            {
              aws: closed(
                {
                  service: { enum: ["SecretsManager", "ParameterStore"] },
                  region: str,
                  auth: closed({ jwt: closed({ serviceAccountRef: closed({ name: str, namespace: str }, ["name"]) }, ["serviceAccountRef"]) }),
                },
                ["service", "region"],
              ),
            },
            ["aws"],
          ),
          conditions: { type: "array", items: closed({ namespaces: { type: "array", items: str } }) },
        },
        ["provider"],
      ),
    ),
  },
};
