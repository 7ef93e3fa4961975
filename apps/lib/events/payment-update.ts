import { z } from "zod";

/**
 * The result of a settlement, published by payment on the Redis channel of the
 * gateway instance that carried the purchase, and pushed by that gateway to the
 * buyer's WebSockets. Pub/sub may drop it: GET /api/orders/:id always tells the truth.
 */
export const paymentUpdateChannel = (gatewayId: string) => `payment_update:${gatewayId}`;

export const paymentUpdateSchema = z.object({
  type: z.literal("payment_update"),
  orderId: z.string().min(1),
  couponId: z.string().min(1),
  userId: z.string().min(1),
  /** paid; refused (unit returned to the sale); rolled_back (released after settlement kept failing). */
  status: z.enum(["paid", "refused", "rolled_back"]),
  reason: z.string().nullable(),
});

export type PaymentUpdate = z.infer<typeof paymentUpdateSchema>;
