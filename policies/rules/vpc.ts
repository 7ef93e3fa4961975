import type { PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { indicesOf, isOpenToTheWorld, onTypes, tagsOf, TIER_TAG, whenKnown } from "../lib/props";
import type { Rule } from "../lib/rule";

const VPC = "aws:ec2/vpc:Vpc";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SUBNET = "aws:ec2/subnet:Subnet";
const VOLUME = "aws:ebs/volume:Volume";
const INSTANCE = "aws:ec2/instance:Instance";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

type VpcOutputs = Unwrap<aws.ec2.VpcArgs> & { readonly id?: string };
type FlowLogOutputs = Unwrap<aws.ec2.FlowLogArgs>;
type SecurityGroupProps = Unwrap<aws.ec2.SecurityGroupArgs>;
type DefaultSecurityGroupProps = Unwrap<aws.ec2.DefaultSecurityGroupArgs>;
type SecurityGroupRuleProps = Unwrap<aws.ec2.SecurityGroupRuleArgs>;
type IngressRuleProps = Unwrap<aws.vpc.SecurityGroupIngressRuleArgs>;
type SubnetProps = Unwrap<aws.ec2.SubnetArgs> & { readonly id?: string };
type VolumeProps = Unwrap<aws.ebs.VolumeArgs>;
type InstanceProps = Unwrap<aws.ec2.InstanceArgs>;
type LaunchTemplateProps = Unwrap<aws.ec2.LaunchTemplateArgs>;

/** The tags infra/network/network.ts marks the public tier with. */
const PUBLIC_TIER = "public";
const ELB_ROLE_TAG = "kubernetes.io/role/elb";

/**
 * A subnet is in the public tier when its `tier` tag says so. A subnet without a tier
 * tag counts as public when it carries the tag the AWS Load Balancer Controller places
 * internet-facing load balancers by: that tag already declares it public. A tier tag
 * naming another tier wins over it, so a mis-tagged private subnet is not let through.
 */
function isPublicTier(tags: Record<string, string>): boolean {
  const tier = tags[TIER_TAG];
  if (tier !== undefined) return tier === PUBLIC_TIER;
  return tags[ELB_ROLE_TAG] === "1";
}

function describeTier(tags: Record<string, string>): string {
  const tier = tags[TIER_TAG];
  return tier === undefined ? "no tier tag" : `tier "${tier}"`;
}

// ---------------------------------------------------------------------------------------
// Flow logs

const flowLogsEnabled: Rule = {
  kind: "stack",
  name: "vpc-flow-logs-enabled",
  service: "vpc",
  description:
    "Every VPC the stack creates has a VPC flow log (an aws.ec2.FlowLog whose vpcId is the VPC's id), so accepted and rejected traffic can be traced after an incident. A VPC whose id, or a flow log whose vpcId, is not known yet during preview is judged once known, when `pulumi up` runs the pack again.",
  fix: 'declare an aws.ec2.FlowLog with `vpcId: vpc.id` and `trafficType: "ALL"` for the VPC, as infra/network/network.ts does for the kit\'s VPC (createFlowLogs, retention from `network.flowLogRetentionDays`).',
  levels: { prod: "mandatory", dev: "mandatory" },
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    const logged = new Set<string>();
    let someFlowLogUnknown = false;
    for (const resource of args.resources.filter((r) => r.type === FLOW_LOG)) {
      const vpcId = whenKnown(() => (resource.props as FlowLogOutputs).vpcId ?? null);
      if (vpcId === undefined) someFlowLogUnknown = true;
      else if (vpcId !== null) logged.add(vpcId);
    }
    for (const vpc of args.resources.filter((r) => r.type === VPC)) {
      const id = whenKnown(() => (vpc.props as VpcOutputs).id);
      // Without the VPC's id, or with a flow log that may turn out to be its own, nothing can be said yet.
      if (id === undefined || logged.has(id) || someFlowLogUnknown) continue;
      report(`VPC ${vpc.name} (${id}) has no flow log: no aws.ec2.FlowLog in the stack has vpcId ${id}.`, vpc.urn);
    }
  },
};

