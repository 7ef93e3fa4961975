import { LRUCache } from "lru-cache";

/**
 * Coupons this process has seen sold out. Later attempts are refused without a
 * Redis round trip — during a flash sale most attempts arrive after the last
 * unit. The flag expires after a short TTL because a refused payment puts a unit
 * back, and that unit must become buyable again.
 */
export class SoldOutFlags {
  private readonly flags: LRUCache<string, true> | undefined;

  constructor(ttlMs: number) {
    this.flags = ttlMs > 0 ? new LRUCache({ max: 10_000, ttl: ttlMs }) : undefined;
  }

  isSoldOut(couponId: string): boolean {
    return this.flags?.has(couponId) ?? false;
  }

  markSoldOut(couponId: string): void {
    this.flags?.set(couponId, true);
  }
}
