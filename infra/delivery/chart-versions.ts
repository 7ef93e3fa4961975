/**
 * Every Helm chart the kit installs, pinned: an unpinned chart changes the cluster
 * on an unrelated `pulumi up`. Each pin names the app version it runs and the
 * Kubernetes minors that app supports, from its project's own compatibility statement
 * (`max` left out where the project states no upper bound). A test checks every
 * version against a recorded copy of its repository's index
 * (tests/fixtures/helm-chart-index.yaml) and every stack's Kubernetes version against
 * the windows. Bump them one at a time.
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

export const CHARTS = {
  /** AWS Load Balancer Controller v2.14 (Ingress → ALB, target-group binding, pod readiness gates). */
  awsLoadBalancerController: {
    repo: "https://aws.github.io/eks-charts",
    chart: "aws-load-balancer-controller",
    version: "1.14.0",
    appVersion: "v2.14.0",
    kubernetes: { min: "1.22", source: "docs/deploy/installation.md: v2.5.0+ requires Kubernetes 1.22+" },
  },
  /** metrics-server v0.7 (resource metrics for CPU-based HPAs). */
  metricsServer: {
    repo: "https://kubernetes-sigs.github.io/metrics-server/",
    chart: "metrics-server",
    version: "3.12.2",
    appVersion: "0.7.2",
    kubernetes: { min: "1.27", source: "README compatibility matrix: 0.7.x supports Kubernetes 1.27+" },
  },
  /**
   * Argo Rollouts (Rollout, AnalysisTemplate CRDs and controller). The newest chart,
   * 2.41.0, ships v1.9.0, tested up to 1.34; v1.9.1 is the first release tested on
   * 1.35 (and fixes CVE-2026-35469), so the kit runs that image on the same chart.
   */
  argoRollouts: {
    repo: "https://argoproj.github.io/argo-helm",
    chart: "argo-rollouts",
    version: "2.41.0",
    appVersion: "v1.9.0",
    imageTag: "v1.9.1",
    kubernetes: { min: "1.32", max: "1.35", source: "argo-rollouts v1.9.1 .github/workflows/testing.yaml end-to-end matrix (k3s 1.32–1.35)" },
  },
  /**
   * Cluster Autoscaler 1.35: its minor must match the cluster's. Chart 9.54.0 said
   * 1.35.0 but ran v1.34.2; 9.59.0 runs v1.35.0.
   */
  clusterAutoscaler: {
    repo: "https://kubernetes.github.io/autoscaler",
    chart: "cluster-autoscaler",
    version: "9.59.0",
    appVersion: "1.35.0",
    kubernetes: { min: "1.35", max: "1.35", source: "cluster-autoscaler README: use the release matching the cluster's minor version" },
  },
  /** Prometheus server (rollout analysis and app metrics). */
  prometheus: {
    repo: "https://prometheus-community.github.io/helm-charts",
    chart: "prometheus",
    version: "25.27.0",
    appVersion: "v2.54.1",
    kubernetes: { min: "1.19", source: "Chart.yaml kubeVersion >=1.19.0-0" },
  },
  /** KEDA (ScaledObject: payment scales on its consumer lag). 2.20 is the first release tested on 1.35. */
  keda: {
    repo: "https://kedacore.github.io/charts",
    chart: "keda",
    version: "2.20.2",
    appVersion: "2.20.2",
    kubernetes: { min: "1.33", max: "1.35", source: "KEDA docs, Kubernetes compatibility: v2.20 tested on v1.33–v1.35" },
  },
} as const satisfies Record<string, PinnedChart>;

export type ChartName = keyof typeof CHARTS;