// ---------------------------------------------------------------------------------------
// Security-group ingress, in whichever of the four shapes the provider accepts it

type Ports = { readonly from: number; readonly to: number } | "all" | "none";

interface Ingress {
  /** The protocol, normalised: tcp, udp, icmp, icmpv6, all, or the IP protocol number. */
  readonly protocol: string;
  readonly ports: Ports;
}

interface IngressEntry {
  /** Where the entry is, as a violation names it. */
  readonly at: string;
  readonly read: () => Ingress;
  readonly worldSources: () => string[];
}

const PROTOCOL_NAMES: Record<string, string> = { "-1": "all", all: "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

function ingressOf(protocol: unknown, fromPort: unknown, toPort: unknown): Ingress {
  const raw = String(protocol).toLowerCase();
  const name = PROTOCOL_NAMES[raw] ?? raw;
  if (name === "all") return { protocol: name, ports: "all" };
  // For ICMP the "ports" are a type and code; other IP protocols have none.
  if (name !== "tcp" && name !== "udp") return { protocol: name, ports: "none" };
  const from = typeof fromPort === "number" ? fromPort : 0;
  const to = typeof toPort === "number" ? toPort : 65535;
  return { protocol: name, ports: { from, to } };
}

function describeIngress(ingress: Ingress): string {
  if (ingress.ports === "all") return "all protocols and ports";
  if (ingress.ports === "none") return ingress.protocol;
  const { from, to } = ingress.ports;
  return from === to ? `${ingress.protocol} port ${from}` : `${ingress.protocol} ports ${from}-${to}`;
}

function admitsPort(ingress: Ingress, port: number, protocols: readonly string[]): boolean {
  if (ingress.ports === "all") return true;
  if (ingress.ports === "none" || !protocols.includes(ingress.protocol)) return false;
  return ingress.ports.from <= port && port <= ingress.ports.to;
}

/** The world-open CIDRs among the lists; an element unknown during preview is not one of them yet. */
function openOnes(...lists: ReadonlyArray<readonly unknown[] | undefined>): string[] {
  return lists.flatMap((list) =>
    indicesOf(list).flatMap((i) => {
      const cidr = whenKnown(() => list![i]);
      return isOpenToTheWorld(cidr) ? [cidr as string] : [];
    }),
  );
}

type InlineIngress = NonNullable<SecurityGroupProps["ingress"]>[number];

function inlineEntries(ingress: readonly InlineIngress[] | undefined): IngressEntry[] {
  return indicesOf(ingress).map((i) => ({
    at: `ingress[${i}]`,
    read: () => {
      const entry = ingress![i]!;
      return ingressOf(entry.protocol, entry.fromPort, entry.toPort);
    },
    worldSources: () => openOnes(ingress![i]!.cidrBlocks, ingress![i]!.ipv6CidrBlocks),
  }));
}

/** A resource's ingress entries, with what the violations call the resource; undefined when it has none to judge. */
function ingressEntriesOf(args: ResourceValidationArgs): { readonly what: string; readonly entries: IngressEntry[] } | undefined {
  switch (args.type) {
    case SECURITY_GROUP:
    case DEFAULT_SECURITY_GROUP: {
      const group = args.props as SecurityGroupProps | DefaultSecurityGroupProps;
      const ingress = whenKnown(() => group.ingress);
      return ingress === undefined ? undefined : { what: "This security group's", entries: inlineEntries(ingress) };
    }
    case SECURITY_GROUP_RULE: {
      const rule = args.props as SecurityGroupRuleProps;
      if (whenKnown(() => rule.type) !== "ingress") return undefined;
      return {
        what: "This",
        entries: [
          {
            at: "ingress rule",
            read: () => ingressOf(rule.protocol, rule.fromPort, rule.toPort),
            worldSources: () => openOnes(rule.cidrBlocks, rule.ipv6CidrBlocks),
          },
        ],
      };
    }
    case INGRESS_RULE: {
      const rule = args.props as IngressRuleProps;
      return {
        what: "This",
        entries: [
          {
            at: "ingress rule",
            read: () => ingressOf(rule.ipProtocol, rule.fromPort, rule.toPort),
            worldSources: () => openOnes([rule.cidrIpv4, rule.cidrIpv6]),
          },
        ],
      };
    }
    default:
      return undefined;
  }
}

/** The tag key that marks a security group (or an aws.vpc.SecurityGroupIngressRule) as the front of an internet-facing load balancer. */
export const DEFAULT_LOAD_BALANCER_TAG_KEY = "load-balancer";
const WEB_PORTS = [80, 443];

interface WorldIngressSettings {
  readonly loadBalancerTagKey?: string;
}

const noWorldIngress: Rule = {
  kind: "resource",
  name: "vpc-sg-no-world-ingress",
  service: "vpc",
  description:
    'No security group admits traffic from the whole internet (0.0.0.0/0 or ::/0), in inline `ingress` entries of aws.ec2.SecurityGroup and DefaultSecurityGroup, in aws.ec2.SecurityGroupRule of type ingress, or in aws.vpc.SecurityGroupIngressRule. The one exception is tcp 80 and 443, each as a single port, on the security group of an internet-facing load balancer: a group tagged `load-balancer: "true"` (the tag key is the rule\'s `loadBalancerTagKey` setting). For an aws.vpc.SecurityGroupIngressRule the tag goes on the rule itself; aws.ec2.SecurityGroupRule carries no tags, so it never gets the exception.',
  fix: "admit a source security group, the VPC CIDR or a tier's subnet CIDRs (Network.privateSubnetCidrs and friends in infra/network/network.ts) instead of the internet; data stores go through infra/security/tier-security-group.ts, which admits security groups only. A group in front of an internet-facing load balancer may keep tcp 80/443 from anywhere once tagged `load-balancer: \"true\"` (inline ingress or aws.vpc.SecurityGroupIngressRule, not aws.ec2.SecurityGroupRule). The kit's public ALBs get their groups from the AWS Load Balancer Controller, outside Pulumi.",
  levels: { prod: "mandatory", dev: "mandatory" },
  configSchema: {
    properties: {
      loadBalancerTagKey: {
        type: "string",
        minLength: 1,
        default: DEFAULT_LOAD_BALANCER_TAG_KEY,
        description:
          'The tag key that, set to "true", marks a load balancer\'s security group (or ingress rule) allowed to admit the internet on tcp 80 and 443.',
      },
    },
  },
  validateResource: (args, report) => {
    const found = ingressEntriesOf(args);
    if (!found) return;
    const tagKey = args.getConfig<WorldIngressSettings>().loadBalancerTagKey ?? DEFAULT_LOAD_BALANCER_TAG_KEY;
    // aws.ec2.SecurityGroupRule has no tags: tagsOf finds none.
    const isLoadBalancer = whenKnown(() => tagsOf(args.props)[tagKey] === "true");
    for (const entry of found.entries) {
      const judged = whenKnown(() => ({ ingress: entry.read(), open: entry.worldSources() }));
      if (!judged || judged.open.length === 0) continue;
      const { ingress, open } = judged;
      const isWebPort =
        ingress.protocol === "tcp" &&
        ingress.ports !== "all" &&
        ingress.ports !== "none" &&
        ingress.ports.from === ingress.ports.to &&
        WEB_PORTS.includes(ingress.ports.from);
      if (isWebPort && isLoadBalancer !== false) continue;
      const why = isWebPort
        ? ` Only a load balancer's security group, tagged \`${tagKey}: "true"\`, may admit the internet, on tcp 80 and 443.`
        : isLoadBalancer
          ? " Even a load balancer's security group may admit the internet only on tcp port 80 and tcp port 443, each on its own."
          : "";
      report(`${found.what} ${entry.at} admits ${open.join(" and ")} on ${describeIngress(ingress)}.${why}`);
    }
  },
};

const REMOTE_ACCESS_PORTS = [
  { port: 22, name: "SSH (tcp 22)", protocols: ["tcp"] },
  { port: 3389, name: "RDP (tcp/udp 3389)", protocols: ["tcp", "udp"] },
] as const;

const noSshRdpIngress: Rule = {
  kind: "resource",
  name: "vpc-sg-no-ssh-rdp-ingress",
  service: "vpc",
  description:
    'No security group admits SSH (tcp 22) or RDP (tcp/udp 3389) from any source, not even from inside the VPC or another security group: hosts are reached through SSM Session Manager. A port range that includes 22 or 3389 counts, and so does protocol "-1"/"all". Checked on inline `ingress` of aws.ec2.SecurityGroup and DefaultSecurityGroup, aws.ec2.SecurityGroupRule of type ingress and aws.vpc.SecurityGroupIngressRule.',
  fix: "remove the ingress entry (or narrow its port range so it leaves out 22 and 3389) and reach the host through the SSM bastion (infra/network/bastion.ts; `aws ssm start-session`, see docs/OPERATIONS.md), which needs no inbound port at all.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: (args, report) => {
    const found = ingressEntriesOf(args);
    if (!found) return;
    for (const entry of found.entries) {
      const ingress = whenKnown(entry.read);
      if (!ingress) continue;
      const opened = REMOTE_ACCESS_PORTS.filter((remote) => admitsPort(ingress, remote.port, remote.protocols));
      if (opened.length === 0) continue;
      report(
        `${found.what} ${entry.at} opens ${opened.map((remote) => remote.name).join(" and ")}: it admits ${describeIngress(ingress)}.`,
      );
    }
  },
};

