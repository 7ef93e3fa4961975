import { Redis } from "ioredis";
import { createConnection, createPool, type Pool } from "mysql2/promise";
import { createLogger } from "../../../lib/logger";
import { migrateAsMigrationJob, serviceMysqlEnv } from "../../../test-support/test-database";
import { TEST_INTERNAL_IDENTITY } from "../../../test-support/internal-identity";
import { TEST_KAFKA_BROKER, serviceRedisUrl } from "../../../test-support/test-env";
import { loadPaymentConfig } from "../../src/config";
import { type PaymentService, startPaymentService } from "../../src/service";

/**
 * Payment's and the gateway's integration tests each use a MariaDB database, a
 * Redis logical database (1–8) and topics of their own, so two files running at
 * once never meet each other's coupons, nor the coupon tests' (coupon_test, db 15).
 */
export interface TestPlatformEnv {
  database: string;
  topic: string;
  deadLetterTopic: string;
  redisDb: number;
}

const adminRedisUrl = (env: TestPlatformEnv) => `redis://127.0.0.1:6379/${env.redisDb}`;

/** A fresh database, migrated with the services' users as a release's migration step would, and an empty Redis test database. */
export async function resetPlatformState(env: TestPlatformEnv): Promise<void> {
  const connection = await createConnection({ host: "127.0.0.1", port: 3306, user: "root", password: "" });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${env.database}\``);
  } finally {
    await connection.end();
  }
  await migrateAsMigrationJob(env.database);
  const redis = new Redis(adminRedisUrl(env), { maxRetriesPerRequest: 1 });
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

/** The environment a payment process needs for this test file's database, Redis and topics. */
export function paymentEnv(env: TestPlatformEnv, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    HOST: "127.0.0.1",
    PORT: "0",
    METRICS_PORT: "0",
    LOG_LEVEL: "silent",
    REDIS_URL: serviceRedisUrl("payment", env.redisDb),
    ...serviceMysqlEnv("payment"),
    MYSQL_DATABASE: env.database,
    KAFKA_BROKERS: TEST_KAFKA_BROKER,
    KAFKA_ORDERS_TOPIC: env.topic,
    KAFKA_DEAD_LETTER_TOPIC: env.deadLetterTopic,
    KAFKA_CONSUMER_GROUP: `payment-settlement-${env.topic}`,
    KAFKA_TOPIC_PARTITIONS: "3",
    // The broker's minimum: a killed consumer's partitions move on within seconds.
    KAFKA_SESSION_TIMEOUT_MS: "6000",
    KAFKA_HEARTBEAT_INTERVAL_MS: "1000",
    KAFKA_COMMIT_INTERVAL_MS: "200",
    SETTLEMENT_RETRY_BACKOFF_MS: "50",
    OUTAGE_BACKOFF_MAX_MS: "1000",
    SHUTDOWN_GRACE_MS: "2000",
    ...overrides,
  };
}

/** Overrides for the coupon service so it runs against this test file's database, Redis and topic. */
export function couponOverrides(env: TestPlatformEnv, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL: serviceRedisUrl("coupon", env.redisDb),
    ...serviceMysqlEnv("coupon"),
    MYSQL_DATABASE: env.database,
    KAFKA_ORDERS_TOPIC: env.topic,
    // A unit returned by a refused payment must be buyable again quickly.
    SOLD_OUT_FLAG_TTL_MS: "100",
    ...TEST_INTERNAL_IDENTITY.service,
    ...overrides,
  };
}

export function startTestPayment(env: TestPlatformEnv, overrides: Record<string, string> = {}): Promise<PaymentService> {
  const config = loadPaymentConfig(paymentEnv(env, overrides));
  return startPaymentService(config, createLogger("payment-test", process.env.TEST_LOG_LEVEL ?? "silent"));
}

export function platformPool(env: TestPlatformEnv): Pool {
  return createPool({
    host: "127.0.0.1",
    port: 3306,
    user: "root",
    password: "",
    database: env.database,
    connectionLimit: 4,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
}
