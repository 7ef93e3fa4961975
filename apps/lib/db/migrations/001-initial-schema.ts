import type { Migration } from "../migration";

// Money is kept in integer cents (BIGINT) so no rounding ever happens in SQL or JS.
export const initialSchema: Migration = {
  version: 1,
  name: "users, coupons, purchases",
  statements: [
    `CREATE TABLE IF NOT EXISTS users (
       id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
       credit_cents BIGINT NOT NULL DEFAULT 0,
       created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
       updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
       CONSTRAINT users_credit_not_negative CHECK (credit_cents >= 0)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    `CREATE TABLE IF NOT EXISTS coupons (
       id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
       name VARCHAR(120) NOT NULL,
       description VARCHAR(2000) NOT NULL DEFAULT '',
       price_cents BIGINT NOT NULL,
       initial_stock INT UNSIGNED NOT NULL,
       stock INT UNSIGNED NOT NULL COMMENT 'stock of record, decremented by settlement',
       sale_starts_at DATETIME(3) NOT NULL,
       sale_ends_at DATETIME(3) NOT NULL,
       created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
       CONSTRAINT coupons_price_not_negative CHECK (price_cents >= 0),
       CONSTRAINT coupons_stock_within_initial CHECK (stock <= initial_stock),
       CONSTRAINT coupons_window_ordered CHECK (sale_ends_at > sale_starts_at),
       KEY coupons_by_sale_start (sale_starts_at, id)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    `CREATE TABLE IF NOT EXISTS purchases (
       id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
       order_id VARCHAR(64) NOT NULL,
       user_id BIGINT UNSIGNED NOT NULL,
       coupon_id BIGINT UNSIGNED NOT NULL,
       price_cents BIGINT NOT NULL,
       created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
       UNIQUE KEY purchases_order_once (order_id),
       UNIQUE KEY purchases_one_per_user_and_coupon (user_id, coupon_id),
       KEY purchases_by_coupon (coupon_id),
       CONSTRAINT purchases_user FOREIGN KEY (user_id) REFERENCES users (id),
       CONSTRAINT purchases_coupon FOREIGN KEY (coupon_id) REFERENCES coupons (id)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