// ---------------------------------------------------------------------------------------
// Public addresses

const subnetPublicIpOnlyInPublicTier: Rule = {
  kind: "resource",
  name: "vpc-subnet-public-ip-only-in-public-tier",
  service: "vpc",
  description:
    'Only subnets of the public tier hand every instance launched in them a public IP (aws.ec2.Subnet mapPublicIpOnLaunch: true). A subnet is in the public tier when tagged `tier: "public"`, as infra/network/network.ts tags it; a subnet with no tier tag counts as public when tagged `kubernetes.io/role/elb: "1"`.',
  fix: 'set `mapPublicIpOnLaunch: false` on the subnet (infra/network/network.ts does for every tier, the public one included: nothing the kit runs there needs an address at launch); a subnet that really is public is tagged `tier: "public"`.',
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onTypes<SubnetProps>(SUBNET, (subnet, _args, report) => {
    if (subnet.mapPublicIpOnLaunch !== true) return;
    const tags = tagsOf(subnet);
    if (isPublicTier(tags)) return;
    report(
      `This subnet (${describeTier(tags)}) gives every instance launched in it a public IP (mapPublicIpOnLaunch: true) but is not in the public tier.`,
    );
  }),
};

type InstanceOutputs = InstanceProps & { readonly id?: string };
type LaunchTemplateNetworkInterface = NonNullable<LaunchTemplateProps["networkInterfaces"]>[number];

