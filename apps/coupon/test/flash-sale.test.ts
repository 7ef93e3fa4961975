import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUTBOX_INDEX_KEY, couponKeys } from "../../lib/flash-sale/keys";
import { orderEventSchema, type OrderEvent } from "../../lib/flash-sale/order-event";
import { OutboxStore } from "../src/outbox/outbox-store";
import type { CouponService } from "../src/service";
import { TEST_KAFKA_BROKER, TEST_REDIS_DB, uniqueTopic } from "../../test-support/test-env";
import { createSale } from "./support/coupons";
import { asUser, httpRequest, type HttpResponse } from "./support/http-client";
import { readWholeTopic } from "./support/kafka-reader";
import { startTestService } from "./support/test-service";
import { waitUntil } from "./support/waiting";
import { redisInspector } from "../../test-support/redis-inspector";
import { fundBuyers } from "../../test-support/spendable-credit";

const inspect = redisInspector(TEST_REDIS_DB);

const USERS = 1_000;
const ATTEMPTS_PER_USER = 2;
const STOCK = 100;
const PRICE_CENTS = 4_250;
const gatewayOf = (userId: number) => `gw-${userId % 7}`;

describe("flash sale: 2,000 concurrent attempts from 1,000 users on stock 100", () => {
  const topic = uniqueTopic("flash-sale");
  let service: CouponService;
  let couponId: string;
  const attempts: { userId: number; response: HttpResponse }[] = [];
  let lowestStockSeen = Number.POSITIVE_INFINITY;

  beforeAll(async () => {
    // Earlier files bought with their relays off: forget their outboxes, or this relay would publish their
    // orders into this test's topic. Only this sale's orders may reach it.
    await inspect.del(OUTBOX_INDEX_KEY);
    service = await startTestService({ KAFKA_ORDERS_TOPIC: topic });
    couponId = (await createSale(service.port, { stock: STOCK, priceCents: PRICE_CENTS })).id;
    await fundBuyers(
      inspect,
      Array.from({ length: USERS }, (_, i) => 1_000_000 + i),
    );
    const stockKey = couponKeys(couponId).stock;

    // Watch the stock key from a second connection while the crowd buys.
    let crowdDone = false;
    const watcher = inspect.duplicate();
    const watching = (async () => {
      while (!crowdDone) lowestStockSeen = Math.min(lowestStockSeen, Number(await watcher.get(stockKey)));
    })();

    // Each user tries twice; the two tries are interleaved across the whole crowd.
    const crowd = Array.from({ length: USERS * ATTEMPTS_PER_USER }, (_, i) => 1_000_000 + (i % USERS));
    await Promise.all(
      crowd.map(async (userId) => {
        const response = await httpRequest(service.port, `/coupons/${couponId}/purchase`, {
          method: "POST",
          headers: asUser(userId, gatewayOf(userId)),
        });
        attempts.push({ userId, response });
      }),
    );
    crowdDone = true;
    await watching;
    watcher.disconnect();
  });

  afterAll(async () => {
    await service?.shutdown();
  });

  it("accepts exactly the stock, and no user twice", () => {
    const byStatus = new Map<number, number>();
    for (const { response } of attempts) byStatus.set(response.status, (byStatus.get(response.status) ?? 0) + 1);
    expect(attempts).toHaveLength(USERS * ATTEMPTS_PER_USER);
    expect(byStatus.get(202)).toBe(STOCK);
    // Everything else is a clean refusal: sold out or already bought.
    expect((byStatus.get(410) ?? 0) + (byStatus.get(409) ?? 0)).toBe(USERS * ATTEMPTS_PER_USER - STOCK);
    expect([...byStatus.keys()].sort()).toEqual(expect.arrayContaining([202, 410]));
    expect([...byStatus.keys()].every((s) => [202, 409, 410].includes(s))).toBe(true);

    const winners = attempts.filter((a) => a.response.status === 202).map((a) => a.userId);
    expect(new Set(winners).size).toBe(STOCK);
  });

  it("leaves Redis stock at exactly 0, never negative, with one buyer per unit", async () => {
    const keys = couponKeys(couponId);
    expect(await inspect.get(keys.stock)).toBe("0");
    expect(lowestStockSeen).toBeGreaterThanOrEqual(0);
    expect(await inspect.hlen(keys.buyers)).toBe(STOCK);
  });

  it("answers a repeat buyer 409 with the order they already hold", async () => {
    const winner = attempts.find((a) => a.response.status === 202);
    if (!winner) throw new Error("no accepted attempt");
    // This instance has seen the sell-out and would answer 410 from memory; a second
    // instance without the flag asks Redis, which knows the buyer.
    const unflagged = await startTestService({ KAFKA_ORDERS_TOPIC: topic, SOLD_OUT_FLAG_TTL_MS: "0", OUTBOX_RELAY_ENABLED: "false" });
    const again = await httpRequest(unflagged.port, `/coupons/${couponId}/purchase`, { method: "POST", headers: asUser(winner.userId) });
    await unflagged.shutdown();
    expect(again.status).toBe(409);
    expect(again.json()).toEqual({
      error: {
        code: "already_purchased",
        message: expect.any(String),
        details: { orderId: winner.response.json<{ orderId: string }>().orderId },
      },
    });
  });

  it("publishes exactly one order event per accepted order, keyed by coupon, with the right payload", async () => {
    const outbox = new OutboxStore(service.redis);
    await waitUntil("the outbox to drain", async () => (await outbox.pendingCount(couponId)) === 0);

    const messages = await readWholeTopic(TEST_KAFKA_BROKER, topic);
    expect(messages).toHaveLength(STOCK);
    const events = messages.map((m) => ({ key: m.key, event: orderEventSchema.parse(JSON.parse(m.value)) }));
    expect(events.every((e) => e.key === couponId)).toBe(true);

    const accepted = new Map<string, number>(
      attempts.filter((a) => a.response.status === 202).map((a) => [a.response.json<{ orderId: string }>().orderId, a.userId]),
    );
    const seen = new Set<string>();
    for (const { event } of events) {
      const userId = accepted.get(event.orderId);
      expect(userId, `event for unknown order ${event.orderId}`).toBeDefined();
      expect(event).toEqual<OrderEvent>({
        orderId: event.orderId,
        couponId,
        userId: String(userId),
        priceCents: PRICE_CENTS,
        gatewayId: gatewayOf(Number(userId)),
        createdAtMs: expect.any(Number),
      });
      seen.add(event.orderId);
    }
    expect(seen.size).toBe(STOCK);
  });

  it("tells each buyer their order is pending until payment settles it", async () => {
    const winner = attempts.find((a) => a.response.status === 202);
    if (!winner) throw new Error("no accepted attempt");
    const { orderId } = winner.response.json<{ orderId: string }>();
    const order = await httpRequest(service.port, `/orders/${orderId}`, { headers: asUser(winner.userId) });
    expect(order.status).toBe(200);
    expect(order.json()).toMatchObject({ orderId, couponId, userId: String(winner.userId), priceCents: PRICE_CENTS, status: "pending" });
    // Someone else's order is not theirs to see.
    const stranger = await httpRequest(service.port, `/orders/${orderId}`, { headers: asUser(42) });
    expect(stranger.status).toBe(404);
  });
});
