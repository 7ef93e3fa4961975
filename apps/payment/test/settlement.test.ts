import { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";
import type { Pool } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { couponKeys, spendableCreditKey } from "../../lib/flash-sale/keys";
import { fundBuyers } from "../../test-support/spendable-credit";
import type { CouponService } from "../../coupon/src/service";
import { createSale } from "../../coupon/test/support/coupons";
import { asUser, httpRequest } from "../../coupon/test/support/http-client";
import { readWholeTopic } from "../../coupon/test/support/kafka-reader";
import { startTestService } from "../../coupon/test/support/test-service";
import { waitUntil } from "../../coupon/test/support/waiting";
import { paymentUpdateChannel, paymentUpdateSchema, type PaymentUpdate } from "../../lib/events/payment-update";
import { TEST_KAFKA_BROKER, uniqueTopic } from "../../test-support/test-env";
import type { PaymentService } from "../src/service";
import { seedUsers, settlementCount, takeSnapshot } from "./support/ledger-snapshot";
import { couponOverrides, platformPool, resetPlatformState, startTestPayment } from "./support/test-platform";
import { redisInspector } from "../../test-support/redis-inspector";

const PRICE = 1_000;
const STOCK = 40;
const RICH_CREDIT = 5_000;
const POOR_CREDIT = 500;
const GATEWAY = "gw-settlement-test";
const buyers = Array.from({ length: 60 }, (_, i) => 2_000_001 + i);
/** Every fourth buyer cannot afford the coupon. */
const isPoor = (userId: number) => userId % 4 === 0;
const initialCredit = (userId: number) => (isPoor(userId) ? POOR_CREDIT : RICH_CREDIT);

const counterValue = async (
  metric: { get: () => Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> },
  labels: Record<string, string> = {},
) =>
  (await metric.get()).values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);

