import { type KeyObject, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { INTERNAL_AUDIENCES, INTERNAL_TOKEN_ISSUER } from "../lib/internal-identity/claims";
import { generateInternalIdentityKeys } from "../lib/internal-identity/local-keys";

/**
 * The gateway's internal signing key for this test run: generated here, never
 * stored. The test gateway signs with it and the test coupon trusts its public half,
 * so tests run the same verification path as production.
 */
export const TEST_INTERNAL_KEY_ID = `test-${randomUUID().slice(0, 8)}`;
const keys = generateInternalIdentityKeys(TEST_INTERNAL_KEY_ID);
/** The test key's public half, to build key sets that also hold a rotation's next key. */
export const TEST_INTERNAL_PUBLIC_KEY = keys.publicKey;

/** What the test gateway and coupon are started with. */
export const TEST_INTERNAL_IDENTITY = { gateway: keys.gatewayEnv, service: keys.serviceEnv };

export interface InternalTokenFields {
  sub?: string;
  role?: string;
  gid?: string;
  aud?: string;
  iss?: string;
  /** Seconds relative to now. */
  issuedAgo?: number;
  expiresIn?: number;
  kid?: string;
  alg?: string;
  /** Sign with another key (a forger's); the test key by default. */
  key?: KeyObject;
  /** Registered claims left out of the payload. */
  omit?: readonly ("iss" | "aud")[];
}

const base64url = (value: object | Buffer) => (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString("base64url");

/**
 * An ES256 internal identity token, signed synchronously with node:crypto — by
 * default exactly what the gateway would send; every field can be bent for attacks.
 */
export function internalToken(fields: InternalTokenFields = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: fields.alg ?? "ES256", kid: fields.kid ?? TEST_INTERNAL_KEY_ID, typ: "JWT" };
  const payload = {
    iss: fields.iss ?? INTERNAL_TOKEN_ISSUER,
    aud: fields.aud ?? INTERNAL_AUDIENCES.coupon,
    sub: fields.sub ?? "1",
    role: fields.role ?? "user",
    gid: fields.gid ?? "gw-test-1",
    iat: now - (fields.issuedAgo ?? 0),
    exp: now + (fields.expiresIn ?? 60),
    jti: randomUUID(),
  };
  for (const claim of fields.omit ?? []) delete (payload as Partial<typeof payload>)[claim];
  const signingInput = `${base64url(header)}.${base64url(payload)}`;
  if (header.alg === "none") return `${signingInput}.`;
  const signature = sign("sha256", Buffer.from(signingInput), { key: fields.key ?? keys.privateKey, dsaEncoding: "ieee-p1363" });
  return `${signingInput}.${base64url(signature)}`;
}

/** A key pair no gateway of this run holds. */
export function forgersKey(): KeyObject {
  return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
