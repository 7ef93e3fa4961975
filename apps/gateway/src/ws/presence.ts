import type { Redis } from "ioredis";
import { defineScript, type ScriptCall } from "../../../lib/clients/redis-script";

const presenceKey = (userId: string) => `gateway-presence:${userId}`;

// Removes the entry only if it still names this instance: the user may have
// opened a newer socket on another gateway meanwhile.
const WITHDRAW_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Which gateway instance holds a user's WebSocket. The load balancer may send a
 * purchase to one replica while the buyer's socket lives on another: the purchase
 * carries the id of the instance that holds the socket, so payment's result is
 * published where it can be pushed. Entries expire unless the holder refreshes
 * them on each heartbeat, so a dead instance's entries vanish by themselves.
 */
export class Presence {
  private readonly withdrawScript: ScriptCall;

  constructor(
    private readonly redis: Redis,
    private readonly gatewayId: string,
    private readonly ttlMs: number,
  ) {
    this.withdrawScript = defineScript(redis, "withdrawGatewayPresence", 1, WITHDRAW_LUA);
  }

  async announce(userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const userId of userIds) pipeline.set(presenceKey(userId), this.gatewayId, "PX", this.ttlMs);
    await pipeline.exec();
  }

  async withdraw(userId: string): Promise<void> {
    await this.withdrawScript(presenceKey(userId), this.gatewayId);
  }

  /** The instance holding the user's socket, if any announced one. */
  holderOf(userId: string): Promise<string | null> {
    return this.redis.get(presenceKey(userId));
  }
}
