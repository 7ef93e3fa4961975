import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "../shared/aws-context";
import { createRotatingKey } from "./kms-key";

export interface LogsKeyArgs {
  readonly namePrefix: string;
  readonly aws: AwsContext;
  readonly deletionWindowDays: number;
  /** Pulumi `protect` on the key: a destroy or a replacing change stops instead. */
  readonly protect: boolean;
  readonly tags: Record<string, string>;
}

/**
 * A customer-managed KMS key for every CloudWatch Logs group the platform writes
 * (VPC flow logs, EKS control plane, MSK broker, ElastiCache and RDS logs). CloudWatch Logs can
 * use it only for this account's log groups in this region.
 */
export class LogsKey extends pulumi.ComponentResource {
  readonly keyArn: pulumi.Output<string>;

  constructor(name: string, args: LogsKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coupon-platform:security:LogsKey", name, {}, opts);
    const { accountId, region, partition } = args.aws;

    const policy = pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministersKey",
          Effect: "Allow",
          Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "CloudWatchLogsOfThisAccount",
          Effect: "Allow",
          Principal: { Service: pulumi.interpolate`logs.${region}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: {
            ArnLike: { "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:*` },
          },
        },
      ],
    });

    const key = createRotatingKey(
      `${name}-key`,
      {
        alias: `${args.namePrefix}-logs`,
        description: `${args.namePrefix}: CloudWatch Logs encryption`,
        deletionWindowDays: args.deletionWindowDays,
        policy,
        tags: args.tags,
      },
      // Every log group is encrypted with this key: losing it loses every log.
      { parent: this, protect: args.protect },
    );

    this.keyArn = key.arn;
    this.registerOutputs({ keyArn: this.keyArn });
  }
}
