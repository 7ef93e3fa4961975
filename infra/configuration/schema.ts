import { z } from "zod";
import { overlaps, parseCidr } from "../network/cidr";
import { cpuArchitecture } from "../shared/instance-types";
import { chartsNotSupporting } from "../cluster/addons/chart-support";
import { AZ_SLOTS, MAX_VPC_PREFIX, MIN_VPC_PREFIX } from "../network/subnet-plan";
import {
  accepted,
  availabilityZone,
  bool,
  cidr,
  instanceType,
  intRange,
  KUBERNETES_VERSIONS,
  oneOf,
  retentionDays,
  optionalRoleArn,
  serviceInstanceType,
  certificateArn,
  cpuQuantity,
  hostname,
  imageTag,
  memoryQuantity,
  tags,
} from "./rules";

/** AZ counts a stack may use. The subnet plan reserves AZ_SLOTS slots, so 2 → 3 moves nothing. */
export const MIN_AZS = 2;
export const MAX_AZS = 3;

const encryptionSchema = z.strictObject({
  /** How long a deleted customer KMS key stays restorable (AWS allows 7–30 days). */
  keyDeletionWindowDays: intRange(7, 30),
});

const networkSchema = z.strictObject({
  vpcCidr: cidr({ privateOnly: true, minPrefix: MIN_VPC_PREFIX, maxPrefix: MAX_VPC_PREFIX }),
  azCount: intRange(MIN_AZS, Math.min(MAX_AZS, AZ_SLOTS)),
  /** Empty: the first `azCount` AZs the region offers without opt-in. */
  availabilityZones: z.array(availabilityZone(), accepted("a list of availability zone names")),
  natGateways: oneOf(["perAz", "single"]),
  flowLogRetentionDays: retentionDays(),
  /** Interface endpoints for SSM, ECR, STS and Logs keep that traffic off the NAT gateways. */
  interfaceEndpoints: bool(),
});

/**
 * MSK versions the kit's client settings are maintained for; "x" lets MSK apply patch
 * releases. ".kraft" asks for a KRaft cluster (no ZooKeeper): Kafka 4 has only that
 * mode, so MSK names its 4.x versions 4.0.x.kraft and 4.1.x.kraft and refuses "4.0.x".
 * A cluster keeps its metadata mode for life: moving between a ZooKeeper and a ".kraft"
 * version means a new cluster (the plan diff flags it).
 */
export const KAFKA_VERSIONS = ["3.8.x", "3.9.x", "3.9.x.kraft", "4.0.x.kraft", "4.1.x.kraft"] as const;

/** Enhanced-monitoring interval values RDS accepts; 0 turns it off. */
export const RDS_MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

const kafkaSchema = z.strictObject({
  kafkaVersion: oneOf(KAFKA_VERSIONS),
  /** Brokers in all; MSK needs a multiple of the AZ count (the same number in every AZ). */
  brokerCount: intRange(2, 30),
  instanceType: serviceInstanceType("kafka", "kafka.m7g.large"),
  storageGiB: intRange(1, 16384),
  /** Storage auto-scaling grows each broker's volume up to this size (it never shrinks). */
  maxStorageGiB: intRange(1, 16384),
  logRetentionDays: retentionDays(),
  enhancedMonitoring: oneOf(["DEFAULT", "PER_BROKER", "PER_TOPIC_PER_BROKER", "PER_TOPIC_PER_PARTITION"]),
});

const cacheSchema = z.strictObject({
  /** Valkey is the open-source, Redis-compatible engine ElastiCache prices lower; redis is Redis OSS 7. */
  engine: oneOf(["valkey", "redis"]),
  nodeType: serviceInstanceType("cache", "cache.r7g.large"),
  /** Read replicas besides the primary (ElastiCache allows up to 5). */
  replicas: intRange(0, 5),
  /** Multi-AZ with automatic failover: needs at least one replica. */
  multiAz: bool(),
  snapshotRetentionDays: intRange(0, 35),
  logRetentionDays: retentionDays(),
});

