import { describe, expect, it } from "vitest";
import { diffPlans, exitCodeOf } from "../../scripts/lib/plan/diff";
import { committedPlan, planOf } from "./harness/plan-of";

describe("a profile value changed in a stack's config", () => {
  it("shows in the plan diff as a changed input on the resources it reaches, nothing dangerous", async () => {
    const head = await planOf("prod", "prod", { "coupon-platform:database": JSON.stringify({ backupRetentionDays: 14 }) });
    const diff = diffPlans(committedPlan("prod"), head);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    const primary = diff.changed.find((change) => change.resource.name === "database-primary");
    expect(primary?.inputs).toEqual([{ path: "backupRetentionPeriod", before: 30, after: 14 }]);
    expect(diff.dangers).toEqual([]);
    expect(exitCodeOf(diff)).toBe(1);
  });
});
