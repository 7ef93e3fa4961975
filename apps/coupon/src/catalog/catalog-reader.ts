import type { Redis } from "ioredis";
import { catalogKeys } from "../../../lib/flash-sale/keys";
import type { Coupon, CouponPage } from "./coupon";
import type { CouponRepository } from "./coupon-repository";
import type { TwoLevelCache } from "./two-level-cache";

/** Catalog reads through the two cache levels. */
export class CatalogReader {
  constructor(
    private readonly cache: TwoLevelCache,
    private readonly redis: Redis,
    private readonly repository: CouponRepository,
  ) {}

  page(page: number, size: number): Promise<CouponPage> {
    return this.cache.get(
      `page:${page}:${size}`,
      async () => catalogKeys.page((await this.redis.get(catalogKeys.version)) ?? "0", page, size),
      () => this.repository.listPage(page, size),
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
    await this.redis.incr(catalogKeys.version);
    this.cache.clearLocal();
  }
}
