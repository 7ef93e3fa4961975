import { describe, expect, it } from "vitest";
import { profileConfig } from "../../policies/lib/pack-config";
import { STACK_RULES } from "../../policies/rules/stack";
import { checkStack, unknown } from "../../policies/testing/harness";
import { ruleNamed } from "./rule-lookup";

describe("stack-stateful-protected", () => {
  const rule = ruleNamed(STACK_RULES, "stack-stateful-protected");
  const database = (protect: boolean, props: Record<string, unknown> = {}) => ({
    type: "aws:rds/instance:Instance",
    name: "database-primary",
    urn: "urn:pulumi:prod::coupon-platform::coupon-platform:data:Database$aws:rds/instance:Instance::database-primary",
    props,
    options: { protect },
  });

  it("reports an unprotected database under the prod levels, naming it", async () => {
    const violations = await checkStack(rule, [database(false)], profileConfig(STACK_RULES, "prod"));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ rule: "stack-stateful-protected", level: "mandatory", urn: database(false).urn });
    expect(violations[0]?.message).toContain('aws:rds/instance:Instance "database-primary" is not protected');
    expect(violations[0]?.message).toContain("protectStatefulResources: true");
  });

  it("reports unprotected KMS keys and the EKS component too, and passes protected ones", async () => {
    const key = { type: "aws:kms/key:Key", name: "logs-key", props: {}, options: { protect: false } };
    const cluster = { type: "eks:index:Cluster", name: "cluster-eks", props: {}, options: { protect: true } };
    const violations = await checkStack(rule, [key, cluster, database(true)]);
    expect(violations.map((v) => v.message)).toEqual([expect.stringContaining('"logs-key" is not protected')]);
  });

  it("ignores stateless resources", async () => {
    expect(await checkStack(rule, [{ type: "aws:ec2/subnet:Subnet", name: "subnet", props: {} }])).toEqual([]);
  });

  it("does not run in a dev-profile stack", async () => {
    expect(await checkStack(rule, [database(false)], profileConfig(STACK_RULES, "dev"))).toEqual([]);
  });

  it("judges by options, so unknown inputs neither crash nor hide the verdict", async () => {
    const violations = await checkStack(rule, [database(false, { identifier: unknown.string, tags: unknown.object })]);
    expect(violations).toHaveLength(1);
    expect(await checkStack(rule, [database(true, { identifier: unknown.string })])).toEqual([]);
  });
});
