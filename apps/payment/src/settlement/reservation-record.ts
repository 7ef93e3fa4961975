import type { Redis } from "ioredis";
import { couponKeys } from "../../../lib/flash-sale/keys";
import { type OrderEvent, orderEventSchema } from "../../../lib/flash-sale/order-event";

/**
 * The reservation coupon's purchase script recorded in Redis when it accepted the
 * order (the `orders` hash, which payment may only read): the order event must be
 * that record, field for field, before any money moves. A forged event — another
 * buyer's order id, a lower price, an order nobody reserved — matches no record.
 */
export class ReservationRecord {
  constructor(private readonly redis: Redis) {}

  async matches(order: OrderEvent): Promise<boolean> {
    const raw = await this.redis.hget(couponKeys(order.couponId).orders, order.orderId);
    if (raw === null) return false;
    let recorded: OrderEvent;
    try {
      recorded = orderEventSchema.parse(JSON.parse(raw));
    } catch {
      return false;
    }
    return (Object.keys(orderEventSchema.shape) as (keyof OrderEvent)[]).every((field) => recorded[field] === order[field]);
  }
}
