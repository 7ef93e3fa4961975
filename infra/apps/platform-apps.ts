import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterAddons } from "../cluster/addons/cluster-addons";
import type { Cluster } from "../cluster/cluster";
import type { Cache } from "../data/cache";
import type { ServiceConnections } from "../data/connections";
import type { Database } from "../data/database";
import type { Kafka } from "../data/kafka";
import type { Network } from "../network/network";
import type { InternalIdentityKeys } from "../security/internal-identity-keys";
import type { PlatformContext } from "./app-service";
import type { AppsSettings } from "./app-settings";
import { deployCoupon } from "./coupon";
import { deployGateway } from "./gateway";
import type { ImageRegistry } from "./image-registry";
import { INTERNAL_LISTENER_PORT, ingressHostname } from "./ingresses";
import { callerSecurityGroup, internalAlbSecurityGroup } from "./caller-security-groups";
import { APP_PORT } from "./pod-template";
import { defaultDenySpec } from "./network-policy";
import { deployMigrationJob } from "./migration-job";
import { deployPayment } from "./payment";
import { type DbService, dbUserName } from "../../apps/lib/db/service-users";

export const APPS_NAMESPACE = "coupon-platform";
export const APPS = ["gateway", "coupon", "payment"] as const;

export interface PlatformAppsArgs {
  readonly network: Network;
  readonly cluster: Cluster;
  readonly addons: ClusterAddons;
  readonly registry: ImageRegistry;
  readonly kafka: Kafka;
  readonly cache: Cache;
  readonly database: Database;
  readonly connections: ServiceConnections;
  /** The gateway's internal identity keys: it signs with one, the services trust them all. */
  readonly identityKeys: InternalIdentityKeys;
  readonly settings: AppsSettings;
  readonly tags: Record<string, string>;
}

/**
 * The apps' namespace (restricted pods, default-deny traffic) and the three apps in
 * it, wired to the data tier: gateway (blue-green, the only public entry), coupon
 * (ALB canary behind an internal ALB the gateway calls) and payment (replica canary,
 * scaled by KEDA on its consumer lag).
 */
export function deployPlatformApps(args: PlatformAppsArgs) {
  const { cluster, network, addons, settings, kafka, cache, database, connections } = args;
  const provider = cluster.provider;

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

  const platform: PlatformContext = {
    namespace: APPS_NAMESPACE,
    provider,
    namespaceReady: [namespace],
    crdReleases: [addons.argoRollouts, addons.keda],
    prometheusUrl: addons.prometheusUrl,
    zoneSpread: settings.highAvailability ? "DoNotSchedule" : "ScheduleAnyway",
    oidc: { providerArn: cluster.oidcProviderArn, providerUrl: cluster.oidcProviderUrl },
    tags: args.tags,
  };
  const image = (app: (typeof APPS)[number]) => pulumi.interpolate`${args.registry.repositoryUrls[app]}:${settings.imageTag}`;
  // Ingresses wait for the controller: its webhook admits them, and on destroy it must outlive them to delete their ALBs.
  const ingressReady = [addons.loadBalancerController];
  // coupon and payment reach every store and the AWS APIs (STS for their IRSA credentials).
  const toStoresAndAwsApis = {
    dataSubnetCidrs: network.dataSubnetCidrs,
    dataPorts: [kafka.port, cache.port, database.port],
    cidrs: [{ cidrs: network.awsApiEgressCidrs, port: 443 }],
  };

  const migration = deployMigrationJob("db-migrate", {
    platform,
    image: image("coupon"),
    connections,
    dataSubnetCidrs: network.dataSubnetCidrs,
  });
  const startAfter = [migration];

  // The internal ALB in front of coupon admits only pods carrying the gateway's own security group.
  const gatewayPods = callerSecurityGroup("gateway-pods-sg", { vpcId: network.vpcId, app: "gateway", tags: args.tags });
  const internalAlb = internalAlbSecurityGroup("coupon-internal-alb-sg", {
    vpcId: network.vpcId,
    listenerPort: INTERNAL_LISTENER_PORT,
    callerSecurityGroupId: gatewayPods.id,
    targetSecurityGroupId: cluster.nodeSecurityGroupId,
    targetPort: APP_PORT,
    targetCidrs: network.privateSubnetCidrs,
    tags: { ...args.tags, Name: "coupon-internal-alb" },
  });
  const databaseAccessPolicy = (app: DbService) => database.connectPolicyJson(dbUserName(app));

  const coupon = deployCoupon({
    platform,
    image: image("coupon"),
    settings: settings.coupon,
    connections,
    internalJwks: args.identityKeys.jwks,
    kafka,
    network,
    egress: toStoresAndAwsApis,
    ingressReady,
    databaseAccessPolicy: databaseAccessPolicy("coupon"),
    internalAlbSecurityGroupId: internalAlb.id,
    startAfter,
  });
  const payment = deployPayment({
    platform,
    image: image("payment"),
    settings: settings.payment,
    connections,
    kafka,
    egress: toStoresAndAwsApis,
    databaseAccessPolicy: databaseAccessPolicy("payment"),
    startAfter,
  });
  const gateway = deployGateway({
    platform,
    image: image("gateway"),
    settings: settings.gateway,
    hostname: settings.hostname,
    certificateArn: settings.certificateArn,
    deletionProtection: settings.highAvailability,
    connections,
    internalSigningKey: { id: args.identityKeys.signingKeyId, privateKeyPem: args.identityKeys.signingKeyPem },
    network,
    dataPorts: [cache.port, database.port],
    couponHost: ingressHostname(coupon.ingress),
    ingressReady,
    databaseAccessPolicy: databaseAccessPolicy("gateway"),
    startAfter,
    awsApiEgressCidrs: network.awsApiEgressCidrs,
    // Its own group names it to the internal ALB; the cluster's keeps what every pod has (DNS, the stores, the public ALB's rules).
    podSecurityGroupIds: [gatewayPods.id, cluster.nodeSecurityGroupId],
  });

  const rollout = (app: string, verb: string) => `kubectl argo rollouts ${verb} ${app} -n ${APPS_NAMESPACE}`;
  return {
    apps: { gateway: gateway.service, coupon: coupon.service, payment },
    publicUrl: `https://${settings.hostname}`,
    loadBalancerHostname: ingressHostname(gateway.ingress),
    rolloutCommands: {
      watch: Object.fromEntries(APPS.map((app) => [app, rollout(app, "get rollout") + " --watch"])),
      promoteGateway: rollout("gateway", "promote"),
      abort: Object.fromEntries(APPS.map((app) => [app, rollout(app, "abort")])),
      rollBack: Object.fromEntries(APPS.map((app) => [app, rollout(app, "undo")])),
    },
  };
}
