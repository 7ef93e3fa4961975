import type { PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type * as k8s from "@pulumi/kubernetes";
import type { Unwrap } from "@pulumi/pulumi";
import { indicesOf, whenKnown } from "../lib/props";
import type { Rule } from "../lib/rule";

/**
 * Rules on the Kubernetes objects the program declares: workloads (Deployments,
 * StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, Pods, Argo Rollouts and the
 * Jobs of Argo AnalysisTemplates), their autoscalers, disruption budgets and network
 * policies, Services and Helm releases. Objects a Helm release installs are rendered
 * on the cluster, not declared: the pack does not see them.
 *
 * Type tokens are "kubernetes:<group>/<version>:<Kind>" (the core group is "core"); a
 * CustomResource gets its token from its apiVersion and kind, so an Argo Rollout is
 * "kubernetes:argoproj.io/v1alpha1:Rollout".
 */

type PodSpec = Unwrap<k8s.types.input.core.v1.PodSpec>;
type Container = Unwrap<k8s.types.input.core.v1.Container>;
type LabelSelector = Unwrap<k8s.types.input.meta.v1.LabelSelector>;
type ObjectMeta = Unwrap<k8s.types.input.meta.v1.ObjectMeta>;
type PodTemplateSpec = Unwrap<k8s.types.input.core.v1.PodTemplateSpec>;
type ServiceSpec = Unwrap<k8s.types.input.core.v1.ServiceSpec>;
type NetworkPolicySpec = Unwrap<k8s.types.input.networking.v1.NetworkPolicySpec>;

/** Any Kubernetes object as the pack sees it: metadata and a spec of the kind's shape. */
interface KubeObject<Spec = Record<string, unknown>> {
  readonly metadata?: ObjectMeta;
  readonly spec?: Spec;
}

/** The part of an Argo Rollout's spec the rules read. */
interface RolloutSpec {
  readonly selector?: LabelSelector;
  readonly template?: PodTemplateSpec;
  /** A Rollout may take its pod template from an existing Deployment instead of declaring one. */
  readonly workloadRef?: { readonly apiVersion?: string; readonly kind?: string; readonly name?: string };
}

interface AnalysisTemplateSpec {
  readonly metrics?: ReadonlyArray<{
    readonly name?: string;
    readonly provider?: { readonly job?: { readonly spec?: { readonly template?: PodTemplateSpec } } };
  }>;
}

interface ScaleTargetRef {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
}

interface HelmChartProps {
  readonly name?: string;
  readonly chart?: string;
  readonly version?: string;
  readonly namespace?: string;
}

// ---------------------------------------------------------------------------------------
// Type tokens

interface KubeType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

function kubeType(type: string): KubeType | undefined {
  const match = /^kubernetes:([^:/]+)\/([^:/]+):([A-Za-z0-9]+)$/.exec(type);
  return match ? { group: match[1]!, version: match[2]!, kind: match[3]! } : undefined;
}

const APPS_GROUPS = ["apps", "extensions"];
const APPS_WORKLOADS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"];

/**
 * A server-side-apply patch (DeploymentPatch, ServicePatch…): it changes an object that
 * exists already, and sets only the fields it names. What it sets is judged like the
 * object's own; what it leaves out is not missing.
 */
function isPatch(type: string): boolean {
  return kubeType(type)?.kind.endsWith("Patch") ?? false;
}

/** The kinds that run pods, as the type token names them (a patch as its object); undefined for anything else. */
function workloadKind(type: string): string | undefined {
  const parsed = kubeType(type);
  if (!parsed) return undefined;
  const group = parsed.group;
  const kind = parsed.kind.replace(/Patch$/, "");
  if (APPS_GROUPS.includes(group) && APPS_WORKLOADS.includes(kind)) return kind;
  if (group === "core" && kind === "Pod") return kind;
  if (group === "batch" && (kind === "Job" || kind === "CronJob")) return kind;
  if (group === "argoproj.io" && (kind === "Rollout" || kind === "AnalysisTemplate" || kind === "ClusterAnalysisTemplate")) return kind;
  return undefined;
}

const isKind = (type: string, group: string, kind: string): boolean => {
  const parsed = kubeType(type);
  return parsed !== undefined && parsed.group === group && parsed.kind === kind;
};

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const HELM_V4_CHART = "kubernetes:helm.sh/v4:Chart";
const HELM_TYPES: readonly string[] = [HELM_RELEASE, HELM_V4_CHART];

// ---------------------------------------------------------------------------------------
// Small helpers

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1) ?? ""}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A value read in a box: undefined when it is unknown during preview, `{ value: undefined }` when it is not set. */
function known<T>(read: () => T): { readonly value: T } | undefined {
  return whenKnown(() => ({ value: read() }));
}

/** A string field of an object, for matching across a stack: a value unknown during preview matches anything. */
const ANY = Symbol("unknown during preview");
type Field = string | typeof ANY | undefined;

function fieldOf(read: () => unknown): Field {
  const box = known(read);
  if (box === undefined) return ANY;
  return typeof box.value === "string" ? box.value : undefined;
}

function fieldMatches(field: Field, wanted: string): boolean {
  return field === ANY || field === wanted;
}

/** The namespace a namespaced object is declared in: the program's, else "default" (a provider with another default namespace is not seen by the pack). */
function namespaceOf(object: KubeObject<unknown>): Field {
  return fieldOf(() => object.metadata?.namespace ?? "default");
}

/** "Rollout coupon-platform/coupon", with the Pulumi resource name when metadata.name is not set or not known. */
function describeObject(kind: string, object: KubeObject<unknown>, resourceName: string): string {
  const name = fieldOf(() => object.metadata?.name);
  const namespace = fieldOf(() => object.metadata?.namespace);
  const shownName = typeof name === "string" ? name : resourceName;
  return `${kind} ${typeof namespace === "string" ? `${namespace}/` : ""}${shownName}`;
}

function settingsList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

// ---------------------------------------------------------------------------------------
// Pods and containers of a workload

