import { Router } from "express";
import { z } from "zod";
import { notFound } from "../../../lib/http/http-error";
import { parseParams, parseQuery } from "../../../lib/http/validate";
import { couponIdParams } from "../../../lib/flash-sale/coupon-id";
import { identityOf } from "../../../lib/internal-identity/middleware";
import type { CatalogReader } from "./catalog-reader";

/** Pages deeper than maxPage are refused before Redis or MySQL is asked: a deep OFFSET costs the database. */
const pageQuery = (maxPage: number) =>
  z.strictObject({
    page: z
      .string()
      .regex(/^[1-9][0-9]{0,3}$/, `must be an integer from 1 to ${maxPage}`)
      .transform(Number)
      .pipe(z.number().max(maxPage, `must be an integer from 1 to ${maxPage}`))
      .default(1),
    size: z
      .string()
      .regex(/^[0-9]{1,3}$/, "must be an integer")
      .transform(Number)
      .pipe(z.number().int().min(1).max(100))
      .default(20),
  });

export interface CatalogRouteDeps {
  reader: CatalogReader;
  maxPage: number;
  /** Called (not awaited) when a user views a coupon whose sale has not ended: they may buy it soon. */
  onLikelyBuyer: (userId: string) => void;
}

/** The catalog: pages and single coupons, through the two cache levels. */
export function catalogRoutes({ reader, maxPage, onLikelyBuyer }: CatalogRouteDeps): Router {
  const router = Router();
  const pages = pageQuery(maxPage);
  router.get("/coupons", async (req, res) => {
    const { page, size } = parseQuery(pages, req);
    res.json(await reader.page(page, size));
  });
  router.get("/coupons/:id", async (req, res) => {
    const { id } = parseParams(couponIdParams, req);
    const coupon = await reader.coupon(id);
    if (!coupon) throw notFound(`coupon ${id} does not exist`);
    res.json(coupon);
    if (Date.parse(coupon.saleEndsAt) > Date.now()) onLikelyBuyer(identityOf(res).userId);
  });
  return router;
}
