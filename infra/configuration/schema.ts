import { z } from "zod";
import { overlaps, parseCidr } from "../network/cidr";
import { cpuArchitecture, instanceFamily, supportsPodSecurityGroups } from "../shared/instance-types";
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
  keyDeletionWindowDays: intRange(7, 30).describe("How long a deleted customer KMS key stays restorable (AWS allows 7–30 days)."),
});

const networkSchema = z.strictObject({
  vpcCidr: cidr({ privateOnly: true, minPrefix: MIN_VPC_PREFIX, maxPrefix: MAX_VPC_PREFIX }).describe(
    "The VPC's address range; the subnet plan carves four tiers per AZ out of it, so it cannot change on a live stack.",
  ),
  azCount: intRange(MIN_AZS, Math.min(MAX_AZS, AZ_SLOTS)).describe(
    "Availability zones used; raising it later adds subnets and moves none.",
  ),
  availabilityZones: z
    .array(availabilityZone(), accepted("a list of availability zone names"))
    .describe("Zone names to use, exactly azCount of them; [] takes the first azCount zones the region offers without opt-in."),
  natGateways: oneOf(["perAz", "single"]).describe("perAz keeps private egress alive through an AZ outage; single costs less."),
  flowLogRetentionDays: retentionDays().describe("Days the VPC flow logs are kept."),
  interfaceEndpoints: bool().describe(
    "Interface endpoints for SSM, ECR, STS and Logs keep that traffic inside the VPC instead of going through NAT.",
  ),
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
  kafkaVersion: oneOf(KAFKA_VERSIONS).describe(
    "MSK version; x lets MSK apply patch releases, .kraft asks for a KRaft cluster (Kafka 4 has only that mode). The metadata mode never changes on an existing cluster.",
  ),
  brokerCount: intRange(2, 30).describe(
    "Brokers in all, a multiple of network.azCount (MSK puts the same number in every AZ); replication factor min(3, brokers).",
  ),
  instanceType: serviceInstanceType("kafka", "kafka.m7g.large").describe("Broker instance type."),
  storageGiB: intRange(1, 16384).describe("Initial EBS storage per broker."),
  maxStorageGiB: intRange(1, 16384).describe(
    "Ceiling storage auto-scaling grows each broker's volume to (it never shrinks); at least storageGiB.",
  ),
  logRetentionDays: retentionDays().describe("Days the broker logs are kept in CloudWatch."),
  enhancedMonitoring: oneOf(["DEFAULT", "PER_BROKER", "PER_TOPIC_PER_BROKER", "PER_TOPIC_PER_PARTITION"]).describe(
    "MSK's CloudWatch metric level; PER_TOPIC_PER_BROKER or finer gives the consumer-lag metric payment scales on per topic.",
  ),
});

const cacheSchema = z.strictObject({
  engine: oneOf(["valkey", "redis"]).describe(
    "Valkey is the open-source, Redis-compatible engine ElastiCache prices lower; redis is Redis OSS 7.",
  ),
  nodeType: serviceInstanceType("cache", "cache.r7g.large").describe("Cache node type."),
  replicas: intRange(0, 5).describe("Read replicas besides the primary (ElastiCache allows up to 5)."),
  multiAz: bool().describe("Multi-AZ with automatic failover; needs at least one replica."),
  snapshotRetentionDays: intRange(0, 35).describe("Days of daily automatic snapshots kept; 0 turns them off."),
  logRetentionDays: retentionDays().describe("Days the slow log is kept in CloudWatch."),
});

