import type { Pool } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CouponService } from "../../coupon/src/service";
import { httpRequest } from "../../coupon/test/support/http-client";
import { startTestService } from "../../coupon/test/support/test-service";
import { waitUntil } from "../../coupon/test/support/waiting";
import { couponKeys } from "../../lib/flash-sale/keys";
import type { PaymentService } from "../../payment/src/service";
import { takeSnapshot } from "../../payment/test/support/ledger-snapshot";
import { couponOverrides, platformPool, resetPlatformState, startTestPayment } from "../../payment/test/support/test-platform";
import { redisInspector } from "../../test-support/redis-inspector";
import { uniqueTopic } from "../../test-support/test-env";
import type { GatewayService } from "../src/service";
import { type SignedIn, authed, signUp, signUpAdmin } from "./support/gateway-client";
import { startTestGateway } from "./support/test-gateway";

const STOCK = 20;
const PRICE = 1_000;
const REAL_BUYERS = 25;
const BOTS = 40;
const BOT_TRIES = 3;

/**
 * A bot farm of free accounts with no credit hammers a sale beside real buyers.
 * Before, each bot reserved a unit that payment later refused, and bought again:
 * the stock stayed pending and real buyers saw 410. Now a buyer who cannot pay
 * holds nothing.
 */
describe("a bot farm against a flash sale", () => {
  const env = { database: "gateway_test_bots", topic: uniqueTopic("bots"), deadLetterTopic: uniqueTopic("bots-dlq"), redisDb: 13 };
  const inspect = redisInspector(env.redisDb);
  let coupon: CouponService;
  let payment: PaymentService;
  let gateway: GatewayService;
  let pool: Pool;
  let couponId: string;
  const realBuyers: SignedIn[] = [];
  const bots: SignedIn[] = [];

  beforeAll(async () => {
    await resetPlatformState(env);
    coupon = await startTestService(couponOverrides(env));
    payment = await startTestPayment(env);
    gateway = await startTestGateway(env, `http://127.0.0.1:${coupon.port}`);
    pool = platformPool(env);
    const admin = await signUpAdmin(gateway.port, pool, "admin@bots.test");
    const now = Date.now();
    const created = await authed(gateway.port, admin.token, "/api/coupons", "POST", {
      name: "bot bait",
      priceCents: PRICE,
      stock: STOCK,
      saleStartsAt: new Date(now - 60_000).toISOString(),
      saleEndsAt: new Date(now + 3_600_000).toISOString(),
    });
    couponId = created.json<{ id: string }>().id;
    for (let i = 0; i < REAL_BUYERS; i++) {
      const buyer = await signUp(gateway.port, `buyer${i}@bots.test`);
      await pool.query("UPDATE users SET credit_cents = ? WHERE id = ?", [5 * PRICE, buyer.userId]);
      realBuyers.push(buyer);
    }
    // Free accounts: registration gives no credit.
    for (let i = 0; i < BOTS; i++) bots.push(await signUp(gateway.port, `bot${i}@bots.test`));
  });

  afterAll(async () => {
    await gateway?.shutdown();
    await payment?.shutdown();
    await coupon?.shutdown();
    await pool?.end();
  });

  it("gives every unit to buyers who can pay: bots get 402, then a cool-down, and never hold a unit", async () => {
    const buy = async (who: SignedIn) => ({
      who,
      status: (await authed(gateway.port, who.token, `/api/coupons/${couponId}/purchase`, "POST")).status,
    });
    // The bots fire first and keep firing while the real buyers arrive.
    const botAnswers = Promise.all(bots.map(async (bot) => Promise.all(Array.from({ length: BOT_TRIES }, () => buy(bot)))));
    const realAnswers = await Promise.all(realBuyers.map(buy));
    const botStatuses = (await botAnswers).flat().map((a) => a.status);

    expect(botStatuses.filter((s) => s === 202)).toEqual([]);
    expect(botStatuses.filter((s) => s !== 402 && s !== 429 && s !== 410)).toEqual([]);
    // Every bot was refused for credit at least once, and met its cool-down when it insisted.
    expect(botStatuses.filter((s) => s === 402).length).toBeGreaterThanOrEqual(BOTS);
    expect(botStatuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(realAnswers.filter((a) => a.status === 202)).toHaveLength(STOCK);

    await waitUntil("every order settled", async () => {
      const statuses = Object.values(await inspect.hgetall(couponKeys(couponId).orderStatus));
      return statuses.length === STOCK && statuses.every((s) => s === "paid");
    });
    const snapshot = await takeSnapshot(pool, inspect, couponId);
    const realIds = new Set(realBuyers.map((b) => b.userId));
    expect(snapshot.purchases).toHaveLength(STOCK);
    expect(snapshot.purchases.every((p) => realIds.has(String(p.user_id)))).toBe(true);
    expect(Object.keys(snapshot.buyers).every((userId) => realIds.has(userId))).toBe(true);
    expect(Number(snapshot.couponStock)).toBe(0);
  });

  it("limits new accounts per client address", async () => {
    const limited = await startTestGateway(env, `http://127.0.0.1:${coupon.port}`, {
      TRUSTED_PROXY_HOPS: "1",
      RATE_LIMIT_REGISTER_IP_POINTS: "3",
    });
    try {
      const register = (i: number, address: string) =>
        httpRequest(limited.port, "/auth/register", {
          method: "POST",
          headers: { "x-forwarded-for": address },
          body: { email: `farm${i}.${address}@bots.test`, password: "correct horse battery staple" },
        });
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push((await register(i, "198.18.2.1")).status);
      expect(answers).toEqual([202, 202, 202, 429]);
      expect((await register(0, "198.18.2.2")).status).toBe(202);
    } finally {
      await limited.shutdown();
    }
  });
});
