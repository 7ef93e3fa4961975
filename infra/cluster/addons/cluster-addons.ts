import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createIrsaRole } from "../irsa-role";
import type { AddOn, AddOnContext } from "./add-on";
import { argoRollouts } from "./argo-rollouts";
import { clusterAutoscaler } from "./cluster-autoscaler";
import { keda } from "./keda";
import { loadBalancerController } from "./load-balancer-controller";
import { metricsServer } from "./metrics-server";
import { PROMETHEUS_URL, prometheus } from "./prometheus";

export interface ClusterAddonsArgs extends AddOnContext {
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcProviderUrl: pulumi.Input<string>;
  readonly provider: k8s.Provider;
  readonly tags: Record<string, string>;
}

/**
 * The cluster's add-ons (one module each under this folder) as pinned Helm
 * releases, in dependency order: the AWS Load Balancer Controller first (its
 * webhook admits Services and pods), then the rest. Each add-on that calls AWS has
 * its own IRSA role with only what it needs.
 */
export class ClusterAddons extends pulumi.ComponentResource {
  /** Releases that install CRDs: custom resources must depend on them. */
  readonly argoRollouts: k8s.helm.v3.Release;
  readonly keda: k8s.helm.v3.Release;
  readonly loadBalancerController: k8s.helm.v3.Release;
  readonly prometheus: k8s.helm.v3.Release;
  readonly prometheusUrl = PROMETHEUS_URL;

  constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coupon-platform:cluster:ClusterAddons", name, {}, opts);
    const install = (addOn: AddOn, dependsOn: pulumi.Resource[] = []) => {
      const role = addOn.irsa
        ? createIrsaRole(
            `${name}-${addOn.irsa.roleName}-role`,
            {
              oidcProviderArn: args.oidcProviderArn,
              oidcProviderUrl: args.oidcProviderUrl,
              namespace: addOn.namespace,
              serviceAccount: addOn.irsa.serviceAccount,
              policies: { access: addOn.irsa.policy(args) },
              tags: args.tags,
            },
            { parent: this },
          )
        : undefined;
      return new k8s.helm.v3.Release(
        `${name}-${addOn.releaseName}`,
        {
          name: addOn.releaseName,
          chart: addOn.chart.chart,
          version: addOn.chart.version,
          repositoryOpts: { repo: addOn.chart.repo },
          namespace: addOn.namespace,
          createNamespace: addOn.namespace !== "kube-system",
          atomic: true,
          cleanupOnFail: true,
          timeout: 600,
          values: addOn.values(args, role?.arn),
        },
        { parent: this, provider: args.provider, dependsOn },
      );
    };

    this.loadBalancerController = install(loadBalancerController);
    const afterLbc = [this.loadBalancerController];
    install(metricsServer, afterLbc);
    this.argoRollouts = install(argoRollouts, afterLbc);
    install(clusterAutoscaler, afterLbc);
    this.prometheus = install(prometheus, afterLbc);
    this.keda = install(keda, afterLbc);

    this.registerOutputs({});
  }
}
