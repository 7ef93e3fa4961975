import { randomUUID } from "node:crypto";

/**
 * An order id carries its coupon id ("<couponId>-<uuid>") so GET /orders/:id finds
 * the order in that coupon's hash slot without any global index.
 */
const ORDER_ID = /^([1-9][0-9]{0,15})-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const newOrderId = (couponId: string) => `${couponId}-${randomUUID()}`;

export function couponIdOfOrder(orderId: string): string | undefined {
  return ORDER_ID.exec(orderId)?.[1];
}

export const ORDER_ID_PATTERN = ORDER_ID;
