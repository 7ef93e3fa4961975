import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { gatewayEnvSchema } from "../../apps/gateway/src/config";
import type { ServiceConnections } from "../data/connections";
import type { Network } from "../network/network";
import type { GatewaySettings } from "./app-settings";
import { AppService, type PlatformContext } from "./app-service";
import { envFor, type AppEnv } from "./env/app-env";
import { mysqlSettings, redisCredentials, serverSettings } from "./env/data-tier-env";
import { INTERNAL_LISTENER_PORT, publicIngress } from "./ingresses";

export interface GatewayEnvArgs {
  readonly connections: ServiceConnections;
  /** The internal ALB's DNS name in front of coupon. */
  readonly couponHost: pulumi.Input<string>;
  readonly hostname: string;
  readonly jwtSecret: pulumi.Input<string>;
  readonly internalSigningKey: InternalSigningKey;
}

/** The key the gateway signs its internal identity tokens with. */
export interface InternalSigningKey {
  readonly id: string;
  readonly privateKeyPem: pulumi.Input<string>;
}

/** The gateway's environment: accounts in MySQL, limits and results in Redis, coupon behind its ALB. */
export function gatewayEnv(args: GatewayEnvArgs): AppEnv<typeof gatewayEnvSchema> {
  const { connections } = args;
  return envFor<typeof gatewayEnvSchema>()({
    config: {
      ...serverSettings("gateway"),
      ...mysqlSettings(connections, "gateway", { readReplica: false }),
      COUPON_URL: pulumi.interpolate`http://${args.couponHost}`,
      JWT_ISSUER: `https://${args.hostname}`,
      JWT_AUDIENCE: "coupon-platform",
      // One proxy (the ALB) stands in front: rate limits then key on the client's own address.
      TRUSTED_PROXY_HOPS: "1",
      INTERNAL_SIGNING_KEY_ID: args.internalSigningKey.id,
    },
    secrets: {
      ...redisCredentials(connections, "gateway"),
      JWT_SECRET: args.jwtSecret,
      INTERNAL_TOKEN_PRIVATE_KEY: args.internalSigningKey.privateKeyPem,
    },
  });
}

export interface GatewayArgs {
  readonly platform: PlatformContext;
  readonly image: pulumi.Input<string>;
  readonly settings: GatewaySettings;
  readonly hostname: string;
  readonly certificateArn: string;
  /** Deletion protection on the public load balancer. */
  readonly deletionProtection: boolean;
  readonly connections: ServiceConnections;
  readonly internalSigningKey: InternalSigningKey;
  readonly network: Network;
  /** The ports of the stores the gateway uses (Redis, MySQL). */
  readonly dataPorts: number[];
  /** The internal ALB's DNS name in front of coupon. */
  readonly couponHost: pulumi.Input<string>;
  readonly ingressReady: pulumi.Resource[];
  /** The IAM policy that lets it sign in to MySQL as its own user (RDS IAM auth). */
  readonly databaseAccessPolicy: pulumi.Input<string>;
  /** The release's migration Job. */
  readonly startAfter: pulumi.Resource[];
  /** Where STS answers (IRSA credentials for its database sign-in). */
  readonly awsApiEgressCidrs: readonly string[];
  /** What its pods carry on their own interface: the caller group the internal ALB admits, and the cluster's. */
  readonly podSecurityGroupIds: pulumi.Input<string>[];
}

/** The gateway: blue-green, the only public entry, behind an internet-facing ALB. */
export function deployGateway(args: GatewayArgs) {
  const { platform, settings, network } = args;
  const jwtKey = new random.RandomPassword("gateway-jwt-key", { length: 64, special: false });
  const gateway = new AppService("gateway", {
    platform,
    app: "gateway",
    image: args.image,
    env: gatewayEnv({
      connections: args.connections,
      couponHost: args.couponHost,
      hostname: args.hostname,
      jwtSecret: jwtKey.result,
      internalSigningKey: args.internalSigningKey,
    }),
    // Each gateway instance is named after its pod, so payment results reach the instance holding the socket.
    fieldEnv: { GATEWAY_ID: "metadata.name" },
    iamPolicies: { database: args.databaseAccessPolicy },
    startAfter: args.startAfter,
    resources: settings.resources,
    scaling: {
      kind: "cpu",
      minReplicas: settings.minReplicas,
      maxReplicas: settings.maxReplicas,
      cpuTargetPercent: settings.cpuTargetPercent,
    },
    strategy: { kind: "blueGreen", autoPromotion: settings.autoPromotion, scaleDownDelaySeconds: settings.scaleDownDelaySeconds },
    ingressFrom: { kind: "loadBalancer", subnetCidrs: network.publicSubnetCidrs },
    podSecurityGroupIds: args.podSecurityGroupIds,
    egressTo: {
      dataSubnetCidrs: network.dataSubnetCidrs,
      dataPorts: args.dataPorts,
      cidrs: [
        { cidrs: network.internalLbSubnetCidrs, port: INTERNAL_LISTENER_PORT },
        { cidrs: args.awsApiEgressCidrs, port: 443 },
      ],
    },
  });
  const ingress = publicIngress("gateway-public", {
    namespace: platform.namespace,
    service: gateway.serviceName,
    hostname: args.hostname,
    certificateArn: args.certificateArn,
    deletionProtection: args.deletionProtection,
    provider: platform.provider,
    dependsOn: [...platform.namespaceReady, ...args.ingressReady, gateway],
  });
  return { service: gateway, ingress };
}
