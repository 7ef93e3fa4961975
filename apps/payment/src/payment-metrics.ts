import { Counter, Histogram, type Registry } from "prom-client";

/** What a settlement dashboard (and the tests) read. */
export function createPaymentMetrics(registry: Registry) {
  return {
    /** Orders decided by this instance: paid, refused, rolled_back (dead-lettered after failing). */
    settlements: new Counter({
      name: "payment_settlements_total",
      help: "Orders settled, by outcome",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    /** Deliveries of an order that was already settled: redelivery after a crash or rebalance, or a replay. */
    redeliveries: new Counter({
      name: "payment_redeliveries_total",
      help: "Order events received again after their order was settled (no-ops)",
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: "payment_dead_lettered_total",
      help: "Messages sent to the dead-letter topic, by reason",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    outageRetries: new Counter({
      name: "payment_outage_retries_total",
      help: "Settlement attempts that waited because MySQL, Redis or Kafka was unreachable",
      registers: [registry],
    }),
    notifications: new Counter({
      name: "payment_notifications_published_total",
      help: "Results published on payment_update:<gatewayId>",
      registers: [registry],
    }),
    settleDuration: new Histogram({
      name: "payment_settle_duration_seconds",
      help: "Time to settle one order (MySQL transaction and Redis update)",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type PaymentMetrics = ReturnType<typeof createPaymentMetrics>;
