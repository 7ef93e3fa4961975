import { describe, expect, it } from "vitest";
import { changedNames, keyResources, names, rotationStep } from "./harness/key-rotation";

describe("key rotation, step 1: add the next key to delivery.internalIdentity.keys", () => {
  it("creates and stores the key and rolls coupon to trust it, while the gateway keeps signing with the old key", async () => {
    const diff = await rotationStep(["k1", "k2"], "k1");
    expect(names(diff.added)).toEqual(keyResources("k2"));
    expect(diff.removed).toEqual([]);
    // The gateway's objects stay as they are: nothing signs with a key coupon might not trust yet.
    expect(changedNames(diff)).toEqual(["coupon-config", "coupon-rollout"]);
    expect(diff.dangers).toEqual([]);
  });
});
