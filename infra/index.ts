import { loadPlatformConfig } from "./config";
import { createPlatform } from "./platform";

// Config is read and validated first: a bad stack fails here, before any resource exists.
const config = loadPlatformConfig();
const { aws, network, bastion, cluster } = createPlatform(config);

export const profile = config.profile;
export const region = aws.region;
export const vpcId = network.vpcId;
export const availabilityZones = network.availabilityZones;
export const subnetIds = {
  public: network.publicSubnetIds,
  private: network.privateSubnetIds,
  data: network.dataSubnetIds,
};
export const clusterName = cluster.clusterName;
export const kubeconfig = cluster.kubeconfig;
export const nodeSecurityGroupId = cluster.nodeSecurityGroupId;
export const oidcProviderArn = cluster.oidcProviderArn;
export const bastionInstanceId = bastion?.instanceId;
export const bastionSessionCommand = bastion?.sessionCommand;
/** Forwards localhost:13306 to MySQL; the data tier replaces the placeholder with its endpoint. */
export const bastionPortForwardExample = bastion?.portForwardCommand("<database-endpoint>", 3306, 13306);
