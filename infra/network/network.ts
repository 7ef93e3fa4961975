import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "../shared/aws-context";
import { planSubnets, type Tier } from "./subnet-plan";
import { createEncryptedLogGroup } from "../security/log-group";
import { serviceTrustPolicy } from "../security/trust-policy";

/** The tier as it appears in names and tags. */
const tierLabel = (tier: Tier) => (tier === "internalLb" ? "internal-lb" : tier);

/** AWS services reached through interface endpoints when they are switched on. */
export const INTERFACE_ENDPOINT_SERVICES = ["ssm", "ssmmessages", "ec2messages", "ecr.api", "ecr.dkr", "sts", "logs"] as const;

export interface NetworkArgs {
  readonly namePrefix: string;
  /** The EKS cluster's name, for the subnet tags its load-balancer controller discovers. */
  readonly clusterName: string;
  readonly aws: AwsContext;
  readonly vpcCidr: string;
  readonly azCount: number;
  /** At least azCount zone names; the first azCount are used in order. */
  readonly availabilityZones: pulumi.Input<string[]>;
  readonly natGateways: "perAz" | "single";
  readonly flowLogRetentionDays: number;
  readonly interfaceEndpoints: boolean;
  readonly logsKeyArn: pulumi.Input<string>;
  readonly tags: Record<string, string>;
}

