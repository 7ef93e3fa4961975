import type { Redis } from "ioredis";
import { defineScript, type ScriptCall } from "../../../lib/clients/redis-script";
import { OUTBOX_INDEX_KEY, couponKeys } from "../../../lib/flash-sale/keys";

// Refuses to overwrite: stock already in Redis for this id means live sale state
// (a re-created database over an old Redis), and overwriting it would resell units.
const LOAD_SALE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'priceCents', ARGV[2], 'startsAtMs', ARGV[3], 'endsAtMs', ARGV[4])
return 1
`;

export interface SaleToLoad {
  couponId: string;
  stock: number;
  priceCents: number;
  startsAtMs: number;
  endsAtMs: number;
}

/** Puts a coupon's sellable stock and sale terms where the purchase script reads them. */
export class StockLoader {
  private readonly loadSale: ScriptCall;

  constructor(private readonly redis: Redis) {
    this.loadSale = defineScript(redis, "loadCouponSale", 2, LOAD_SALE);
  }

  /** Returns false if Redis already holds stock for this coupon id. */
  async load(sale: SaleToLoad): Promise<boolean> {
    const keys = couponKeys(sale.couponId);
    const loaded = await this.loadSale(keys.stock, keys.sale, sale.stock, sale.priceCents, sale.startsAtMs, sale.endsAtMs);
    if (loaded !== 1) return false;
    // The relay watches this index; added after the stock so it never watches a coupon with no sale.
    await this.redis.sadd(OUTBOX_INDEX_KEY, sale.couponId);
    return true;
  }

  async unload(couponId: string): Promise<void> {
    const keys = couponKeys(couponId);
    await this.redis.del(keys.stock, keys.sale);
    await this.redis.srem(OUTBOX_INDEX_KEY, couponId);
  }
}
