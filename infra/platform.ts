import * as pulumi from "@pulumi/pulumi";
import { KAFKA_NAMES } from "../apps/lib/flash-sale/kafka-names";
import { ImageRegistry } from "./apps/image-registry";
import { APPS, deployPlatformApps } from "./apps/platform-apps";
import { ClusterAddons } from "./cluster/addons/cluster-addons";
import { Cluster } from "./cluster/cluster";
import type { PlatformConfig } from "./config";
import { Cache } from "./data/cache";
import { connectionsOutput, serviceConnections } from "./data/connections";
import { Database, MYSQL_PORT } from "./data/database";
import { Kafka } from "./data/kafka";
import { resolveAvailabilityZones } from "./network/availability-zones";
import { Bastion } from "./network/bastion";
import { Network } from "./network/network";
import { InternalIdentityKeys } from "./security/internal-identity-keys";
import { LogsKey } from "./security/logs-key";
import { currentAwsContext } from "./shared/aws-context";

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
  const kafka = new Kafka("kafka", { ...dataTierPlacement, ...config.kafka, names: KAFKA_NAMES });
  const cache = new Cache("cache", { ...dataTierPlacement, ...config.cache, availabilityZones: network.availabilityZones });
  const database = new Database("database", {
    ...dataTierPlacement,
    ...config.database,
    aws,
    availabilityZones: network.availabilityZones,
    bastionSecurityGroupId: bastion?.securityGroupId,
  });
  const connections = serviceConnections({
    kafka,
    cache,
    database,
    names: KAFKA_NAMES,
    orderPartitions: config.delivery.orderPartitions,
    region: aws.region,
  });

  const registry = new ImageRegistry("images", { namePrefix, apps: APPS, tags });
  const addons = new ClusterAddons("addons", {
    clusterName: cluster.clusterName,
    aws,
    vpcId: network.vpcId,
    oidcProviderArn: cluster.oidcProviderArn,
    oidcProviderUrl: cluster.oidcProviderUrl,
    provider: cluster.provider,
    controllerReplicas: config.delivery.highAvailability ? 2 : 1,
    tags,
  });
  const identityKeys = new InternalIdentityKeys("internal-identity", {
    namePrefix,
    keyNames: config.delivery.internalIdentity.keys,
    signingKeyName: config.delivery.internalIdentity.signingKey,
    keyDeletionWindowDays: config.encryption.keyDeletionWindowDays,
    protect,
    tags,
  });
  const apps = deployPlatformApps({
    network,
    cluster,
    addons,
    registry,
    kafka,
    cache,
    database,
    connections,
    identityKeys,
    settings: config.delivery,
    tags,
  });

  return { aws, network, bastion, cluster, kafka, cache, database, connections: connectionsOutput(connections), registry, addons, apps };
}
