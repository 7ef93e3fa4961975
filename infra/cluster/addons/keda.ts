import { ON_SYSTEM_NODES } from "../node-placement";
import type { AddOn } from "./add-on";

/** KEDA's operator reads the MSK consumer-lag metrics that scale payment. */
function kedaCloudWatchPolicy(): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadConsumerLag",
        Effect: "Allow",
        Action: ["cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics"],
        Resource: "*",
      },
    ],
  });
}

/** KEDA (ScaledObject: payment scales on its consumer lag). 2.20 is the first release tested on 1.35. */
export const keda: AddOn = {
  chart: {
    repo: "https://kedacore.github.io/charts",
    chart: "keda",
    version: "2.20.2",
    appVersion: "2.20.2",
    kubernetes: { min: "1.33", max: "1.35", source: "KEDA docs, Kubernetes compatibility: v2.20 tested on v1.33–v1.35" },
  },
  releaseName: "keda",
  namespace: "keda",
  irsa: { roleName: "keda", serviceAccount: "keda-operator", policy: kedaCloudWatchPolicy },
  values: ({ controllerReplicas }, roleArn) => ({
    podIdentity: { aws: { irsa: { enabled: true, roleArn } } },
    operator: { replicaCount: controllerReplicas },
    ...ON_SYSTEM_NODES,
  }),
};
