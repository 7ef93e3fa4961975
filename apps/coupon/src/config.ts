import { z } from "zod";
import {
  checkKafkaAuth,
  checkMysqlAuth,
  internalIdentityEnv,
  kafkaEnv,
  mysqlEnv,
  ordersTopicEnv,
  redisEnv,
  serverEnv,
} from "../../lib/config/common-env";
import { envBool, envInt } from "../../lib/config/env-types";
import { loadEnv } from "../../lib/config/load-env";

const couponEnv = z
  .object({
    ...serverEnv.shape,
    ...redisEnv.shape,
    ...mysqlEnv.shape,
    ...kafkaEnv.shape,
    ...ordersTopicEnv.shape,
    ...internalIdentityEnv.shape,
    SERVICE_NAME: z.string().min(1).default("coupon").describe("Names the service in logs and metrics."),
    CATALOG_LOCAL_TTL_MS: envInt(0, 600_000)
      .default(30_000)
      .describe("How long a catalog page stays in the process's own cache (level 1)."),
    CATALOG_REDIS_TTL_SECONDS: envInt(1, 86_400).default(120).describe("How long a catalog page stays in Redis (level 2)."),
    CATALOG_MISS_TTL_SECONDS: envInt(1, 3_600)
      .default(5)
      .describe("How long Redis remembers that a coupon id does not exist: short, so random ids cannot fill a Redis that never evicts."),
    CATALOG_MAX_PAGE: envInt(1, 9_999)
      .default(100)
      .describe("Deepest catalog page served; deeper pages are refused with 400 before Redis or MySQL is asked."),
    CATALOG_LOCK_TTL_MS: envInt(100, 60_000).default(3_000).describe("Lease of the Redis lock that lets one instance fill a missing page."),
    CATALOG_WAIT_MS: envInt(0, 30_000)
      .default(1_500)
      .describe("How long a reader waits for another instance to fill a page before answering 503 with Retry-After."),
    CATALOG_WRITER_WINDOW_MS: envInt(0, 600_000)
      .default(5_000)
      .describe("How long after a catalog change pages are read from the writer rather than the read replica (its tolerated lag)."),
    SOLD_OUT_FLAG_TTL_MS: envInt(0, 60_000)
      .default(2_000)
      .describe("How long a sold-out coupon is answered 410 from memory without asking Redis."),
    PURCHASE_CREDIT_COOLDOWN_SECONDS: envInt(1, 3_600)
      .default(30)
      .describe("How long a buyer refused for credit (402) waits before trying the same coupon again (429 credit_cooldown)."),
    OUTBOX_RELAY_ENABLED: envBool.default(true).describe("Run the outbox relay that publishes accepted orders to Kafka."),
    OUTBOX_POLL_MS: envInt(10, 60_000).default(200).describe("How often the relay looks for unpublished orders."),
    OUTBOX_BATCH_SIZE: envInt(1, 10_000).default(500).describe("Orders the relay publishes per batch."),
    OUTBOX_LEASE_MS: envInt(1_000, 600_000).default(30_000).describe("How long a relay holds a batch before another may take it over."),
    OUTBOX_RETRY_BACKOFF_MS: envInt(10, 60_000).default(1_000).describe("Wait before retrying after Kafka refused a batch."),
  })
  .superRefine(checkKafkaAuth)
  .superRefine(checkMysqlAuth);

/** The schema itself: the docs render its table and the infrastructure renders the pods' environment against it. */
export const couponEnvSchema = couponEnv;

export type CouponConfig = z.infer<typeof couponEnv>;

export const loadCouponConfig = (env: NodeJS.ProcessEnv = process.env): CouponConfig => loadEnv(couponEnv, env);
