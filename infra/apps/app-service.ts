import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { analysisTemplateSpec, httpSignals, settlementSignals, smokeTestTemplateSpec } from "./analysis-template";
import { createIrsaRole } from "../cluster/irsa-role";
import { networkPolicySpec, smokeTestNetworkPolicySpec, type EgressTargets, type IngressSources } from "./network-policy";
import { podTemplate } from "./pod-template";
import { rolloutStrategy, type RolloutStrategy } from "./rollout-strategy";

/** How the app's replica count follows load. The Rollout never declares spec.replicas. */
export type AppScaling =
  | { readonly kind: "cpu"; readonly minReplicas: number; readonly maxReplicas: number; readonly cpuTargetPercent: number }
  | {
      readonly kind: "kafkaLag";
      readonly minReplicas: number;
      readonly maxReplicas: number;
      /** The MSK consumer-lag metric (CloudWatch AWS/Kafka SumOffsetLag) that drives KEDA. */
      readonly lagPerReplica: number;
      readonly mskClusterName: pulumi.Input<string>;
      readonly consumerGroup: string;
      readonly topic: string;
      readonly region: pulumi.Input<string>;
    };

/** What every app on the platform shares: where it runs and what it waits for. */
export interface PlatformContext {
  /** The namespace all the platform's apps share (its IRSA trust names it). */
  readonly namespace: string;
  readonly provider: k8s.Provider;
  /** What every Kubernetes object of an app waits for: its namespace (and through it the LB controller's webhooks). */
  readonly namespaceReady: pulumi.Resource[];
  /** The Helm releases whose CRDs (Rollout, AnalysisTemplate, ScaledObject) the apps use. */
  readonly crdReleases: pulumi.Resource[];
  /** Where canary analyses query. */
  readonly prometheusUrl: string;
  readonly zoneSpread: "DoNotSchedule" | "ScheduleAnyway";
  /** The cluster's OIDC provider, which IRSA roles trust. */
  readonly oidc: { readonly providerArn: pulumi.Input<string>; readonly providerUrl: pulumi.Input<string> };
  readonly tags: Record<string, string>;
}

export interface AppServiceArgs {
  readonly platform: PlatformContext;
  readonly app: string;
  readonly image: pulumi.Input<string>;
  /** Settings (ConfigMap) and credentials (Secret), as environment variables. */
  readonly env: {
    readonly config: Record<string, pulumi.Input<string> | undefined>;
    readonly secrets: Record<string, pulumi.Input<string> | undefined>;
  };
  /** Variables from the pod's own fields (the Downward API), e.g. its name. */
  readonly fieldEnv?: Record<string, string>;
  /** Inline IAM policies (JSON) of the app's IRSA role, by name; none for an app that never calls AWS. */
  readonly iamPolicies?: Record<string, pulumi.Input<string>>;
  readonly resources: { cpu: string; memory: string; cpuLimit: string; memoryLimit: string };
  readonly scaling: AppScaling;
  readonly strategy: RolloutStrategy;
  readonly ingressFrom: IngressSources;
  readonly egressTo: EgressTargets;
  /** What the Rollout waits for: the release's migration Job, so no new pod meets an old schema. */
  readonly startAfter?: pulumi.Resource[];
  /**
   * EC2 security groups the app's pods carry on an interface of their own (a
   * SecurityGroupPolicy), instead of sharing their node's; none to share the node's.
   */
  readonly podSecurityGroupIds?: pulumi.Input<string>[];
}

/**
 * One app on the cluster, declared the same way for all three: its service account
 * (with an IRSA role when it calls AWS), config and secret, an Argo Rollout with the
 * chosen strategy and its analysis, the stable and canary (or active and preview)
 * Services, an autoscaler that targets the Rollout (HPA on CPU, or KEDA on Kafka
 * lag — KEDA then owns the HPA), a PodDisruptionBudget and a default-deny
 * NetworkPolicy opened only for the platform's flow (and, for blue-green, one that
 * lets the smoke-test Job reach the preview under the namespace's default deny).
 */
export class AppService extends pulumi.ComponentResource {
  readonly rolloutName: string;
  /** The stable (canary strategies) or active (blue-green) Service. */
  readonly serviceName: string;
  readonly secondServiceName: string;
  readonly serviceAccountName: string;
  readonly roleArn?: pulumi.Output<string>;

