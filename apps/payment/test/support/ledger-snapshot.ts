import type { Redis } from "ioredis";
import type { Pool, RowDataPacket } from "mysql2/promise";
import { couponKeys } from "../../../lib/flash-sale/keys";

/** Everything settlement may change, in MySQL and in the coupon's Redis sale state. */
export interface LedgerSnapshot {
  credits: Record<string, string>;
  purchases: RowDataPacket[];
  settlements: RowDataPacket[];
  couponStock: string | undefined;
  redisStock: string | null;
  buyers: Record<string, string>;
  statuses: Record<string, string>;
}

export async function takeSnapshot(pool: Pool, redis: Redis, couponId: string): Promise<LedgerSnapshot> {
  const [users] = await pool.query<RowDataPacket[]>("SELECT id, credit_cents FROM users ORDER BY id");
  const [purchases] = await pool.query<RowDataPacket[]>("SELECT id, order_id, user_id, coupon_id, price_cents FROM purchases ORDER BY id");
  const [settlements] = await pool.query<RowDataPacket[]>(
    "SELECT order_id, outcome, reason, settled_at FROM payment_settlements ORDER BY order_id",
  );
  const [coupons] = await pool.query<RowDataPacket[]>("SELECT stock FROM coupons WHERE id = ?", [couponId]);
  const keys = couponKeys(couponId);
  return {
    credits: Object.fromEntries(users.map((row) => [String(row.id), String(row.credit_cents)])),
    purchases,
    settlements,
    couponStock: coupons[0] ? String(coupons[0].stock) : undefined,
    redisStock: await redis.get(keys.stock),
    buyers: await redis.hgetall(keys.buyers),
    statuses: await redis.hgetall(keys.orderStatus),
  };
}

/** Seeds buyer rows with their credit, as the gateway's registration plus a top-up would. */
export async function seedUsers(pool: Pool, credits: ReadonlyMap<number, number>): Promise<void> {
  const rows = [...credits].map(([id, credit]) => [id, credit]);
  if (rows.length > 0) await pool.query("INSERT INTO users (id, credit_cents) VALUES ?", [rows]);
}

export async function settlementCount(pool: Pool): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM payment_settlements");
  return Number(rows[0]?.n ?? 0);
}
