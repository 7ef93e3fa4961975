import { formatCidr, parseCidr, subdivide } from "./cidr";

/**
 * Address slots reserved per tier. The plan always carves this many slots, and a
 * stack uses the first `azCount` of them, so growing from 2 to 3 AZs (or 3 to 4)
 * adds subnets without moving any existing one: a CIDR change forces AWS to
 * replace a subnet and everything in it.
 */
export const AZ_SLOTS = 4;

/** VPC sizes the plan supports: /16 (65,536 addresses) down to /20 (4,096). */
export const MIN_VPC_PREFIX = 16;
export const MAX_VPC_PREFIX = 20;

export type Tier = "public" | "private" | "data" | "internalLb";
export const TIERS: readonly Tier[] = ["public", "private", "data", "internalLb"];

export interface AzSubnets {
  readonly azIndex: number;
  readonly public: string;
  readonly private: string;
  readonly data: string;
  /** Internal load balancers only, so NetworkPolicies can tell their traffic from pods'. */
  readonly internalLb: string;
}

/**
 * Splits the VPC into four tiers per AZ:
 * - private (workloads): the first half of the VPC, one /(p+3) per slot — EKS pods
 *   take VPC addresses through the VPC CNI, so this tier gets almost all the space
 *   (a /19 = 8,192 addresses per AZ in a /16);
 * - public (load balancers, NAT), data (RDS, ElastiCache, MSK) and internalLb
 *   (internal ALBs): /(p+6) blocks from the third quarter (a /22 = 1,024 addresses
 *   per AZ in a /16);
 * - the rest (a quarter of the third quarter and the fourth quarter) stays free for
 *   tiers added later.
 */
export function planSubnets(vpcCidr: string, azCount: number): AzSubnets[] {
  const vpc = parseCidr(vpcCidr);
  if (vpc.prefix < MIN_VPC_PREFIX || vpc.prefix > MAX_VPC_PREFIX) {
    throw new Error(`VPC ${vpcCidr} must be between /${MIN_VPC_PREFIX} and /${MAX_VPC_PREFIX}`);
  }
  if (!Number.isInteger(azCount) || azCount < 1 || azCount > AZ_SLOTS) {
    throw new Error(`azCount ${azCount} must be an integer from 1 to ${AZ_SLOTS}`);
  }
  const privateHalf = subdivide(vpc, vpc.prefix + 1, 0);
  const edgeQuarter = subdivide(vpc, vpc.prefix + 2, 2);
  const smallPrefix = vpc.prefix + 6;

  return Array.from({ length: azCount }, (_, azIndex) => ({
    azIndex,
    private: formatCidr(subdivide(privateHalf, vpc.prefix + 3, azIndex)),
    public: formatCidr(subdivide(edgeQuarter, smallPrefix, azIndex)),
    data: formatCidr(subdivide(edgeQuarter, smallPrefix, AZ_SLOTS + azIndex)),
    internalLb: formatCidr(subdivide(edgeQuarter, smallPrefix, 2 * AZ_SLOTS + azIndex)),
  }));
}
