import { describe, expect, it } from "vitest";
import { smokeTestTemplateSpec } from "../../infra/apps/analysis-template";
import { CHARTS } from "../../infra/cluster/addons/chart-versions";
import { defaultDenySpec, networkPolicySpec, smokeTestNetworkPolicySpec } from "../../infra/apps/network-policy";
import { podTemplate } from "../../infra/apps/pod-template";
import { profileConfig } from "../../policies/lib/pack-config";
import { chartVersionProblem, imagePinProblem, KUBERNETES_RULES } from "../../policies/rules/kubernetes";
import { checkResource, checkStack, unknown, type ResourceUnderTest } from "../../policies/testing/harness";
import { ruleNamed } from "./rule-lookup";

const NS = "coupon-platform";
const ROLLOUT = "kubernetes:argoproj.io/v1alpha1:Rollout";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const RELEASE = "kubernetes:helm.sh/v3:Release";

const messages = (violations: readonly { message: string }[]) => violations.map((v) => v.message);
const prod = profileConfig(KUBERNETES_RULES, "prod");
const dev = profileConfig(KUBERNETES_RULES, "dev");
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const labelsOf = (app: string) => ({ app, "app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "coupon-platform" });

/** The pod template the kit's podTemplate (infra/apps/pod-template.ts) gives an app in prod. */
function kitTemplate(app = "coupon") {
  return podTemplate({
    app,
    image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/coupon-prod/${app}:0.1.0`,
    serviceAccountName: app,
    configMapName: `${app}-config`,
    secretName: `${app}-secret`,
    envChecksum: "0".repeat(64),
    securityGroupIds: [],
    resources: { cpu: "500m", memory: "512Mi", cpuLimit: "2", memoryLimit: "512Mi" },
    zoneSpread: "DoNotSchedule",
  });
}
type Template = ReturnType<typeof kitTemplate>;
type PodSpec = Record<string, unknown>;

/** The kit's template with its app container (and pod spec) changed. */
function templateWith(container: Record<string, unknown> = {}, pod: PodSpec = {}, app = "coupon"): Template {
  const template = clone(kitTemplate(app));
  Object.assign(template.spec.containers[0]!, container);
  Object.assign(template.spec, pod);
  return template;
}
/** The same, with container fields removed. */
function templateWithout(fields: readonly string[], pod: PodSpec = {}): Template {
  const template = templateWith({}, pod);
  for (const field of fields) delete (template.spec.containers[0] as Record<string, unknown>)[field];
  return template;
}

/** A Rollout as AppService (infra/apps/app-service.ts) declares it. */
function rollout(app = "coupon", template: unknown = kitTemplate(app), extra: Record<string, unknown> = {}): ResourceUnderTest {
  return {
    type: ROLLOUT,
    name: `${app}-rollout`,
    urn: `urn:pulumi:prod::coupon-platform::coupon-platform:delivery:AppService$${ROLLOUT}::${app}-rollout`,
    props: {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      metadata: { name: app, namespace: NS, labels: labelsOf(app), annotations: {} },
      spec: {
        revisionHistoryLimit: 5,
        selector: { matchLabels: { app } },
        template,
        strategy: { canary: { stableService: app, canaryService: `${app}-canary`, steps: [{ setWeight: 25 }] } },
        ...extra,
      },
    },
  };
}

/** A Rollout that takes its pods from a Deployment (spec.workloadRef) instead of a template of its own. */
function refRollout(app = "coupon", deploymentName = `${app}-base`): ResourceUnderTest {
  const base = rollout(app);
  const spec: Record<string, unknown> = {
    ...(base.props.spec as Record<string, unknown>),
    workloadRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName, scaleDown: "progressively" },
  };
  delete spec.template;
  return { ...base, props: { ...base.props, spec } };
}

function deployment(
  name = "coupon-base",
  template: unknown = kitTemplate("coupon"),
  namespace = NS,
  extra: Record<string, unknown> = {},
): ResourceUnderTest {
  return {
    type: DEPLOYMENT,
    name: `${name}-deployment`,
    props: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace },
      spec: { selector: { matchLabels: { app: "coupon" } }, template, ...extra },
    },
  };
}

/** Any workload kind with a pod spec at its place. */
function workload(type: string, kind: string, podSpec: unknown, name = "worker"): ResourceUnderTest {
  const template = { metadata: { labels: { app: name } }, spec: podSpec };
  const spec =
    kind === "Pod"
      ? podSpec
      : kind === "CronJob"
        ? { schedule: "0 * * * *", jobTemplate: { spec: { template } } }
        : { selector: { matchLabels: { app: name } }, template };
  return { type, name, props: { apiVersion: "v1", kind, metadata: { name, namespace: NS }, spec } };
}

/** The gateway's AnalysisTemplate, whose smoke test runs as a Job (infra/apps/analysis-template.ts). */
function smokeTestTemplate(
  spec: unknown = smokeTestTemplateSpec("gateway", "http://gateway-preview.coupon-platform.svc.cluster.local"),
): ResourceUnderTest {
  return {
    type: "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate",
    name: "gateway-analysis",
    props: { apiVersion: "argoproj.io/v1alpha1", kind: "AnalysisTemplate", metadata: { name: "gateway-analysis", namespace: NS }, spec },
  };
}

/** A bare container in the shape the rules need to pass, for kinds the kit does not declare. */
const SAFE_CONTAINER = clone(kitTemplate("worker").spec.containers[0]);
const safePod = (container: Record<string, unknown> = {}, pod: PodSpec = {}) => ({
  ...clone(kitTemplate("worker").spec),
  containers: [{ ...clone(SAFE_CONTAINER), ...container }],
  ...pod,
});

describe("the Kubernetes rules", () => {
  it("are named for their service and hold security mandatory everywhere, availability mandatory in prod", () => {
    const security = [
      "k8s-pod-security",
      "k8s-no-host-access",
      "k8s-image-pinned",
      "k8s-service-internal-only",
      "k8s-internal-alb-caller-groups",
      "k8s-helm-chart-pinned",
      "k8s-namespace-default-deny",
    ];
    const availability = ["k8s-resources", "k8s-probes", "k8s-workload-autoscaled", "k8s-workload-pdb"];
    expect(KUBERNETES_RULES.map((rule) => rule.name).sort()).toEqual([...security, ...availability].sort());
    for (const rule of KUBERNETES_RULES) {
      expect(rule.service).toBe("kubernetes");
      expect(rule.name).toMatch(/^k8s-[a-z0-9-]+$/);
      expect(rule.fix).toMatch(/infra\//);
      expect(rule.levels).toEqual(
        security.includes(rule.name) ? { prod: "mandatory", dev: "mandatory" } : { prod: "mandatory", dev: "advisory" },
      );
    }
  });

  it("find nothing in what the kit declares: its Rollouts, the smoke-test Job, Services and releases", async () => {
    const resources: ResourceUnderTest[] = [
      ...["gateway", "coupon", "payment"].map((app) => rollout(app)),
      smokeTestTemplate(),
      {
        type: "kubernetes:core/v1:Service",
        name: "coupon-svc",
        props: {
          metadata: { name: "coupon", namespace: NS },
          spec: { type: "ClusterIP", selector: { app: "coupon" }, ports: [{ port: 80 }] },
        },
      },
      ...Object.values(CHARTS).map((chart) => ({
        type: RELEASE,
        name: chart.chart,
        props: {
          name: chart.chart,
          chart: chart.chart,
          version: chart.version,
          repositoryOpts: { repo: chart.repo },
          namespace: "kube-system",
        },
      })),
    ];
    for (const rule of KUBERNETES_RULES.filter((r) => r.kind === "resource")) {
      for (const resource of resources) expect(await checkResource(rule, resource), `${rule.name} on ${resource.name}`).toEqual([]);
    }
  });
});

describe("k8s-resources", () => {
  const rule = ruleNamed(KUBERNETES_RULES, "k8s-resources");

  it("reports a container without requests or a memory limit, naming it and its Rollout, mandatory in prod and advisory in dev", async () => {
    const bare = rollout("coupon", templateWithout(["resources"]));
    const violations = await checkResource(rule, bare, prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(
      'Container "coupon" of Rollout coupon-platform/coupon sets no CPU request (resources.requests.cpu), no memory request (resources.requests.memory) and no memory limit (resources.limits.memory).',
    );
    expect(violations[0]?.message).toContain("Fix: set `resources: { requests: { cpu, memory }, limits: { memory } }`");
    expect(violations[0]?.level).toBe("mandatory");
    expect((await checkResource(rule, bare, dev))[0]?.level).toBe("advisory");
  });

  it("reports only what is missing, and counts a limit as the request Kubernetes derives from it", async () => {
    expect(
      messages(await checkResource(rule, rollout("coupon", templateWith({ resources: { requests: { cpu: "500m", memory: "512Mi" } } })))),
    ).toEqual([expect.stringContaining("sets no memory limit (resources.limits.memory).")]);
    expect(await checkResource(rule, rollout("coupon", templateWith({ resources: { limits: { cpu: "1", memory: "512Mi" } } })))).toEqual(
      [],
    );
  });

  it("does not ask for a CPU limit unless its requireCpuLimit setting does", async () => {
    const noCpuLimit = rollout(
      "coupon",
      templateWith({ resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "512Mi" } } }),
    );
    expect(await checkResource(rule, noCpuLimit)).toEqual([]);
    expect(messages(await checkResource(rule, noCpuLimit, { [rule.name]: { requireCpuLimit: true } }))).toEqual([
      expect.stringContaining("sets no CPU limit (resources.limits.cpu)."),
    ]);
    expect(await checkResource(rule, rollout(), { [rule.name]: { requireCpuLimit: true } })).toEqual([]);
    expect(rule.configSchema?.properties.requireCpuLimit?.default).toBe(false);
  });

  it("judges init containers and every workload kind, Argo analysis Jobs included", async () => {
    const init = rollout("coupon", templateWith({}, { initContainers: [{ name: "migrate", image: "migrate:1.0.0" }] }));
    expect(messages(await checkResource(rule, init))).toEqual([
      expect.stringContaining('Init container "migrate" of Rollout coupon-platform/coupon sets no CPU request'),
    ]);
    const bare = safePod({ resources: undefined });
    for (const [type, kind] of [
      ["kubernetes:apps/v1:StatefulSet", "StatefulSet"],
      ["kubernetes:apps/v1:DaemonSet", "DaemonSet"],
      ["kubernetes:apps/v1:ReplicaSet", "ReplicaSet"],
      ["kubernetes:batch/v1:Job", "Job"],
      ["kubernetes:batch/v1:CronJob", "CronJob"],
      ["kubernetes:core/v1:Pod", "Pod"],
      [DEPLOYMENT, "Deployment"],
    ] as const) {
      expect(messages(await checkResource(rule, workload(type, kind, bare))), kind).toEqual([
        expect.stringContaining(`Container "worker" of ${kind} coupon-platform/worker sets no CPU request`),
      ]);
      expect(await checkResource(rule, workload(type, kind, safePod())), kind).toEqual([]);
    }
    const smoke = clone(smokeTestTemplateSpec("gateway", "http://preview"));
    delete (smoke.metrics[0]!.provider.job.spec.template.spec.containers[0] as Record<string, unknown>).resources;
    expect(messages(await checkResource(rule, smokeTestTemplate(smoke)))).toEqual([
      expect.stringContaining(
        'Container "smoke" of AnalysisTemplate coupon-platform/gateway-analysis, metric "preview-ready" sets no CPU request',
      ),
    ]);
  });

  it("judges a Rollout with its own template, and leaves one with workloadRef to the Deployment it references", async () => {
    expect(await checkResource(rule, rollout())).toEqual([]);
    expect(await checkResource(rule, refRollout())).toEqual([]);
    expect(messages(await checkResource(rule, deployment("coupon-base", templateWithout(["resources"]))))).toEqual([
      expect.stringContaining('Container "coupon" of Deployment coupon-platform/coupon-base sets no CPU request'),
    ]);
  });

  it("neither crashes nor reports what is unknown during preview, and still judges what is known", async () => {
    expect(await checkResource(rule, rollout("coupon", unknown.object))).toEqual([]);
    expect(await checkResource(rule, rollout("coupon", { metadata: {}, spec: unknown.object }))).toEqual([]);
    expect(await checkResource(rule, rollout("coupon", templateWith({ resources: unknown.object })))).toEqual([]);
    expect(await checkResource(rule, { ...rollout(), props: unknown.object })).toEqual([]);
    const partly = templateWith({ resources: { requests: { cpu: unknown.string, memory: "512Mi" } } });
    expect(messages(await checkResource(rule, rollout("coupon", partly)))).toEqual([
      expect.stringContaining('"coupon" of Rollout coupon-platform/coupon sets no memory limit (resources.limits.memory).'),
    ]);
    const unknownContainer = templateWith({}, { containers: [unknown.object, { name: "sidecar", image: "envoy:1.30.0" }] });
    expect(messages(await checkResource(rule, rollout("coupon", unknownContainer)))).toEqual([
      expect.stringContaining('Container "sidecar"'),
    ]);
  });
});

describe("k8s-probes", () => {
  const rule = ruleNamed(KUBERNETES_RULES, "k8s-probes");

  it("reports an app container without readiness or liveness probe", async () => {
    const violations = await checkResource(rule, rollout("coupon", templateWithout(["readinessProbe", "livenessProbe"])), prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(
      'Container "coupon" of Rollout coupon-platform/coupon has no readiness probe (readinessProbe), so it gets traffic before it can serve and no liveness probe (livenessProbe), so a hung process is never restarted.',
    );
    expect(violations[0]?.message).toContain("Fix: give the container a `readinessProbe` and a `livenessProbe`");
    expect(violations[0]?.level).toBe("mandatory");
    expect(messages(await checkResource(rule, rollout("coupon", templateWithout(["livenessProbe"]))))).toEqual([
      expect.stringContaining("has no liveness probe"),
    ]);
  });

  it("passes the kit's pods, exempts init containers and everything that runs to completion", async () => {
    expect(await checkResource(rule, rollout())).toEqual([]);
    expect(
      await checkResource(rule, rollout("coupon", templateWith({}, { initContainers: [{ name: "migrate", image: "migrate:1.0.0" }] }))),
    ).toEqual([]);
    const noProbes = safePod({ readinessProbe: undefined, livenessProbe: undefined });
    expect(await checkResource(rule, workload("kubernetes:batch/v1:Job", "Job", noProbes))).toEqual([]);
    expect(await checkResource(rule, workload("kubernetes:batch/v1:CronJob", "CronJob", noProbes))).toEqual([]);
    expect(await checkResource(rule, smokeTestTemplate())).toEqual([]);
    expect(await checkResource(rule, workload("kubernetes:core/v1:Pod", "Pod", { ...noProbes, restartPolicy: "Never" }))).toEqual([]);
    expect(await checkResource(rule, workload("kubernetes:core/v1:Pod", "Pod", noProbes))).toHaveLength(1);
    expect(await checkResource(rule, workload("kubernetes:apps/v1:StatefulSet", "StatefulSet", noProbes))).toHaveLength(1);
  });

  it("judges a Rollout's own template, not one with workloadRef", async () => {
    expect(await checkResource(rule, refRollout())).toEqual([]);
    expect(await checkResource(rule, deployment("coupon-base", templateWithout(["readinessProbe"])))).toHaveLength(1);
  });

  it("neither crashes nor reports what is unknown during preview", async () => {
    expect(await checkResource(rule, rollout("coupon", unknown.object))).toEqual([]);
    expect(
      await checkResource(rule, rollout("coupon", templateWith({ readinessProbe: unknown.object, livenessProbe: unknown.object }))),
    ).toEqual([]);
    expect(
      messages(await checkResource(rule, rollout("coupon", templateWith({ readinessProbe: unknown.object, livenessProbe: undefined })))),
    ).toEqual([expect.stringContaining("has no liveness probe")]);
    expect(
      await checkResource(
        rule,
        workload("kubernetes:core/v1:Pod", "Pod", { ...safePod({ livenessProbe: undefined }), restartPolicy: unknown.string }),
      ),
    ).toEqual([]);
  });
});

describe("k8s-pod-security", () => {
  const rule = ruleNamed(KUBERNETES_RULES, "k8s-pod-security");

  it("reports every part of the restricted security context a container misses, in one violation", async () => {
    const violations = await checkResource(rule, rollout("coupon", templateWithout(["securityContext"], { securityContext: {} })));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(
      'Container "coupon" of Rollout coupon-platform/coupon does not run with the restricted security context: it does not set runAsNonRoot: true (neither in its securityContext nor in the pod\'s), does not set securityContext.allowPrivilegeEscalation: false, does not set securityContext.readOnlyRootFilesystem: true, does not drop all capabilities (securityContext.capabilities.drop does not include "ALL") and has no seccomp profile',
    );
    expect(violations[0]?.message).toContain("Fix: give the pod `securityContext: { runAsNonRoot: true");
    expect(violations[0]?.level).toBe("mandatory");
    expect((await checkResource(rule, rollout("coupon", templateWithout(["securityContext"])), dev))[0]?.level).toBe("mandatory");
  });

  it("takes runAsNonRoot and seccomp from the pod unless the container overrides them", async () => {
    const own = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };
    expect(await checkResource(rule, rollout("coupon", templateWith({ securityContext: own })))).toEqual([]);
    expect(
      messages(await checkResource(rule, rollout("coupon", templateWith({ securityContext: { ...own, runAsNonRoot: false } })))),
    ).toEqual([expect.stringContaining("it sets runAsNonRoot: false.")]);
    expect(
      messages(
        await checkResource(rule, rollout("coupon", templateWith({ securityContext: { ...own, seccompProfile: { type: "Unconfined" } } }))),
      ),
    ).toEqual([expect.stringContaining("runs with seccompProfile.type Unconfined, not RuntimeDefault or Localhost")]);
    const unconfinedPod = templateWith(
      { securityContext: own },
      { securityContext: { runAsNonRoot: true, seccompProfile: { type: "Unconfined" } } },
    );
    expect(messages(await checkResource(rule, rollout("coupon", unconfinedPod)))).toEqual([
      expect.stringContaining("runs with seccompProfile.type Unconfined (the pod's)"),
    ]);
    expect(
      await checkResource(
        rule,
        rollout("coupon", templateWith({ securityContext: { ...own, seccompProfile: { type: "Localhost", localhostProfile: "p.json" } } })),
      ),
    ).toEqual([]);
  });

  it("reports privileged containers, escalation, a writable root and added capabilities", async () => {
    const securityContext = {
      ...kitTemplate().spec.containers[0]!.securityContext,
      privileged: true,
      allowPrivilegeEscalation: true,
      readOnlyRootFilesystem: false,
      capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE", "SYS_ADMIN"] },
    };
    expect(messages(await checkResource(rule, rollout("coupon", templateWith({ securityContext }))))).toEqual([
      expect.stringContaining(
        "it runs privileged (securityContext.privileged: true), sets allowPrivilegeEscalation: true, sets readOnlyRootFilesystem: false and adds capabilities SYS_ADMIN (only NET_BIND_SERVICE may be added).",
      ),
    ]);
  });

  it("judges init containers, other kinds and the smoke-test Job; passes the kit's", async () => {
    expect(await checkResource(rule, rollout())).toEqual([]);
    expect(await checkResource(rule, smokeTestTemplate())).toEqual([]);
    const init = rollout("coupon", templateWith({}, { initContainers: [{ name: "migrate", image: "migrate:1.0.0" }] }));
    expect(messages(await checkResource(rule, init))).toEqual([
      expect.stringContaining(
        'Init container "migrate" of Rollout coupon-platform/coupon does not run with the restricted security context',
      ),
    ]);
    expect(await checkResource(rule, workload("kubernetes:batch/v1:CronJob", "CronJob", safePod({ securityContext: {} })))).toHaveLength(1);
    expect(await checkResource(rule, refRollout())).toEqual([]);
  });

  it("neither crashes nor reports what is unknown during preview, and judges each setting on its own", async () => {
    expect(await checkResource(rule, rollout("coupon", unknown.object))).toEqual([]);
    expect(
      await checkResource(rule, rollout("coupon", templateWith({ securityContext: unknown.object }, { securityContext: unknown.object }))),
    ).toEqual([]);
    const partly = {
      ...kitTemplate().spec.containers[0]!.securityContext,
      capabilities: { drop: unknown.array },
      readOnlyRootFilesystem: false,
    };
    expect(messages(await checkResource(rule, rollout("coupon", templateWith({ securityContext: partly }))))).toEqual([
      expect.stringContaining("it sets readOnlyRootFilesystem: false."),
    ]);
    const podUnknown = templateWith(
      { securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } } },
      { securityContext: unknown.object },
    );
    expect(await checkResource(rule, rollout("coupon", podUnknown))).toEqual([]);
  });
});

