import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { inTransaction } from "../../../lib/db/transaction";
import type { OrderEvent } from "../../../lib/flash-sale/order-event";
import { isDuplicateKey, isLockConflict } from "./mysql-errors";
import type { RecordMismatch, RefusalReason, Settlement, SettlementOutcome, Unmatched } from "./settlement-outcome";

const LOCK_CONFLICT_RETRIES = 5;

/**
 * Settles orders in MySQL, one transaction per order:
 *
 *   0. check the event against the coupon of record: it must exist and cost what
 *      the event says (prices never change once a coupon is created), else nothing
 *      is written and the event is reported unmatched;
 *   1. claim the order in payment_settlements (primary key = order id). A second
 *      delivery of the same order stops here — it waits on the row lock until the
 *      first commits, then sees the duplicate key — so nothing is ever applied twice;
 *   2. debit the buyer, guarded by credit_cents >= price;
 *   3. decrement the coupon's stock of record, guarded by stock > 0;
 *   4. record the purchase (unique order id, unique (user, coupon)).
 *
 * A refusal at 2–4 rolls back to the savepoint taken after 1, keeps the claim with
 * outcome "refused" and its reason, and commits: the decision is durable before
 * the unit goes back to Redis, so a replay cannot later sell what was returned.
 * Lock order is always settlement, user, coupon, purchase, so transactions settling
 * different orders cannot deadlock on one another.
 */
export class SettlementLedger {
  constructor(private readonly pool: Pool) {}

  async settle(order: OrderEvent): Promise<Settlement | Unmatched> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.pool, (connection) => this.settleIn(connection, order));
      } catch (err) {
        if (!isLockConflict(err) || attempt >= LOCK_CONFLICT_RETRIES) throw err;
      }
    }
  }

  /**
   * Marks an order that could not be settled as rolled back, so a later delivery
   * or replay never settles it after its unit went back on sale. Returns the
   * decision already recorded if there is one.
   */
  async markRolledBack(order: OrderEvent, reason: string): Promise<Settlement> {
    return inTransaction(this.pool, async (connection) => {
      const claimed = await this.claim(connection, order, "rolled_back", reason);
      if (!claimed) return (await this.existing(connection, order.orderId)).settlement;
      return { outcome: "rolled_back", reason, settledNow: true };
    });
  }

  private async settleIn(connection: PoolConnection, order: OrderEvent): Promise<Settlement | Unmatched> {
    const mismatch = await this.priceOfRecordMismatch(connection, order);
    if (mismatch) return { unmatched: mismatch };
    if (!(await this.claim(connection, order, "paid", null))) {
      const settled = await this.existing(connection, order.orderId);
      // A replay must be the order that was settled: the same buyer, coupon and price.
      return settled.buyerCouponPrice === buyerCouponPrice(order) ? settled.settlement : { unmatched: "does_not_match_settlement" };
    }
    await connection.query("SAVEPOINT before_money");
    const refusal = await this.moveMoney(connection, order);
    if (refusal === undefined) return { outcome: "paid", reason: null, settledNow: true };
    await connection.query("ROLLBACK TO SAVEPOINT before_money");
    await connection.execute("UPDATE payment_settlements SET outcome = 'refused', reason = ? WHERE order_id = ?", [refusal, order.orderId]);
    return { outcome: "refused", reason: refusal, settledNow: true };
  }

  private async priceOfRecordMismatch(connection: PoolConnection, order: OrderEvent): Promise<RecordMismatch | undefined> {
    const [rows] = await connection.execute<RowDataPacket[]>("SELECT price_cents FROM coupons WHERE id = ?", [order.couponId]);
    const coupon = rows[0];
    if (!coupon) return "unknown_coupon";
    return String(coupon.price_cents) === String(order.priceCents) ? undefined : "price_mismatch";
  }

  /** Returns why the order is refused, or undefined once debit, stock and purchase are all written. */
  private async moveMoney(connection: PoolConnection, order: OrderEvent): Promise<RefusalReason | undefined> {
    const [debit] = await connection.execute<ResultSetHeader>(
      "UPDATE users SET credit_cents = credit_cents - ? WHERE id = ? AND credit_cents >= ?",
      [order.priceCents, order.userId, order.priceCents],
    );
    if (debit.affectedRows !== 1) return (await this.userExists(connection, order.userId)) ? "insufficient_credit" : "unknown_user";
    const [stock] = await connection.execute<ResultSetHeader>("UPDATE coupons SET stock = stock - 1 WHERE id = ? AND stock > 0", [
      order.couponId,
    ]);
    if (stock.affectedRows !== 1) return "coupon_gone";
    try {
      await connection.execute("INSERT INTO purchases (order_id, user_id, coupon_id, price_cents) VALUES (?, ?, ?, ?)", [
        order.orderId,
        order.userId,
        order.couponId,
        order.priceCents,
      ]);
    } catch (err) {
      // The buyer already holds this coupon through another order: never charge twice.
      if (isDuplicateKey(err, "purchases_one_per_user_and_coupon")) return "already_purchased";
      throw err;
    }
    return undefined;
  }

  /** Inserts the order's settlement row; false if the order was settled before. */
  private async claim(connection: PoolConnection, order: OrderEvent, outcome: SettlementOutcome, reason: string | null): Promise<boolean> {
    try {
      await connection.execute(
        "INSERT INTO payment_settlements (order_id, user_id, coupon_id, price_cents, outcome, reason) VALUES (?, ?, ?, ?, ?, ?)",
        [order.orderId, order.userId, order.couponId, order.priceCents, outcome, reason],
      );
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  private async existing(connection: PoolConnection, orderId: string): Promise<{ settlement: Settlement; buyerCouponPrice: string }> {
    const [rows] = await connection.execute<RowDataPacket[]>(
      "SELECT outcome, reason, user_id, coupon_id, price_cents FROM payment_settlements WHERE order_id = ?",
      [orderId],
    );
    const row = rows[0];
    if (!row) throw new Error(`settlement of ${orderId} vanished after a duplicate-key error`);
    return {
      settlement: { outcome: row.outcome as SettlementOutcome, reason: (row.reason as string | null) ?? null, settledNow: false },
      buyerCouponPrice: [row.user_id, row.coupon_id, row.price_cents].map(String).join("/"),
    };
  }

  private async userExists(connection: PoolConnection, userId: string): Promise<boolean> {
    const [rows] = await connection.execute<RowDataPacket[]>("SELECT 1 FROM users WHERE id = ?", [userId]);
    return rows.length > 0;
  }
}

/** The fields a settlement records of its order, in one comparable string. */
const buyerCouponPrice = (order: OrderEvent) => [order.userId, order.couponId, order.priceCents].map(String).join("/");
