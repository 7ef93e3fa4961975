import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { AwsContext } from "../shared/aws-context";
import { createRotatingKey } from "../security/kms-key";
import { createEncryptedLogGroup } from "../security/log-group";
import { createStoredSecret } from "../security/stored-secret";
import { createTierSecurityGroup } from "../security/tier-security-group";
import { serviceTrustPolicy } from "../security/trust-policy";
import type { DataStoreArgs } from "./data-store-args";

export const MYSQL_PORT = 3306;
export const MYSQL_ENGINE_VERSION = "8.4";
export const DATABASE_NAME = "coupon";
export const MASTER_USERNAME = "coupon_admin";
/** Logs RDS exports to CloudWatch: errors and slow queries (the general log is too loud for a sale). */
export const DATABASE_LOG_EXPORTS = ["error", "slowquery"] as const;

export interface DatabaseArgs extends DataStoreArgs {
  readonly aws: AwsContext;
  readonly availabilityZones: pulumi.Input<string[]>;
  /** Admitted on 3306 beside the EKS nodes: operators' port forwards. */
  readonly bastionSecurityGroupId?: pulumi.Input<string>;
  readonly instanceClass: string;
  readonly allocatedStorageGiB: number;
  readonly maxAllocatedStorageGiB: number;
  readonly multiAz: boolean;
  readonly readReplica: boolean;
  readonly backupRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly performanceInsights: boolean;
  readonly enhancedMonitoringIntervalSeconds: number;
  readonly logRetentionDays: number;
}

/**
 * The system of record (users' credit, coupons, purchases): RDS MySQL 8.4 in the
 * data subnets, never publicly accessible, TLS required by its parameter group,
 * storage and Performance Insights encrypted with its own KMS key, IAM
 * authentication on, error and slow-query logs exported. Prod adds Multi-AZ, a
 * read replica in another AZ, deletion protection and a final snapshot.
 */
export class Database extends pulumi.ComponentResource {
  readonly writerEndpoint: pulumi.Output<string>;
  /** The read replica's address, or the writer's when the stack has none. */
  readonly readerEndpoint: pulumi.Output<string>;
  /** Whether readerEndpoint is a replica of its own (reads sent there spare the writer). */
  readonly hasReadReplica: boolean;
  readonly port = MYSQL_PORT;
  readonly databaseName = DATABASE_NAME;
  /** Secrets Manager secret holding {username, password, host, port, dbname, engine}. */
  readonly credentialsSecretArn: pulumi.Output<string>;
  readonly masterUsername = MASTER_USERNAME;
  /** The master password: a secret output. */
  readonly masterPassword: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  /** The rds-db:connect resources of a database user on every instance (writer, and replica when there is one). */
  readonly connectArns: (username: string) => pulumi.Output<string>[];