/**
 * A VPC with four tiers of subnets in every AZ:
 * - public: the internet-facing load balancers and the NAT gateways;
 * - private: EKS nodes, pods and the bastion; internet egress only through NAT;
 * - data: RDS, ElastiCache and MSK; no route out of the VPC at all;
 * - internalLb: internal load balancers only (the one in front of coupon); no route
 *   out either. A NetworkPolicy that admits "the load balancer" admits these few
 *   addresses, not every pod in the private subnets.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr: string;
  readonly availabilityZones: pulumi.Output<string[]>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly dataSubnetIds: pulumi.Output<string[]>;
  /** Known at plan time, for security-group rules that admit one tier. */
  readonly dataSubnetCidrs: string[];
  readonly privateSubnetCidrs: string[];
  readonly internalLbSubnetCidrs: string[];
  readonly internalLbSubnetIds: pulumi.Output<string[]>;
  readonly publicSubnetCidrs: string[];
  readonly natGatewayIds: pulumi.Output<string[]>;
  /**
   * Where pods reach AWS APIs (STS for IRSA credentials, ECR, Logs): the VPC itself
   * when interface endpoints carry that traffic, else anywhere through NAT.
   */
  readonly awsApiEgressCidrs: string[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coupon-platform:network:Network", name, {}, opts);
    const parent = { parent: this };
    const tagged = (resourceName: string, extra: Record<string, string> = {}) => ({ ...args.tags, Name: resourceName, ...extra });
    const plan = planSubnets(args.vpcCidr, args.azCount);
    this.awsApiEgressCidrs = args.interfaceEndpoints ? [args.vpcCidr] : ["0.0.0.0/0"];
    const zones = pulumi.output(args.availabilityZones).apply((names) => {
      if (names.length < args.azCount) {
        throw new Error(`the region offers ${names.length} availability zones but network.azCount is ${args.azCount}`);
      }
      return names.slice(0, args.azCount);
    });
    const zoneAt = (index: number) => zones.apply((names) => names[index] as string);

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tagged(`${args.namePrefix}-vpc`) },
      parent,
    );

    // Adopt the default security group and strip its rules: nothing may fall back to "allow all within the group".
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId: vpc.id, ingress: [], egress: [], tags: tagged(`${args.namePrefix}-default-closed`) },
      parent,
    );

    const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };
    const tierTags: Record<Tier, Record<string, string>> = {
      public: { ...clusterTag, "kubernetes.io/role/elb": "1", tier: "public" },
      private: { tier: "private" },
      data: { tier: "data" },
      // The load balancer controller puts internal ALBs where this tag is, and only there.
      internalLb: { ...clusterTag, "kubernetes.io/role/internal-elb": "1", tier: "internal-lb" },
    };
    const subnet = (tier: Tier, azIndex: number, cidrBlock: string) =>
      new aws.ec2.Subnet(
        `${name}-${tierLabel(tier)}-${azIndex}`,
        {
          vpcId: vpc.id,
          cidrBlock,
          availabilityZone: zoneAt(azIndex),
          mapPublicIpOnLaunch: false,
          tags: tagged(`${args.namePrefix}-${tierLabel(tier)}-${azIndex}`, tierTags[tier]),
        },
        parent,
      );
    const publicSubnets = plan.map((az) => subnet("public", az.azIndex, az.public));
    const privateSubnets = plan.map((az) => subnet("private", az.azIndex, az.private));
    const dataSubnets = plan.map((az) => subnet("data", az.azIndex, az.data));
    const internalLbSubnets = plan.map((az) => subnet("internalLb", az.azIndex, az.internalLb));

    // Public tier: one route table with the internet gateway.
    const internetGateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tagged(`${args.namePrefix}-igw`) }, parent);
    const publicRoutes = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id, tags: tagged(`${args.namePrefix}-public`) }, parent);
    new aws.ec2.Route(
      `${name}-public-default`,
      { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id },
      parent,
    );
    publicSubnets.forEach(
      (s, i) => new aws.ec2.RouteTableAssociation(`${name}-public-rta-${i}`, { subnetId: s.id, routeTableId: publicRoutes.id }, parent),
    );

    // NAT gateways: one per AZ keeps egress alive through an AZ outage; one in total is cheaper.
    const natCount = args.natGateways === "perAz" ? args.azCount : 1;
    const natGateways = publicSubnets.slice(0, natCount).map((s, i) => {
      const ip = new aws.ec2.Eip(`${name}-nat-eip-${i}`, { domain: "vpc", tags: tagged(`${args.namePrefix}-nat-${i}`) }, parent);
      return new aws.ec2.NatGateway(
        `${name}-nat-${i}`,
        { subnetId: s.id, allocationId: ip.id, connectivityType: "public", tags: tagged(`${args.namePrefix}-nat-${i}`) },
        { parent: this, dependsOn: [internetGateway] },
      );
    });

    // Private tier: a route table per AZ, each through its own AZ's NAT gateway when there is one.
    const privateRouteTables = privateSubnets.map((s, i) => {
      const table = new aws.ec2.RouteTable(
        `${name}-private-rt-${i}`,
        { vpcId: vpc.id, tags: tagged(`${args.namePrefix}-private-${i}`) },
        parent,
      );
      const nat = natGateways[i] ?? natGateways[0];
      new aws.ec2.Route(
        `${name}-private-default-${i}`,
        { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat?.id },
        parent,
      );
      new aws.ec2.RouteTableAssociation(`${name}-private-rta-${i}`, { subnetId: s.id, routeTableId: table.id }, parent);
      return table;
    });

    // Data tier: its own table with only the implicit local route — no way out of the VPC.
    const dataRoutes = new aws.ec2.RouteTable(`${name}-data-rt`, { vpcId: vpc.id, tags: tagged(`${args.namePrefix}-data`) }, parent);
    dataSubnets.forEach(
      (s, i) => new aws.ec2.RouteTableAssociation(`${name}-data-rta-${i}`, { subnetId: s.id, routeTableId: dataRoutes.id }, parent),
    );

    // Internal load balancers answer inside the VPC only: local routes suffice.
    const internalLbRoutes = new aws.ec2.RouteTable(
      `${name}-internal-lb-rt`,
      { vpcId: vpc.id, tags: tagged(`${args.namePrefix}-internal-lb`) },
      parent,
    );
    internalLbSubnets.forEach(
      (s, i) =>
        new aws.ec2.RouteTableAssociation(`${name}-internal-lb-rta-${i}`, { subnetId: s.id, routeTableId: internalLbRoutes.id }, parent),
    );

    this.createFlowLogs(name, args, vpc, tagged);
    this.createEndpoints(name, args, vpc, privateSubnets, privateRouteTables, tagged);

    this.vpcId = vpc.id;
    this.vpcCidr = args.vpcCidr;
    this.availabilityZones = zones;
    this.publicSubnetIds = pulumi.all(publicSubnets.map((s) => s.id));
    this.privateSubnetIds = pulumi.all(privateSubnets.map((s) => s.id));
    this.dataSubnetIds = pulumi.all(dataSubnets.map((s) => s.id));
    this.dataSubnetCidrs = plan.map((az) => az.data);
    this.privateSubnetCidrs = plan.map((az) => az.private);
    this.internalLbSubnetCidrs = plan.map((az) => az.internalLb);
    this.internalLbSubnetIds = pulumi.all(internalLbSubnets.map((s) => s.id));
    this.publicSubnetCidrs = plan.map((az) => az.public);
    this.natGatewayIds = pulumi.all(natGateways.map((n) => n.id));
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      dataSubnetIds: this.dataSubnetIds,
    });
  }

  /** Every accepted and rejected flow, to an encrypted log group with bounded retention. */
  private createFlowLogs(name: string, args: NetworkArgs, vpc: aws.ec2.Vpc, tagged: (n: string) => Record<string, string>): void {
    const parent = { parent: this };
    const logGroup = createEncryptedLogGroup(
      `${name}-flow-logs`,
      {
        logGroupName: `/${args.namePrefix}/vpc/flow-logs`,
        retentionDays: args.flowLogRetentionDays,
        kmsKeyArn: args.logsKeyArn,
        tags: tagged(`${args.namePrefix}-flow-logs`),
      },
      parent,
    );
    const role = new aws.iam.Role(
      `${name}-flow-logs-role`,
      {
        assumeRolePolicy: serviceTrustPolicy("vpc-flow-logs.amazonaws.com", args.aws.accountId),
        tags: tagged(`${args.namePrefix}-flow-logs`),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-flow-logs-write`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
              Resource: [logGroup.arn, pulumi.interpolate`${logGroup.arn}:*`],
            },
          ],
        }),
      },
      parent,
    );
    new aws.ec2.FlowLog(
      `${name}-flow-log`,
      {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
        tags: tagged(`${args.namePrefix}-flow-log`),
      },
      parent,
    );
  }

  /**
   * S3 through a free gateway endpoint always (ECR image layers live in S3); the
   * interface endpoints when switched on, so nodes and the bastion reach SSM, ECR,
   * STS and Logs without the NAT gateways.
   */
  private createEndpoints(
    name: string,
    args: NetworkArgs,
    vpc: aws.ec2.Vpc,
    privateSubnets: aws.ec2.Subnet[],
    privateRouteTables: aws.ec2.RouteTable[],
    tagged: (n: string) => Record<string, string>,
  ): void {
    const parent = { parent: this };
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: pulumi.interpolate`com.amazonaws.${args.aws.region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: privateRouteTables.map((t) => t.id),
        tags: tagged(`${args.namePrefix}-s3`),
      },
      parent,
    );
    if (!args.interfaceEndpoints) return;

    const endpointsSg = new aws.ec2.SecurityGroup(
      `${name}-endpoints-sg`,
      {
        vpcId: vpc.id,
        description: "Interface endpoints: HTTPS from inside the VPC only",
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.vpcCidr], description: "HTTPS from the VPC" }],
        egress: [],
        tags: tagged(`${args.namePrefix}-endpoints`),
      },
      parent,
    );
    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      new aws.ec2.VpcEndpoint(
        `${name}-${service.replace(".", "-")}`,
        {
          vpcId: vpc.id,
          serviceName: pulumi.interpolate`com.amazonaws.${args.aws.region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: privateSubnets.map((s) => s.id),
          securityGroupIds: [endpointsSg.id],
          tags: tagged(`${args.namePrefix}-${service}`),
        },
        parent,
      );
    }
  }
}
