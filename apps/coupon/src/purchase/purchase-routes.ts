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
import type { SpendableCredit } from "./spendable-credit";

/** The purchase takes everything from the path and the gateway's headers; a body may only be {}. */
const purchaseBody = z.strictObject({});

const soldOut = () => new HttpError(410, "sold_out", "this coupon is sold out");

export interface PurchaseDeps {
  script: PurchaseScript;
  credit: SpendableCredit;
  creditCooldownSeconds: number;
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
    const request = {
      couponId,
      userId: identity.userId,
      orderId: newOrderId(couponId),
      gatewayId: identity.gatewayId,
      creditCooldownMs: deps.creditCooldownSeconds * 1000,
    };
    let outcome = await deps.script.run(request);
    if (outcome.kind === "credit_unknown") {
      await deps.credit.fill(identity.userId);
      outcome = await deps.script.run(request);
    }
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
      case "insufficient_credit":
        throw new HttpError(402, "insufficient_credit", "your spendable credit does not cover this coupon's price", {
          "retry-after": String(deps.creditCooldownSeconds),
        });
      case "cooling_down":
        throw new HttpError(429, "credit_cooldown", "refused for credit on this coupon a moment ago; retry later", {
          "retry-after": String(Math.max(1, Math.ceil(outcome.waitMs / 1000))),
        });
      case "credit_unknown":
        throw new Error(`spendable credit of user ${identity.userId} vanished right after it was filled`);
    }
  });
  return router;
}
