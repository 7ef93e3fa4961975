import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { AwsContext } from "../shared/aws-context";
import { AppService } from "./app-service";
import type { Cache } from "../data/cache";
import { ClusterAddons } from "../cluster/addons/cluster-addons";
import type { Cluster } from "../cluster/cluster";
import type { Database } from "../data/database";
import { ImageRegistry } from "./image-registry";
import type { Kafka } from "../data/kafka";
import type { Network } from "../network/network";
import type { DeliveryConfig } from "../configuration/schema";
import type { KafkaContract } from "../data/kafka-iam-policies";
import { brokerDurability } from "../data/kafka-server-properties";
import { ingressHostname, internalIngress, publicIngress } from "./ingresses";
import { defaultDenySpec } from "./network-policy";

export const APPS_NAMESPACE = "coupon-platform";
export const APPS = ["gateway", "coupon", "payment"] as const;

/** Where the image keeps the RDS certificate bundle (see Dockerfile). */
export const RDS_CA_FILE = "/etc/ssl/rds/global-bundle.pem";

export interface PlatformAppsArgs {
  readonly namePrefix: string;
  readonly aws: AwsContext;
  readonly network: Network;
  readonly cluster: Cluster;
  readonly kafka: Kafka;
  readonly cache: Cache;
  readonly database: Database;
  readonly contract: KafkaContract;
  readonly brokerCount: number;
  readonly delivery: DeliveryConfig;
  /** Whether interface endpoints carry AWS API traffic (STS for IRSA) inside the VPC. */
  readonly interfaceEndpoints: boolean;
  readonly tags: Record<string, string>;
}

/**
 * Registries, cluster add-ons and the three apps, wired to the data tier:
 * gateway (blue-green, the only public entry, behind an internet-facing ALB),
 * coupon (ALB canary behind an internal ALB the gateway calls) and payment
 * (replica canary, scaled by KEDA on its consumer lag).
 */