interface PodUnderCheck {
  /** What the violation names: 'Rollout coupon-platform/coupon', 'AnalysisTemplate coupon-platform/gateway-analysis, metric "preview-ready"'. */
  readonly owner: string;
  readonly spec: PodSpec;
  /** Job-like pods stop when their work is done; undefined when that is not known yet. */
  readonly runsToCompletion: boolean | undefined;
}

interface ContainerUnderCheck {
  readonly pod: PodUnderCheck;
  readonly container: Container;
  readonly init: boolean;
  /** 'container "coupon"' or 'init container "migrate"' (by position when unnamed). */
  readonly label: string;
}

/**
 * The pod specs a workload declares. A Rollout with spec.workloadRef has none of its
 * own: its pods are the referenced Deployment's, which is judged as a Deployment.
 */
function podsOf(args: ResourceValidationArgs): PodUnderCheck[] {
  const kind = workloadKind(args.type);
  if (!kind) return [];
  const object = args.props as KubeObject<Record<string, unknown>>;
  const owner = describeObject(kind, object, args.name);
  const pod = (spec: PodSpec | undefined, runsToCompletion: boolean | undefined, at = owner): PodUnderCheck[] =>
    spec === undefined || spec === null ? [] : [{ owner: at, spec, runsToCompletion }];

  switch (kind) {
    case "Pod": {
      const spec = whenKnown(() => (object as KubeObject<PodSpec>).spec);
      const restart = known(() => spec?.restartPolicy);
      const completes = restart === undefined ? undefined : restart.value === "Never" || restart.value === "OnFailure";
      return pod(spec, completes);
    }
    case "Job":
      return pod(
        whenKnown(() => (object as KubeObject<{ template?: PodTemplateSpec }>).spec?.template?.spec),
        true,
      );
    case "CronJob":
      return pod(
        whenKnown(
          () => (object as KubeObject<{ jobTemplate?: { spec?: { template?: PodTemplateSpec } } }>).spec?.jobTemplate?.spec?.template?.spec,
        ),
        true,
      );
    case "AnalysisTemplate":
    case "ClusterAnalysisTemplate": {
      // Argo Rollouts runs a metric's job provider as a Job in the template's namespace.
      const metrics = whenKnown(() => (object as KubeObject<AnalysisTemplateSpec>).spec?.metrics);
      return indicesOf(metrics).flatMap((i) => {
        const name = fieldOf(() => metrics![i]!.name);
        const at = `${owner}, metric ${typeof name === "string" ? `"${name}"` : `metrics[${i}]`}`;
        return pod(
          whenKnown(() => metrics![i]!.provider?.job?.spec?.template?.spec),
          true,
          at,
        );
      });
    }
    default:
      // Deployment, StatefulSet, DaemonSet, ReplicaSet, Rollout (with a template of its own).
      return pod(
        whenKnown(() => (object as KubeObject<{ template?: PodTemplateSpec }>).spec?.template?.spec),
        false,
      );
  }
}

function containersOf(pod: PodUnderCheck): ContainerUnderCheck[] {
  const found: ContainerUnderCheck[] = [];
  for (const [field, init] of [
    ["containers", false],
    ["initContainers", true],
  ] as const) {
    const list = whenKnown(() => pod.spec[field]);
    for (const i of indicesOf(list)) {
      const container = whenKnown(() => list![i]);
      if (container === undefined || container === null) continue;
      const name = fieldOf(() => container.name);
      const label = `${init ? "init container" : "container"} ${typeof name === "string" ? `"${name}"` : `${field}[${i}]`}`;
      found.push({ pod, container, init, label });
    }
  }
  return found;
}

/** The containers of a workload; of a patch only with `patches: true` (rules about what is set, not what is missing). */
function containersUnder(args: ResourceValidationArgs, options: { patches?: boolean } = {}): ContainerUnderCheck[] {
  if (isPatch(args.type) && !options.patches) return [];
  return podsOf(args).flatMap(containersOf);
}

const where = (c: ContainerUnderCheck) => `${capitalized(c.label)} of ${c.pod.owner}`;

/** What `read` finds wrong, or nothing when it finds nothing or reads a value unknown during preview. */
function problemsFrom(checks: ReadonlyArray<() => string | undefined>): string[] {
  return checks.flatMap((check) => {
    const problem = whenKnown(check);
    return problem ? [problem] : [];
  });
}

const isSet = (value: unknown) => value !== undefined && value !== null && value !== "";

// ---------------------------------------------------------------------------------------
// Requests and limits

interface ResourceSettings {
  readonly requireCpuLimit?: boolean;
}

const resources: Rule = {
  kind: "resource",
  name: "k8s-resources",
  service: "kubernetes",
  description:
    "Every container of a workload the program declares (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, Argo Rollout with its own pod template, and the Job of an Argo AnalysisTemplate), init containers included, requests CPU and memory and limits its memory, so the scheduler places it by what it needs and a leak kills the container, not its neighbours on the node. A request left out next to a limit counts: Kubernetes sets the request to the limit. A CPU limit is not required by default: CPU is compressible, a request already guarantees the container its share under contention, and a limit throttles it (CFS quota) even when the node has idle CPU, which shows up as tail latency. Set the rule's `requireCpuLimit` to require one as well.",
  fix: "set `resources: { requests: { cpu, memory }, limits: { memory } }` on every container (the kit's podTemplate in infra/apps/pod-template.ts sets requests and limits from the stack's `delivery.<app>.resources`, and the smoke-test Job in infra/apps/analysis-template.ts sets its own).",
  levels: { prod: "mandatory", dev: "advisory" },
  configSchema: {
    properties: {
      requireCpuLimit: {
        type: "boolean",
        default: false,
        description: "Also require a CPU limit (resources.limits.cpu) on every container.",
      },
    },
  },
  validateResource: (args, report) => {
    const requireCpuLimit = args.getConfig<ResourceSettings>().requireCpuLimit ?? false;
    for (const c of containersUnder(args)) {
      const declared = (read: () => unknown) => whenKnown(() => isSet(read()));
      const wanted: Array<readonly [string, () => unknown]> = [
        ["no CPU request (resources.requests.cpu)", () => c.container.resources?.requests?.cpu ?? c.container.resources?.limits?.cpu],
        [
          "no memory request (resources.requests.memory)",
          () => c.container.resources?.requests?.memory ?? c.container.resources?.limits?.memory,
        ],
        ["no memory limit (resources.limits.memory)", () => c.container.resources?.limits?.memory],
      ];
      if (requireCpuLimit) wanted.push(["no CPU limit (resources.limits.cpu)", () => c.container.resources?.limits?.cpu]);
      // Each in its own box: a value unknown during preview counts as set.
      const missing = wanted.filter(([, read]) => declared(read) === false).map(([what]) => what);
      if (missing.length > 0) report(`${where(c)} sets ${listed(missing)}.`);
    }
  },
};

