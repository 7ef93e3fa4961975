import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { defineScript, type ScriptCall } from "../../../lib/clients/redis-script";

// Delete the lock only if it is still ours: a holder whose TTL ran out must not
// release the lock a later holder took.
const RELEASE_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/** A short-lived lock across processes (SET NX PX), released by its owner only. */
export class RedisLock {
  private readonly release: ScriptCall;

  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {
    this.release = defineScript(redis, "releaseLockIfOwner", 1, RELEASE_IF_OWNER);
  }

  /** Runs `work` under the lock, or returns `undefined` at once if another process holds it. */
  async tryWithLock<T>(key: string, work: () => Promise<T>): Promise<{ value: T } | undefined> {
    const token = randomUUID();
    const taken = await this.redis.set(key, token, "PX", this.ttlMs, "NX");
    if (taken !== "OK") return undefined;
    try {
      return { value: await work() };
    } finally {
      await this.release(key, token);
    }
  }
}