const noPublicIpOutsidePublicTier: Rule = {
  kind: "stack",
  name: "ec2-no-public-ip-outside-public-tier",
  service: "vpc",
  description:
    'No EC2 instance has a public IP unless it sits in a public-tier subnet of this stack (tagged `tier: "public"`): aws.ec2.Instance with associatePublicIpAddress true, and launch templates whose networkInterfaces set associatePublicIpAddress "true". The subnet is found by id among the stack\'s aws.ec2.Subnet resources, so this is a stack rule; an instance in a subnet the stack does not declare, or a launch-template interface that names no subnet, cannot be shown to be public and is reported. Values not known during preview are judged once known, when `pulumi up` runs the pack again.',
  fix: 'set `associatePublicIpAddress: false` (infra/network/bastion.ts does: the bastion is reached through SSM, not a public address) and put the instance in a private subnet; for a launch template, set networkInterfaces[].associatePublicIpAddress to "false" or leave it out (the kit\'s node launch templates in infra/cluster/cluster.ts declare no network interfaces).',
  levels: { prod: "mandatory", dev: "mandatory" },
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    // A subnet whose tags are not known yet is "unknown": an instance in it is judged once known, when `pulumi up` runs the pack again.
    const subnets = new Map<string, Record<string, string> | "unknown">();
    for (const resource of args.resources.filter((r) => r.type === SUBNET)) {
      const subnet = resource.props as SubnetProps;
      const id = whenKnown(() => subnet.id);
      if (id !== undefined) subnets.set(id, whenKnown(() => ({ ...tagsOf(subnet) })) ?? "unknown");
    }
    /** Why a public address in this subnet is not allowed; undefined when it is, or when that cannot be told yet. */
    const outsidePublicTier = (subnetId: string | undefined): string | undefined => {
      if (subnetId === undefined) return "names no subnet, so it cannot be shown to be in the public tier";
      const tags = subnets.get(subnetId);
      if (tags === "unknown") return undefined;
      if (!tags) return `is in subnet ${subnetId}, which this stack does not declare, so it cannot be shown to be in the public tier`;
      return isPublicTier(tags) ? undefined : `is in subnet ${subnetId} (${describeTier(tags)}), outside the public tier`;
    };
    for (const resource of args.resources) {
      if (resource.type === INSTANCE) checkInstance(resource, outsidePublicTier, report);
      else if (resource.type === LAUNCH_TEMPLATE) checkLaunchTemplateInterfaces(resource, outsidePublicTier, report);
    }
  },
};