// ---------------------------------------------------------------------------------------
// Probes

const probes: Rule = {
  kind: "resource",
  name: "k8s-probes",
  service: "kubernetes",
  description:
    "Every app container of a long-running workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Argo Rollout with its own pod template, and a Pod whose restartPolicy is Always) has a readiness probe, so it gets traffic (and a rollout counts it available) only once it can serve, and a liveness probe, so a hung process is restarted. Init containers are exempt (Kubernetes runs them to completion before the app starts), and so are Jobs, CronJobs, Argo analysis Jobs and Pods that run to completion: they serve nothing and stop on their own.",
  fix: "give the container a `readinessProbe` and a `livenessProbe`, as the kit's podTemplate in infra/apps/pod-template.ts does (readiness on /health/ready, liveness on /health/live, a startupProbe before them for a slow start).",
  levels: { prod: "mandatory", dev: "advisory" },
  validateResource: (args, report) => {
    for (const c of containersUnder(args)) {
      if (c.init || c.pod.runsToCompletion !== false) continue;
      const missing = problemsFrom([
        () =>
          isSet(c.container.readinessProbe) ? undefined : "no readiness probe (readinessProbe), so it gets traffic before it can serve",
        () => (isSet(c.container.livenessProbe) ? undefined : "no liveness probe (livenessProbe), so a hung process is never restarted"),
      ]);
      if (missing.length > 0) report(`${where(c)} has ${listed(missing)}.`);
    }
  },
};

// ---------------------------------------------------------------------------------------
// Security context

const SECCOMP_CONFINED = ["RuntimeDefault", "Localhost"];
/** The one capability the restricted Pod Security Standard lets a container add. */
const ADDABLE_CAPABILITIES = ["NET_BIND_SERVICE"];

/** What is wrong with a container's security context; for a patch (`setOnly`), only what it sets wrong, not what it leaves out. */
function securityProblems(c: ContainerUnderCheck, setOnly = false): string[] {
  const own = () => c.container.securityContext;
  const pods = () => c.pod.spec.securityContext;
  const missing = (problem: string) => (setOnly ? undefined : problem);
  return problemsFrom([
    () => {
      // The container's setting wins over the pod's.
      const mine = own()?.runAsNonRoot;
      if (mine === false) return "sets runAsNonRoot: false";
      if (mine === true || pods()?.runAsNonRoot === true) return undefined;
      return missing("does not set runAsNonRoot: true (neither in its securityContext nor in the pod's)");
    },
    () => (own()?.privileged === true ? "runs privileged (securityContext.privileged: true)" : undefined),
    () => {
      const value = own()?.allowPrivilegeEscalation;
      return value === false
        ? undefined
        : value === true
          ? "sets allowPrivilegeEscalation: true"
          : missing("does not set securityContext.allowPrivilegeEscalation: false");
    },
    () => {
      const value = own()?.readOnlyRootFilesystem;
      return value === true
        ? undefined
        : value === false
          ? "sets readOnlyRootFilesystem: false"
          : missing("does not set securityContext.readOnlyRootFilesystem: true");
    },
    () => {
      const drop = own()?.capabilities?.drop ?? [];
      return Array.from(drop).includes("ALL")
        ? undefined
        : missing('does not drop all capabilities (securityContext.capabilities.drop does not include "ALL")');
    },
    () => {
      const added = Array.from(own()?.capabilities?.add ?? []).filter((capability) => !ADDABLE_CAPABILITIES.includes(capability));
      return added.length === 0
        ? undefined
        : `adds capabilities ${added.join(", ")} (only ${ADDABLE_CAPABILITIES.join(", ")} may be added)`;
    },
    () => {
      const mine = own()?.seccompProfile?.type;
      const type = mine ?? pods()?.seccompProfile?.type;
      if (type !== undefined && SECCOMP_CONFINED.includes(type)) return undefined;
      return type === undefined
        ? missing("has no seccomp profile (seccompProfile.type RuntimeDefault or Localhost, on the container or the pod)")
        : `runs with seccompProfile.type ${type}${mine === undefined ? " (the pod's)" : ""}, not RuntimeDefault or Localhost`;
    },
  ]);
}

const podSecurity: Rule = {
  kind: "resource",
  name: "k8s-pod-security",
  service: "kubernetes",
  description:
    "Every container of a workload the program declares, init containers included, runs under the restricted Pod Security Standard's security context: runAsNonRoot true (on the container, or on the pod and not overridden), allowPrivilegeEscalation false, not privileged, readOnlyRootFilesystem true, capabilities.drop including \"ALL\" and nothing added but NET_BIND_SERVICE, and a seccomp profile of type RuntimeDefault or Localhost (on the container, or on the pod and not overridden). The namespace's `pod-security.kubernetes.io/enforce: restricted` label would refuse most of these pods at admission, after `pulumi up` has started: this rule refuses them at preview, and adds the read-only root filesystem, which the standard does not ask for.",
  fix: 'give the pod `securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } }` and each container `securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } }`, with an emptyDir for any path it writes to, as the kit\'s podTemplate in infra/apps/pod-template.ts does (a writable /tmp).',
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: (args, report) => {
    for (const c of containersUnder(args, { patches: true })) {
      const problems = securityProblems(c, isPatch(args.type));
      if (problems.length > 0) report(`${where(c)} does not run with the restricted security context: it ${listed(problems)}.`);
    }
  },
};

