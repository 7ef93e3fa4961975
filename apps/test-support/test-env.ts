import { randomUUID } from "node:crypto";
import type { RedisService } from "../lib/flash-sale/redis-acl";
import { localRedisUrl } from "../../scripts/lib/local-redis-users";

/** The integration tests' own database and Redis logical database, recreated on every run. */
export const TEST_DATABASE = "coupon_test";
export const TEST_REDIS_DB = 15;
export const TEST_REDIS_URL = `redis://127.0.0.1:6379/${TEST_REDIS_DB}`;
/** Passwords of the services' Redis ACL users on the loopback test Redis (global setup creates the users). */
export const TEST_REDIS_PASSWORDS = {
  gateway: "test-only-gateway-redis-password",
  coupon: "test-only-coupon-redis-password",
  payment: "test-only-payment-redis-password",
} as const;
/** A service's REDIS_URL in the tests: its own ACL user, as on a stack, in the given logical database. */
export const serviceRedisUrl = (service: RedisService, database: number) => localRedisUrl(service, TEST_REDIS_PASSWORDS[service], database);
export const TEST_KAFKA_BROKER = "127.0.0.1:9092";

/** A topic per test file keeps event counts exact without reading other runs' events. */
export const uniqueTopic = (purpose: string) => `coupon.orders.test-${purpose}-${randomUUID().slice(0, 8)}`;