const databaseSchema = z.strictObject({
  instanceClass: serviceInstanceType("db", "db.r7g.large").describe("The primary's (and replica's) instance class."),
  allocatedStorageGiB: intRange(20, 65536).describe("Initial gp3 storage."),
  maxAllocatedStorageGiB: intRange(20, 65536).describe(
    "Storage auto-scaling ceiling: at least 10 % above allocatedStorageGiB (RDS refuses less).",
  ),
  multiAz: bool().describe("A synchronous standby in another AZ that takes over when the primary fails."),
  readReplica: bool().describe("A read replica in another AZ: the catalog's reads go there (and to the writer while it is down)."),
  backupRetentionDays: intRange(1, 35).describe(
    "Days of automated backups (point-in-time recovery); they can be shortened, never switched off.",
  ),
  deletionProtection: bool().describe("RDS deletion protection on the primary and the replica; also keeps a final snapshot on delete."),
  performanceInsights: bool().describe("Performance Insights on the primary."),
  enhancedMonitoringIntervalSeconds: z
    .number(accepted(`one of ${RDS_MONITORING_INTERVALS.join(", ")} (seconds; 0 = off)`))
    .refine(
      (value) => (RDS_MONITORING_INTERVALS as readonly number[]).includes(value),
      accepted(`one of ${RDS_MONITORING_INTERVALS.join(", ")} (seconds; 0 = off)`),
    )
    .describe("Enhanced monitoring's sampling interval; 0 turns it off."),
  logRetentionDays: retentionDays().describe("Days the error and slow-query logs are kept in CloudWatch."),
});

const resourcesSchema = z.strictObject({
  cpu: cpuQuantity().describe("CPU request per pod (what the HPA's utilisation is measured against)."),
  memory: memoryQuantity().describe("Memory request per pod."),
  cpuLimit: cpuQuantity().describe("CPU limit per pod."),
  memoryLimit: memoryQuantity().describe("Memory limit per pod; the pod is killed above it."),
});

/** Canary weights (%) before 100 %; that they increase is a cross-field rule below. */
const canarySteps = (description: string) => {
  const what = accepted("increasing canary weights between 1 and 99, such as [10, 25, 50]");
  return z.array(intRange(1, 99), what).min(1, what).describe(description);
};

/** Bounds shared by every app's autoscaler. */
const scalingFields = {
  minReplicas: intRange(1, 100).describe("Fewest replicas the autoscaler keeps."),
  maxReplicas: intRange(1, 500).describe("Most replicas the autoscaler may run; at least minReplicas."),
  resources: resourcesSchema,
};
const cpuTargetPercent = () => intRange(10, 95).describe("The HPA's CPU utilisation target (% of the request).");

const keyName = () =>
  z
    .string(accepted("1–32 lowercase letters, digits or dashes, such as 2026-12"))
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, accepted("1–32 lowercase letters, digits or dashes, such as 2026-12"));

/** The gateway's internal signing keys (docs/SECURITY.md, "Rotating the internal signing key"). */
const internalIdentitySchema = z.strictObject({
  keys: z
    .array(keyName(), accepted("a list of 1 to 3 key names"))
    .min(1, accepted("a list of 1 to 3 key names"))
    .max(3, accepted("a list of 1 to 3 key names"))
    .describe(
      "Names of the ES256 key pairs Pulumi generates and keeps in Secrets Manager; coupon trusts all of them. Adding a name creates a key, removing one destroys it.",
    ),
  signingKey: keyName().describe("The key (one of keys) the gateway signs internal identity tokens with."),
});

const deliverySchema = z.strictObject({
  imageTag: imageTag().describe("The image tag every app deploys; set per stack, changed per release."),
  hostname: hostname().describe("The public DNS name of the gateway, served by the ALB with certificateArn."),
  certificateArn: certificateArn().describe(
    "The ACM certificate for hostname, in the stack's region; unset until you have one (pulumi up refuses unset).",
  ),
  highAvailability: bool().describe(
    "Two replicas of every cluster controller, pods spread hard across zones, and deletion protection on the public load balancer.",
  ),
  orderPartitions: intRange(1, 200).describe("Partitions of the orders topic: the ceiling for payment consumers."),
  internalIdentity: internalIdentitySchema,
  gateway: z.strictObject({
    ...scalingFields,
    cpuTargetPercent: cpuTargetPercent(),
    autoPromotion: bool().describe("false: a new version waits on its preview service, after its smoke tests, until someone promotes it."),
    scaleDownDelaySeconds: intRange(30, 3600).describe("How long the old version stays up after promotion, for an instant rollback."),
  }),
  coupon: z.strictObject({
    ...scalingFields,
    cpuTargetPercent: cpuTargetPercent(),
    canarySteps: canarySteps("Traffic weights (%) of the canary steps before 100 %, each followed by analysis of its HTTP answers."),
  }),
  payment: z.strictObject({
    ...scalingFields,
    lagPerReplica: intRange(1, 100000).describe("Orders waiting per replica before KEDA adds one."),
    canarySteps: canarySteps("Share of replicas (%) running the new version at each step, each followed by analysis of its settlements."),
  }),
});

