import { Kafka, logLevel } from "kafkajs";
import type { Pool } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CouponService } from "../../coupon/src/service";
import { createSale } from "../../coupon/test/support/coupons";
import { asUser, httpRequest } from "../../coupon/test/support/http-client";
import { readWholeTopic } from "../../coupon/test/support/kafka-reader";
import { startTestService } from "../../coupon/test/support/test-service";
import { waitUntil } from "../../coupon/test/support/waiting";
import { OUTBOX_INDEX_KEY, couponKeys } from "../../lib/flash-sale/keys";
import { newOrderId } from "../../lib/flash-sale/order-id";
import type { OrderEvent } from "../../lib/flash-sale/order-event";
import { redisInspector } from "../../test-support/redis-inspector";
import { TEST_KAFKA_BROKER, uniqueTopic } from "../../test-support/test-env";
import type { PaymentService } from "../src/service";
import { seedUsers, settlementCount, takeSnapshot } from "./support/ledger-snapshot";
import { couponOverrides, platformPool, resetPlatformState, startTestPayment } from "./support/test-platform";

const PRICE = 1_000;
const CREDIT = 5_000;
const VICTIM = 3_000_001;
const ATTACKER = 3_000_002;
/** A coupon id MySQL has never heard of. */
const GHOST_COUPON = "999999";
const GATEWAY = "gw-forgery-test";

const deadLettered = async (payment: PaymentService, reason: string) =>
  (await payment.metrics.deadLettered.get()).values.filter((v) => v.labels.reason === reason).reduce((sum, v) => sum + v.value, 0);

/**
 * Someone who can write to the orders topic (a compromised producer, a leaked
 * credential) or who tampers with coupon's Redis state sends order events that no
 * buyer made. Payment settles only events that match the reservation coupon recorded
 * and the coupon of record in MySQL; the others go to the dead-letter topic with
 * their reason and move no money, no stock and no reservation.
 */
