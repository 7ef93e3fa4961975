import type { Redis } from "ioredis";
import { defineScript, type ScriptCall } from "../../../lib/clients/redis-script";
import { couponKeys } from "../../../lib/flash-sale/keys";

/**
 * The whole reservation in one atomic step. Every check happens before any write
 * (a duplicate never costs a unit), the stock test is `<= 0` (never oversell by
 * one), and the pending order enters the outbox in the same step, so an accepted
 * order can not exist without the record that gets it published.
 * Time comes from Redis (TIME) so all service instances share one clock.
 *
 * KEYS: stock, buyers, sale, orders, order-status, outbox (all tagged {couponId})
 * ARGV: userId, orderId, couponId, gatewayId
 */
export const PURCHASE_LUA = `
local stock = redis.call('GET', KEYS[1])
if not stock then return {'unknown'} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local sale = redis.call('HMGET', KEYS[3], 'priceCents', 'startsAtMs', 'endsAtMs')
if now < tonumber(sale[2]) then return {'not_started'} end
if now >= tonumber(sale[3]) then return {'ended'} end
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then return {'duplicate', existing} end
if tonumber(stock) <= 0 then return {'sold_out'} end
local remaining = redis.call('DECR', KEYS[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local event = cjson.encode({
  orderId = ARGV[2], couponId = ARGV[3], userId = ARGV[1],
  priceCents = tonumber(sale[1]), gatewayId = ARGV[4], createdAtMs = now
})
redis.call('HSET', KEYS[4], ARGV[2], event)
redis.call('HSET', KEYS[5], ARGV[2], 'pending')
redis.call('ZADD', KEYS[6], now, ARGV[2])
return {'accepted', ARGV[2], remaining}
`;

export type PurchaseOutcome =
  | { kind: "accepted"; orderId: string; remaining: number }
  | { kind: "duplicate"; orderId: string }
  | { kind: "sold_out" }
  | { kind: "unknown" }
  | { kind: "not_started" }
  | { kind: "ended" };

function toOutcome(reply: unknown): PurchaseOutcome {
  if (!Array.isArray(reply)) throw new Error(`purchase script returned ${JSON.stringify(reply)}`);
  const [kind, orderId, remaining] = reply as unknown[];
  switch (kind) {
    case "accepted":
      return { kind, orderId: String(orderId), remaining: Number(remaining) };
    case "duplicate":
      return { kind, orderId: String(orderId) };
    case "sold_out":
    case "unknown":
    case "not_started":
    case "ended":
      return { kind };
    default:
      throw new Error(`purchase script returned unknown outcome ${String(kind)}`);
  }
}

export interface PurchaseRequest {
  couponId: string;
  userId: string;
  orderId: string;
  gatewayId: string;
}

/** Keys and arguments in the order the script expects; shared with the benchmark's raw EVALSHA run. */
export function purchaseScriptArgs(request: PurchaseRequest): string[] {
  const keys = couponKeys(request.couponId);
  return [
    keys.stock,
    keys.buyers,
    keys.sale,
    keys.orders,
    keys.orderStatus,
    keys.outbox,
    request.userId,
    request.orderId,
    request.couponId,
    request.gatewayId,
  ];
}

export class PurchaseScript {
  private readonly call: ScriptCall;

  constructor(redis: Redis) {
    this.call = defineScript(redis, "purchaseCoupon", 6, PURCHASE_LUA);
  }

  async run(request: PurchaseRequest): Promise<PurchaseOutcome> {
    return toOutcome(await this.call(...purchaseScriptArgs(request)));
  }
}
