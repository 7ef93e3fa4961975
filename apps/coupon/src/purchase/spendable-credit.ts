import type { Redis } from "ioredis";
import type { Pool, RowDataPacket } from "mysql2/promise";
import { spendableCreditKey } from "../../../lib/flash-sale/keys";

/**
 * Fills a buyer's spendable credit in Redis from the credit of record, the first
 * time the purchase script asks for it. With no key there is no pending order
 * either (an accepted order needs the key), so the record is the spendable amount.
 * SET NX: whichever instance fills first wins, and a later fill changes nothing.
 */
export class SpendableCredit {
  constructor(
    private readonly redis: Redis,
    private readonly pool: Pool,
  ) {}

  /**
   * Fills the credit ahead of a likely purchase (the buyer is looking at a coupon
   * on sale), so the MySQL read happens before the sale's peak, not in it. One
   * EXISTS when the credit is already there.
   */
  async warm(userId: string): Promise<void> {
    if ((await this.redis.exists(spendableCreditKey(userId))) === 1) return;
    await this.fill(userId);
  }

  async fill(userId: string): Promise<void> {
    const [rows] = await this.pool.execute<RowDataPacket[]>("SELECT credit_cents FROM users WHERE id = ?", [userId]);
    await this.redis.set(spendableCreditKey(userId), String(rows[0]?.credit_cents ?? "0"), "NX");
  }
}
