import {
  checkImagePinned,
  ConnectPluginKind,
  DEBEZIUM_PLUGINS,
  DEBEZIUM_VERSION,
  DebeziumPluginKind,
  ICEBERG_PLUGIN_JARS,
  ICEBERG_VERSION,
  LockedJar,
  shortHash,
  ValidationIssue,
} from "../../core";

/** Options of a Debezium plugin artifact. */
export interface DebeziumPluginOptions {
  /**
   * SHA-512 of the plugin archive (128 hex digits); Strimzi verifies the download against it. Get it with
   * `curl -sL <url> | sha512sum`.
   */
  readonly sha512: string;
  /**
   * Debezium version.
   * @default "3.2.0.Final"
   */
  readonly version?: string;
  /**
   * Maven repository the archive is downloaded from.
   * @default "https://repo1.maven.org/maven2"
   */
  readonly repository?: string;
}

/** A Strimzi build artifact (`spec.build.plugins[].artifacts[]`): an archive or a jar, verified by its checksum. */
export interface StrimziBuildArtifact {
  readonly type: "tgz" | "jar";
  readonly url: string;
  readonly sha512sum: string;
}

/** A plugin of a Connect image Strimzi builds: its folder name and pinned artifacts. */
export interface ConnectPlugin {
  /** The plugin kind (what connectors it runs). */
  readonly kind: ConnectPluginKind;
  /** The plugin folder in the image. */
  readonly name: string;
  /** Maven coordinates of the plugin. */
  readonly coordinates: string;
  /** What Strimzi downloads, each with its SHA-512. */
  readonly artifacts: readonly StrimziBuildArtifact[];
  /** Checks of the plugin's options. */
  validate(scope: string, field: string): ValidationIssue[];
}

/** Options of the Iceberg sink plugin. */
export interface IcebergSinkPluginOptions {
  /**
   * Maven repository (or mirror of Maven Central) the jars are downloaded from.
   * @default "https://repo1.maven.org/maven2"
   */
  readonly repository?: string;
}

/**
 * Apache Iceberg's Kafka Connect sink (`org.apache.iceberg:iceberg-kafka-connect`, Apache-2.0) as the jars of its
 * runtime (the sink, Parquet, S3FileIO and the AWS SDK bundle, Hadoop's common classes, the PostgreSQL driver of
 * the JDBC catalog), each pinned by Maven coordinates and SHA-512 in Floe's lock (`npm run plugins:lock`): Strimzi
 * verifies every jar, and the version is the lock's ({@link ICEBERG_VERSION}).
 */
export class IcebergSinkPlugin implements ConnectPlugin {
  /** The plugin, downloaded from `options.repository`. */
  public static of(options: IcebergSinkPluginOptions = {}): IcebergSinkPlugin {
    return new IcebergSinkPlugin(options);
  }

  public readonly kind = "iceberg" as const;
  public readonly name = "iceberg-sink";
  /** Iceberg version (the lock's). */
  public readonly version = ICEBERG_VERSION;
  private readonly repository: string;

  private constructor(options: IcebergSinkPluginOptions) {
    this.repository = (options.repository ?? "https://repo1.maven.org/maven2").replace(/\/+$/, "");
  }

  public get coordinates(): string {
    return `org.apache.iceberg:iceberg-kafka-connect:${this.version}`;
  }

  /** One `jar` artifact per locked jar (URL in the Maven repository layout). */
  public get artifacts(): StrimziBuildArtifact[] {
    return ICEBERG_PLUGIN_JARS.map((j) => ({ type: "jar" as const, url: `${this.repository}/${mavenPath(j)}`, sha512sum: j.sha512 }));
  }

  public validate(scope: string, field: string): ValidationIssue[] {
    return /^https:\/\//.test(this.repository)
      ? []
      : [{ code: "InsecurePluginRepository", scope, field: `${field}.repository`, value: this.repository, message: "plugins are downloaded over https only", fix: "use an https:// Maven repository (or mirror)" }];
  }
}

