import { createHash, randomBytes } from "node:crypto";
import type { Pool, RowDataPacket } from "mysql2/promise";
import { inTransaction } from "../../../lib/db/transaction";

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export type Rotation =
  | { kind: "rotated"; accountId: string; refreshToken: string }
  /** A token used before came back: a copy is in someone else's hands. Its family is gone. */
  | { kind: "reused"; accountId: string }
  | { kind: "invalid" };

/**
 * Refresh tokens (gateway_refresh_tokens): opaque, stored by their hash, in one
 * family per login. Each is spent by its first use, which hands out the next one
 * of the family; a second use of a spent one means it leaked, and revokes the
 * family. Rotation is one transaction with the row locked, so two racing uses of
 * one token cannot both succeed.
 */
export class RefreshTokens {
  constructor(
    private readonly pool: Pool,
    private readonly ttlSeconds: number,
  ) {}

  /** A new family's first token, at login. */
  async start(accountId: string): Promise<string> {
    return this.insert(this.pool, accountId, randomBytes(16).toString("hex"));
  }

  async rotate(token: string): Promise<Rotation> {
    if (!REFRESH_TOKEN.test(token)) return { kind: "invalid" };
    return inTransaction(this.pool, async (connection): Promise<Rotation> => {
      const [rows] = await connection.execute<RowDataPacket[]>(
        "SELECT account_id, family_id, used_at, expires_at > NOW(3) AS live FROM gateway_refresh_tokens WHERE token_hash = ? FOR UPDATE",
        [hashOf(token)],
      );
      const row = rows[0];
      if (row && row.used_at !== null) {
        await connection.execute("DELETE FROM gateway_refresh_tokens WHERE family_id = ?", [row.family_id]);
        return { kind: "reused", accountId: String(row.account_id) };
      }
      if (!row || Number(row.live) !== 1) return { kind: "invalid" };
      await connection.execute("UPDATE gateway_refresh_tokens SET used_at = NOW(3) WHERE token_hash = ?", [hashOf(token)]);
      const next = await this.insert(connection, String(row.account_id), String(row.family_id));
      return { kind: "rotated", accountId: String(row.account_id), refreshToken: next };
    });
  }

  /** Logout: the token's family ends. Unknown tokens end nothing, and say so to no one. */
  async revokeFamilyOf(token: string): Promise<string | undefined> {
    if (!REFRESH_TOKEN.test(token)) return undefined;
    const [rows] = await this.pool.execute<RowDataPacket[]>(
      "SELECT account_id, family_id FROM gateway_refresh_tokens WHERE token_hash = ?",
      [hashOf(token)],
    );
    const row = rows[0];
    if (!row) return undefined;
    await this.pool.execute("DELETE FROM gateway_refresh_tokens WHERE family_id = ?", [row.family_id]);
    return String(row.account_id);
  }

  /** Every session of the account ends. */
  async revokeAccount(accountId: string): Promise<void> {
    await this.pool.execute("DELETE FROM gateway_refresh_tokens WHERE account_id = ?", [accountId]);
  }

  private async insert(db: Pick<Pool, "execute">, accountId: string, familyId: string): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    await db.execute(
      "INSERT INTO gateway_refresh_tokens (token_hash, account_id, family_id, expires_at) VALUES (?, ?, ?, NOW(3) + INTERVAL ? SECOND)",
      [hashOf(token), accountId, familyId, this.ttlSeconds],
    );
    return token;
  }
}
