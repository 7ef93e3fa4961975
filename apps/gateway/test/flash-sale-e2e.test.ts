import type { Pool } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CouponService } from "../../coupon/src/service";
import { startTestService } from "../../coupon/test/support/test-service";
import { waitUntil } from "../../coupon/test/support/waiting";
import type { PaymentService } from "../../payment/src/service";
import { takeSnapshot } from "../../payment/test/support/ledger-snapshot";
import { couponOverrides, platformPool, resetPlatformState, startTestPayment } from "../../payment/test/support/test-platform";
import { uniqueTopic } from "../../test-support/test-env";
import type { GatewayService } from "../src/service";
import { type OpenSocket, type SignedIn, authed, openSocket, signUp, signUpAdmin } from "./support/gateway-client";
import { startTestGateway } from "./support/test-gateway";
import { redisInspector } from "../../test-support/redis-inspector";

const STOCK = 30;
const PRICE = 1_500;
const BUYERS = 60;
const RICH_CREDIT = 4_000;
const POOR_CREDIT = 1_000;
/** Every fourth buyer cannot afford the coupon. */
const isPoor = (index: number) => index % 4 === 3;

interface Buyer extends SignedIn {
  index: number;
  socket: OpenSocket;
  orders: string[];
}

describe("flash sale end to end: two gateways, coupon, payment, WebSockets", () => {
  const env = { database: "gateway_test_e2e", topic: uniqueTopic("e2e"), deadLetterTopic: uniqueTopic("e2e-dlq"), redisDb: 2 };
  const inspect = redisInspector(env.redisDb);
  let coupon: CouponService;
  let payment: PaymentService;
  const gateways: GatewayService[] = [];
  let pool: Pool;
  let couponId: string;
  const buyers: Buyer[] = [];
  const answers: number[] = [];

  const gatewayPort = (i: number) => (gateways[i % 2] as GatewayService).port;

  /** Even buyers buy through the gateway holding their socket, odd ones through the other replica. */
  async function buy(buyer: Buyer): Promise<void> {
    const port = gatewayPort(buyer.index % 2 === 0 ? buyer.index : buyer.index + 1);
    const response = await authed(port, buyer.token, `/api/coupons/${couponId}/purchase`, "POST");
    answers.push(response.status);
    if (response.status === 202) {
      expect(response.headers.location).toMatch(/^\/api\/orders\//);
      buyer.orders.push(response.json<{ orderId: string }>().orderId);
    }
  }

  async function orderStatus(buyer: Buyer, orderId: string): Promise<string> {
    const response = await authed(gatewayPort(buyer.index), buyer.token, `/api/orders/${orderId}`);
    expect(response.status, response.text).toBe(200);
    return response.json<{ status: string }>().status;
  }

  async function everyOrderDecided(): Promise<boolean> {
    for (const buyer of buyers) for (const orderId of buyer.orders) if ((await orderStatus(buyer, orderId)) === "pending") return false;
    return true;
  }

  beforeAll(async () => {
    await resetPlatformState(env);
    coupon = await startTestService(couponOverrides(env));
    payment = await startTestPayment(env);
    const couponUrl = `http://127.0.0.1:${coupon.port}`;
    gateways.push(
      await startTestGateway(env, couponUrl, { GATEWAY_ID: "gw-e2e-a" }),
      await startTestGateway(env, couponUrl, { GATEWAY_ID: "gw-e2e-b" }),
    );
    pool = platformPool(env);

    const admin = await signUpAdmin(gatewayPort(0), pool, "admin@e2e.test");
    const now = Date.now();
    const created = await authed(gatewayPort(0), admin.token, "/api/coupons", "POST", {
      name: "E2E flash sale",
      priceCents: PRICE,
      stock: STOCK,
      saleStartsAt: new Date(now - 60_000).toISOString(),
      saleEndsAt: new Date(now + 3_600_000).toISOString(),
    });
    expect(created.status, created.text).toBe(201);
    couponId = created.json<{ id: string }>().id;

    for (let index = 0; index < BUYERS; index++) {
      const account = await signUp(gatewayPort(index), `buyer${index}@e2e.test`);
      await pool.query("UPDATE users SET credit_cents = ? WHERE id = ?", [isPoor(index) ? POOR_CREDIT : RICH_CREDIT, account.userId]);
      buyers.push({ ...account, index, socket: await openSocket(gatewayPort(index), account.token), orders: [] });
    }
  });

  afterAll(async () => {
    for (const buyer of buyers) buyer.socket.socket.terminate();
    for (const gateway of gateways) await gateway.shutdown();
    await payment?.shutdown();
    await coupon?.shutdown();
    await pool?.end();
  });

  it("sells exactly the stock to buyers who can pay, refuses the others at once, and tells every buyer", async () => {
    await Promise.all(buyers.map(buy));
    // A buyer who cannot pay holds nothing: 402 at once, never a unit another buyer waits for.
    const poor = buyers.filter((b) => isPoor(b.index));
    expect(poor.flatMap((b) => b.orders)).toEqual([]);
    // (Those who came after the last unit heard 410 instead: the sold-out answer comes first.)
    const refusedForCredit = answers.filter((s) => s === 402).length;
    expect(refusedForCredit).toBeGreaterThan(0);
    expect(refusedForCredit).toBeLessThanOrEqual(poor.length);
    expect(answers.filter((s) => s !== 202 && s !== 402 && s !== 410)).toEqual([]);
    // So the stock goes, in one wave, to buyers who can pay: no refusal, no resale.
    expect(answers.filter((s) => s === 202)).toHaveLength(STOCK);
    await waitUntil("every order settled", everyOrderDecided);

    const snapshot = await takeSnapshot(pool, inspect, couponId);
    const paid = snapshot.purchases.length;
    expect(paid).toBe(STOCK);
    expect(Number(snapshot.redisStock)).toBe(0);
    expect(Number(snapshot.couponStock)).toBe(0);
    // No duplicate purchase, and money conserved: credits fell by exactly paid × price.
    expect(new Set(snapshot.purchases.map((p) => String(p.user_id))).size).toBe(paid);
    const initialTotal = buyers.reduce((sum, b) => sum + (isPoor(b.index) ? POOR_CREDIT : RICH_CREDIT), 0);
    const nowTotal = buyers.reduce((sum, b) => sum + Number(snapshot.credits[b.userId]), 0);
    expect(initialTotal - nowTotal).toBe(paid * PRICE);

    // Every buyer told 202 hears the result on the socket (or reads it: GET must agree with what was pushed).
    const decided = buyers.flatMap((b) => b.orders.map((orderId) => ({ buyer: b, orderId })));
    await waitUntil("every result pushed", async () => buyers.reduce((n, b) => n + b.socket.messages.length, 0) >= decided.length);
    for (const { buyer, orderId } of decided) {
      const pushed = buyer.socket.messages.filter((m) => m.orderId === orderId);
      expect(pushed).toHaveLength(1);
      const status = await orderStatus(buyer, orderId);
      expect(pushed[0]).toMatchObject({ type: "payment_update", status, userId: buyer.userId, couponId });
      expect(status).toBe("paid");
    }
    // Half the buyers bought through the replica without their socket: those results crossed instances.
    const pushedPerGateway = await Promise.all(gateways.map(async (g) => (await g.metrics.pushed.get()).values[0]?.value ?? 0));
    expect(pushedPerGateway.every((n) => n > 0)).toBe(true);
  });
});
