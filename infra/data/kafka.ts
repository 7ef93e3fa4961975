import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { KafkaNames } from "../../apps/lib/flash-sale/kafka-names";
import { consumerPolicy, producerPolicy } from "./kafka-iam-policies";
import { brokerDurability, serverProperties } from "./kafka-server-properties";
import { createRotatingKey } from "../security/kms-key";
import { createEncryptedLogGroup } from "../security/log-group";
import { createTierSecurityGroup } from "../security/tier-security-group";
import type { DataStoreArgs } from "./data-store-args";

/** MSK's port for IAM-authenticated clients over TLS inside the VPC. */
export const KAFKA_IAM_PORT = 9098;

/** Broker storage use (%) that triggers MSK storage auto-scaling; AWS recommends 50–60. */
const STORAGE_TARGET_UTILIZATION = 60;

export interface KafkaArgs extends DataStoreArgs {
  readonly kafkaVersion: string;
  readonly brokerCount: number;
  readonly instanceType: string;
  readonly storageGiB: number;
  readonly maxStorageGiB: number;
  readonly enhancedMonitoring: string;
  readonly logRetentionDays: number;
  /** The topics and consumer group the services' IAM policies name. */
  readonly names: KafkaNames;
}

/**
 * A provisioned MSK cluster: brokers only in the data subnets, TLS to clients and
 * between brokers, IAM authentication only (no plaintext, no anonymous), storage
 * encrypted with its own KMS key and growing on its own, broker logs kept.
 */
export class Kafka extends pulumi.ComponentResource {
  readonly clusterArn: pulumi.Output<string>;
  /** The MSK cluster's name: CloudWatch's consumer-lag metrics are keyed by it. */
  readonly clusterName: string;
  /** host:9098,… for SASL/IAM over TLS. */
  readonly bootstrapBrokers: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly port = KAFKA_IAM_PORT;
  /** Copies of every partition, from the broker count: topics the services create use it. */
  readonly replicationFactor: number;
  /** Copies that must acknowledge a write (acks=all) before it counts. */
  readonly minInSyncReplicas: number;
  /** IAM policy (JSON) for the coupon service's role: write the orders topic. */
  readonly producerPolicyJson: pulumi.Output<string>;
  /** IAM policy (JSON) for the payment service's role: read orders in its group, write dead letters. */
  readonly consumerPolicyJson: pulumi.Output<string>;

  constructor(name: string, args: KafkaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coupon-platform:data:Kafka", name, {}, opts);
    const parent = { parent: this };
    this.clusterName = `${args.namePrefix}-kafka`;
    const durability = brokerDurability(args.brokerCount);
    this.replicationFactor = durability.replicationFactor;
    this.minInSyncReplicas = durability.minInSyncReplicas;
    const tags = { ...args.tags, Name: this.clusterName };

    const key = createRotatingKey(
      `${name}-key`,
      {
        alias: `${args.namePrefix}-kafka`,
        description: `${args.namePrefix}: MSK storage encryption`,
        deletionWindowDays: args.keyDeletionWindowDays,
        tags,
      },
      { parent: this, protect: args.protect },
    );
    const securityGroup = createTierSecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: "MSK brokers: IAM/TLS clients from the EKS nodes only",
        port: KAFKA_IAM_PORT,
        sources: [{ securityGroupId: args.clientSecurityGroupId, description: "EKS nodes (coupon, payment)" }],
        tags,
      },
      parent,
    );
    const brokerLogs = createEncryptedLogGroup(
      `${name}-broker-logs`,
      { logGroupName: `/${args.namePrefix}/msk/broker`, retentionDays: args.logRetentionDays, kmsKeyArn: args.logsKeyArn, tags },
      parent,
    );
    const configuration = new aws.msk.Configuration(
      `${name}-config`,
      {
        name: `${args.namePrefix}-kafka`,
        kafkaVersions: [args.kafkaVersion],
        serverProperties: serverProperties(args.brokerCount),
        description: `${args.namePrefix}: topics created by their owners, durable writes`,
      },
      parent,
    );

    const cluster = new aws.msk.Cluster(
      `${name}-cluster`,
      {
        clusterName: this.clusterName,
        kafkaVersion: args.kafkaVersion,
        numberOfBrokerNodes: args.brokerCount,
        brokerNodeGroupInfo: {
          instanceType: args.instanceType,
          clientSubnets: args.dataSubnetIds,
          securityGroups: [securityGroup.id],
          storageInfo: { ebsStorageInfo: { volumeSize: args.storageGiB } },
          connectivityInfo: { publicAccess: { type: "DISABLED" } },
        },
        clientAuthentication: { sasl: { iam: true }, unauthenticated: false },
        encryptionInfo: {
          encryptionAtRestKmsKeyArn: key.arn,
          encryptionInTransit: { clientBroker: "TLS", inCluster: true },
        },
        configurationInfo: { arn: configuration.arn, revision: configuration.latestRevision },
        enhancedMonitoring: args.enhancedMonitoring,
        openMonitoring: { prometheus: { jmxExporter: { enabledInBroker: true }, nodeExporter: { enabledInBroker: true } } },
        loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: brokerLogs.name } } },
        tags,
      },
      // Storage auto-scaling grows the volumes; a later `pulumi up` must not try to shrink them back.
      { parent: this, protect: args.protect, ignoreChanges: ["brokerNodeGroupInfo.storageInfo.ebsStorageInfo.volumeSize"] },
    );

    const storageTarget = new aws.appautoscaling.Target(
      `${name}-storage-target`,
      {
        serviceNamespace: "kafka",
        scalableDimension: "kafka:broker-storage:VolumeSize",
        resourceId: cluster.arn,
        minCapacity: 1,
        maxCapacity: args.maxStorageGiB,
      },
      parent,
    );
    new aws.appautoscaling.Policy(
      `${name}-storage-policy`,
      {
        name: `${args.namePrefix}-kafka-storage`,
        policyType: "TargetTrackingScaling",
        serviceNamespace: storageTarget.serviceNamespace,
        scalableDimension: storageTarget.scalableDimension,
        resourceId: storageTarget.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: STORAGE_TARGET_UTILIZATION,
          disableScaleIn: true,
          predefinedMetricSpecification: { predefinedMetricType: "KafkaBrokerStorageUtilization" },
        },
      },
      parent,
    );

    this.clusterArn = cluster.arn;
    this.bootstrapBrokers = cluster.bootstrapBrokersSaslIam;
    this.securityGroupId = securityGroup.id;
    this.producerPolicyJson = producerPolicy(cluster.arn, args.names);
    this.consumerPolicyJson = consumerPolicy(cluster.arn, args.names);
    this.registerOutputs({ clusterArn: this.clusterArn, bootstrapBrokers: this.bootstrapBrokers });
  }
}
