import { describe, expect, it } from "vitest";
import { profileConfig } from "../../policies/lib/pack-config";
import { RDS_RULES } from "../../policies/rules/rds";
import { checkResource, checkStack, unknown, type ResourceUnderTest } from "../../policies/testing/harness";
import { ruleNamed } from "./rule-lookup";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/database-key-id";

/** The primary as infra/data/database.ts declares it in prod. */
const primary = (props: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: "aws:rds/instance:Instance",
  name: "database-primary",
  urn: "urn:pulumi:prod::coupon-platform::coupon-platform:data:Database$aws:rds/instance:Instance::database-primary",
  props: {
    identifier: "coupon-prod-mysql",
    engine: "mysql",
    engineVersion: "8.4",
    instanceClass: "db.r7g.large",
    storageEncrypted: true,
    kmsKeyId: KEY,
    publiclyAccessible: false,
    multiAz: true,
    deletionProtection: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: "coupon-prod-mysql-final",
    backupRetentionPeriod: 30,
    iamDatabaseAuthenticationEnabled: true,
    enabledCloudwatchLogsExports: ["error", "slowquery"],
    parameterGroupName: "coupon-prod-mysql",
    ...props,
  },
});

/** Its read replica: no engine, no Multi-AZ, no final snapshot (as the kit declares it). */
const replica = (props: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: "aws:rds/instance:Instance",
  name: "database-replica",
  props: {
    identifier: "coupon-prod-mysql-replica",
    replicateSourceDb: "coupon-prod-mysql",
    instanceClass: "db.r7g.large",
    storageEncrypted: true,
    kmsKeyId: KEY,
    publiclyAccessible: false,
    deletionProtection: true,
    skipFinalSnapshot: true,
    backupRetentionPeriod: 30,
    iamDatabaseAuthenticationEnabled: true,
    enabledCloudwatchLogsExports: ["error", "slowquery"],
    parameterGroupName: "coupon-prod-mysql",
    ...props,
  },
});

const auroraCluster = (props: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: "aws:rds/cluster:Cluster",
  name: "aurora",
  props: {
    engine: "aurora-postgresql",
    storageEncrypted: true,
    kmsKeyId: KEY,
    deletionProtection: true,
    finalSnapshotIdentifier: "aurora-final",
    backupRetentionPeriod: 14,
    iamDatabaseAuthenticationEnabled: true,
    enabledCloudwatchLogsExports: ["postgresql"],
    dbClusterParameterGroupName: "aurora-params",
    ...props,
  },
});

const messages = (violations: readonly { message: string }[]) => violations.map((v) => v.message);
const prod = profileConfig(RDS_RULES, "prod");
const dev = profileConfig(RDS_RULES, "dev");

