import { loadPlatformConfig } from "./config";
import { createPlatform } from "./platform";

// Config is read and validated first: a bad stack fails here, before any resource exists.
const config = loadPlatformConfig();
const { aws, network, bastion, cluster, kafka, cache, database, connections, registry, apps } = createPlatform(config);

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
/** Forwards localhost:13306 to the MySQL writer through the bastion. */
export const bastionPortForwardExample = bastion?.portForwardCommand(database.writerEndpoint, database.port, 13306);

export const kafkaBootstrapBrokers = kafka.bootstrapBrokers;
export const kafkaClusterArn = kafka.clusterArn;
/** IAM policies for the coupon (produce) and payment (consume) service roles. */
export const kafkaProducerPolicy = kafka.producerPolicyJson;
export const kafkaConsumerPolicy = kafka.consumerPolicyJson;
export const cachePrimaryEndpoint = cache.primaryEndpoint;
export const cacheReaderEndpoint = cache.readerEndpoint;
export const cacheAuthTokenSecretArn = cache.authTokenSecretArn;
export const databaseWriterEndpoint = database.writerEndpoint;
export const databaseReaderEndpoint = database.readerEndpoint;
export const databaseName = database.databaseName;
export const databaseCredentialsSecretArn = database.credentialsSecretArn;
/** Secret: what each service needs to reach Kafka, Redis and MySQL. */
export const appConnections = connections;

/** The platform's public address, and the load balancer's DNS name to point it at (CNAME / alias). */
export const publicUrl = apps.publicUrl;
export const loadBalancerHostname = apps.loadBalancerHostname;
/** Where to push images: one ECR repository per app; tags are immutable. */
export const imageRepositories = registry.repositoryUrls;
export const imageTag = config.delivery.imageTag;
/** Watch, promote, abort or roll back a rollout (kubectl with the Argo Rollouts plugin). */
export const rolloutCommands = apps.rolloutCommands;
