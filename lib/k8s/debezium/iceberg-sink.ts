import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import { componentLabels, ICEBERG_SINK_CONNECTOR_CLASS, parseDuration, ValidationError, ValidationIssue } from "../../core";
import { KafkaTopic } from "../kafka/kafka-topic";
import { STRIMZI_API_VERSION } from "../kafka/strimzi-types";
import { ConnectCluster, connectorLabels } from "./connect-cluster";
import { DatabaseCredentials } from "./credentials";
import { databaseEndpointIssues, MANAGED_SINK_COMMON_KEYS, sinkConnectorSpec, sinkDeadLetterIssues, SinkConnectorOptions, sinkErrorConfig, sinkOptionIssues } from "./sink-common";

/** Options of an Iceberg JDBC catalog (a PostgreSQL database holding the tables' metadata pointers). */
export interface IcebergJdbcCatalogOptions {
  /** Database host name. */
  readonly hostname: string;
  /**
   * Database port.
   * @default 5432
   */
  readonly port?: number;
  /** Database name. */
  readonly database: string;
  /** Database user and password, by Secret reference. */
  readonly credentials: DatabaseCredentials;
  /**
   * Network (CIDR) of the database; required when the Connect cluster restricts egress.
   * @default - none
   */
  readonly databaseCidr?: string;
}

/**
 * The catalog an Iceberg sink commits to, which keeps each table's current metadata file (the files themselves live
 * in the warehouse): JDBC (Iceberg's `JdbcCatalog` on PostgreSQL, credentials by Secret reference) or AWS Glue
 * (Iceberg's `GlueCatalog`, reached with the workers' IAM role; the namespace is a Glue database).
 */
export class IcebergCatalog {
  /** Iceberg's JDBC catalog on a PostgreSQL database (the plugin holds the PostgreSQL driver). */
  public static jdbc(options: IcebergJdbcCatalogOptions): IcebergCatalog {
    return new IcebergCatalog("jdbc", options);
  }

  /**
   * The AWS Glue Data Catalog of the account and region (Iceberg's GlueCatalog, optimistic commits with Glue's
   * table versions): the sink's namespace is a Glue database, which the workers' role may read and add tables to.
   */
  public static glue(): IcebergCatalog {
    return new IcebergCatalog("glue", undefined);
  }

  private constructor(
    /** The catalog kind. */
    public readonly kind: "jdbc" | "glue",
    /** The JDBC catalog's options (JDBC only). */
    public readonly jdbcOptions: IcebergJdbcCatalogOptions | undefined,
  ) {}

  /** The database port (JDBC). */
  public get port(): number {
    return this.jdbcOptions?.port ?? 5432;
  }

  /** The JDBC URL, no credentials in it (JDBC). */
  public get uri(): string | undefined {
    return this.jdbcOptions && `jdbc:postgresql://${this.jdbcOptions.hostname}:${this.port}/${this.jdbcOptions.database}`;
  }
}

