import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

interface IngressArgs {
  readonly namespace: string;
  readonly service: string;
  readonly provider: k8s.Provider;
  readonly dependsOn: pulumi.Resource[];
}

/** What the gateway serves to the internet: auth, the API and the WebSocket. */
export const PUBLIC_PATHS = ["/auth", "/api", "/ws"] as const;

/** ALB settings both load balancers share: IP targets (pod readiness gates work), health on /health/ready. */
const COMMON_ANNOTATIONS = {
  "alb.ingress.kubernetes.io/target-type": "ip",
  "alb.ingress.kubernetes.io/healthcheck-path": "/health/ready",
  "alb.ingress.kubernetes.io/healthcheck-interval-seconds": "10",
  "alb.ingress.kubernetes.io/healthy-threshold-count": "2",
  // Shorter than the pods' preStop pause plus drain: the ALB stops sending before the app stops.
  "alb.ingress.kubernetes.io/target-group-attributes": "deregistration_delay.timeout_seconds=30",
};

/**
 * The platform's only public entry: an internet-facing ALB for the gateway, HTTPS
 * with the stack's ACM certificate (TLS 1.2+), HTTP redirected to HTTPS, invalid
 * headers dropped, a long idle timeout for WebSockets.
 */
export function publicIngress(
  name: string,
  args: IngressArgs & { hostname: string; certificateArn: string; deletionProtection: boolean },
): k8s.networking.v1.Ingress {
  const attributes = [
    "idle_timeout.timeout_seconds=3600",
    "routing.http.drop_invalid_header_fields.enabled=true",
    `deletion_protection.enabled=${args.deletionProtection}`,
  ];
  return albIngress(
    name,
    args,
    {
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]),
      "alb.ingress.kubernetes.io/ssl-redirect": "443",
      "alb.ingress.kubernetes.io/certificate-arn": args.certificateArn,
      "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "alb.ingress.kubernetes.io/load-balancer-attributes": attributes.join(","),
    },
    // Only the public API: /health and /metrics stay inside (the ALB checks targets directly).
    { host: args.hostname, servicePort: { name: "http" }, paths: PUBLIC_PATHS },
  );
}

/** The internal ALB's listener port. */
export const INTERNAL_LISTENER_PORT = 80;

/**
 * An internal ALB in front of coupon, reachable only from the gateway's pods: the
 * ALB splits traffic between stable and canary by weight, which Argo Rollouts
 * writes into the `use-annotation` action of this Ingress at every canary step.
 */
export function internalIngress(
  name: string,
  args: IngressArgs & { securityGroupId: pulumi.Input<string>; subnetIds: pulumi.Input<string[]> },
): k8s.networking.v1.Ingress {
  return albIngress(
    name,
    args,
    {
      "alb.ingress.kubernetes.io/scheme": "internal",
      "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: INTERNAL_LISTENER_PORT }]),
      // The kit's own group (internalAlbSecurityGroup), which admits only the gateway's pods, replaces
      // the one the controller would create from CIDRs; the kit also declares the rule into the targets.
      "alb.ingress.kubernetes.io/security-groups": args.securityGroupId,
      "alb.ingress.kubernetes.io/manage-backend-security-group-rules": "false",
      // Pinned to the internal-LB subnets: the coupon NetworkPolicy admits those addresses only.
      "alb.ingress.kubernetes.io/subnets": pulumi.output(args.subnetIds).apply((ids) => ids.join(",")),
    },
    { servicePort: { name: "use-annotation" }, paths: ["/"] },
  );
}

/** An Ingress of class alb with one catch-all rule to the app's service. */
function albIngress(
  name: string,
  args: IngressArgs,
  annotations: Record<string, pulumi.Input<string>>,
  rule: { host?: string; servicePort: { name: string }; paths: readonly string[] },
): k8s.networking.v1.Ingress {
  const paths = rule.paths.map((path) => ({
    path,
    pathType: "Prefix",
    backend: { service: { name: args.service, port: rule.servicePort } },
  }));
  return new k8s.networking.v1.Ingress(
    name,
    {
      metadata: { name, namespace: args.namespace, annotations: { ...COMMON_ANNOTATIONS, ...annotations } },
      spec: { ingressClassName: "alb", rules: [{ ...(rule.host ? { host: rule.host } : {}), http: { paths } }] },
    },
    { provider: args.provider, dependsOn: args.dependsOn },
  );
}

/** The DNS name the load balancer controller wrote into the Ingress status. */
export function ingressHostname(ingress: k8s.networking.v1.Ingress): pulumi.Output<string> {
  return pulumi.all([ingress.urn, ingress.status]).apply(([urn, status]) => {
    const hostname = status?.loadBalancer?.ingress?.[0]?.hostname;
    if (!hostname) throw new Error(`Ingress ${urn} has no load balancer hostname yet`);
    return hostname;
  });
}
