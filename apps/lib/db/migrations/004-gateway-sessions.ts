import type { Migration } from "../migration";

/**
 * Sessions of the gateway's accounts. `gateway_account_state` holds what revokes
 * them: a token version every access token carries (bumped, every token issued
 * before is refused) and when an operator disabled the account; no row means
 * version 0 and enabled. A table of its own keeps the migration re-runnable and
 * the gateway's grant narrow (it may bump the version, never disable or enable).
 * `gateway_refresh_tokens` holds refresh tokens by their hash, in families: one
 * per login, each used once; a second use of one revokes its family.
 */
export const gatewaySessions: Migration = {
  version: 4,
  name: "gateway sessions",
  statements: [
    `CREATE TABLE IF NOT EXISTS gateway_account_state (
       account_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
       token_version INT UNSIGNED NOT NULL DEFAULT 0,
       disabled_at DATETIME(3) NULL
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    `CREATE TABLE IF NOT EXISTS gateway_refresh_tokens (
       token_hash CHAR(64) NOT NULL PRIMARY KEY,
       account_id BIGINT UNSIGNED NOT NULL,
       family_id CHAR(32) NOT NULL,
       expires_at DATETIME(3) NOT NULL,
       used_at DATETIME(3) NULL,
       created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
       KEY gateway_refresh_tokens_family (family_id),
       KEY gateway_refresh_tokens_account (account_id)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
