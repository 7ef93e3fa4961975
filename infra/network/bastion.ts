import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "../shared/aws-context";
import { serviceTrustPolicy } from "../security/trust-policy";
import { cpuArchitecture } from "../shared/instance-types";

export interface BastionArgs {
  readonly namePrefix: string;
  readonly aws: AwsContext;
  readonly vpcId: pulumi.Input<string>;
  /** A private subnet: the bastion has no public address and needs none. */
  readonly subnetId: pulumi.Input<string>;
  readonly instanceType: string;
  /** Where port forwards may go (the data tier's subnets) and on which ports. */
  readonly forwardTargets: { readonly cidrBlocks: string[]; readonly ports: number[] };
  readonly tags: Record<string, string>;
}

/**
 * A jump host reached only through SSM Session Manager: no SSH key, no public IP, no
 * inbound rule at all. Sessions are authorised and logged by IAM and CloudTrail, and
 * port forwarding through it reaches the private data tier from a laptop.
 */
export class Bastion extends pulumi.ComponentResource {
  readonly instanceId: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  /** The exact command that opens a shell on the bastion. */
  readonly sessionCommand: pulumi.Output<string>;
  private readonly region: pulumi.Input<string>;

  constructor(name: string, args: BastionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coupon-platform:bastion:Bastion", name, {}, opts);
    const parent = { parent: this };
    const tags = { ...args.tags, Name: `${args.namePrefix}-bastion` };

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"),
        tags,
      },
      parent,
    );
    // The one managed policy SSM needs; nothing else, so a session on the bastion carries no AWS power.
    new aws.iam.RolePolicyAttachment(
      `${name}-ssm-core`,
      { role: role.name, policyArn: pulumi.interpolate`arn:${args.aws.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore` },
      parent,
    );
    const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name, tags }, parent);

    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: "SSM bastion: no inbound; HTTPS out for SSM, forwards to the data tier",
        ingress: [],
        egress: [
          {
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: ["0.0.0.0/0"],
            description: "SSM, package repositories and the EKS API over HTTPS",
          },
          ...args.forwardTargets.ports.map((port) => ({
            protocol: "tcp",
            fromPort: port,
            toPort: port,
            cidrBlocks: args.forwardTargets.cidrBlocks,
            description: `Port forward to the data tier on ${port}`,
          })),
        ],
        tags,
      },
      parent,
    );

    const architecture = cpuArchitecture(args.instanceType);
    const ami = aws.ssm.getParameterOutput(
      { name: `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}` },
      parent,
    ).insecureValue;

    const instance = new aws.ec2.Instance(
      `${name}-instance`,
      {
        ami,
        instanceType: args.instanceType,
        subnetId: args.subnetId,
        vpcSecurityGroupIds: [securityGroup.id],
        iamInstanceProfile: profile.name,
        associatePublicIpAddress: false,
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: 16, deleteOnTermination: true },
        monitoring: true,
        tags,
        volumeTags: tags,
      },
      // A newer AMI must not replace the bastion under an open session; replace it on
      // purpose with `pulumi up --replace <urn>` (see docs/OPERATIONS.md).
      { parent: this, ignoreChanges: ["ami"] },
    );

    this.region = args.aws.region;
    this.instanceId = instance.id;
    this.securityGroupId = securityGroup.id;
    this.roleArn = role.arn;
    this.sessionCommand = pulumi.interpolate`aws ssm start-session --region ${args.aws.region} --target ${instance.id}`;
    this.registerOutputs({ instanceId: this.instanceId, sessionCommand: this.sessionCommand });
  }

  /** The command that forwards localhost:localPort through the bastion to host:remotePort. */
  portForwardCommand(host: pulumi.Input<string>, remotePort: number, localPort: number): pulumi.Output<string> {
    const parameters = pulumi.jsonStringify({ host: [host], portNumber: [String(remotePort)], localPortNumber: [String(localPort)] });
    return pulumi.interpolate`aws ssm start-session --region ${this.region} --target ${this.instanceId} --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters '${parameters}'`;
  }
}
