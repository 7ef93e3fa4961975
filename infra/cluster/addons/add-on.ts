import type * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "../../shared/aws-context";

/**
 * A Helm chart pinned to one version: an unpinned chart changes the cluster on an
 * unrelated `pulumi up`. The pin names the app version it runs and the Kubernetes
 * minors that app supports, from its project's own compatibility statement (`max`
 * left out where the project states no upper bound).
 */
export interface PinnedChart {
  readonly repo: string;
  readonly chart: string;
  readonly version: string;
  /** The app version the chart ships (its index entry's appVersion). */
  readonly appVersion: string;
  /** An image tag the kit runs instead of the chart's default, when the chart lags a patch release. */
  readonly imageTag?: string;
  /** Kubernetes minors the running app supports, and where that is stated. */
  readonly kubernetes: { readonly min: string; readonly max?: string; readonly source: string };
}

/** What every add-on's values and IAM policy may draw on. */
export interface AddOnContext {
  readonly clusterName: string;
  readonly aws: AwsContext;
  readonly vpcId: pulumi.Input<string>;
  /** Two replicas of each controller in prod, so a node drain never stops rollouts or load balancers. */
  readonly controllerReplicas: number;
}

/**
 * One cluster add-on: its pinned chart, where it is installed, the IAM policy of its
 * IRSA role (for add-ons that call AWS) and its chart values.
 */
export interface AddOn {
  readonly chart: PinnedChart;
  readonly releaseName: string;
  readonly namespace: string;
  readonly irsa?: {
    /** Names the role's resources (`<addons>-<roleName>-role`). */
    readonly roleName: string;
    readonly serviceAccount: string;
    readonly policy: (context: AddOnContext) => pulumi.Input<string>;
  };
  readonly values: (context: AddOnContext, roleArn?: pulumi.Output<string>) => pulumi.Input<Record<string, unknown>>;
}