// ---------------------------------------------------------------------------------------
// Host namespaces, paths and ports

const noHostAccess: Rule = {
  kind: "resource",
  name: "k8s-no-host-access",
  service: "kubernetes",
  description:
    "No pod a workload declares shares its node's namespaces or files: hostNetwork, hostPID and hostIPC are not true, no volume is a hostPath, and no container binds a hostPort. Each lets a compromised container see or reach the node and every other pod on it, around NetworkPolicies.",
  fix: "remove hostNetwork/hostPID/hostIPC, use an emptyDir (scratch space), a ConfigMap/Secret or a persistent volume instead of a hostPath, and expose ports through a ClusterIP Service and the ALB Ingress (infra/apps/ingresses.ts) instead of a hostPort. Node agents that really need the host come from their Helm chart in infra/cluster/addons/cluster-addons.ts, not from the program.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: (args, report) => {
    for (const pod of podsOf(args)) {
      const spec = pod.spec;
      const problems = problemsFrom([
        () => (spec.hostNetwork === true ? "uses the node's network (hostNetwork: true)" : undefined),
        () => (spec.hostPID === true ? "sees the node's processes (hostPID: true)" : undefined),
        () => (spec.hostIPC === true ? "shares the node's IPC namespace (hostIPC: true)" : undefined),
      ]);
      const volumes = whenKnown(() => spec.volumes);
      for (const i of indicesOf(volumes)) {
        const problem = whenKnown(() => {
          const volume = volumes![i]!;
          if (!isSet(volume.hostPath)) return undefined;
          const path = whenKnown(() => volume.hostPath?.path);
          return `mounts the node's ${path ? `${path} ` : ""}as hostPath volume ${whenKnown(() => volume.name) ?? `volumes[${i}]`}`;
        });
        if (problem) problems.push(problem);
      }
      for (const c of containersOf(pod)) {
        const ports = whenKnown(() => c.container.ports);
        for (const j of indicesOf(ports)) {
          const hostPort = whenKnown(() => ports![j]!.hostPort);
          if (typeof hostPort === "number" && hostPort !== 0) problems.push(`binds host port ${hostPort} in ${c.label}`);
        }
      }
      if (problems.length > 0) report(`The pod of ${pod.owner} reaches into its node: it ${listed(problems)}.`);
    }
  },
};

// ---------------------------------------------------------------------------------------
// Images

interface ImageSettings {
  readonly requireDigest?: boolean;
}

const DIGEST = /@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

/** What is wrong with how an image reference is pinned, or undefined. */
export function imagePinProblem(image: string, requireDigest: boolean): string | undefined {
  if (DIGEST.test(image)) return undefined;
  if (image.includes("@")) return "has a digest that is not one (algorithm:hex, as @sha256:…)";
  // The tag follows the last ":" of the last path segment; a ":" before it is a registry's port.
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  const tag = colon < 0 ? undefined : lastSegment.slice(colon + 1);
  if (tag === undefined || tag === "") return 'has no tag, so it runs whatever "latest" points to when the node pulls it';
  if (tag === "latest") return 'uses the tag "latest", which moves with every push';
  if (requireDigest) return "is pinned by tag only; the rule's requireDigest setting asks for a digest (@sha256:…)";
  return undefined;
}

const imagePinned: Rule = {
  kind: "resource",
  name: "k8s-image-pinned",
  service: "kubernetes",
  description:
    "Every container of a workload the program declares, init containers included, runs a pinned image: a tag other than `latest`, or a digest (@sha256:…). An image without a tag is `latest`. With the rule's `requireDigest` setting, only a digest will do (a tag can be pushed again; the kit's ECR repositories are IMMUTABLE, so their tags cannot).",
  fix: "name the image with an explicit version tag or a digest, as infra/apps/platform-apps.ts does (`<repository>:<delivery.imageTag>` from the stack's immutable ECR repository; the smoke test runs curlimages/curl:8.11.1, pinned in infra/apps/analysis-template.ts).",
  levels: { prod: "mandatory", dev: "mandatory" },
  configSchema: {
    properties: {
      requireDigest: {
        type: "boolean",
        default: false,
        description: "Accept only images pinned by digest (image@sha256:…), not by tag.",
      },
    },
  },
  validateResource: (args, report) => {
    const requireDigest = args.getConfig<ImageSettings>().requireDigest ?? false;
    for (const c of containersUnder(args, { patches: true })) {
      const image = whenKnown(() => c.container.image);
      if (typeof image !== "string") continue;
      const problem = imagePinProblem(image, requireDigest);
      if (problem) report(`${where(c)} runs image "${image}", which ${problem}.`);
    }
  },
};

// ---------------------------------------------------------------------------------------
// Services

const serviceInternalOnly: Rule = {
  kind: "resource",
  name: "k8s-service-internal-only",
  service: "kubernetes",
  description:
    "No Service is of type LoadBalancer or NodePort, or lists externalIPs: each opens the pods on every node's address or on a load balancer of its own, around the one public entry (the gateway's internet-facing ALB, from an Ingress), its TLS policy and its subnets. ClusterIP (the default), headless and ExternalName Services are fine.",
  fix: 'make the Service `type: "ClusterIP"` (infra/apps/app-service.ts does) and expose it through an Ingress of class alb with target-type ip, as infra/apps/ingresses.ts does for the gateway (internet-facing) and coupon (internal).',
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: (args, report) => {
    if (!isKind(args.type, "core", "Service") && !isKind(args.type, "core", "ServicePatch")) return;
    const spec = whenKnown(() => (args.props as KubeObject<ServiceSpec>).spec);
    const problems = problemsFrom([
      () => {
        const type = spec?.type;
        return type === "LoadBalancer" || type === "NodePort" ? `is of type ${type}` : undefined;
      },
      () => {
        const ips = Array.from(spec?.externalIPs ?? []);
        return ips.length > 0 ? `lists externalIPs ${ips.join(", ")}` : undefined;
      },
    ]);
    if (problems.length > 0) {
      report(
        `${describeObject("Service", args.props as KubeObject<unknown>, args.name)} ${listed(problems)}: it is reachable from outside the cluster, not only through the ALB Ingress.`,
      );
    }
  },
};

