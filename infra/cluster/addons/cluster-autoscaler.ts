import { ON_SYSTEM_NODES } from "../node-placement";
import type { AddOn } from "./add-on";

/**
 * Cluster Autoscaler: read everything it plans with, and change only the Auto
 * Scaling groups of this cluster's managed node groups (EKS tags them with
 * k8s.io/cluster-autoscaler/<cluster>=owned).
 */
function clusterAutoscalerPolicy(clusterName: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Plan",
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeTags",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
          "eks:DescribeNodegroup",
        ],
        Resource: "*",
      },
      {
        Sid: "ScaleOwnNodeGroups",
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: "*",
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
      },
    ],
  });
}

/**
 * Cluster Autoscaler 1.35: its minor must match the cluster's. Chart 9.54.0 said
 * 1.35.0 but ran v1.34.2; 9.59.0 runs v1.35.0. balance-similar-node-groups keeps
 * prod's per-zone apps groups the same size, so zone-spread pods always find room.
 */
export const clusterAutoscaler: AddOn = {
  chart: {
    repo: "https://kubernetes.github.io/autoscaler",
    chart: "cluster-autoscaler",
    version: "9.59.0",
    appVersion: "1.35.0",
    kubernetes: { min: "1.35", max: "1.35", source: "cluster-autoscaler README: use the release matching the cluster's minor version" },
  },
  releaseName: "cluster-autoscaler",
  namespace: "kube-system",
  irsa: {
    roleName: "cluster-autoscaler",
    serviceAccount: "cluster-autoscaler",
    policy: ({ clusterName }) => clusterAutoscalerPolicy(clusterName),
  },
  values: ({ clusterName, aws }, roleArn) => ({
    autoDiscovery: { clusterName },
    awsRegion: aws.region,
    rbac: { serviceAccount: { create: true, name: "cluster-autoscaler", annotations: { "eks.amazonaws.com/role-arn": roleArn } } },
    extraArgs: { "balance-similar-node-groups": true, "skip-nodes-with-system-pods": false, expander: "least-waste" },
    ...ON_SYSTEM_NODES,
  }),
};
