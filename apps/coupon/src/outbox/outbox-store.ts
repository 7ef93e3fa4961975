import type { Redis } from "ioredis";
import { defineScript, type ScriptCall } from "../../../lib/clients/redis-script";
import { OUTBOX_INDEX_KEY, couponKeys } from "../../../lib/flash-sale/keys";

// Takes up to ARGV[2] entries that are due and leases them for ARGV[1] ms by
// pushing their score into the future: another relay (another pod) skips them
// until the lease runs out, and an entry whose relay died is picked up again.
// When nothing is due, tells whether the outbox is empty and the sale is over.
const CLAIM = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
if #ids == 0 then
  local endsAt = tonumber(redis.call('HGET', KEYS[3], 'endsAtMs') or '0')
  if redis.call('ZCARD', KEYS[1]) == 0 and now >= endsAt then return {'finished'} end
  return {'idle'}
end
local out = {'claimed'}
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), id)
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[2], id)
end
return out
`;

// After a failed publish: make the entries due again after a back-off (XX: only
// entries still in the outbox — never resurrect one another relay acknowledged).
const RETRY_LATER = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i]) end
return #ARGV - 1
`;

export interface ClaimedEntry {
  orderId: string;
  event: string;
}

export type ClaimResult = { kind: "claimed"; entries: ClaimedEntry[] } | { kind: "idle" } | { kind: "finished" };

function toClaimResult(reply: unknown): ClaimResult {
  if (!Array.isArray(reply)) throw new Error("outbox claim returned a non-array");
  const [kind, ...rest] = reply as unknown[];
  if (kind === "idle" || kind === "finished") return { kind };
  const entries: ClaimedEntry[] = [];
  for (let i = 0; i + 1 < rest.length; i += 2) entries.push({ orderId: String(rest[i]), event: String(rest[i + 1]) });
  return { kind: "claimed", entries };
}

/** The Redis outbox of one coupon: pending order events waiting to reach Kafka. */
export class OutboxStore {
  private readonly claimScript: ScriptCall;
  private readonly retryScript: ScriptCall;

  constructor(private readonly redis: Redis) {
    this.claimScript = defineScript(redis, "claimOutbox", 3, CLAIM);
    this.retryScript = defineScript(redis, "retryOutboxLater", 1, RETRY_LATER);
  }

  couponsWithOutbox(): Promise<string[]> {
    return this.redis.smembers(OUTBOX_INDEX_KEY);
  }

  async claim(couponId: string, leaseMs: number, batchSize: number): Promise<ClaimResult> {
    const keys = couponKeys(couponId);
    return toClaimResult(await this.claimScript(keys.outbox, keys.orders, keys.sale, leaseMs, batchSize));
  }

  async acknowledge(couponId: string, orderIds: readonly string[]): Promise<void> {
    if (orderIds.length > 0) await this.redis.zrem(couponKeys(couponId).outbox, ...orderIds);
  }

  async retryLater(couponId: string, orderIds: readonly string[], backoffMs: number): Promise<void> {
    if (orderIds.length > 0) await this.retryScript(couponKeys(couponId).outbox, backoffMs, ...orderIds);
  }

  /** A finished sale with an empty outbox needs no more watching. */
  async forget(couponId: string): Promise<void> {
    await this.redis.srem(OUTBOX_INDEX_KEY, couponId);
  }

  pendingCount(couponId: string): Promise<number> {
    return this.redis.zcard(couponKeys(couponId).outbox);
  }
}
