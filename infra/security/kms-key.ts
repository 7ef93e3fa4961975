import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface RotatingKeyArgs {
  /** The alias, without "alias/": how operators find the key. */
  readonly alias: string;
  readonly description: string;
  readonly deletionWindowDays: number;
  /** A key policy; none keeps AWS's default (the account's IAM policies decide). */
  readonly policy?: pulumi.Input<string>;
  readonly tags: Record<string, string>;
}

/** A customer-managed KMS key with yearly rotation and an alias: every store the platform encrypts uses one. */
export function createRotatingKey(name: string, args: RotatingKeyArgs, opts: pulumi.CustomResourceOptions): aws.kms.Key {
  const key = new aws.kms.Key(
    name,
    {
      description: args.description,
      enableKeyRotation: true,
      deletionWindowInDays: args.deletionWindowDays,
      policy: args.policy,
      tags: args.tags,
    },
    opts,
  );
  new aws.kms.Alias(`${name}-alias`, { name: `alias/${args.alias}`, targetKeyId: key.keyId }, opts);
  return key;
}
