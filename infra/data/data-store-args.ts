import type * as pulumi from "@pulumi/pulumi";

/** Where and how every data store is placed: the same for Kafka, the cache and the database. */
export interface DataStoreArgs {
  readonly namePrefix: string;
  readonly vpcId: pulumi.Input<string>;
  /** One data subnet per AZ. */
  readonly dataSubnetIds: pulumi.Input<string[]>;
  /** The only security group admitted (besides the bastion for MySQL): the EKS nodes'. */
  readonly clientSecurityGroupId: pulumi.Input<string>;
  readonly logsKeyArn: pulumi.Input<string>;
  readonly keyDeletionWindowDays: number;
  /** Pulumi `protect` on the store and its key: a destroy or a replacing change stops instead of deleting data. */
  readonly protect: boolean;
  readonly tags: Record<string, string>;
}