const bastionSchema = z.strictObject({
  enabled: bool().describe(
    "An SSM-managed instance in a private subnet for port forwarding to MySQL and the private API endpoint; no SSH, no public address.",
  ),
  instanceType: instanceType().describe("The bastion's instance type (Graviton types get the arm64 AMI)."),
});

const nodeGroupSchema = z.strictObject({
  instanceTypes: z
    .array(instanceType(), accepted("a list of 1 to 10 EC2 instance types"))
    .min(1, accepted("a list of 1 to 10 EC2 instance types"))
    .max(10, accepted("a list of 1 to 10 EC2 instance types"))
    .describe(
      "Instance types of one CPU architecture (one AMI serves the group); apps types must support security groups for pods (no t family).",
    ),
  minSize: intRange(0, 100).describe("Fewest nodes the Cluster Autoscaler keeps (split between zones when perZone)."),
  desiredSize: intRange(0, 100).describe("Nodes at creation; the Cluster Autoscaler moves it afterwards and `pulumi up` leaves it alone."),
  maxSize: intRange(1, 100).describe("Most nodes the Cluster Autoscaler may add."),
  diskSizeGiB: intRange(20, 1000).describe("Encrypted gp3 root volume per node."),
  perZone: bool().describe(
    "One managed node group per AZ, sizes split evenly (rounded up): the Cluster Autoscaler then adds a node in the zone a pending pod needs, which a DoNotSchedule zone spread requires; required for apps while delivery.highAvailability is true.",
  ),
});

const clusterSchema = z.strictObject({
  kubernetesVersion: oneOf(KUBERNETES_VERSIONS).describe(
    "EKS Kubernetes minor; must lie in every pinned add-on's supported window (infra/cluster/addons/).",
  ),
  upgradeSupport: oneOf(["STANDARD", "EXTENDED"]).describe(
    "STANDARD upgrades the control plane when standard support ends; EXTENDED pays to stay.",
  ),
  endpointPublicAccess: bool().describe("Whether the Kubernetes API also answers on a public endpoint (only from publicAccessCidrs)."),
  publicAccessCidrs: z
    .array(cidr({ unsetAllowed: true }), accepted("a list of IPv4 CIDR blocks"))
    .describe(
      "Who may reach the public API endpoint: at least one CIDR while it is on, none while off; never /0 or a documentation range; unset until you know yours.",
    ),
  adminRoleArn: optionalRoleArn().describe(
    'An IAM role granted cluster admin through an EKS access entry; "" for none (the identity running pulumi up is admin anyway).',
  ),
  serviceCidr: cidr({ privateOnly: true, minPrefix: 12, maxPrefix: 24 }).describe(
    "Kubernetes service addresses: a private range outside the VPC.",
  ),
  privateApiAccessCidrs: z
    .array(cidr({ privateOnly: true }), accepted("a list of private IPv4 CIDR blocks"))
    .describe(
      "Networks inside or peered with the VPC that may call the private API endpoint on 443, such as CI runners; the bastion always may.",
    ),
  logRetentionDays: retentionDays().describe("Days the control-plane logs are kept in CloudWatch."),
  deletionProtection: bool().describe("EKS deletion protection: the cluster cannot be deleted until it is turned off."),
  nodeGroups: z.strictObject({
    /** Cluster add-ons (CoreDNS, controllers); tainted CriticalAddonsOnly. */
    system: nodeGroupSchema,
    /** The coupon, payment and gateway workloads. */
    apps: nodeGroupSchema,
  }),
});

