import { ON_SYSTEM_NODES } from "../node-placement";
import type { AddOn } from "./add-on";

/** metrics-server v0.7 (resource metrics for CPU-based HPAs). */
export const metricsServer: AddOn = {
  chart: {
    repo: "https://kubernetes-sigs.github.io/metrics-server/",
    chart: "metrics-server",
    version: "3.12.2",
    appVersion: "0.7.2",
    kubernetes: { min: "1.27", source: "README compatibility matrix: 0.7.x supports Kubernetes 1.27+" },
  },
  releaseName: "metrics-server",
  namespace: "kube-system",
  values: ({ controllerReplicas }) => ({ replicas: controllerReplicas, ...ON_SYSTEM_NODES }),
};