describe("payment settles each order exactly once", () => {
  const env = {
    database: "payment_test_settlement",
    topic: uniqueTopic("settlement"),
    deadLetterTopic: uniqueTopic("settlement-dlq"),
    redisDb: 8,
  };
  const inspect = redisInspector(env.redisDb);
  let coupon: CouponService;
  let payment: PaymentService;
  let pool: Pool;
  let couponId: string;
  let subscriber: Redis;
  const updates: PaymentUpdate[] = [];
  const orderOf = new Map<number, string>();

  async function buy(userId: number): Promise<number> {
    const response = await httpRequest(coupon.port, `/coupons/${couponId}/purchase`, { method: "POST", headers: asUser(userId, GATEWAY) });
    if (response.status === 202) orderOf.set(userId, response.json<{ orderId: string }>().orderId);
    return response.status;
  }

  async function allSettled(): Promise<boolean> {
    const statuses = Object.values(await inspect.hgetall(couponKeys(couponId).orderStatus));
    return statuses.length > 0 && statuses.every((s) => s !== "pending");
  }

  beforeAll(async () => {
    await resetPlatformState(env);
    coupon = await startTestService(couponOverrides(env));
    payment = await startTestPayment(env);
    pool = platformPool(env);
    await seedUsers(pool, new Map(buyers.map((id) => [id, initialCredit(id)])));
    // Redis believes the poor buyers can pay (their spendable credit was filled before the record fell):
    // they reserve, and payment, which trusts MySQL, refuses them.
    await fundBuyers(inspect, buyers.filter(isPoor), RICH_CREDIT);
    couponId = (await createSale(coupon.port, { stock: STOCK, priceCents: PRICE })).id;
    subscriber = new Redis(`redis://127.0.0.1:6379/${env.redisDb}`);
    subscriber.on("message", (_channel: string, message: string) => updates.push(paymentUpdateSchema.parse(JSON.parse(message))));
    await subscriber.subscribe(paymentUpdateChannel(GATEWAY));
  });

  afterAll(async () => {
    subscriber?.disconnect();
    await payment?.shutdown();
    await coupon?.shutdown();
    await pool?.end();
  });

  it("pays buyers with credit, refuses the others and puts their units back on sale", async () => {
    const statuses = await Promise.all(buyers.map(buy));
    await waitUntil("every accepted order settled", allSettled);

    const keys = couponKeys(couponId);
    const orderStatus = await inspect.hgetall(keys.orderStatus);
    const refused = [...orderOf].filter(([userId]) => isPoor(userId));
    for (const [userId, orderId] of orderOf) expect(orderStatus[orderId]).toBe(isPoor(userId) ? "refused" : "paid");
    // Refused units are back in Redis and their buyers removed, so they can be sold again; their
    // spendable credit has the price back, and they wait out a cool-down before trying this coupon again.
    expect(refused.length).toBeGreaterThan(0);
    // The wave took the stock, plus at most once more per unit a refusal returned while it was still
    // running (payment settles concurrently; how many is a matter of timing, the bound is not).
    const accepted = statuses.filter((s) => s === 202).length;
    expect(accepted).toBeGreaterThanOrEqual(STOCK);
    expect(accepted - STOCK).toBeLessThanOrEqual(refused.length);
    expect(await inspect.get(keys.stock)).toBe(String(STOCK - (accepted - refused.length)));
    const now = Date.now();
    for (const [userId] of refused) {
      expect(await inspect.hget(keys.buyers, String(userId))).toBeNull();
      expect(await inspect.get(spendableCreditKey(String(userId)))).toBe(String(RICH_CREDIT));
      expect(Number(await inspect.hget(keys.creditCooldowns, String(userId)))).toBeGreaterThan(now);
    }
    // Buyers who paid keep the price off their spendable credit, as MySQL has it off their credit.
    for (const [userId] of [...orderOf].filter(([id]) => !isPoor(id)))
      expect(await inspect.get(spendableCreditKey(String(userId)))).toBe(String(RICH_CREDIT - PRICE));
  });

  it("sells the returned units to other buyers until paid + stock left = initial stock, never overselling", async () => {
    const paidBuyers = () => [...orderOf].filter(([userId]) => !isPoor(userId)).map(([userId]) => userId);
    for (let round = 0; round < 20 && Number(await inspect.get(couponKeys(couponId).stock)) > 0; round++) {
      // Past the coupon service's sold-out flag (100 ms here), the returned units are buyable.
      await new Promise((resolve) => setTimeout(resolve, 150));
      const waiting = buyers.filter((id) => !isPoor(id) && !paidBuyers().includes(id));
      await Promise.all(waiting.map(buy));
      await waitUntil("the resale settled", allSettled);
    }
    const snapshot = await takeSnapshot(pool, inspect, couponId);
    const paid = snapshot.purchases.length;
    expect(paid).toBe(STOCK);
    expect(Number(snapshot.redisStock)).toBe(0);
    expect(Number(snapshot.couponStock)).toBe(STOCK - paid);
    // No buyer twice, and money conserved: credits fell by exactly paid × price, each payer once.
    expect(new Set(snapshot.purchases.map((p) => String(p.user_id))).size).toBe(paid);
    const debited = buyers.reduce((sum, id) => sum + initialCredit(id) - Number(snapshot.credits[String(id)]), 0);
    expect(debited).toBe(paid * PRICE);
    for (const purchase of snapshot.purchases) expect(snapshot.credits[String(purchase.user_id)]).toBe(String(RICH_CREDIT - PRICE));
    // Every settled order's result was published once on the carrying gateway's channel.
    await waitUntil("every result published", async () => updates.length === snapshot.settlements.length);
    expect(new Set(updates.map((u) => u.orderId)).size).toBe(updates.length);
    expect(await counterValue(payment.metrics.redeliveries)).toBe(0);
  });

  it("treats a redelivered order as settled: no balance, row or unit changes", async () => {
    const before = await takeSnapshot(pool, inspect, couponId);
    const messages = await readWholeTopic(TEST_KAFKA_BROKER, env.topic);
    const kafka = new Kafka({ clientId: "payment-test-redeliver", brokers: [TEST_KAFKA_BROKER], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: env.topic, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
    await producer.disconnect();
    await waitUntil("every redelivery recognised", async () => (await counterValue(payment.metrics.redeliveries)) === messages.length);
    expect(await takeSnapshot(pool, inspect, couponId)).toEqual(before);
  });

  it("replays the whole topic from the beginning in a new consumer group without changing anything", async () => {
    const before = await takeSnapshot(pool, inspect, couponId);
    const settledBefore = await settlementCount(pool);
    const total = (await readWholeTopic(TEST_KAFKA_BROKER, env.topic)).length;
    const replayer = await startTestPayment(env, { KAFKA_CONSUMER_GROUP: `payment-replay-${env.topic}` });
    try {
      await waitUntil("the replay reached the end of the topic", async () => (await counterValue(replayer.metrics.redeliveries)) === total);
      expect(await counterValue(replayer.metrics.settlements)).toBe(0);
    } finally {
      await replayer.shutdown();
    }
    expect(await takeSnapshot(pool, inspect, couponId)).toEqual(before);
    expect(await settlementCount(pool)).toBe(settledBefore);
  });

  it("dead-letters unparsable messages with their reason and keeps settling the orders behind them", async () => {
    const kafka = new Kafka({ clientId: "payment-test-poison", brokers: [TEST_KAFKA_BROKER], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    // Same key as the sale's orders: the poison sits in the same partition, in front of the next order.
    await producer.send({
      topic: env.topic,
      messages: [
        { key: couponId, value: "this is not json" },
        {
          key: couponId,
          value: JSON.stringify({ orderId: "forged", couponId, userId: "1", priceCents: -5, gatewayId: GATEWAY, createdAtMs: 1 }),
        },
      ],
    });
    await producer.disconnect();

    const nextSale = (await createSale(coupon.port, { stock: 1, priceCents: PRICE })).id;
    const buyer = buyers.find((id) => !isPoor(id)) ?? 0;
    const response = await httpRequest(coupon.port, `/coupons/${nextSale}/purchase`, { method: "POST", headers: asUser(buyer, GATEWAY) });
    expect(response.status).toBe(202);
    const { orderId } = response.json<{ orderId: string }>();
    await waitUntil(
      "the order behind the poison settled",
      async () => (await inspect.hget(couponKeys(nextSale).orderStatus, orderId)) === "paid",
    );

    expect(await counterValue(payment.metrics.deadLettered, { reason: "malformed_json" })).toBe(1);
    expect(await counterValue(payment.metrics.deadLettered, { reason: "invalid_order_event" })).toBe(1);
    const parked = await readWholeTopic(TEST_KAFKA_BROKER, env.deadLetterTopic);
    expect(parked).toHaveLength(2);
    expect(parked.map((m) => m.value)).toEqual(expect.arrayContaining(["this is not json", expect.stringContaining('"orderId":"forged"')]));
  });
});
