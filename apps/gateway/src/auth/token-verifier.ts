import { TokenError, createVerifier } from "fast-jwt";
import { LRUCache } from "lru-cache";
import { type JWTPayload, createRemoteJWKSet, decodeJwt, errors, jwtVerify } from "jose";
import { HttpError } from "../../../lib/http/http-error";
import type { Accounts } from "./accounts";
import type { Principal } from "./principal";
import type { SigningKeys } from "./signing-keys";
import type { TokenVersions } from "./token-versions";

const USER_ID = /^[1-9][0-9]{0,18}$/;
// External issuers sign with asymmetric keys; a symmetric or "none" algorithm is never accepted from them.
const EXTERNAL_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"];

export interface LocalTokenSettings {
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  /**
   * Verified tokens remembered (by a hash of the token) until they expire: a buyer's repeated requests skip the
   * signature. Least recently used first out: the buyers retrying right now stay, memory stays bounded.
   */
  cacheSize?: number;
}

export interface ExternalIssuer {
  issuer: string;
  jwksUrl: string;
  audience: string;
  rolesClaim: string;
  /** The namespaced role that grants admin. */
  adminRole: string;
}

const invalidToken = (message: string) =>
  new HttpError(401, "unauthenticated", message, { "www-authenticate": 'Bearer error="invalid_token"' });

/**
 * Verifies access tokens: the gateway's own (its key, its issuer, exactly its
 * algorithm) and, when configured, an external OIDC issuer's (keys from its JWKS,
 * fetched and cached by jose). The unverified `iss` only picks which of the two
 * checks runs; each check then verifies issuer, audience, expiry and signature.
 */
export class TokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  private readonly externalAccounts = new LRUCache<string, { userId: string }>({ max: 100_000, ttl: 10 * 60_000 });
  private readonly verifyLocalSignature: (token: string) => JWTPayload;

  constructor(
    keys: SigningKeys,
    private readonly local: LocalTokenSettings,
    private readonly accounts: Accounts,
    private readonly versions: TokenVersions,
    private readonly external?: ExternalIssuer,
  ) {
    this.jwks = external ? createRemoteJWKSet(new URL(external.jwksUrl), { timeoutDuration: 3_000, cooldownDuration: 30_000 }) : undefined;
    // The gateway's own tokens are checked on every request: fast-jwt verifies them with node:crypto,
    // synchronously, and remembers valid ones until their exp. Revocation is checked after it, every time.
    this.verifyLocalSignature = createVerifier({
      key: keys.verifying,
      algorithms: [keys.algorithm],
      allowedIss: local.issuer,
      allowedAud: local.audience,
      clockTolerance: local.clockToleranceSeconds * 1000,
      // fast-jwt checks iss and aud only when present: requiring them makes a token without either fail.
      requiredClaims: ["iss", "aud", "sub", "exp", "iat"],
      cache: local.cacheSize ?? 20_000,
    });
  }

  async verify(token: string): Promise<Principal> {
    try {
      if (this.external && this.jwks && this.claimedIssuer(token) === this.external.issuer)
        return await this.verifyExternal(token, this.external, this.jwks);
      return await this.verifyLocal(token);
    } catch (err) {
      if (err instanceof HttpError) throw err;
      if (err instanceof TokenError && err.code === TokenError.codes.malformed) throw invalidToken("malformed token");
      if (err instanceof errors.JWTExpired) throw invalidToken("token expired");
      if (err instanceof TokenError && err.code === TokenError.codes.expired) throw invalidToken("token expired");
      if (err instanceof errors.JOSEError || err instanceof TokenError) throw invalidToken("invalid token");
      throw err;
    }
  }

  /** The unverified iss: only picks which check runs. */
  private claimedIssuer(token: string): string | undefined {
    try {
      return decodeJwt(token).iss;
    } catch {
      throw invalidToken("malformed token");
    }
  }

  private async verifyLocal(token: string): Promise<Principal> {
    const payload = this.verifyLocalSignature(token);
    if (!payload.sub || !USER_ID.test(payload.sub)) throw invalidToken("token subject is not a user id");
    if (payload.role !== "user" && payload.role !== "admin") throw invalidToken("token carries no valid role");
    // Revocation: a logout everywhere, a reused refresh token or an operator bumped the account's version since.
    if (typeof payload.ver !== "number" || payload.ver !== (await this.versions.current(payload.sub))) throw invalidToken("token revoked");
    return { userId: payload.sub, role: payload.role, expiresAtMs: expiry(payload) };
  }

  private async verifyExternal(token: string, external: ExternalIssuer, jwks: ReturnType<typeof createRemoteJWKSet>): Promise<Principal> {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: external.issuer,
      audience: external.audience,
      algorithms: EXTERNAL_ALGORITHMS,
      clockTolerance: this.local.clockToleranceSeconds,
      requiredClaims: ["sub", "exp"],
    });
    const subject = payload.sub ?? "";
    const cacheKey = `${external.issuer}\n${subject}`;
    let account = this.externalAccounts.get(cacheKey);
    if (!account) {
      account = { userId: (await this.accounts.forExternalIdentity(external.issuer, subject)).userId };
      this.externalAccounts.set(cacheKey, account);
    }
    const roles = payload[external.rolesClaim];
    const isAdmin = Array.isArray(roles) ? roles.includes(external.adminRole) : roles === external.adminRole;
    return { userId: account.userId, role: isAdmin ? "admin" : "user", expiresAtMs: expiry(payload) };
  }
}

const expiry = (payload: JWTPayload) => (payload.exp ?? 0) * 1000;
