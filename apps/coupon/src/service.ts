import { type Server, createServer } from "node:http";
import type { Redis } from "ioredis";
import type { Pool } from "mysql2/promise";
import type { Registry } from "prom-client";
import { createKafka } from "../../lib/clients/kafka";
import { createMysqlReaderPool } from "../../lib/clients/mysql";
import { ReplicaReads } from "../../lib/db/replica-reads";
import { finishApp } from "../../lib/http/create-app";
import { INTERNAL_AUDIENCES } from "../../lib/internal-identity/claims";
import { requireInternalIdentity } from "../../lib/internal-identity/middleware";
import { InternalIdentityVerifier } from "../../lib/internal-identity/verifier";
import { type Logger, createLogger } from "../../lib/logger";
import { ServiceRuntime } from "../../lib/service-runtime";
import { adminRoutes } from "./admin/admin-routes";
import { StockLoader } from "./admin/stock-loader";
import { CatalogReader } from "./catalog/catalog-reader";
import { catalogRoutes } from "./catalog/catalog-routes";
import { CouponRepository } from "./catalog/coupon-repository";
import { TwoLevelCache } from "./catalog/two-level-cache";
import type { CouponConfig } from "./config";
import { type CouponMetrics, createCouponMetrics } from "./coupon-metrics";
import { orderRoutes } from "./orders/order-routes";
import { ensureTopic } from "../../lib/flash-sale/orders-topic";
import { OutboxRelay } from "./outbox/outbox-relay";
import { OutboxStore } from "./outbox/outbox-store";
import { PurchaseScript } from "./purchase/purchase-script";
import { purchaseRoutes } from "./purchase/purchase-routes";
import { CreditWarmer } from "./purchase/credit-warmer";
import { SpendableCredit } from "./purchase/spendable-credit";
import { SoldOutFlags } from "./purchase/sold-out-flags";

export interface CouponService {
  server: Server;
  port: number;
  /** Where GET /metrics answers (a port of its own). */
  metricsPort: number;
  redis: Redis;
  pool: Pool;
  registry: Registry;
  metrics: CouponMetrics;
  relay: OutboxRelay;
  logger: Logger;
  /** Stop accepting, drain HTTP, stop the relay, close clients. Idempotent. */
  shutdown: () => Promise<void>;
}

/** Wires the coupon service from its config and starts it; the entry point and the tests both use this. */
export async function startCouponService(
  config: CouponConfig,
  logger: Logger = createLogger(config.SERVICE_NAME, config.LOG_LEVEL),
): Promise<CouponService> {
  const runtime = await ServiceRuntime.start(config, logger);
  const { registry, redis, pool } = runtime;
  const metrics = createCouponMetrics(registry);
  const kafka = createKafka(config, logger);
  const topic = {
    topic: config.KAFKA_ORDERS_TOPIC,
    partitions: config.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: config.KAFKA_TOPIC_REPLICATION,
  };

  // Kafka may be down at start: purchases still work (the outbox holds events), so
  // topic creation failing here is logged and retried by the relay, not fatal.
  await ensureTopic(kafka, topic).catch((err: unknown) =>
    logger.warn({ err }, "could not create the orders topic yet; the relay will retry"),
  );

  const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 } });
  const relay = new OutboxRelay({
    store: new OutboxStore(redis),
    producer,
    ensureTopic: () => ensureTopic(kafka, topic),
    logger: logger.child({ component: "outbox-relay" }),
    metrics,
    settings: {
      topic: config.KAFKA_ORDERS_TOPIC,
      pollMs: config.OUTBOX_POLL_MS,
      batchSize: config.OUTBOX_BATCH_SIZE,
      leaseMs: config.OUTBOX_LEASE_MS,
      retryBackoffMs: config.OUTBOX_RETRY_BACKOFF_MS,
    },
  });

  // Catalog reads go to the read replica when the stack has one, and to the writer while it is unreachable.
  const reads = new ReplicaReads(pool, createMysqlReaderPool(config), {
    retryMs: config.MYSQL_READER_RETRY_MS,
    onRead: (target) => metrics.catalogDbReads.inc({ target }),
    onReaderDown: (err) => {
      metrics.catalogReaderDown.inc();
      logger.warn({ err }, "the read replica is unreachable; catalog reads go to the writer");
    },
  });
  const repository = new CouponRepository(pool, reads, metrics);
  const cache = new TwoLevelCache(
    redis,
    {
      localTtlMs: config.CATALOG_LOCAL_TTL_MS,
      redisTtlSeconds: config.CATALOG_REDIS_TTL_SECONDS,
      missTtlSeconds: config.CATALOG_MISS_TTL_SECONDS,
      lockTtlMs: config.CATALOG_LOCK_TTL_MS,
      waitMs: config.CATALOG_WAIT_MS,
      pollMs: 25,
      maxLocalEntries: 1_000,
    },
    metrics,
  );
  const catalog = new CatalogReader(cache, redis, repository, config.CATALOG_WRITER_WINDOW_MS);

  const app = runtime.createApp({
    // Kafka down degrades nothing a buyer sees: events wait in the outbox.
    // Failing readiness on it would pull every pod out of the load balancer.
    optional: {
      kafka: async () => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          await admin.describeCluster();
        } finally {
          await admin.disconnect();
        }
      },
    },
  });
  // Everything past the probes acts for a user the gateway vouched for, catalog reads included.
  app.use(
    requireInternalIdentity(
      new InternalIdentityVerifier(config.INTERNAL_JWKS, {
        audience: INTERNAL_AUDIENCES.coupon,
        clockToleranceSeconds: config.INTERNAL_IDENTITY_CLOCK_TOLERANCE_SECONDS,
        maxAgeSeconds: config.INTERNAL_IDENTITY_MAX_AGE_SECONDS,
      }),
    ),
  );
  app.use(adminRoutes(repository, new StockLoader(redis), catalog));
  const credit = new SpendableCredit(redis, pool);
  const warmer = new CreditWarmer(credit, {
    concurrency: 2,
    maxQueued: 10_000,
    onError: (err) => logger.warn({ err }, "could not fill a viewer's spendable credit ahead"),
  });
  app.use(catalogRoutes({ reader: catalog, maxPage: config.CATALOG_MAX_PAGE, onLikelyBuyer: (userId) => warmer.warm(userId) }));
  app.use(
    purchaseRoutes({
      script: new PurchaseScript(redis),
      credit,
      creditCooldownSeconds: config.PURCHASE_CREDIT_COOLDOWN_SECONDS,
      soldOutFlags: new SoldOutFlags(config.SOLD_OUT_FLAG_TTL_MS),
      metrics,
      onAccepted: () => relay.kick(),
    }),
  );
  app.use(orderRoutes(redis));
  finishApp(app);

  const server = createServer(app);
  const { port, shutdown } = await runtime.serve(server, {
    // The relay stops before Redis closes: a batch in flight finishes or stays leased for the next relay.
    steps: [{ name: "outbox relay", run: () => relay.stop() }],
    closeWithMysql: [reads],
  });
  if (config.OUTBOX_RELAY_ENABLED) relay.start();
  logger.info({ port, topic: config.KAFKA_ORDERS_TOPIC }, "coupon service listening");
  return { server, port, metricsPort: runtime.metricsPort, redis, pool, registry, metrics, relay, logger, shutdown };
}