function checkInstance(
  resource: PolicyResource,
  outsidePublicTier: (subnetId: string | undefined) => string | undefined,
  report: ReportViolation,
): void {
  const instance = resource.props as InstanceOutputs;
  const problem = whenKnown(() => (instance.associatePublicIpAddress === true ? outsidePublicTier(instance.subnetId) : undefined));
  if (problem) report(`Instance ${resource.name} gets a public IP (associatePublicIpAddress: true) and ${problem}.`, resource.urn);
}

function checkLaunchTemplateInterfaces(
  resource: PolicyResource,
  outsidePublicTier: (subnetId: string | undefined) => string | undefined,
  report: ReportViolation,
): void {
  const interfaces = whenKnown(() => (resource.props as LaunchTemplateProps).networkInterfaces) ?? [];
  indicesOf(interfaces).forEach((i) => {
    const problem = whenKnown(() => {
      const networkInterface: LaunchTemplateNetworkInterface = interfaces[i]!;
      return String(networkInterface.associatePublicIpAddress) === "true" ? outsidePublicTier(networkInterface.subnetId) : undefined;
    });
    if (problem)
      report(
        `Launch template ${resource.name}'s networkInterfaces[${i}] gives instances a public IP (associatePublicIpAddress: "true") and ${problem}.`,
        resource.urn,
      );
  });
}

// ---------------------------------------------------------------------------------------
// Instances and their volumes

const AMI_ROOT =
  "the root volume takes the AMI's snapshot encryption (unencrypted for the public Amazon Linux and EKS AMIs, unless the account encrypts EBS by default, which the pack cannot see)";

function encryptedSetting(value: unknown): string {
  return value === undefined ? "is not set" : `is ${JSON.stringify(value)}`;
}

