import { diffPlans, type PlanDiff } from "../../../scripts/lib/plan/diff";
import { committedPlan, planOf } from "./plan-of";

/**
 * One step of docs/SECURITY.md's signing-key rotation on prod (whose profile has
 * keys [k1], signingKey k1), as the plan diff against the committed snapshot shows
 * it. One stack run per test file, so each step is a file of its own.
 */
export async function rotationStep(keys: string[], signingKey: string): Promise<PlanDiff> {
  const plan = await planOf("prod", "prod", { "coupon-platform:delivery": JSON.stringify({ internalIdentity: { keys, signingKey } }) });
  return diffPlans(committedPlan("prod"), plan);
}

export const names = (resources: readonly { name: string }[]) => resources.map((resource) => resource.name).sort();
export const changedNames = (diff: PlanDiff) => names(diff.changed.map((change) => change.resource));
/** The resources a key name brings: the key pair, its Secrets Manager secret and the secret's value. */
export const keyResources = (key: string) => [
  `internal-identity-${key}`,
  `internal-identity-${key}-secret`,
  `internal-identity-${key}-secret-value`,
];
