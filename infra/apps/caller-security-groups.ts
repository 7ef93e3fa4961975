import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Security groups that name a caller to a load balancer. Inside the VPC every pod
 * shares its node's group, so a group alone cannot tell the gateway from any other
 * pod: the gateway's pods get one of their own through a SecurityGroupPolicy
 * (security groups for pods), and the internal ALB in front of coupon admits only it.
 */

export interface CallerSecurityGroupArgs {
  readonly vpcId: pulumi.Input<string>;
  readonly app: string;
  readonly tags: Record<string, string>;
}

/**
 * The group an app's pods carry besides the cluster's. It holds no rules: it is an
 * identity that others admit. The pods' own traffic stays governed by the cluster
 * group they also carry and by their NetworkPolicy. It must not carry the
 * kubernetes.io/cluster tag: the load balancer controller writes its target rules
 * into the one group of a pod's interface that does (the cluster's).
 */
export function callerSecurityGroup(
  name: string,
  args: CallerSecurityGroupArgs,
  opts?: pulumi.CustomResourceOptions,
): aws.ec2.SecurityGroup {
  return new aws.ec2.SecurityGroup(
    name,
    {
      vpcId: args.vpcId,
      description: `${args.app} pods: the only callers the internal load balancers admit`,
      ingress: [],
      egress: [],
      tags: { ...args.tags, Name: `${args.app}-pods`, app: args.app },
    },
    opts,
  );
}

export interface InternalAlbSecurityGroupArgs {
  readonly vpcId: pulumi.Input<string>;
  /** The ALB's listener port. */
  readonly listenerPort: number;
  /** The only group whose members may connect to the listener. */
  readonly callerSecurityGroupId: pulumi.Input<string>;
  /** The group the target pods carry (the cluster's): it admits the ALB on the target port. */
  readonly targetSecurityGroupId: pulumi.Input<string>;
  readonly targetPort: number;
  /** Where the target pods live: the ALB may connect there, on the target port only. */
  readonly targetCidrs: readonly string[];
  readonly tags: Record<string, string>;
}

/**
 * An internal ALB's security group, declared here rather than left to the load
 * balancer controller (which would admit CIDRs): its listener admits only the
 * caller's group, it reaches only the target port in the pods' subnets, and the
 * targets' group admits it on that port (health checks included).
 */
export function internalAlbSecurityGroup(
  name: string,
  args: InternalAlbSecurityGroupArgs,
  opts?: pulumi.CustomResourceOptions,
): aws.ec2.SecurityGroup {
  const group = new aws.ec2.SecurityGroup(
    name,
    {
      vpcId: args.vpcId,
      description: "Internal ALB: admits one caller group, reaches its targets on one port",
      ingress: [
        {
          protocol: "tcp",
          fromPort: args.listenerPort,
          toPort: args.listenerPort,
          securityGroups: [args.callerSecurityGroupId],
          description: "From pods of the admitted caller group",
        },
      ],
      egress: [
        {
          protocol: "tcp",
          fromPort: args.targetPort,
          toPort: args.targetPort,
          cidrBlocks: [...args.targetCidrs],
          description: "To the target pods: requests and health checks",
        },
      ],
      tags: args.tags,
    },
    opts,
  );
  new aws.vpc.SecurityGroupIngressRule(
    `${name}-to-targets`,
    {
      securityGroupId: args.targetSecurityGroupId,
      referencedSecurityGroupId: group.id,
      ipProtocol: "tcp",
      fromPort: args.targetPort,
      toPort: args.targetPort,
      description: "From the internal ALB",
    },
    opts,
  );
  return group;
}
