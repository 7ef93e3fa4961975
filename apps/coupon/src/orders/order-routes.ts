import type { Redis } from "ioredis";
import { Router } from "express";
import { z } from "zod";
import { notFound } from "../../../lib/http/http-error";
import { parseParams } from "../../../lib/http/validate";
import { identityOf } from "../../../lib/internal-identity/middleware";
import { couponKeys } from "../../../lib/flash-sale/keys";
import { ORDER_ID_PATTERN, couponIdOfOrder } from "../../../lib/flash-sale/order-id";
import { ORDER_STATUSES, orderEventSchema } from "../../../lib/flash-sale/order-event";

const orderParams = z.strictObject({ id: z.string().regex(ORDER_ID_PATTERN, "must be an order id returned by a purchase") });

/**
 * The order's state from Redis, where the purchase script wrote it and payment
 * updates it. Push notifications can be dropped; this endpoint always tells the truth.
 */
export function orderRoutes(redis: Redis): Router {
  const router = Router();
  router.get("/orders/:id", async (req, res) => {
    const identity = identityOf(res);
    const { id: orderId } = parseParams(orderParams, req);
    const couponId = couponIdOfOrder(orderId);
    if (couponId === undefined) throw notFound(`order ${orderId} does not exist`);
    const keys = couponKeys(couponId);
    const [status, raw] = await Promise.all([redis.hget(keys.orderStatus, orderId), redis.hget(keys.orders, orderId)]);
    if (status === null || raw === null) throw notFound(`order ${orderId} does not exist`);
    const order = orderEventSchema.parse(JSON.parse(raw));
    // Someone else's order is "not found", not "forbidden": order ids reveal nothing.
    if (order.userId !== identity.userId && identity.role !== "admin") throw notFound(`order ${orderId} does not exist`);
    res.json({
      orderId,
      couponId: order.couponId,
      userId: order.userId,
      priceCents: order.priceCents,
      status: z.enum(ORDER_STATUSES).parse(status),
      createdAt: new Date(order.createdAtMs).toISOString(),
    });
  });
  return router;
}