const databaseSchema = z.strictObject({
  instanceClass: serviceInstanceType("db", "db.r7g.large"),
  allocatedStorageGiB: intRange(20, 65536),
  /** Storage auto-scaling ceiling. */
  maxAllocatedStorageGiB: intRange(20, 65536),
  multiAz: bool(),
  /** A read replica in another AZ, for reads that tolerate replica lag. */
  readReplica: bool(),
  /** Automated backups can be shortened, never switched off (0 is refused). */
  backupRetentionDays: intRange(1, 35),
  deletionProtection: bool(),
  performanceInsights: bool(),
  enhancedMonitoringIntervalSeconds: z
    .number(accepted(`one of ${RDS_MONITORING_INTERVALS.join(", ")} (seconds; 0 = off)`))
    .refine((value) => (RDS_MONITORING_INTERVALS as readonly number[]).includes(value), accepted(`one of ${RDS_MONITORING_INTERVALS.join(", ")} (seconds; 0 = off)`)),
  logRetentionDays: retentionDays(),
});

const resourcesSchema = z.strictObject({
  cpu: cpuQuantity(),
  memory: memoryQuantity(),
  cpuLimit: cpuQuantity(),
  memoryLimit: memoryQuantity(),
});

/** Canary weights (%) before 100 %; that they increase is a cross-field rule below. */
const canarySteps = () => {
  const what = accepted("increasing canary weights between 1 and 99, such as [10, 25, 50]");
  return z.array(intRange(1, 99), what).min(1, what);
};

/** Bounds shared by every app's autoscaler. */
const scalingFields = {
  minReplicas: intRange(1, 100),
  maxReplicas: intRange(1, 500),
  resources: resourcesSchema,
};

const deliverySchema = z.strictObject({
  /** The image tag every app deploys; set per stack, changed per release. */
  imageTag: imageTag(),
  /** The public name of the gateway, served by the ALB with certificateArn. */
  hostname: hostname(),
  certificateArn: certificateArn(),
  /**
   * Two replicas of every cluster controller, pods spread hard across zones, and
   * deletion protection on the public load balancer.
   */
  highAvailability: bool(),
  /** Partitions of the orders topic: the ceiling for payment consumers. */
  orderPartitions: intRange(1, 200),
  gateway: z.strictObject({
    ...scalingFields,
    cpuTargetPercent: intRange(10, 95),
    /** false: a new version waits on its preview service until someone promotes it. */
    autoPromotion: bool(),
    scaleDownDelaySeconds: intRange(30, 3600),
  }),
  coupon: z.strictObject({
    ...scalingFields,
    cpuTargetPercent: intRange(10, 95),
    /** Traffic weights (%) of the canary steps before 100 %, each followed by analysis. */
    canarySteps: canarySteps(),
  }),
  payment: z.strictObject({
    ...scalingFields,
    /** Orders waiting per replica before KEDA adds one. */
    lagPerReplica: intRange(1, 100000),
    /** Share of replicas (%) running the new version at each step. */
    canarySteps: canarySteps(),
  }),
});

const bastionSchema = z.strictObject({
  enabled: bool(),
  instanceType: instanceType(),
});

const nodeGroupSchema = z.strictObject({
  instanceTypes: z.array(instanceType(), accepted("a list of 1 to 10 EC2 instance types")).min(1, accepted("a list of 1 to 10 EC2 instance types")).max(10, accepted("a list of 1 to 10 EC2 instance types")),
  minSize: intRange(0, 100),
  desiredSize: intRange(0, 100),
  maxSize: intRange(1, 100),
  diskSizeGiB: intRange(20, 1000),
  /**
   * One managed node group per availability zone, the sizes split evenly between
   * them: the Cluster Autoscaler then adds a node in the zone a pending pod needs,
   * which a zone-spread with DoNotSchedule requires (a group spanning zones may add
   * it in the wrong one). balance-similar-node-groups keeps the zones even.
   */
  perZone: bool(),
});

const clusterSchema = z.strictObject({
  kubernetesVersion: oneOf(KUBERNETES_VERSIONS),
  /** STANDARD upgrades the control plane when standard support ends; EXTENDED pays to stay. */
  upgradeSupport: oneOf(["STANDARD", "EXTENDED"]),
  endpointPublicAccess: bool(),
  publicAccessCidrs: z.array(cidr({ unsetAllowed: true }), accepted("a list of IPv4 CIDR blocks")),
  /** An IAM role granted cluster admin through an EKS access entry; "" for none. */
  adminRoleArn: optionalRoleArn(),
  serviceCidr: cidr({ privateOnly: true, minPrefix: 12, maxPrefix: 24 }),
  /** Networks inside the VPC (or peered to it) that may call the private API endpoint, e.g. CI runners. The bastion always may. */
  privateApiAccessCidrs: z.array(cidr({ privateOnly: true }), accepted("a list of private IPv4 CIDR blocks")),
  logRetentionDays: retentionDays(),
  deletionProtection: bool(),
  nodeGroups: z.strictObject({
    /** Cluster add-ons (CoreDNS, controllers); tainted CriticalAddonsOnly. */
    system: nodeGroupSchema,
    /** The coupon, payment and gateway workloads. */
    apps: nodeGroupSchema,
  }),
});

