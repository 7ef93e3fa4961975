import type { Producer } from "kafkajs";
import type { Logger } from "../../../lib/logger";
import type { CouponMetrics } from "../coupon-metrics";
import type { OutboxStore } from "./outbox-store";

export interface RelaySettings {
  topic: string;
  pollMs: number;
  batchSize: number;
  leaseMs: number;
  retryBackoffMs: number;
}

export interface RelayDeps {
  store: OutboxStore;
  producer: Producer;
  ensureTopic: () => Promise<void>;
  logger: Logger;
  metrics: CouponMetrics;
  settings: RelaySettings;
}

/**
 * Moves order events from the Redis outboxes to Kafka: claim a batch, publish it
 * (acks from all in-sync replicas), then remove it. A crash between publish and
 * removal publishes the batch again — delivery is at-least-once and payment
 * settles idempotently by order id. While Kafka is down the events wait in Redis;
 * purchases never wait for Kafka.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private connected = false;
  private topicReady = false;

  constructor(private readonly deps: RelayDeps) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called after each accepted purchase; coalesces into one extra pass. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.connected) await this.deps.producer.disconnect();
    this.connected = false;
  }

  /** One pass over every watched outbox; returns how many events it published. */
  async drainOnce(): Promise<number> {
    if (!this.connected) {
      await this.deps.producer.connect();
      this.connected = true;
    }
    if (!this.topicReady) {
      await this.deps.ensureTopic();
      this.topicReady = true;
    }
    let published = 0;
    for (const couponId of await this.deps.store.couponsWithOutbox()) published += await this.drainCoupon(couponId);
    return published;
  }

  private async drainCoupon(couponId: string): Promise<number> {
    const { store, producer, settings, metrics } = this.deps;
    let published = 0;
    // Bounded: at most this many batches per coupon per pass, so one busy coupon cannot starve the others.
    for (let round = 0; round < 20; round++) {
      const claim = await store.claim(couponId, settings.leaseMs, settings.batchSize);
      if (claim.kind === "finished") await store.forget(couponId);
      if (claim.kind !== "claimed") return published;
      const orderIds = claim.entries.map((e) => e.orderId);
      try {
        await producer.send({
          topic: settings.topic,
          acks: -1,
          messages: claim.entries.map((e) => ({ key: couponId, value: e.event, headers: { "order-id": e.orderId } })),
        });
      } catch (err) {
        await store.retryLater(couponId, orderIds, settings.retryBackoffMs);
        throw err;
      }
      await store.acknowledge(couponId, orderIds);
      metrics.outboxPublished.inc(orderIds.length);
      published += orderIds.length;
    }
    return published;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.kicked = false;
      let delay = this.deps.settings.pollMs;
      try {
        await this.drainOnce();
      } catch (err) {
        this.deps.metrics.outboxPublishFailures.inc();
        this.deps.logger.warn({ err }, "outbox relay: publish failed; events stay in the outbox and are retried");
        delay = this.deps.settings.retryBackoffMs;
        await this.resetProducer();
      }
      if (this.running && !this.kicked) await this.sleep(delay);
    }
  }

  /** A producer that lost its broker is rebuilt on the next pass rather than trusted. */
  private async resetProducer(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.deps.producer.disconnect().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
