import { type Connection, createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbService, dbUserName } from "../db/service-users";
import { TEST_DB_PASSWORDS, migrateAsMigrationJob } from "../../test-support/test-database";

/**
 * The services' MySQL users (made by the migration step from apps/lib/db/service-users.ts)
 * attacked on the real server: what a compromised service would try is refused by
 * MySQL itself, and what the service does still works. The services' integration
 * tests all run as these users, which shows the grants are enough.
 */
const DATABASE = "coupon_grants_test";

type Attempt = { name: string; sql: string; allowed: boolean };
const refused = (name: string, sql: string): Attempt => ({ name, sql, allowed: false });
const allowed = (name: string, sql: string): Attempt => ({ name, sql, allowed: true });

const ddl = [
  refused("drop a table", "DROP TABLE purchases"),
  refused("create a table", "CREATE TABLE extra (id INT)"),
  refused("alter a table", "ALTER TABLE coupons ADD COLUMN x INT"),
  refused("create a user", "CREATE USER 'intruder'@'%' IDENTIFIED BY 'x'"),
  refused("grant itself more", "GRANT ALL ON coupon_grants_test.* TO CURRENT_USER()"),
];

const attempts: Record<DbService, Attempt[]> = {
  gateway: [
    refused("change a balance", "UPDATE users SET credit_cents = 1000000 WHERE id = 1"),
    refused("create a user row with credit", "INSERT INTO users (id, credit_cents) VALUES (900, 1000000)"),
    refused("read the ledger", "SELECT * FROM payment_settlements"),
    refused("rewrite a price", "UPDATE coupons SET price_cents = 0 WHERE id = 1"),
    refused("record a purchase", "INSERT INTO purchases (order_id, user_id, coupon_id, price_cents) VALUES ('x', 1, 1, 0)"),
    ...ddl,
    allowed("create an account's user row", "INSERT INTO users (id) VALUES (901)"),
    allowed("read accounts", "SELECT id FROM gateway_accounts"),
    allowed("replace a password hash", "UPDATE gateway_accounts SET password_hash = 'scrypt$x' WHERE id = 0"),
    refused("promote an account to admin", "UPDATE gateway_accounts SET role = 'admin' WHERE id = 0"),
    allowed("revoke an account's access tokens", "UPDATE gateway_account_state SET token_version = token_version + 1 WHERE account_id = 0"),
    refused("re-enable a disabled account", "UPDATE gateway_account_state SET disabled_at = NULL WHERE account_id = 0"),
    refused("create an account disabled or not", "INSERT INTO gateway_account_state (account_id, disabled_at) VALUES (0, NULL)"),
  ],
  coupon: [
    refused(
      "write the ledger",
      "INSERT INTO payment_settlements (order_id, user_id, coupon_id, price_cents, outcome) VALUES ('x', 1, 1, 0, 'paid')",
    ),
    refused("change a balance", "UPDATE users SET credit_cents = 1000000 WHERE id = 1"),
    refused("record a purchase", "INSERT INTO purchases (order_id, user_id, coupon_id, price_cents) VALUES ('x', 1, 1, 0)"),
    refused("rewrite a sold coupon's price", "UPDATE coupons SET price_cents = 0 WHERE id = 1"),
    refused("read password hashes", "SELECT password_hash FROM gateway_accounts"),
    ...ddl,
    allowed("read the catalog", "SELECT id, price_cents FROM coupons"),
  ],
  payment: [
    refused("rewrite a price", "UPDATE coupons SET price_cents = 0 WHERE id = 1"),
    refused("read password hashes", "SELECT password_hash FROM gateway_accounts"),
    refused("make an admin account", "INSERT INTO gateway_accounts (email, role) VALUES ('x@y.z', 'admin')"),
    refused("erase the ledger", "DELETE FROM payment_settlements"),
    ...ddl,
    allowed("debit a balance", "UPDATE users SET credit_cents = credit_cents - 100 WHERE id = 1 AND credit_cents >= 100"),
    allowed("count the stock of record down", "UPDATE coupons SET stock = stock - 1 WHERE id = 1 AND stock > 0"),
    allowed("read a settlement", "SELECT outcome FROM payment_settlements WHERE order_id = 'x'"),
  ],
};

describe("each service's MySQL user, on the real server", () => {
  const connections: Partial<Record<DbService, Connection>> = {};
  let root: Connection;

  beforeAll(async () => {
    root = await createConnection({ host: "127.0.0.1", port: 3306, user: "root", password: "" });
    await root.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await migrateAsMigrationJob(DATABASE);
    await root.query(`INSERT INTO ${DATABASE}.users (id, credit_cents) VALUES (1, 5000)`);
    await root.query(
      `INSERT INTO ${DATABASE}.coupons (id, name, price_cents, initial_stock, stock, sale_starts_at, sale_ends_at) VALUES (1, 'c', 1999, 5, 5, NOW(), NOW() + INTERVAL 1 DAY)`,
    );
    for (const service of Object.keys(attempts) as DbService[]) {
      connections[service] = await createConnection({
        host: "127.0.0.1",
        port: 3306,
        user: dbUserName(service),
        password: TEST_DB_PASSWORDS[service],
        database: DATABASE,
      });
    }
  });

  afterAll(async () => {
    for (const connection of Object.values(connections)) await connection.end();
    await root?.end();
  });

  for (const [service, list] of Object.entries(attempts) as [DbService, Attempt[]][]) {
    it.each(list)(`${service}: $name → allowed: $allowed`, async ({ sql, allowed: isAllowed }) => {
      const run = connections[service]!.query(sql);
      if (isAllowed) await expect(run).resolves.toBeDefined();
      else await expect(run).rejects.toMatchObject({ code: expect.stringMatching(/DENIED|ER_SPECIFIC_ACCESS|ER_PASSWORD_NO_MATCH/) });
    });
  }

  it("leaves the balance, the price and the ledger as the refused statements found them", async () => {
    const [[user]] = (await root.query(`SELECT credit_cents FROM ${DATABASE}.users WHERE id = 1`)) as unknown as [
      [{ credit_cents: number }],
    ];
    const [[coupon]] = (await root.query(`SELECT price_cents FROM ${DATABASE}.coupons WHERE id = 1`)) as unknown as [
      [{ price_cents: number }],
    ];
    expect(Number(user.credit_cents)).toBe(4900); // only payment's allowed debit
    expect(Number(coupon.price_cents)).toBe(1999);
  });

  it("refuses a service's user with another service's password", async () => {
    await expect(
      createConnection({
        host: "127.0.0.1",
        port: 3306,
        user: dbUserName("gateway"),
        password: TEST_DB_PASSWORDS.payment,
        database: DATABASE,
      }),
    ).rejects.toMatchObject({ code: "ER_ACCESS_DENIED_ERROR" });
  });
});
