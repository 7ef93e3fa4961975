import type { PolicyResource, ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { minimumDaysSetting, whenKnown } from "../lib/props";
import type { Rule } from "../lib/rule";

const INSTANCE = "aws:rds/instance:Instance";
const CLUSTER = "aws:rds/cluster:Cluster";
const CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup";
const CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup";

type Instance = Unwrap<aws.rds.InstanceArgs>;
type Cluster = Unwrap<aws.rds.ClusterArgs>;
type ClusterInstance = Unwrap<aws.rds.ClusterInstanceArgs>;
/** The settings RDS instances and Aurora clusters share under the same names. */
type Database = Instance | Cluster;

/** Engine families, from an engine name (mysql, aurora-postgresql, sqlserver-se…) or a parameter group family (mysql8.4, postgres16…). */
type EngineFamily = "mysql" | "postgres" | "sqlserver" | "oracle" | "db2";

function engineFamily(engine: string | undefined): EngineFamily | undefined {
  const name = (engine ?? "").toLowerCase();
  if (name.includes("postgres")) return "postgres";
  if (name.includes("sqlserver")) return "sqlserver";
  if (name.includes("oracle")) return "oracle";
  if (name.includes("db2")) return "db2";
  if (name.includes("mysql") || name.includes("mariadb") || name.startsWith("aurora")) return "mysql";
  return undefined;
}

/** A read replica: its source holds the backups, the Multi-AZ standby and the final snapshot. */
function isReplica(type: string, database: Database): boolean {
  return type === INSTANCE && Boolean((database as Instance).replicateSourceDb);
}

/** What the kit calls a database in messages. */
function described(type: string, database: Database): string {
  if (type === CLUSTER) return "The Aurora cluster";
  return isReplica(type, database) ? "The read replica" : "The database instance";
}

function onDatabases(check: (database: Database, args: ResourceValidationArgs, report: ReportViolation) => void) {
  return (args: ResourceValidationArgs, report: ReportViolation): void => {
    if (args.type === INSTANCE || args.type === CLUSTER) check(args.props as Database, args, report);
  };
}

const storageEncrypted: Rule = {
  kind: "resource",
  name: "rds-storage-encrypted-cmk",
  service: "rds",
  description:
    "RDS instances and Aurora clusters encrypt their storage (and so their snapshots and backups) with a customer-managed KMS key: storageEncrypted true and a kmsKeyId, not the AWS-managed aws/rds key, whose use no key policy of ours controls. A read replica needs the kmsKeyId but may leave storageEncrypted unset: it inherits encryption from its source, and a cross-region replica ignores the flag.",
  fix: "set `storageEncrypted: true` and `kmsKeyId` to a customer-managed key, as infra/data/database.ts does with the database's rotating key. Storage cannot be encrypted in place: restore an encrypted copy of a snapshot into a new instance.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onDatabases((database, args, report) => {
    const what = described(args.type, database);
    const replica = isReplica(args.type, database);
    const encrypted = database.storageEncrypted;
    if (encrypted === false || (encrypted !== true && !replica)) {
      report(`${what}'s storage is not encrypted (storageEncrypted is ${encrypted === false ? "false" : "not set"}).`);
      return;
    }
    if (!database.kmsKeyId) {
      report(`${what}'s storage is encrypted with the AWS-managed aws/rds key, not a customer-managed KMS key (kmsKeyId is not set).`);
    }
  }),
};

const notPubliclyAccessible: Rule = {
  kind: "resource",
  name: "rds-not-publicly-accessible",
  service: "rds",
  description:
    "No RDS instance or Aurora cluster instance is publicly accessible: with publiclyAccessible true RDS gives it a public DNS name and address, one security-group rule away from the internet.",
  fix: "set `publiclyAccessible: false` (infra/data/database.ts does) and keep the database in the data subnets; operators reach it through the bastion's SSM port forward.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: (args, report) => {
    if (args.type !== INSTANCE && args.type !== CLUSTER_INSTANCE) return;
    if ((args.props as Instance | ClusterInstance).publiclyAccessible === true) {
      const what = args.type === CLUSTER_INSTANCE ? "The Aurora cluster instance" : "The database instance";
      report(`${what} is publicly accessible (publiclyAccessible: true): RDS gives it a public address.`);
    }
  },
};