  constructor(name: string, args: AppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coupon-platform:delivery:AppService", name, {}, opts);
    const { app, platform, strategy } = args;
    const k8sOpts = { parent: this, provider: platform.provider, dependsOn: platform.namespaceReady };
    const crOpts = { ...k8sOpts, dependsOn: [...platform.namespaceReady, ...platform.crdReleases] };
    const labels = { app, "app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "coupon-platform" };
    const metadata = (resourceName: string, extra: Record<string, pulumi.Input<string>> = {}) => ({
      name: resourceName,
      namespace: platform.namespace,
      labels,
      annotations: extra,
    });

    this.rolloutName = app;
    this.serviceName = app;
    this.secondServiceName = strategy.kind === "blueGreen" ? `${app}-preview` : `${app}-canary`;
    this.serviceAccountName = app;

    if (args.iamPolicies) {
      const role = createIrsaRole(
        `${name}-role`,
        {
          oidcProviderArn: platform.oidc.providerArn,
          oidcProviderUrl: platform.oidc.providerUrl,
          namespace: platform.namespace,
          serviceAccount: app,
          policies: args.iamPolicies,
          tags: { ...platform.tags, app },
        },
        { parent: this },
      );
      this.roleArn = role.arn;
    }
    new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      {
        metadata: metadata(app, this.roleArn ? { "eks.amazonaws.com/role-arn": this.roleArn } : {}),
        // The apps never call the Kubernetes API. IRSA's web-identity token is a separate
        // projected volume the EKS webhook mounts, so no pod needs the API token.
        automountServiceAccountToken: false,
      },
      k8sOpts,
    );
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: metadata(`${app}-config`), data: definedOnly(args.env.config) },
      k8sOpts,
    );
    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      { metadata: metadata(`${app}-secret`), type: "Opaque", stringData: pulumi.secret(definedOnly(args.env.secrets)) },
      k8sOpts,
    );

    for (const serviceName of [this.serviceName, this.secondServiceName]) {
      new k8s.core.v1.Service(
        `${name}-svc-${serviceName}`,
        {
          metadata: metadata(serviceName),
          spec: { type: "ClusterIP", selector: { app }, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] },
        },
        k8sOpts,
      );
    }

    const analysisName = `${app}-analysis`;
    new k8s.apiextensions.CustomResource(
      `${name}-analysis`,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AnalysisTemplate",
        metadata: metadata(analysisName),
        spec:
          strategy.kind === "blueGreen"
            ? smokeTestTemplateSpec(app, `http://${this.secondServiceName}.${platform.namespace}.svc.cluster.local`)
            : analysisTemplateSpec(strategy.analysis === "settlements" ? settlementSignals(app) : httpSignals(app), platform.prometheusUrl),
      },
      crOpts,
    );

    const podSecurityGroups = args.podSecurityGroupIds
      ? this.declarePodSecurityGroups(name, args.podSecurityGroupIds, metadata, k8sOpts)
      : undefined;

    // Pods read the env only at start: a changed setting or credential (a rotated key) must change the template to roll them.
    const envChecksum = pulumi.unsecret(
      pulumi
        .output({ config: definedOnly(args.env.config), secrets: definedOnly(args.env.secrets) })
        .apply((env) => createHash("sha256").update(JSON.stringify(env)).digest("hex")),
    );
    const template = pulumi
      .all([args.image, configMap.metadata.name, secret.metadata.name, envChecksum, podSecurityGroups?.groupIds ?? []])
      .apply(([image, configMapName, secretName, checksum, securityGroupIds]) =>
        podTemplate({
          app,
          image,
          serviceAccountName: app,
          configMapName,
          secretName,
          envChecksum: checksum,
          securityGroupIds,
          fieldEnv: args.fieldEnv,
          resources: args.resources,
          zoneSpread: platform.zoneSpread,
        }),
      );
    const rollout = new k8s.apiextensions.CustomResource(
      `${name}-rollout`,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Rollout",
        metadata: metadata(app),
        spec: {
          // No replicas here: the autoscaler owns the count (a declared one would fight it on every apply).
          revisionHistoryLimit: 5,
          progressDeadlineSeconds: 600,
          selector: { matchLabels: { app } },
          template,
          strategy: rolloutStrategy(
            strategy,
            { stableService: this.serviceName, secondService: this.secondServiceName, analysisTemplate: analysisName },
            80,
          ),
        },
      },
      {
        ...crOpts,
        // A pod takes its security groups when it is created: the policy must exist before the first one.
        dependsOn: [
          ...platform.namespaceReady,
          ...platform.crdReleases,
          ...(args.startAfter ?? []),
          ...(podSecurityGroups ? [podSecurityGroups.policy] : []),
        ],
      },
    );

    this.declareScaling(name, args, metadata, k8sOpts, crOpts, rollout);

    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      { metadata: metadata(app), spec: { maxUnavailable: 1, selector: { matchLabels: { app } } } },
      k8sOpts,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-netpol`,
      {
        metadata: metadata(app),
        spec: networkPolicySpec(app, args.ingressFrom, args.egressTo, { smokeTests: strategy.kind === "blueGreen" }),
      },
      k8sOpts,
    );
    if (strategy.kind === "blueGreen") {
      // The namespace denies every pod by default: the pre-promotion smoke Job needs its own way to the preview.
      new k8s.networking.v1.NetworkPolicy(
        `${name}-smoke-test-netpol`,
        { metadata: metadata(`${app}-smoke-test`), spec: smokeTestNetworkPolicySpec(app) },
        k8sOpts,
      );
    }

    this.registerOutputs({});
  }

  /**
   * A SecurityGroupPolicy giving the app's pods (by their app label) a branch network
   * interface with these groups. Its CRD ships with EKS; the VPC resource controller in
   * the control plane acts on it when a pod is created.
   */
  private declarePodSecurityGroups(
    name: string,
    groupIds: pulumi.Input<string>[],
    metadata: (n: string) => object,
    k8sOpts: pulumi.CustomResourceOptions,
  ) {
    const policy = new k8s.apiextensions.CustomResource(
      `${name}-security-group-policy`,
      {
        apiVersion: "vpcresources.k8s.aws/v1beta1",
        kind: "SecurityGroupPolicy",
        metadata: metadata(this.rolloutName),
        spec: { podSelector: { matchLabels: { app: this.rolloutName } }, securityGroups: { groupIds } },
      },
      k8sOpts,
    );
    return { policy, groupIds: pulumi.output(groupIds) };
  }

  private declareScaling(
    name: string,
    args: AppServiceArgs,
    metadata: (n: string) => object,
    k8sOpts: pulumi.CustomResourceOptions,
    crOpts: pulumi.CustomResourceOptions,
    rollout: pulumi.Resource,
  ): void {
    const target = { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: this.rolloutName };
    // Spikes: add up to double the pods (or 10) every 15 s with no stabilisation; shed at most
    // 10 % a minute after 5 quiet minutes, so a sale's second wave finds the pods still there.
    const behavior = {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: "Max",
        policies: [
          { type: "Percent", value: 100, periodSeconds: 15 },
          { type: "Pods", value: 10, periodSeconds: 15 },
        ],
      },
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: "Min", policies: [{ type: "Percent", value: 10, periodSeconds: 60 }] },
    };

    if (args.scaling.kind === "cpu") {
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        `${name}-hpa`,
        {
          metadata: metadata(this.rolloutName),
          spec: {
            scaleTargetRef: target,
            minReplicas: args.scaling.minReplicas,
            maxReplicas: args.scaling.maxReplicas,
            metrics: [
              {
                type: "Resource",
                resource: { name: "cpu", target: { type: "Utilization", averageUtilization: args.scaling.cpuTargetPercent } },
              },
            ],
            behavior,
          },
        },
        { ...k8sOpts, dependsOn: [...args.platform.namespaceReady, rollout] },
      );
      return;
    }

    const lag = args.scaling;
    const auth = new k8s.apiextensions.CustomResource(
      `${name}-keda-auth`,
      {
        apiVersion: "keda.sh/v1alpha1",
        kind: "TriggerAuthentication",
        metadata: metadata(`${this.rolloutName}-aws`),
        // KEDA's operator reads CloudWatch with its own IRSA role.
        spec: { podIdentity: { provider: "aws" } },
      },
      crOpts,
    );
    new k8s.apiextensions.CustomResource(
      `${name}-scaledobject`,
      {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        metadata: metadata(this.rolloutName),
        spec: {
          scaleTargetRef: target,
          minReplicaCount: lag.minReplicas,
          maxReplicaCount: lag.maxReplicas,
          pollingInterval: 15,
          cooldownPeriod: 300,
          advanced: { horizontalPodAutoscalerConfig: { behavior } },
          triggers: [
            {
              type: "aws-cloudwatch",
              authenticationRef: { name: `${this.rolloutName}-aws` },
              metadata: {
                namespace: "AWS/Kafka",
                metricName: "SumOffsetLag",
                dimensionName: "Cluster Name;Consumer Group;Topic",
                dimensionValue: pulumi.interpolate`${lag.mskClusterName};${lag.consumerGroup};${lag.topic}`,
                metricStat: "Maximum",
                metricStatPeriod: "60",
                metricCollectionTime: "120",
                targetMetricValue: String(lag.lagPerReplica),
                minMetricValue: "0",
                awsRegion: lag.region,
              },
            },
            { type: "cpu", metricType: "Utilization", metadata: { value: "70" } },
          ],
        },
      },
      { ...crOpts, dependsOn: [...args.platform.namespaceReady, ...args.platform.crdReleases, rollout, auth] },
    );
  }
}

/** Variables an env renderer left out (undefined) are not rendered at all. */
function definedOnly(env: Record<string, pulumi.Input<string> | undefined>): Record<string, pulumi.Input<string>> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, pulumi.Input<string>] => entry[1] !== undefined));
}
