import type { Pool, RowDataPacket } from "mysql2/promise";

export interface AccountState {
  tokenVersion: number;
  disabled: boolean;
}

/**
 * What revokes an account's sessions (gateway_account_state): its token version
 * and whether an operator disabled it. No row means version 0, enabled.
 */
export class AccountStates {
  constructor(private readonly pool: Pool) {}

  async of(accountId: string): Promise<AccountState> {
    const [rows] = await this.pool.execute<RowDataPacket[]>(
      "SELECT token_version, disabled_at FROM gateway_account_state WHERE account_id = ?",
      [accountId],
    );
    const row = rows[0];
    return { tokenVersion: row ? Number(row.token_version) : 0, disabled: row?.disabled_at != null };
  }

  /** Bumps the token version, so every access token issued before is refused; returns the new version. */
  async bumpTokenVersion(accountId: string): Promise<number> {
    // Two statements rather than an upsert, which would need UPDATE on every column it inserts.
    await this.pool.execute("INSERT IGNORE INTO gateway_account_state (account_id, token_version) VALUES (?, 0)", [accountId]);
    await this.pool.execute("UPDATE gateway_account_state SET token_version = token_version + 1 WHERE account_id = ?", [accountId]);
    return (await this.of(accountId)).tokenVersion;
  }
}
