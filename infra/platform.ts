import * as pulumi from "@pulumi/pulumi";
import { currentAwsContext } from "./shared/aws-context";
import { Bastion } from "./network/bastion";
import { Cluster } from "./cluster/cluster";
import { LogsKey } from "./security/logs-key";
import { Network } from "./network/network";
import type { PlatformConfig } from "./config";
import { Cache } from "./data/cache";
import { Database, MYSQL_PORT } from "./data/database";
import { Kafka } from "./data/kafka";
import type { KafkaContract } from "./data/kafka-iam-policies";
import { deployPlatformApps } from "./apps/platform-apps";
import { resolveAvailabilityZones } from "./network/availability-zones";
import { appConnections } from "./data/connections";

/** The topics and consumer group the services use; the services create the topics at start. */
export const KAFKA_CONTRACT: KafkaContract = {
  ordersTopic: "coupon.orders",
  deadLetterTopic: "coupon.orders.dlq",
  settlementGroup: "payment-settlement",
};

/** Declares the whole platform for one validated config. */
export function createPlatform(config: PlatformConfig) {
  const aws = currentAwsContext();
  const namePrefix = config.name;
  const clusterName = config.name;
  const tags = { ...config.tags, "coupon-platform:stack": pulumi.getStack(), "managed-by": "pulumi" };

  // Stateful resources (stores, the cluster, every KMS key) are protected where the profile says so.
  const protect = config.protectStatefulResources;
  const logsKey = new LogsKey("logs", { namePrefix, aws, deletionWindowDays: config.encryption.keyDeletionWindowDays, protect, tags });

  const network = new Network("network", {
    namePrefix,
    clusterName,
    aws,
    vpcCidr: config.network.vpcCidr,
    azCount: config.network.azCount,
    availabilityZones: resolveAvailabilityZones(config.network.availabilityZones),
    natGateways: config.network.natGateways,
    flowLogRetentionDays: config.network.flowLogRetentionDays,
    interfaceEndpoints: config.network.interfaceEndpoints,
    logsKeyArn: logsKey.keyArn,
    tags,
  });

  const bastion = config.bastion.enabled
    ? new Bastion("bastion", {
        namePrefix,
        aws,
        vpcId: network.vpcId,
        subnetId: network.privateSubnetIds.apply((ids) => ids[0] as string),
        instanceType: config.bastion.instanceType,
        // Operators reach MySQL through the bastion; Redis and Kafka admit the EKS nodes only.
        forwardTargets: { cidrBlocks: network.dataSubnetCidrs, ports: [MYSQL_PORT] },
        tags,
      })
    : undefined;

  const cluster = new Cluster("cluster", {
    clusterName,
    aws,
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
    kubernetesVersion: config.cluster.kubernetesVersion,
    upgradeSupport: config.cluster.upgradeSupport,
    endpointPublicAccess: config.cluster.endpointPublicAccess,
    publicAccessCidrs: config.cluster.publicAccessCidrs,
    adminRoleArn: config.cluster.adminRoleArn,
    serviceCidr: config.cluster.serviceCidr,
    apiClients: { securityGroupIds: bastion ? [bastion.securityGroupId] : [], cidrBlocks: config.cluster.privateApiAccessCidrs },
    logRetentionDays: config.cluster.logRetentionDays,
    logsKeyArn: logsKey.keyArn,
    deletionProtection: config.cluster.deletionProtection,
    keyDeletionWindowDays: config.encryption.keyDeletionWindowDays,
    protect,
    nodeGroups: config.cluster.nodeGroups,
    zoneCount: config.network.azCount,
    tags,
  });

  const dataTierPlacement = {
    namePrefix,
    vpcId: network.vpcId,
    dataSubnetIds: network.dataSubnetIds,
    clientSecurityGroupId: cluster.nodeSecurityGroupId,
    logsKeyArn: logsKey.keyArn,
    keyDeletionWindowDays: config.encryption.keyDeletionWindowDays,
    protect,
    tags,
  };
  const kafka = new Kafka("kafka", { ...dataTierPlacement, ...config.kafka, contract: KAFKA_CONTRACT });
  const cache = new Cache("cache", { ...dataTierPlacement, ...config.cache, availabilityZones: network.availabilityZones });
  const database = new Database("database", {
    ...dataTierPlacement,
    ...config.database,
    aws,
    availabilityZones: network.availabilityZones,
    bastionSecurityGroupId: bastion?.securityGroupId,
  });
  const connections = appConnections({ kafka, cache, database, contract: KAFKA_CONTRACT });
  const delivery = deployPlatformApps({
    namePrefix,
    aws,
    network,
    cluster,
    kafka,
    cache,
    database,
    contract: KAFKA_CONTRACT,
    brokerCount: config.kafka.brokerCount,
    delivery: config.delivery,
    interfaceEndpoints: config.network.interfaceEndpoints,
    tags,
  });

  return { aws, network, bastion, cluster, kafka, cache, database, connections, delivery };
}
