import type { Redis } from "ioredis";
import { spendableCreditKey } from "../lib/flash-sale/keys";

/**
 * Gives buyers spendable credit in Redis directly, for tests that buy through coupon
 * alone with user ids that have no MySQL row (the purchase would otherwise fill a
 * credit of 0 and answer 402).
 */
export async function fundBuyers(redis: Redis, userIds: Iterable<number | string>, cents = 1_000_000_000): Promise<void> {
  const pipeline = redis.pipeline();
  for (const userId of userIds) pipeline.set(spendableCreditKey(String(userId)), String(cents));
  await pipeline.exec();
}
