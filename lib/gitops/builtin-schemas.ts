/**
 * Schemas for custom resources Floe renders whose CRDs are not among the pinned upstream CRDs in
 * `../shared/crds`: the External Secrets Operator's `ExternalSecret`, `SecretStore` and `ClusterSecretStore`
 * (`external-secrets.io/v1`) and `PushSecret` (`external-secrets.io/v1alpha1`). They cover exactly the fields Floe renders, closed to unknown fields, and are
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
