import { checkDnsLabel, checkDnsSubdomain, ValidationError } from "../../core";

/** Where a source connector's database credentials live: a Kubernetes Secret, read by reference. */
export interface DatabaseCredentialsOptions {
  /** Namespace of the Secret. */
  readonly namespace: string;
  /** Secret name. */
  readonly name: string;
  /**
   * Key holding the user name.
   * @default "username"
   */
  readonly userKey?: string;
  /**
   * Key holding the password.
   * @default "password"
   */
  readonly passwordKey?: string;
}

/**
 * Database credentials by reference: rendered as `${secrets:<namespace>/<name>:<key>}`, resolved inside
 * Kafka Connect by the Strimzi Kubernetes config provider, so no value ever appears in a manifest. Floe grants
 * the Connect service account `get` on exactly this Secret.
 */
export class DatabaseCredentials {
  /** Credentials in a Secret. */
  public static fromSecret(options: DatabaseCredentialsOptions): DatabaseCredentials {
    const scope = "DatabaseCredentials";
    ValidationError.throwIfAny([
      ...checkDnsLabel(options.namespace, { scope, field: "namespace" }),
      ...checkDnsSubdomain(options.name, { scope, field: "name" }),
    ]);
    return new DatabaseCredentials(options.namespace, options.name, options.userKey ?? "username", options.passwordKey ?? "password");
  }

  private constructor(
    /** Namespace of the Secret. */
    public readonly namespace: string,
    /** Secret name. */
    public readonly secretName: string,
    private readonly userKey: string,
    private readonly passwordKey: string,
  ) {}

  /** `${secrets:ns/name:userKey}` */
  public get userReference(): string {
    return `\${secrets:${this.namespace}/${this.secretName}:${this.userKey}}`;
  }

  /** `${secrets:ns/name:passwordKey}` */
  public get passwordReference(): string {
    return `\${secrets:${this.namespace}/${this.secretName}:${this.passwordKey}}`;
  }
}
