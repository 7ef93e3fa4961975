import { z } from "zod";
import { checkKafkaAuth, kafkaEnv, mysqlEnv, ordersTopicEnv, redisEnv, serverEnv } from "../../lib/config/common-env";
import { envBool, envInt } from "../../lib/config/env-types";
import { loadEnv } from "../../lib/config/load-env";

const couponEnv = z
  .object({
    ...serverEnv.shape,
    ...redisEnv.shape,
    ...mysqlEnv.shape,
    ...kafkaEnv.shape,
    ...ordersTopicEnv.shape,
    SERVICE_NAME: z.string().min(1).default("coupon"),
    MIGRATE_ON_START: envBool.default(true),
    CATALOG_LOCAL_TTL_MS: envInt(0, 600_000).default(30_000),
    CATALOG_REDIS_TTL_SECONDS: envInt(1, 86_400).default(120),
    CATALOG_LOCK_TTL_MS: envInt(100, 60_000).default(3_000),
    CATALOG_WAIT_MS: envInt(0, 30_000).default(1_500),
    // How long after a catalog change pages are read from the writer rather than the read replica (its tolerated lag).
    CATALOG_WRITER_WINDOW_MS: envInt(0, 600_000).default(5_000),
    SOLD_OUT_FLAG_TTL_MS: envInt(0, 60_000).default(2_000),
    OUTBOX_RELAY_ENABLED: envBool.default(true),
    OUTBOX_POLL_MS: envInt(10, 60_000).default(200),
    OUTBOX_BATCH_SIZE: envInt(1, 10_000).default(500),
    OUTBOX_LEASE_MS: envInt(1_000, 600_000).default(30_000),
    OUTBOX_RETRY_BACKOFF_MS: envInt(10, 60_000).default(1_000),
  })
  .superRefine(checkKafkaAuth);

/** The schema itself: the docs render its table and the infrastructure renders the pods' environment against it. */
export const couponEnvSchema = couponEnv;

export type CouponConfig = z.infer<typeof couponEnv>;

export const loadCouponConfig = (env: NodeJS.ProcessEnv = process.env): CouponConfig => loadEnv(couponEnv, env);
