import type { Pool, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { runLoad, type LoadResult } from "./load-runner";

/**
 * The reference a Redis-first design is measured against: the purchase done in
 * MySQL alone — a conditional UPDATE on the hot coupon row (stock > 0, so no
 * oversell) and the purchase INSERT in one transaction. The hot row lock
 * serialises every buyer.
 */
export async function mysqlPurchaseBaseline(pool: Pool, total: number, concurrency: number): Promise<LoadResult> {
  await pool.query(
    "INSERT INTO coupons (name, price_cents, initial_stock, stock, sale_starts_at, sale_ends_at) VALUES ('bench baseline', 100, ?, ?, NOW(), NOW() + INTERVAL 1 DAY)",
    [total, total],
  );
  const [[row]] = await pool.query<RowDataPacket[]>("SELECT MAX(id) AS id FROM coupons");
  const couponId = String(row?.id);
  const userBase = 10_000_000;
  for (let start = 0; start < total; start += 1_000) {
    const ids = Array.from({ length: Math.min(1_000, total - start) }, (_, i) => [userBase + start + i, 1_000_000]);
    await pool.query("INSERT IGNORE INTO users (id, credit_cents) VALUES ?", [ids]);
  }
  return runLoad("MySQL: UPDATE stock>0 + INSERT, one tx", total, concurrency, async (i) => {
    const connection = await pool.getConnection();
    try {
      await connection.beginTransaction();
      const [update] = await connection.execute<ResultSetHeader>("UPDATE coupons SET stock = stock - 1 WHERE id = ? AND stock > 0", [
        couponId,
      ]);
      if (update.affectedRows !== 1) {
        await connection.rollback();
        return "sold_out";
      }
      await connection.execute("INSERT INTO purchases (order_id, user_id, coupon_id, price_cents) VALUES (?, ?, ?, 100)", [
        `bench-${couponId}-${i}`,
        userBase + i,
        couponId,
      ]);
      await connection.commit();
      return "accepted";
    } catch (err) {
      await connection.rollback();
      throw err;
    } finally {
      connection.release();
    }
  });
}
