import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

// scrypt (memory-hard, in Node itself, no native add-on to build or bundle) at one of
// OWASP's minimum configurations (Password Storage Cheat Sheet): N=2^15, r=8, p=3.
// It costs 32 MiB and about 0.2 s of one core per hash, on libuv's thread pool, never
// on the event loop; HashGate bounds how many run at once.
export const SCRYPT_COST = { N: 2 ** 15, r: 8, p: 3 } as const;
const MAX_MEMORY = 64 * 1024 * 1024;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

interface Cost {
  N: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, cost: Cost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, { ...cost, maxmem: MAX_MEMORY }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** The parameters a stored hash was made with, or undefined for something that is not one of ours. */
function parse(stored: string): { cost: Cost; salt: Buffer; hash: Buffer } | undefined {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return undefined;
  return { cost: { N: Number(n), r: Number(r), p: Number(p) }, salt: Buffer.from(salt, "base64url"), hash: Buffer.from(hash, "base64url") };
}

/** "scrypt$N$r$p$salt$hash" (base64url): the parameters travel with the hash, so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, SCRYPT_COST);
  return ["scrypt", SCRYPT_COST.N, SCRYPT_COST.r, SCRYPT_COST.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.cost);
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

/** Whether a hash was made with a lower cost than today's: it is replaced at the account's next login. */
export function needsRehash(stored: string): boolean {
  const cost = parse(stored)?.cost;
  return cost === undefined || cost.N * cost.r * cost.p < SCRYPT_COST.N * SCRYPT_COST.r * SCRYPT_COST.p;
}

/** A hash of nothing, verified when the account does not exist, so both answers take the same time. */
export const DECOY_HASH_PROMISE = hashPassword(randomBytes(16).toString("hex"));