describe("k8s-no-host-access", () => {
  const rule = ruleNamed(KUBERNETES_RULES, "k8s-no-host-access");

  it("reports host namespaces, hostPath volumes and host ports, naming the workload", async () => {
    const pod = {
      hostNetwork: true,
      hostPID: true,
      volumes: [
        { name: "tmp", emptyDir: {} },
        { name: "docker", hostPath: { path: "/var/run/docker.sock" } },
      ],
    };
    const template = templateWith({ ports: [{ name: "http", containerPort: 8080, hostPort: 8080 }] }, pod);
    const violations = await checkResource(rule, rollout("coupon", template));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(
      "The pod of Rollout coupon-platform/coupon reaches into its node: it uses the node's network (hostNetwork: true), sees the node's processes (hostPID: true), mounts the node's /var/run/docker.sock as hostPath volume docker and binds host port 8080 in container \"coupon\".",
    );
    expect(violations[0]?.message).toContain("Fix: remove hostNetwork/hostPID/hostIPC");
    expect(violations[0]?.level).toBe("mandatory");
    expect(
      messages(await checkResource(rule, workload("kubernetes:apps/v1:DaemonSet", "DaemonSet", safePod({}, { hostIPC: true })))),
    ).toEqual([
      expect.stringContaining(
        "The pod of DaemonSet coupon-platform/worker reaches into its node: it shares the node's IPC namespace (hostIPC: true).",
      ),
    ]);
  });

  it("passes the kit's pods (an emptyDir /tmp, a container port without hostPort) and a Rollout with workloadRef", async () => {
    expect(await checkResource(rule, rollout())).toEqual([]);
    expect(await checkResource(rule, smokeTestTemplate())).toEqual([]);
    expect(await checkResource(rule, refRollout())).toEqual([]);
    expect(await checkResource(rule, rollout("coupon", templateWith({}, { hostNetwork: false })))).toEqual([]);
  });

  it("neither crashes nor reports what is unknown during preview", async () => {
    expect(await checkResource(rule, rollout("coupon", unknown.object))).toEqual([]);
    expect(
      await checkResource(
        rule,
        rollout("coupon", templateWith({ ports: unknown.array }, { hostNetwork: unknown.boolean, volumes: [unknown.object] })),
      ),
    ).toEqual([]);
    expect(
      messages(await checkResource(rule, rollout("coupon", templateWith({}, { hostNetwork: unknown.boolean, hostPID: true })))),
    ).toEqual([expect.stringContaining("it sees the node's processes (hostPID: true).")]);
  });
});

