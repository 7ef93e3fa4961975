import * as fs from "fs";
import { runStack } from "../../../scripts/lib/mock-stack/run-stack";
import { buildPlan, parsePlanJson, type Plan } from "../../../scripts/lib/plan/plan";
import { snapshotPath } from "../../../scripts/lib/plan/snapshots";

/** The committed snapshot of a stack: the base a change is compared with. */
export function committedPlan(stack: string): Plan {
  return parsePlanJson(fs.readFileSync(snapshotPath(stack), "utf8"), `stacks/${stack}.plan.json`);
}

/** The plan of the real program for a stack (with config overrides), as `npm run plan` makes it. Once per test file. */
export async function planOf(stack: string, profile: string, configOverrides: Record<string, string> = {}): Promise<Plan> {
  return buildPlan(await runStack(stack, configOverrides), { project: "coupon-platform", stack, profile });
}
