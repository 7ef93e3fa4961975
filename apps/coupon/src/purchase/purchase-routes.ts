import { Router } from "express";
import { z } from "zod";
import { HttpError, conflict, notFound } from "../../../lib/http/http-error";
import { parseOptionalJsonBody, parseParams } from "../../../lib/http/validate";
import type { CouponMetrics } from "../coupon-metrics";
import { couponIdParams } from "../../../lib/flash-sale/coupon-id";
import { identityOf } from "../../../lib/internal-identity/middleware";
import { newOrderId } from "../../../lib/flash-sale/order-id";
import type { PurchaseScript } from "./purchase-script";
import type { SoldOutFlags } from "./sold-out-flags";

/** The purchase takes everything from the path and the gateway's headers; a body may only be {}. */
const purchaseBody = z.strictObject({});

const soldOut = () => new HttpError(410, "sold_out", "this coupon is sold out");

export interface PurchaseDeps {
  script: PurchaseScript;
  soldOutFlags: SoldOutFlags;
  metrics: CouponMetrics;
  /** Wakes the outbox relay so the order event leaves without waiting for its next poll. */
  onAccepted: () => void;
}

export function purchaseRoutes(deps: PurchaseDeps): Router {
  const router = Router();
  router.post("/coupons/:id/purchase", async (req, res) => {
    const identity = identityOf(res);
    const { id: couponId } = parseParams(couponIdParams, req);
    parseOptionalJsonBody(purchaseBody, req);
    if (deps.soldOutFlags.isSoldOut(couponId)) {
      deps.metrics.purchaseAttempts.inc({ result: "sold_out_flag" });
      throw soldOut();
    }
    const outcome = await deps.script.run({
      couponId,
      userId: identity.userId,
      orderId: newOrderId(couponId),
      gatewayId: identity.gatewayId,
    });
    deps.metrics.purchaseAttempts.inc({ result: outcome.kind });
    switch (outcome.kind) {
      case "accepted":
        if (outcome.remaining <= 0) deps.soldOutFlags.markSoldOut(couponId);
        deps.onAccepted();
        res.status(202).location(`/orders/${outcome.orderId}`).json({ orderId: outcome.orderId, status: "pending" });
        return;
      case "duplicate":
        throw conflict("already_purchased", "this user already holds an order for this coupon", { orderId: outcome.orderId });
      case "sold_out":
        deps.soldOutFlags.markSoldOut(couponId);
        throw soldOut();
      case "unknown":
        throw notFound(`coupon ${couponId} is not on sale`);
      case "not_started":
        throw new HttpError(403, "sale_not_started", "the sale for this coupon has not started");
      case "ended":
        throw new HttpError(403, "sale_ended", "the sale for this coupon has ended");
    }
  });
  return router;
}
