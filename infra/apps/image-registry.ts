import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ImageRegistryArgs {
  readonly namePrefix: string;
  readonly apps: readonly string[];
  readonly tags: Record<string, string>;
}

/** Tagged images kept per app: enough to roll back through a busy release week. */
export const KEPT_RELEASES = 30;

/**
 * An ECR repository per app: tags are immutable (a tag names one build forever, so
 * a rollback redeploys exactly what ran before), every push is scanned, and a
 * lifecycle policy keeps the last releases and drops untagged layers.
 */
export class ImageRegistry extends pulumi.ComponentResource {
  /** Repository URL per app, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/coupon-prod/gateway. */
  readonly repositoryUrls: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: ImageRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coupon-platform:delivery:ImageRegistry", name, {}, opts);
    for (const app of args.apps) {
      const repository = new aws.ecr.Repository(
        `${name}-${app}`,
        {
          name: `${args.namePrefix}/${app}`,
          imageTagMutability: "IMMUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: "KMS" }],
          tags: { ...args.tags, app },
        },
        { parent: this },
      );
      new aws.ecr.LifecyclePolicy(
        `${name}-${app}-lifecycle`,
        {
          repository: repository.name,
          policy: JSON.stringify({
            rules: [
              {
                rulePriority: 1,
                description: "Untagged layers go after a week",
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
                action: { type: "expire" },
              },
              {
                rulePriority: 2,
                description: `Keep the last ${KEPT_RELEASES} releases`,
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: KEPT_RELEASES },
                action: { type: "expire" },
              },
            ],
          }),
        },
        { parent: this },
      );
      this.repositoryUrls[app] = repository.repositoryUrl;
    }
    this.registerOutputs({ repositoryUrls: this.repositoryUrls });
  }
}
