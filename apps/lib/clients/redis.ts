import { Redis } from "ioredis";
import type { RedisEnv } from "../config/common-env";

/**
 * A standalone (or replication-group primary endpoint) client. rediss:// URLs
 * turn TLS on. Commands fail fast when disconnected instead of queueing
 * forever, so a Redis outage shows as errors and readiness, not hung requests.
 */
export function createRedis(env: RedisEnv): Redis {
  // No connectionName: CLIENT SETNAME is outside every service's Redis ACL; its ACL user already names it.
  return new Redis(env.REDIS_URL, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 5_000,
    // Commands issued in the same tick go out in one write: under load, one syscall for many requests' commands.
    enableAutoPipelining: true,
  });
}

/** QUIT lets queued commands finish; resolves once the connection has really ended. */
export async function closeRedis(redis: Redis): Promise<void> {
  const ended = new Promise<void>((resolve) => redis.once("end", () => resolve()));
  await redis.quit();
  await ended;
}
