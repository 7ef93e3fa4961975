import { randomUUID } from "node:crypto";

/** The integration tests' own database and Redis logical database, recreated on every run. */
export const TEST_DATABASE = "coupon_test";
export const TEST_REDIS_DB = 15;
export const TEST_REDIS_URL = `redis://127.0.0.1:6379/${TEST_REDIS_DB}`;
export const TEST_KAFKA_BROKER = "127.0.0.1:9092";

/** A topic per test file keeps event counts exact without reading other runs' events. */
export const uniqueTopic = (purpose: string) => `coupon.orders.test-${purpose}-${randomUUID().slice(0, 8)}`;
