import { beforeAll, describe, expect, it } from "vitest";
import { runStack, type StackRun } from "../../scripts/lib/mock-stack/run-stack";
import { helmRelease } from "./harness/helm-release";

/**
 * Order on `pulumi up` and, reversed, on destroy. The engine creates a resource after
 * what it depends on and deletes it before: Kubernetes objects wait for the nodes to
 * exist and go before the nodes do; Ingresses go before the controller that deletes
 * their ALBs (its finalizer holds each Ingress until the ALB is gone).
 */
let prod: StackRun;
beforeAll(async () => {
  prod = await runStack("prod");
}, 60_000);

describe("Kubernetes ordering (prod)", () => {
  it("makes the Kubernetes provider, and so every object and Helm release, wait for every managed node group", () => {
    const groups = prod.ofType("eks:index:ManagedNodeGroup").map((group) => `eks:index:ManagedNodeGroup::${group.name}`);
    expect(groups.length).toBeGreaterThanOrEqual(2);
    const provider = [...prod.dependsOn.keys()].find((key) => key.startsWith("pulumi:providers:kubernetes::"));
    expect(provider, "the Kubernetes provider was not seen").toBeDefined();
    expect(prod.dependsOn.get(provider as string)).toEqual(expect.arrayContaining(groups));
    // Every Kubernetes resource and release goes through that provider.
    const providerUrn = prod.declared.find((resource) => resource.type === "pulumi:providers:kubernetes")?.urn;
    const kubernetes = prod.declared.filter((resource) => resource.type.startsWith("kubernetes:"));
    expect(kubernetes.length).toBeGreaterThan(20);
    expect(kubernetes.filter((resource) => resource.provider !== providerUrn).map((resource) => resource.name)).toEqual([]);
  });

  it("deletes every Ingress before the load balancer controller", () => {
    const controller = helmRelease(prod, "aws-load-balancer-controller").key;
    const ingresses = [...prod.dependsOn.keys()].filter((key) => key.startsWith("kubernetes:networking.k8s.io/v1:Ingress::"));
    expect(ingresses.length).toBeGreaterThanOrEqual(2);
    for (const ingress of ingresses) expect(prod.dependsOn.get(ingress), ingress).toContain(controller);
  });

  it("runs the release's migration Job before any Rollout changes, named after the image so each release runs it anew", () => {
    const job = "kubernetes:batch/v1:Job::db-migrate";
    expect(prod.dependsOn.has(job), "the migration Job was not declared").toBe(true);
    const rollouts = [...prod.dependsOn.keys()].filter((key) => key.startsWith("kubernetes:argoproj.io/v1alpha1:Rollout::"));
    expect(rollouts).toHaveLength(3);
    for (const rollout of rollouts) expect(prod.dependsOn.get(rollout), rollout).toContain(job);
    const [declared] = prod.ofType("kubernetes:batch/v1:Job");
    expect(declared!.inputs.metadata.name).toMatch(/^db-migrate-[0-9a-f]{10}$/);
    const container = declared!.inputs.spec.template.spec.containers[0];
    expect(container.command).toEqual(["node", "/app/migrate.js"]);
    expect(container.image).toMatch(/\/coupon:/);
  });
});
