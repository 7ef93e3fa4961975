import type { Redis } from "ioredis";
import type { AccountStates } from "./account-state";

const versionKey = (accountId: string) => `token-version:${accountId}`;

/**
 * The token version each access token must carry, read on every request: from
 * Redis, shared by every replica, filled from MySQL for `cacheSeconds`. A revocation
 * through the gateway writes the new version at once; an operator's change in
 * MySQL is seen within `cacheSeconds`. A reader only fills a missing entry (SET NX),
 * so it never puts back an older version a revocation has just replaced.
 */
export class TokenVersions {
  constructor(
    private readonly redis: Redis,
    private readonly states: AccountStates,
    private readonly cacheSeconds: number,
  ) {}

  async current(accountId: string): Promise<number> {
    const cached = await this.redis.get(versionKey(accountId));
    if (cached !== null) return Number(cached);
    const { tokenVersion } = await this.states.of(accountId);
    await this.remember(accountId, tokenVersion);
    return tokenVersion;
  }

  /** Caches a version just read from MySQL (sign-in reads it anyway); never replaces a newer one a revocation wrote. */
  async remember(accountId: string, tokenVersion: number): Promise<void> {
    await this.redis.set(versionKey(accountId), String(tokenVersion), "EX", this.cacheSeconds, "NX");
  }

  /** Every access token of the account issued so far stops working on every replica now. */
  async revokeAll(accountId: string): Promise<void> {
    const version = await this.states.bumpTokenVersion(accountId);
    await this.redis.set(versionKey(accountId), String(version), "EX", this.cacheSeconds);
  }
}
