import type { Redis } from "ioredis";
import { defineScript, type ScriptCall } from "../../../lib/clients/redis-script";
import { couponKeys, spendableCreditKey } from "../../../lib/flash-sale/keys";

/**
 * The whole reservation in one atomic step. Every check happens before any write
 * (a duplicate never costs a unit), the stock test is `<= 0` (never oversell by
 * one), and the pending order enters the outbox in the same step, so an accepted
 * order can not exist without the record that gets it published. A buyer whose
 * spendable credit does not cover the price holds no unit: the script refuses and
 * starts a cool-down on this coupon for them; an accepted order takes its price
 * off the spendable credit. Time comes from Redis (TIME), shared by every instance.
 *
 * KEYS: stock, buyers, sale, orders, order-status, outbox, credit-cooldowns (tagged
 *       {couponId}), spendable credit (the buyer's own slot)
 * ARGV: userId, orderId, couponId, gatewayId, cool-down ms
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
local coolingUntil = redis.call('HGET', KEYS[7], ARGV[1])
if coolingUntil then
  if tonumber(coolingUntil) > now then return {'cooling_down', tonumber(coolingUntil) - now} end
  redis.call('HDEL', KEYS[7], ARGV[1])
end
local credit = redis.call('GET', KEYS[8])
if not credit then return {'credit_unknown'} end
local price = tonumber(sale[1])
if tonumber(credit) < price then
  redis.call('HSET', KEYS[7], ARGV[1], now + tonumber(ARGV[5]))
  return {'insufficient_credit'}
end
redis.call('DECRBY', KEYS[8], price)
local remaining = redis.call('DECR', KEYS[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local event = cjson.encode({
  orderId = ARGV[2], couponId = ARGV[3], userId = ARGV[1],
  priceCents = price, gatewayId = ARGV[4], createdAtMs = now
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
  | { kind: "ended" }
  | { kind: "insufficient_credit" }
  | { kind: "cooling_down"; waitMs: number }
  /** The buyer's spendable credit is not in Redis yet: fill it from MySQL and run again. */
  | { kind: "credit_unknown" };

function toOutcome(reply: unknown): PurchaseOutcome {
  if (!Array.isArray(reply)) throw new Error(`purchase script returned ${JSON.stringify(reply)}`);
  const [kind, orderId, remaining] = reply as unknown[];
  switch (kind) {
    case "accepted":
      return { kind, orderId: String(orderId), remaining: Number(remaining) };
    case "duplicate":
      return { kind, orderId: String(orderId) };
    case "cooling_down":
      return { kind, waitMs: Number(orderId) };
    case "sold_out":
    case "unknown":
    case "not_started":
    case "ended":
    case "insufficient_credit":
    case "credit_unknown":
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
  /** How long a buyer refused for credit waits before trying this coupon again. */
  creditCooldownMs: number;
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
    keys.creditCooldowns,
    spendableCreditKey(request.userId),
    request.userId,
    request.orderId,
    request.couponId,
    request.gatewayId,
    String(request.creditCooldownMs),
  ];
}

export class PurchaseScript {
  private readonly call: ScriptCall;

  constructor(redis: Redis) {
    this.call = defineScript(redis, "purchaseCoupon", 8, PURCHASE_LUA);
  }

  async run(request: PurchaseRequest): Promise<PurchaseOutcome> {
    return toOutcome(await this.call(...purchaseScriptArgs(request)));
  }
}
