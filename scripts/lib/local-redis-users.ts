import { Redis } from "ioredis";
import { REDIS_ACLS, type RedisService, accessString, redisUserName } from "../../apps/lib/flash-sale/redis-acl";

export type RedisPasswords = Readonly<Record<RedisService, string>>;

/**
 * Creates (or resets) one ACL user per service on a local Redis with ACL SETUSER,
 * from the same rules a stack gives its ElastiCache users, so local runs and tests
 * meet the refusals production would. `adminUrl` connects as a user allowed to run ACL.
 */
export async function ensureLocalRedisUsers(adminUrl: string, passwords: RedisPasswords): Promise<void> {
  const admin = new Redis(adminUrl, { maxRetriesPerRequest: 1 });
  try {
    for (const service of Object.keys(REDIS_ACLS) as RedisService[]) {
      await admin.call("ACL", "SETUSER", redisUserName(service), "reset", `>${passwords[service]}`, ...accessString(service).split(" "));
    }
  } finally {
    admin.disconnect();
  }
}

/** A service's REDIS_URL on a local Redis: its own user and password, and the logical database of the run. */
export function localRedisUrl(service: RedisService, password: string, database: number, host = "127.0.0.1:6379"): string {
  return `redis://${encodeURIComponent(redisUserName(service))}:${encodeURIComponent(password)}@${host}/${database}`;
}
