import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type { KeyObject } from "node:crypto";
import type { Pool } from "mysql2/promise";
import { TokenIssuer } from "../../apps/gateway/src/auth/token-issuer";
import { loadSigningKeys } from "../../apps/gateway/src/auth/signing-keys";
import { internalToken } from "../../apps/test-support/internal-identity";

/** Credit every benchmark buyer holds: far more than they can spend in a run. */
const BUYER_CREDIT_CENTS = 1_000_000_000;

/** Inserts `count` users from `firstId` with credit, as sign-up and a top-up would have left them. */
export async function insertBuyers(pool: Pool, firstId: number, count: number): Promise<void> {
  for (let start = 0; start < count; start += 5_000) {
    const rows = Array.from({ length: Math.min(5_000, count - start) }, (_, i) => [firstId + start + i, BUYER_CREDIT_CENTS]);
    await pool.query("INSERT INTO users (id, credit_cents) VALUES ?", [rows]);
  }
}

/** Writes one token per line, as load.lua reads them. */
async function writeLines(file: string, count: number, lineAt: (i: number) => Promise<string> | string): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < count; i++) if (!out.write(`${await lineAt(i)}\n`)) await once(out, "drain");
  out.end();
  await once(out, "finish");
}

/**
 * Access tokens as the gateway's login issues them (its own TokenIssuer and key,
 * token version 0): minted before the timed runs, so the load generator only replays them.
 */
export async function accessTokenMinter(gateway: { jwtSecret: string; issuer: string; audience: string }) {
  const keys = await loadSigningKeys({ JWT_ALGORITHM: "HS256", JWT_SECRET: gateway.jwtSecret, JWT_PRIVATE_KEY: undefined });
  const issuer = new TokenIssuer(keys, { issuer: gateway.issuer, audience: gateway.audience, ttlSeconds: 3_600 });
  return async (userId: number) =>
    (await issuer.issue({ userId: String(userId), role: "user", email: null, passwordHash: null }, 0)).accessToken;
}

export type AccessTokenMinter = Awaited<ReturnType<typeof accessTokenMinter>>;

export function writeAccessTokens(file: string, firstId: number, count: number, mint: AccessTokenMinter): Promise<void> {
  return writeLines(file, count, (i) => mint(firstId + i));
}

/** Internal identity tokens for calling coupon directly, as the gateway would attach them (ES256, the run's key). */
export async function writeInternalTokens(
  file: string,
  firstId: number,
  count: number,
  signer: { key: KeyObject; kid: string; gatewayId: string; lifetimeSeconds: number },
): Promise<void> {
  await writeLines(file, count, (i) =>
    internalToken({ sub: String(firstId + i), gid: signer.gatewayId, key: signer.key, kid: signer.kid, expiresIn: signer.lifetimeSeconds }),
  );
}
