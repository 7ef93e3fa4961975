import * as pulumi from "@pulumi/pulumi";
import { currentAwsContext } from "./aws-context";
import { Bastion } from "./components/bastion";
import { Cluster } from "./components/cluster";
import { LogsKey } from "./components/logs-key";
import { Network } from "./components/network";
import type { PlatformConfig } from "./config";
import { resolveAvailabilityZones } from "./network/availability-zones";

/** Ports the data tier listens on: MySQL, Redis, and MSK with IAM auth. */
export const DATA_TIER_PORTS = [3306, 6379, 9098];

/** Declares the whole platform for one validated config. */
export function createPlatform(config: PlatformConfig) {
  const aws = currentAwsContext();
  const namePrefix = config.name;
  const clusterName = config.name;
  const tags = { ...config.tags, "coupon-platform:stack": pulumi.getStack(), "managed-by": "pulumi" };

  const logsKey = new LogsKey("logs", { namePrefix, aws, deletionWindowDays: config.encryption.keyDeletionWindowDays, tags });

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
        forwardTargets: { cidrBlocks: network.dataSubnetCidrs, ports: DATA_TIER_PORTS },
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
    logRetentionDays: config.cluster.logRetentionDays,
    logsKeyArn: logsKey.keyArn,
    deletionProtection: config.cluster.deletionProtection,
    keyDeletionWindowDays: config.encryption.keyDeletionWindowDays,
    nodeGroups: config.cluster.nodeGroups,
    tags,
  });

  return { aws, network, bastion, cluster };
}
