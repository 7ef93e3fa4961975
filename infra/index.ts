import { loadPlatformConfig } from "./config";
import { createPlatform } from "./platform";

// Config is read and validated first: a bad stack fails here, before any resource exists.
const config = loadPlatformConfig();
const { aws, network, bastion, cluster, kafka, cache, database, connections, registry, apps } = createPlatform(config);

/** The profile (stacks/<profile>.yaml) this stack starts from. */
export const profile = config.profile;
/** The AWS region everything is in. */
export const region = aws.region;
/** The VPC's id. */
export const vpcId = network.vpcId;
/** The zones the subnets, node groups and data stores are spread over. */
export const availabilityZones = network.availabilityZones;
/** Subnet ids by tier: public (load balancers, NAT), private (nodes, pods, bastion), data (stores). */
export const subnetIds = {
  public: network.publicSubnetIds,
  private: network.privateSubnetIds,
  data: network.dataSubnetIds,
};
/** The EKS cluster's name (aws eks update-kubeconfig --name …). */
export const clusterName = cluster.clusterName;
/** Secret: an admin kubeconfig for the cluster. */
export const kubeconfig = cluster.kubeconfig;
/** The security group the nodes carry: the only one the data stores admit. */
export const nodeSecurityGroupId = cluster.nodeSecurityGroupId;
/** The cluster's OIDC provider, which IRSA roles trust. */
export const oidcProviderArn = cluster.oidcProviderArn;
/** The SSM bastion's instance id (when bastion.enabled). */
export const bastionInstanceId = bastion?.instanceId;
/** Opens a shell on the bastion through SSM. */
export const bastionSessionCommand = bastion?.sessionCommand;
/** Forwards localhost:13306 to the MySQL writer through the bastion. */
export const bastionPortForwardExample = bastion?.portForwardCommand(database.writerEndpoint, database.port, 13306);

/** Bootstrap brokers for IAM-authenticated clients over TLS (port 9098). */
export const kafkaBootstrapBrokers = kafka.bootstrapBrokers;
/** The MSK cluster's ARN (its topics' and groups' IAM ARNs derive from it). */
export const kafkaClusterArn = kafka.clusterArn;
/** IAM policy of the coupon service's role: write the orders topic. */
export const kafkaProducerPolicy = kafka.producerPolicyJson;
/** IAM policy of the payment service's role: read orders in its group, write dead letters. */
export const kafkaConsumerPolicy = kafka.consumerPolicyJson;
/** The cache's primary endpoint (TLS, one RBAC user per service). */
export const cachePrimaryEndpoint = cache.primaryEndpoint;
/** The cache's reader endpoint (its replicas). */
export const cacheReaderEndpoint = cache.readerEndpoint;
/** Where each service's cache user (name and password) is kept in Secrets Manager. */
export const cacheUserSecretArns = cache.userSecretArns;
/** The MySQL primary's endpoint. */
export const databaseWriterEndpoint = database.writerEndpoint;
/** The read replica's endpoint, or the primary's when the stack has no replica. */
export const databaseReaderEndpoint = database.readerEndpoint;
/** The database the services use. */
export const databaseName = database.databaseName;
/** Where the MySQL master credentials are kept in Secrets Manager. */
export const databaseCredentialsSecretArn = database.credentialsSecretArn;
/** Secret: what each service needs to reach Kafka, Redis and MySQL — the same object the pods' environment is rendered from. */
export const appConnections = connections;

/** The platform's public address. */
export const publicUrl = apps.publicUrl;
/** The public load balancer's DNS name: point the hostname at it (CNAME or alias). */
export const loadBalancerHostname = apps.loadBalancerHostname;
/** Where to push images: one ECR repository per app; tags are immutable. */
export const imageRepositories = registry.repositoryUrls;
/** The image tag the apps run (delivery.imageTag). */
export const imageTag = config.delivery.imageTag;
/** Watch, promote, abort or roll back a rollout (kubectl with the Argo Rollouts plugin). */
export const rolloutCommands = apps.rolloutCommands;