describe("k8s-image-pinned", () => {
  const rule = ruleNamed(KUBERNETES_RULES, "k8s-image-pinned");

  it("reports an image without a tag or on latest, naming the container and the image", async () => {
    const violations = await checkResource(
      rule,
      rollout("coupon", templateWith({ image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/coupon-prod/coupon" })),
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(
      'Container "coupon" of Rollout coupon-platform/coupon runs image "123456789012.dkr.ecr.eu-west-1.amazonaws.com/coupon-prod/coupon", which has no tag, so it runs whatever "latest" points to when the node pulls it.',
    );
    expect(violations[0]?.message).toContain("Fix: name the image with an explicit version tag or a digest");
    expect(violations[0]?.level).toBe("mandatory");
    expect(messages(await checkResource(rule, rollout("coupon", templateWith({ image: "nginx:latest" }))))).toEqual([
      expect.stringContaining('runs image "nginx:latest", which uses the tag "latest"'),
    ]);
    const init = templateWith({}, { initContainers: [{ name: "wait", image: "busybox" }] });
    expect(messages(await checkResource(rule, rollout("coupon", init)))).toEqual([
      expect.stringContaining('Init container "wait" of Rollout coupon-platform/coupon runs image "busybox"'),
    ]);
  });

  it("reads tags and digests as a registry does", () => {
    expect(imagePinProblem("registry.local:5000/team/app", false)).toContain("has no tag");
    expect(imagePinProblem("registry.local:5000/team/app:1.4.2", false)).toBeUndefined();
    expect(imagePinProblem("curlimages/curl:8.11.1", false)).toBeUndefined();
    expect(imagePinProblem(`app@sha256:${"a".repeat(64)}`, false)).toBeUndefined();
    expect(imagePinProblem(`app:latest@sha256:${"b".repeat(64)}`, true)).toBeUndefined();
    expect(imagePinProblem("app@sha256:short", false)).toContain("digest that is not one");
    expect(imagePinProblem("app:", false)).toContain("has no tag");
  });

  it("asks for a digest only when its requireDigest setting does", async () => {
    expect(await checkResource(rule, rollout())).toEqual([]);
    expect(messages(await checkResource(rule, rollout(), { [rule.name]: { requireDigest: true } }))).toEqual([
      expect.stringContaining("is pinned by tag only; the rule's requireDigest setting asks for a digest"),
    ]);
    const digest = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/coupon-prod/coupon@sha256:${"c".repeat(64)}`;
    expect(await checkResource(rule, rollout("coupon", templateWith({ image: digest })), { [rule.name]: { requireDigest: true } })).toEqual(
      [],
    );
  });

  it("passes the kit's images and leaves a Rollout with workloadRef to its Deployment", async () => {
    expect(await checkResource(rule, smokeTestTemplate())).toEqual([]);
    expect(await checkResource(rule, refRollout())).toEqual([]);
    expect(await checkResource(rule, deployment("coupon-base", templateWith({ image: "coupon" })))).toHaveLength(1);
  });

  it("neither crashes nor reports an image unknown during preview (the kit's ECR URL is, on a first preview)", async () => {
    expect(await checkResource(rule, rollout("coupon", templateWith({ image: unknown.string })))).toEqual([]);
    expect(await checkResource(rule, rollout("coupon", unknown.object))).toEqual([]);
  });
});

describe("k8s-service-internal-only", () => {
  const rule = ruleNamed(KUBERNETES_RULES, "k8s-service-internal-only");
  const service = (spec: unknown): ResourceUnderTest => ({
    type: "kubernetes:core/v1:Service",
    name: "coupon-svc-coupon",
    props: { apiVersion: "v1", kind: "Service", metadata: { name: "coupon", namespace: NS }, spec },
  });

  it("reports LoadBalancer and NodePort Services and externalIPs", async () => {
    const violations = await checkResource(rule, service({ type: "LoadBalancer", selector: { app: "coupon" }, ports: [{ port: 80 }] }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(
      "Service coupon-platform/coupon is of type LoadBalancer: it is reachable from outside the cluster, not only through the ALB Ingress.",
    );
    expect(violations[0]?.message).toContain('Fix: make the Service `type: "ClusterIP"`');
    expect(violations[0]?.level).toBe("mandatory");
    expect(messages(await checkResource(rule, service({ type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] })))).toEqual([
      expect.stringContaining("is of type NodePort"),
    ]);
    expect(messages(await checkResource(rule, service({ externalIPs: ["203.0.113.7"] })))).toEqual([
      expect.stringContaining("lists externalIPs 203.0.113.7"),
    ]);
  });

  it("passes the kit's ClusterIP Services, Services with no type, headless and ExternalName ones", async () => {
    expect(
      await checkResource(
        rule,
        service({
          type: "ClusterIP",
          selector: { app: "coupon" },
          ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
        }),
      ),
    ).toEqual([]);
    expect(await checkResource(rule, service({ ports: [{ port: 80 }] }))).toEqual([]);
    expect(await checkResource(rule, service({ clusterIP: "None", ports: [{ port: 80 }] }))).toEqual([]);
    expect(await checkResource(rule, service({ type: "ExternalName", externalName: "db.example.com" }))).toEqual([]);
  });

  it("neither crashes nor reports what is unknown during preview", async () => {
    expect(await checkResource(rule, service(unknown.object))).toEqual([]);
    expect(await checkResource(rule, service({ type: unknown.string, externalIPs: unknown.array }))).toEqual([]);
    expect(messages(await checkResource(rule, service({ type: "NodePort", externalIPs: unknown.array })))).toEqual([
      expect.stringContaining("is of type NodePort"),
    ]);
  });
});

describe("k8s-internal-alb-caller-groups", () => {
  const rule = ruleNamed(KUBERNETES_RULES, "k8s-internal-alb-caller-groups");
  /** coupon's internal Ingress as infra/apps/ingresses.ts declares it, with its annotations changed. */
  const ingress = (annotations: Record<string, unknown>): ResourceUnderTest => ({
    type: "kubernetes:networking.k8s.io/v1:Ingress",
    name: "coupon-internal",
    props: {
      metadata: {
        name: "coupon-internal",
        namespace: NS,
        annotations: {
          "alb.ingress.kubernetes.io/scheme": "internal",
          "alb.ingress.kubernetes.io/target-type": "ip",
          "alb.ingress.kubernetes.io/security-groups": "sg-0internalalb",
          "alb.ingress.kubernetes.io/manage-backend-security-group-rules": "false",
          ...annotations,
        },
      },
      spec: { ingressClassName: "alb", rules: [{ http: { paths: [] } }] },
    },
  });

  it("passes the kit's internal Ingress, which names its own security group", async () => {
    expect(await checkResource(rule, ingress({}))).toEqual([]);
  });

  it("reports an internal ALB left to the controller's CIDR-based group, or admitting CIDRs", async () => {
    const violations = await checkResource(rule, ingress({ "alb.ingress.kubernetes.io/security-groups": undefined }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(
      "Ingress coupon-platform/coupon-internal is an internal ALB that names no alb.ingress.kubernetes.io/security-groups: any pod in the VPC could reach it, not only its caller's.",
    );
    expect(violations[0]?.message).toContain("Fix: declare the ALB's security group admitting only the caller's pod group");
    expect(violations[0]?.level).toBe("mandatory");
    expect(
      messages(
        await checkResource(
          rule,
          ingress({ "alb.ingress.kubernetes.io/security-groups": "", "alb.ingress.kubernetes.io/inbound-cidrs": "10.20.0.0/19" }),
        ),
      ),
    ).toEqual([
      expect.stringContaining("names no alb.ingress.kubernetes.io/security-groups and admits alb.ingress.kubernetes.io/inbound-cidrs"),
    ]);
  });

  it("leaves internet-facing Ingresses to their own rules, and judges nothing unknown during preview", async () => {
    expect(
      await checkResource(
        rule,
        ingress({ "alb.ingress.kubernetes.io/scheme": "internet-facing", "alb.ingress.kubernetes.io/security-groups": undefined }),
      ),
    ).toEqual([]);
    expect(await checkResource(rule, ingress({ "alb.ingress.kubernetes.io/scheme": unknown.string }))).toEqual([]);
    expect(await checkResource(rule, ingress({ "alb.ingress.kubernetes.io/security-groups": unknown.string }))).toEqual([]);
  });
});

describe("k8s-helm-chart-pinned", () => {
  const rule = ruleNamed(KUBERNETES_RULES, "k8s-helm-chart-pinned");
  /** A release as infra/cluster/addons/cluster-addons.ts declares it. */
  const release = (version: unknown, chart: unknown = "aws-load-balancer-controller"): ResourceUnderTest => ({
    type: RELEASE,
    name: "addons-aws-load-balancer-controller",
    props: {
      name: "aws-load-balancer-controller",
      chart,
      version,
      repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
      namespace: "kube-system",
      atomic: true,
    },
  });

  it("reports a release without a version, naming it and its chart", async () => {
    const violations = await checkResource(rule, release(undefined));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(
      "Helm release aws-load-balancer-controller (chart aws-load-balancer-controller) sets no version, so each install and upgrade takes the newest chart the repository has.",
    );
    expect(violations[0]?.message).toContain("Fix: pin the chart's exact version in its add-on module (infra/cluster/addons/");
    expect(violations[0]?.level).toBe("mandatory");
    expect(await checkResource(rule, release(""))).toHaveLength(1);
  });

  it("reports ranges, latest and partial versions", async () => {
    for (const version of ["^1.14.0", "~1.14", ">=1.0.0", "1.14.x", "*", "latest", "1.14 - 1.15"]) {
      expect(messages(await checkResource(rule, release(version))), version).toEqual([
        expect.stringMatching(/asks for version .*(a range|newest)/),
      ]);
    }
    expect(messages(await checkResource(rule, release("1.14")))).toEqual([
      expect.stringContaining('asks for version "1.14", which is not an exact major.minor.patch version'),
    ]);
    expect(chartVersionProblem("2.41.1")).toBeUndefined();
    expect(chartVersionProblem("v3.0.0-rc.1+build.5")).toBeUndefined();
  });

  it("passes every chart the kit pins and judges Helm v4 Charts too", async () => {
    for (const chart of Object.values(CHARTS))
      expect(await checkResource(rule, release(chart.version, chart.chart)), chart.chart).toEqual([]);
    const v4 = (version: unknown): ResourceUnderTest => ({
      type: "kubernetes:helm.sh/v4:Chart",
      name: "keda",
      props: { chart: "oci://ghcr.io/kedacore/charts/keda", version, namespace: "keda" },
    });
    expect(messages(await checkResource(rule, v4(undefined)))).toEqual([
      expect.stringContaining("Helm chart keda (chart oci://ghcr.io/kedacore/charts/keda) sets no version"),
    ]);
    expect(await checkResource(rule, v4("2.17.0"))).toEqual([]);
  });

  it("leaves local charts and chart archives alone: their files pin them", async () => {
    expect(await checkResource(rule, release(undefined, "./charts/internal"))).toEqual([]);
    expect(await checkResource(rule, release(undefined, "https://example.com/charts/app-1.2.3.tgz"))).toEqual([]);
  });

  it("neither crashes nor reports what is unknown during preview", async () => {
    expect(await checkResource(rule, release(unknown.string))).toEqual([]);
    expect(await checkResource(rule, release(undefined, unknown.string))).toEqual([]);
    expect(messages(await checkResource(rule, release("^1.0.0", unknown.string)))).toEqual([
      expect.stringContaining('Helm release aws-load-balancer-controller asks for version "^1.0.0", a range'),
    ]);
  });
});

// ---------------------------------------------------------------------------------------
// Stack rules

/** An autoscaler as AppService declares it: an autoscaling/v2 HPA or a KEDA ScaledObject on the Rollout. */
function hpa(target: string, kind = "Rollout", namespace = NS, name = `${target}-hpa`): ResourceUnderTest {
  return {
    type: HPA,
    name,
    props: {
      metadata: { name: target, namespace },
      spec: { scaleTargetRef: { apiVersion: "argoproj.io/v1alpha1", kind, name: target }, minReplicas: 3, maxReplicas: 30 },
    },
  };
}
function scaledObject(
  target: string,
  ref: Record<string, unknown> = { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: target },
): ResourceUnderTest {
  return {
    type: SCALED_OBJECT,
    name: `${target}-scaledobject`,
    props: { metadata: { name: target, namespace: NS }, spec: { scaleTargetRef: ref, minReplicaCount: 3, maxReplicaCount: 24 } },
  };
}
function pdb(app: string, selector: unknown = { matchLabels: { app } }, namespace = NS, type = PDB): ResourceUnderTest {
  return { type, name: `${app}-pdb`, props: { metadata: { name: app, namespace }, spec: { maxUnavailable: 1, selector } } };
}
function netpol(name: string, spec: unknown, namespace: unknown = NS): ResourceUnderTest {
  return { type: NETWORK_POLICY, name: `${name}-netpol`, props: { metadata: { name, namespace }, spec } };
}
const appsNamespace: ResourceUnderTest = {
  type: NAMESPACE,
  name: "apps-namespace",
  urn: `urn:pulumi:prod::coupon-platform::${NAMESPACE}::apps-namespace`,
  props: { metadata: { name: NS, labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
};

/** What the kit's prod stack declares around its three apps. */
function kitStack(): ResourceUnderTest[] {
  const egress = { dataSubnetCidrs: ["10.10.144.0/22"], dataPorts: [9098, 6379, 3306] };
  return [
    appsNamespace,
    netpol("default-deny", defaultDenySpec()),
    ...["gateway", "coupon", "payment"].flatMap((app) => [
      rollout(app),
      pdb(app),
      netpol(app, networkPolicySpec(app, { kind: "none" }, egress, { smokeTests: false })),
    ]),
    netpol("gateway-smoke-test", smokeTestNetworkPolicySpec("gateway")),
    hpa("gateway"),
    hpa("coupon"),
    scaledObject("payment"),
    ...Object.values(CHARTS).map((chart) => ({
      type: RELEASE,
      name: chart.chart,
      props: { name: chart.chart, chart: chart.chart, version: chart.version, namespace: chart.chart === "keda" ? "keda" : "kube-system" },
    })),
  ];
}
const without = (resources: readonly ResourceUnderTest[], name: string) => resources.filter((r) => r.name !== name);

describe("k8s-workload-autoscaled", () => {
  const rule = ruleNamed(KUBERNETES_RULES, "k8s-workload-autoscaled");

  it("passes the kit: an HPA on gateway and coupon, a KEDA ScaledObject on payment", async () => {
    expect(await checkStack(rule, kitStack())).toEqual([]);
  });

  it("reports a Rollout no autoscaler targets, on the Rollout, mandatory in prod and advisory in dev", async () => {
    const stack = without(kitStack(), "coupon-hpa");
    const violations = await checkStack(rule, stack, prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.urn).toBe(rollout("coupon").urn);
    expect(violations[0]?.message).toContain(
      "Rollout coupon-platform/coupon is scaled by no autoscaler: no HorizontalPodAutoscaler or KEDA ScaledObject in namespace coupon-platform has scaleTargetRef kind Rollout, name coupon, so it keeps a fixed replica count under any load.",
    );
    expect(violations[0]?.message).toContain("Fix: declare an autoscaler that targets the workload");
    expect(violations[0]?.level).toBe("mandatory");
    expect((await checkStack(rule, stack, dev))[0]?.level).toBe("advisory");
  });

  it("matches kind, name and namespace: a Deployment's HPA does not scale a Rollout of that name, nor one in another namespace", async () => {
    const stack = [rollout("coupon"), hpa("coupon", "Deployment"), hpa("coupon", "Rollout", "other", "other-hpa")];
    expect(messages(await checkStack(rule, stack))).toEqual([
      expect.stringContaining("Rollout coupon-platform/coupon is scaled by no autoscaler"),
    ]);
  });

  it("reads a KEDA ScaledObject's scaleTargetRef with kind Deployment by default", async () => {
    const worker = deployment("worker", kitTemplate("worker"));
    expect(await checkStack(rule, [worker, scaledObject("worker", { name: "worker" })])).toEqual([]);
    expect(messages(await checkStack(rule, [worker]))).toEqual([
      expect.stringContaining("Deployment coupon-platform/worker is scaled by no autoscaler"),
    ]);
  });

  it("reports two autoscalers on one workload", async () => {
    const stack = [...kitStack(), hpa("payment")];
    expect(messages(await checkStack(rule, stack))).toEqual([
      expect.stringContaining(
        "Rollout coupon-platform/payment is scaled by 2 autoscalers (ScaledObject coupon-platform/payment and HorizontalPodAutoscaler coupon-platform/payment), which fight over its replica count",
      ),
    ]);
  });

  it("scales a Rollout with workloadRef as the Rollout, not the Deployment it takes its pods from", async () => {
    const stack = [refRollout("coupon", "coupon-base"), deployment("coupon-base"), hpa("coupon")];
    expect(await checkStack(rule, stack)).toEqual([]);
    expect(messages(await checkStack(rule, stack.slice(0, 2)))).toEqual([
      expect.stringContaining("Rollout coupon-platform/coupon is scaled by no autoscaler"),
    ]);
  });

  it("leaves out the workloads its exempt setting lists", async () => {
    const stack = [rollout("leader")];
    expect(await checkStack(rule, stack)).toHaveLength(1);
    expect(await checkStack(rule, stack, { [rule.name]: { exempt: ["coupon-platform/leader"] } })).toEqual([]);
    expect(await checkStack(rule, stack, { [rule.name]: { exempt: ["other/leader"] } })).toHaveLength(1);
  });

  it("neither crashes nor reports while a target or a workload is unknown during preview, and judges the others", async () => {
    const unknownTarget: ResourceUnderTest = {
      ...hpa("x"),
      props: { metadata: { name: "x", namespace: NS }, spec: { scaleTargetRef: { kind: "Rollout", name: unknown.string } } },
    };
    expect(await checkStack(rule, [rollout("coupon"), unknownTarget])).toEqual([]);
    expect(
      await checkStack(rule, [rollout("coupon"), { ...hpa("x"), props: { metadata: { namespace: NS }, spec: unknown.object } }]),
    ).toEqual([]);
    const unknownName = rollout("coupon");
    const pending: ResourceUnderTest = {
      ...unknownName,
      props: { ...unknownName.props, metadata: { name: unknown.string, namespace: NS } },
    };
    expect(messages(await checkStack(rule, [pending, rollout("gateway")]))).toEqual([
      expect.stringContaining("Rollout coupon-platform/gateway"),
    ]);
    expect(await checkStack(rule, [{ ...rollout("coupon"), props: unknown.object }])).toEqual([]);
  });
});

describe("k8s-workload-pdb", () => {
  const rule = ruleNamed(KUBERNETES_RULES, "k8s-workload-pdb");

  it("passes the kit: one PDB per app selecting app=<name>", async () => {
    expect(await checkStack(rule, kitStack())).toEqual([]);
  });

  it("reports a Rollout no budget selects, on the Rollout, naming its pod labels", async () => {
    const violations = await checkStack(rule, without(kitStack(), "payment-pdb"), prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.urn).toBe(rollout("payment").urn);
    expect(violations[0]?.message).toContain(
      "Rollout coupon-platform/payment is covered by no PodDisruptionBudget: none in namespace coupon-platform selects its pods (labels app=payment, app.kubernetes.io/name=payment, app.kubernetes.io/part-of=coupon-platform), so a node drain may evict all of them at once.",
    );
    expect(violations[0]?.message).toContain("Fix: declare a policy/v1 PodDisruptionBudget");
    expect(violations[0]?.level).toBe("mandatory");
    expect((await checkStack(rule, without(kitStack(), "payment-pdb"), dev))[0]?.level).toBe("advisory");
  });

  it("requires the selector to select the pod template's labels, in the workload's namespace", async () => {
    expect(await checkStack(rule, [rollout("coupon"), pdb("coupon", { matchLabels: { app: "coupon", tier: "web" } })])).toHaveLength(1);
    expect(await checkStack(rule, [rollout("coupon"), pdb("coupon", { matchLabels: { app: "coupon" } }, "other")])).toHaveLength(1);
    expect(
      await checkStack(rule, [rollout("coupon"), pdb("coupon", { matchLabels: { "app.kubernetes.io/part-of": "coupon-platform" } })]),
    ).toEqual([]);
    expect(await checkStack(rule, [rollout("coupon"), pdb("coupon", null)])).toHaveLength(1);
  });

  it("evaluates matchExpressions and reads an empty selector as policy/v1 does (every pod) and policy/v1beta1 (none)", async () => {
    expect(
      await checkStack(rule, [
        rollout("coupon"),
        pdb("coupon", { matchExpressions: [{ key: "app", operator: "In", values: ["coupon", "gateway"] }] }),
      ]),
    ).toEqual([]);
    expect(
      await checkStack(rule, [
        rollout("coupon"),
        pdb("coupon", { matchExpressions: [{ key: "app", operator: "NotIn", values: ["coupon"] }] }),
      ]),
    ).toHaveLength(1);
    expect(
      await checkStack(rule, [
        rollout("coupon"),
        pdb("coupon", {
          matchExpressions: [
            { key: "app", operator: "Exists" },
            { key: "canary", operator: "DoesNotExist" },
          ],
        }),
      ]),
    ).toEqual([]);
    expect(await checkStack(rule, [rollout("coupon"), pdb("coupon", {})])).toEqual([]);
    expect(
      await checkStack(rule, [rollout("coupon"), pdb("coupon", {}, NS, "kubernetes:policy/v1beta1:PodDisruptionBudget")]),
    ).toHaveLength(1);
  });

  it("covers a Rollout with workloadRef by the referenced Deployment's pod labels, or its own selector's, and skips that Deployment", async () => {
    const base = deployment("coupon-base", templateWith({}, {}, "coupon"));
    expect(
      await checkStack(rule, [
        refRollout("coupon", "coupon-base"),
        base,
        pdb("coupon", { matchLabels: { "app.kubernetes.io/name": "coupon" } }),
      ]),
    ).toEqual([]);
    expect(messages(await checkStack(rule, [refRollout("coupon", "coupon-base"), base]))).toEqual([
      expect.stringContaining("Rollout coupon-platform/coupon is covered by no PodDisruptionBudget"),
    ]);
    // The Deployment is not declared here: the Rollout's selector stands for its pods' labels.
    expect(await checkStack(rule, [refRollout("coupon", "elsewhere"), pdb("coupon")])).toEqual([]);
    expect(messages(await checkStack(rule, [refRollout("coupon", "elsewhere")]))).toEqual([expect.stringContaining("(labels app=coupon)")]);
  });

  it("leaves out the workloads its exempt setting lists", async () => {
    expect(await checkStack(rule, [rollout("leader")], { [rule.name]: { exempt: ["coupon-platform/leader"] } })).toEqual([]);
  });

  it("neither crashes nor reports while labels or a budget are unknown during preview, and judges the others", async () => {
    expect(await checkStack(rule, [rollout("coupon", unknown.object)])).toEqual([]);
    expect(
      await checkStack(
        rule,
        [rollout("coupon", templateWith({}, {}))].map((r) => ({ ...r, props: { ...r.props, spec: unknown.object } })),
      ),
    ).toEqual([]);
    expect(await checkStack(rule, [rollout("coupon"), pdb("coupon", unknown.object)])).toEqual([]);
    expect(await checkStack(rule, [rollout("coupon"), pdb("coupon", { matchLabels: { app: unknown.string } })])).toEqual([]);
    expect(
      await checkStack(rule, [
        rollout("coupon"),
        { ...pdb("coupon"), props: { metadata: { namespace: unknown.string }, spec: { selector: { matchLabels: { app: "coupon" } } } } },
      ]),
    ).toEqual([]);
    // A budget known not to match is no excuse, even next to an unknown label.
    expect(await checkStack(rule, [rollout("coupon"), pdb("coupon", { matchLabels: { app: unknown.string, tier: "web" } })])).toHaveLength(
      1,
    );
    expect(messages(await checkStack(rule, [rollout("coupon", unknown.object), rollout("gateway")]))).toEqual([
      expect.stringContaining("Rollout coupon-platform/gateway"),
    ]);
  });
});

describe("k8s-namespace-default-deny", () => {
  const rule = ruleNamed(KUBERNETES_RULES, "k8s-namespace-default-deny");

  it("passes the kit: defaultDenySpec in coupon-platform next to the per-app policies", async () => {
    expect(await checkStack(rule, kitStack())).toEqual([]);
    expect(defaultDenySpec()).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("reports a namespace whose workloads have only per-app policies, on the Namespace, naming them", async () => {
    const violations = await checkStack(rule, without(kitStack(), "default-deny-netpol"), dev);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.urn).toBe(appsNamespace.urn);
    expect(violations[0]?.message).toContain(
      "Namespace coupon-platform runs Rollout gateway, Rollout coupon and Rollout payment but has no default-deny NetworkPolicy (podSelector: {}, policyTypes Ingress and Egress and no ingress or egress rules): a pod no other policy selects takes and opens any connection.",
    );
    expect(violations[0]?.message).toContain("Fix: declare, next to the namespace, a NetworkPolicy");
    expect(violations[0]?.level).toBe("mandatory");
  });

  it("reports on a workload when the program does not declare the namespace, and counts every workload kind", async () => {
    const job = workload("kubernetes:batch/v1:Job", "Job", safePod(), "migrate");
    const violations = await checkStack(rule, [{ ...job, props: { ...job.props, metadata: { name: "migrate", namespace: "batch" } } }]);
    expect(violations.map((v) => [v.urn, v.message])).toEqual([
      [expect.stringContaining("::migrate"), expect.stringContaining("Namespace batch runs Job migrate")],
    ]);
    const bare = workload("kubernetes:core/v1:Pod", "Pod", safePod(), "debug");
    expect(messages(await checkStack(rule, [{ ...bare, props: { ...bare.props, metadata: { name: "debug" } } }]))).toEqual([
      expect.stringContaining("Namespace default runs Pod debug"),
    ]);
  });

  it("does not take a policy that selects some pods, allows something or denies ingress only", async () => {
    const base = without(kitStack(), "default-deny-netpol");
    const cases = [
      { podSelector: { matchLabels: { app: "coupon" } }, policyTypes: ["Ingress", "Egress"] },
      { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}] },
      { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] },
      { podSelector: {}, policyTypes: ["Ingress"] },
      { podSelector: {} },
    ];
    for (const spec of cases) expect(await checkStack(rule, [...base, netpol("default-deny", spec)]), JSON.stringify(spec)).toHaveLength(1);
    expect(await checkStack(rule, [...base, netpol("default-deny", defaultDenySpec(), "other")])).toHaveLength(1);
  });

  it("accepts an ingress-only default deny when its requireEgress setting is false", async () => {
    const stack = [...without(kitStack(), "default-deny-netpol"), netpol("default-deny", { podSelector: {} })];
    expect(await checkStack(rule, stack, { [rule.name]: { requireEgress: false } })).toEqual([]);
    expect(messages(await checkStack(rule, without(kitStack(), "default-deny-netpol"), { [rule.name]: { requireEgress: false } }))).toEqual(
      [expect.stringContaining("(podSelector: {}, policyTypes Ingress and no ingress rules)")],
    );
  });

  it("leaves kube-system and its exemptNamespaces to their owners, but not a namespace a Helm chart also installs into", async () => {
    const inNamespace = (namespace: string) => deployment(`agent-${namespace}`, kitTemplate("agent"), namespace);
    const monitoring = { type: RELEASE, name: "prometheus", props: { chart: "prometheus", version: "25.27.0", namespace: "monitoring" } };
    expect(await checkStack(rule, [inNamespace("kube-system")])).toEqual([]);
    // A tiny chart in the namespace must not switch the rule off for the program's own workloads.
    expect(messages(await checkStack(rule, [inNamespace("monitoring"), monitoring]))).toEqual([
      expect.stringContaining("Namespace monitoring runs Deployment agent-monitoring"),
    ]);
    expect(await checkStack(rule, [inNamespace("tools")])).toHaveLength(1);
    expect(await checkStack(rule, [inNamespace("tools")], { [rule.name]: { exemptNamespaces: ["tools"] } })).toEqual([]);
    // A fork's list replaces the default, kube-system included.
    expect(await checkStack(rule, [inNamespace("kube-system")], { [rule.name]: { exemptNamespaces: ["tools"] } })).toHaveLength(1);
  });

  it("judges a Rollout with workloadRef and one with a template alike: both run in the namespace", async () => {
    expect(messages(await checkStack(rule, [refRollout("coupon"), deployment("coupon-base")]))).toEqual([
      expect.stringContaining("runs Rollout coupon and Deployment coupon-base"),
    ]);
    expect(await checkStack(rule, [refRollout("coupon"), deployment("coupon-base"), netpol("default-deny", defaultDenySpec())])).toEqual(
      [],
    );
  });

  it("neither crashes nor reports while a policy's spec or namespace is unknown during preview", async () => {
    const base = without(kitStack(), "default-deny-netpol");
    expect(await checkStack(rule, [...base, netpol("default-deny", unknown.object)])).toEqual([]);
    expect(await checkStack(rule, [...base, netpol("default-deny", defaultDenySpec(), unknown.string)])).toEqual([]);
    expect(await checkStack(rule, [...base, netpol("default-deny", { podSelector: {}, policyTypes: unknown.array })])).toEqual([]);
    expect(await checkStack(rule, [{ ...rollout("coupon"), props: { metadata: { name: "coupon", namespace: unknown.string } } }])).toEqual(
      [],
    );
    // A policy known not to deny is no excuse, even next to an unknown one elsewhere.
    expect(
      await checkStack(rule, [
        ...base,
        netpol("default-deny", defaultDenySpec(), "other"),
        netpol("x", { podSelector: unknown.object }, "other"),
      ]),
    ).toHaveLength(1);
  });
});

describe("server-side-apply patches (DeploymentPatch, ServicePatch)", () => {
  const patch = (type: string, props: Record<string, unknown>): ResourceUnderTest => ({ type, name: "patch", props });
  const deploymentPatch = (container: Record<string, unknown>) =>
    patch("kubernetes:apps/v1:DeploymentPatch", {
      metadata: { name: "coredns", namespace: "kube-system" },
      spec: { template: { spec: { containers: [{ name: "coredns", ...container }] } } },
    });

  it("are judged on what they set: a privileged container, a host network, an unpinned image, a LoadBalancer", async () => {
    const security = ruleNamed(KUBERNETES_RULES, "k8s-pod-security");
    expect(messages(await checkResource(security, deploymentPatch({ securityContext: { privileged: true } })))).toEqual([
      expect.stringMatching(/it runs privileged \(securityContext.privileged: true\)\./),
    ]);
    const image = ruleNamed(KUBERNETES_RULES, "k8s-image-pinned");
    expect(await checkResource(image, deploymentPatch({ image: "coredns/coredns:latest" }))).toHaveLength(1);
    const host = ruleNamed(KUBERNETES_RULES, "k8s-no-host-access");
    const hostNetwork = patch("kubernetes:apps/v1:DeploymentPatch", {
      metadata: { name: "x" },
      spec: { template: { spec: { hostNetwork: true, containers: [] } } },
    });
    expect(await checkResource(host, hostNetwork)).toHaveLength(1);
    const service = ruleNamed(KUBERNETES_RULES, "k8s-service-internal-only");
    expect(
      await checkResource(service, patch("kubernetes:core/v1:ServicePatch", { metadata: { name: "x" }, spec: { type: "LoadBalancer" } })),
    ).toHaveLength(1);
  });

  it("are not faulted for what they leave to the object they patch", async () => {
    for (const name of ["k8s-resources", "k8s-probes", "k8s-pod-security"]) {
      expect(await checkResource(ruleNamed(KUBERNETES_RULES, name), deploymentPatch({ env: [{ name: "A", value: "1" }] })), name).toEqual(
        [],
      );
    }
  });
});
