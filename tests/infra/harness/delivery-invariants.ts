import { expect, it } from "vitest";
import { loadCouponConfig } from "../../../apps/coupon/src/config";
import { loadGatewayConfig } from "../../../apps/gateway/src/config";
import { loadPaymentConfig } from "../../../apps/payment/src/config";
import type { PlatformConfig } from "../../../infra/config";
import { APP_PORT, METRICS_PORT } from "../../../infra/apps/pod-template";
import { PROMETHEUS_SERVER_POD_LABELS } from "../../../infra/cluster/addons/prometheus";
import type { CapturedResource } from "../../../scripts/lib/mock-stack/aws-mocks";
import type { StackRun } from "../../../scripts/lib/mock-stack/run-stack";
import { primaryDatabase } from "./data-tier-invariants";
import { InternalTokenSigner } from "../../../apps/gateway/src/proxy/internal-token-signer";
import { InternalIdentityVerifier } from "../../../apps/lib/internal-identity/verifier";
import { ENV_CHECKSUM_ANNOTATION, SECURITY_GROUPS_ANNOTATION } from "../../../infra/apps/pod-template";
import { INTERNAL_LISTENER_PORT } from "../../../infra/apps/ingresses";
import {
  clusterSecurityGroupId,
  generatedSecrets,
  identityKeySecrets,
  inlinePoliciesOf,
  roleByReference,
  securityGroupById,
} from "./finders";
import { helmRelease } from "./helm-release";
import { subnetsOf } from "./stack-invariants";

export const K = {
  rollout: "kubernetes:argoproj.io/v1alpha1:Rollout",
  analysis: "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  scaledObject: "kubernetes:keda.sh/v1alpha1:ScaledObject",
  triggerAuth: "kubernetes:keda.sh/v1alpha1:TriggerAuthentication",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  service: "kubernetes:core/v1:Service",
  securityGroupPolicy: "kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy",
  release: "kubernetes:helm.sh/v3:Release",
  ecr: "aws:ecr/repository:Repository",
} as const;

export const APPS = ["gateway", "coupon", "payment"] as const;

export function rolloutOf(run: StackRun, app: string): CapturedResource {
  const rollout = run.ofType(K.rollout).find((r) => r.inputs.metadata.name === app);
  expect(rollout, `Rollout ${app}`).toBeDefined();
  return rollout!;
}

const containerOf = (rollout: CapturedResource) => rollout.inputs.spec.template.spec.containers[0];

/** The Ingress coupon's canary shifts traffic through (the one its ALB traffic routing names). */
function couponCanaryIngress(run: StackRun): CapturedResource {
  const name = rolloutOf(run, "coupon").inputs.spec.strategy.canary.trafficRouting.alb.ingress;
  const ingress = run.ofType(K.ingress).find((i) => i.inputs.metadata.name === name);
  expect(ingress, `Ingress ${name}`).toBeDefined();
  return ingress!;
}

/** The URL of an Ingress's load balancer, as the controller reports it in the Ingress's status. */
const loadBalancerUrl = (ingress: CapturedResource) => `http://${ingress.outputs.status.loadBalancer.ingress[0].hostname}`;

