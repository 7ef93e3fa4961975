import { describe, expect, it } from "vitest";
import { CreditWarmer } from "../src/purchase/credit-warmer";
import type { SpendableCredit } from "../src/purchase/spendable-credit";

/** Records each fill and lets the test finish them one by one. */
function controllableCredit() {
  const started: string[] = [];
  const finishers: (() => void)[] = [];
  const credit = {
    warm: (userId: string) => {
      started.push(userId);
      return new Promise<void>((resolve) => finishers.push(resolve));
    },
  } as unknown as SpendableCredit;
  const finishOne = async () => {
    finishers.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { credit, started, finishOne };
}

describe("warming credit ahead of a sale", () => {
  it("fills a few at a time, each buyer once, and drops views past the queue's bound", async () => {
    const { credit, started, finishOne } = controllableCredit();
    const warmer = new CreditWarmer(credit, { concurrency: 2, maxQueued: 4, onError: () => undefined });
    for (const user of ["a", "b", "a", "c", "d", "e", "b"]) warmer.warm(user);
    // Two in flight; a and b queued once each; e found the queue full (a, b, c, d).
    expect(started).toEqual(["a", "b"]);
    await finishOne();
    expect(started).toEqual(["a", "b", "c"]);
    await finishOne();
    await finishOne();
    await finishOne();
    expect(started).toEqual(["a", "b", "c", "d"]);
    // Done with a: a later view of a warms again (the credit check itself is SpendableCredit's).
    warmer.warm("a");
    expect(started).toEqual(["a", "b", "c", "d", "a"]);
  });
});