  /** An IAM policy that lets a role sign in as `username` (RDS IAM auth) and as no one else. */
  connectPolicyJson(username: string): pulumi.Output<string> {
    return pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [{ Sid: "ConnectAsItsOwnUser", Effect: "Allow", Action: "rds-db:connect", Resource: this.connectArns(username) }],
    });
  }

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coupon-platform:data:Database", name, {}, opts);
    const parent = { parent: this };
    const identifier = `${args.namePrefix}-mysql`;
    const tags = { ...args.tags, Name: identifier };

    const key = createRotatingKey(
      `${name}-key`,
      {
        alias: `${args.namePrefix}-mysql`,
        description: `${args.namePrefix}: RDS storage, Performance Insights and credentials`,
        deletionWindowDays: args.keyDeletionWindowDays,
        tags,
      },
      { parent: this, protect: args.protect },
    );
    const securityGroup = createTierSecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: "RDS MySQL: the EKS nodes and the bastion only",
        port: MYSQL_PORT,
        sources: [
          { securityGroupId: args.clientSecurityGroupId, description: "EKS nodes (coupon, payment, gateway)" },
          ...(args.bastionSecurityGroupId
            ? [{ securityGroupId: args.bastionSecurityGroupId, description: "SSM bastion port forwards" }]
            : []),
        ],
        tags,
      },
      parent,
    );
    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { name: identifier, description: "Data subnets only", subnetIds: args.dataSubnetIds, tags },
      parent,
    );
    const parameters = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        name: identifier,
        family: `mysql${MYSQL_ENGINE_VERSION}`,
        description: "TLS only, utf8mb4, slow queries logged",
        parameters: [
          { name: "require_secure_transport", value: "1" },
          { name: "character_set_server", value: "utf8mb4" },
          { name: "collation_server", value: "utf8mb4_0900_ai_ci" },
          { name: "slow_query_log", value: "1" },
          { name: "long_query_time", value: "0.5" },
          { name: "log_output", value: "FILE" },
        ],
        tags,
      },
      parent,
    );
    const monitoringRole = args.enhancedMonitoringIntervalSeconds > 0 ? this.createMonitoringRole(name, args, tags) : undefined;

    const password = new random.RandomPassword(
      `${name}-master-password`,
      // RDS refuses / " @ and spaces in MySQL master passwords.
      { length: 40, special: true, overrideSpecial: "!#$%^&*()-_=+[]{}<>:?" },
      parent,
    );

    const primaryLogs = this.createLogGroups(`${name}-primary`, identifier, args, tags);
    // What the primary and its replica share: size, encryption, access, TLS, logs, monitoring.
    const instanceSettings = {
      instanceClass: args.instanceClass,
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: key.arn,
      maxAllocatedStorage: args.maxAllocatedStorageGiB,
      publiclyAccessible: false,
      vpcSecurityGroupIds: [securityGroup.id],
      parameterGroupName: parameters.name,
      caCertIdentifier: "rds-ca-rsa2048-g1",
      iamDatabaseAuthenticationEnabled: true,
      enabledCloudwatchLogsExports: [...DATABASE_LOG_EXPORTS],
      backupRetentionPeriod: args.backupRetentionDays,
      autoMinorVersionUpgrade: true,
      deletionProtection: args.deletionProtection,
      monitoringInterval: args.enhancedMonitoringIntervalSeconds,
      monitoringRoleArn: monitoringRole?.arn,
      performanceInsightsEnabled: args.performanceInsights,
      ...(args.performanceInsights ? { performanceInsightsKmsKeyId: key.arn, performanceInsightsRetentionPeriod: 7 } : {}),
    };
    const primary = new aws.rds.Instance(
      `${name}-primary`,
      {
        ...instanceSettings,
        identifier,
        engine: "mysql",
        engineVersion: MYSQL_ENGINE_VERSION,
        dbName: DATABASE_NAME,
        username: MASTER_USERNAME,
        password: password.result,
        port: MYSQL_PORT,
        allocatedStorage: args.allocatedStorageGiB,
        multiAz: args.multiAz,
        dbSubnetGroupName: subnetGroup.name,
        backupWindow: "02:00-03:00",
        maintenanceWindow: "sun:05:00-sun:06:00",
        copyTagsToSnapshot: true,
        // A protected database also keeps a final snapshot if it is ever deleted on purpose.
        skipFinalSnapshot: !args.deletionProtection,
        finalSnapshotIdentifier: args.deletionProtection ? `${identifier}-final` : undefined,
        tags,
      },
      { parent: this, dependsOn: primaryLogs, protect: args.protect },
    );

    let replica: aws.rds.Instance | undefined;
    if (args.readReplica) {
      const replicaIdentifier = `${identifier}-replica`;
      const replicaLogs = this.createLogGroups(`${name}-replica`, replicaIdentifier, args, tags);
      // Another AZ than the primary's, so one AZ outage leaves a copy serving reads.
      const replicaZone = pulumi
        .all([primary.availabilityZone, args.availabilityZones])
        .apply(([primaryZone, zones]) => zones.find((zone) => zone !== primaryZone) ?? (zones[0] as string));
      replica = new aws.rds.Instance(
        `${name}-replica`,
        {
          ...instanceSettings,
          identifier: replicaIdentifier,
          replicateSourceDb: primary.identifier,
          availabilityZone: replicaZone,
          skipFinalSnapshot: true,
          tags: { ...tags, Name: replicaIdentifier },
        },
        { parent: this, dependsOn: replicaLogs, protect: args.protect },
      );
    }

    const credentials = createStoredSecret(
      `${name}-credentials`,
      {
        secretName: `${args.namePrefix}/mysql/master`,
        description: `${args.namePrefix}: RDS MySQL master credentials`,
        kmsKeyArn: key.arn,
        recoveryWindowDays: args.keyDeletionWindowDays,
        value: pulumi.jsonStringify({
          engine: "mysql",
          host: primary.address,
          port: MYSQL_PORT,
          dbname: DATABASE_NAME,
          username: MASTER_USERNAME,
          password: password.result,
        }),
        tags,
      },
      parent,
    );

    this.writerEndpoint = primary.address;
    this.readerEndpoint = replica ? replica.address : primary.address;
    this.hasReadReplica = replica !== undefined;
    this.credentialsSecretArn = credentials.arn;
    this.masterPassword = pulumi.secret(password.result);
    this.securityGroupId = securityGroup.id;
    const instances = replica ? [primary, replica] : [primary];
    this.connectArns = (username) =>
      instances.map(
        (instance) =>
          pulumi.interpolate`arn:${args.aws.partition}:rds-db:${args.aws.region}:${args.aws.accountId}:dbuser:${instance.resourceId}/${username}`,
      );
    this.registerOutputs({
      writerEndpoint: this.writerEndpoint,
      readerEndpoint: this.readerEndpoint,
      credentialsSecretArn: this.credentialsSecretArn,
    });
  }

  /** RDS writes to /aws/rds/instance/<id>/<log>; created first, they get retention and encryption. */
  private createLogGroups(name: string, identifier: string, args: DatabaseArgs, tags: Record<string, string>): aws.cloudwatch.LogGroup[] {
    return DATABASE_LOG_EXPORTS.map((log) =>
      createEncryptedLogGroup(
        `${name}-${log}-logs`,
        { logGroupName: `/aws/rds/instance/${identifier}/${log}`, retentionDays: args.logRetentionDays, kmsKeyArn: args.logsKeyArn, tags },
        { parent: this },
      ),
    );
  }

  private createMonitoringRole(name: string, args: DatabaseArgs, tags: Record<string, string>): aws.iam.Role {
    const role = new aws.iam.Role(
      `${name}-monitoring-role`,
      {
        assumeRolePolicy: serviceTrustPolicy("monitoring.rds.amazonaws.com", args.aws.accountId),
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-monitoring-policy`,
      {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${args.aws.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
      },
      { parent: this },
    );
    return role;
  }
}
