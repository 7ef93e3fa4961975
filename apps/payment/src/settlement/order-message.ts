import type { KafkaMessage } from "kafkajs";
import { ORDER_ID_PATTERN, couponIdOfOrder } from "../../../lib/flash-sale/order-id";
import { type OrderEvent, orderEventSchema } from "../../../lib/flash-sale/order-event";

export type ParsedOrder = { ok: true; order: OrderEvent } | { ok: false; reason: string };

const DECIMAL_ID = /^[1-9][0-9]{0,18}$/;
// The gateway id ends up in a Redis channel name: the same shape the coupon service accepts.
const GATEWAY_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The order event as coupon wrote it (apps/coupon/src/outbox/order-event.ts),
 * checked beyond its schema: ids must be what MySQL and the Redis keys expect,
 * and the order id must belong to the coupon it names. Anything else is a
 * message no retry can fix, so it is reported, not thrown.
 */
export function parseOrderMessage(message: KafkaMessage): ParsedOrder {
  if (!message.value) return { ok: false, reason: "empty_value" };
  let json: unknown;
  try {
    json = JSON.parse(message.value.toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed_json" };
  }
  const parsed = orderEventSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: "invalid_order_event" };
  const order = parsed.data;
  if (!ORDER_ID_PATTERN.test(order.orderId) || couponIdOfOrder(order.orderId) !== order.couponId)
    return { ok: false, reason: "invalid_order_id" };
  if (!DECIMAL_ID.test(order.userId) || !DECIMAL_ID.test(order.couponId)) return { ok: false, reason: "invalid_ids" };
  if (!GATEWAY_ID.test(order.gatewayId)) return { ok: false, reason: "invalid_gateway_id" };
  return { ok: true, order };
}