const multiAz: Rule = {
  kind: "resource",
  name: "rds-multi-az",
  service: "rds",
  description:
    "An RDS instance runs Multi-AZ (multiAz true): a synchronous standby in another availability zone takes over when the primary's zone fails. Read replicas are exempt: the Multi-AZ primary is the failover target, and the kit places its replica in another zone than the primary's. Aurora clusters are not judged here: their availability comes from cluster instances in several zones.",
  fix: "set `database.multiAz: true` in the stack's profile (stacks/prod.yaml has it); infra/data/database.ts passes it as multiAz.",
  levels: { prod: "mandatory", dev: "advisory" },
  validateResource: (args, report) => {
    if (args.type !== INSTANCE) return;
    const instance = args.props as Instance;
    if (isReplica(args.type, instance)) return;
    if (instance.multiAz !== true) {
      report(
        `The database instance is single-AZ (multiAz is ${instance.multiAz === false ? "false" : "not set"}): an outage of its availability zone takes the database down.`,
      );
    }
  },
};

const deletionProtection: Rule = {
  kind: "resource",
  name: "rds-deletion-protection",
  service: "rds",
  description:
    "RDS instances and Aurora clusters carry deletion protection (deletionProtection true), so no API call, console click or `pulumi destroy` deletes them until it is turned off. Read replicas are held to it too: AWS supports it on them, and a deleted replica drops the reads it serves.",
  fix: "set `database.deletionProtection: true` in the stack's profile (stacks/prod.yaml has it); infra/data/database.ts sets it on the primary and the replica.",
  levels: { prod: "mandatory", dev: "advisory" },
  validateResource: onDatabases((database, args, report) => {
    if (database.deletionProtection !== true) {
      report(
        `${described(args.type, database)} has no deletion protection (deletionProtection is ${database.deletionProtection === false ? "false" : "not set"}).`,
      );
    }
  }),
};

const finalSnapshot: Rule = {
  kind: "resource",
  name: "rds-final-snapshot",
  service: "rds",
  description:
    "Deleting an RDS instance or Aurora cluster leaves a final snapshot: skipFinalSnapshot false (or unset) and a finalSnapshotIdentifier. Read replicas (replicateSourceDb set) are exempt: RDS takes no final snapshot of a read replica and refuses a finalSnapshotIdentifier when one is deleted; the source's snapshot holds the data.",
  fix: "set `database.deletionProtection: true` in the stack's profile (stacks/prod.yaml has it): infra/data/database.ts then sets skipFinalSnapshot: false and finalSnapshotIdentifier <identifier>-final.",
  levels: { prod: "mandatory", dev: "advisory" },
  validateResource: onDatabases((database, args, report) => {
    if (isReplica(args.type, database)) return;
    const what = described(args.type, database);
    if (database.skipFinalSnapshot === true) {
      report(`${what} would be deleted without a final snapshot (skipFinalSnapshot: true).`);
    } else if (!database.finalSnapshotIdentifier) {
      report(
        `${what} names no finalSnapshotIdentifier: with skipFinalSnapshot false, deleting it fails until one is set, and with it skipped the data is gone.`,
      );
    }
  }),
};

interface BackupSettings {
  readonly minimumDays?: number;
}
const DEFAULT_MINIMUM_BACKUP_DAYS = 7;

const backupRetention: Rule = {
  kind: "resource",
  name: "rds-backup-retention",
  service: "rds",
  description: `RDS instances and Aurora clusters keep automated backups (point-in-time recovery) for at least \`minimumDays\` days (default ${DEFAULT_MINIMUM_BACKUP_DAYS}). Read replicas are exempt: the source's backups are the recovery point, MySQL and MariaDB replicas need backups only to feed replicas of their own, and not every engine allows them on a replica.`,
  fix: "raise `database.backupRetentionDays` in the stack's profile (1–35 days; stacks/prod.yaml keeps 30); infra/data/database.ts passes it as backupRetentionPeriod. The minimum is this rule's `minimumDays` in policies/config/<profile>.json.",
  levels: { prod: "mandatory", dev: "advisory" },
  configSchema: {
    properties: {
      minimumDays: minimumDaysSetting(
        DEFAULT_MINIMUM_BACKUP_DAYS,
        "The fewest days of automated backups an RDS instance or Aurora cluster may keep.",
      ),
    },
  },
  validateResource: onDatabases((database, args, report) => {
    if (isReplica(args.type, database)) return;
    const minimum = args.getConfig<BackupSettings>().minimumDays ?? DEFAULT_MINIMUM_BACKUP_DAYS;
    const days = database.backupRetentionPeriod;
    const what = described(args.type, database);
    if (days === undefined) {
      report(
        `${what} sets no backupRetentionPeriod, so RDS keeps at most a day of automated backups; at least ${minimum} days are required.`,
      );
    } else if (days < minimum) {
      report(
        `${what} keeps automated backups for ${days} day${days === 1 ? "" : "s"} (backupRetentionPeriod); at least ${minimum} days are required.`,
      );
    }
  }),
};

