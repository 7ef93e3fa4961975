import { Redis } from "ioredis";
import type { RedisEnv } from "../config/common-env";

/**
 * A standalone (or replication-group primary endpoint) client. rediss:// URLs
 * turn TLS on. Commands fail fast when disconnected instead of queueing
 * forever, so a Redis outage shows as errors and readiness, not hung requests.
 */
export function createRedis(env: RedisEnv, name: string): Redis {
  return new Redis(env.REDIS_URL, {
    connectionName: name,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 5_000,
  });
}

/** QUIT lets queued commands finish; resolves once the connection has really ended. */
export async function closeRedis(redis: Redis): Promise<void> {
  const ended = new Promise<void>((resolve) => redis.once("end", () => resolve()));
  await redis.quit();
  await ended;
}
