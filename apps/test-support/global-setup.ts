import { Redis } from "ioredis";
import { createConnection } from "mysql2/promise";
import { startKafka, stopKafka } from "../../scripts/lib/kafka-process";
import { ensureLocalRedisUsers } from "../../scripts/lib/local-redis-users";
import { TEST_DATABASE, TEST_REDIS_PASSWORDS, TEST_REDIS_URL } from "./test-env";

const log = (line: string) => console.log(`[apps global setup] ${line}`);

async function resetDatabase(): Promise<void> {
  const connection = await createConnection({ host: "127.0.0.1", port: 3306, user: "root", password: "" });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${TEST_DATABASE}\``);
  } finally {
    await connection.end();
  }
}

async function resetRedis(): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

/**
 * Real services, fresh state: the database is dropped (services migrate it at start)
 * and the tests' Redis logical database emptied (the services' ACL users made anew), so coupon ids from an older run can
 * never meet stock keys it left behind. Kafka is started if it is not up, and
 * stopped again at the end only if this run started it.
 */
export default async function setup(): Promise<() => Promise<void>> {
  await resetDatabase();
  await resetRedis();
  // Every service under test connects as its own ACL user, refused outside its keys and commands.
  await ensureLocalRedisUsers("redis://127.0.0.1:6379", TEST_REDIS_PASSWORDS);
  const outcome = await startKafka(log);
  return async () => {
    if (outcome === "started") await stopKafka(log);
  };
}