/** The namespace the apps run in (the one the Rollouts are declared in). */
function appsNamespace(run: StackRun): CapturedResource {
  const name = rolloutOf(run, "coupon").inputs.metadata.namespace;
  const namespace = run.ofType("kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === name);
  expect(namespace, `Namespace ${name}`).toBeDefined();
  return namespace!;
}

/** What every stack's delivery layer must hold. */
export function itHoldsDeliveryInvariants(getRun: () => StackRun, getConfig: () => PlatformConfig): void {
  it("deploys each app as a Rollout with its strategy: gateway blue-green, coupon ALB canary, payment replica canary", () => {
    const run = getRun();
    const gateway = rolloutOf(run, "gateway").inputs.spec.strategy;
    expect(gateway.blueGreen).toMatchObject({
      activeService: "gateway",
      previewService: "gateway-preview",
      autoPromotionEnabled: getConfig().delivery.gateway.autoPromotion,
    });
    expect(gateway.blueGreen.scaleDownDelaySeconds).toBeGreaterThanOrEqual(30);
    expect(gateway.blueGreen.prePromotionAnalysis.templates).toEqual([{ templateName: "gateway-analysis" }]);

    const coupon = rolloutOf(run, "coupon").inputs.spec.strategy.canary;
    expect(coupon.trafficRouting.alb).toEqual({ ingress: "coupon-internal", servicePort: 80 });
    expect(coupon.steps[0]).toEqual({ setCanaryScale: { matchTrafficWeight: true } });
    const weights = coupon.steps.filter((s: any) => s.setWeight !== undefined).map((s: any) => s.setWeight);
    expect(weights).toEqual(getConfig().delivery.coupon.canarySteps);
    coupon.steps.forEach((step: any, i: number) => {
      if (step.setWeight !== undefined) expect(coupon.steps[i + 1]?.analysis?.templates).toEqual([{ templateName: "coupon-analysis" }]);
    });

    const payment = rolloutOf(run, "payment").inputs.spec.strategy.canary;
    expect(payment.trafficRouting).toBeUndefined();
    expect(payment.steps.filter((s: any) => s.setWeight !== undefined).map((s: any) => s.setWeight)).toEqual(
      getConfig().delivery.payment.canarySteps,
    );
    // Argo Rollouts refuses setCanaryScale on a canary without traffic routing (InvalidSpec).
    for (const app of APPS) {
      const canary = rolloutOf(run, app).inputs.spec.strategy.canary;
      if (canary && !canary.trafficRouting) expect(canary.steps.filter((s: any) => s.setCanaryScale)).toEqual([]);
    }
  });

  it("leaves spec.replicas unset on every Rollout: the autoscaler owns it", () => {
    for (const app of APPS) expect(rolloutOf(getRun(), app).inputs.spec.replicas).toBeUndefined();
  });

  it("scales gateway and coupon with an HPA on the Rollout and payment with one KEDA ScaledObject, never both", () => {
    const run = getRun();
    const { delivery } = getConfig();
    const hpas = run.ofType(K.hpa);
    expect(hpas.map((h) => h.inputs.spec.scaleTargetRef).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "coupon" },
      { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "gateway" },
    ]);
    for (const hpa of hpas) {
      const app = hpa.inputs.spec.scaleTargetRef.name as "coupon" | "gateway";
      expect(hpa.inputs.spec.minReplicas).toBe(delivery[app].minReplicas);
      expect(hpa.inputs.spec.maxReplicas).toBe(delivery[app].maxReplicas);
      expect(hpa.inputs.spec.behavior.scaleUp.stabilizationWindowSeconds).toBe(0);
      expect(hpa.inputs.spec.behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
    }
    const [scaled, ...others] = run.ofType(K.scaledObject);
    expect(others).toEqual([]);
    expect(scaled!.inputs.spec.scaleTargetRef).toEqual({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "payment" });
    expect(scaled!.inputs.spec.minReplicaCount).toBeGreaterThanOrEqual(delivery.highAvailability ? 2 : 1);
    expect(scaled!.inputs.spec.maxReplicaCount).toBeLessThanOrEqual(delivery.orderPartitions);
    const lag = scaled!.inputs.spec.triggers.find((t: any) => t.type === "aws-cloudwatch");
    expect(lag.metadata).toMatchObject({
      namespace: "AWS/Kafka",
      metricName: "SumOffsetLag",
      // The stack's own MSK cluster, by the name it declares.
      dimensionValue: `${run.ofType("aws:msk/cluster:Cluster")[0]!.inputs.clusterName};payment-settlement;coupon.orders`,
    });
  });

  it("gives every app a PDB, a default-deny NetworkPolicy, probes, limits and the restricted security context", () => {
    const run = getRun();
    for (const app of APPS) {
      expect(run.ofType(K.pdb).filter((p) => p.inputs.metadata.name === app)).toHaveLength(1);
      const policy = run.ofType(K.networkPolicy).find((p) => p.inputs.metadata.name === app)!.inputs.spec;
      expect(policy.policyTypes).toEqual(["Ingress", "Egress"]);
      expect(policy.podSelector).toEqual({ matchLabels: { app } });

      const pod = rolloutOf(run, app).inputs.spec.template.spec;
      const container = pod.containers[0];
      expect(container.livenessProbe.httpGet.path).toBe("/health/live");
      expect(container.readinessProbe.httpGet.path).toBe("/health/ready");
      expect(container.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
      });
      expect(pod.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(container.lifecycle.preStop.sleep.seconds);
      expect(pod.topologySpreadConstraints[0].topologyKey).toBe("topology.kubernetes.io/zone");
    }
  });

  it("admits Prometheus's server pods to every app's metrics port only, and nothing else to that port", () => {
    const run = getRun();
    for (const app of APPS) {
      const rules = run.ofType(K.networkPolicy).find((p) => p.inputs.metadata.name === app)!.inputs.spec.ingress;
      const fromMonitoring = rules.filter((rule: any) =>
        rule.from.some((f: any) => f.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === "monitoring"),
      );
      expect(fromMonitoring, app).toHaveLength(1);
      expect(fromMonitoring[0].ports, app).toEqual([{ protocol: "TCP", port: METRICS_PORT }]);
      expect(fromMonitoring[0].from, app).toEqual([
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
          podSelector: { matchLabels: PROMETHEUS_SERVER_POD_LABELS },
        },
      ]);
      // No other rule opens the metrics port, and Prometheus is not among the API port's callers.
      expect(
        rules.filter((rule: any) => rule !== fromMonitoring[0] && rule.ports.some((p: any) => p.port === METRICS_PORT)),
        app,
      ).toEqual([]);
      // Prometheus scrapes the port the pods serve metrics on.
      const template = rolloutOf(run, app).inputs.spec.template;
      expect(template.metadata.annotations["prometheus.io/port"], app).toBe(String(METRICS_PORT));
      expect(template.spec.containers[0].ports, app).toContainEqual({ name: "metrics", containerPort: METRICS_PORT, protocol: "TCP" });
    }
  });

  it("lets only the gateway take calls into coupon, and nothing call payment", () => {
    const run = getRun();
    const policyOf = (app: string) => run.ofType(K.networkPolicy).find((p) => p.inputs.metadata.name === app)!.inputs.spec;
    // Who may open the API port (metrics have a port and a rule of their own).
    const apiSources = (app: string) =>
      policyOf(app)
        .ingress.filter((rule: any) => rule.ports.some((p: any) => p.port === APP_PORT))
        .flatMap((rule: any) => rule.from);
    // coupon: the internal ALB's subnets and nothing else, no pod (the gateway too goes through the ALB).
    const internalLbCidrs = subnetsOf(run, "internal-lb").map((s) => s.inputs.cidrBlock);
    expect(
      apiSources("coupon")
        .map((f: any) => f.ipBlock?.cidr ?? JSON.stringify(f))
        .sort(),
    ).toEqual([...internalLbCidrs].sort());
    // The internal ALB goes into exactly the internal-LB tier's subnets.
    const internal = couponCanaryIngress(run);
    expect(internal.inputs.metadata.annotations["alb.ingress.kubernetes.io/scheme"]).toBe("internal");
    expect(internal.inputs.metadata.annotations["alb.ingress.kubernetes.io/subnets"].split(",").sort()).toEqual(
      subnetsOf(run, "internal-lb")
        .map((s) => s.id)
        .sort(),
    );
    // The gateway calls the ALB's listener, never a pod of another app.
    const gatewayEgress = policyOf("gateway").egress.flatMap((rule: any) => rule.to.map((to: any) => ({ to, ports: rule.ports })));
    expect(gatewayEgress.filter((e: any) => e.to.podSelector && !e.to.namespaceSelector)).toEqual([]);
    const toInternalLb = gatewayEgress.filter((e: any) => internalLbCidrs.includes(e.to.ipBlock?.cidr));
    expect(toInternalLb.map((e: any) => e.ports)).toEqual(internalLbCidrs.map(() => [{ protocol: "TCP", port: INTERNAL_LISTENER_PORT }]));
    expect(apiSources("payment")).toEqual([]);
    expect(policyOf("payment").ingress).toHaveLength(1); // Prometheus only
  });

  it("has the internal ALB admit only pods carrying the gateway's own security group, which no other pod gets", () => {
    const run = getRun();
    const annotations = couponCanaryIngress(run).inputs.metadata.annotations;
    // The kit's group replaces the controller's CIDR-based one (which would admit every private subnet).
    expect(annotations["alb.ingress.kubernetes.io/inbound-cidrs"]).toBeUndefined();
    expect(annotations["alb.ingress.kubernetes.io/manage-backend-security-group-rules"]).toBe("false");
    const albGroup = securityGroupById(run, annotations["alb.ingress.kubernetes.io/security-groups"]);
    const [listenerRule, ...otherIngress] = albGroup.inputs.ingress;
    expect(otherIngress).toEqual([]);
    expect(listenerRule).toMatchObject({ protocol: "tcp", fromPort: INTERNAL_LISTENER_PORT, toPort: INTERNAL_LISTENER_PORT });
    expect(listenerRule.cidrBlocks ?? []).toEqual([]);
    expect(listenerRule.securityGroups).toHaveLength(1);
    const callerGroup = securityGroupById(run, listenerRule.securityGroups[0]);
    // The ALB reaches only the app port, only in the pods' subnets.
    const podCidrs = subnetsOf(run, "private").map((s) => s.inputs.cidrBlock);
    expect(albGroup.inputs.egress).toEqual([expect.objectContaining({ protocol: "tcp", fromPort: APP_PORT, toPort: APP_PORT })]);
    expect([...albGroup.inputs.egress[0].cidrBlocks].sort()).toEqual([...podCidrs].sort());
    // coupon's pods (the cluster's group, which the nodes carry) admit the ALB on that port.
    const backendRules = run
      .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((r) => r.inputs.referencedSecurityGroupId === albGroup.id);
    expect(backendRules.map((r) => [r.inputs.securityGroupId, r.inputs.fromPort, r.inputs.toPort])).toEqual([
      [clusterSecurityGroupId(run), APP_PORT, APP_PORT],
    ]);

    // Exactly one SecurityGroupPolicy hands the caller group out, to the gateway's pods only.
    const policies = run.ofType(K.securityGroupPolicy);
    const handingOut = policies.filter((p) => p.inputs.spec.securityGroups.groupIds.includes(callerGroup.id));
    expect(handingOut).toHaveLength(1);
    const selector = handingOut[0]!.inputs.spec.podSelector.matchLabels;
    const selects = (app: string) =>
      Object.entries(selector).every(([k, v]) => rolloutOf(run, app).inputs.spec.template.metadata.labels[k] === v);
    expect(APPS.filter(selects)).toEqual(["gateway"]);
    // The gateway keeps the cluster's group beside it (DNS, the stores, the public ALB's target rules), and the
    // caller group has no cluster tag, so the load balancer controller writes its rules into the cluster's.
    expect([...handingOut[0]!.inputs.spec.securityGroups.groupIds].sort()).toEqual([callerGroup.id, clusterSecurityGroupId(run)].sort());
    expect(Object.keys(callerGroup.inputs.tags ?? {}).filter((key) => key.startsWith("kubernetes.io/cluster/"))).toEqual([]);
    expect(callerGroup.inputs.ingress).toEqual([]);
    expect(callerGroup.inputs.egress).toEqual([]);
  });

  it("creates the gateway's pods after its SecurityGroupPolicy and rolls them when their groups change", () => {
    const run = getRun();
    const gateway = rolloutOf(run, "gateway");
    const policy = run.ofType(K.securityGroupPolicy).find((p) => p.inputs.metadata.name === "gateway")!;
    expect(run.dependsOn.get(`${gateway.type}::${gateway.name}`)).toContain(`${policy.type}::${policy.name}`);
    expect(gateway.inputs.spec.template.metadata.annotations[SECURITY_GROUPS_ANNOTATION]).toBe(
      policy.inputs.spec.securityGroups.groupIds.join(","),
    );
    for (const app of ["coupon", "payment"]) {
      expect(rolloutOf(run, app).inputs.spec.template.metadata.annotations[SECURITY_GROUPS_ANNOTATION], app).toBeUndefined();
    }
  });

  it("exposes only the gateway to the internet, over HTTPS with the stack's certificate", () => {
    const run = getRun();
    const ingresses = run.ofType(K.ingress);
    const internetFacing = ingresses.filter((i) => i.inputs.metadata.annotations["alb.ingress.kubernetes.io/scheme"] === "internet-facing");
    expect(internetFacing).toHaveLength(1);
    const [publicIngress] = internetFacing;
    const publicPaths = publicIngress!.inputs.spec.rules[0].http.paths;
    expect(publicPaths.map((p: any) => p.path)).toEqual(["/auth", "/api", "/ws"]);
    for (const path of publicPaths) expect(path.backend.service.name).toBe("gateway");
    expect(publicIngress!.inputs.spec.rules[0].host).toBe(getConfig().delivery.hostname);
    const annotations = publicIngress!.inputs.metadata.annotations;
    expect(annotations["alb.ingress.kubernetes.io/certificate-arn"]).toBe(getConfig().delivery.certificateArn);
    expect(annotations["alb.ingress.kubernetes.io/ssl-redirect"]).toBe("443");
    for (const other of ingresses.filter((i) => i !== publicIngress))
      expect(other.inputs.metadata.annotations["alb.ingress.kubernetes.io/scheme"]).toBe("internal");
    for (const service of run.ofType(K.service)) expect(service.inputs.spec.type).toBe("ClusterIP");
  });

  it("runs images from the stack's ECR repositories at the configured tag, never latest", () => {
    const run = getRun();
    const tag = getConfig().delivery.imageTag;
    expect(run.ofType(K.ecr).map((r) => r.inputs.imageTagMutability)).toEqual(["IMMUTABLE", "IMMUTABLE", "IMMUTABLE"]);
    for (const app of APPS) {
      const image: string = containerOf(rolloutOf(run, app)).image;
      expect(image.endsWith(`/${getConfig().name}/${app}:${tag}`)).toBe(true);
      expect(image).not.toMatch(/:latest$/);
    }
  });

  it("makes every custom resource wait for the Helm release that installs its CRD", () => {
    const run = getRun();
    const needs: Record<string, string> = {
      "argoproj.io/v1alpha1": helmRelease(run, "argo-rollouts").key,
      "keda.sh/v1alpha1": helmRelease(run, "keda").key,
    };
    const customResources = run.resources.filter((r) => r.inputs.apiVersion in needs);
    expect(customResources.length).toBeGreaterThanOrEqual(8);
    for (const resource of customResources) {
      const declared = run.dependsOn.get(`${resource.type}::${resource.name}`) ?? [];
      expect(declared, `${resource.type} ${resource.name}`).toContain(needs[resource.inputs.apiVersion]);
    }
  });

  it("pins every Helm chart to a version", () => {
    for (const release of getRun().ofType(K.release)) expect(release.inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("passes the data tier to the apps through Secrets, never ConfigMaps", () => {
    const run = getRun();
    for (const configMap of run.ofType("kubernetes:core/v1:ConfigMap")) {
      const text = JSON.stringify(configMap.inputs.data);
      for (const secret of generatedSecrets(run)) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/PASSWORD|TOKEN|SECRET|REDIS_URL/);
    }
    // Each app's Redis URL names its own user with that user's password, and no other app's password.
    const cacheUsers = run.ofType("aws:elasticache/user:User").filter((user) => user.inputs.userName !== "default");
    for (const app of ["gateway", "coupon", "payment"]) {
      const url = run.ofType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === `${app}-secret`)!.inputs.stringData
        .REDIS_URL;
      for (const user of cacheUsers) {
        const own = user.inputs.userName === `coupon-platform-${app}`;
        expect(
          url.startsWith(`rediss://${user.inputs.userName}:${user.inputs.authenticationMode.passwords[0]}@`),
          `${app} as ${user.inputs.userName}`,
        ).toBe(own);
        expect(url.includes(user.inputs.authenticationMode.passwords[0]), `${app} holds ${user.inputs.userName}'s password`).toBe(own);
      }
    }
    const migrationSecret = run.ofType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "db-migrate-secret")!;
    expect(migrationSecret.inputs.stringData.MYSQL_PASSWORD).toBe(primaryDatabase(run).inputs.password);
  });

  it("sends the gateway to coupon through the internal ALB and names each gateway after its pod", () => {
    const run = getRun();
    const config = run.ofType("kubernetes:core/v1:ConfigMap").find((c) => c.inputs.metadata.name === "gateway-config")!.inputs.data;
    expect(config.COUPON_URL).toBe(loadBalancerUrl(couponCanaryIngress(run)));
    const env = containerOf(rolloutOf(run, "gateway")).env;
    expect(env).toContainEqual({ name: "GATEWAY_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } });
  });

  it("exports the public URL and the commands to watch, promote, abort and roll back", async () => {
    const { outputs } = getRun();
    expect(outputs.publicUrl).toBe(`https://${getConfig().delivery.hostname}`);
    const commands = outputs.rolloutCommands as any;
    expect(commands.watch.coupon).toBe("kubectl argo rollouts get rollout coupon -n coupon-platform --watch");
    expect(commands.promoteGateway).toBe("kubectl argo rollouts promote gateway -n coupon-platform");
    expect(commands.rollBack.payment).toBe("kubectl argo rollouts undo payment -n coupon-platform");
  });

  it("enforces the restricted Pod Security Standard and ALB readiness gates in the apps' namespace", () => {
    const namespace = appsNamespace(getRun());
    expect(namespace.inputs.metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
    });
  });

  it("binds each IRSA role to exactly one service account, and lets each app sign in to MySQL as its own user only", () => {
    const run = getRun();
    const roles = run.ofType("aws:iam/role:Role").filter((r) => r.inputs.assumeRolePolicy?.includes("AssumeRoleWithWebIdentity"));
    const subjects = roles.map(
      (r) =>
        Object.entries(JSON.parse(r.inputs.assumeRolePolicy).Statement[0].Condition.StringEquals).find(([k]) => k.endsWith(":sub"))?.[1],
    );
    expect(subjects.sort()).toEqual(
      [
        "system:serviceaccount:argo-rollouts:argo-rollouts",
        "system:serviceaccount:coupon-platform:coupon",
        "system:serviceaccount:coupon-platform:gateway",
        "system:serviceaccount:coupon-platform:payment",
        "system:serviceaccount:keda:keda-operator",
        "system:serviceaccount:kube-system:aws-load-balancer-controller",
        "system:serviceaccount:kube-system:cluster-autoscaler",
      ].sort(),
    );
    const accounts = run.ofType("kubernetes:core/v1:ServiceAccount");
    const annotation = (app: string) =>
      accounts.find((a) => a.inputs.metadata.name === app)!.inputs.metadata.annotations["eks.amazonaws.com/role-arn"];
    // The migration Job holds the master password and no AWS role at all.
    expect(
      accounts.find((a) => a.inputs.metadata.name === "db-migrate")!.inputs.metadata.annotations?.["eks.amazonaws.com/role-arn"],
    ).toBeUndefined();
    const instances = run.ofType("aws:rds/instance:Instance");
    // Each annotated role is the one whose trust names that very service account.
    for (const app of ["coupon", "payment", "gateway"]) {
      const role = roleByReference(run, annotation(app));
      const trust = JSON.parse(role.inputs.assumeRolePolicy);
      expect(Object.entries(trust.Statement[0].Condition.StringEquals).find(([k]) => k.endsWith(":sub"))?.[1]).toBe(
        `system:serviceaccount:coupon-platform:${app}`,
      );
      // rds-db:connect as `<app>_svc` on every instance (writer and replica), and as no other user.
      const statements = inlinePoliciesOf(run, role).flatMap((policy) => JSON.parse(policy.inputs.policy).Statement);
      const connect = statements.filter((statement: any) =>
        [statement.Action].flat().some((action: string) => action.startsWith("rds-db:")),
      );
      expect(connect).toHaveLength(1);
      expect(connect[0].Action).toBe("rds-db:connect");
      expect([...connect[0].Resource].sort()).toEqual(
        instances.map((instance) => `arn:aws:rds-db:eu-west-1:123456789012:dbuser:${instance.outputs.resourceId}/${app}_svc`).sort(),
      );
    }
  });

  it("has Argo Rollouts verify ALB target groups before shifting canary weight", () => {
    const release = getRun()
      .ofType(K.release)
      .find((r) => r.inputs.name === "argo-rollouts")!;
    expect(release.inputs.values.controller.extraArgs).toContain("--aws-verify-target-group");
  });

  it("hands each app an environment its own config loader accepts, pointed at the AWS data tier", () => {
    const run = getRun();
    const envOf = (app: string) => ({
      ...run.ofType("kubernetes:core/v1:ConfigMap").find((c) => c.inputs.metadata.name === `${app}-config`)!.inputs.data,
      ...run.ofType("kubernetes:core/v1:Secret").find((c) => c.inputs.metadata.name === `${app}-secret`)!.inputs.stringData,
      // What the pod adds from its own metadata.
      ...(app === "gateway" ? { GATEWAY_ID: "gateway-6d9f7c8b4-x2k9q" } : {}),
    });
    const coupon = loadCouponConfig(envOf("coupon"));
    const payment = loadPaymentConfig(envOf("payment"));
    const gateway = loadGatewayConfig(envOf("gateway"));
    for (const config of [coupon, payment]) {
      expect(config).toMatchObject({ KAFKA_AUTH: "msk-iam", KAFKA_TLS: true, MYSQL_TLS: true, MYSQL_DATABASE: "coupon" });
      expect(config.REDIS_URL).toMatch(/^rediss:\/\//);
    }
    expect(coupon.KAFKA_TOPIC_REPLICATION).toBe(Math.min(3, getConfig().kafka.brokerCount));
    // The catalog reads from the read replica where the stack has one; payment and the gateway never do.
    const replica = run.ofType("aws:rds/instance:Instance").find((instance) => instance.inputs.replicateSourceDb !== undefined);
    expect(coupon.MYSQL_READER_HOST).toBe(getConfig().database.readReplica ? replica?.outputs.address : undefined);
    if (getConfig().database.readReplica) expect(coupon.MYSQL_READER_HOST).toEqual(expect.any(String));
    expect(coupon.MYSQL_READER_HOST).not.toBe(coupon.MYSQL_HOST);
    expect([payment.MYSQL_READER_HOST, gateway.MYSQL_READER_HOST]).toEqual([undefined, undefined]);
    expect(payment.KAFKA_TOPIC_PARTITIONS).toBe(getConfig().delivery.orderPartitions);
    expect(gateway.TRUSTED_PROXY_HOPS).toBe(1);
    expect(gateway.COUPON_URL).toBe(loadBalancerUrl(couponCanaryIngress(run)));
  });

  it("has the gateway sign with a generated key from Secrets Manager that coupon's key set, and only it, verifies", async () => {
    const run = getRun();
    const { keys, signingKey } = getConfig().delivery.internalIdentity;
    const dataOf = (kind: "ConfigMap" | "Secret", name: string) => {
      const found = run.ofType(`kubernetes:core/v1:${kind}`).find((c) => c.inputs.metadata.name === name)!.inputs;
      return (kind === "ConfigMap" ? found.data : found.stringData) as Record<string, string>;
    };
    const gatewayKey = dataOf("Secret", "gateway-secret").INTERNAL_TOKEN_PRIVATE_KEY!;
    expect(dataOf("ConfigMap", "gateway-config").INTERNAL_SIGNING_KEY_ID).toBe(signingKey);
    // Every listed key is kept in Secrets Manager, the signing one holding exactly what the gateway gets.
    const stored = identityKeySecrets(run).map((secret) => {
      const version = run.ofType("aws:secretsmanager/secretVersion:SecretVersion").find((v) => v.inputs.secretId === secret.id)!;
      return JSON.parse(version.inputs.secretString) as { kid: string; privateKeyPem: string };
    });
    expect(stored.map((entry) => entry.kid).sort()).toEqual([...keys].sort());
    expect(stored.find((entry) => entry.kid === signingKey)?.privateKeyPem).toBe(gatewayKey);
    // Sign as the gateway does and verify as coupon does, each with its rendered environment.
    const gateway = loadGatewayConfig({ ...dataOf("ConfigMap", "gateway-config"), ...dataOf("Secret", "gateway-secret") });
    const coupon = loadCouponConfig({ ...dataOf("ConfigMap", "coupon-config"), ...dataOf("Secret", "coupon-secret") });
    expect(coupon.INTERNAL_JWKS.keys.map((key) => key.kid).sort()).toEqual([...keys].sort());
    const signer = InternalTokenSigner.fromConfig(gateway);
    const verifier = new InternalIdentityVerifier(coupon.INTERNAL_JWKS, {
      audience: "coupon",
      clockToleranceSeconds: 5,
      maxAgeSeconds: 60,
    });
    const caller = { userId: "42", role: "user" as const, gatewayId: "gateway-6d9f7c8b4-x2k9q" };
    expect(verifier.verify(signer.authorizationFor(caller, "coupon"))).toEqual(caller);
    expect(() => verifier.verify(signer.authorizationFor(caller, "payment"))).toThrow(expect.objectContaining({ status: 401 }));
    // No service but the gateway holds a private key; payment needs none of it.
    for (const app of ["coupon", "payment"]) expect(JSON.stringify(dataOf("Secret", `${app}-secret`))).not.toContain("PRIVATE KEY");
  });

  it("rolls an app's pods when its settings or credentials change: the template carries their checksum", () => {
    const run = getRun();
    const checksums = ["gateway", "coupon", "payment"].map((app) => {
      const rollout = run.ofType(K.rollout).find((r) => r.inputs.metadata.name === app)!;
      return rollout.inputs.spec.template.metadata.annotations[ENV_CHECKSUM_ANNOTATION] as string;
    });
    for (const checksum of checksums) expect(checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(checksums).size).toBe(3);
  });

  it("lets the gateway's blue-green smoke job reach the preview through the gateway's NetworkPolicy", () => {
    const run = getRun();
    const template = run.ofType(K.analysis).find((a) => a.inputs.metadata.name === "gateway-analysis")!.inputs.spec;
    const jobLabels = template.metrics[0].provider.job.spec.template.metadata.labels;
    const policy = run.ofType(K.networkPolicy).find((p) => p.inputs.metadata.name === "gateway")!.inputs.spec;
    const admitted = policy.ingress.flatMap((rule: any) => rule.from).filter((from: any) => from.podSelector);
    expect(admitted.some((from: any) => Object.entries(from.podSelector.matchLabels).every(([k, v]) => jobLabels[k] === v))).toBe(true);
  });

  it("creates every object in the apps' namespace only after the namespace", () => {
    const run = getRun();
    const namespace = appsNamespace(run);
    expect(namespace.inputs.metadata.name).toBe("coupon-platform");
    const namespaced = run.resources.filter(
      (r) => r.type.startsWith("kubernetes:") && r.inputs.metadata?.namespace === namespace.inputs.metadata.name,
    );
    expect(namespaced.length).toBeGreaterThan(20);
    for (const resource of namespaced) {
      expect(run.dependsOn.get(`${resource.type}::${resource.name}`), `${resource.type} ${resource.name}`).toContain(
        `${namespace.type}::${namespace.name}`,
      );
    }
  });

  it("judges canaries on real work for the new revision only, and pauses rather than passes when there is none", () => {
    const run = getRun();
    const template = (app: string) => run.ofType(K.analysis).find((a) => a.inputs.metadata.name === `${app}-analysis`)!.inputs.spec;
    const queries = (app: string) =>
      template(app)
        .metrics.map((m: any) => m.provider.prometheus.query)
        .join("\n");
    expect(queries("coupon")).toContain('route!~"/health/.*|/metrics"');
    expect(queries("coupon")).toContain('rollouts_pod_template_hash="{{args.revision-hash}}"');
    expect(queries("payment")).toContain("payment_settlements_total");
    expect(queries("payment")).toContain('outcome!="rolled_back"');
    for (const app of ["coupon", "payment"]) {
      for (const metric of template(app).metrics) {
        expect(metric.successCondition).toMatch(/^len\(result\) > 0 && !isNaN\(result\[0\]\) && /);
        expect(metric.failureCondition).toMatch(/^len\(result\) > 0 && !isNaN\(result\[0\]\) && /);
        expect(metric.failureLimit).toBeGreaterThanOrEqual(0);
        expect(metric.consecutiveErrorLimit).toBeGreaterThan(0);
      }
    }
  });
}
