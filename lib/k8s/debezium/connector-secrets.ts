// Credentials in connector config: by reference only (sources and sinks alike). Not part of the public API.

import { ValidationIssue } from "../../core";

/**
 * The issue of a connector config entry whose key names a credential but whose value is not a reference (sources and
 * sinks alike): it would be stored in the manifest and in Connect's config topic.
 */
export function inlineSecretIssue(scope: string, key: string, value: unknown): ValidationIssue | undefined {
  if (!/(password|secret|credential|token|key\.password|user\.info)/i.test(key) || /credentials\.source$/.test(key) || isSecretReference(key, String(value))) return undefined;
  return {
    code: "InlineSecretValue",
    scope,
    field: `config.${key}`,
    value: "<redacted>",
    message: "looks like a secret given as a value; it would be stored in the manifest and in Connect's config topic",
    fix: "store it in a Secret and reference it as ${secrets:<namespace>/<secret>:<key>}",
  };
}

/**
 * A credential given by reference: `${secrets:<ns>/<name>:<key>}` (or configmaps), or for a registry client's
 * `basic.auth.user.info` the `<user>:${secrets:...}` pair, resolved by the workers' config provider.
 */
function isSecretReference(key: string, value: string): boolean {
  const ref = "\\$\\{(secrets|configmaps):[^}]+\\}";
  return new RegExp(`^${ref}$`).test(value) || (/user\.info$/.test(key) && new RegExp(`^[^:\${}]+:${ref}$`).test(value));
}
