import { generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import type { Accounts } from "../src/auth/accounts";
import { loadSigningKeys } from "../src/auth/signing-keys";
import { TokenIssuer } from "../src/auth/token-issuer";
import { TokenVerifier } from "../src/auth/token-verifier";
import type { TokenVersions } from "../src/auth/token-versions";

const settings = { issuer: "gw-test", audience: "api-test", clockToleranceSeconds: 5 };
// Signature checks only: every account is at token version 0, no database involved.
const versions = { current: () => Promise.resolve(0) } as unknown as TokenVersions;
const accounts = {} as Accounts;
const account = { userId: "42", role: "user" as const, email: null, passwordHash: null };

const privateKeyOf = {
  RS256: () => generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey,
  ES256: () => generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey,
  EdDSA: () => generateKeyPairSync("ed25519").privateKey,
};

describe("the gateway's own tokens under each asymmetric algorithm", () => {
  it.each(Object.keys(privateKeyOf) as (keyof typeof privateKeyOf)[])(
    "%s: a token it issued passes; one signed by another key, or as HS256 with the public key, is refused",
    async (algorithm) => {
      const pem = privateKeyOf[algorithm]().export({ type: "pkcs8", format: "pem" }).toString();
      const keys = await loadSigningKeys({ JWT_ALGORITHM: algorithm, JWT_SECRET: undefined, JWT_PRIVATE_KEY: pem });
      const verifier = new TokenVerifier(keys, settings, accounts, versions);
      const { accessToken } = await new TokenIssuer(keys, { ...settings, ttlSeconds: 60 }).issue(account, 0);
      await expect(verifier.verify(accessToken)).resolves.toMatchObject({ userId: "42", role: "user" });

      const otherPem = privateKeyOf[algorithm]().export({ type: "pkcs8", format: "pem" }).toString();
      const otherKeys = await loadSigningKeys({ JWT_ALGORITHM: algorithm, JWT_SECRET: undefined, JWT_PRIVATE_KEY: otherPem });
      const forged = (await new TokenIssuer(otherKeys, { ...settings, ttlSeconds: 60 }).issue(account, 0)).accessToken;
      await expect(verifier.verify(forged)).rejects.toMatchObject({ status: 401 });

      // The classic confusion: HMAC keyed with the public key the verifier holds.
      const confused = await new SignJWT({ role: "admin", ver: 0 })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("42")
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setIssuedAt()
        .setExpirationTime("60s")
        .sign(new TextEncoder().encode(String(keys.verifying)));
      await expect(verifier.verify(confused)).rejects.toMatchObject({ status: 401 });
    },
  );
});
