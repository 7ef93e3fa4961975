import type { Pool, RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { couponKeys } from "../../lib/flash-sale/keys";
import type { CouponService } from "../../coupon/src/service";
import { createSale } from "../../coupon/test/support/coupons";
import { asUser, httpRequest } from "../../coupon/test/support/http-client";
import { startTestService } from "../../coupon/test/support/test-service";
import { waitUntil } from "../../coupon/test/support/waiting";
import { uniqueTopic } from "../../test-support/test-env";
import { seedUsers, settlementCount, takeSnapshot } from "./support/ledger-snapshot";
import { type PaymentProcess, spawnPayment, waitUntilReady } from "./support/payment-process";
import { couponOverrides, paymentEnv, platformPool, resetPlatformState } from "./support/test-platform";
import { redisInspector } from "../../test-support/redis-inspector";
import { fundBuyers } from "../../test-support/spendable-credit";

const PRICE = 700;
const STOCK = 300;
const WAVE = 100;
const RICH_CREDIT = 10_000;
const POOR_CREDIT = 100;
const buyers = Array.from({ length: 4 * WAVE }, (_, i) => 3_000_001 + i);
const isPoor = (userId: number) => userId % 5 === 0;
const initialCredit = (userId: number) => (isPoor(userId) ? POOR_CREDIT : RICH_CREDIT);

describe("the payment process is killed in the middle of a sale and restarted", () => {
  const env = { database: "payment_test_crash", topic: uniqueTopic("crash"), deadLetterTopic: uniqueTopic("crash-dlq"), redisDb: 7 };
  const inspect = redisInspector(env.redisDb);
  let coupon: CouponService;
  let pool: Pool;
  let couponId: string;
  let payment: PaymentProcess | undefined;
  const orderOf = new Map<number, string>();

  const buyWave = (wave: number) =>
    Promise.all(
      buyers.slice(wave * WAVE, (wave + 1) * WAVE).map(async (userId) => {
        const response = await httpRequest(coupon.port, `/coupons/${couponId}/purchase`, {
          method: "POST",
          headers: asUser(userId, "gw-crash-test"),
        });
        if (response.status === 202) orderOf.set(userId, response.json<{ orderId: string }>().orderId);
      }),
    );

  beforeAll(async () => {
    await resetPlatformState(env);
    coupon = await startTestService(couponOverrides(env));
    pool = platformPool(env);
    await seedUsers(pool, new Map(buyers.map((id) => [id, initialCredit(id)])));
    // Redis believes the poor buyers can pay: they reserve, and payment, which trusts MySQL, refuses them.
    await fundBuyers(inspect, buyers.filter(isPoor), RICH_CREDIT);
    couponId = (await createSale(coupon.port, { stock: STOCK, priceCents: PRICE })).id;
  });

  afterAll(async () => {
    payment?.child.kill("SIGKILL");
    await coupon?.shutdown();
    await pool?.end();
  });

  it("ends with every order settled exactly once", async () => {
    payment = await spawnPayment(paymentEnv(env));
    await waitUntilReady(payment);
    await buyWave(0);
    await waitUntil("the first wave settling", async () => (await settlementCount(pool)) >= 30);

    // Kill while the second wave is being settled: a transaction may be open and
    // offsets of settled orders may not be committed yet.
    const wave1 = buyWave(1);
    const settledBefore = await settlementCount(pool);
    await waitUntil("settlement under way", async () => (await settlementCount(pool)) >= settledBefore + 10, 600, 5);
    payment.child.kill("SIGKILL");
    expect((await payment.exited)[1]).toBe("SIGKILL");
    await wave1;
    // Orders keep being accepted while payment is down; they wait on Kafka.
    await buyWave(2);

    payment = await spawnPayment(paymentEnv(env));
    await waitUntilReady(payment);
    await buyWave(3);

    const keys = couponKeys(couponId);
    await waitUntil(
      "every accepted order settled",
      async () => {
        const statuses = Object.values(await inspect.hgetall(keys.orderStatus));
        return statuses.length === orderOf.size && statuses.every((s) => s !== "pending");
      },
      1_200,
    );
    payment.child.kill("SIGTERM");
    expect((await payment.exited)[0]).toBe(0);

    const snapshot = await takeSnapshot(pool, inspect, couponId);
    const [rows] = await pool.query<RowDataPacket[]>("SELECT order_id, outcome FROM payment_settlements");
    const outcomeOf = new Map(rows.map((row) => [String(row.order_id), String(row.outcome)]));
    // One decision per accepted order, and Redis tells the same decision.
    expect(outcomeOf.size).toBe(orderOf.size);
    for (const [userId, orderId] of orderOf) {
      const expected = isPoor(userId) ? "refused" : "paid";
      expect(outcomeOf.get(orderId)).toBe(expected);
      expect(snapshot.statuses[orderId]).toBe(expected);
    }
    const paid = [...orderOf.keys()].filter((id) => !isPoor(id));
    const refused = orderOf.size - paid.length;
    expect(refused).toBeGreaterThan(0);
    // Each payer debited once, each refused buyer untouched; each refused unit returned once.
    expect(snapshot.purchases).toHaveLength(paid.length);
    for (const userId of buyers) {
      const charged = paid.includes(userId) ? PRICE : 0;
      expect(snapshot.credits[String(userId)]).toBe(String(initialCredit(userId) - charged));
    }
    expect(Number(snapshot.redisStock)).toBe(STOCK - orderOf.size + refused);
    expect(Number(snapshot.couponStock)).toBe(STOCK - paid.length);
    expect(paid.length + Number(snapshot.redisStock)).toBe(STOCK);
  });
});
