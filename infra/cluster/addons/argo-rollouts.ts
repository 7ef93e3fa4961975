import { ON_SYSTEM_NODES } from "../node-placement";
import type { AddOn, PinnedChart } from "./add-on";

/** Rollouts verifies that the ALB target group really points at the new pods before shifting weight. */
function verifyTargetGroupsPolicy(): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "VerifyTargetGroups",
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetHealth",
          "elasticloadbalancing:DescribeTags",
        ],
        Resource: "*",
      },
    ],
  });
}

/**
 * Argo Rollouts (Rollout, AnalysisTemplate CRDs and controller). The newest chart,
 * 2.41.0, ships v1.9.0, tested up to 1.34; v1.9.1 is the first release tested on
 * 1.35 (and fixes CVE-2026-35469), so the kit runs that image on the same chart.
 */
const chart: PinnedChart = {
  repo: "https://argoproj.github.io/argo-helm",
  chart: "argo-rollouts",
  version: "2.41.0",
  appVersion: "v1.9.0",
  imageTag: "v1.9.1",
  kubernetes: { min: "1.32", max: "1.35", source: "argo-rollouts v1.9.1 .github/workflows/testing.yaml end-to-end matrix (k3s 1.32–1.35)" },
};

export const argoRollouts: AddOn = {
  chart,
  releaseName: "argo-rollouts",
  namespace: "argo-rollouts",
  irsa: { roleName: "argo-rollouts", serviceAccount: "argo-rollouts", policy: verifyTargetGroupsPolicy },
  values: ({ controllerReplicas }, roleArn) => ({
    installCRDs: true,
    controller: {
      replicas: controllerReplicas,
      extraArgs: ["--aws-verify-target-group"],
      image: { tag: chart.imageTag },
      ...ON_SYSTEM_NODES,
    },
    serviceAccount: { create: true, name: "argo-rollouts", annotations: { "eks.amazonaws.com/role-arn": roleArn } },
    dashboard: { enabled: false },
  }),
};
