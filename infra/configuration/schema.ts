import { z } from "zod";
import { overlaps, parseCidr } from "../network/cidr";
import { cpuArchitecture } from "../compute/instance-types";
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
});

const clusterSchema = z.strictObject({
  kubernetesVersion: oneOf(KUBERNETES_VERSIONS),
  /** STANDARD upgrades the control plane when standard support ends; EXTENDED pays to stay. */
  upgradeSupport: oneOf(["STANDARD", "EXTENDED"]),
  endpointPublicAccess: bool(),
  publicAccessCidrs: z.array(cidr(), accepted("a list of IPv4 CIDR blocks")),
  /** An IAM role granted cluster admin through an EKS access entry; "" for none. */
  adminRoleArn: optionalRoleArn(),
  serviceCidr: cidr({ privateOnly: true, minPrefix: 12, maxPrefix: 24 }),
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
    encryption: encryptionSchema,
    network: networkSchema,
    bastion: bastionSchema,
    cluster: clusterSchema,
  })
  .superRefine((config, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const { network, cluster } = config;

    const zones = network.availabilityZones;
    if (zones.length > 0 && zones.length !== network.azCount) {
      issue(["network", "availabilityZones"], `lists ${zones.length} zones but network.azCount is ${network.azCount}; accepted: exactly azCount distinct zones, or [] to discover them`);
    }
    if (new Set(zones).size !== zones.length) {
      issue(["network", "availabilityZones"], "repeats a zone; accepted: distinct availability zones");
    }

    if (safeOverlap(cluster.serviceCidr, network.vpcCidr)) {
      issue(["cluster", "serviceCidr"], `overlaps network.vpcCidr ${network.vpcCidr}; accepted: a private range outside the VPC (Kubernetes service addresses must not collide with pod or node addresses)`);
    }

    if (cluster.endpointPublicAccess) {
      if (cluster.publicAccessCidrs.length === 0) {
        issue(["cluster", "publicAccessCidrs"], "accepted: at least one CIDR (such as your egress IP as a /32) while cluster.endpointPublicAccess is true");
      }
      cluster.publicAccessCidrs.forEach((block, index) => {
        if (block.endsWith("/0")) {
          issue(["cluster", "publicAccessCidrs", index], "opens the Kubernetes API to the whole internet; accepted: narrower CIDRs such as your egress IP as a /32");
        }
      });
    } else if (cluster.publicAccessCidrs.length > 0) {
      issue(["cluster", "publicAccessCidrs"], "has no effect while cluster.endpointPublicAccess is false; accepted: [] (or turn the public endpoint on)");
    }

    for (const [groupName, group] of Object.entries(cluster.nodeGroups)) {
      const path = ["cluster", "nodeGroups", groupName];
      if (!(group.minSize <= group.desiredSize && group.desiredSize <= group.maxSize)) {
        issue([...path, "desiredSize"], `min ${group.minSize}, desired ${group.desiredSize}, max ${group.maxSize}; accepted: minSize <= desiredSize <= maxSize`);
      }
      const architectures = new Set(group.instanceTypes.map(cpuArchitecture));
      if (architectures.size > 1) {
        issue([...path, "instanceTypes"], "mixes arm64 (Graviton) and x86_64 types; accepted: types of one CPU architecture per node group (one AMI serves the group)");
      }
    }
  });

export type PlatformConfig = z.infer<typeof platformConfigSchema>;
export type NetworkConfig = PlatformConfig["network"];
export type BastionConfig = PlatformConfig["bastion"];
export type ClusterConfig = PlatformConfig["cluster"];
export type NodeGroupConfig = ClusterConfig["nodeGroups"]["system"];

function safeOverlap(a: string, b: string): boolean {
  try {
    return overlaps(parseCidr(a), parseCidr(b));
  } catch {
    return false; // a malformed block is reported by its own rule
  }
}
