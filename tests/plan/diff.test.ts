import * as fs from "fs";
import { describe, expect, it } from "vitest";
import { diffPlans, exitCodeOf } from "../../scripts/lib/plan/diff";
import { renderDiffMarkdown } from "../../scripts/lib/plan/diff-report";
import { parsePlanJson, type Plan, type PlannedResource } from "../../scripts/lib/plan/plan";
import { snapshotPath } from "../../scripts/lib/plan/snapshots";

/**
 * The diff on the committed prod plan and edited copies of it: each edit is what the
 * program would declare after the change named in the test. Changes made to the real
 * program (a profile value, a renamed component) are in the other tests of this folder.
 */
const prod = (): Plan => parsePlanJson(fs.readFileSync(snapshotPath("prod"), "utf8"), "stacks/prod.plan.json");

function edit(plan: Plan, name: string, change: (resource: PlannedResource) => PlannedResource): Plan {
  let found = false;
  const resources = plan.resources.map((resource) => {
    if (resource.name !== name) return resource;
    found = true;
    return change(resource);
  });
  if (!found) throw new Error(`no resource ${name} in the plan`);
  return { ...plan, resources };
}

const withInputs =
  (inputs: Record<string, unknown>) =>
  (resource: PlannedResource): PlannedResource => ({ ...resource, inputs: { ...resource.inputs, ...inputs } });

