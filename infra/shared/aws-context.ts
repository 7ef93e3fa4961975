import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where the stack deploys: read once and handed to components, which never look it up. */
export interface AwsContext {
  readonly accountId: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
}

export function currentAwsContext(): AwsContext {
  return {
    accountId: aws.getCallerIdentityOutput().accountId,
    region: aws.getRegionOutput().region,
    partition: aws.getPartitionOutput().partition,
  };
}
