import { loadCouponConfig } from "../../src/config";
import { startCouponService, type CouponService } from "../../src/service";
import { createLogger } from "../../../lib/logger";
import { migrateAsMigrationJob, serviceMysqlEnv } from "../../../test-support/test-database";
import { TEST_INTERNAL_IDENTITY } from "../../../test-support/internal-identity";
import { TEST_DATABASE, TEST_KAFKA_BROKER, TEST_REDIS_DB, serviceRedisUrl } from "../../../test-support/test-env";

/** Starts a real coupon service on an ephemeral loopback port against the test Redis, MariaDB and Kafka. */
export async function startTestService(overrides: Record<string, string> = {}): Promise<CouponService> {
  const config = loadCouponConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    METRICS_PORT: "0",
    LOG_LEVEL: "silent",
    REDIS_URL: serviceRedisUrl("coupon", TEST_REDIS_DB),
    MYSQL_DATABASE: TEST_DATABASE,
    KAFKA_BROKERS: TEST_KAFKA_BROKER,
    KAFKA_TOPIC_PARTITIONS: "3",
    OUTBOX_POLL_MS: "50",
    OUTBOX_RETRY_BACKOFF_MS: "200",
    SHUTDOWN_GRACE_MS: "2000",
    ...TEST_INTERNAL_IDENTITY.service,
    ...serviceMysqlEnv("coupon"),
    ...overrides,
  });
  await migrateAsMigrationJob(config.MYSQL_DATABASE);
  return startCouponService(config, createLogger("coupon-test", process.env.TEST_LOG_LEVEL ?? "silent"));
}
