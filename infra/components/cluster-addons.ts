import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "../aws-context";
import { clusterAutoscalerPolicy, kedaCloudWatchPolicy, loadBalancerControllerPolicy } from "../delivery/addon-policies";
import { CHARTS, type ChartName } from "../delivery/chart-versions";
import { createIrsaRole } from "../delivery/irsa-role";

export interface ClusterAddonsArgs {
  readonly clusterName: string;
  readonly aws: AwsContext;
  readonly vpcId: pulumi.Input<string>;
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcProviderUrl: pulumi.Input<string>;
  readonly provider: k8s.Provider;
  /** Two replicas of each controller in prod, so a node drain never stops rollouts or load balancers. */
  readonly controllerReplicas: number;
  readonly tags: Record<string, string>;
}

/** Controllers run on the system node group, which only tolerating pods may use. */
const ON_SYSTEM_NODES = {
  nodeSelector: { "coupon-platform/node-group": "system" },
  tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }],
};

/** Where Prometheus answers inside the cluster (release "prometheus" → service "prometheus-server"). */
export const PROMETHEUS_URL = "http://prometheus-server.monitoring.svc.cluster.local";

/**
 * The cluster's add-ons from pinned Helm charts, in dependency order: the AWS Load
 * Balancer Controller first (its webhook admits Services and pods), then the rest.
 * Each add-on that calls AWS has its own IRSA role with only what it needs.
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
    const irsa = (role: string, namespace: string, serviceAccount: string, policy: pulumi.Input<string>) =>
      createIrsaRole(
        `${name}-${role}-role`,
        { oidcProviderArn: args.oidcProviderArn, oidcProviderUrl: args.oidcProviderUrl, namespace, serviceAccount, policies: { access: policy }, tags: args.tags },
        { parent: this },
      );
    const release = (chartName: ChartName, releaseName: string, namespace: string, values: pulumi.Input<Record<string, unknown>>, dependsOn: pulumi.Resource[] = []) => {
      const chart = CHARTS[chartName];
      return new k8s.helm.v3.Release(
        `${name}-${releaseName}`,
        {
          name: releaseName,
          chart: chart.chart,
          version: chart.version,
          repositoryOpts: { repo: chart.repo },
          namespace,
          createNamespace: namespace !== "kube-system",
          atomic: true,
          cleanupOnFail: true,
          timeout: 600,
          values,
        },
        { parent: this, provider: args.provider, dependsOn },
      );
    };

    const lbcRole = irsa("load-balancer-controller", "kube-system", "aws-load-balancer-controller", pulumi.output(args.aws.partition).apply(loadBalancerControllerPolicy));
    this.loadBalancerController = release("awsLoadBalancerController", "aws-load-balancer-controller", "kube-system", {
      clusterName: args.clusterName,
      region: args.aws.region,
      vpcId: args.vpcId,
      replicaCount: args.controllerReplicas,
      serviceAccount: { create: true, name: "aws-load-balancer-controller", annotations: { "eks.amazonaws.com/role-arn": lbcRole.arn } },
      ...ON_SYSTEM_NODES,
    });
    const afterLbc = [this.loadBalancerController];

    release("metricsServer", "metrics-server", "kube-system", { replicas: args.controllerReplicas, ...ON_SYSTEM_NODES }, afterLbc);

    // Rollouts verifies that the ALB target group really points at the new pods before shifting weight.
    const rolloutsRole = irsa(
      "argo-rollouts",
      "argo-rollouts",
      "argo-rollouts",
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "VerifyTargetGroups",
            Effect: "Allow",
            Action: [
              "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners",
              "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTags",
            ],
            Resource: "*",
          },
        ],
      }),
    );
    this.argoRollouts = release(
      "argoRollouts",
      "argo-rollouts",
      "argo-rollouts",
      {
        installCRDs: true,
        controller: { replicas: args.controllerReplicas, extraArgs: ["--aws-verify-target-group"], image: { tag: CHARTS.argoRollouts.imageTag }, ...ON_SYSTEM_NODES },
        serviceAccount: { create: true, name: "argo-rollouts", annotations: { "eks.amazonaws.com/role-arn": rolloutsRole.arn } },
        dashboard: { enabled: false },
      },
      afterLbc,
    );

    const autoscalerRole = irsa("cluster-autoscaler", "kube-system", "cluster-autoscaler", clusterAutoscalerPolicy(args.clusterName));
    release(
      "clusterAutoscaler",
      "cluster-autoscaler",
      "kube-system",
      {
        autoDiscovery: { clusterName: args.clusterName },
        awsRegion: args.aws.region,
        rbac: { serviceAccount: { create: true, name: "cluster-autoscaler", annotations: { "eks.amazonaws.com/role-arn": autoscalerRole.arn } } },
        extraArgs: { "balance-similar-node-groups": true, "skip-nodes-with-system-pods": false, expander: "least-waste" },
        ...ON_SYSTEM_NODES,
      },
      afterLbc,
    );

    // A Prometheus for rollout analysis: it scrapes pods annotated prometheus.io/scrape. Its TSDB
    // lives on an emptyDir — analysis looks at the last minutes, and no EBS CSI driver is needed.
    this.prometheus = release(
      "prometheus",
      "prometheus",
      "monitoring",
      {
        server: { persistentVolume: { enabled: false }, retention: "2d", ...ON_SYSTEM_NODES },
        alertmanager: { enabled: false },
        "prometheus-pushgateway": { enabled: false },
        "prometheus-node-exporter": { enabled: false },
        "kube-state-metrics": { enabled: true },
      },
      afterLbc,
    );

    const kedaRole = irsa("keda", "keda", "keda-operator", kedaCloudWatchPolicy());
    this.keda = release(
      "keda",
      "keda",
      "keda",
      {
        podIdentity: { aws: { irsa: { enabled: true, roleArn: kedaRole.arn } } },
        operator: { replicaCount: args.controllerReplicas },
        ...ON_SYSTEM_NODES,
      },
      afterLbc,
    );

    this.registerOutputs({});
  }
}
