import type { Migration } from "../migration";

/**
 * Payment's record of every order it decided, written in the same transaction as
 * the money movement. The primary key on order_id is what makes settlement
 * idempotent: a redelivered or replayed order event finds its row and changes
 * nothing — including refused orders, which leave no purchase row behind.
 */
export const paymentSettlements: Migration = {
  version: 2,
  name: "payment settlements",
  statements: [
    `CREATE TABLE IF NOT EXISTS payment_settlements (
       order_id VARCHAR(64) NOT NULL PRIMARY KEY,
       user_id BIGINT UNSIGNED NOT NULL,
       coupon_id BIGINT UNSIGNED NOT NULL,
       price_cents BIGINT NOT NULL,
       outcome ENUM('paid', 'refused', 'rolled_back') NOT NULL,
       reason VARCHAR(64) NULL,
       settled_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
       KEY payment_settlements_by_coupon (coupon_id, outcome)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
