import { HttpError } from "../../../lib/http/http-error";
import type { CatalogReader } from "../catalog/catalog-reader";
import type { Coupon } from "../catalog/coupon";
import type { CouponRepository, NewCoupon } from "../catalog/coupon-repository";
import type { StockLoader } from "./stock-loader";

/**
 * Inserts the coupon and loads its stock into Redis inside one MySQL transaction:
 * the row commits only once Redis can sell it, so no coupon exists that the
 * purchase path would call unknown. If the commit fails, the Redis side is removed.
 */
export async function createCoupon(
  repository: CouponRepository,
  stock: StockLoader,
  catalog: CatalogReader,
  input: NewCoupon,
): Promise<Coupon> {
  const connection = await repository.connection();
  let loadedId: string | undefined;
  try {
    await connection.beginTransaction();
    const id = await repository.insert(connection, input);
    const loaded = await stock.load({
      couponId: id,
      stock: input.stock,
      priceCents: input.priceCents,
      startsAtMs: input.saleStartsAt.getTime(),
      endsAtMs: input.saleEndsAt.getTime(),
    });
    if (!loaded) throw new HttpError(500, "stock_conflict", `Redis already holds sale state for coupon ${id}; refusing to overwrite it`);
    loadedId = id;
    await connection.commit();
    await catalog.pagesChanged();
    return {
      id,
      name: input.name,
      description: input.description,
      priceCents: input.priceCents,
      initialStock: input.stock,
      saleStartsAt: input.saleStartsAt.toISOString(),
      saleEndsAt: input.saleEndsAt.toISOString(),
    };
  } catch (err) {
    await connection.rollback().catch(() => undefined);
    if (loadedId !== undefined) await stock.unload(loadedId);
    throw err;
  } finally {
    connection.release();
  }
}
