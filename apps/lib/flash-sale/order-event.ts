import { z } from "zod";

/**
 * The message on topic coupon.orders, keyed by coupon id. Written by the purchase
 * script, published by the relay, consumed by payment. userId stays a string so
 * ids beyond 2^53 survive.
 */
export const orderEventSchema = z.object({
  orderId: z.string().min(1),
  couponId: z.string().min(1),
  userId: z.string().min(1),
  priceCents: z.number().int().min(0),
  gatewayId: z.string().min(1),
  createdAtMs: z.number().int().positive(),
});

export type OrderEvent = z.infer<typeof orderEventSchema>;

export const ORDER_STATUSES = ["pending", "paid", "refused", "rolled_back"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
