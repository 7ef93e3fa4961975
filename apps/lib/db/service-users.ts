import type { Connection } from "mysql2/promise";

/**
 * One MySQL user per service with only the grants its code needs (docs/SECURITY.md).
 * The migration step (the only holder of the master user) creates them and applies
 * the grants after the schema, so a release that needs a new grant brings it with
 * the migration that needs it. No service may run DDL or touch another's tables.
 */
export type DbService = "gateway" | "coupon" | "payment";

export const DB_SERVICES: readonly DbService[] = ["gateway", "coupon", "payment"];

/** The MySQL user of a service (the same locally and on RDS). */
export const dbUserName = (service: DbService) => `${service}_svc`;

/** Table → privileges (a column list in parentheses limits a privilege to those columns). */
export const DB_GRANTS: Readonly<Record<DbService, Readonly<Record<string, string>>>> = {
  // Its sign-in accounts (and their password hashes, raised to today's cost at login), the users row of each
  // account it creates, with no say over the credit or the role, and its sessions.
  gateway: {
    gateway_accounts: "SELECT, INSERT, UPDATE (password_hash)",
    users: "INSERT (id)",
    // Revoking sessions: bump an account's token version (never disable or enable it), and the refresh tokens.
    gateway_account_state: "SELECT, INSERT (account_id, token_version), UPDATE (token_version)",
    gateway_refresh_tokens: "SELECT, INSERT, UPDATE (used_at), DELETE",
  },
  // The catalog: read it, add coupons; read a buyer's credit of record to fill its spendable credit in Redis.
  // Orders live in Redis and reach payment through Kafka.
  coupon: { coupons: "SELECT, INSERT", users: "SELECT (id, credit_cents)" },
  // The ledger: decide each order once, move the money, and count the stock of record down.
  payment: {
    payment_settlements: "SELECT, INSERT, UPDATE",
    users: "SELECT, UPDATE (credit_cents)",
    coupons: "SELECT, UPDATE (stock)",
    purchases: "SELECT, INSERT",
  },
};

/** How a service proves who it is: its own password (local runs) or an RDS IAM auth token (AWS). */
export type ServiceUserAuth = { kind: "password"; passwords: Readonly<Record<DbService, string>> } | { kind: "rds-iam" };

const quoteIdentifier = (name: string) => `\`${name.replaceAll("`", "``")}\``;

/**
 * Creates the services' users if missing (setting a local password anew each run),
 * and grants each its privileges on `database`'s tables. Idempotent: GRANT adds
 * nothing that is there; a grant taken away in a later release needs its REVOKE.
 */
export async function ensureServiceUsers(connection: Connection, database: string, auth: ServiceUserAuth): Promise<void> {
  for (const service of DB_SERVICES) {
    const user = `'${dbUserName(service)}'@'%'`;
    if (auth.kind === "password") {
      await connection.query(`CREATE USER IF NOT EXISTS ${user} IDENTIFIED BY ?`, [auth.passwords[service]]);
      await connection.query(`ALTER USER ${user} IDENTIFIED BY ?`, [auth.passwords[service]]);
    } else {
      // RDS: no password at all; the service signs a 15-minute token with its IRSA role (rds-db:connect), over TLS only.
      await connection.query(`CREATE USER IF NOT EXISTS ${user} IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL`);
    }
    for (const [table, privileges] of Object.entries(DB_GRANTS[service])) {
      await connection.query(`GRANT ${privileges} ON ${quoteIdentifier(database)}.${quoteIdentifier(table)} TO ${user}`);
    }
  }
}
