import { ON_APP_NODES } from "../cluster/node-placement";
/** The port every service listens on (PORT), named "http" everywhere: the API and the probes. */
export const APP_PORT = 8080;
/** The port serving only GET /metrics (METRICS_PORT), named "metrics": Prometheus may reach it and nothing else. */
export const METRICS_PORT = 9464;

/** The pod annotation holding the checksum of the app's ConfigMap and Secret. */
export const ENV_CHECKSUM_ANNOTATION = "coupon-platform.io/env-checksum";
/**
 * The pod annotation naming the security groups the app's SecurityGroupPolicy gives
 * its pods. A pod takes its groups only when created, so a change must roll them.
 */
export const SECURITY_GROUPS_ANNOTATION = "coupon-platform.io/security-groups";

/** A container under the restricted Pod Security Standard: non-root, read-only root, no escalation, no capabilities. */
export const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** Seconds between SIGTERM and SIGKILL: the load balancer deregisters the pod, then the app drains. */
export const TERMINATION_GRACE_SECONDS = 45;
/** Pause before SIGTERM so the ALB and kube-proxy stop sending new requests first. */
export const PRE_STOP_SLEEP_SECONDS = 10;

export interface PodTemplateArgs {
  readonly app: string;
  readonly image: string;
  readonly serviceAccountName: string;
  readonly configMapName: string;
  readonly secretName: string;
  /** sha256 of the rendered ConfigMap and Secret: a change rolls the pods. */
  readonly envChecksum: string;
  /** The groups of the app's SecurityGroupPolicy; empty when its pods share their node's. */
  readonly securityGroupIds: readonly string[];
  /** Extra variables taken from the pod itself (e.g. a gateway's id from its pod name). */
  readonly fieldEnv?: Record<string, string>;
  readonly resources: { cpu: string; memory: string; cpuLimit: string; memoryLimit: string };
  /** Spread hard across zones (prod) or best effort (dev). */
  readonly zoneSpread: "DoNotSchedule" | "ScheduleAnyway";
}

/**
 * The pod every app runs in: restricted security context (non-root, read-only
 * root filesystem, no privilege escalation, all capabilities dropped, seccomp
 * RuntimeDefault), probes on /health/live and /health/ready, requests and limits,
 * spread over zones and nodes, a preStop pause and a grace period long enough to
 * drain — rollouts and scale-downs depend on it.
 */
export function podTemplate(args: PodTemplateArgs) {
  const labels = { app: args.app, "app.kubernetes.io/name": args.app, "app.kubernetes.io/part-of": "coupon-platform" };
  return {
    metadata: {
      labels,
      annotations: {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": String(METRICS_PORT),
        "prometheus.io/path": "/metrics",
        [ENV_CHECKSUM_ANNOTATION]: args.envChecksum,
        ...(args.securityGroupIds.length > 0 ? { [SECURITY_GROUPS_ANNOTATION]: args.securityGroupIds.join(",") } : {}),
      },
    },
    spec: {
      serviceAccountName: args.serviceAccountName,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        fsGroup: 10001,
        seccompProfile: { type: "RuntimeDefault" },
      },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: args.zoneSpread,
          labelSelector: { matchLabels: { app: args.app } },
        },
        {
          maxSkew: 1,
          topologyKey: "kubernetes.io/hostname",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: { app: args.app } },
        },
      ],
      nodeSelector: ON_APP_NODES,
      containers: [
        {
          name: args.app,
          image: args.image,
          imagePullPolicy: "IfNotPresent",
          ports: [
            { name: "http", containerPort: APP_PORT, protocol: "TCP" },
            { name: "metrics", containerPort: METRICS_PORT, protocol: "TCP" },
          ],
          envFrom: [{ configMapRef: { name: args.configMapName } }, { secretRef: { name: args.secretName } }],
          env: Object.entries(args.fieldEnv ?? {}).map(([name, fieldPath]) => ({ name, valueFrom: { fieldRef: { fieldPath } } })),
          resources: {
            requests: { cpu: args.resources.cpu, memory: args.resources.memory },
            limits: { cpu: args.resources.cpuLimit, memory: args.resources.memoryLimit },
          },
          startupProbe: { httpGet: { path: "/health/live", port: "http" }, periodSeconds: 2, failureThreshold: 30 },
          livenessProbe: { httpGet: { path: "/health/live", port: "http" }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
          readinessProbe: { httpGet: { path: "/health/ready", port: "http" }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
          lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SLEEP_SECONDS } } },
          securityContext: RESTRICTED_CONTAINER,
          // The root filesystem is read-only; Node and the TLS libraries may still need a scratch /tmp.
          volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        },
      ],
      volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
    },
  };
}
