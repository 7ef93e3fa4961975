import { ON_SYSTEM_NODES } from "../node-placement";
import type { AddOn } from "./add-on";

/** Where Prometheus answers inside the cluster (release "prometheus" → service "prometheus-server"). */
export const PROMETHEUS_URL = "http://prometheus-server.monitoring.svc.cluster.local";

/** Where the server runs, and the labels the chart gives its pods (prometheus.server.matchLabels): network policies admit exactly these. */
export const PROMETHEUS_NAMESPACE = "monitoring";
export const PROMETHEUS_SERVER_POD_LABELS = { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/component": "server" };

/**
 * A Prometheus server for rollout analysis and the apps' metrics: it scrapes pods
 * annotated prometheus.io/scrape. Its TSDB lives on an emptyDir — analysis looks at
 * the last minutes, and no EBS CSI driver is needed.
 */
export const prometheus: AddOn = {
  chart: {
    repo: "https://prometheus-community.github.io/helm-charts",
    chart: "prometheus",
    version: "25.27.0",
    appVersion: "v2.54.1",
    kubernetes: { min: "1.19", source: "Chart.yaml kubeVersion >=1.19.0-0" },
  },
  releaseName: "prometheus",
  namespace: PROMETHEUS_NAMESPACE,
  values: () => ({
    server: { persistentVolume: { enabled: false }, retention: "2d", ...ON_SYSTEM_NODES },
    alertmanager: { enabled: false },
    "prometheus-pushgateway": { enabled: false },
    "prometheus-node-exporter": { enabled: false },
    "kube-state-metrics": { enabled: true },
  }),
};