/** The path of a jar in the Maven repository layout. */
function mavenPath(j: LockedJar): string {
  return `${j.group.replace(/\./g, "/")}/${j.artifact}/${j.version}/${j.artifact}-${j.version}${j.classifier ? `-${j.classifier}` : ""}.jar`;
}

/**
 * A Debezium connector plugin pinned by Maven coordinates (`io.debezium:<artifact>:<version>:plugin@tar.gz`) and
 * its SHA-512, for a Strimzi `build`.
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-Build-reference
 */
export class DebeziumPlugin implements ConnectPlugin {
  /** The PostgreSQL connector plugin. */
  public static postgres(options: DebeziumPluginOptions): DebeziumPlugin {
    return new DebeziumPlugin("postgres", options);
  }
  /** The MySQL connector plugin. */
  public static mysql(options: DebeziumPluginOptions): DebeziumPlugin {
    return new DebeziumPlugin("mysql", options);
  }
  /** The JDBC sink connector plugin (`debezium-connector-jdbc`, with the JDBC drivers of its dialects). */
  public static jdbc(options: DebeziumPluginOptions): DebeziumPlugin {
    return new DebeziumPlugin("jdbc", options);
  }
  /** The SQL Server connector plugin. */
  public static sqlserver(options: DebeziumPluginOptions): DebeziumPlugin {
    return new DebeziumPlugin("sqlserver", options);
  }
  /** The plugin of a connector kind (a source's or the JDBC sink's). */
  public static of(kind: DebeziumPluginKind, options: DebeziumPluginOptions): DebeziumPlugin {
    return new DebeziumPlugin(kind, options);
  }

  /** Debezium version. */
  public readonly version: string;
  private readonly repository: string;

  private constructor(
    /** Connector kind. */
    public readonly kind: DebeziumPluginKind,
    private readonly options: DebeziumPluginOptions,
  ) {
    this.version = options.version ?? DEBEZIUM_VERSION;
    this.repository = (options.repository ?? "https://repo1.maven.org/maven2").replace(/\/+$/, "");
  }

  /** Maven coordinates `io.debezium:<artifact>:<version>:plugin@tar.gz`. */
  public get coordinates(): string {
    return `io.debezium:${DEBEZIUM_PLUGINS[this.kind].artifact}:${this.version}:plugin@tar.gz`;
  }

  /** The plugin name in the Connect image (`debezium-<kind>`). */
  public get name(): string {
    return `debezium-${this.kind}`;
  }

  /** The Strimzi build artifact: the archive URL on the repository and its checksum. */
  public get artifact(): StrimziBuildArtifact {
    const artifact = DEBEZIUM_PLUGINS[this.kind].artifact;
    return {
      type: "tgz",
      url: `${this.repository}/io/debezium/${artifact}/${this.version}/${artifact}-${this.version}-plugin.tar.gz`,
      sha512sum: this.options.sha512.toLowerCase(),
    };
  }

  /** The build's artifacts: the plugin archive. */
  public get artifacts(): StrimziBuildArtifact[] {
    return [this.artifact];
  }

  /** Checks: a SHA-512 of 128 hex digits, an https repository, a Final/CR release version. */
  public validate(scope: string, field: string): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    if (!/^[0-9a-fA-F]{128}$/.test(this.options.sha512)) {
      issues.push({
        code: "InvalidChecksum",
        scope,
        field: `${field}.sha512`,
        value: this.options.sha512,
        message: "is not a SHA-512 (128 hexadecimal digits)",
        fix: `compute it with: curl -sL ${this.artifact.url} | sha512sum`,
      });
    }
    if (!/^https:\/\//.test(this.repository)) {
      issues.push({
        code: "InsecurePluginRepository",
        scope,
        field: `${field}.repository`,
        value: this.repository,
        message: "plugins are downloaded over https only",
        fix: "use an https:// Maven repository (or mirror)",
      });
    }
    if (!/^\d+\.\d+\.\d+\.(Final|CR\d+)$/.test(this.version)) {
      issues.push({
        code: "InvalidDebeziumVersion",
        scope,
        field: `${field}.version`,
        value: this.version,
        message: "is not a Debezium release version",
        fix: `use a release such as ${DEBEZIUM_VERSION}`,
      });
    }
    return issues;
  }
}

