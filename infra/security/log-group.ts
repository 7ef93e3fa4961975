import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface EncryptedLogGroupArgs {
  /** The exact group name; AWS services that log by convention (EKS, RDS) need theirs. */
  readonly logGroupName: string;
  readonly retentionDays: number;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly tags: Record<string, string>;
}

/**
 * A log group the platform creates before the service that writes to it, so it has
 * a retention and KMS encryption instead of the never-expiring, unencrypted group a
 * service creates on first write.
 */
export function createEncryptedLogGroup(
  name: string,
  args: EncryptedLogGroupArgs,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(
    name,
    { name: args.logGroupName, retentionInDays: args.retentionDays, kmsKeyId: args.kmsKeyArn, tags: args.tags },
    opts,
  );
}
