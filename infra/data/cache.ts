import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { createRotatingKey } from "../security/kms-key";
import { createEncryptedLogGroup } from "../security/log-group";
import { createStoredSecret } from "../security/stored-secret";
import { createTierSecurityGroup } from "../security/tier-security-group";
import { REDIS_ACLS, type RedisService, accessString, redisUserName } from "../../apps/lib/flash-sale/redis-acl";
import type { DataStoreArgs } from "./data-store-args";

export const REDIS_PORT = 6379;

/** Engine versions and parameter-group families the kit is maintained for. */
export const CACHE_ENGINES = {
  valkey: { version: "8.0", family: "valkey8" },
  redis: { version: "7.1", family: "redis7" },
} as const;

export interface CacheArgs extends DataStoreArgs {
  /** Zones to spread the primary and replicas over, in order. */
  readonly availabilityZones: pulumi.Input<string[]>;
  readonly engine: keyof typeof CACHE_ENGINES;
  readonly nodeType: string;
  readonly replicas: number;
  readonly multiAz: boolean;
  readonly snapshotRetentionDays: number;
  readonly logRetentionDays: number;
}

/**
 * The flash-sale store (stock counters, buyer sets, pending orders, rate limits,
 * pub/sub): an ElastiCache replication group in the data subnets, encrypted at rest
 * and in transit (TLS required). Each service logs in as its own RBAC user whose
 * access string (apps/lib/flash-sale/redis-acl.ts) admits only its keys, channels
 * and commands; the passwords live in Secrets Manager, and the built-in "default"
 * user is switched off. Prod runs a primary and replicas across AZs with automatic failover.
 */
export class Cache extends pulumi.ComponentResource {
  readonly primaryEndpoint: pulumi.Output<string>;
  readonly readerEndpoint: pulumi.Output<string>;
  readonly port = REDIS_PORT;
  /** Each service's user name and password (secret outputs). */
  readonly users: Readonly<Record<RedisService, { readonly username: string; readonly password: pulumi.Output<string> }>>;
  /** Where each service's credentials live in Secrets Manager. */
  readonly userSecretArns: Readonly<Record<RedisService, pulumi.Output<string>>>;
  readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coupon-platform:data:Cache", name, {}, opts);
    const parent = { parent: this };
    const tags = { ...args.tags, Name: `${args.namePrefix}-cache` };
    const engine = CACHE_ENGINES[args.engine];

    const key = createRotatingKey(
      `${name}-key`,
      {
        alias: `${args.namePrefix}-cache`,
        description: `${args.namePrefix}: ElastiCache encryption`,
        deletionWindowDays: args.keyDeletionWindowDays,
        tags,
      },
      { parent: this, protect: args.protect },
    );
    const services = Object.keys(REDIS_ACLS) as RedisService[];
    const users = services.map((service) => {
      // ElastiCache passwords: 16–128 printable characters without spaces, / " or @; letters and digits are always safe.
      const password = new random.RandomPassword(`${name}-${service}-password`, { length: 64, special: false }, parent);
      const username = redisUserName(service);
      const user = new aws.elasticache.User(
        `${name}-user-${service}`,
        {
          userId: `${args.namePrefix}-${service}`,
          userName: username,
          engine: args.engine,
          accessString: accessString(service),
          authenticationMode: { type: "password", passwords: [password.result] },
          tags,
        },
        parent,
      );
      const secret = createStoredSecret(
        `${name}-${service}-credentials`,
        {
          secretName: `${args.namePrefix}/cache/users/${service}`,
          description: `${args.namePrefix}: ElastiCache user of ${service}`,
          kmsKeyArn: key.arn,
          recoveryWindowDays: args.keyDeletionWindowDays,
          value: pulumi.jsonStringify({ username, password: password.result }),
          tags,
        },
        parent,
      );
      return { service, username, password: pulumi.secret(password.result), user, secret };
    });
    // Every user group must hold a user named "default"; this one is off, so a client that does not log in gets
    // nothing. A Valkey user group admits only users with a password (or IAM): it gets one nobody is ever given.
    const defaultPassword = new random.RandomPassword(`${name}-default-password`, { length: 64, special: false }, parent);
    const disabledDefault = new aws.elasticache.User(
      `${name}-user-default`,
      {
        userId: `${args.namePrefix}-default`,
        userName: "default",
        engine: args.engine,
        accessString: "off -@all",
        authenticationMode: { type: "password", passwords: [defaultPassword.result] },
        tags,
      },
      parent,
    );
    const userGroup = new aws.elasticache.UserGroup(
      `${name}-users`,
      {
        userGroupId: `${args.namePrefix}-cache`,
        engine: args.engine,
        userIds: [disabledDefault.userId, ...users.map(({ user }) => user.userId)],
        tags,
      },
      parent,
    );

