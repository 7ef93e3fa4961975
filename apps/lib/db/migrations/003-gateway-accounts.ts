import type { Migration } from "../migration";

/**
 * Sign-in accounts of the gateway. An account's id is the user id everywhere
 * (users.id, the internal identity's sub, the JWT subject): the gateway creates the users row in
 * the same transaction. Accounts from an external OIDC issuer are keyed by
 * (issuer, subject) and carry no password.
 */
export const gatewayAccounts: Migration = {
  version: 3,
  name: "gateway accounts",
  statements: [
    `CREATE TABLE IF NOT EXISTS gateway_accounts (
       id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
       email VARCHAR(254) NULL,
       password_hash VARCHAR(255) NULL,
       external_issuer VARCHAR(255) NULL,
       external_subject VARCHAR(255) NULL,
       role ENUM('user', 'admin') NOT NULL DEFAULT 'user',
       created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
       UNIQUE KEY gateway_accounts_email (email),
       UNIQUE KEY gateway_accounts_external (external_issuer, external_subject)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
