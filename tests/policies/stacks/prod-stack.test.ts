import { beforeAll, describe, expect, it } from "vitest";
import { ALL_RULES } from "../../../policies/rules";
import { runPack, type ResourceUnderTest } from "../../../policies/testing/harness";
import { checkStackAgainstPack, type StackCheck } from "../../../scripts/lib/stack-policy-check";

/**
 * The closed loop on prod: every resource the stack declares goes through the whole
 * pack at prod's levels and nothing is reported; then deliberate regressions on a copy
 * of those resources are each caught by the rule meant for them.
 */
let prod: StackCheck;
beforeAll(async () => {
  prod = await checkStackAgainstPack("prod");
}, 60_000);

/** A copy of prod's resources with one change made to the resources `change` picks. */
function regressed(
  pick: (resource: ResourceUnderTest) => boolean,
  change: (resource: ResourceUnderTest) => ResourceUnderTest | undefined,
): ResourceUnderTest[] {
  let touched = 0;
  const resources = prod.resources.flatMap((resource) => {
    if (!pick(resource)) return [resource];
    touched++;
    const changed = change(resource);
    return changed ? [changed] : [];
  });
  if (touched === 0) throw new Error("the regression touched no resource");
  return resources;
}

const withProps =
  (props: Record<string, unknown>) =>
  (resource: ResourceUnderTest): ResourceUnderTest => ({
    ...resource,
    props: { ...resource.props, ...props },
    outputs: { ...(resource.outputs ?? resource.props), ...props },
  });

describe("the prod stack under the policy pack", () => {
  it("runs every rule of the pack, all mandatory, over every resource it declares", () => {
    expect(prod.rules).toHaveLength(ALL_RULES.length);
    expect(prod.configSource).toBe("policies/config/prod.json");
    expect(prod.resources.length).toBeGreaterThan(150);
    const levels = Object.values(prod.config).map((entry) => (typeof entry === "string" ? entry : entry.enforcementLevel));
    expect(levels).toHaveLength(ALL_RULES.length);
    expect(levels.filter((level) => level !== "mandatory")).toEqual([]);
  });

  it("has no violation at all", () => {
    expect(prod.violations).toEqual([]);
  });

  it("reports the database made public (rds-not-publicly-accessible, mandatory)", async () => {
    // The primary: the RDS instance that replicates from nothing.
    const isPrimary = (r: ResourceUnderTest) => r.type === "aws:rds/instance:Instance" && !r.props.replicateSourceDb;
    const primaries = prod.resources.filter(isPrimary);
    expect(primaries).toHaveLength(1);
    const resources = regressed(isPrimary, withProps({ publiclyAccessible: true }));
    const violations = await runPack(ALL_RULES, resources, prod.config);
    expect(violations.map((v) => [v.rule, v.level, v.urn])).toEqual([["rds-not-publicly-accessible", "mandatory", primaries[0]!.urn]]);
  });

  it("reports the VPC's flow logs removed (vpc-flow-logs-enabled, mandatory)", async () => {
    const resources = regressed(
      (r) => r.type === "aws:ec2/flowLog:FlowLog",
      () => undefined,
    );
    const violations = await runPack(ALL_RULES, resources, prod.config);
    expect(violations.map((v) => [v.rule, v.level])).toEqual([["vpc-flow-logs-enabled", "mandatory"]]);
  });

  it("reports a pod without limits (k8s-resources, mandatory)", async () => {
    const stripLimits = (resource: ResourceUnderTest): ResourceUnderTest => {
      const rollout = structuredClone(resource.props) as {
        spec: { template: { spec: { containers: { resources?: Record<string, unknown> }[] } } };
      };
      for (const container of rollout.spec.template.spec.containers) delete container.resources?.limits;
      return { ...resource, props: rollout as unknown as Record<string, unknown>, outputs: rollout as unknown as Record<string, unknown> };
    };
    const resources = regressed(
      (r) => r.type === "kubernetes:argoproj.io/v1alpha1:Rollout" && (r.props.metadata as { name?: string } | undefined)?.name === "coupon",
      stripLimits,
    );
    const violations = await runPack(ALL_RULES, resources, prod.config);
    expect(violations.length).toBeGreaterThan(0);
    expect(new Set(violations.map((v) => `${v.rule} ${v.level}`))).toEqual(new Set(["k8s-resources mandatory"]));
    expect(violations[0]?.message).toMatch(/limit/);
  });
});
