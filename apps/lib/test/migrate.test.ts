import { createConnection, type RowDataPacket } from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { mysqlEnv } from "../config/common-env";
import { migrate } from "../db/migrate";
import { createLogger } from "../logger";

const env = mysqlEnv.parse({ MYSQL_DATABASE: "coupon_migrate_test" });
const logger = createLogger("migrate-test", "silent");

describe("schema migrations", () => {
  it("create the database and schema once; running again changes nothing", async () => {
    const admin = await createConnection({
      host: env.MYSQL_HOST,
      port: env.MYSQL_PORT,
      user: env.MYSQL_USER,
      password: env.MYSQL_PASSWORD,
    });
    try {
      await admin.query("DROP DATABASE IF EXISTS coupon_migrate_test");
      // Two starts racing, like two pods: the named lock lets exactly one apply.
      const [a, b] = await Promise.all([migrate(env, logger), migrate(env, logger)]);
      expect([...a.applied, ...b.applied]).toEqual([1, 2, 3, 4]);
      expect(await migrate(env, logger)).toEqual({ applied: [], alreadyApplied: [1, 2, 3, 4] });

      const [tables] = await admin.query<RowDataPacket[]>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'coupon_migrate_test' ORDER BY table_name",
      );
      expect(tables.map((t) => String(t.name)).sort()).toEqual([
        "coupons",
        "gateway_account_state",
        "gateway_accounts",
        "gateway_refresh_tokens",
        "payment_settlements",
        "purchases",
        "schema_migrations",
        "users",
      ]);
    } finally {
      await admin.query("DROP DATABASE IF EXISTS coupon_migrate_test");
      await admin.end();
    }
  });

  it("enforce one purchase per order and per user and coupon, and no negative credit", async () => {
    const db = await createConnection({ host: env.MYSQL_HOST, port: env.MYSQL_PORT, user: env.MYSQL_USER, password: env.MYSQL_PASSWORD });
    try {
      await db.query("DROP DATABASE IF EXISTS coupon_migrate_test");
      await migrate(env, logger);
      await db.changeUser({ database: "coupon_migrate_test" });
      await db.query("INSERT INTO users (id, credit_cents) VALUES (1, 1000)");
      await db.query(
        "INSERT INTO coupons (id, name, price_cents, initial_stock, stock, sale_starts_at, sale_ends_at) VALUES (1, 'c', 100, 5, 5, NOW(), NOW() + INTERVAL 1 DAY)",
      );
      await db.query("INSERT INTO purchases (order_id, user_id, coupon_id, price_cents) VALUES ('1-a', 1, 1, 100)");
      await expect(db.query("INSERT INTO purchases (order_id, user_id, coupon_id, price_cents) VALUES ('1-a', 1, 1, 100)")).rejects.toThrow(
        /Duplicate/,
      );
      await expect(db.query("INSERT INTO purchases (order_id, user_id, coupon_id, price_cents) VALUES ('1-b', 1, 1, 100)")).rejects.toThrow(
        /Duplicate/,
      );
      await expect(db.query("UPDATE users SET credit_cents = credit_cents - 5000 WHERE id = 1")).rejects.toThrow(/CONSTRAINT/i);
    } finally {
      await db.query("DROP DATABASE IF EXISTS coupon_migrate_test");
      await db.end();
    }
  });
});
