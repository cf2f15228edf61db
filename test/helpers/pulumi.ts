/**
 * What a Pulumi program asks the engine for, under `setMocks`: the mock monitor hands `newResource` only a
 * resource's type, name and inputs, so this records the rest of each registration request (protect,
 * retainOnDelete, dependencies, aliases, parent) from the request itself.
 */
import * as pulumi from "@pulumi/pulumi";

/** One registration as the engine receives it. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly parent: string;
  readonly custom: boolean;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** URNs of the resources it depends on (dependsOn, after the SDK expands components into their children). */
  readonly dependencies: readonly string[];
  /** Alias specs as names (where given by name). */
  readonly aliasNames: readonly string[];
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDependenciesList(): string[];
  getAliasesList(): { getSpec?: () => { getName(): string } | undefined }[];
}

/** Start recording registrations (call after `setMocks`); the returned array fills as resources register. */
export function recordRegistrations(): Registration[] {
  const out: Registration[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, callback: (err: unknown, res?: { getUrn(): string }) => void): unknown;
  };
  const reader = monitor as unknown as {
    readResource(req: RegisterRequest, callback: (err: unknown, res?: { getUrn(): string }) => void): unknown;
  };
  const originalRead = reader.readResource.bind(monitor);
  // A read (`Resource.get`) registers under its own request kind: recorded with what it has (no options).
  reader.readResource = (req, callback) =>
    originalRead(req, (err, res) => {
      if (!err && res) {
        out.push({ type: req.getType(), name: req.getName(), urn: res.getUrn(), parent: req.getParent(), custom: true, protect: false, retainOnDelete: false, dependencies: req.getDependenciesList(), aliasNames: [] });
      }
      callback(err, res);
    });
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    original(req, (err, res) => {
      if (!err && res) {
        out.push({
          type: req.getType(),
          name: req.getName(),
          urn: res.getUrn(),
          parent: req.getParent(),
          custom: req.getCustom(),
          protect: req.getProtect(),
          retainOnDelete: req.getRetainondelete(),
          dependencies: req.getDependenciesList(),
          aliasNames: req
            .getAliasesList()
            .map((a) => a.getSpec?.()?.getName() ?? "")
            .filter((n) => n !== ""),
        });
      }
      callback(err, res);
    });
  return out;
}