const INTERNAL_ALB_SECURITY_GROUPS = "alb.ingress.kubernetes.io/security-groups";

const internalAlbCallerGroups: Rule = {
  kind: "resource",
  name: "k8s-internal-alb-caller-groups",
  service: "kubernetes",
  description:
    "Every Ingress that asks the AWS Load Balancer Controller for an internal ALB (alb.ingress.kubernetes.io/scheme: internal) names the ALB's own security groups (alb.ingress.kubernetes.io/security-groups) and sets no inbound-cidrs. Without them the controller creates a group admitting CIDRs (by default 0.0.0.0/0), and inside the VPC every pod of every namespace calls from those addresses: only a security group the caller's pods carry (security groups for pods) can say who may call.",
  fix: "declare the ALB's security group admitting only the caller's pod group (internalAlbSecurityGroup and callerSecurityGroup in infra/apps/caller-security-groups.ts), give the caller's pods that group (AppService podSecurityGroupIds), and pass the ALB's group in the annotation, as internalIngress in infra/apps/ingresses.ts does.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: (args, report) => {
    if (!isKind(args.type, "networking.k8s.io", "Ingress")) return;
    const annotations = () => ((args.props as KubeObject<unknown>).metadata?.annotations ?? {}) as Record<string, unknown>;
    // A scheme not known yet is not judged.
    if (fieldOf(() => annotations()["alb.ingress.kubernetes.io/scheme"]) !== "internal") return;
    const problems = problemsFrom([
      () => (isSet(annotations()[INTERNAL_ALB_SECURITY_GROUPS]) ? undefined : `names no ${INTERNAL_ALB_SECURITY_GROUPS}`),
      () =>
        annotations()["alb.ingress.kubernetes.io/inbound-cidrs"] !== undefined
          ? "admits alb.ingress.kubernetes.io/inbound-cidrs"
          : undefined,
    ]);
    if (problems.length > 0) {
      report(
        `${describeObject("Ingress", args.props as KubeObject<unknown>, args.name)} is an internal ALB that ${listed(problems)}: any pod in the VPC could reach it, not only its caller's.`,
      );
    }
  },
};

// ---------------------------------------------------------------------------------------
// Helm charts

const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** A chart on disk or a chart archive by URL: pinned by the files themselves, `version` is not used. */
function isLocalOrArchive(chart: string): boolean {
  return /^(\.{1,2}\/|\/|file:\/\/)/.test(chart) || /\.(tgz|tar\.gz)$/.test(chart);
}

/** What is wrong with a chart version, or undefined when it names one exact release. */
export function chartVersionProblem(version: unknown): string | undefined {
  if (version === undefined || version === null || version === "")
    return "sets no version, so each install and upgrade takes the newest chart the repository has";
  const text = String(version).trim();
  if (EXACT_VERSION.test(text)) return undefined;
  if (text === "latest" || text === "*") return `asks for version "${text}", which is whatever the repository has newest`;
  if (/[\^~<>=*|xX, ]/.test(text) || / - /.test(text)) return `asks for version "${text}", a range, not one release`;
  return `asks for version "${text}", which is not an exact major.minor.patch version`;
}

const helmChartPinned: Rule = {
  kind: "resource",
  name: "k8s-helm-chart-pinned",
  service: "kubernetes",
  description:
    "Every Helm chart the program installs (kubernetes.helm.v3.Release and kubernetes.helm.v4.Chart) names one exact chart version (major.minor.patch, as 1.14.0 or v2.3.1-rc.1): not left out, not `latest` or `*`, not a range such as ^1.14, ~1.14, >=1.0 or 1.14.x. An unpinned chart changes the cluster on an unrelated `pulumi up`. Charts from a local path or an archive URL (…/chart-1.2.3.tgz) are pinned by their files and not judged. kubernetes.helm.v3.Chart is a component whose inputs the engine does not hand policy packs; the objects it renders are judged by the other rules.",
  fix: "pin the chart's exact version in its add-on module (infra/cluster/addons/<add-on>.ts) and install it through ClusterAddons (infra/cluster/addons/cluster-addons.ts), which passes `version: chart.version` to the kubernetes.helm.v3.Release; bump one chart at a time.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: (args, report) => {
    if (!HELM_TYPES.includes(args.type)) return;
    const props = args.props as HelmChartProps;
    const chart = known(() => props.chart);
    if (chart && typeof chart.value === "string" && isLocalOrArchive(chart.value)) return;
    const version = known(() => props.version);
    if (!version) return;
    const problem = chartVersionProblem(version.value);
    // A chart not known yet may be a local one: only a version set to a range is wrong whatever it is.
    if (!problem || (!chart && !isSet(version.value))) return;
    const release = fieldOf(() => props.name);
    const what = args.type === HELM_RELEASE ? "Helm release" : "Helm chart";
    const chartName = chart && typeof chart.value === "string" ? ` (chart ${chart.value})` : "";
    report(`${what} ${typeof release === "string" ? release : args.name}${chartName} ${problem}.`);
  },
};

// ---------------------------------------------------------------------------------------
// Stack rules: what scales, protects and isolates each workload

/** A Deployment or Rollout the program declares, as the stack rules match it. */
interface ScaledWorkload {
  readonly resource: PolicyResource;
  readonly kind: "Deployment" | "Rollout";
  readonly namespace: string;
  readonly name: string;
  /** "Rollout coupon-platform/coupon" */
  readonly label: string;
}

