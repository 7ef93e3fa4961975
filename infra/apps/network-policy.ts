import { SMOKE_TEST_LABEL } from "./analysis-template";
import { PROMETHEUS_NAMESPACE, PROMETHEUS_SERVER_POD_LABELS } from "../cluster/addons/prometheus";
import { APP_PORT, METRICS_PORT } from "./pod-template";

/** Who may open connections to an app's API port. */
export type IngressSources =
  /** An ALB in IP mode (its nodes live in these subnets): the only way in for the gateway and coupon. */
  { readonly kind: "loadBalancer"; readonly subnetCidrs: readonly string[] } | { readonly kind: "none" };

export interface EgressTargets {
  /** The data tier's subnets and the ports it listens on. */
  readonly dataSubnetCidrs: readonly string[];
  readonly dataPorts: readonly number[];
  /** Other destinations: the internal ALB in front of coupon, STS for IRSA credentials. */
  readonly cidrs?: ReadonlyArray<{ readonly cidrs: readonly string[]; readonly port: number }>;
}

/** Egress to the cluster's DNS (CoreDNS in kube-system), which every pod needs to resolve a name. */
const TO_CLUSTER_DNS = {
  to: [
    {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    },
  ],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

/**
 * The namespace's baseline: every pod, in and out, denied. The per-app policies
 * (networkPolicySpec) and the smoke test's (smokeTestNetworkPolicySpec) open what
 * each needs; a pod none of them selects — a new workload, a debug pod — gets nothing.
 */
export function defaultDenySpec() {
  return { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
}

/**
 * The blue-green pre-promotion Job (smokeTestTemplateSpec): it takes no connections,
 * resolves the preview service's name and calls the app's pods on the app port (the
 * app's own policy admits it by the same label).
 */
export function smokeTestNetworkPolicySpec(app: string) {
  return {
    podSelector: { matchLabels: { [SMOKE_TEST_LABEL]: app } },
    policyTypes: ["Ingress", "Egress"],
    egress: [TO_CLUSTER_DNS, { to: [{ podSelector: { matchLabels: { app } } }], ports: [{ protocol: "TCP", port: APP_PORT }] }],
  };
}

/**
 * Default-deny for one app, opened only where the platform's flow needs it:
 * ingress from its load balancer on the app port, scraping by Prometheus, egress to
 * DNS, the data tier and the listed destinations. No app calls another's pods: the
 * gateway reaches coupon only through the internal ALB, which admits only the
 * gateway's pods by security group, so coupon admits only the ALB's subnets.
 */
export function networkPolicySpec(app: string, ingress: IngressSources, egress: EgressTargets, options: { readonly smokeTests: boolean }) {
  const appPort = [{ protocol: "TCP", port: APP_PORT }];
  // The Prometheus server's pods, and only on the metrics port: the API port is for the app's callers.
  const fromPrometheus = {
    from: [
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": PROMETHEUS_NAMESPACE } },
        podSelector: { matchLabels: PROMETHEUS_SERVER_POD_LABELS },
      },
    ],
    ports: [{ protocol: "TCP", port: METRICS_PORT }],
  };
  const ingressRules: object[] = [fromPrometheus];
  if (ingress.kind === "loadBalancer") {
    ingressRules.push({ from: ingress.subnetCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: appPort });
  }
  if (options.smokeTests) {
    // The blue-green pre-promotion Job asks the preview from inside the namespace.
    ingressRules.push({ from: [{ podSelector: { matchLabels: { [SMOKE_TEST_LABEL]: app } } }], ports: appPort });
  }

  const egressRules: object[] = [
    TO_CLUSTER_DNS,
    {
      to: egress.dataSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } })),
      ports: egress.dataPorts.map((port) => ({ protocol: "TCP", port })),
    },
  ];
  for (const target of egress.cidrs ?? []) {
    egressRules.push({ to: target.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: target.port }] });
  }

  return {
    podSelector: { matchLabels: { app } },
    policyTypes: ["Ingress", "Egress"],
    ingress: ingressRules,
    egress: egressRules,
  };
}

/** The release's migration Job: takes no connections, resolves names and reaches MySQL only. */
export function migrationJobNetworkPolicySpec(jobLabel: Record<string, string>, dataSubnetCidrs: readonly string[], mysqlPort: number) {
  return {
    podSelector: { matchLabels: jobLabel },
    policyTypes: ["Ingress", "Egress"],
    egress: [TO_CLUSTER_DNS, { to: dataSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: mysqlPort }] }],
  };
}
