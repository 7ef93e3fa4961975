import type { Redis } from "ioredis";
import { catalogKeys } from "../../../lib/flash-sale/keys";
import type { Coupon, CouponPage } from "./coupon";
import type { CouponRepository } from "./coupon-repository";
import type { TwoLevelCache } from "./two-level-cache";

/**
 * Catalog reads through the two cache levels. A page rebuilt while the catalog has
 * just changed is read from the writer: a replica a moment behind would put a page
 * without the new coupon into the cache, for every instance, until it expires.
 */
export class CatalogReader {
  constructor(
    private readonly cache: TwoLevelCache,
    private readonly redis: Redis,
    private readonly repository: CouponRepository,
    /** How long after a change pages come from the writer: the replica lag the catalog tolerates. */
    private readonly writerWindowMs: number,
  ) {}

  page(page: number, size: number): Promise<CouponPage> {
    return this.cache.get(
      `page:${page}:${size}`,
      async () => catalogKeys.page((await this.redis.get(catalogKeys.version)) ?? "0", page, size),
      async () => this.repository.listPage(page, size, { fromWriter: (await this.redis.exists(catalogKeys.recentWrite)) === 1 }),
    );
  }

  /** Unknown ids are cached too (as null): probing missing ids must not reach MySQL each time. */
  async coupon(id: string): Promise<Coupon | undefined> {
    const found = await this.cache.get<Coupon | null>(
      `coupon:${id}`,
      async () => catalogKeys.coupon(id),
      async () => (await this.repository.findById(id)) ?? null,
    );
    return found ?? undefined;
  }

  /** A new coupon changes every page: move the version so no process reads old pages from Redis. */
  async pagesChanged(): Promise<void> {
    if (this.writerWindowMs > 0) await this.redis.set(catalogKeys.recentWrite, "1", "PX", this.writerWindowMs);
    await this.redis.incr(catalogKeys.version);
    this.cache.clearLocal();
  }
}
