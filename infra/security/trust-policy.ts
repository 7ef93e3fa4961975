import * as pulumi from "@pulumi/pulumi";

/**
 * A trust policy that lets one AWS service assume a role; with an account id, only
 * on behalf of that account (confused-deputy guard for services that act for many).
 */
export function serviceTrustPolicy(service: string, sourceAccount?: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(sourceAccount === undefined ? {} : { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } }),
      },
    ],
  });
}
