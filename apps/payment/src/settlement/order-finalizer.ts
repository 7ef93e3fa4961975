import type { Redis } from "ioredis";
import { defineScript, type ScriptCall } from "../../../lib/clients/redis-script";
import { couponKeys, spendableCreditKey } from "../../../lib/flash-sale/keys";
import type { OrderEvent } from "../../../lib/flash-sale/order-event";
import { type PaymentUpdate, paymentUpdateChannel } from "../../../lib/events/payment-update";
import type { SettlementOutcome } from "./settlement-outcome";

// Moves an order out of "pending" exactly once. Only the call that finds it
// pending changes anything: for a refusal or rollback it returns the unit to the
// stock, removes the buyer (only if the buyer set still points at this order), so
// the buyer may try again, and gives the price back to the buyer's spendable
// credit; a refusal for credit also starts the buyer's cool-down on this coupon.
// Then it publishes the result. Status change, release and notice are one atomic
// step: a redelivered order finds the status already final and does nothing, so a
// unit or a price is never returned twice. Stock and credit are only incremented
// while their keys exist, never re-created.
//
// KEYS: order-status, stock, buyers, credit-cooldowns (tagged {couponId}), spendable credit
// ARGV: orderId, userId, final status, channel, message, price, reason, cool-down ms
const FINALIZE_LUA = `
local status = redis.call('HGET', KEYS[1], ARGV[1])
if status ~= 'pending' then return {0, status or ''} end
if ARGV[3] ~= 'paid' then
  if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('INCR', KEYS[2]) end
  if redis.call('HGET', KEYS[3], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[3], ARGV[2]) end
  if redis.call('EXISTS', KEYS[5]) == 1 then redis.call('INCRBY', KEYS[5], ARGV[6]) end
  if ARGV[7] == 'insufficient_credit' then
    local t = redis.call('TIME')
    redis.call('HSET', KEYS[4], ARGV[2], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[8]))
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return {1, ARGV[3]}
`;

export interface FinalizeResult {
  /** True only for the one call that moved the order out of pending (and published). */
  changed: boolean;
  /** The status found when nothing changed ("" when Redis does not know the order). */
  statusBefore: string;
}

/** Applies payment's decision to the order's sale state in Redis, where coupon reads it. */
export class OrderFinalizer {
  private readonly finalize: ScriptCall;

  constructor(
    redis: Redis,
    private readonly creditCooldownMs: number,
  ) {
    this.finalize = defineScript(redis, "finalizeCouponOrder", 5, FINALIZE_LUA);
  }

  async apply(order: OrderEvent, outcome: SettlementOutcome, reason: string | null): Promise<FinalizeResult> {
    const keys = couponKeys(order.couponId);
    const update: PaymentUpdate = {
      type: "payment_update",
      orderId: order.orderId,
      couponId: order.couponId,
      userId: order.userId,
      status: outcome,
      reason,
    };
    const reply = await this.finalize(
      keys.orderStatus,
      keys.stock,
      keys.buyers,
      keys.creditCooldowns,
      spendableCreditKey(order.userId),
      order.orderId,
      order.userId,
      outcome,
      paymentUpdateChannel(order.gatewayId),
      JSON.stringify(update),
      order.priceCents,
      reason ?? "",
      this.creditCooldownMs,
    );
    const [changed, status] = Array.isArray(reply) ? (reply as unknown[]) : [];
    return { changed: Number(changed) === 1, statusBefore: String(status ?? "") };
  }
}