export function deployPlatformApps(args: PlatformAppsArgs) {
  const { cluster, network, delivery, kafka, cache, database, contract } = args;
  const provider = cluster.provider;

  const registry = new ImageRegistry("images", { namePrefix: args.namePrefix, apps: APPS, tags: args.tags });
  const addons = new ClusterAddons("addons", {
    clusterName: cluster.clusterName,
    aws: args.aws,
    vpcId: network.vpcId,
    oidcProviderArn: cluster.oidcProviderArn,
    oidcProviderUrl: cluster.oidcProviderUrl,
    provider,
    controllerReplicas: args.delivery.highAvailability ? 2 : 1,
    tags: args.tags,
  });

  const namespace = new k8s.core.v1.Namespace(
    "apps-namespace",
    {
      metadata: {
        name: APPS_NAMESPACE,
        labels: {
          // Every pod must meet the restricted Pod Security Standard.
          "pod-security.kubernetes.io/enforce": "restricted",
          // The load balancer controller adds readiness gates: a pod serves only once its target is healthy.
          "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
        },
      },
    },
    { provider, dependsOn: [addons.loadBalancerController] },
  );
  // Nothing in or out of the namespace unless a policy opens it: each app's own, and the smoke test's.
  new k8s.networking.v1.NetworkPolicy(
    "apps-default-deny",
    { metadata: { name: "default-deny", namespace: APPS_NAMESPACE }, spec: defaultDenySpec() },
    { provider, dependsOn: [namespace] },
  );

  const image = (app: string) => pulumi.interpolate`${registry.repositoryUrls[app]}:${delivery.imageTag}`;
  const crdReleases = [addons.argoRollouts, addons.keda];
  const durability = brokerDurability(args.brokerCount);
  const connections = {
    common: (app: string) => ({ SERVICE_NAME: app, PORT: "8080", LOG_LEVEL: "info", SHUTDOWN_GRACE_MS: "30000" }),
    redis: { REDIS_URL: pulumi.interpolate`rediss://:${cache.authToken}@${cache.primaryEndpoint}:${cache.port}` },
    mysql: {
      MYSQL_HOST: database.writerEndpoint,
      MYSQL_PORT: String(database.port),
      MYSQL_USER: database.masterUsername,
      MYSQL_DATABASE: database.databaseName,
      MYSQL_TLS: "true",
      MYSQL_TLS_CA_FILE: RDS_CA_FILE,
    },
    mysqlSecret: { MYSQL_PASSWORD: database.masterPassword },
    /** The catalog reads from the replica where the stack has one (and from the writer while it is down). */
    mysqlReader: (database.hasReadReplica ? { MYSQL_READER_HOST: database.readerEndpoint } : {}) as Record<string, pulumi.Input<string>>,
    kafka: {
      KAFKA_BROKERS: kafka.bootstrapBrokers,
      KAFKA_AUTH: "msk-iam",
      KAFKA_TLS: "true",
      AWS_REGION: args.aws.region,
    },
    /** coupon creates the orders topic with the partitions payment scales to. */
    ordersTopic: {
      ORDERS_TOPIC: contract.ordersTopic,
      ORDERS_TOPIC_PARTITIONS: String(delivery.orderPartitions),
      ORDERS_TOPIC_REPLICATION: String(durability.replicationFactor),
    },
    /** payment creates the dead-letter topic (and the orders topic if it starts first) with the same durability. */
    settlement: {
      KAFKA_ORDERS_TOPIC: contract.ordersTopic,
      KAFKA_DEAD_LETTER_TOPIC: contract.deadLetterTopic,
      KAFKA_CONSUMER_GROUP: contract.settlementGroup,
      KAFKA_TOPIC_PARTITIONS: String(delivery.orderPartitions),
      KAFKA_TOPIC_REPLICATION: String(durability.replicationFactor),
    },
  };
  const irsa = (policy: pulumi.Input<string>) => ({ oidcProviderArn: cluster.oidcProviderArn, oidcProviderUrl: cluster.oidcProviderUrl, policies: { kafka: policy } });
  const zoneSpread = args.delivery.highAvailability ? ("DoNotSchedule" as const) : ("ScheduleAnyway" as const);
  const dataPorts = [kafka.port, cache.port, database.port];
  const privateCidrs = network.privateSubnetCidrs;
  const publicCidrs = network.publicSubnetCidrs;
  // IRSA pods fetch credentials from STS: inside the VPC through its endpoint, else through NAT.
  const stsCidrs = args.interfaceEndpoints ? [network.vpcCidr] : ["0.0.0.0/0"];
  const common = { namespace: APPS_NAMESPACE, namespaceReady: [namespace], provider, prometheusUrl: addons.prometheusUrl, zoneSpread, crdReleases, tags: args.tags };

  const couponIngressName = "coupon-internal";
  const coupon = new AppService("coupon", {
    ...common,
    app: "coupon",
    image: image("coupon"),
    env: { ...connections.common("coupon"), ...connections.mysql, ...connections.mysqlReader, ...connections.kafka, ...connections.ordersTopic },
    secretEnv: { ...connections.redis, ...connections.mysqlSecret },
    iam: irsa(kafka.producerPolicyJson),
    resources: delivery.coupon.resources,
    scaling: { kind: "cpu", minReplicas: delivery.coupon.minReplicas, maxReplicas: delivery.coupon.maxReplicas, cpuTargetPercent: delivery.coupon.cpuTargetPercent },
    strategy: { kind: "albCanary", steps: delivery.coupon.canarySteps, ingressName: couponIngressName },
    analysis: "http",
    // The gateway reaches coupon through the internal ALB, whose nodes live only in the internal-LB subnets.
    ingressFrom: { kind: "apps", apps: ["gateway"], loadBalancerSubnetCidrs: network.internalLbSubnetCidrs },
    egressTo: { dataSubnetCidrs: network.dataSubnetCidrs, dataPorts, cidrs: [{ cidrs: stsCidrs, port: 443 }] },
  });
  const couponIngress = internalIngress(couponIngressName, {
    namespace: APPS_NAMESPACE,
    service: coupon.serviceName,
    allowedCidrs: privateCidrs,
    subnetIds: network.internalLbSubnetIds,
    provider,
    dependsOn: [namespace, addons.loadBalancerController, coupon],
  });

  const payment = new AppService("payment", {
    ...common,
    app: "payment",
    image: image("payment"),
    env: { ...connections.common("payment"), ...connections.mysql, ...connections.kafka, ...connections.settlement },
    secretEnv: { ...connections.redis, ...connections.mysqlSecret },
    iam: irsa(kafka.consumerPolicyJson),
    resources: delivery.payment.resources,
    scaling: {
      kind: "kafkaLag",
      minReplicas: delivery.payment.minReplicas,
      maxReplicas: delivery.payment.maxReplicas,
      lagPerReplica: delivery.payment.lagPerReplica,
      mskClusterName: kafka.clusterName,
      consumerGroup: contract.settlementGroup,
      topic: contract.ordersTopic,
      region: args.aws.region,
    },
    strategy: { kind: "replicaCanary", steps: delivery.payment.canarySteps },
    analysis: "settlements",
    // A consumer: nothing calls it but Prometheus.
    ingressFrom: { kind: "none" },
    egressTo: { dataSubnetCidrs: network.dataSubnetCidrs, dataPorts, cidrs: [{ cidrs: stsCidrs, port: 443 }] },
  });

  const jwtKey = new random.RandomPassword("gateway-jwt-key", { length: 64, special: false });
  const gateway = new AppService("gateway", {
    ...common,
    app: "gateway",
    image: image("gateway"),
    env: {
      ...connections.common("gateway"),
      ...connections.mysql,
      COUPON_URL: pulumi.interpolate`http://${ingressHostname(couponIngress)}`,
      JWT_ISSUER: `https://${delivery.hostname}`,
      JWT_AUDIENCE: "coupon-platform",
      // One proxy (the ALB) stands in front: rate limits then key on the client's own address.
      TRUSTED_PROXY_HOPS: "1",
    },
    secretEnv: { ...connections.redis, ...connections.mysqlSecret, JWT_SECRET: jwtKey.result },
    // Each gateway instance is named after its pod, so payment results reach the instance holding the socket.
    fieldEnv: { GATEWAY_ID: "metadata.name" },
    resources: delivery.gateway.resources,
    scaling: { kind: "cpu", minReplicas: delivery.gateway.minReplicas, maxReplicas: delivery.gateway.maxReplicas, cpuTargetPercent: delivery.gateway.cpuTargetPercent },
    strategy: { kind: "blueGreen", autoPromotion: delivery.gateway.autoPromotion, scaleDownDelaySeconds: delivery.gateway.scaleDownDelaySeconds },
    analysis: "http",
    ingressFrom: { kind: "loadBalancer", subnetCidrs: publicCidrs, smokeTests: true },
    egressTo: { dataSubnetCidrs: network.dataSubnetCidrs, dataPorts: [cache.port, database.port], apps: ["coupon"], cidrs: [{ cidrs: network.internalLbSubnetCidrs, port: 80 }] },
  });
  const gatewayIngress = publicIngress("gateway-public", {
    namespace: APPS_NAMESPACE,
    service: gateway.serviceName,
    hostname: delivery.hostname,
    certificateArn: delivery.certificateArn,
    deletionProtection: args.delivery.highAvailability,
    provider,
    dependsOn: [namespace, addons.loadBalancerController, gateway],
  });

  const rollout = (app: string, verb: string) => `kubectl argo rollouts ${verb} ${app} -n ${APPS_NAMESPACE}`;
  return {
    registry,
    addons,
    apps: { gateway, coupon, payment },
    publicUrl: `https://${delivery.hostname}`,
    loadBalancerHostname: ingressHostname(gatewayIngress),
    rolloutCommands: {
      watch: Object.fromEntries(APPS.map((app) => [app, rollout(app, "get rollout") + " --watch"])),
      promoteGateway: rollout("gateway", "promote"),
      abort: Object.fromEntries(APPS.map((app) => [app, rollout(app, "abort")])),
      rollBack: Object.fromEntries(APPS.map((app) => [app, rollout(app, "undo")])),
    },
  };
}
