import { type Server, createServer } from "node:http";
import type { Redis } from "ioredis";
import type { Pool } from "mysql2/promise";
import type { Registry } from "prom-client";
import { ensureTopic } from "../../lib/flash-sale/orders-topic";
import { createKafka } from "../../lib/clients/kafka";
import { finishApp } from "../../lib/http/create-app";
import { type Logger, createLogger } from "../../lib/logger";
import { ServiceRuntime } from "../../lib/service-runtime";
import type { PaymentConfig } from "./config";
import { DeadLetters } from "./consumer/dead-letters";
import { SettlementConsumer } from "./consumer/settlement-consumer";
import { type PaymentMetrics, createPaymentMetrics } from "./payment-metrics";
import { ReservationRecord } from "./settlement/reservation-record";
import { OrderFinalizer } from "./settlement/order-finalizer";
import { SettlementLedger } from "./settlement/settlement-ledger";
import { SettlementProcessor } from "./settlement/settlement-processor";

export interface PaymentService {
  server: Server;
  port: number;
  /** Where GET /metrics answers (a port of its own). */
  metricsPort: number;
  redis: Redis;
  pool: Pool;
  registry: Registry;
  metrics: PaymentMetrics;
  logger: Logger;
  /** Stop accepting, finish the order in work, commit offsets, leave the group, close clients. Idempotent. */
  shutdown: () => Promise<void>;
}

/** Wires the payment service from its config and starts consuming; the entry point and the tests both use this. */
export async function startPaymentService(
  config: PaymentConfig,
  logger: Logger = createLogger(config.SERVICE_NAME, config.LOG_LEVEL),
): Promise<PaymentService> {
  const runtime = await ServiceRuntime.start(config, logger);
  const { registry, redis, pool } = runtime;
  const metrics = createPaymentMetrics(registry);
  const kafka = createKafka(config, logger);
  const topics = [config.KAFKA_ORDERS_TOPIC, config.KAFKA_DEAD_LETTER_TOPIC];
  // Subscribing to a missing topic fails (auto-creation is off): create both, as coupon does for its own.
  for (const topic of topics)
    await ensureTopic(kafka, { topic, partitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_TOPIC_REPLICATION });

  const deadLetters = new DeadLetters(kafka.producer({ allowAutoTopicCreation: false }), config.KAFKA_DEAD_LETTER_TOPIC);
  const processor = new SettlementProcessor({
    ledger: new SettlementLedger(pool),
    reservations: new ReservationRecord(redis),
    finalizer: new OrderFinalizer(redis, config.CREDIT_COOLDOWN_SECONDS * 1000),
    deadLetters,
    metrics,
    logger: logger.child({ component: "settlement" }),
    settings: {
      maxAttempts: config.SETTLEMENT_MAX_ATTEMPTS,
      retryBackoffMs: config.SETTLEMENT_RETRY_BACKOFF_MS,
      outageBackoffMaxMs: config.OUTAGE_BACKOFF_MAX_MS,
    },
  });
  const consumer = new SettlementConsumer(
    kafka.consumer({
      groupId: config.KAFKA_CONSUMER_GROUP,
      sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatInterval: config.KAFKA_HEARTBEAT_INTERVAL_MS,
      allowAutoTopicCreation: false,
    }),
    processor,
    {
      topic: config.KAFKA_ORDERS_TOPIC,
      commitIntervalMs: config.KAFKA_COMMIT_INTERVAL_MS,
      partitionsConcurrently: config.KAFKA_PARTITIONS_CONCURRENCY,
    },
    logger.child({ component: "consumer" }),
  );

  const app = runtime.createApp({
    required: {
      consumer: async () => {
        if (!consumer.isHealthy()) throw new Error("not consuming (crashed or not yet in its group)");
      },
    },
  });
  finishApp(app);

  const server = createServer(app);
  const { port, shutdown } = await runtime.serve(server, {
    steps: [
      // Order matters: the consumer finishes its order and commits before the clients it uses close.
      { name: "kafka consumer", run: () => consumer.stop() },
      { name: "dead-letter producer", run: () => deadLetters.close() },
    ],
  });
  await consumer.start();
  logger.info({ port, topic: config.KAFKA_ORDERS_TOPIC, group: config.KAFKA_CONSUMER_GROUP }, "payment service consuming");
  return { server, port, metricsPort: runtime.metricsPort, redis, pool, registry, metrics, logger, shutdown };
}
