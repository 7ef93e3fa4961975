import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface IrsaRoleArgs {
  readonly oidcProviderArn: pulumi.Input<string>;
  /** Issuer URL of the cluster's OIDC provider (https://oidc.eks…/id/…). */
  readonly oidcProviderUrl: pulumi.Input<string>;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Inline policy documents (JSON), by name. */
  readonly policies: Record<string, pulumi.Input<string>>;
  readonly tags: Record<string, string>;
}

/**
 * An IAM role only one Kubernetes service account can assume (IRSA): the trust
 * policy pins the cluster's OIDC issuer, the audience and the exact
 * system:serviceaccount:<namespace>:<name> subject.
 */
export function createIrsaRole(name: string, args: IrsaRoleArgs, opts: pulumi.CustomResourceOptions): aws.iam.Role {
  const issuer = pulumi.output(args.oidcProviderUrl).apply((url) => url.replace(/^https:\/\//, ""));
  const role = new aws.iam.Role(
    name,
    {
      description: `IRSA: ${args.namespace}/${args.serviceAccount}`,
      assumeRolePolicy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: args.oidcProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: pulumi.output(issuer).apply((host) => ({
                [`${host}:aud`]: "sts.amazonaws.com",
                [`${host}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccount}`,
              })),
            },
          },
        ],
      }),
      tags: args.tags,
    },
    opts,
  );
  for (const [policyName, document] of Object.entries(args.policies)) {
    new aws.iam.RolePolicy(`${name}-${policyName}`, { role: role.id, policy: document }, opts);
  }
  return role;
}