const iamAuthentication: Rule = {
  kind: "resource",
  name: "rds-iam-authentication",
  service: "rds",
  description:
    "RDS instances and Aurora clusters accept IAM database authentication (iamDatabaseAuthenticationEnabled true), so services and operators log in with short-lived IAM tokens instead of long-lived passwords. Oracle, SQL Server and Db2 do not support it and are not judged.",
  fix: "set `iamDatabaseAuthenticationEnabled: true` (infra/data/database.ts does on the primary and the replica).",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onDatabases((database, args, report) => {
    const family = engineFamily(database.engine);
    if (family === "oracle" || family === "sqlserver" || family === "db2") return;
    if (database.iamDatabaseAuthenticationEnabled !== true) {
      report(
        `${described(args.type, database)} does not accept IAM database authentication (iamDatabaseAuthenticationEnabled is ${database.iamDatabaseAuthenticationEnabled === false ? "false" : "not set"}).`,
      );
    }
  }),
};

/** The log each engine writes its errors to, as enabledCloudwatchLogsExports names it. */
const ERROR_LOG: Record<EngineFamily, string> = {
  mysql: "error",
  postgres: "postgresql",
  sqlserver: "error",
  oracle: "alert",
  db2: "diag.log",
};

const logExports: Rule = {
  kind: "resource",
  name: "rds-log-exports",
  service: "rds",
  description:
    'RDS instances and Aurora clusters export at least their error log to CloudWatch Logs (enabledCloudwatchLogsExports): "error" for MySQL, MariaDB and SQL Server, "postgresql" for PostgreSQL (its only server log), "alert" for Oracle, "diag.log" for Db2. A read replica that does not name its engine may export any of them.',
  fix: "list the error log in `enabledCloudwatchLogsExports` (infra/data/database.ts exports DATABASE_LOG_EXPORTS: error and slowquery, into log groups it creates with retention `database.logRetentionDays`).",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onDatabases((database, args, report) => {
    const family = engineFamily(database.engine);
    const wanted = family ? [ERROR_LOG[family]] : [...new Set(Object.values(ERROR_LOG))];
    const exported = database.enabledCloudwatchLogsExports ?? [];
    if (!exported.some((log) => wanted.includes(log))) {
      const now = exported.length === 0 ? "it exports no logs" : `it exports only ${exported.join(", ")}`;
      report(
        `${described(args.type, database)} does not export its error log to CloudWatch: ${now}; enabledCloudwatchLogsExports needs "${wanted.join('" or "')}".`,
      );
    }
  }),
};

/** The parameter that makes an engine refuse unencrypted connections; Oracle and Db2 configure TLS elsewhere. */
const TLS_PARAMETER: Partial<Record<EngineFamily, string>> = {
  mysql: "require_secure_transport",
  postgres: "rds.force_ssl",
  sqlserver: "rds.force_ssl",
};
const TRUTHY = new Set(["1", "on", "true"]);

/**
 * RDS for PostgreSQL 15 and later sets rds.force_ssl to 1 in its default parameter
 * group (so also in a declared group that leaves it unset); older versions, Aurora
 * and the other engines default to accepting plaintext.
 */
function requiresTlsByDefault(engineOrFamily: string | undefined, version?: string): boolean {
  const family = /^postgres(\d+)/.exec(engineOrFamily ?? "");
  const major = family?.[1] ?? (engineOrFamily === "postgres" ? /^(\d+)/.exec(version ?? "")?.[1] : undefined);
  return major !== undefined && Number(major) >= 15;
}

interface GroupFacts {
  readonly resource: PolicyResource;
  readonly family: EngineFamily | undefined;
  /** The group's family (postgres16) makes rds.force_ssl 1 when the group leaves it unset. */
  readonly tlsByDefault: boolean;
  /** Parameter name → value, as the group sets them. */
  readonly parameters: ReadonlyMap<string, string>;
}

