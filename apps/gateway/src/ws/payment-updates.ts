import type { Redis } from "ioredis";
import { paymentUpdateChannel, paymentUpdateSchema } from "../../../lib/events/payment-update";
import type { Logger } from "../../../lib/logger";
import type { GatewayMetrics } from "../gateway-metrics";
import type { SocketHub } from "./socket-hub";

/**
 * Listens on payment_update:<this gateway's id> and pushes each result to the
 * buyer's open sockets here. Pub/sub is fire-and-forget (a message published while
 * this connection is down is gone); clients that miss one read GET /api/orders/:id.
 * ioredis re-subscribes by itself after a reconnect.
 */
export class PaymentUpdates {
  constructor(
    private readonly subscriber: Redis,
    private readonly gatewayId: string,
    private readonly hub: SocketHub,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.subscriber.on("message", (_channel: string, message: string) => this.deliver(message));
    await this.subscriber.subscribe(paymentUpdateChannel(this.gatewayId));
  }

  async stop(): Promise<void> {
    await this.subscriber.unsubscribe();
    await this.subscriber.quit();
  }

  private deliver(message: string): void {
    let update;
    try {
      update = paymentUpdateSchema.parse(JSON.parse(message));
    } catch (err) {
      this.logger.warn({ err }, "ignored a malformed payment update");
      return;
    }
    const sent = this.hub.push(update.userId, JSON.stringify(update));
    if (sent > 0) this.metrics.pushed.inc(sent);
    else this.metrics.undeliverable.inc();
  }
}