export const platformConfigSchema = z
  .strictObject({
    profile: z
      .string(accepted("the name of a profile in stacks/ (its file name without .yaml)"))
      .describe("The profile in stacks/ this stack starts from; the stack file overrides any of its keys."),
    name: z
      .string(accepted("3–32 lowercase letters, digits or dashes, starting with a letter (used in AWS resource names)"))
      .regex(
        /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/,
        accepted("3–32 lowercase letters, digits or dashes, starting with a letter (used in AWS resource names)"),
      )
      .describe("Prefixes every AWS name and is the EKS cluster's name; defaults to coupon-<stack>."),
    tags: tags().describe("Tags added to every AWS resource the stack creates."),
    protectStatefulResources: bool().describe(
      "Pulumi protect on the database, Kafka, the cache, the EKS cluster and every KMS key: pulumi destroy or a replacing change stops until an operator runs pulumi state unprotect.",
    ),
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
        issue(
          ["network", "availabilityZones"],
          `lists ${zones.length} zones but network.azCount is ${network.azCount}; accepted: exactly azCount distinct zones, or [] to discover them`,
        );
      }
      if (new Set(zones).size !== zones.length) {
        issue(["network", "availabilityZones"], "repeats a zone; accepted: distinct availability zones");
      }
    }

    // Prod spreads pods across zones with DoNotSchedule: only per-zone groups let the autoscaler add a node where it is needed.
    if (
      valid(["delivery", "highAvailability"], ["cluster", "nodeGroups", "apps", "perZone"]) &&
      config.delivery.highAvailability &&
      !cluster.nodeGroups.apps.perZone
    ) {
      issue(
        ["cluster", "nodeGroups", "apps", "perZone"],
        "is false while delivery.highAvailability spreads pods across zones with DoNotSchedule, which a node group spanning zones cannot scale for (Cluster Autoscaler FAQ); accepted: true",
      );
    }
    // The add-ons the kit installs are pinned; a version they do not support fails after the control plane is up.
    const unsupported = valid(["cluster", "kubernetesVersion"]) ? chartsNotSupporting(cluster.kubernetesVersion) : [];
    if (unsupported.length > 0) {
      issue(
        ["cluster", "kubernetesVersion"],
        `is outside what the pinned add-ons support: ${unsupported.join(", ")}; accepted: a version all of them support, or bump the charts in their add-on modules (infra/cluster/addons/)`,
      );
    }
    if (valid(["cluster", "serviceCidr"], ["network", "vpcCidr"]) && overlaps(parseCidr(cluster.serviceCidr), parseCidr(network.vpcCidr))) {
      issue(
        ["cluster", "serviceCidr"],
        `overlaps network.vpcCidr ${network.vpcCidr}; accepted: a private range outside the VPC (Kubernetes service addresses must not collide with pod or node addresses)`,
      );
    }

    if (valid(["cluster", "endpointPublicAccess"], ["cluster", "publicAccessCidrs"])) {
      if (cluster.endpointPublicAccess && cluster.publicAccessCidrs.length === 0) {
        issue(
          ["cluster", "publicAccessCidrs"],
          "accepted: at least one CIDR (such as your egress IP as a /32) while cluster.endpointPublicAccess is true",
        );
      }
      if (!cluster.endpointPublicAccess && cluster.publicAccessCidrs.length > 0) {
        issue(
          ["cluster", "publicAccessCidrs"],
          "has no effect while cluster.endpointPublicAccess is false; accepted: [] (or turn the public endpoint on)",
        );
      }
      cluster.publicAccessCidrs.forEach((block, index) => {
        if (block.endsWith("/0")) {
          issue(
            ["cluster", "publicAccessCidrs", index],
            "opens the Kubernetes API to the whole internet; accepted: narrower CIDRs such as your egress IP as a /32",
          );
        }
      });
    }

    for (const [groupName, group] of Object.entries(cluster.nodeGroups)) {
      const path = ["cluster", "nodeGroups", groupName];
      if (!valid(path)) continue;
      if (!(group.minSize <= group.desiredSize && group.desiredSize <= group.maxSize)) {
        issue(
          [...path, "desiredSize"],
          `min ${group.minSize}, desired ${group.desiredSize}, max ${group.maxSize}; accepted: minSize <= desiredSize <= maxSize`,
        );
      }
      if (new Set(group.instanceTypes.map(cpuArchitecture)).size > 1) {
        issue(
          [...path, "instanceTypes"],
          "mixes arm64 (Graviton) and x86_64 types; accepted: types of one CPU architecture per node group (one AMI serves the group)",
        );
      }
    }
    // Gateway pods carry a security group of their own (the internal ALB admits only it): their nodes need a trunk interface.
    if (valid(["cluster", "nodeGroups", "apps"])) {
      cluster.nodeGroups.apps.instanceTypes.forEach((type, index) => {
        if (!supportsPodSecurityGroups(type)) {
          issue(
            ["cluster", "nodeGroups", "apps", "instanceTypes", index],
            `has no trunk network interface (${instanceFamily(type)} family), so gateway pods could not get the security group the internal ALB admits; accepted: a type with security groups for pods, such as m6i.large, m7i.large, c7i.xlarge or m7g.large (not the t families or previous generations)`,
          );
        }
      });
    }

    if (valid(["kafka", "brokerCount"], ["network", "azCount"]) && kafka.brokerCount % network.azCount !== 0) {
      const multiples = [1, 2, 3].map((n) => n * network.azCount).join(", ");
      issue(
        ["kafka", "brokerCount"],
        `is not a multiple of network.azCount (${network.azCount}); accepted: ${multiples}, … (MSK puts the same number of brokers in every AZ)`,
      );
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
    if (
      valid(["delivery", "payment", "maxReplicas"], ["delivery", "orderPartitions"]) &&
      delivery.payment.maxReplicas > delivery.orderPartitions
    ) {
      issue(
        ["delivery", "payment", "maxReplicas"],
        `exceeds delivery.orderPartitions (${delivery.orderPartitions}); accepted: at most one consumer per partition (more would sit idle)`,
      );
    }
    const identity = ["delivery", "internalIdentity"];
    if (valid([...identity, "keys"], [...identity, "signingKey"])) {
      const { keys, signingKey } = delivery.internalIdentity;
      if (new Set(keys).size !== keys.length) issue([...identity, "keys"], "repeats a key name; accepted: distinct key names");
      if (!keys.includes(signingKey)) {
        issue(
          [...identity, "signingKey"],
          `is not in delivery.internalIdentity.keys (${keys.join(", ")}); accepted: one of those (add a new key to keys first, so coupon trusts it before the gateway signs with it)`,
        );
      }
    }
    for (const app of ["coupon", "payment"] as const) {
      const steps = delivery[app].canarySteps;
      if (valid(["delivery", app, "canarySteps"]) && steps.some((weight, i) => i > 0 && weight <= (steps[i - 1] as number))) {
        issue(
          ["delivery", app, "canarySteps"],
          "must increase; accepted: increasing canary weights between 1 and 99, such as [10, 25, 50]",
        );
      }
    }
    // RDS storage autoscaling refuses a ceiling less than 10 % above the allocated storage.
    const minimumCeiling = Math.ceil((database.allocatedStorageGiB * 11) / 10);
    if (
      valid(["database", "allocatedStorageGiB"], ["database", "maxAllocatedStorageGiB"]) &&
      database.maxAllocatedStorageGiB < minimumCeiling
    ) {
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
