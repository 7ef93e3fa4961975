import { describe, expect, it } from "vitest";
import { profileConfig } from "../../policies/lib/pack-config";
import { DEFAULT_LOAD_BALANCER_TAG_KEY, DEFAULT_MAX_HOP_LIMIT, VPC_RULES } from "../../policies/rules/vpc";
import { checkResource, checkStack, unknown, type ResourceUnderTest } from "../../policies/testing/harness";
import { ruleNamed } from "./rule-lookup";

const messages = (violations: readonly { message: string }[]) => violations.map((v) => v.message);

describe("the VPC rules", () => {
  it("are the security baseline: mandatory in every profile, named for their service", () => {
    for (const rule of VPC_RULES) {
      expect(rule.service).toBe("vpc");
      expect(rule.name).toMatch(/^(vpc|ec2)-[a-z0-9-]+$/);
      expect(rule.levels).toEqual({ prod: "mandatory", dev: "mandatory" });
      expect(profileConfig(VPC_RULES, "dev")[rule.name]).toBe("mandatory");
    }
  });
});

describe("vpc-flow-logs-enabled", () => {
  const rule = ruleNamed(VPC_RULES, "vpc-flow-logs-enabled");
  const vpc = (name: string, id: unknown): ResourceUnderTest => ({
    type: "aws:ec2/vpc:Vpc",
    name,
    props: { cidrBlock: "10.10.0.0/16" },
    outputs: { cidrBlock: "10.10.0.0/16", id, arn: `arn:aws:ec2:eu-west-1:123456789012:vpc/${String(id)}` },
  });
  const flowLog = (name: string, vpcId: unknown): ResourceUnderTest => ({
    type: "aws:ec2/flowLog:FlowLog",
    name,
    props: { trafficType: "ALL" },
    outputs: { trafficType: "ALL", vpcId, id: `fl-${name}` },
  });

  it("reports a VPC no flow log points at, on the VPC, naming it", async () => {
    const violations = await checkStack(rule, [vpc("main", "vpc-1"), vpc("other", "vpc-2"), flowLog("main-log", "vpc-1")]);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.urn).toBe("urn:pulumi:test::test::aws:ec2/vpc:Vpc::other");
    expect(violations[0]?.message).toContain("VPC other (vpc-2) has no flow log: no aws.ec2.FlowLog in the stack has vpcId vpc-2.");
    expect(violations[0]?.message).toContain("Fix: declare an aws.ec2.FlowLog");
    expect(violations[0]?.level).toBe("mandatory");
  });

  it("reports a VPC whose only flow log watches a subnet, not the VPC", async () => {
    const subnetLog: ResourceUnderTest = {
      type: "aws:ec2/flowLog:FlowLog",
      name: "subnet-log",
      props: {},
      outputs: { subnetId: "subnet-1", id: "fl-1" },
    };
    expect(messages(await checkStack(rule, [vpc("main", "vpc-1"), subnetLog]))).toEqual([
      expect.stringContaining("VPC main (vpc-1) has no flow log"),
    ]);
  });

  it("passes when every VPC has a flow log, matched on outputs", async () => {
    expect(await checkStack(rule, [vpc("main", "vpc-1"), vpc("other", "vpc-2"), flowLog("a", "vpc-1"), flowLog("b", "vpc-2")])).toEqual([]);
    expect(await checkStack(rule, [])).toEqual([]);
  });

  it("neither crashes nor reports while a VPC id or a flow log's vpcId is unknown during preview", async () => {
    expect(await checkStack(rule, [vpc("main", unknown.string)])).toEqual([]);
    expect(await checkStack(rule, [vpc("main", "vpc-1"), flowLog("pending", unknown.string)])).toEqual([]);
  });

  it("still reports the VPC it can judge when another VPC's id is unknown", async () => {
    expect(messages(await checkStack(rule, [vpc("pending", unknown.string), vpc("known", "vpc-9")]))).toEqual([
      expect.stringContaining("VPC known (vpc-9)"),
    ]);
  });
});

const securityGroup = (props: Record<string, unknown>): ResourceUnderTest => ({
  type: "aws:ec2/securityGroup:SecurityGroup",
  name: "sg",
  props: { vpcId: "vpc-1", egress: [], ...props },
});
const defaultSecurityGroup = (props: Record<string, unknown>): ResourceUnderTest => ({
  type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  name: "default-sg",
  props: { vpcId: "vpc-1", ...props },
});
const sgRule = (props: Record<string, unknown>): ResourceUnderTest => ({
  type: "aws:ec2/securityGroupRule:SecurityGroupRule",
  name: "sg-rule",
  props: { securityGroupId: "sg-1", type: "ingress", ...props },
});
const ingressRule = (props: Record<string, unknown>): ResourceUnderTest => ({
  type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  name: "ingress-rule",
  props: { securityGroupId: "sg-1", ...props },
});
const tcp = (port: number, source: Record<string, unknown>, toPort = port) => ({ protocol: "tcp", fromPort: port, toPort, ...source });
const LB_TAGS = { tags: { Name: "public-alb", [DEFAULT_LOAD_BALANCER_TAG_KEY]: "true" } };

