import { describe, expect, it } from "vitest";
import { changedNames, keyResources, names, rotationStep } from "./harness/key-rotation";

describe("key rotation done in one step (keys [k1] → [k2], no overlap)", () => {
  it("is flagged by the plan diff: the old key's secret reads as replaced, and coupon and the gateway change together", async () => {
    const diff = await rotationStep(["k2"], "k2");
    expect(names(diff.added)).toEqual(keyResources("k2"));
    expect(names(diff.removed)).toEqual(keyResources("k1"));
    // Both apps roll at once: for a while old gateways sign with k1 for coupon pods that trust only k2.
    expect(changedNames(diff)).toEqual(["coupon-config", "coupon-rollout", "gateway-config", "gateway-rollout"]);
    expect(diff.dangers.map((danger) => danger.urn)).toEqual([expect.stringMatching(/::internal-identity-k1-secret$/)]);
    expect(diff.dangers[0]?.reason).toMatch(/^replaced: declared again as .*internal-identity-k2-secret/);
  });
});
