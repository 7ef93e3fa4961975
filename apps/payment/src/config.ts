import { z } from "zod";
import { KAFKA_NAMES } from "../../lib/flash-sale/kafka-names";
import {
  checkKafkaAuth,
  checkMysqlAuth,
  kafkaEnv,
  mysqlEnv,
  ordersTopicEnv,
  redisEnv,
  serverEnv,
  topicName,
} from "../../lib/config/common-env";
import { envInt } from "../../lib/config/env-types";
import { loadEnv } from "../../lib/config/load-env";

const paymentEnv = z
  .object({
    ...serverEnv.shape,
    ...redisEnv.shape,
    ...mysqlEnv.shape,
    ...kafkaEnv.shape,
    // Payment creates the orders topic too when it starts before coupon, and its dead-letter topic with the same settings.
    ...ordersTopicEnv.shape,
    SERVICE_NAME: z.string().min(1).default("payment").describe("Names the service in logs and metrics."),
    KAFKA_DEAD_LETTER_TOPIC: topicName
      .default(KAFKA_NAMES.deadLetterTopic)
      .describe("Where orders that cannot be parsed or settled go, with the reason."),
    KAFKA_CONSUMER_GROUP: z
      .string()
      .min(1)
      .max(200)
      .default(KAFKA_NAMES.settlementGroup)
      .describe("payment's consumer group on the orders topic."),
    KAFKA_SESSION_TIMEOUT_MS: envInt(6_000, 300_000)
      .default(30_000)
      .describe("Consumer session timeout: a silent consumer's partitions move after it."),
    KAFKA_HEARTBEAT_INTERVAL_MS: envInt(500, 60_000).default(3_000).describe("Consumer heartbeat interval."),
    KAFKA_COMMIT_INTERVAL_MS: envInt(100, 60_000).default(1_000).describe("How often settled offsets are committed."),
    KAFKA_PARTITIONS_CONCURRENCY: envInt(1, 64).default(3).describe("Partitions settled in parallel per instance."),
    CREDIT_COOLDOWN_SECONDS: envInt(1, 3_600)
      .default(30)
      .describe(
        "How long a buyer refused here for credit waits before trying the same coupon again (as coupon's PURCHASE_CREDIT_COOLDOWN_SECONDS).",
      ),
    SETTLEMENT_MAX_ATTEMPTS: envInt(1, 100)
      .default(5)
      .describe("How often one order may fail for a reason of its own before it goes to the dead-letter topic."),
    SETTLEMENT_RETRY_BACKOFF_MS: envInt(1, 60_000).default(200).describe("Wait between those attempts."),
    OUTAGE_BACKOFF_MAX_MS: envInt(100, 300_000)
      .default(5_000)
      .describe("Back-off cap while MySQL, Redis or Kafka is unreachable (the partition waits, nothing is dead-lettered)."),
  })
  .superRefine(checkKafkaAuth)
  .superRefine(checkMysqlAuth);

/** The schema itself: the docs render its table and the infrastructure renders the pods' environment against it. */
export const paymentEnvSchema = paymentEnv;

export type PaymentConfig = z.infer<typeof paymentEnv>;

export const loadPaymentConfig = (env: NodeJS.ProcessEnv = process.env): PaymentConfig => loadEnv(paymentEnv, env);
