import { describe, expect, it } from "vitest";
import { changedNames, keyResources, names, rotationStep } from "./harness/key-rotation";

describe("key rotation, step 2: point signingKey at the next key", () => {
  it("rolls the gateway onto it on top of step 1; coupon still trusts both keys", async () => {
    const diff = await rotationStep(["k1", "k2"], "k2");
    expect(names(diff.added)).toEqual(keyResources("k2"));
    expect(diff.removed).toEqual([]);
    // Beyond step 1's coupon changes, only the gateway's key id and its pods (the plan never shows
    // Secret data; the pods' env checksum is how the new key shows, and what rolls them).
    expect(changedNames(diff)).toEqual(["coupon-config", "coupon-rollout", "gateway-config", "gateway-rollout"]);
    expect(diff.dangers).toEqual([]);
  });
});
