import { argoRollouts } from "./argo-rollouts";
import { clusterAutoscaler } from "./cluster-autoscaler";
import { keda } from "./keda";
import { loadBalancerController } from "./load-balancer-controller";
import { metricsServer } from "./metrics-server";
import { prometheus } from "./prometheus";

/**
 * Every Helm chart the kit installs, each pinned in its add-on's module. A test
 * checks every version against a recorded copy of its repository's index
 * (tests/fixtures/helm-chart-index.yaml) and every stack's Kubernetes version against
 * the support windows. Bump them one at a time.
 */
export const CHARTS = {
  awsLoadBalancerController: loadBalancerController.chart,
  metricsServer: metricsServer.chart,
  argoRollouts: argoRollouts.chart,
  clusterAutoscaler: clusterAutoscaler.chart,
  prometheus: prometheus.chart,
  keda: keda.chart,
};

export type ChartName = keyof typeof CHARTS;