function checkInstanceVolumes(instance: InstanceProps, report: ReportViolation): void {
  const root = whenKnown(() => {
    const device = instance.rootBlockDevice;
    // Without its own root device settings, an instance started from a launch template takes the template's, judged on the template.
    if (device === undefined) return instance.launchTemplate === undefined ? "missing" : "from-template";
    return device.encrypted === true ? "encrypted" : { encrypted: device.encrypted };
  });
  if (root === "missing") report(`This instance sets no rootBlockDevice, so ${AMI_ROOT}.`);
  else if (typeof root === "object")
    report(`This instance's root volume is not encrypted: rootBlockDevice.encrypted ${encryptedSetting(root.encrypted)}.`);

  const devices = whenKnown(() => instance.ebsBlockDevices) ?? [];
  indicesOf(devices).forEach((i) => {
    const device = whenKnown(() => ({ name: devices[i]!.deviceName, encrypted: devices[i]!.encrypted }));
    if (device && device.encrypted !== true) {
      report(
        `This instance's ebsBlockDevices[${i}] (${String(device.name)}) is not encrypted: encrypted ${encryptedSetting(device.encrypted)}.`,
      );
    }
  });
}

function checkLaunchTemplateVolumes(template: LaunchTemplateProps, report: ReportViolation): void {
  const mappings = whenKnown(() => template.blockDeviceMappings ?? []);
  if (mappings === undefined) return;
  let hasEbs = false;
  let someUnknown = false;
  indicesOf(mappings).forEach((i) => {
    const mapping = whenKnown(() => {
      const ebs = mappings[i]!.ebs;
      return { name: mappings[i]!.deviceName, hasEbs: ebs !== undefined, encrypted: ebs?.encrypted };
    });
    if (!mapping) {
      someUnknown = true;
      return;
    }
    if (!mapping.hasEbs) return;
    hasEbs = true;
    // The provider types ebs.encrypted as the string "true"; a boolean from an untyped program means the same.
    if (String(mapping.encrypted) !== "true") {
      report(
        `This launch template's blockDeviceMappings[${i}] (${String(mapping.name)}) is not encrypted: ebs.encrypted ${encryptedSetting(mapping.encrypted)}.`,
      );
    }
  });
  if (!hasEbs && !someUnknown) report(`This launch template declares no EBS block device mapping, so ${AMI_ROOT}.`);
}

const ebsEncrypted: Rule = {
  kind: "resource",
  name: "ec2-ebs-encrypted",
  service: "vpc",
  description:
    'Every EBS volume is encrypted, and says so in the program rather than relying on the account\'s encryption-by-default setting, which the pack cannot see: aws.ebs.Volume encrypted: true; aws.ec2.Instance rootBlockDevice.encrypted and every ebsBlockDevices[].encrypted true (an instance launched from a launch template without its own rootBlockDevice is judged on the template); aws.ec2.LaunchTemplate has an EBS mapping for the root device and every blockDeviceMappings[].ebs.encrypted is "true".',
  fix: 'set `encrypted: true` on the aws.ebs.Volume and on the instance\'s rootBlockDevice and ebsBlockDevices (as infra/network/bastion.ts does), and give every launch template a root-device mapping with `ebs: { encrypted: "true", ... }` (as the node launch templates in infra/cluster/cluster.ts do).',
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: (args, report) => {
    if (args.type === VOLUME) {
      const volume = args.props as VolumeProps;
      if (volume.encrypted !== true) report(`This EBS volume is not encrypted: encrypted ${encryptedSetting(volume.encrypted)}.`);
    } else if (args.type === INSTANCE) {
      checkInstanceVolumes(args.props as InstanceProps, report);
    } else if (args.type === LAUNCH_TEMPLATE) {
      checkLaunchTemplateVolumes(args.props as LaunchTemplateProps, report);
    }
  },
};

