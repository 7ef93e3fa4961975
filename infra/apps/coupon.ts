import * as pulumi from "@pulumi/pulumi";
import type { couponEnvSchema } from "../../apps/coupon/src/config";
import type { ServiceConnections } from "../data/connections";
import type { Kafka } from "../data/kafka";
import type { Network } from "../network/network";
import type { CouponSettings } from "./app-settings";
import { AppService, type PlatformContext } from "./app-service";
import { envFor, type AppEnv } from "./env/app-env";
import { kafkaSettings, mysqlSettings, ordersTopicSettings, redisCredentials, serverSettings } from "./env/data-tier-env";
import { internalIngress } from "./ingresses";
import type { EgressTargets } from "./network-policy";

/**
 * coupon's environment: MySQL (catalog reads from the replica), Redis, Kafka, the
 * orders topic it creates, and the gateway's public keys that verify who a request is for.
 */
export function couponEnv(connections: ServiceConnections, internalJwks: pulumi.Input<string>): AppEnv<typeof couponEnvSchema> {
  return envFor<typeof couponEnvSchema>()({
    config: {
      ...serverSettings("coupon"),
      ...mysqlSettings(connections, "coupon", { readReplica: true }),
      ...kafkaSettings(connections),
      ...ordersTopicSettings(connections.kafka.ordersTopic),
      INTERNAL_JWKS: internalJwks,
    },
    secrets: { ...redisCredentials(connections, "coupon") },
  });
}

export interface CouponArgs {
  readonly platform: PlatformContext;
  readonly image: pulumi.Input<string>;
  readonly settings: CouponSettings;
  readonly connections: ServiceConnections;
  /** The gateway's public internal identity keys (JWKS). */
  readonly internalJwks: pulumi.Input<string>;
  readonly kafka: Kafka;
  readonly network: Network;
  /** Where its pods may connect: the data tier and the AWS APIs (STS for IRSA). */
  readonly egress: EgressTargets;
  /** Waits for the load balancer controller, whose webhook admits the Ingress. */
  readonly ingressReady: pulumi.Resource[];
  /** The IAM policy that lets it sign in to MySQL as its own user (RDS IAM auth). */
  readonly databaseAccessPolicy: pulumi.Input<string>;
  /** The internal ALB's security group (internalAlbSecurityGroup): it admits only the gateway's pods. */
  readonly internalAlbSecurityGroupId: pulumi.Input<string>;
  /** The release's migration Job. */
  readonly startAfter: pulumi.Resource[];
}

/** coupon: ALB canary behind an internal ALB that only the gateway's pods may call. */
export function deployCoupon(args: CouponArgs) {
  const { platform, settings, network } = args;
  const ingressName = "coupon-internal";
  const coupon = new AppService("coupon", {
    platform,
    app: "coupon",
    image: args.image,
    env: couponEnv(args.connections, args.internalJwks),
    iamPolicies: { kafka: args.kafka.producerPolicyJson, database: args.databaseAccessPolicy },
    startAfter: args.startAfter,
    resources: settings.resources,
    scaling: {
      kind: "cpu",
      minReplicas: settings.minReplicas,
      maxReplicas: settings.maxReplicas,
      cpuTargetPercent: settings.cpuTargetPercent,
    },
    strategy: { kind: "albCanary", steps: settings.canarySteps, ingressName, analysis: "http" },
    // Only through the internal ALB, whose nodes live only in the internal-LB subnets and which admits only the gateway's pods.
    ingressFrom: { kind: "loadBalancer", subnetCidrs: network.internalLbSubnetCidrs },
    egressTo: args.egress,
  });
  const ingress = internalIngress(ingressName, {
    namespace: platform.namespace,
    service: coupon.serviceName,
    securityGroupId: args.internalAlbSecurityGroupId,
    subnetIds: network.internalLbSubnetIds,
    provider: platform.provider,
    dependsOn: [...platform.namespaceReady, ...args.ingressReady, coupon],
  });
  return { service: coupon, ingress };
}