/** Properties of an {@link IcebergSink}. */
export interface IcebergSinkProps extends SinkConnectorOptions {
  /** The Connect cluster the connector runs on (its image must hold the Iceberg sink plugin). */
  readonly connect: ConnectCluster;
  /**
   * Connector name: its identity. The sink's position is the offsets of the consumer group `connect-<name>`, which
   * the sink commits in the same Kafka transaction as the data files it hands to its coordinator.
   */
  readonly name: string;
  /** The topics it reads (the tenant's). Every record goes to the one table. */
  readonly topics: readonly KafkaTopic[];
  /** The Iceberg namespace of the table (the tenant's name; `-` becomes `_`). */
  readonly namespace: string;
  /** The table name within the namespace (created from the first record's schema when missing). */
  readonly table: string;
  /** The catalog. */
  readonly catalog: IcebergCatalog;
  /**
   * Where the catalog puts new tables (`s3://<bucket>/<prefix>`): the tenant's prefix of the region's bucket, which
   * the workers' IAM role may write and nothing else.
   */
  readonly warehouse: string;
  /**
   * AWS region of the warehouse bucket (S3FileIO's `client.region`).
   * @default - the SDK's default chain (`AWS_REGION` of the pod)
   */
  readonly awsRegion?: string;
  /**
   * The sink's control topic (`iceberg.control.topic`): its workers and coordinator exchange commit events there in
   * Kafka transactions. One per sink, in the tenant's prefix.
   */
  readonly controlTopic: KafkaTopic;
  /**
   * How often the coordinator commits the data files written since the last commit (`iceberg.control.commit.interval-ms`):
   * how far the table lags the topics, and how many small files it gets.
   * @default "5m" (the sink's default)
   */
  readonly commitInterval?: string;
  /**
   * Partition transforms of a created table (`iceberg.tables.default-partition-by`), such as `days(ts)`.
   * @default - unpartitioned
   */
  readonly partitionBy?: readonly string[];
  /**
   * Add columns the records gain (`iceberg.tables.evolve-schema-enabled`); `none` drops fields the table lacks.
   * @default "basic"
   */
  readonly schemaEvolution?: "none" | "basic";
  /**
   * Converter settings of the connector (`key.converter*`, `value.converter*`).
   * @default - the worker's (JSON without embedded schemas: the sink infers column types from the values)
   */
  readonly converters?: Readonly<Record<string, string>>;
}

/** Keys (and prefixes) of an Iceberg sink's config that Floe derives from its props. */
const MANAGED_ICEBERG_KEYS = [
  ...MANAGED_SINK_COMMON_KEYS,
  "iceberg.tables",
  "iceberg.tables.dynamic-enabled",
  "iceberg.tables.route-field",
  "iceberg.tables.auto-create-enabled",
  "iceberg.tables.evolve-schema-enabled",
  "iceberg.tables.default-partition-by",
  "iceberg.catalog",
  "iceberg.control.topic",
  "iceberg.control.group-id-prefix",
  "iceberg.control.commit.interval-ms",
  "iceberg.connect.group-id",
  "iceberg.coordinator.transactional.prefix",
];
const MANAGED_ICEBERG_PREFIXES = ["iceberg.catalog.", "iceberg.kafka."];

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** The Iceberg namespace (and catalog name) of a tenant: its name with `-` as `_` (an identifier in SQL engines). */
export function icebergNamespace(tenant: string): string {
  return tenant.replace(/-/g, "_");
}

/**
 * Apache Iceberg's Kafka Connect sink (`org.apache.iceberg.connect.IcebergSinkConnector`, iceberg 1.10.1) on a
 * tenant's Connect cluster: it appends every record of the tenant's topics to one Iceberg table in the tenant's
 * namespace, with data files under the tenant's warehouse prefix, written with the workers' IAM role.
 *
 * Guarantee: exactly-once into the table. Workers send their data files and the consumer group's offsets to the
 * control topic in one Kafka transaction; the coordinator commits the files to the table with the offsets in the
 * snapshot summary and skips what a snapshot already holds (iceberg kafka-connect channel/Worker.java,
 * Coordinator.java). The sink appends: tombstones are ignored and nothing is updated or deleted
 * (data/IcebergWriter.java), so a CDC topic becomes its change history.
 *
 * Its Kafka clients: the sink reads the worker's properties file raw (IcebergSinkConfig.loadWorkerProps), where
 * Strimzi writes credentials as `${strimzisecrets:...}` placeholders only the worker resolves
 * (strimzi-kafka-operator 1.2.0, KafkaConnectConfigurationBuilder.java); Floe therefore sets the clients'
 * security settings as `iceberg.kafka.*` references the connector's config provider resolves.
 */
export class IcebergSink extends Construct {
  /** Connector name. */
  public readonly connectorName: string;
  /** The Connect cluster. */
  public readonly connect: ConnectCluster;
  /** The consumer group holding the sink's position (`connect-<name>`). */
  public readonly consumerGroup: string;
  /** The fully qualified table (`<namespace>.<table>`). */
  public readonly tableName: string;
  /** The rendered KafkaConnector. */
  public readonly apiObject: ApiObject;
  /** Delivery guarantee into the table. */
  public readonly deliveryGuarantee = "exactly-once" as const;
  private readonly props: IcebergSinkProps;

