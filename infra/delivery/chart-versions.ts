/**
 * Every Helm chart the kit installs, pinned: an unpinned chart changes the cluster
 * on an unrelated `pulumi up`. Bump them here, one at a time, with the app version
 * each chart ships noted beside it.
 */
export const CHARTS = {
  /** AWS Load Balancer Controller v2.14 (Ingress → ALB, target-group binding, pod readiness gates). */
  awsLoadBalancerController: { repo: "https://aws.github.io/eks-charts", chart: "aws-load-balancer-controller", version: "1.14.0" },
  /** metrics-server v0.7 (resource metrics for CPU-based HPAs). */
  metricsServer: { repo: "https://kubernetes-sigs.github.io/metrics-server/", chart: "metrics-server", version: "3.12.2" },
  /** Argo Rollouts v1.9 (Rollout, AnalysisTemplate CRDs and controller). */
  argoRollouts: { repo: "https://argoproj.github.io/argo-helm", chart: "argo-rollouts", version: "2.41.1" },
  /** Cluster Autoscaler 1.35 (matches the pinned Kubernetes minor version). */
  clusterAutoscaler: { repo: "https://kubernetes.github.io/autoscaler", chart: "cluster-autoscaler", version: "9.54.0" },
  /** Prometheus server (rollout analysis and app metrics). */
  prometheus: { repo: "https://prometheus-community.github.io/helm-charts", chart: "prometheus", version: "25.27.0" },
  /** KEDA 2.17 (ScaledObject: payment scales on its consumer lag). */
  keda: { repo: "https://kedacore.github.io/charts", chart: "keda", version: "2.17.0" },
} as const;

export type ChartName = keyof typeof CHARTS;
