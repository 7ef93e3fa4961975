import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface TierSecurityGroupArgs {
  readonly vpcId: pulumi.Input<string>;
  readonly description: string;
  readonly port: number;
  /** The only security groups admitted, each with why. */
  readonly sources: ReadonlyArray<{ readonly securityGroupId: pulumi.Input<string>; readonly description: string }>;
  readonly tags: Record<string, string>;
}

/**
 * A data store's security group: one TCP port, open only to the named security
 * groups (never to CIDRs), and no egress — a store answers, it never calls out.
 */
export function createTierSecurityGroup(
  name: string,
  args: TierSecurityGroupArgs,
  opts: pulumi.CustomResourceOptions,
): aws.ec2.SecurityGroup {
  return new aws.ec2.SecurityGroup(
    name,
    {
      vpcId: args.vpcId,
      description: args.description,
      ingress: args.sources.map((source) => ({
        protocol: "tcp",
        fromPort: args.port,
        toPort: args.port,
        securityGroups: [source.securityGroupId],
        description: source.description,
      })),
      egress: [],
      tags: args.tags,
    },
    opts,
  );
}