describe("payment trusts the record, not the event", () => {
  const env = { database: "payment_test_forged", topic: uniqueTopic("forged"), deadLetterTopic: uniqueTopic("forged-dlq"), redisDb: 9 };
  const inspect = redisInspector(env.redisDb);
  let quietCoupon: CouponService;
  let payment: PaymentService;
  let pool: Pool;
  let couponId: string;
  let victimOrder: OrderEvent;

  async function publish(events: object[]): Promise<void> {
    const kafka = new Kafka({ clientId: "payment-test-forger", brokers: [TEST_KAFKA_BROKER], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: env.topic, messages: events.map((event) => ({ key: couponId, value: JSON.stringify(event) })) });
    await producer.disconnect();
  }

  async function buy(service: CouponService, userId: number, coupon: string): Promise<string> {
    const response = await httpRequest(service.port, `/coupons/${coupon}/purchase`, { method: "POST", headers: asUser(userId, GATEWAY) });
    expect(response.status, response.text).toBe(202);
    return response.json<{ orderId: string }>().orderId;
  }

  const recordedOrder = async (coupon: string, orderId: string) =>
    JSON.parse((await inspect.hget(couponKeys(coupon).orders, orderId)) ?? "null") as OrderEvent;

  beforeAll(async () => {
    await resetPlatformState(env);
    // Its relay is off: the genuine events wait in the outbox while forged ones arrive first.
    quietCoupon = await startTestService(couponOverrides(env, { OUTBOX_RELAY_ENABLED: "false" }));
    payment = await startTestPayment(env);
    pool = platformPool(env);
    await seedUsers(
      pool,
      new Map([
        [VICTIM, CREDIT],
        [ATTACKER, CREDIT],
      ]),
    );
    couponId = (await createSale(quietCoupon.port, { stock: 5, priceCents: PRICE })).id;
    victimOrder = await recordedOrder(couponId, await buy(quietCoupon, VICTIM, couponId));
  });

  afterAll(async () => {
    await payment?.shutdown();
    await quietCoupon?.shutdown();
    await pool?.end();
  });

  it("dead-letters events that match no reservation: a price of 0, another buyer's order, an order nobody made, an unknown coupon", async () => {
    const before = await takeSnapshot(pool, inspect, couponId);
    const forged = [
      { ...victimOrder, priceCents: 0 },
      { ...victimOrder, userId: String(ATTACKER) },
      { ...victimOrder, orderId: newOrderId(couponId), userId: String(ATTACKER) },
      { ...victimOrder, couponId: GHOST_COUPON, orderId: newOrderId(GHOST_COUPON) },
    ];
    await publish(forged);
    await waitUntil(
      "every forged event dead-lettered",
      async () => (await deadLettered(payment, "no_matching_reservation")) === forged.length,
    );

    expect(await takeSnapshot(pool, inspect, couponId)).toEqual(before);
    expect(await settlementCount(pool)).toBe(0);
    expect(await inspect.hget(couponKeys(couponId).orderStatus, victimOrder.orderId)).toBe("pending");
    const parked = await readWholeTopic(TEST_KAFKA_BROKER, env.deadLetterTopic);
    expect(parked.map((m) => JSON.parse(m.value) as object)).toEqual(forged);
  });

  it("refuses reservations that disagree with MySQL (a tampered sale price, a coupon MySQL does not have), then settles the genuine order at its price of record", async () => {
    // Someone with write access to coupon's Redis lowers the sale price and invents a sale.
    await inspect.hset(couponKeys(couponId).sale, "priceCents", "0");
    const cheapOrder = await buy(quietCoupon, ATTACKER, couponId);
    const ghost = couponKeys(GHOST_COUPON);
    await inspect.set(ghost.stock, "3");
    await inspect.hset(ghost.sale, { priceCents: "1", startsAtMs: "0", endsAtMs: String(Date.now() + 3_600_000) });
    await inspect.sadd(OUTBOX_INDEX_KEY, GHOST_COUPON);
    const ghostOrder = await buy(quietCoupon, ATTACKER, GHOST_COUPON);

    // A coupon instance with its relay on publishes every waiting order, genuine and tampered alike.
    const relay = await startTestService(couponOverrides(env));
    try {
      await waitUntil(
        "the genuine order paid",
        async () => (await inspect.hget(couponKeys(couponId).orderStatus, victimOrder.orderId)) === "paid",
      );
      await waitUntil(
        "the tampered orders dead-lettered",
        async () => (await deadLettered(payment, "price_mismatch")) === 1 && (await deadLettered(payment, "unknown_coupon")) === 1,
      );
    } finally {
      await relay.shutdown();
    }

    const after = await takeSnapshot(pool, inspect, couponId);
    expect(after.credits).toEqual({ [VICTIM]: String(CREDIT - PRICE), [ATTACKER]: String(CREDIT) });
    expect(after.purchases.map((row) => [String(row.order_id), String(row.user_id), String(row.price_cents)])).toEqual([
      [victimOrder.orderId, String(VICTIM), String(PRICE)],
    ]);
    expect(after.couponStock).toBe("4");
    // The tampered reservations stay as they were, for an operator to look at: nothing settled them either way.
    expect(await inspect.hget(couponKeys(couponId).orderStatus, cheapOrder)).toBe("pending");
    expect(await inspect.hget(ghost.orderStatus, ghostOrder)).toBe("pending");
    expect(await settlementCount(pool)).toBe(1);
  });

  it("treats a replay of a settled order as settled, and refuses a copy whose record was rewritten to another buyer", async () => {
    const before = await takeSnapshot(pool, inspect, couponId);
    const redeliveriesBefore = (await payment.metrics.redeliveries.get()).values.reduce((sum, v) => sum + v.value, 0);
    // Redis's record of the settled order rewritten to the attacker, and an event to match it.
    const rewritten = { ...victimOrder, userId: String(ATTACKER) };
    await publish([victimOrder]);
    await waitUntil(
      "the replay recognised",
      async () => (await payment.metrics.redeliveries.get()).values.reduce((sum, v) => sum + v.value, 0) === redeliveriesBefore + 1,
    );
    await inspect.hset(couponKeys(couponId).orders, victimOrder.orderId, JSON.stringify(rewritten));
    await publish([rewritten]);
    await waitUntil("the rewritten copy dead-lettered", async () => (await deadLettered(payment, "does_not_match_settlement")) === 1);

    expect(await takeSnapshot(pool, inspect, couponId)).toEqual(before);
  });
});
