import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface StoredSecretArgs {
  /** The Secrets Manager name, e.g. coupon-prod/mysql/master. */
  readonly secretName: string;
  readonly description: string;
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Days a deleted secret stays restorable (7–30). */
  readonly recoveryWindowDays: number;
  /** The secret's value; Pulumi keeps it encrypted in state. */
  readonly value: pulumi.Input<string>;
  readonly tags: Record<string, string>;
}

/**
 * A credential kept in AWS Secrets Manager under the store's own KMS key: the one
 * place operators and workloads read it from. Pulumi holds only its encrypted copy.
 */
export function createStoredSecret(name: string, args: StoredSecretArgs, opts: pulumi.CustomResourceOptions): aws.secretsmanager.Secret {
  const secret = new aws.secretsmanager.Secret(
    name,
    {
      name: args.secretName,
      description: args.description,
      kmsKeyId: args.kmsKeyArn,
      recoveryWindowInDays: args.recoveryWindowDays,
      tags: args.tags,
    },
    opts,
  );
  new aws.secretsmanager.SecretVersion(`${name}-value`, { secretId: secret.id, secretString: pulumi.secret(args.value) }, opts);
  return secret;
}
