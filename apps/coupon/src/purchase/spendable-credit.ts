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

  async fill(userId: string): Promise<void> {
    const [rows] = await this.pool.execute<RowDataPacket[]>("SELECT credit_cents FROM users WHERE id = ?", [userId]);
    await this.redis.set(spendableCreditKey(userId), String(rows[0]?.credit_cents ?? "0"), "NX");
  }
}
