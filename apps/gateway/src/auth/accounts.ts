import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { inTransaction } from "../../../lib/db/transaction";

export type Role = "user" | "admin";

export interface Account {
  userId: string;
  email: string | null;
  role: Role;
  passwordHash: string | null;
}

const isDuplicateKey = (err: unknown) => typeof err === "object" && err !== null && (err as { code?: unknown }).code === "ER_DUP_ENTRY";

const toAccount = (row: RowDataPacket): Account => ({
  userId: String(row.id),
  email: (row.email as string | null) ?? null,
  role: row.role === "admin" ? "admin" : "user",
  passwordHash: (row.password_hash as string | null) ?? null,
});

/**
 * Sign-in accounts (gateway_accounts). Creating one also creates the user row
 * that payment debits, with the same id, in one transaction; new users start
 * with no credit. Roles are granted by an operator (UPDATE … SET role='admin'),
 * never by a request.
 */
export class Accounts {
  constructor(private readonly pool: Pool) {}

  /** Returns undefined when the email is taken. */
  async register(email: string, passwordHash: string): Promise<Account | undefined> {
    return this.withUserRow(async (connection) => {
      try {
        const [result] = await connection.execute<ResultSetHeader>("INSERT INTO gateway_accounts (email, password_hash) VALUES (?, ?)", [
          email,
          passwordHash,
        ]);
        return { userId: String(result.insertId), email, role: "user" as const, passwordHash };
      } catch (err) {
        if (isDuplicateKey(err)) return undefined;
        throw err;
      }
    });
  }

  byEmail(email: string): Promise<Account | undefined> {
    return this.findWhere("email = ?", [email]);
  }

  byId(userId: string): Promise<Account | undefined> {
    return this.findWhere("id = ?", [userId]);
  }

  async replacePasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.pool.execute("UPDATE gateway_accounts SET password_hash = ? WHERE id = ?", [passwordHash, userId]);
  }

  /** The local account of an external (OIDC) identity, created on first sight. */
  async forExternalIdentity(issuer: string, subject: string): Promise<Account> {
    const find = () => this.findWhere("external_issuer = ? AND external_subject = ?", [issuer, subject]);
    const existing = await find();
    if (existing) return existing;
    const created = await this.withUserRow(async (connection) => {
      try {
        const [result] = await connection.execute<ResultSetHeader>(
          "INSERT INTO gateway_accounts (external_issuer, external_subject) VALUES (?, ?)",
          [issuer, subject],
        );
        return { userId: String(result.insertId), email: null, role: "user" as const, passwordHash: null };
      } catch (err) {
        if (isDuplicateKey(err)) return undefined; // created by a concurrent first request
        throw err;
      }
    });
    const account = created ?? (await find());
    if (!account) throw new Error(`external identity ${issuer} ${subject} vanished after a duplicate-key error`);
    return account;
  }

  /** The one account matching a fixed condition of this class (never a caller's text). */
  private async findWhere(condition: string, values: string[]): Promise<Account | undefined> {
    const [rows] = await this.pool.execute<RowDataPacket[]>(
      `SELECT id, email, role, password_hash FROM gateway_accounts WHERE ${condition}`,
      values,
    );
    return rows[0] ? toAccount(rows[0]) : undefined;
  }

  /**
   * Runs the account insert and adds the matching users row in the same transaction.
   * An insert that finds the account taken writes nothing and returns undefined.
   */
  private withUserRow(insert: (connection: PoolConnection) => Promise<Account | undefined>): Promise<Account | undefined> {
    return inTransaction(this.pool, async (connection) => {
      const account = await insert(connection);
      if (account !== undefined) await connection.execute("INSERT INTO users (id) VALUES (?)", [account.userId]);
      return account;
    });
  }
}