describe("rds-storage-encrypted-cmk", () => {
  const rule = ruleNamed(RDS_RULES, "rds-storage-encrypted-cmk");

  it("reports unencrypted storage", async () => {
    const violations = await checkResource(rule, primary({ storageEncrypted: false }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("The database instance's storage is not encrypted (storageEncrypted is false)");
    expect(violations[0]?.message).toContain("Fix: set `storageEncrypted: true` and `kmsKeyId`");
    expect(messages(await checkResource(rule, primary({ storageEncrypted: undefined })))).toEqual([
      expect.stringContaining("storageEncrypted is not set"),
    ]);
  });

  it("reports storage encrypted with the AWS-managed key, on instances and Aurora clusters", async () => {
    expect(messages(await checkResource(rule, primary({ kmsKeyId: undefined })))).toEqual([
      expect.stringContaining("encrypted with the AWS-managed aws/rds key, not a customer-managed KMS key (kmsKeyId is not set)"),
    ]);
    expect(messages(await checkResource(rule, auroraCluster({ kmsKeyId: "" })))).toEqual([
      expect.stringContaining("The Aurora cluster's storage is encrypted with the AWS-managed"),
    ]);
  });

  it("lets a read replica inherit encryption but still wants its key, and refuses an explicit false", async () => {
    expect(await checkResource(rule, replica({ storageEncrypted: undefined }))).toEqual([]);
    expect(messages(await checkResource(rule, replica({ storageEncrypted: undefined, kmsKeyId: undefined })))).toEqual([
      expect.stringContaining("The read replica's storage"),
    ]);
    expect(messages(await checkResource(rule, replica({ storageEncrypted: false })))).toEqual([
      expect.stringContaining("storageEncrypted is false"),
    ]);
  });

  it("passes the kit's primary, replica and an encrypted Aurora cluster", async () => {
    expect(await checkResource(rule, primary())).toEqual([]);
    expect(await checkResource(rule, replica())).toEqual([]);
    expect(await checkResource(rule, auroraCluster())).toEqual([]);
  });

  it("neither crashes nor reports when the settings are unknown during preview", async () => {
    expect(await checkResource(rule, primary({ storageEncrypted: unknown.boolean }))).toEqual([]);
    expect(await checkResource(rule, primary({ kmsKeyId: unknown.string }))).toEqual([]);
    expect(await checkResource(rule, replica({ replicateSourceDb: unknown.string, storageEncrypted: undefined }))).toEqual([]);
  });

  it("ignores other resource types", async () => {
    expect(await checkResource(rule, { type: "aws:rds/parameterGroup:ParameterGroup", props: { family: "mysql8.4" } })).toEqual([]);
  });
});

describe("rds-not-publicly-accessible", () => {
  const rule = ruleNamed(RDS_RULES, "rds-not-publicly-accessible");

  it("reports a publicly accessible instance, mandatory in every profile", async () => {
    const violations = await checkResource(rule, primary({ publiclyAccessible: true }), dev);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("The database instance is publicly accessible (publiclyAccessible: true)");
    expect(violations[0]?.message).toContain("publiclyAccessible: false");
  });

  it("reports a publicly accessible Aurora cluster instance", async () => {
    const instance = {
      type: "aws:rds/clusterInstance:ClusterInstance",
      props: { clusterIdentifier: "aurora", engine: "aurora-mysql", instanceClass: "db.r7g.large", publiclyAccessible: true },
    };
    expect(messages(await checkResource(rule, instance))).toEqual([
      expect.stringContaining("The Aurora cluster instance is publicly accessible"),
    ]);
  });

  it("passes a private instance and one that leaves it unset (private by default)", async () => {
    expect(await checkResource(rule, primary())).toEqual([]);
    expect(await checkResource(rule, primary({ publiclyAccessible: undefined }))).toEqual([]);
  });

  it("neither crashes nor reports when the setting is unknown during preview", async () => {
    expect(await checkResource(rule, primary({ publiclyAccessible: unknown.boolean }))).toEqual([]);
  });
});

describe("rds-multi-az", () => {
  const rule = ruleNamed(RDS_RULES, "rds-multi-az");

  it("reports a single-AZ instance: mandatory under prod, advisory under dev", async () => {
    const violations = await checkResource(rule, primary({ multiAz: false }), prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("The database instance is single-AZ (multiAz is false)");
    expect(violations[0]?.message).toContain("database.multiAz: true");
    expect(
      (await checkResource(rule, primary({ multiAz: undefined }), dev)).map((v) => [v.level, v.message.includes("multiAz is not set")]),
    ).toEqual([["advisory", true]]);
  });

  it("exempts read replicas and does not judge Aurora clusters", async () => {
    expect(await checkResource(rule, replica())).toEqual([]);
    expect(await checkResource(rule, auroraCluster())).toEqual([]);
  });

  it("passes a Multi-AZ instance", async () => {
    expect(await checkResource(rule, primary())).toEqual([]);
  });

  it("neither crashes nor reports when the settings are unknown during preview", async () => {
    expect(await checkResource(rule, primary({ multiAz: unknown.boolean }))).toEqual([]);
    expect(await checkResource(rule, primary({ multiAz: false, replicateSourceDb: unknown.string }))).toEqual([]);
  });
});

describe("rds-deletion-protection", () => {
  const rule = ruleNamed(RDS_RULES, "rds-deletion-protection");

  it("reports an unprotected instance: mandatory under prod, advisory under dev", async () => {
    const violations = await checkResource(rule, primary({ deletionProtection: false }), prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("The database instance has no deletion protection (deletionProtection is false)");
    expect(violations[0]?.message).toContain("database.deletionProtection: true");
    expect((await checkResource(rule, primary({ deletionProtection: false }), dev)).map((v) => v.level)).toEqual(["advisory"]);
  });

  it("holds read replicas and Aurora clusters to it too", async () => {
    expect(messages(await checkResource(rule, replica({ deletionProtection: undefined })))).toEqual([
      expect.stringContaining("The read replica has no deletion protection (deletionProtection is not set)"),
    ]);
    expect(messages(await checkResource(rule, auroraCluster({ deletionProtection: false })))).toEqual([
      expect.stringContaining("The Aurora cluster has no deletion protection"),
    ]);
  });

  it("passes protected databases", async () => {
    expect(await checkResource(rule, primary())).toEqual([]);
    expect(await checkResource(rule, replica())).toEqual([]);
    expect(await checkResource(rule, auroraCluster())).toEqual([]);
  });

  it("neither crashes nor reports when the setting is unknown during preview", async () => {
    expect(await checkResource(rule, primary({ deletionProtection: unknown.boolean }))).toEqual([]);
  });
});

describe("rds-final-snapshot", () => {
  const rule = ruleNamed(RDS_RULES, "rds-final-snapshot");

  it("reports a skipped final snapshot: mandatory under prod, advisory under dev", async () => {
    const violations = await checkResource(rule, primary({ skipFinalSnapshot: true, finalSnapshotIdentifier: undefined }), prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("would be deleted without a final snapshot (skipFinalSnapshot: true)");
    expect(violations[0]?.message).toContain("finalSnapshotIdentifier <identifier>-final");
    expect((await checkResource(rule, primary({ skipFinalSnapshot: true }), dev)).map((v) => v.level)).toEqual(["advisory"]);
  });

  it("reports a final snapshot without a name, on instances and Aurora clusters", async () => {
    expect(messages(await checkResource(rule, primary({ skipFinalSnapshot: undefined, finalSnapshotIdentifier: undefined })))).toEqual([
      expect.stringContaining("names no finalSnapshotIdentifier"),
    ]);
    expect(messages(await checkResource(rule, auroraCluster({ finalSnapshotIdentifier: "" })))).toEqual([
      expect.stringContaining("The Aurora cluster names no finalSnapshotIdentifier"),
    ]);
  });

  it("exempts read replicas, which RDS deletes without a final snapshot", async () => {
    expect(await checkResource(rule, replica())).toEqual([]);
  });

  it("passes a named final snapshot", async () => {
    expect(await checkResource(rule, primary())).toEqual([]);
    expect(await checkResource(rule, auroraCluster())).toEqual([]);
  });

  it("neither crashes nor reports when the settings are unknown during preview", async () => {
    expect(await checkResource(rule, primary({ skipFinalSnapshot: unknown.boolean }))).toEqual([]);
    expect(await checkResource(rule, primary({ finalSnapshotIdentifier: unknown.string }))).toEqual([]);
    expect(await checkResource(rule, replica({ replicateSourceDb: unknown.string }))).toEqual([]);
  });
});

describe("rds-backup-retention", () => {
  const rule = ruleNamed(RDS_RULES, "rds-backup-retention");

  it("reports fewer days than the default minimum of 7: mandatory under prod, advisory under dev", async () => {
    const violations = await checkResource(rule, primary({ backupRetentionPeriod: 3 }), prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("keeps automated backups for 3 days (backupRetentionPeriod); at least 7 days are required");
    expect(violations[0]?.message).toContain("database.backupRetentionDays");
    expect((await checkResource(rule, primary({ backupRetentionPeriod: 1 }), dev)).map((v) => v.level)).toEqual(["advisory"]);
  });

  it("reports an unset retention, on instances and Aurora clusters", async () => {
    expect(messages(await checkResource(rule, primary({ backupRetentionPeriod: undefined })))).toEqual([
      expect.stringContaining("sets no backupRetentionPeriod"),
    ]);
    expect(messages(await checkResource(rule, auroraCluster({ backupRetentionPeriod: 1 })))).toEqual([
      expect.stringContaining("The Aurora cluster keeps automated backups for 1 day "),
    ]);
  });

  it("passes 7 days or more, and exempts read replicas", async () => {
    expect(await checkResource(rule, primary({ backupRetentionPeriod: 7 }))).toEqual([]);
    expect(await checkResource(rule, primary())).toEqual([]);
    expect(await checkResource(rule, replica({ backupRetentionPeriod: 0 }))).toEqual([]);
  });

  it("takes the minimum from the pack config", async () => {
    const strict = { "rds-backup-retention": { minimumDays: 35 } };
    expect(messages(await checkResource(rule, primary(), strict))).toEqual([
      expect.stringContaining("keeps automated backups for 30 days (backupRetentionPeriod); at least 35 days are required"),
    ]);
    const lenient = { "rds-backup-retention": { minimumDays: 1 } };
    expect(await checkResource(rule, primary({ backupRetentionPeriod: 1 }), lenient)).toEqual([]);
    expect(rule.configSchema?.properties.minimumDays?.default).toBe(7);
  });

  it("neither crashes nor reports when the retention is unknown during preview", async () => {
    expect(await checkResource(rule, primary({ backupRetentionPeriod: unknown.number }))).toEqual([]);
    expect(await checkResource(rule, replica({ replicateSourceDb: unknown.string, backupRetentionPeriod: 0 }))).toEqual([]);
  });
});

describe("rds-iam-authentication", () => {
  const rule = ruleNamed(RDS_RULES, "rds-iam-authentication");

  it("reports a database without IAM authentication", async () => {
    const violations = await checkResource(rule, primary({ iamDatabaseAuthenticationEnabled: false }), dev);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("does not accept IAM database authentication (iamDatabaseAuthenticationEnabled is false)");
    expect(violations[0]?.message).toContain("iamDatabaseAuthenticationEnabled: true");
    expect(messages(await checkResource(rule, auroraCluster({ iamDatabaseAuthenticationEnabled: undefined })))).toEqual([
      expect.stringContaining("is not set"),
    ]);
    expect(messages(await checkResource(rule, replica({ iamDatabaseAuthenticationEnabled: undefined })))).toHaveLength(1);
  });

  it("passes IAM authentication, and does not judge engines without it", async () => {
    expect(await checkResource(rule, primary())).toEqual([]);
    expect(await checkResource(rule, primary({ engine: "sqlserver-se", iamDatabaseAuthenticationEnabled: undefined }))).toEqual([]);
    expect(await checkResource(rule, primary({ engine: "oracle-ee", iamDatabaseAuthenticationEnabled: undefined }))).toEqual([]);
  });

  it("neither crashes nor reports when the settings are unknown during preview", async () => {
    expect(await checkResource(rule, primary({ iamDatabaseAuthenticationEnabled: unknown.boolean }))).toEqual([]);
    expect(await checkResource(rule, primary({ engine: unknown.string, iamDatabaseAuthenticationEnabled: false }))).toEqual([]);
  });
});

describe("rds-log-exports", () => {
  const rule = ruleNamed(RDS_RULES, "rds-log-exports");

  it("reports a MySQL instance that does not export its error log, naming what it exports", async () => {
    const violations = await checkResource(rule, primary({ enabledCloudwatchLogsExports: ["slowquery"] }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain(
      'does not export its error log to CloudWatch: it exports only slowquery; enabledCloudwatchLogsExports needs "error"',
    );
    expect(violations[0]?.message).toContain("DATABASE_LOG_EXPORTS");
    expect(messages(await checkResource(rule, primary({ enabledCloudwatchLogsExports: undefined })))).toEqual([
      expect.stringContaining("it exports no logs"),
    ]);
  });

  it("wants PostgreSQL's own log name on PostgreSQL engines", async () => {
    expect(messages(await checkResource(rule, auroraCluster({ enabledCloudwatchLogsExports: ["error"] })))).toEqual([
      expect.stringContaining('needs "postgresql"'),
    ]);
    expect(await checkResource(rule, auroraCluster())).toEqual([]);
  });

  it("passes a replica that names no engine when it exports an error log", async () => {
    expect(await checkResource(rule, replica())).toEqual([]);
    expect(messages(await checkResource(rule, replica({ enabledCloudwatchLogsExports: ["slowquery"] })))).toEqual([
      expect.stringContaining('needs "error" or "postgresql"'),
    ]);
  });

  it("passes the kit's primary", async () => {
    expect(await checkResource(rule, primary())).toEqual([]);
  });

  it("neither crashes nor reports when the list, an entry or the engine is unknown during preview", async () => {
    expect(await checkResource(rule, primary({ enabledCloudwatchLogsExports: unknown.array }))).toEqual([]);
    expect(await checkResource(rule, primary({ enabledCloudwatchLogsExports: ["slowquery", unknown.string] }))).toEqual([]);
    expect(await checkResource(rule, primary({ engine: unknown.string }))).toEqual([]);
  });
});

describe("rds-tls-required", () => {
  const rule = ruleNamed(RDS_RULES, "rds-tls-required");
  const parameterGroup = (name: string, family: string, parameters: unknown, outputs: Record<string, unknown> = {}): ResourceUnderTest => {
    const props = { name, family, parameters };
    return {
      type: "aws:rds/parameterGroup:ParameterGroup",
      name: `${name}-params`,
      props,
      outputs: { ...props, id: `${name}-id`, arn: `arn:aws:rds:eu-west-1:1:pg:${name}`, ...outputs },
    };
  };
  const mysqlGroup = (value: unknown) =>
    parameterGroup("coupon-prod-mysql", "mysql8.4", [
      { name: "character_set_server", value: "utf8mb4" },
      { name: "require_secure_transport", value },
    ]);

  it("reports a database whose group lets unencrypted connections in, naming the group and the value, at the database's URN", async () => {
    const violations = await checkStack(rule, [mysqlGroup("0"), primary()]);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ rule: "rds-tls-required", level: "mandatory", urn: primary().urn });
    expect(violations[0]?.message).toContain(
      'aws:rds/instance:Instance "database-primary" uses parameter group "coupon-prod-mysql", which sets require_secure_transport = 0',
    );
    expect(violations[0]?.message).toContain("require_secure_transport = 1");
  });

  it("reports the default group, a group that omits the parameter, and a group the stack does not declare", async () => {
    expect(messages(await checkStack(rule, [mysqlGroup("1"), primary({ parameterGroupName: undefined })]))).toEqual([
      expect.stringContaining("uses the engine's default parameter group (parameterGroupName is not set)"),
    ]);
    const silent = parameterGroup("coupon-prod-mysql", "mysql8.4", [{ name: "slow_query_log", value: "1" }]);
    expect(messages(await checkStack(rule, [silent, primary()]))).toEqual([
      expect.stringContaining('"coupon-prod-mysql", which does not set require_secure_transport:'),
    ]);
    expect(messages(await checkStack(rule, [mysqlGroup("1"), primary({ parameterGroupName: "shared-mysql" })]))).toEqual([
      expect.stringContaining('uses parameter group "shared-mysql", which this stack does not declare'),
    ]);
  });

  it("wants rds.force_ssl on PostgreSQL, and matches Aurora clusters to their cluster parameter group", async () => {
    const postgres = parameterGroup("pg", "postgres14", [{ name: "require_secure_transport", value: "1" }]);
    expect(
      messages(await checkStack(rule, [postgres, primary({ engine: "postgres", engineVersion: "14.12", parameterGroupName: "pg" })])),
    ).toEqual([expect.stringContaining('"pg", which does not set rds.force_ssl:')]);
    const clusterGroup = (value: string): ResourceUnderTest => ({
      type: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
      name: "aurora-params",
      props: { name: "aurora-params", family: "aurora-postgresql16", parameters: [{ name: "rds.force_ssl", value }] },
    });
    expect(await checkStack(rule, [clusterGroup("1"), auroraCluster()])).toEqual([]);
    expect(messages(await checkStack(rule, [clusterGroup("0"), auroraCluster()]))).toEqual([
      expect.stringContaining('aws:rds/cluster:Cluster "aurora" uses parameter group "aurora-params", which sets rds.force_ssl = 0'),
    ]);
    // An instance parameter group of the same name does not count for a cluster.
    expect(
      messages(
        await checkStack(rule, [
          parameterGroup("aurora-params", "aurora-postgresql16", [{ name: "rds.force_ssl", value: "1" }]),
          auroraCluster(),
        ]),
      ),
    ).toEqual([expect.stringContaining("which this stack does not declare")]);
  });

  it("knows RDS for PostgreSQL 15 and later forces TLS by default, unless a group turns it off", async () => {
    const pg16 = (parameters: unknown) => parameterGroup("pg", "postgres16", parameters);
    expect(await checkStack(rule, [pg16([]), primary({ engine: "postgres", engineVersion: "16.4", parameterGroupName: "pg" })])).toEqual(
      [],
    );
    expect(await checkStack(rule, [primary({ engine: "postgres", engineVersion: "17.2", parameterGroupName: undefined })])).toEqual([]);
    expect(
      messages(
        await checkStack(rule, [
          pg16([{ name: "rds.force_ssl", value: "0" }]),
          primary({ engine: "postgres", engineVersion: "16.4", parameterGroupName: "pg" }),
        ]),
      ),
    ).toEqual([expect.stringContaining("which sets rds.force_ssl = 0")]);
    expect(
      messages(await checkStack(rule, [primary({ engine: "postgres", engineVersion: "14.12", parameterGroupName: undefined })])),
    ).toEqual([expect.stringContaining("uses the engine's default parameter group")]);
  });

  it("passes the kit's primary and replica on the TLS-only group, with ON or 1", async () => {
    expect(await checkStack(rule, [mysqlGroup("1"), primary(), replica()])).toEqual([]);
    expect(await checkStack(rule, [mysqlGroup("ON"), primary()])).toEqual([]);
  });

  it("compares the group's name on outputs", async () => {
    const named = parameterGroup("coupon-prod-mysql", "mysql8.4", [{ name: "require_secure_transport", value: "1" }], {
      name: "coupon-prod-mysql-20260101",
    });
    expect(await checkStack(rule, [named, primary({ parameterGroupName: "coupon-prod-mysql-20260101" })])).toEqual([]);
  });

  it("does not judge Oracle, whose TLS is configured in an option group", async () => {
    expect(await checkStack(rule, [primary({ engine: "oracle-ee", parameterGroupName: undefined })])).toEqual([]);
  });

  it("neither crashes nor reports on what is unknown during preview, and still judges what is known", async () => {
    expect(await checkStack(rule, [mysqlGroup(unknown.string), primary()])).toEqual([]);
    expect(await checkStack(rule, [parameterGroup("coupon-prod-mysql", "mysql8.4", unknown.array), primary()])).toEqual([]);
    expect(await checkStack(rule, [mysqlGroup("0"), primary({ parameterGroupName: unknown.string })])).toEqual([]);
    // A group whose name is not known yet may be the one the instance names.
    expect(
      await checkStack(rule, [parameterGroup("later", "mysql8.4", [], { name: unknown.string }), primary({ parameterGroupName: "later" })]),
    ).toEqual([]);
    // One database with an unknown group does not hide another's violation.
    const violations = await checkStack(rule, [mysqlGroup("0"), replica({ parameterGroupName: unknown.string }), primary()]);
    expect(violations.map((v) => v.urn)).toEqual([primary().urn]);
  });
});

describe("the RDS rules together", () => {
  it("are named rds-*, belong to the rds service, and the profile-dependent ones are mandatory in prod, advisory in dev", () => {
    for (const rule of RDS_RULES) {
      expect(rule.name).toMatch(/^rds-[a-z0-9-]+$/);
      expect(rule.service).toBe("rds");
    }
    for (const name of ["rds-multi-az", "rds-deletion-protection", "rds-final-snapshot", "rds-backup-retention"]) {
      expect(ruleNamed(RDS_RULES, name).levels).toEqual({ prod: "mandatory", dev: "advisory" });
    }
  });

  it("pass the kit's prod primary and replica under the prod levels", async () => {
    for (const rule of RDS_RULES.filter((r) => r.kind === "resource")) {
      expect(await checkResource(rule, primary(), prod)).toEqual([]);
      expect(await checkResource(rule, replica(), prod)).toEqual([]);
    }
  });
});
