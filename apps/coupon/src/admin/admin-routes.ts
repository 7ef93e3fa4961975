import { Router } from "express";
import { z } from "zod";
import { parseJsonBody } from "../../../lib/http/validate";
import type { CatalogReader } from "../catalog/catalog-reader";
import type { CouponRepository } from "../catalog/coupon-repository";
import { requireAdmin } from "../identity";
import { createCoupon } from "./create-coupon";
import type { StockLoader } from "./stock-loader";

const isoInstant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** strictObject: unknown fields are an error, not silently dropped. */
const newCouponBody = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    description: z.string().max(2000).default(""),
    priceCents: z.number().int().min(0).max(1_000_000_000),
    stock: z.number().int().min(1).max(10_000_000),
    saleStartsAt: isoInstant,
    saleEndsAt: isoInstant,
  })
  // zod still runs object refinements when a field failed; only compare two real dates.
  .refine((c) => !(c.saleStartsAt instanceof Date && c.saleEndsAt instanceof Date) || c.saleEndsAt.getTime() > c.saleStartsAt.getTime(), {
    path: ["saleEndsAt"],
    message: "must be after saleStartsAt",
  });

export function adminRoutes(repository: CouponRepository, stock: StockLoader, catalog: CatalogReader): Router {
  const router = Router();
  router.post("/coupons", async (req, res) => {
    requireAdmin(res);
    const input = parseJsonBody(newCouponBody, req);
    const coupon = await createCoupon(repository, stock, catalog, input);
    res.status(201).location(`/coupons/${coupon.id}`).json(coupon);
  });
  return router;
}