  constructor(scope: Construct, id: string, props: IcebergSinkProps) {
    super(scope, id);
    this.props = props;
    this.connect = props.connect;
    this.connectorName = props.name;
    this.consumerGroup = props.connect.sinkGroup(props.name);
    this.tableName = `${icebergNamespace(props.namespace)}.${props.table}`;
    ValidationError.throwIfAny(this.validate());

    const c = props.connect;
    for (const topic of props.topics) c.grantSinkRead(topic, props.name);
    if (props.deadLetterTopic) c.grantWrite(props.deadLetterTopic);
    // The control topic: workers and coordinator produce (transactionally) and consume it in groups under
    // `connect-<name>` (the coordinator's `connect-<name>-coord`, the workers' `connect-<name>-control-<uuid>`).
    c.grantReadWrite(props.controlTopic, `${this.consumerGroup}-coord`);
    c.user.addAcl({ resource: { type: "group", name: `${this.consumerGroup}-`, patternType: "prefix" }, operations: ["Read", "Describe"] });
    c.user.addAcl({ resource: { type: "transactionalId", name: this.transactionalPrefix, patternType: "prefix" }, operations: ["Write", "Describe"] });
    c.allowOwnCredentials();
    const jdbc = props.catalog.jdbcOptions;
    if (jdbc) c.allowSecret(jdbc.credentials.namespace, jdbc.credentials.secretName);
    if (jdbc?.databaseCidr) c.allowDatabase(jdbc.databaseCidr, props.catalog.port);
    c.allowHttpsEgress();
    c.requirePlugin("iceberg", this.node.path);

    this.apiObject = new ApiObject(this, "Resource", {
      apiVersion: STRIMZI_API_VERSION,
      kind: "KafkaConnector",
      metadata: {
        name: props.name,
        namespace: c.namespace,
        labels: { ...connectorLabels(c), ...componentLabels("iceberg", props.name, "iceberg-sink") },
      },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
  }

  /** The prefix of the sink's transactional ids (`<name>.`; the sink appends `coordinator`/`worker` and a task suffix). */
  public get transactionalPrefix(): string {
    return `${this.props.name}.`;
  }

  private validate(): ValidationIssue[] {
    const scope = this.node.path;
    const p = this.props;
    const issues: ValidationIssue[] = [];
    if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(p.name)) {
      issues.push({ code: "InvalidName", scope, field: "name", value: p.name, message: "is not a connector name Floe renders", fix: "use lowercase letters, digits, '.' and '-'" });
    }
    if (p.topics.length === 0) {
      issues.push({ code: "SinkWithoutTopics", scope, field: "topics", value: [], message: "a sink must name the topics it reads", fix: "list the tenant's topics to write to the table" });
    }
    for (const [field, value] of [["namespace", icebergNamespace(p.namespace)], ["table", p.table]] as const) {
      if (!IDENTIFIER.test(value)) {
        issues.push({ code: "InvalidIcebergIdentifier", scope, field, value, message: "is not an Iceberg identifier Floe renders", fix: "use lowercase letters, digits and '_' (not first a digit)" });
      }
    }
    if (!/^s3a?:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/.test(p.warehouse)) {
      issues.push({ code: "InvalidWarehouse", scope, field: "warehouse", value: p.warehouse, message: "is not an S3 location", fix: "use s3://<bucket>/<prefix>" });
    }
    const jdbc = p.catalog.jdbcOptions;
    if (jdbc) issues.push(...this.validateJdbc(jdbc));
    issues.push(...sinkDeadLetterIssues(scope, p));
    if (p.commitInterval !== undefined) {
      const { ms, issues: own } = parseDuration(p.commitInterval, { scope, field: "commitInterval" });
      issues.push(...own);
      if (ms !== undefined && (ms < 1000 || ms > 2147483647)) {
        issues.push({ code: "InvalidCommitInterval", scope, field: "commitInterval", value: p.commitInterval, message: "must be between 1s and 24d (an int of milliseconds)", fix: "use e.g. 5m" });
      }
    }
    for (const [i, t] of (p.partitionBy ?? []).entries()) {
      if (!/^(?:[a-z_][a-z0-9_]*|(?:year|month|day|hour|years|months|days|hours)\([a-z_][a-z0-9_]*\)|(?:bucket|truncate)\([a-z_][a-z0-9_]*, *\d+\))$/.test(t)) {
        issues.push({ code: "InvalidPartitionTransform", scope, field: `partitionBy[${i}]`, value: t, message: "is not a partition transform of the sink", fix: "use a column, days(col), hours(col), months(col), years(col), bucket(col, n) or truncate(col, n)" });
      }
    }
    issues.push(
      ...sinkOptionIssues(
        scope,
        p,
        (key) => MANAGED_ICEBERG_KEYS.includes(key) || MANAGED_ICEBERG_PREFIXES.some((x) => key.startsWith(x) && !key.startsWith("iceberg.catalog.s3.") && key !== "iceberg.catalog.client.region"),
      ),
    );
    return issues;
  }

  private validateJdbc(jdbc: IcebergJdbcCatalogOptions): ValidationIssue[] {
    return databaseEndpointIssues(
      this.node.path,
      {
        hostname: jdbc.hostname,
        database: jdbc.database,
        port: this.props.catalog.port,
        databaseCidr: jdbc.databaseCidr,
        fields: { hostname: "catalog.hostname", database: "catalog.database", port: "catalog.port", databaseCidr: "catalog.databaseCidr" },
        describe: { host: "catalog database", defaultPort: 5432, undeclared: "the catalog", cidrFix: "set the catalog's databaseCidr (e.g. 10.20.0.0/16)" },
      },
      this.props.connect,
    );
  }

  private renderSpec(): Record<string, unknown> {
    const p = this.props;
    const jdbc = p.catalog.jdbcOptions;
    const config: Record<string, string | number | boolean> = {
      "connector.class": ICEBERG_SINK_CONNECTOR_CLASS,
      topics: p.topics.map((t) => t.topicName).join(","),
      "iceberg.tables": this.tableName,
      "iceberg.tables.auto-create-enabled": true,
      "iceberg.tables.evolve-schema-enabled": (p.schemaEvolution ?? "basic") === "basic",
      ...(p.partitionBy && p.partitionBy.length > 0 ? { "iceberg.tables.default-partition-by": p.partitionBy.join(",") } : {}),
      // The catalog is named after the namespace: a JDBC catalog keys its rows by catalog name, so tenants that share
      // a catalog database never see each other's tables through it.
      "iceberg.catalog": icebergNamespace(p.namespace),
      ...(jdbc
        ? {
            "iceberg.catalog.catalog-impl": "org.apache.iceberg.jdbc.JdbcCatalog",
            "iceberg.catalog.uri": p.catalog.uri!,
            // JdbcCatalog hands `jdbc.*` to the driver (iceberg core, jdbc/JdbcClientPool.java).
            "iceberg.catalog.jdbc.user": jdbc.credentials.userReference,
            "iceberg.catalog.jdbc.password": jdbc.credentials.passwordReference,
          }
        : { "iceberg.catalog.catalog-impl": "org.apache.iceberg.aws.glue.GlueCatalog" }),
      "iceberg.catalog.warehouse": p.warehouse,
      "iceberg.catalog.io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
      ...(p.awsRegion ? { "iceberg.catalog.client.region": p.awsRegion } : {}),
      "iceberg.control.topic": p.controlTopic.topicName,
      "iceberg.control.group-id-prefix": `${this.consumerGroup}-control-`,
      "iceberg.control.commit.interval-ms": p.commitInterval === undefined ? 300000 : (parseDuration(p.commitInterval, { scope: "", field: "" }).ms ?? 300000),
      "iceberg.coordinator.transactional.prefix": this.transactionalPrefix,
      "iceberg.kafka.bootstrap.servers": p.connect.bootstrapServers,
      ...p.connect.clientConfig("iceberg.kafka."),
      ...sinkErrorConfig(p),
      ...(p.converters ?? {}),
      ...(p.config ?? {}),
    };
    return sinkConnectorSpec(ICEBERG_SINK_CONNECTOR_CLASS, p, config);
  }
}