describe("vpc-sg-no-world-ingress", () => {
  const rule = ruleNamed(VPC_RULES, "vpc-sg-no-world-ingress");

  it("reports the internet written another way: two halves, a padded prefix, a wide IPv6 range", async () => {
    const group = securityGroup({
      ingress: [
        tcp(5432, { cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] }),
        tcp(6379, { cidrBlocks: ["0.0.0.0/00"], ipv6CidrBlocks: ["2000::/3"] }),
      ],
    });
    expect(messages(await checkResource(rule, group))).toEqual([
      expect.stringContaining("ingress[0] admits 0.0.0.0/1 and 128.0.0.0/1 on tcp port 5432."),
      expect.stringContaining("ingress[1] admits 0.0.0.0/00 and 2000::/3 on tcp port 6379."),
    ]);
    // Private and documentation ranges, however wide, are not the internet.
    expect(
      await checkResource(
        rule,
        securityGroup({
          ingress: [tcp(5432, { cidrBlocks: ["10.0.0.0/8", "172.16.0.0/12"], ipv6CidrBlocks: ["fc00::/7", "2001:db8::/32"] })],
        }),
      ),
    ).toEqual([]);
  });

  it("reports an inline ingress entry open to 0.0.0.0/0, naming the entry, cidr and port", async () => {
    const violations = await checkResource(
      rule,
      securityGroup({ ingress: [tcp(443, { cidrBlocks: ["10.0.0.0/16"] }), tcp(5432, { cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] })] }),
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain("This security group's ingress[1] admits 0.0.0.0/0 on tcp port 5432.");
    expect(violations[0]?.message).toContain("Fix: admit a source security group");
    expect(violations[0]?.level).toBe("mandatory");
  });

  it("reports ::/0, port ranges and all-protocol entries, on the default group too", async () => {
    const group = securityGroup({
      ingress: [
        tcp(8000, { ipv6CidrBlocks: ["::/0"] }, 8100),
        { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] },
      ],
    });
    expect(messages(await checkResource(rule, group))).toEqual([
      expect.stringContaining("ingress[0] admits ::/0 on tcp ports 8000-8100."),
      expect.stringContaining("ingress[1] admits 0.0.0.0/0 and ::/0 on all protocols and ports."),
    ]);
    const defaultGroup = defaultSecurityGroup({ ingress: [{ protocol: "icmp", fromPort: -1, toPort: -1, cidrBlocks: ["0.0.0.0/0"] }] });
    expect(messages(await checkResource(rule, defaultGroup))).toEqual([
      expect.stringContaining("This security group's ingress[0] admits 0.0.0.0/0 on icmp."),
    ]);
  });

  it("reports a standalone SecurityGroupRule and SecurityGroupIngressRule open to the world", async () => {
    expect(messages(await checkResource(rule, sgRule(tcp(3306, { cidrBlocks: ["0.0.0.0/0"] }))))).toEqual([
      expect.stringContaining("This ingress rule admits 0.0.0.0/0 on tcp port 3306."),
    ]);
    expect(messages(await checkResource(rule, ingressRule({ ipProtocol: "-1", cidrIpv6: "::/0" })))).toEqual([
      expect.stringContaining("This ingress rule admits ::/0 on all protocols and ports."),
    ]);
    expect(
      messages(await checkResource(rule, ingressRule({ ipProtocol: "6", fromPort: 6379, toPort: 6379, cidrIpv4: "0.0.0.0/0" }))),
    ).toEqual([expect.stringContaining("admits 0.0.0.0/0 on tcp port 6379")]);
  });

  it("reports 80/443 from the world on a group that is not tagged as a load balancer's, saying how to mark one", async () => {
    const violations = await checkResource(rule, securityGroup({ ingress: [tcp(443, { cidrBlocks: ["0.0.0.0/0"] })] }));
    expect(messages(violations)).toEqual([
      expect.stringContaining(
        'ingress[0] admits 0.0.0.0/0 on tcp port 443. Only a load balancer\'s security group, tagged `load-balancer: "true"`, may admit the internet',
      ),
    ]);
    // A SecurityGroupRule has no tags, so it never gets the exception.
    expect(await checkResource(rule, sgRule(tcp(80, { cidrBlocks: ["0.0.0.0/0"] })))).toHaveLength(1);
  });

  it("passes 80 and 443 from the world on a load balancer's group or tagged ingress rule", async () => {
    const lbGroup = securityGroup({
      ...LB_TAGS,
      ingress: [tcp(80, { cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }), tcp(443, { cidrBlocks: ["0.0.0.0/0"] })],
    });
    expect(await checkResource(rule, lbGroup)).toEqual([]);
    expect(
      await checkResource(rule, ingressRule({ ...LB_TAGS, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" })),
    ).toEqual([]);
  });

  it("reports other ports, ranges spanning 80-443 and all-protocol entries even on a load balancer's group", async () => {
    const lbGroup = securityGroup({
      ...LB_TAGS,
      ingress: [
        tcp(80, { cidrBlocks: ["0.0.0.0/0"] }, 443),
        tcp(8080, { cidrBlocks: ["0.0.0.0/0"] }),
        { protocol: "udp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
      ],
    });
    expect(messages(await checkResource(rule, lbGroup))).toEqual([
      expect.stringContaining(
        "ingress[0] admits 0.0.0.0/0 on tcp ports 80-443. Even a load balancer's security group may admit the internet only on tcp port 80 and tcp port 443",
      ),
      expect.stringContaining("ingress[1] admits 0.0.0.0/0 on tcp port 8080."),
      expect.stringContaining("ingress[2] admits 0.0.0.0/0 on udp port 443."),
    ]);
  });

  it("reads the load-balancer tag key from the rule's settings", async () => {
    const tagged = securityGroup({ tags: { "edge/public": "true" }, ingress: [tcp(443, { cidrBlocks: ["0.0.0.0/0"] })] });
    expect(await checkResource(rule, tagged)).toHaveLength(1);
    expect(await checkResource(rule, tagged, { [rule.name]: { loadBalancerTagKey: "edge/public" } })).toEqual([]);
    expect(rule.configSchema?.properties.loadBalancerTagKey?.default).toBe(DEFAULT_LOAD_BALANCER_TAG_KEY);
  });

  it("passes the kit's groups: VPC-only, security-group sources, no ingress, egress to the world", async () => {
    expect(await checkResource(rule, securityGroup({ ingress: [tcp(443, { cidrBlocks: ["10.10.0.0/16"] })] }))).toEqual([]);
    expect(await checkResource(rule, securityGroup({ ingress: [tcp(3306, { securityGroups: ["sg-nodes"] })] }))).toEqual([]);
    expect(await checkResource(rule, securityGroup({ ingress: [], egress: [tcp(443, { cidrBlocks: ["0.0.0.0/0"] })] }))).toEqual([]);
    expect(await checkResource(rule, defaultSecurityGroup({ ingress: [], egress: [] }))).toEqual([]);
    expect(await checkResource(rule, sgRule({ ...tcp(22, { cidrBlocks: ["0.0.0.0/0"] }), type: "egress" }))).toEqual([]);
    expect(
      await checkResource(rule, ingressRule({ ipProtocol: "tcp", fromPort: 443, toPort: 443, referencedSecurityGroupId: "sg-bastion" })),
    ).toEqual([]);
  });

  it("neither crashes nor reports what is unknown during preview, and still judges the known entries", async () => {
    expect(await checkResource(rule, securityGroup({ ingress: unknown.array }))).toEqual([]);
    expect(await checkResource(rule, securityGroup({ ingress: [unknown.object] }))).toEqual([]);
    expect(await checkResource(rule, securityGroup({ ingress: [tcp(5432, { cidrBlocks: unknown.array })] }))).toEqual([]);
    expect(
      await checkResource(
        rule,
        securityGroup({ ingress: [{ protocol: unknown.string, fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] }),
      ),
    ).toEqual([]);
    expect(await checkResource(rule, securityGroup({ tags: unknown.object, ingress: [tcp(443, { cidrBlocks: ["0.0.0.0/0"] })] }))).toEqual(
      [],
    );
    expect(await checkResource(rule, sgRule({ type: unknown.string, ...tcp(5432, { cidrBlocks: ["0.0.0.0/0"] }) }))).toEqual([]);
    expect(await checkResource(rule, sgRule(tcp(5432, { cidrBlocks: [unknown.string] })))).toEqual([]);
    expect(
      await checkResource(rule, ingressRule({ ipProtocol: "tcp", fromPort: unknown.number, toPort: 5432, cidrIpv4: "0.0.0.0/0" })),
    ).toEqual([]);
    expect(await checkResource(rule, ingressRule({ ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: unknown.string }))).toEqual(
      [],
    );
    const mixed = securityGroup({ ingress: [unknown.object, tcp(5432, { cidrBlocks: ["0.0.0.0/0"] })] });
    expect(messages(await checkResource(rule, mixed))).toEqual([expect.stringContaining("ingress[1] admits 0.0.0.0/0 on tcp port 5432")]);
  });

  it("ignores other resource types", async () => {
    expect(
      await checkResource(rule, { type: "aws:ec2/networkAclRule:NetworkAclRule", props: { cidrBlock: "0.0.0.0/0", egress: false } }),
    ).toEqual([]);
  });
});

describe("vpc-sg-no-ssh-rdp-ingress", () => {
  const rule = ruleNamed(VPC_RULES, "vpc-sg-no-ssh-rdp-ingress");

  it("reports SSH from any source, even another security group, naming the entry and port", async () => {
    const violations = await checkResource(
      rule,
      securityGroup({ ingress: [tcp(443, { cidrBlocks: ["10.0.0.0/16"] }), tcp(22, { securityGroups: ["sg-bastion"] })] }),
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain("This security group's ingress[1] opens SSH (tcp 22): it admits tcp port 22.");
    expect(violations[0]?.message).toContain("Fix: remove the ingress entry");
    expect(violations[0]?.level).toBe("mandatory");
  });

  it("reports RDP over tcp and udp, ranges that include 22 or 3389, and all-protocol entries", async () => {
    expect(
      messages(
        await checkResource(
          rule,
          securityGroup({ ingress: [{ protocol: "udp", fromPort: 3389, toPort: 3389, cidrBlocks: ["10.0.0.0/8"] }] }),
        ),
      ),
    ).toEqual([expect.stringContaining("ingress[0] opens RDP (tcp/udp 3389): it admits udp port 3389.")]);
    expect(messages(await checkResource(rule, securityGroup({ ingress: [tcp(0, { cidrBlocks: ["10.0.0.0/8"] }, 65535)] })))).toEqual([
      expect.stringContaining("ingress[0] opens SSH (tcp 22) and RDP (tcp/udp 3389): it admits tcp ports 0-65535."),
    ]);
    expect(messages(await checkResource(rule, sgRule({ protocol: "all", fromPort: 0, toPort: 0, self: true })))).toEqual([
      expect.stringContaining("This ingress rule opens SSH (tcp 22) and RDP (tcp/udp 3389): it admits all protocols and ports."),
    ]);
    expect(messages(await checkResource(rule, ingressRule({ ipProtocol: "-1", referencedSecurityGroupId: "sg-x" })))).toEqual([
      expect.stringContaining("it admits all protocols and ports"),
    ]);
    expect(messages(await checkResource(rule, ingressRule({ ipProtocol: "6", fromPort: 20, toPort: 25, cidrIpv4: "10.0.0.0/8" })))).toEqual(
      [expect.stringContaining("opens SSH (tcp 22): it admits tcp ports 20-25")],
    );
    expect(await checkResource(rule, defaultSecurityGroup({ ingress: [tcp(3389, { self: true })] }))).toHaveLength(1);
  });

  it("passes other ports, udp 22, ICMP and egress", async () => {
    expect(
      await checkResource(
        rule,
        securityGroup({ ingress: [tcp(443, { cidrBlocks: ["10.0.0.0/16"] }), tcp(23, { cidrBlocks: ["10.0.0.0/16"] }, 3388)] }),
      ),
    ).toEqual([]);
    expect(
      await checkResource(
        rule,
        securityGroup({
          ingress: [
            { protocol: "udp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"] },
            { protocol: "icmp", fromPort: 8, toPort: 0, cidrBlocks: ["10.0.0.0/16"] },
          ],
        }),
      ),
    ).toEqual([]);
    expect(await checkResource(rule, sgRule({ ...tcp(22, { cidrBlocks: ["10.0.0.0/16"] }), type: "egress" }))).toEqual([]);
    expect(await checkResource(rule, securityGroup({ ingress: [], egress: [tcp(22, { cidrBlocks: ["10.0.0.0/16"] })] }))).toEqual([]);
  });

  it("neither crashes nor reports what is unknown during preview, and still judges the known entries", async () => {
    expect(await checkResource(rule, securityGroup({ ingress: unknown.array }))).toEqual([]);
    expect(
      await checkResource(rule, securityGroup({ ingress: [{ protocol: "tcp", fromPort: unknown.number, toPort: unknown.number }] })),
    ).toEqual([]);
    expect(await checkResource(rule, sgRule({ type: "ingress", protocol: unknown.string, fromPort: 22, toPort: 22 }))).toEqual([]);
    expect(await checkResource(rule, ingressRule({ ipProtocol: "tcp", fromPort: 22, toPort: unknown.number }))).toEqual([]);
    expect(messages(await checkResource(rule, securityGroup({ ingress: [unknown.object, tcp(22, { self: true })] })))).toEqual([
      expect.stringContaining("ingress[1] opens SSH"),
    ]);
  });
});

describe("vpc-subnet-public-ip-only-in-public-tier", () => {
  const rule = ruleNamed(VPC_RULES, "vpc-subnet-public-ip-only-in-public-tier");
  const subnet = (props: Record<string, unknown>): ResourceUnderTest => ({
    type: "aws:ec2/subnet:Subnet",
    name: "subnet",
    props: { vpcId: "vpc-1", cidrBlock: "10.10.0.0/19", ...props },
  });

  it("reports a private subnet that maps public IPs, naming its tier", async () => {
    const violations = await checkResource(rule, subnet({ mapPublicIpOnLaunch: true, tags: { tier: "private" } }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(
      'This subnet (tier "private") gives every instance launched in it a public IP (mapPublicIpOnLaunch: true) but is not in the public tier.',
    );
    expect(violations[0]?.message).toContain("Fix: set `mapPublicIpOnLaunch: false`");
  });

  it("reports an untagged subnet, and a tier tag naming another tier over the load-balancer role tag", async () => {
    expect(messages(await checkResource(rule, subnet({ mapPublicIpOnLaunch: true })))).toEqual([
      expect.stringContaining("This subnet (no tier tag)"),
    ]);
    expect(
      messages(await checkResource(rule, subnet({ mapPublicIpOnLaunch: true, tags: { tier: "data", "kubernetes.io/role/elb": "1" } }))),
    ).toEqual([expect.stringContaining('(tier "data")')]);
    expect(
      messages(
        await checkResource(
          rule,
          subnet({ mapPublicIpOnLaunch: true, tags: { tier: "internal-lb", "kubernetes.io/role/internal-elb": "1" } }),
        ),
      ),
    ).toEqual([expect.stringContaining('(tier "internal-lb")')]);
  });

  it("passes the public tier and every subnet that maps no public IP (the kit's four tiers)", async () => {
    expect(
      await checkResource(rule, subnet({ mapPublicIpOnLaunch: true, tags: { tier: "public", "kubernetes.io/role/elb": "1" } })),
    ).toEqual([]);
    expect(await checkResource(rule, subnet({ mapPublicIpOnLaunch: true, tags: { "kubernetes.io/role/elb": "1" } }))).toEqual([]);
    for (const tier of ["public", "private", "data", "internal-lb"]) {
      expect(await checkResource(rule, subnet({ mapPublicIpOnLaunch: false, tags: { tier } }))).toEqual([]);
    }
    expect(await checkResource(rule, subnet({ tags: { tier: "private" } }))).toEqual([]);
  });

  it("neither crashes nor reports when the setting or the tags are unknown during preview", async () => {
    expect(await checkResource(rule, subnet({ mapPublicIpOnLaunch: unknown.boolean, tags: { tier: "private" } }))).toEqual([]);
    expect(await checkResource(rule, subnet({ mapPublicIpOnLaunch: true, tags: unknown.object }))).toEqual([]);
    expect(await checkResource(rule, subnet({ mapPublicIpOnLaunch: true, tags: { tier: unknown.string } }))).toEqual([]);
  });
});

describe("ec2-no-public-ip-outside-public-tier", () => {
  const rule = ruleNamed(VPC_RULES, "ec2-no-public-ip-outside-public-tier");
  const subnet = (id: unknown, tags: unknown): ResourceUnderTest => ({
    type: "aws:ec2/subnet:Subnet",
    name: `subnet-${String(id)}`,
    props: { tags },
    outputs: { id, tags, mapPublicIpOnLaunch: false },
  });
  const instance = (props: Record<string, unknown>): ResourceUnderTest => ({
    type: "aws:ec2/instance:Instance",
    name: "host",
    props,
    outputs: { id: "i-1", ...props },
  });
  const launchTemplate = (networkInterfaces: unknown): ResourceUnderTest => ({
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    name: "nodes-lt",
    props: { networkInterfaces },
    outputs: { id: "lt-1", networkInterfaces },
  });
  const tiers = [subnet("subnet-pub", { tier: "public", "kubernetes.io/role/elb": "1" }), subnet("subnet-priv", { tier: "private" })];

  it("reports an instance with a public IP in a private subnet, on the instance, naming the subnet and tier", async () => {
    const violations = await checkStack(rule, [...tiers, instance({ associatePublicIpAddress: true, subnetId: "subnet-priv" })]);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.urn).toBe("urn:pulumi:test::test::aws:ec2/instance:Instance::host");
    expect(violations[0]?.message).toContain(
      'Instance host gets a public IP (associatePublicIpAddress: true) and is in subnet subnet-priv (tier "private"), outside the public tier.',
    );
    expect(violations[0]?.message).toContain("Fix: set `associatePublicIpAddress: false`");
  });

  it("reports a public IP in a subnet the stack does not declare, or with no subnet", async () => {
    expect(
      messages(await checkStack(rule, [...tiers, instance({ associatePublicIpAddress: true, subnetId: "subnet-elsewhere" })])),
    ).toEqual([expect.stringContaining("is in subnet subnet-elsewhere, which this stack does not declare")]);
    expect(messages(await checkStack(rule, [instance({ associatePublicIpAddress: true })]))).toEqual([
      expect.stringContaining("names no subnet"),
    ]);
  });

  it("reports a launch template whose network interface asks for a public IP outside the public tier", async () => {
    const violations = await checkStack(rule, [
      ...tiers,
      launchTemplate([
        { deviceIndex: 0, associatePublicIpAddress: "true" },
        { deviceIndex: 1, associatePublicIpAddress: "true", subnetId: "subnet-priv" },
      ]),
    ]);
    expect(messages(violations)).toEqual([
      expect.stringContaining(
        'Launch template nodes-lt\'s networkInterfaces[0] gives instances a public IP (associatePublicIpAddress: "true") and names no subnet',
      ),
      expect.stringContaining(
        'networkInterfaces[1] gives instances a public IP (associatePublicIpAddress: "true") and is in subnet subnet-priv (tier "private")',
      ),
    ]);
  });

  it("passes public IPs in the public tier, and instances and templates without one (the bastion, the node templates)", async () => {
    expect(await checkStack(rule, [...tiers, instance({ associatePublicIpAddress: true, subnetId: "subnet-pub" })])).toEqual([]);
    expect(
      await checkStack(rule, [
        ...tiers,
        instance({ associatePublicIpAddress: false, subnetId: "subnet-priv" }),
        instance({ subnetId: "subnet-priv" }),
      ]),
    ).toEqual([]);
    expect(
      await checkStack(rule, [
        ...tiers,
        launchTemplate([{ associatePublicIpAddress: "true", subnetId: "subnet-pub" }, { associatePublicIpAddress: "false" }]),
      ]),
    ).toEqual([]);
    expect(await checkStack(rule, [...tiers, launchTemplate(undefined)])).toEqual([]);
  });

  it("neither crashes nor reports while the setting, the subnet or its tags are unknown during preview", async () => {
    expect(await checkStack(rule, [...tiers, instance({ associatePublicIpAddress: unknown.boolean, subnetId: "subnet-priv" })])).toEqual(
      [],
    );
    expect(await checkStack(rule, [...tiers, instance({ associatePublicIpAddress: true, subnetId: unknown.string })])).toEqual([]);
    expect(
      await checkStack(rule, [subnet("subnet-new", unknown.object), instance({ associatePublicIpAddress: true, subnetId: "subnet-new" })]),
    ).toEqual([]);
    expect(
      await checkStack(rule, [
        subnet("subnet-new", { tier: unknown.string }),
        instance({ associatePublicIpAddress: true, subnetId: "subnet-new" }),
      ]),
    ).toEqual([]);
    expect(await checkStack(rule, [...tiers, launchTemplate(unknown.array)])).toEqual([]);
    expect(await checkStack(rule, [...tiers, launchTemplate([unknown.object])])).toEqual([]);
    expect(await checkStack(rule, [...tiers, launchTemplate([{ associatePublicIpAddress: unknown.string }])])).toEqual([]);
  });
});

describe("ec2-ebs-encrypted", () => {
  const rule = ruleNamed(VPC_RULES, "ec2-ebs-encrypted");
  const volume = (props: Record<string, unknown>): ResourceUnderTest => ({
    type: "aws:ebs/volume:Volume",
    name: "data",
    props: { availabilityZone: "eu-west-1a", size: 20, ...props },
  });
  const instance = (props: Record<string, unknown>): ResourceUnderTest => ({
    type: "aws:ec2/instance:Instance",
    name: "host",
    props: { ami: "ami-1", instanceType: "t4g.micro", ...props },
  });
  const launchTemplate = (blockDeviceMappings: unknown): ResourceUnderTest => ({
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    name: "nodes-lt",
    props: { blockDeviceMappings },
  });
  const root = (ebs: unknown) => ({ deviceName: "/dev/xvda", ebs });

  it("reports an unencrypted volume, saying what the setting is", async () => {
    const violations = await checkResource(rule, volume({ encrypted: false }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain("This EBS volume is not encrypted: encrypted is false.");
    expect(violations[0]?.message).toContain("Fix: set `encrypted: true`");
    expect(messages(await checkResource(rule, volume({})))).toEqual([expect.stringContaining("encrypted is not set")]);
  });

  it("reports an instance's unencrypted root and data volumes, naming each device", async () => {
    const violations = await checkResource(
      rule,
      instance({
        rootBlockDevice: { volumeSize: 16 },
        ebsBlockDevices: [
          { deviceName: "/dev/sdf", encrypted: true },
          { deviceName: "/dev/sdg", encrypted: false },
        ],
      }),
    );
    expect(messages(violations)).toEqual([
      expect.stringContaining("This instance's root volume is not encrypted: rootBlockDevice.encrypted is not set."),
      expect.stringContaining("This instance's ebsBlockDevices[1] (/dev/sdg) is not encrypted: encrypted is false."),
    ]);
    expect(messages(await checkResource(rule, instance({})))).toEqual([
      expect.stringContaining("This instance sets no rootBlockDevice, so the root volume takes the AMI's snapshot encryption"),
    ]);
  });

  it("reports a launch template mapping that is not encrypted, and one with no EBS mapping at all", async () => {
    expect(messages(await checkResource(rule, launchTemplate([root({ volumeSize: 50, encrypted: "false" })])))).toEqual([
      expect.stringContaining('This launch template\'s blockDeviceMappings[0] (/dev/xvda) is not encrypted: ebs.encrypted is "false".'),
    ]);
    expect(messages(await checkResource(rule, launchTemplate([root({ volumeSize: 50 })])))).toEqual([
      expect.stringContaining("ebs.encrypted is not set"),
    ]);
    expect(messages(await checkResource(rule, launchTemplate(undefined)))).toEqual([
      expect.stringContaining("This launch template declares no EBS block device mapping"),
    ]);
    expect(messages(await checkResource(rule, launchTemplate([{ deviceName: "/dev/sdb", virtualName: "ephemeral0" }])))).toEqual([
      expect.stringContaining("declares no EBS block device mapping"),
    ]);
  });

  it("passes encrypted volumes, the kit's bastion and node launch templates, and an instance on a template", async () => {
    expect(await checkResource(rule, volume({ encrypted: true, kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k" }))).toEqual([]);
    expect(
      await checkResource(
        rule,
        instance({
          rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: 16 },
          ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }],
        }),
      ),
    ).toEqual([]);
    expect(
      await checkResource(
        rule,
        launchTemplate([root({ volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" })]),
      ),
    ).toEqual([]);
    expect(
      await checkResource(rule, launchTemplate([root({ encrypted: true }), { deviceName: "/dev/sdb", virtualName: "ephemeral0" }])),
    ).toEqual([]);
    expect(await checkResource(rule, instance({ launchTemplate: { id: "lt-1", version: "$Latest" } }))).toEqual([]);
  });

  it("neither crashes nor reports what is unknown during preview, and still judges the known devices", async () => {
    expect(await checkResource(rule, volume({ encrypted: unknown.boolean }))).toEqual([]);
    expect(await checkResource(rule, instance({ rootBlockDevice: unknown.object, ebsBlockDevices: unknown.array }))).toEqual([]);
    expect(
      await checkResource(rule, instance({ rootBlockDevice: { encrypted: unknown.boolean }, ebsBlockDevices: [unknown.object] })),
    ).toEqual([]);
    expect(await checkResource(rule, instance({ launchTemplate: unknown.object }))).toEqual([]);
    expect(await checkResource(rule, launchTemplate(unknown.array))).toEqual([]);
    expect(await checkResource(rule, launchTemplate([unknown.object]))).toEqual([]);
    expect(await checkResource(rule, launchTemplate([root(unknown.object)]))).toEqual([]);
    expect(await checkResource(rule, launchTemplate([root({ encrypted: unknown.string })]))).toEqual([]);
    expect(
      messages(await checkResource(rule, launchTemplate([unknown.object, { deviceName: "/dev/sdf", ebs: { encrypted: "false" } }]))),
    ).toEqual([expect.stringContaining("blockDeviceMappings[1] (/dev/sdf)")]);
    expect(
      messages(
        await checkResource(
          rule,
          instance({ rootBlockDevice: unknown.object, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }] }),
        ),
      ),
    ).toEqual([expect.stringContaining("ebsBlockDevices[0] (/dev/sdf)")]);
  });
});

describe("ec2-imdsv2-required", () => {
  const rule = ruleNamed(VPC_RULES, "ec2-imdsv2-required");
  const instance = (props: Record<string, unknown>): ResourceUnderTest => ({
    type: "aws:ec2/instance:Instance",
    name: "host",
    props: { ami: "ami-1", instanceType: "t4g.micro", ...props },
  });
  const launchTemplate = (metadataOptions: unknown): ResourceUnderTest => ({
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    name: "nodes-lt",
    props: { metadataOptions },
  });
  const KIT = { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 };

  it("reports an instance that accepts IMDSv1, saying what httpTokens is", async () => {
    const violations = await checkResource(rule, instance({ metadataOptions: { httpTokens: "optional" } }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(
      'This instance accepts IMDSv1: metadataOptions.httpTokens is "optional"; it must be "required".',
    );
    expect(violations[0]?.message).toContain(
      'Fix: set `metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 }`',
    );
    expect(messages(await checkResource(rule, instance({})))).toEqual([
      expect.stringContaining(
        'This instance accepts IMDSv1: metadataOptions.httpTokens is not set ("optional" unless the AMI says otherwise)',
      ),
    ]);
  });

  it("reports a launch template that accepts IMDSv1 or lets pods reach the metadata service", async () => {
    expect(messages(await checkResource(rule, launchTemplate({ httpTokens: "optional", httpPutResponseHopLimit: 2 })))).toEqual([
      expect.stringContaining('This launch template accepts IMDSv1: metadataOptions.httpTokens is "optional"'),
      expect.stringContaining(
        "This launch template sets metadataOptions.httpPutResponseHopLimit to 2, so pods can reach the node's metadata; at most 1 is allowed.",
      ),
    ]);
    expect(messages(await checkResource(rule, launchTemplate({ httpTokens: "required" })))).toEqual([
      expect.stringContaining(
        "sets no metadataOptions.httpPutResponseHopLimit, so instances take the AMI's default (2 on Amazon Linux 2023)",
      ),
    ]);
    expect(await checkResource(rule, launchTemplate(undefined))).toHaveLength(2);
  });

  it("passes the kit's bastion and node templates, IMDS turned off, and an instance on a template", async () => {
    expect(await checkResource(rule, instance({ metadataOptions: KIT }))).toEqual([]);
    expect(await checkResource(rule, instance({ metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 3 } }))).toEqual([]);
    expect(await checkResource(rule, launchTemplate(KIT))).toEqual([]);
    expect(await checkResource(rule, launchTemplate({ httpEndpoint: "disabled" }))).toEqual([]);
    expect(await checkResource(rule, instance({ metadataOptions: { httpEndpoint: "disabled", httpTokens: "optional" } }))).toEqual([]);
    expect(await checkResource(rule, instance({ launchTemplate: { name: "nodes", version: "$Default" } }))).toEqual([]);
  });

  it("takes the highest hop limit from the rule's settings", async () => {
    const twoHops = launchTemplate({ httpTokens: "required", httpPutResponseHopLimit: 2 });
    expect(await checkResource(rule, twoHops)).toHaveLength(1);
    expect(await checkResource(rule, twoHops, { [rule.name]: { maxHopLimit: 2 } })).toEqual([]);
    expect(
      messages(
        await checkResource(rule, launchTemplate({ httpTokens: "required", httpPutResponseHopLimit: 3 }), {
          [rule.name]: { maxHopLimit: 2 },
        }),
      ),
    ).toEqual([expect.stringContaining("at most 2 is allowed")]);
    expect(rule.configSchema?.properties.maxHopLimit?.default).toBe(DEFAULT_MAX_HOP_LIMIT);
  });

  it("neither crashes nor reports what is unknown during preview, and judges each setting on its own", async () => {
    expect(await checkResource(rule, instance({ metadataOptions: unknown.object }))).toEqual([]);
    expect(await checkResource(rule, instance({ metadataOptions: { httpTokens: unknown.string } }))).toEqual([]);
    expect(await checkResource(rule, instance({ metadataOptions: { httpEndpoint: unknown.string, httpTokens: "optional" } }))).toEqual([]);
    expect(await checkResource(rule, instance({ launchTemplate: unknown.object }))).toEqual([]);
    expect(await checkResource(rule, launchTemplate(unknown.object))).toEqual([]);
    expect(await checkResource(rule, launchTemplate({ httpTokens: unknown.string, httpPutResponseHopLimit: unknown.number }))).toEqual([]);
    expect(messages(await checkResource(rule, launchTemplate({ httpTokens: unknown.string, httpPutResponseHopLimit: 2 })))).toEqual([
      expect.stringContaining("httpPutResponseHopLimit to 2"),
    ]);
    expect(
      messages(await checkResource(rule, launchTemplate({ httpTokens: "optional", httpPutResponseHopLimit: unknown.number }))),
    ).toEqual([expect.stringContaining("accepts IMDSv1")]);
  });
});
