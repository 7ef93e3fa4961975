/**
 * Redis keys. Everything about one coupon carries the hash tag {ID}, so every
 * multi-key script touches one slot and stays valid on a Redis Cluster.
 */
export const couponKeys = (couponId: string) => ({
  stock: `coupon:{${couponId}}:stock`,
  /** hash userId -> orderId: the buyer set, and the answer to "which order is mine" on a duplicate. */
  buyers: `coupon:{${couponId}}:buyers`,
  /** hash priceCents, startsAtMs, endsAtMs: what the purchase script needs without MySQL. */
  sale: `coupon:{${couponId}}:sale`,
  /** hash orderId -> order event JSON. */
  orders: `coupon:{${couponId}}:orders`,
  /** hash orderId -> pending | paid | refused | rolled_back. */
  orderStatus: `coupon:{${couponId}}:order-status`,
  /** zset orderId scored by the time (ms) the relay may next try to publish it. */
  outbox: `coupon:{${couponId}}:outbox`,
  /** hash userId -> until when (ms) a buyer refused for credit must wait before trying this coupon again. */
  creditCooldowns: `coupon:{${couponId}}:credit-cooldowns`,
});

/**
 * A buyer's spendable credit in cents: the credit of record (MySQL users.credit_cents)
 * less the price of every order still pending. The purchase script takes the price
 * off when it reserves; payment gives it back when an order ends without being paid.
 * Filled from MySQL when missing. The only key a purchase touches outside its
 * coupon's slot: the cache runs with cluster mode off (docs/ARCHITECTURE.md).
 */
export const spendableCreditKey = (userId: string) => `credit:{user:${userId}}`;

/** Set of coupon ids whose outbox the relay must watch (one key outside any coupon's slot). */
export const OUTBOX_INDEX_KEY = "coupon-outboxes";

/** Catalog cache keys; the version moves when a coupon is added so cached pages go stale at once. */
export const catalogKeys = {
  version: "coupon-catalog:version",
  /** Set, with an expiry, when the catalog changes: until it expires, pages are read from the writer, not a replica that may lag. */
  recentWrite: "coupon-catalog:recent-write",
  page: (version: string, page: number, size: number) => `coupon-catalog:v${version}:page:${page}:${size}`,
  coupon: (couponId: string) => `coupon-catalog:coupon:${couponId}`,
  lock: (cacheKey: string) => `lock:${cacheKey}`,
};