/** Parameter groups of one type by name (on outputs), or undefined for a group whose name or settings are unknown. */
function groupsByName(
  resources: readonly PolicyResource[],
  type: string,
): { readonly byName: Map<string, GroupFacts | "unknown">; readonly someNameUnknown: boolean } {
  const byName = new Map<string, GroupFacts | "unknown">();
  let someNameUnknown = false;
  for (const resource of resources.filter((r) => r.type === type)) {
    const name = whenKnown(() => resource.props.name as unknown);
    if (typeof name !== "string") {
      someNameUnknown = true;
      continue;
    }
    const facts = whenKnown<GroupFacts>(() => {
      const parameters = (resource.props.parameters ?? []) as { name: string; value: string }[];
      return {
        resource,
        family: engineFamily(resource.props.family as string | undefined),
        tlsByDefault: requiresTlsByDefault(resource.props.family as string | undefined),
        parameters: new Map(parameters.map((p) => [String(p.name), String(p.value)])),
      };
    });
    byName.set(name, facts ?? "unknown");
  }
  return { byName, someNameUnknown };
}

const tlsRequired: Rule = {
  kind: "stack",
  name: "rds-tls-required",
  service: "rds",
  description:
    "Every RDS instance and Aurora cluster refuses unencrypted connections through a parameter group declared in this stack: require_secure_transport ON (1) for MySQL, MariaDB and Aurora MySQL; rds.force_ssl 1 for PostgreSQL, Aurora PostgreSQL and SQL Server. Instances are matched to an aws.rds.ParameterGroup by parameterGroupName, clusters to an aws.rds.ClusterParameterGroup by dbClusterParameterGroupName. The engine's default group, or a group the stack does not declare, cannot be shown to require TLS and is a violation — except on RDS for PostgreSQL 15 and later, whose default is rds.force_ssl 1 (a group may leave it unset, not set it to 0). Oracle and Db2 (TLS through option groups and server settings) are not judged.",
  fix: "give the database a parameter group declared in the stack that sets require_secure_transport = 1 (MySQL/MariaDB) or rds.force_ssl = 1 (PostgreSQL), as the aws.rds.ParameterGroup in infra/data/database.ts does, and name it in parameterGroupName (dbClusterParameterGroupName on an Aurora cluster).",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateStack: (args, report) => {
    const kinds = [
      { type: INSTANCE, field: "parameterGroupName", groups: groupsByName(args.resources, PARAMETER_GROUP) },
      { type: CLUSTER, field: "dbClusterParameterGroupName", groups: groupsByName(args.resources, CLUSTER_PARAMETER_GROUP) },
    ];
    for (const { type, field, groups } of kinds) {
      for (const database of args.resources.filter((r) => r.type === type)) {
        const settings = whenKnown(() => ({
          group: database.props[field] as unknown,
          engine: engineFamily(database.props.engine as string | undefined),
          tlsByDefault: requiresTlsByDefault(
            database.props.engine as string | undefined,
            database.props.engineVersion as string | undefined,
          ),
        }));
        if (settings === undefined) continue;
        const label = `${type} "${database.name}"`;
        if (settings.engine === "oracle" || settings.engine === "db2") continue;
        if ((typeof settings.group !== "string" || settings.group === "") && settings.tlsByDefault) continue;
        if (typeof settings.group !== "string" || settings.group === "") {
          report(`${label} uses the engine's default parameter group (${field} is not set), which does not require TLS.`, database.urn);
          continue;
        }
        const group = groups.byName.get(settings.group);
        if (group === "unknown") continue;
        if (group === undefined) {
          if (!groups.someNameUnknown) {
            report(
              `${label} uses parameter group "${settings.group}", which this stack does not declare, so nothing shows it requires TLS.`,
              database.urn,
            );
          }
          continue;
        }
        const family = group.family ?? settings.engine;
        if (family === "oracle" || family === "db2") continue;
        const parameters = family ? [TLS_PARAMETER[family] as string] : [...new Set(Object.values(TLS_PARAMETER))];
        const set = parameters.filter((name) => group.parameters.has(name));
        if (set.length === 0 && group.tlsByDefault) continue;
        if (set.length === 0) {
          report(
            `${label} uses parameter group "${settings.group}", which does not set ${parameters.join(" or ")}: unencrypted connections are accepted.`,
            database.urn,
          );
        } else if (!set.some((name) => TRUTHY.has((group.parameters.get(name) ?? "").toLowerCase()))) {
          const values = set.map((name) => `${name} = ${group.parameters.get(name) ?? "(unset)"}`).join(", ");
          report(
            `${label} uses parameter group "${settings.group}", which sets ${values}: unencrypted connections are accepted.`,
            database.urn,
          );
        }
      }
    }
  },
};

export const RDS_RULES: readonly Rule[] = [
  storageEncrypted,
  notPubliclyAccessible,
  multiAz,
  deletionProtection,
  finalSnapshot,
  backupRetention,
  iamAuthentication,
  logExports,
  tlsRequired,
];
