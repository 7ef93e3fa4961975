import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { indicesOf, whenKnown } from "../lib/props";
import type { Rule } from "../lib/rule";

/**
 * Where each resource type names its instance types: a single type or a list, as
 * "<family>.<size>" (EC2), or with a service prefix (db., cache., kafka., express.).
 */
const INSTANCE_TYPE_FIELDS: Readonly<
  Record<string, { readonly read: (props: Record<string, unknown>) => unknown; readonly field: string }>
> = {
  "aws:ec2/instance:Instance": { read: (p) => p.instanceType, field: "instanceType" },
  "aws:ec2/launchTemplate:LaunchTemplate": { read: (p) => p.instanceType, field: "instanceType" },
  "aws:eks/nodeGroup:NodeGroup": { read: (p) => p.instanceTypes, field: "instanceTypes" },
  "eks:index:ManagedNodeGroup": { read: (p) => p.instanceTypes, field: "instanceTypes" },
  "aws:rds/instance:Instance": { read: (p) => p.instanceClass, field: "instanceClass" },
  "aws:rds/clusterInstance:ClusterInstance": { read: (p) => p.instanceClass, field: "instanceClass" },
  "aws:elasticache/replicationGroup:ReplicationGroup": { read: (p) => p.nodeType, field: "nodeType" },
  "aws:elasticache/cluster:Cluster": { read: (p) => p.nodeType, field: "nodeType" },
  "aws:msk/cluster:Cluster": {
    read: (p) => (p.brokerNodeGroupInfo as { instanceType?: unknown } | undefined)?.instanceType,
    field: "brokerNodeGroupInfo.instanceType",
  },
};

/**
 * Current-generation families (Graviton, Intel and AMD), burstable ones for small
 * nodes: those the kit's profiles use and their siblings. Older generations cost more
 * per unit of work and lack Nitro features (EBS encryption by default, ENA Express).
 */
export const DEFAULT_FAMILIES: readonly string[] = [
  "t3",
  "t3a",
  "t4g",
  "m6g",
  "m6i",
  "m7a",
  "m7g",
  "m7i",
  "m8g",
  "c6g",
  "c6i",
  "c7a",
  "c7g",
  "c7i",
  "c8g",
  "r6g",
  "r6i",
  "r7a",
  "r7g",
  "r7i",
  "r8g",
];

/** The family of an instance type: "m7i" in m7i.large, db.m7i.large, cache.m7i.large, kafka.m7i.large. */
export function familyOf(instanceType: string): string | undefined {
  const parts = instanceType.split(".");
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}

/** Sizes with no family: Aurora Serverless v2 and the like choose their own capacity. */
const SERVERLESS = /(^|\.)serverless$/;

interface FamilySettings {
  readonly families?: readonly string[];
}

function typesIn(value: unknown): { readonly value: string; readonly at: string }[] {
  if (typeof value === "string") return [{ value, at: "" }];
  return indicesOf(value).flatMap((i) => {
    const item = whenKnown(() => (value as unknown[])[i]);
    return typeof item === "string" ? [{ value: item, at: `[${i}]` }] : [];
  });
}

const instanceFamilies: Rule = {
  kind: "resource",
  name: "compute-instance-family-allowed",
  service: "compute",
  description: `Every instance type the stack asks for — EC2 instances and launch templates, EKS node groups, RDS instances, ElastiCache nodes, MSK brokers — is of a family in the rule's \`families\` setting (by default current-generation families: ${DEFAULT_FAMILIES.join(", ")}). A platform team lists what it has budgeted and reserved; a fork that picks an older or unplanned family is told before it costs anything. Serverless capacity (db.serverless) is not judged.`,
  fix: "pick a type of an allowed family in the stack's profile (cluster.nodeGroups.*.instanceTypes, bastion.instanceType, database.instanceClass, cache.nodeType, kafka.instanceType), or add the family to this rule's `families` in the stack's policy config.",
  levels: { prod: "mandatory", dev: "advisory" },
  configSchema: {
    properties: {
      families: {
        type: "array",
        items: { type: "string" },
        default: DEFAULT_FAMILIES,
        description: "Instance families a stack may use (the part before the size: m7i, r7g, t4g…).",
      },
    },
  },
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    const where = INSTANCE_TYPE_FIELDS[args.type];
    if (!where) return;
    const allowed = args.getConfig<FamilySettings>().families ?? DEFAULT_FAMILIES;
    const requested = whenKnown(() => where.read(args.props));
    for (const { value, at } of typesIn(requested)) {
      if (SERVERLESS.test(value)) continue;
      const family = familyOf(value);
      if (family === undefined || !allowed.includes(family)) {
        report(
          `${where.field}${at} is ${value}, of family ${family ?? "(none)"}, which is not among the allowed families (${allowed.join(", ")}).`,
        );
      }
    }
  },
};

export const COMPUTE_RULES: readonly Rule[] = [instanceFamilies];
