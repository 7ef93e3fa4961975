import { Router } from "express";
import { z } from "zod";
import { notFound } from "../../../lib/http/http-error";
import { parseParams, parseQuery } from "../../../lib/http/validate";
import { couponIdParams } from "../../../lib/flash-sale/coupon-id";
import type { CatalogReader } from "./catalog-reader";

const pageQuery = z.strictObject({
  page: z
    .string()
    .regex(/^[1-9][0-9]{0,3}$/, "must be an integer from 1 to 9999")
    .transform(Number)
    .default(1),
  size: z
    .string()
    .regex(/^[0-9]{1,3}$/, "must be an integer")
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .default(20),
});

/** Browsing needs no identity: the catalog is public. */
export function catalogRoutes(reader: CatalogReader): Router {
  const router = Router();
  router.get("/coupons", async (req, res) => {
    const { page, size } = parseQuery(pageQuery, req);
    res.json(await reader.page(page, size));
  });
  router.get("/coupons/:id", async (req, res) => {
    const { id } = parseParams(couponIdParams, req);
    const coupon = await reader.coupon(id);
    if (!coupon) throw notFound(`coupon ${id} does not exist`);
    res.json(coupon);
  });
  return router;
}
