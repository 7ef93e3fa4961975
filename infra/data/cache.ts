import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { createRotatingKey } from "../security/kms-key";
import { createEncryptedLogGroup } from "../security/log-group";
import { createStoredSecret } from "../security/stored-secret";
import { createTierSecurityGroup } from "../security/tier-security-group";
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
 * and in transit (TLS required), behind an AUTH token kept in Secrets Manager.
 * Prod runs a primary and replicas across AZs with automatic failover.
 */
export class Cache extends pulumi.ComponentResource {
  readonly primaryEndpoint: pulumi.Output<string>;
  readonly readerEndpoint: pulumi.Output<string>;
  readonly port = REDIS_PORT;
  /** The AUTH token: a secret output. */
  readonly authToken: pulumi.Output<string>;
  readonly authTokenSecretArn: pulumi.Output<string>;
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
    // ElastiCache tokens: 16–128 printable characters without spaces, / " or @; letters and digits are always safe.
    const token = new random.RandomPassword(`${name}-auth-token`, { length: 64, special: false }, parent);
    const tokenSecret = createStoredSecret(
      `${name}-auth-token-secret`,
      {
        secretName: `${args.namePrefix}/cache/auth-token`,
        description: `${args.namePrefix}: ElastiCache AUTH token`,
        kmsKeyArn: key.arn,
        recoveryWindowDays: args.keyDeletionWindowDays,
        value: token.result,
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
        authToken: token.result,
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
    this.authToken = pulumi.secret(token.result);
    this.authTokenSecretArn = tokenSecret.arn;
    this.securityGroupId = securityGroup.id;
    this.registerOutputs({
      primaryEndpoint: this.primaryEndpoint,
      readerEndpoint: this.readerEndpoint,
      authTokenSecretArn: this.authTokenSecretArn,
    });
  }
}