/**
 * One hop keeps the instance metadata service, and the node role's credentials, out of
 * reach of containers on a bridged network: the kit's pods get AWS credentials through
 * IRSA and never need IMDS.
 */
export const DEFAULT_MAX_HOP_LIMIT = 1;

interface ImdsSettings {
  readonly maxHopLimit?: number;
}

type MetadataOptions = NonNullable<InstanceProps["metadataOptions"]> | NonNullable<LaunchTemplateProps["metadataOptions"]>;

const imdsv2Required: Rule = {
  kind: "resource",
  name: "ec2-imdsv2-required",
  service: "vpc",
  description:
    "Instances and launch templates accept only IMDSv2 session tokens (metadataOptions.httpTokens: \"required\") or turn the metadata service off (httpEndpoint: \"disabled\"), so a request forged through an application (SSRF) cannot read the instance role's credentials. Launch templates, which the kit uses for its EKS nodes, also set metadataOptions.httpPutResponseHopLimit to at most the rule's `maxHopLimit` (1 by default), so pods cannot reach the node's metadata; left unset, the AMI's default applies (2 on Amazon Linux 2023). The hop limit is not asked of plain instances: they run no containers in this kit. An instance started from a launch template without metadataOptions of its own is judged on the template.",
  fix: 'set `metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 }`, as infra/network/bastion.ts (the bastion instance) and createNodeGroup in infra/cluster/cluster.ts (the node launch templates) do; a fork whose pods need IMDS raises the rule\'s maxHopLimit setting instead.',
  levels: { prod: "mandatory", dev: "mandatory" },
  configSchema: {
    properties: {
      maxHopLimit: {
        type: "integer",
        minimum: 1,
        maximum: 64,
        default: DEFAULT_MAX_HOP_LIMIT,
        description: "The highest metadataOptions.httpPutResponseHopLimit a launch template may set.",
      },
    },
  },
  validateResource: (args, report) => {
    if (args.type !== INSTANCE && args.type !== LAUNCH_TEMPLATE) return;
    const isTemplate = args.type === LAUNCH_TEMPLATE;
    const what = isTemplate ? "This launch template" : "This instance";
    const props = args.props as InstanceProps | LaunchTemplateProps;
    const options: MetadataOptions | undefined = props.metadataOptions;
    if (options === undefined && !isTemplate && (props as InstanceProps).launchTemplate !== undefined) return;
    if (options?.httpEndpoint === "disabled") return;

    // Each setting in its own box: one unknown during preview must not hide a problem with the other.
    const tokens = whenKnown(() => ({ value: options?.httpTokens }));
    if (tokens && tokens.value !== "required") {
      const setting = tokens.value === undefined ? 'is not set ("optional" unless the AMI says otherwise)' : `is "${tokens.value}"`;
      report(`${what} accepts IMDSv1: metadataOptions.httpTokens ${setting}; it must be "required".`);
    }
    if (!isTemplate) return;
    const maximum = args.getConfig<ImdsSettings>().maxHopLimit ?? DEFAULT_MAX_HOP_LIMIT;
    const hops = whenKnown(() => ({ value: options?.httpPutResponseHopLimit }));
    if (!hops) return;
    if (hops.value === undefined) {
      report(
        `${what} sets no metadataOptions.httpPutResponseHopLimit, so instances take the AMI's default (2 on Amazon Linux 2023) and pods can reach the node's metadata; at most ${maximum} is allowed.`,
      );
    } else if (hops.value > maximum) {
      report(
        `${what} sets metadataOptions.httpPutResponseHopLimit to ${hops.value}, so pods can reach the node's metadata; at most ${maximum} is allowed.`,
      );
    }
  },
};

export const VPC_RULES: readonly Rule[] = [
  flowLogsEnabled,
  noWorldIngress,
  noSshRdpIngress,
  subnetPublicIpOnlyInPublicTier,
  noPublicIpOutsidePublicTier,
  ebsEncrypted,
  imdsv2Required,
];
