import { z } from "zod";
import { KAFKA_NAMES } from "../../lib/flash-sale/kafka-names";
import { checkKafkaAuth, kafkaEnv, mysqlEnv, ordersTopicEnv, redisEnv, serverEnv, topicName } from "../../lib/config/common-env";
import { envBool, envInt } from "../../lib/config/env-types";
import { loadEnv } from "../../lib/config/load-env";

const paymentEnv = z
  .object({
    ...serverEnv.shape,
    ...redisEnv.shape,
    ...mysqlEnv.shape,
    ...kafkaEnv.shape,
    // Payment creates the orders topic too when it starts before coupon, and its dead-letter topic with the same settings.
    ...ordersTopicEnv.shape,
    SERVICE_NAME: z.string().min(1).default("payment"),
    KAFKA_DEAD_LETTER_TOPIC: topicName.default(KAFKA_NAMES.deadLetterTopic),
    KAFKA_CONSUMER_GROUP: z.string().min(1).max(200).default(KAFKA_NAMES.settlementGroup),
    KAFKA_SESSION_TIMEOUT_MS: envInt(6_000, 300_000).default(30_000),
    KAFKA_HEARTBEAT_INTERVAL_MS: envInt(500, 60_000).default(3_000),
    KAFKA_COMMIT_INTERVAL_MS: envInt(100, 60_000).default(1_000),
    KAFKA_PARTITIONS_CONCURRENCY: envInt(1, 64).default(3),
    /** How often one order may fail for a reason of its own before it goes to the dead-letter topic. */
    SETTLEMENT_MAX_ATTEMPTS: envInt(1, 100).default(5),
    SETTLEMENT_RETRY_BACKOFF_MS: envInt(1, 60_000).default(200),
    /** Back-off cap while MySQL, Redis or Kafka is unreachable (the partition waits, nothing is dead-lettered). */
    OUTAGE_BACKOFF_MAX_MS: envInt(100, 300_000).default(5_000),
    MIGRATE_ON_START: envBool.default(true),
  })
  .superRefine(checkKafkaAuth);

/** The schema itself: the docs render its table and the infrastructure renders the pods' environment against it. */
export const paymentEnvSchema = paymentEnv;

export type PaymentConfig = z.infer<typeof paymentEnv>;

export const loadPaymentConfig = (env: NodeJS.ProcessEnv = process.env): PaymentConfig => loadEnv(paymentEnv, env);