/** Options of a Connect image built by Strimzi. */
export interface ConnectBuildOptions {
  /** Repository the built image is pushed to, without tag (`registry.example.com/platform/connect`). */
  readonly outputRepository: string;
  /** The plugins to add (Debezium's, Iceberg's sink). */
  readonly plugins: readonly ConnectPlugin[];
  /**
   * Secret with the registry credentials (`kubernetes.io/dockerconfigjson`) for the push.
   * @default - none (the registry accepts the build pod's push)
   */
  readonly pushSecret?: string;
}

/**
 * The Connect image: built by Strimzi from pinned plugin archives, or a prebuilt image (built in CI) that
 * already contains the plugins.
 */
export class ConnectImage {
  /**
   * Strimzi builds the image (`spec.build`) and pushes it to `<outputRepository>:<tag>`; the tag is derived
   * from the plugin set, so a plugin change is a new, pinned image. The build pod runs in the Connect
   * namespace and needs Pod Security "baseline" there.
   */
  public static build(options: ConnectBuildOptions): ConnectImage {
    return new ConnectImage(undefined, options, options.plugins.map((p) => p.kind));
  }

  /** A prebuilt image (pinned tag or digest) that contains the plugins of the listed connector kinds (sources and sinks). */
  public static prebuilt(image: string, connectors: readonly ConnectPluginKind[]): ConnectImage {
    return new ConnectImage(image, undefined, [...connectors]);
  }

  private constructor(
    /** The prebuilt image. */
    public readonly image: string | undefined,
    /** The build options. */
    public readonly buildOptions: ConnectBuildOptions | undefined,
    /** Connector kinds the image can run. */
    public readonly connectors: readonly ConnectPluginKind[],
  ) {}

  /** The tag of the built image: `<tag prefix>-<hash of the plugin set>`. */
  public builtImage(tagPrefix: string): string | undefined {
    if (!this.buildOptions) return undefined;
    const fingerprint = this.buildOptions.plugins
      .map((p) => `${p.coordinates}@${p.artifacts.map((a) => a.sha512sum).join(",")}`)
      .sort()
      .join("\n");
    return `${this.buildOptions.outputRepository}:${tagPrefix}-${shortHash(fingerprint, 12)}`;
  }

  /** Checks of the image or build. */
  public validate(scope: string): ValidationIssue[] {
    if (this.image !== undefined) return checkImagePinned(this.image, { scope, field: "image" });
    const build = this.buildOptions!;
    const issues: ValidationIssue[] = [];
    const last = build.outputRepository.slice(build.outputRepository.lastIndexOf("/") + 1);
    if (last.includes(":") || build.outputRepository.includes("@") || !/^[a-z0-9][a-z0-9._\-/:]*[a-z0-9]$/.test(build.outputRepository)) {
      issues.push({
        code: "InvalidOutputRepository",
        scope,
        field: "build.outputRepository",
        value: build.outputRepository,
        message: "must be an image repository without tag (Floe derives the tag from the plugins)",
        fix: "use e.g. registry.example.com/platform/connect",
      });
    }
    if (build.plugins.length === 0) {
      issues.push({
        code: "NoConnectPlugins",
        scope,
        field: "build.plugins",
        value: [],
        message: "a Connect build needs at least one plugin",
        fix: "add DebeziumPlugin.postgres({ sha512 }) or the plugins of your sources",
      });
    }
    const kinds = new Set<string>();
    build.plugins.forEach((p, i) => {
      issues.push(...p.validate(scope, `build.plugins[${i}]`));
      if (kinds.has(p.kind)) {
        issues.push({
          code: "DuplicateConnectPlugin",
          scope,
          field: `build.plugins[${i}]`,
          value: p.kind,
          message: "the plugin is listed twice",
          fix: "list each plugin once",
        });
      }
      kinds.add(p.kind);
    });
    return issues;
  }
}