export const platformConfigSchema = z
  .strictObject({
    profile: z.string(),
    name: z.string().regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, accepted("3–32 lowercase letters, digits or dashes, starting with a letter (used in AWS resource names)")),
    tags: tags(),
    /**
     * Pulumi `protect` on the stateful resources (database, Kafka, cache, EKS cluster,
     * KMS keys): `pulumi destroy` or a change that would replace one stops with an
     * error until an operator lifts it (`pulumi state unprotect`).
     */
    protectStatefulResources: bool(),
    encryption: encryptionSchema,
    network: networkSchema,
    bastion: bastionSchema,
    cluster: clusterSchema,
    kafka: kafkaSchema,
    cache: cacheSchema,
    database: databaseSchema,
    delivery: deliverySchema,
  })
  .superRefine((config, ctx) => {
    type Path = (string | number)[];
    const issue = (path: Path, message: string) => ctx.addIssue({ code: "custom", path, message });
    // A cross-field rule runs only when every value it reads passed its own rule,
    // so a malformed value is reported once, by its own message.
    const valid = (...paths: Path[]) => !ctx.issues.some((found) => paths.some((path) => path.every((key, i) => found.path?.[i] === key)));
    const { network, cluster, kafka, cache, database } = config;

    const zones = network.availabilityZones;
    if (valid(["network", "availabilityZones"], ["network", "azCount"])) {
      if (zones.length > 0 && zones.length !== network.azCount) {
        issue(["network", "availabilityZones"], `lists ${zones.length} zones but network.azCount is ${network.azCount}; accepted: exactly azCount distinct zones, or [] to discover them`);
      }
      if (new Set(zones).size !== zones.length) {
        issue(["network", "availabilityZones"], "repeats a zone; accepted: distinct availability zones");
      }
    }

    // Prod spreads pods across zones with DoNotSchedule: only per-zone groups let the autoscaler add a node where it is needed.
    if (valid(["delivery", "highAvailability"], ["cluster", "nodeGroups", "apps", "perZone"]) && config.delivery.highAvailability && !cluster.nodeGroups.apps.perZone) {
      issue(["cluster", "nodeGroups", "apps", "perZone"], "is false while delivery.highAvailability spreads pods across zones with DoNotSchedule, which a node group spanning zones cannot scale for (Cluster Autoscaler FAQ); accepted: true");
    }
    // The add-ons the kit installs are pinned; a version they do not support fails after the control plane is up.
    const unsupported = valid(["cluster", "kubernetesVersion"]) ? chartsNotSupporting(cluster.kubernetesVersion) : [];
    if (unsupported.length > 0) {
      issue(["cluster", "kubernetesVersion"], `is outside what the pinned add-ons support: ${unsupported.join(", ")}; accepted: a version all of them support, or bump the charts in their add-on modules (infra/cluster/addons/)`);
    }
    if (valid(["cluster", "serviceCidr"], ["network", "vpcCidr"]) && overlaps(parseCidr(cluster.serviceCidr), parseCidr(network.vpcCidr))) {
      issue(["cluster", "serviceCidr"], `overlaps network.vpcCidr ${network.vpcCidr}; accepted: a private range outside the VPC (Kubernetes service addresses must not collide with pod or node addresses)`);
    }

    if (valid(["cluster", "endpointPublicAccess"], ["cluster", "publicAccessCidrs"])) {
      if (cluster.endpointPublicAccess && cluster.publicAccessCidrs.length === 0) {
        issue(["cluster", "publicAccessCidrs"], "accepted: at least one CIDR (such as your egress IP as a /32) while cluster.endpointPublicAccess is true");
      }
      if (!cluster.endpointPublicAccess && cluster.publicAccessCidrs.length > 0) {
        issue(["cluster", "publicAccessCidrs"], "has no effect while cluster.endpointPublicAccess is false; accepted: [] (or turn the public endpoint on)");
      }
      cluster.publicAccessCidrs.forEach((block, index) => {
        if (block.endsWith("/0")) {
          issue(["cluster", "publicAccessCidrs", index], "opens the Kubernetes API to the whole internet; accepted: narrower CIDRs such as your egress IP as a /32");
        }
      });
    }

    for (const [groupName, group] of Object.entries(cluster.nodeGroups)) {
      const path = ["cluster", "nodeGroups", groupName];
      if (!valid(path)) continue;
      if (!(group.minSize <= group.desiredSize && group.desiredSize <= group.maxSize)) {
        issue([...path, "desiredSize"], `min ${group.minSize}, desired ${group.desiredSize}, max ${group.maxSize}; accepted: minSize <= desiredSize <= maxSize`);
      }
      if (new Set(group.instanceTypes.map(cpuArchitecture)).size > 1) {
        issue([...path, "instanceTypes"], "mixes arm64 (Graviton) and x86_64 types; accepted: types of one CPU architecture per node group (one AMI serves the group)");
      }
    }

    if (valid(["kafka", "brokerCount"], ["network", "azCount"]) && kafka.brokerCount % network.azCount !== 0) {
      const multiples = [1, 2, 3].map((n) => n * network.azCount).join(", ");
      issue(["kafka", "brokerCount"], `is not a multiple of network.azCount (${network.azCount}); accepted: ${multiples}, … (MSK puts the same number of brokers in every AZ)`);
    }
    if (valid(["kafka", "storageGiB"], ["kafka", "maxStorageGiB"]) && kafka.maxStorageGiB < kafka.storageGiB) {
      issue(["kafka", "maxStorageGiB"], `is below kafka.storageGiB (${kafka.storageGiB}); accepted: at least the initial storage`);
    }
    if (valid(["cache", "multiAz"], ["cache", "replicas"]) && cache.multiAz && cache.replicas < 1) {
      issue(["cache", "multiAz"], "needs a replica to fail over to; accepted: false, or cache.replicas of 1 or more");
    }
    const { delivery } = config;
    for (const app of ["gateway", "coupon", "payment"] as const) {
      const path = ["delivery", app];
      if (valid([...path, "minReplicas"], [...path, "maxReplicas"]) && delivery[app].minReplicas > delivery[app].maxReplicas) {
        issue([...path, "maxReplicas"], `is below ${app}.minReplicas (${delivery[app].minReplicas}); accepted: at least minReplicas`);
      }
    }
    if (valid(["delivery", "payment", "maxReplicas"], ["delivery", "orderPartitions"]) && delivery.payment.maxReplicas > delivery.orderPartitions) {
      issue(["delivery", "payment", "maxReplicas"], `exceeds delivery.orderPartitions (${delivery.orderPartitions}); accepted: at most one consumer per partition (more would sit idle)`);
    }
    for (const app of ["coupon", "payment"] as const) {
      const steps = delivery[app].canarySteps;
      if (valid(["delivery", app, "canarySteps"]) && steps.some((weight, i) => i > 0 && weight <= (steps[i - 1] as number))) {
        issue(["delivery", app, "canarySteps"], "must increase; accepted: increasing canary weights between 1 and 99, such as [10, 25, 50]");
      }
    }
    // RDS storage autoscaling refuses a ceiling less than 10 % above the allocated storage.
    const minimumCeiling = Math.ceil((database.allocatedStorageGiB * 11) / 10);
    if (valid(["database", "allocatedStorageGiB"], ["database", "maxAllocatedStorageGiB"]) && database.maxAllocatedStorageGiB < minimumCeiling) {
      issue(
        ["database", "maxAllocatedStorageGiB"],
        `is less than 10 % above database.allocatedStorageGiB (${database.allocatedStorageGiB}), which RDS storage autoscaling refuses; accepted: at least ${minimumCeiling}`,
      );
    }
  });

export type PlatformConfig = z.infer<typeof platformConfigSchema>;
export type NetworkConfig = PlatformConfig["network"];
export type BastionConfig = PlatformConfig["bastion"];
export type ClusterConfig = PlatformConfig["cluster"];
export type KafkaConfig = PlatformConfig["kafka"];
export type CacheConfig = PlatformConfig["cache"];
export type DatabaseConfig = PlatformConfig["database"];
export type DeliveryConfig = PlatformConfig["delivery"];
export type NodeGroupConfig = ClusterConfig["nodeGroups"]["system"];
