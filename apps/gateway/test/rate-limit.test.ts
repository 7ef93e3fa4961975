import type { Pool } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CouponService } from "../../coupon/src/service";
import { type HttpResponse, httpRequest } from "../../coupon/test/support/http-client";
import { startTestService } from "../../coupon/test/support/test-service";
import { couponOverrides, platformPool, resetPlatformState } from "../../payment/test/support/test-platform";
import { uniqueTopic } from "../../test-support/test-env";
import type { GatewayService } from "../src/service";
import { type SignedIn, authed, signUp, signUpAdmin } from "./support/gateway-client";
import { startTestGateway } from "./support/test-gateway";

const AUTH_POINTS = 6;
const PURCHASE_POINTS = 2;
const READ_USER_POINTS = 4;

/** Waits out the window the server named; the test asserts on answers, never on elapsed time. */
const waitRetryAfter = (response: HttpResponse) =>
  new Promise((resolve) => setTimeout(resolve, Number(response.headers["retry-after"]) * 1000 + 100));

describe("rate limits shared through Redis", () => {
  const env = { database: "gateway_test_limits", topic: uniqueTopic("limits"), deadLetterTopic: uniqueTopic("limits-dlq"), redisDb: 5 };
  let coupon: CouponService;
  const gateways: GatewayService[] = [];
  let pool: Pool;
  let buyer: SignedIn;
  let other: SignedIn;
  let couponIds: string[];

  beforeAll(async () => {
    await resetPlatformState(env);
    coupon = await startTestService(couponOverrides(env));
    const limits = {
      RATE_LIMIT_AUTH_POINTS: String(AUTH_POINTS),
      RATE_LIMIT_AUTH_WINDOW_SECONDS: "2",
      RATE_LIMIT_PURCHASE_POINTS: String(PURCHASE_POINTS),
      RATE_LIMIT_PURCHASE_WINDOW_SECONDS: "2",
      RATE_LIMIT_READ_USER_POINTS: String(READ_USER_POINTS),
      RATE_LIMIT_READ_WINDOW_SECONDS: "2",
    };
    for (const id of ["gw-limit-a", "gw-limit-b"])
      gateways.push(await startTestGateway(env, `http://127.0.0.1:${coupon.port}`, { ...limits, GATEWAY_ID: id }));
    pool = platformPool(env);
    const [a, b] = gateways as [GatewayService, GatewayService];
    // Two requests each: register + login.
    const admin = await signUpAdmin(a.port, pool, "admin@limits.test");
    buyer = await signUp(b.port, "buyer@limits.test");
    const now = Date.now();
    couponIds = [];
    for (let i = 0; i < PURCHASE_POINTS + 2; i++) {
      const created = await authed(a.port, admin.token, "/api/coupons", "POST", {
        name: `limit ${i}`,
        priceCents: 1,
        stock: 10,
        saleStartsAt: new Date(now - 60_000).toISOString(),
        saleEndsAt: new Date(now + 3_600_000).toISOString(),
      });
      couponIds.push(created.json<{ id: string }>().id);
    }
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    other = await signUp(a.port, "other@limits.test");
    await pool.query("UPDATE users SET credit_cents = 1000000 WHERE id IN (?, ?)", [buyer.userId, other.userId]);
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.shutdown();
    await coupon?.shutdown();
    await pool?.end();
  });

  it("limits auth requests per IP across replicas with 429 + Retry-After, then lets them through again", async () => {
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const login = (i: number) =>
      httpRequest((gateways[i % 2] as GatewayService).port, "/auth/login", {
        method: "POST",
        body: { email: "buyer@limits.test", password: "wrong password" },
      });
    const answers: HttpResponse[] = [];
    for (let i = 0; i < AUTH_POINTS + 2; i++) answers.push(await login(i));
    expect(answers.slice(0, AUTH_POINTS).map((r) => r.status)).toEqual(Array(AUTH_POINTS).fill(401));
    const limited = answers[AUTH_POINTS] as HttpResponse;
    expect(limited.status).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: "rate_limited" } });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    await waitRetryAfter(limited);
    expect((await login(0)).status).toBe(401);
  });

  it("limits purchases per user, not per caller IP, and recovers after the window", async () => {
    const [a, b] = gateways as [GatewayService, GatewayService];
    const purchase = (who: SignedIn, i: number) =>
      authed((i % 2 === 0 ? a : b).port, who.token, `/api/coupons/${couponIds[i]}/purchase`, "POST");
    const answers: HttpResponse[] = [];
    for (let i = 0; i <= PURCHASE_POINTS; i++) answers.push(await purchase(buyer, i));
    expect(answers.slice(0, PURCHASE_POINTS).map((r) => r.status)).toEqual(Array(PURCHASE_POINTS).fill(202));
    const limited = answers[PURCHASE_POINTS] as HttpResponse;
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBeDefined();
    // Another user from the same address still buys.
    expect((await purchase(other, 0)).status).toBe(202);
    await waitRetryAfter(limited);
    expect((await purchase(buyer, PURCHASE_POINTS + 1)).status).toBe(202);
  });

  it("limits reads per user across replicas, and per IP however many users share it", async () => {
    const [a, b] = gateways as [GatewayService, GatewayService];
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const browse = (who: SignedIn, i: number) => authed((i % 2 === 0 ? a : b).port, who.token, "/api/coupons");
    const answers: HttpResponse[] = [];
    for (let i = 0; i <= READ_USER_POINTS; i++) answers.push(await browse(buyer, i));
    expect(answers.slice(0, READ_USER_POINTS).map((r) => r.status)).toEqual(Array(READ_USER_POINTS).fill(200));
    const limited = answers[READ_USER_POINTS] as HttpResponse;
    expect(limited.status).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: "rate_limited" } });
    expect((await browse(other, 0)).status).toBe(200);
    await waitRetryAfter(limited);

    // A gateway whose per-IP read budget is 3: two users, each within their own budget, share one address.
    const strict = await startTestGateway(env, `http://127.0.0.1:${coupon.port}`, {
      RATE_LIMIT_READ_IP_POINTS: "3",
      GATEWAY_ID: "gw-limit-ip",
    });
    try {
      const sharedIp = [buyer, other, buyer, other].map(
        (who) => () => authed(strict.port, who.token, "/api/orders/1-00000000-0000-4000-8000-000000000000"),
      );
      const statuses: number[] = [];
      for (const read of sharedIp) statuses.push((await read()).status);
      expect(statuses).toEqual([404, 404, 404, 429]);
    } finally {
      await strict.shutdown();
    }
  });
});