/** An object's reference to a workload; a field unknown during preview matches anything. */
interface WorkloadRef {
  readonly namespace: Field;
  readonly kind: Field;
  readonly name: Field;
}

const refMatches = (ref: WorkloadRef, workload: ScaledWorkload) =>
  fieldMatches(ref.namespace, workload.namespace) && fieldMatches(ref.kind, workload.kind) && fieldMatches(ref.name, workload.name);
const refIsExact = (ref: WorkloadRef) => ref.namespace !== ANY && ref.kind !== ANY && ref.name !== ANY;

/** The Deployments Argo Rollouts' spec.workloadRef point at: Argo Rollouts scales them to zero and runs their pods itself. */
function rolloutWorkloadRefs(resources: readonly PolicyResource[]): WorkloadRef[] {
  return resources
    .filter((r) => isKind(r.type, "argoproj.io", "Rollout"))
    .flatMap((r) => {
      const rollout = r.props as KubeObject<RolloutSpec>;
      const hasRef = known(() => rollout.spec?.workloadRef);
      if (hasRef && !isSet(hasRef.value)) return [];
      return [
        {
          namespace: namespaceOf(rollout),
          kind: fieldOf(() => rollout.spec?.workloadRef?.kind ?? "Deployment"),
          name: fieldOf(() => rollout.spec?.workloadRef?.name),
        },
      ];
    });
}

/**
 * The Deployments and Rollouts the stack rules hold to autoscaling and disruption
 * budgets: all but the Deployments a Rollout's workloadRef takes its pods from (the
 * Rollout is the one scaled and budgeted), those whose namespace or name is not known
 * yet, and those the rule's `exempt` setting lists as "namespace/name".
 */
function scaledWorkloads(resources: readonly PolicyResource[], exempt: readonly string[]): ScaledWorkload[] {
  const referenced = rolloutWorkloadRefs(resources);
  return resources.flatMap((resource): ScaledWorkload[] => {
    const kind = isKind(resource.type, "argoproj.io", "Rollout")
      ? "Rollout"
      : APPS_GROUPS.some((g) => isKind(resource.type, g, "Deployment"))
        ? "Deployment"
        : undefined;
    if (!kind) return [];
    const object = resource.props as KubeObject<unknown>;
    const namespace = namespaceOf(object);
    const name = fieldOf(() => object.metadata?.name);
    if (typeof namespace !== "string" || typeof name !== "string") return [];
    if (exempt.includes(`${namespace}/${name}`)) return [];
    const workload: ScaledWorkload = { resource, kind, namespace, name, label: `${kind} ${namespace}/${name}` };
    if (kind === "Deployment" && referenced.some((ref) => refMatches(ref, workload))) return [];
    return [workload];
  });
}

const exemptSchema = (purpose: string) => ({
  type: "array" as const,
  items: { type: "string" as const, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$" },
  default: [],
  description: `Workloads, as "namespace/name", that need no ${purpose}.`,
});

interface ExemptSettings {
  readonly exempt?: readonly string[];
}

const HPA_GROUP = "autoscaling";
const KEDA_GROUP = "keda.sh";

const autoscaled: Rule = {
  kind: "stack",
  name: "k8s-workload-autoscaled",
  service: "kubernetes",
  description:
    "Every Deployment and Argo Rollout the program declares is scaled by exactly one autoscaler: a HorizontalPodAutoscaler whose spec.scaleTargetRef names its kind and name, or a KEDA ScaledObject whose spec.scaleTargetRef does (kind defaults to Deployment), in the same namespace. Two autoscalers on one workload fight over its replica count (KEDA runs an HPA of its own). A Deployment that a Rollout's spec.workloadRef points at is not judged: the Rollout is what scales. Workloads that must keep a fixed count (a singleton leader, say) are listed in the rule's `exempt` setting as \"namespace/name\": the exemption lives in the pack's config, which the guard rails' owners review, not in an annotation the workload's author sets. A workload or autoscaler whose namespace or name is not known yet is judged once known, when `pulumi up` runs the pack again.",
  fix: 'declare an autoscaler that targets the workload and leave its spec.replicas unset, as AppService in infra/apps/app-service.ts does: an autoscaling/v2 HorizontalPodAutoscaler on CPU (`scaleTargetRef: { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name }`) or, for a consumer, a KEDA ScaledObject on its lag; or list the workload in the rule\'s `exempt` setting.',
  levels: { prod: "mandatory", dev: "advisory" },
  configSchema: { properties: { exempt: exemptSchema("autoscaler: they keep the replica count they declare") } },
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    const exempt = settingsList(args.getConfig<ExemptSettings>().exempt);
    const autoscalers = args.resources.flatMap((resource): Array<WorkloadRef & { readonly label: string }> => {
      const parsed = kubeType(resource.type);
      const isHpa = parsed?.group === HPA_GROUP && parsed.kind === "HorizontalPodAutoscaler";
      const isKeda = parsed?.group === KEDA_GROUP && parsed.kind === "ScaledObject";
      if (!isHpa && !isKeda) return [];
      const object = resource.props as KubeObject<{ scaleTargetRef?: ScaleTargetRef }>;
      return [
        {
          namespace: namespaceOf(object),
          kind: fieldOf(() => object.spec?.scaleTargetRef?.kind ?? (isKeda ? "Deployment" : undefined)),
          name: fieldOf(() => object.spec?.scaleTargetRef?.name),
          label: describeObject(isHpa ? "HorizontalPodAutoscaler" : "ScaledObject", object, resource.name),
        },
      ];
    });
    for (const workload of scaledWorkloads(args.resources, exempt)) {
      const matching = autoscalers.filter((a) => refMatches(a, workload));
      if (matching.length === 0) {
        report(
          `${workload.label} is scaled by no autoscaler: no HorizontalPodAutoscaler or KEDA ScaledObject in namespace ${workload.namespace} has scaleTargetRef kind ${workload.kind}, name ${workload.name}, so it keeps a fixed replica count under any load.`,
          workload.resource.urn,
        );
        continue;
      }
      const exact = matching.filter(refIsExact);
      if (exact.length > 1) {
        report(
          `${workload.label} is scaled by ${exact.length} autoscalers (${listed(exact.map((a) => a.label))}), which fight over its replica count: keep one.`,
          workload.resource.urn,
        );
      }
    }
  },
};