describe("plan diff", () => {
  it("an unchanged plan is no change (exit 0)", () => {
    const diff = diffPlans(prod(), prod());
    expect(diff).toEqual({ added: [], removed: [], changed: [], dangers: [] });
    expect(exitCodeOf(diff)).toBe(0);
    expect(renderDiffMarkdown(diff, { stack: "prod", base: "main" })).toContain("no change");
  });

  it("a changed setting is a changed input with its before and after (exit 1)", () => {
    const head = edit(prod(), "database-primary", withInputs({ backupRetentionPeriod: 14 }));
    const diff = diffPlans(prod(), head);
    expect(diff.changed).toHaveLength(1);
    expect(diff.changed[0]?.inputs).toEqual([{ path: "backupRetentionPeriod", before: 30, after: 14 }]);
    expect(diff.dangers).toEqual([]);
    expect(exitCodeOf(diff)).toBe(1);
    expect(renderDiffMarkdown(diff, { stack: "prod", base: "main" })).toMatch(/`backupRetentionPeriod` \| `30` \| `14`/);
  });

  it.each([
    ["its storage encryption key", { kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/another-key-id" }, "kmsKeyId"],
    ["its engine", { engine: "mariadb" }, "engine"],
    ["its storage encryption", { storageEncrypted: false }, "storageEncrypted"],
  ])("a change to the RDS instance's %s replaces the database: dangerous (exit 2)", (_what, inputs, path) => {
    const diff = diffPlans(prod(), edit(prod(), "database-primary", withInputs(inputs)));
    expect(diff.dangers).toHaveLength(1);
    expect(diff.dangers[0]).toMatchObject({ type: "aws:rds/instance:Instance" });
    expect(diff.dangers[0]?.reason).toContain(`\`${path}\``);
    expect(exitCodeOf(diff)).toBe(2);
    const markdown = renderDiffMarkdown(diff, { stack: "prod", base: "main" });
    expect(markdown).toContain("1 dangerous");
    expect(markdown).toContain("database-primary");
  });

  it("a nested input that forces replacement is dangerous too (MSK at-rest key)", () => {
    const kafka = prod().resources.find((resource) => resource.type === "aws:msk/cluster:Cluster");
    if (!kafka) throw new Error("no MSK cluster in the prod plan");
    const head = edit(prod(), kafka.name, (resource) => ({
      ...resource,
      inputs: {
        ...resource.inputs,
        encryptionInfo: {
          ...(resource.inputs.encryptionInfo as object),
          encryptionAtRestKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/other",
        },
      },
    }));
    const diff = diffPlans(prod(), head);
    expect(diff.dangers.map((danger) => danger.reason)).toEqual([expect.stringContaining("`encryptionInfo.encryptionAtRestKmsKeyArn`")]);
  });

  it("shows protect coming and going, as an option change that replaces nothing", () => {
    const unprotected = edit(prod(), "database-primary", (resource) => ({ ...resource, protect: false }));
    const diff = diffPlans(unprotected, prod());
    expect(diff.changed.map((change) => change.inputs)).toEqual([[{ path: "(option) protect", before: false, after: true }]]);
    expect(diff.dangers).toEqual([]);
    expect(renderDiffMarkdown(diff, { stack: "prod", base: "main" })).toContain(
      "| `Instance` `database-primary` | `(option) protect` | `false` | `true` |",
    );
  });

  it("an in-place change to a stateful resource is not dangerous", () => {
    const diff = diffPlans(prod(), edit(prod(), "database-primary", withInputs({ instanceClass: "db.r7g.xlarge", multiAz: false })));
    expect(diff.changed).toHaveLength(1);
    expect(diff.dangers).toEqual([]);
    expect(exitCodeOf(diff)).toBe(1);
  });

  it("deleting a stateful resource is dangerous; deleting a stateless one is a change", () => {
    const without = (name: string): Plan => ({ ...prod(), resources: prod().resources.filter((resource) => resource.name !== name) });
    const kafka = prod().resources.find((resource) => resource.type === "aws:msk/cluster:Cluster");
    const configMap = prod().resources.find((resource) => resource.type === "kubernetes:core/v1:ConfigMap");
    if (!kafka || !configMap) throw new Error("the prod plan lacks an MSK cluster or a ConfigMap");
    const gone = diffPlans(prod(), without(kafka.name));
    expect(gone.dangers).toEqual([expect.objectContaining({ type: "aws:msk/cluster:Cluster", reason: expect.stringMatching(/deleted/) })]);
    const stateless = diffPlans(prod(), without(configMap.name));
    expect(stateless.removed).toHaveLength(1);
    expect(stateless.dangers).toEqual([]);
    expect(exitCodeOf(stateless)).toBe(1);
  });

  it("a reordered set (security groups, availability zones) is no change; a reordered list still is", () => {
    const primary = prod().resources.find((r) => r.name === "database-primary");
    const groups = ["database-sg-id", "extra-sg-id"];
    const base = edit(
      prod(),
      "database-primary",
      withInputs({ vpcSecurityGroupIds: groups, availabilityZones: ["eu-west-1a", "eu-west-1b"] }),
    );
    const reordered = edit(
      prod(),
      "database-primary",
      withInputs({ vpcSecurityGroupIds: [...groups].reverse(), availabilityZones: ["eu-west-1b", "eu-west-1a"] }),
    );
    expect(primary).toBeDefined();
    expect(diffPlans(base, reordered).changed).toEqual([]);
    const logs = edit(prod(), "database-primary", withInputs({ enabledCloudwatchLogsExports: ["slowquery", "error"] }));
    expect(diffPlans(prod(), logs).changed).toEqual([]);
    const container = prod().resources.find((r) => r.type === "kubernetes:argoproj.io/v1alpha1:Rollout");
    if (!container) throw new Error("no Rollout in the prod plan");
    const args = edit(
      prod(),
      container.name,
      withInputs({ metadata: { ...(container.inputs.metadata as object), finalizers: ["b", "a"] } }),
    );
    const argsSwapped = edit(
      prod(),
      container.name,
      withInputs({ metadata: { ...(container.inputs.metadata as object), finalizers: ["a", "b"] } }),
    );
    expect(diffPlans(args, argsSwapped).changed).toHaveLength(1);
  });

  it("names the successor of a removed stateful resource by type before name", () => {
    // The primary renamed database-main (same type, same component), and an unrelated
    // ConfigMap that happens to take the old name: the successor is the database.
    const plan = prod();
    const primary = plan.resources.find((r) => r.name === "database-primary");
    if (!primary) throw new Error("no database-primary");
    const renamed = { ...primary, name: "database-main", urn: primary.urn.replace(/::database-primary$/, "::database-main") };
    const impostor = {
      ...primary,
      type: "kubernetes:core/v1:ConfigMap",
      urn: primary.urn.replace("aws:rds/instance:Instance", "kubernetes:core/v1:ConfigMap"),
      inputs: {},
    };
    const head = { ...plan, resources: [...plan.resources.filter((r) => r.name !== "database-primary"), renamed, impostor] };
    const danger = diffPlans(plan, head).dangers.find((d) => d.urn === primary.urn);
    expect(danger?.reason).toMatch(/declared again as .*::database-main without an alias/);
  });

  it("a type change of a stateful resource is dangerous", () => {
    const head = edit(prod(), "database-primary", (resource) => ({
      ...resource,
      type: "aws:rds/cluster:Cluster",
      urn: resource.urn.replace("aws:rds/instance:Instance", "aws:rds/cluster:Cluster"),
    }));
    const diff = diffPlans(prod(), head);
    expect(diff.dangers.some((danger) => danger.reason.includes("type changes to aws:rds/cluster:Cluster"))).toBe(true);
    expect(exitCodeOf(diff)).toBe(2);
  });

  it("a new stack (no base resources) is all additions, nothing dangerous", () => {
    const diff = diffPlans({ ...prod(), resources: [] }, prod());
    expect(diff.added).toHaveLength(prod().resources.length);
    expect(exitCodeOf(diff)).toBe(1);
  });
});
