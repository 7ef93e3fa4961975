import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKafka, stopKafka } from "../../../scripts/lib/kafka-process";
import type { BrokerInstance } from "../../../scripts/lib/kafka-layout";
import { OUTBOX_INDEX_KEY, couponKeys } from "../../lib/flash-sale/keys";
import { orderEventSchema } from "../../lib/flash-sale/order-event";
import { OutboxStore } from "../src/outbox/outbox-store";
import type { CouponService } from "../src/service";
import { TEST_REDIS_DB, uniqueTopic } from "../../test-support/test-env";
import { createSale } from "./support/coupons";
import { asUser, httpRequest } from "./support/http-client";
import { readWholeTopic } from "./support/kafka-reader";
import { startTestService } from "./support/test-service";
import { waitUntil } from "./support/waiting";
import { redisInspector } from "../../test-support/redis-inspector";
import { fundBuyers } from "../../test-support/spendable-credit";

const inspect = redisInspector(TEST_REDIS_DB);

// A broker of this test's own, so stopping it disturbs nothing else.
const OUTAGE_BROKER: BrokerInstance = { name: "outage-test", port: 19092, controllerPort: 19093 };
const BROKER = `127.0.0.1:${OUTAGE_BROKER.port}`;
const log = (line: string) => console.log(`[outage test] ${line}`);

const WAVE = 100;

describe("Kafka stops in the middle of a sale", () => {
  const topic = uniqueTopic("outage");
  let service: CouponService;
  let couponId: string;
  const acceptedOrders = new Map<string, string>();
  let nextUser = 5_000_000;

  /** A wave of distinct buyers; returns their answers' statuses. */
  async function buyWave(): Promise<number[]> {
    const users = Array.from({ length: WAVE }, () => nextUser++);
    await fundBuyers(inspect, users);
    return Promise.all(
      users.map(async (userId) => {
        const response = await httpRequest(service.port, `/coupons/${couponId}/purchase`, { method: "POST", headers: asUser(userId) });
        if (response.status === 202) acceptedOrders.set(response.json<{ orderId: string }>().orderId, String(userId));
        return response.status;
      }),
    );
  }

  beforeAll(async () => {
    // Earlier files bought with their relays off: forget their outboxes, or this relay would publish their
    // orders into this test's topic. Only this sale's orders may reach it.
    await inspect.del(OUTBOX_INDEX_KEY);
    await startKafka(log, OUTAGE_BROKER);
    service = await startTestService({ KAFKA_ORDERS_TOPIC: topic, KAFKA_BROKERS: BROKER });
    couponId = (await createSale(service.port, { stock: 3 * WAVE })).id;
  });

  afterAll(async () => {
    await service?.shutdown();
    await stopKafka(log, OUTAGE_BROKER);
  });

  it("keeps accepting while Kafka goes down, then delivers every accepted order once it is back", async () => {
    const outbox = new OutboxStore(service.redis);

    // Wave 1 with Kafka up.
    expect(await buyWave()).toEqual(Array(WAVE).fill(202));

    // Wave 2 races the broker's shutdown; wave 3 runs with the broker gone.
    const [wave2] = await Promise.all([buyWave(), stopKafka(log, OUTAGE_BROKER)]);
    expect(wave2).toEqual(Array(WAVE).fill(202));
    expect(await buyWave()).toEqual(Array(WAVE).fill(202));

    // Nothing could be published for wave 3: its events wait in the outbox, and the orders say pending.
    expect(await outbox.pendingCount(couponId)).toBeGreaterThanOrEqual(WAVE);
    const [someOrder, itsUser] = [...acceptedOrders][acceptedOrders.size - 1] ?? [];
    if (!someOrder || !itsUser) throw new Error("no accepted order");
    expect((await httpRequest(service.port, `/orders/${someOrder}`, { headers: asUser(itsUser) })).json()).toMatchObject({
      status: "pending",
    });
    // The service stays ready: Kafka is reported as degraded, not as a reason to drop the pod.
    const ready = await httpRequest(service.port, "/health/ready");
    expect(ready.status).toBe(200);
    expect(ready.json<{ degraded: { kafka: string } }>().degraded.kafka).toBe("failing");

    // Let the relay give up on the dead broker at least once, so recovery goes through
    // the producer reset and reconnect, not just through kafkajs' internal retries.
    const relayFailures = async () => (await service.metrics.outboxPublishFailures.get()).values[0]?.value ?? 0;
    await waitUntil("the relay to notice the outage", async () => (await relayFailures()) > 0);

    await startKafka(log, OUTAGE_BROKER);
    await waitUntil("the outbox to drain after Kafka returned", async () => (await outbox.pendingCount(couponId)) === 0, 1_200);

    const published = await readWholeTopic(BROKER, topic);
    const publishedIds = new Set(published.map((m) => orderEventSchema.parse(JSON.parse(m.value)).orderId));
    // Every accepted order reached Kafka, and nothing else did (a retried batch may repeat an event:
    // delivery is at-least-once and payment settles by unique order id).
    expect([...publishedIds].sort()).toEqual([...acceptedOrders.keys()].sort());
    for (const message of published) {
      const event = orderEventSchema.parse(JSON.parse(message.value));
      expect(event.userId).toBe(acceptedOrders.get(event.orderId));
    }

    // The reservation side agrees: all units sold, one buyer each, none returned or lost.
    const keys = couponKeys(couponId);
    expect(acceptedOrders.size).toBe(3 * WAVE);
    expect(await inspect.get(keys.stock)).toBe("0");
    expect(await inspect.hlen(keys.buyers)).toBe(3 * WAVE);
    const statuses = await inspect.hvals(keys.orderStatus);
    expect(statuses).toEqual(Array(3 * WAVE).fill("pending"));
  });
});