/** The labels of a workload's pods: its template's, the referenced Deployment's for a Rollout with workloadRef, else its selector's (a subset of them). Undefined when not known yet. */
function podLabelsOf(workload: ScaledWorkload, resources: readonly PolicyResource[]): Record<string, string> | undefined {
  const object = workload.resource.props as KubeObject<RolloutSpec>;
  const copy = (read: () => Record<string, string> | undefined) =>
    whenKnown(() => {
      const labels = read();
      return labels === undefined || labels === null ? null : { ...labels };
    });
  const own = copy(() => object.spec?.template?.metadata?.labels);
  if (own) return own;
  if (own === undefined) return undefined;
  if (workload.kind === "Rollout") {
    const ref = known(() => object.spec?.workloadRef?.name);
    if (!ref) return undefined;
    const deployment = resources.find((r) => {
      if (!APPS_GROUPS.some((g) => isKind(r.type, g, "Deployment"))) return false;
      const d = r.props as KubeObject<unknown>;
      return namespaceOf(d) === workload.namespace && fieldOf(() => d.metadata?.name) === ref.value;
    });
    if (deployment) {
      const labels = copy(() => (deployment.props as KubeObject<{ template?: PodTemplateSpec }>).spec?.template?.metadata?.labels);
      if (labels !== null) return labels;
    }
  }
  return copy(() => object.spec?.selector?.matchLabels) ?? undefined;
}

/** Whether a label selector selects pods with these labels: true, false, or undefined when a part of it is not known yet. */
function selectorSelects(
  read: () => LabelSelector | undefined,
  labels: Record<string, string>,
  emptySelectsAll: boolean,
): boolean | undefined {
  const selector = known(read);
  if (!selector) return undefined;
  if (selector.value === undefined || selector.value === null) return false;
  const value = selector.value;
  const verdicts: Array<boolean | undefined> = [];
  const matchLabels = known(() => value.matchLabels);
  if (!matchLabels) verdicts.push(undefined);
  const wanted = matchLabels?.value ?? {};
  for (const key of Object.keys(wanted)) verdicts.push(whenKnown(() => labels[key] === wanted[key]));
  const box = known(() => value.matchExpressions);
  if (!box) verdicts.push(undefined);
  const expressions = box?.value;
  for (const i of indicesOf(expressions)) {
    verdicts.push(
      whenKnown(() => {
        const { key, operator } = expressions![i]!;
        const values = Array.from(expressions![i]!.values ?? []);
        const has = Object.prototype.hasOwnProperty.call(labels, key);
        switch (operator) {
          case "In":
            return has && values.includes(labels[key]!);
          case "NotIn":
            return !has || !values.includes(labels[key]!);
          case "Exists":
            return has;
          case "DoesNotExist":
            return !has;
          default:
            return false;
        }
      }),
    );
  }
  if (verdicts.length === 0) return emptySelectsAll;
  if (verdicts.includes(false)) return false;
  return verdicts.includes(undefined) ? undefined : true;
}

const pdbCoverage: Rule = {
  kind: "stack",
  name: "k8s-workload-pdb",
  service: "kubernetes",
  description:
    "Every Deployment and Argo Rollout the program declares is covered by a PodDisruptionBudget in its namespace whose selector selects its pods (matchLabels a subset of the pod template's labels, matchExpressions satisfied by them; an empty selector selects every pod in policy/v1), so a node drain or a cluster-autoscaler scale-down evicts its pods a few at a time instead of all at once. For a Rollout with spec.workloadRef the labels are the referenced Deployment's template's when the stack declares it, else the Rollout's selector's; that Deployment itself is not judged. Workloads listed in the rule's `exempt` setting (\"namespace/name\"; a single-replica workload, whose budget would block every drain) are not judged. A workload whose labels, or a budget whose namespace or selector, is not known yet is judged once known, when `pulumi up` runs the pack again.",
  fix: "declare a policy/v1 PodDisruptionBudget in the workload's namespace selecting its pod labels, as AppService in infra/apps/app-service.ts does (`maxUnavailable: 1, selector: { matchLabels: { app } }`); or list the workload in the rule's `exempt` setting.",
  levels: { prod: "mandatory", dev: "advisory" },
  configSchema: { properties: { exempt: exemptSchema("PodDisruptionBudget") } },
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    const exempt = settingsList(args.getConfig<ExemptSettings>().exempt);
    const budgets = args.resources.flatMap(
      (
        resource,
      ): Array<{
        readonly namespace: Field;
        readonly object: KubeObject<{ selector?: LabelSelector }>;
        readonly emptySelectsAll: boolean;
      }> => {
        const parsed = kubeType(resource.type);
        if (parsed?.group !== "policy" || parsed.kind !== "PodDisruptionBudget") return [];
        const object = resource.props as KubeObject<{ selector?: LabelSelector }>;
        // policy/v1beta1 read an empty selector as "no pods"; policy/v1 as "every pod".
        return [{ namespace: namespaceOf(object), object, emptySelectsAll: parsed.version !== "v1beta1" }];
      },
    );
    for (const workload of scaledWorkloads(args.resources, exempt)) {
      const labels = podLabelsOf(workload, args.resources);
      if (!labels) continue;
      const covered = budgets.some(
        (budget) =>
          fieldMatches(budget.namespace, workload.namespace) &&
          selectorSelects(() => budget.object.spec?.selector, labels, budget.emptySelectsAll) !== false,
      );
      if (covered) continue;
      const shown = Object.entries(labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(", ");
      report(
        `${workload.label} is covered by no PodDisruptionBudget: none in namespace ${workload.namespace} selects its pods (labels ${shown || "none"}), so a node drain may evict all of them at once.`,
        workload.resource.urn,
      );
    }
  },
};

