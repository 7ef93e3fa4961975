import { Counter, type Registry } from "prom-client";

/** Business counters: what a flash sale's dashboard and the tests read. */
export function createCouponMetrics(registry: Registry) {
  return {
    purchaseAttempts: new Counter({
      name: "coupon_purchase_attempts_total",
      help: "Purchase attempts by outcome",
      labelNames: ["result"] as const,
      registers: [registry],
    }),
    catalogDbQueries: new Counter({
      name: "coupon_catalog_db_queries_total",
      help: "Catalog reads that reached MySQL",
      labelNames: ["query"] as const,
      registers: [registry],
    }),
    catalogDbReads: new Counter({
      name: "coupon_catalog_db_reads_total",
      help: "Catalog reads that reached MySQL, by the server that answered (the read replica or the writer)",
      labelNames: ["target"] as const,
      registers: [registry],
    }),
    catalogReaderDown: new Counter({
      name: "coupon_catalog_reader_down_total",
      help: "Times the read replica could not be reached and catalog reads went to the writer",
      registers: [registry],
    }),
    catalogCacheHits: new Counter({
      name: "coupon_catalog_cache_hits_total",
      help: "Catalog reads served from a cache layer",
      labelNames: ["layer"] as const,
      registers: [registry],
    }),
    catalogBusy: new Counter({
      name: "coupon_catalog_busy_total",
      help: "Catalog reads answered 503 because another caller was still rebuilding the entry",
      registers: [registry],
    }),
    outboxPublished: new Counter({
      name: "coupon_outbox_published_total",
      help: "Order events published to Kafka by the outbox relay",
      registers: [registry],
    }),
    outboxPublishFailures: new Counter({
      name: "coupon_outbox_publish_failures_total",
      help: "Outbox relay passes that failed (Kafka unreachable or refusing); their events are retried",
      registers: [registry],
    }),
  };
}

export type CouponMetrics = ReturnType<typeof createCouponMetrics>;
