import type { Redis } from "ioredis";
import { StockLoader } from "../../apps/coupon/src/admin/stock-loader";
import { PurchaseScript } from "../../apps/coupon/src/purchase/purchase-script";
import { newOrderId } from "../../apps/lib/flash-sale/order-id";
import { fundBuyers } from "../../apps/test-support/spendable-credit";
import { runLoad, type LoadResult } from "./load-runner";

/**
 * What Redis alone allows: the purchase Lua script (`PurchaseScript`, loaded with
 * defineCommand) called directly, `concurrency` calls in flight on one connection,
 * every call a distinct funded buyer of one hot coupon with stock for all.
 */
export async function evalshaCeiling(redis: Redis, attempts: number, concurrency: number): Promise<LoadResult> {
  const couponId = "900000001";
  const firstBuyer = 2_000_000;
  await new StockLoader(redis).load({
    couponId,
    stock: attempts,
    priceCents: 100,
    startsAtMs: Date.now() - 60_000,
    endsAtMs: Date.now() + 3_600_000,
  });
  const script = new PurchaseScript(redis);
  await fundBuyers(
    redis,
    Array.from({ length: attempts }, (_, i) => firstBuyer + i),
  );
  return runLoad("raw EVALSHA, same Lua, one connection", attempts, concurrency, async (i) => {
    const outcome = await script.run({
      couponId,
      userId: String(firstBuyer + i),
      orderId: newOrderId(couponId),
      gatewayId: "gw-bench",
      creditCooldownMs: 30_000,
    });
    return outcome.kind;
  });
}
