import { describe, expect, it } from "vitest";
import { HttpError } from "../../lib/http/http-error";
import { HashGate } from "../src/auth/hash-gate";

/** Work that finishes when the test says so. */
function pending() {
  let finish = () => undefined as void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { done, finish };
}

describe("the password hashing gate", () => {
  it("runs at most `concurrency` at once, queues up to its limit, and answers 503 beyond it", async () => {
    const gate = new HashGate(2, 1);
    let running = 0;
    let most = 0;
    const jobs = [pending(), pending(), pending()];
    const runs = jobs.map((job) =>
      gate.run(async () => {
        running += 1;
        most = Math.max(most, running);
        await job.done;
        running -= 1;
      }),
    );
    // Two run, one waits: the fourth finds the queue full.
    const refused = await gate.run(async () => undefined).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 503, code: "hashing_busy" });
    for (const job of jobs) job.finish();
    await Promise.all(runs);
    expect(most).toBe(2);
    // Slots are given back: the gate takes work again.
    await expect(gate.run(async () => "done")).resolves.toBe("done");
  });

  it("frees the slot when the work fails", async () => {
    const gate = new HashGate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(gate.run(async () => 1)).resolves.toBe(1);
  });
});