interface DefaultDenySettings {
  readonly requireEgress?: boolean;
  readonly exemptNamespaces?: readonly string[];
}

const DEFAULT_EXEMPT_NAMESPACES = ["kube-system"];

/** Whether a NetworkPolicy denies everything to every pod of its namespace: true, false, or undefined when not known yet. */
function isDefaultDeny(spec: () => NetworkPolicySpec | undefined, requireEgress: boolean): boolean | undefined {
  return whenKnown(() => {
    const policy = spec();
    if (!policy) return false;
    const selector = policy.podSelector;
    const selectsAll =
      selector !== undefined &&
      selector !== null &&
      Object.keys(selector.matchLabels ?? {}).length === 0 &&
      (selector.matchExpressions ?? []).length === 0;
    const ingress = policy.ingress ?? [];
    const egress = policy.egress ?? [];
    // Without policyTypes, Kubernetes reads Ingress, and Egress when egress rules are given.
    const types = policy.policyTypes ? Array.from(policy.policyTypes) : egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
    const deniesIngress = types.includes("Ingress") && ingress.length === 0;
    const deniesEgress = types.includes("Egress") && egress.length === 0;
    return selectsAll && deniesIngress && (deniesEgress || !requireEgress);
  });
}

const namespaceDefaultDeny: Rule = {
  kind: "stack",
  name: "k8s-namespace-default-deny",
  service: "kubernetes",
  description:
    "Every namespace the program runs workloads in (the namespaces of the Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, Pods and Argo Rollouts it declares) has a default-deny NetworkPolicy: one that selects every pod (podSelector: {}), lists Ingress and Egress in policyTypes and allows nothing (no ingress or egress rules). Per-app policies then open only what each app needs, and a pod none of them selects (a new workload, a debug pod, a Job) can neither take nor open connections. Egress is part of it unless the rule's `requireEgress` is false. A namespace is exempt only through the rule's `exemptNamespaces` (kube-system by default), reviewed with the pack's config: a Helm chart installed into a namespace does not exempt the program's own workloads there. An object with no namespace is in \"default\". A policy whose namespace or spec is not known yet counts as one, until `pulumi up`.",
  fix: 'declare, next to the namespace, a NetworkPolicy `{ podSelector: {}, policyTypes: ["Ingress", "Egress"] }` with no rules, and open each app\'s traffic with its own policy, as infra/apps/platform-apps.ts does for the coupon-platform namespace (defaultDenySpec in infra/apps/network-policy.ts; per-app policies from networkPolicySpec, the smoke-test Job\'s from smokeTestNetworkPolicySpec).',
  levels: { prod: "mandatory", dev: "mandatory" },
  configSchema: {
    properties: {
      requireEgress: {
        type: "boolean",
        default: true,
        description: "Require the default-deny policy to deny egress as well as ingress.",
      },
      exemptNamespaces: {
        type: "array",
        items: { type: "string" },
        default: DEFAULT_EXEMPT_NAMESPACES,
        description: "Namespaces that need no default-deny NetworkPolicy.",
      },
    },
  },
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    const settings = args.getConfig<DefaultDenySettings>();
    const requireEgress = settings.requireEgress ?? true;
    const exempt = new Set(settings.exemptNamespaces ? settingsList(settings.exemptNamespaces) : DEFAULT_EXEMPT_NAMESPACES);

    const workloads = new Map<string, { readonly urn: string; readonly names: string[] }>();
    for (const resource of args.resources) {
      const kind = workloadKind(resource.type);
      // A patch changes a workload someone else declared, in a namespace someone else runs.
      if (!kind || kind === "AnalysisTemplate" || kind === "ClusterAnalysisTemplate" || isPatch(resource.type)) continue;
      const object = resource.props as KubeObject<unknown>;
      const namespace = namespaceOf(object);
      if (typeof namespace !== "string" || exempt.has(namespace)) continue;
      const entry = workloads.get(namespace) ?? { urn: resource.urn, names: [] };
      const name = fieldOf(() => object.metadata?.name);
      entry.names.push(`${kind} ${typeof name === "string" ? name : resource.name}`);
      workloads.set(namespace, entry);
    }

    const policies = args.resources
      .filter((r) => isKind(r.type, "networking.k8s.io", "NetworkPolicy"))
      .map((r): { readonly namespace: Field; readonly denies: boolean | undefined } => {
        const object = r.props as KubeObject<NetworkPolicySpec>;
        return { namespace: namespaceOf(object), denies: isDefaultDeny(() => object.spec, requireEgress) };
      });
    const namespaceUrns = new Map<string, string>();
    for (const resource of args.resources.filter((r) => isKind(r.type, "core", "Namespace"))) {
      const name = fieldOf(() => (resource.props as KubeObject<unknown>).metadata?.name);
      if (typeof name === "string") namespaceUrns.set(name, resource.urn);
    }

    for (const [namespace, { urn, names }] of [...workloads].sort(([a], [b]) => a.localeCompare(b))) {
      if (policies.some((p) => fieldMatches(p.namespace, namespace) && p.denies !== false)) continue;
      const wanted = requireEgress
        ? "policyTypes Ingress and Egress and no ingress or egress rules"
        : "policyTypes Ingress and no ingress rules";
      report(
        `Namespace ${namespace} runs ${listed(names)} but has no default-deny NetworkPolicy (podSelector: {}, ${wanted}): a pod no other policy selects takes and opens any connection.`,
        namespaceUrns.get(namespace) ?? urn,
      );
    }
  },
};

export const KUBERNETES_RULES: readonly Rule[] = [
  resources,
  probes,
  podSecurity,
  noHostAccess,
  imagePinned,
  serviceInternalOnly,
  internalAlbCallerGroups,
  helmChartPinned,
  autoscaled,
  pdbCoverage,
  namespaceDefaultDeny,
];