    const securityGroup = createTierSecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: "ElastiCache: TLS clients from the EKS nodes only",
        port: REDIS_PORT,
        sources: [{ securityGroupId: args.clientSecurityGroupId, description: "EKS nodes (coupon, payment, gateway)" }],
        tags,
      },
      parent,
    );
    const subnetGroup = new aws.elasticache.SubnetGroup(
      `${name}-subnets`,
      { name: `${args.namePrefix}-cache`, description: "Data subnets only", subnetIds: args.dataSubnetIds, tags },
      parent,
    );
    const parameters = new aws.elasticache.ParameterGroup(
      `${name}-params`,
      {
        name: `${args.namePrefix}-cache`,
        family: engine.family,
        description: "Never evict: stock counters and buyer sets must not disappear under memory pressure",
        parameters: [{ name: "maxmemory-policy", value: "noeviction" }],
        tags,
      },
      parent,
    );
    const slowLog = createEncryptedLogGroup(
      `${name}-slow-log`,
      { logGroupName: `/${args.namePrefix}/elasticache/slow-log`, retentionDays: args.logRetentionDays, kmsKeyArn: args.logsKeyArn, tags },
      parent,
    );

    const nodeCount = 1 + args.replicas;
    const spreadZones = pulumi
      .output(args.availabilityZones)
      .apply((zones) => Array.from({ length: nodeCount }, (_, i) => zones[i % zones.length] as string));
    const group = new aws.elasticache.ReplicationGroup(
      `${name}-group`,
      {
        replicationGroupId: `${args.namePrefix}-cache`,
        description: `${args.namePrefix}: flash-sale state and pub/sub`,
        engine: args.engine,
        engineVersion: engine.version,
        nodeType: args.nodeType,
        port: REDIS_PORT,
        numCacheClusters: nodeCount,
        preferredCacheClusterAzs: spreadZones,
        automaticFailoverEnabled: args.replicas > 0,
        multiAzEnabled: args.multiAz,
        parameterGroupName: parameters.name,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: [securityGroup.id],
        atRestEncryptionEnabled: true,
        kmsKeyId: key.arn,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        userGroupIds: [userGroup.userGroupId],
        // A group created with the shared AUTH token of earlier releases moves to RBAC in place:
        // ModifyReplicationGroup adds the user group and deletes the token in one call.
        authTokenUpdateStrategy: "DELETE",
        snapshotRetentionLimit: args.snapshotRetentionDays,
        snapshotWindow: "03:00-04:00",
        maintenanceWindow: "sun:04:30-sun:05:30",
        autoMinorVersionUpgrade: true,
        logDeliveryConfigurations: [
          { destination: slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" },
        ],
        tags,
      },
      { parent: this, protect: args.protect },
    );

    this.primaryEndpoint = group.primaryEndpointAddress;
    this.readerEndpoint = group.readerEndpointAddress;
    this.users = Object.fromEntries(users.map(({ service, username, password }) => [service, { username, password }])) as Cache["users"];
    this.userSecretArns = Object.fromEntries(users.map(({ service, secret }) => [service, secret.arn])) as Cache["userSecretArns"];
    this.securityGroupId = securityGroup.id;
    this.registerOutputs({
      primaryEndpoint: this.primaryEndpoint,
      readerEndpoint: this.readerEndpoint,
      userSecretArns: this.userSecretArns,
    });
  }
}
