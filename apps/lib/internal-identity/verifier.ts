import { createPublicKey } from "node:crypto";
import { TokenError, createVerifier } from "fast-jwt";
import { HttpError } from "../http/http-error";
import { GATEWAY_ID_PATTERN, INTERNAL_TOKEN_ALGORITHM, INTERNAL_TOKEN_ISSUER, type InternalIdentity, USER_ID_PATTERN } from "./claims";
import type { InternalJwks } from "./jwks-env";

export interface InternalVerifierSettings {
  /** This service's name: the aud a token must carry to be accepted here. */
  audience: string;
  clockToleranceSeconds: number;
  /** Tokens older than this are refused even before their exp (limits a replay's window). */
  maxAgeSeconds: number;
  /** Verified tokens remembered until they expire, so a caller's repeated requests skip the signature check. */
  cacheSize?: number;
}

const refused = (message: string) => new HttpError(401, "unauthenticated", message, { "www-authenticate": 'Bearer error="invalid_token"' });

/**
 * Verifies the gateway's internal tokens against its public key set: exactly
 * ES256 (so neither "none" nor an HMAC keyed with the public key gets through),
 * the key the header's kid names, the gateway as issuer, this service as
 * audience, and a fresh iat and exp. fast-jwt verifies with node:crypto, and
 * keeps verified tokens (by a hash of the token) until their expiry or max age,
 * whichever is first: a signature is checked once per token, not per request.
 */
export class InternalIdentityVerifier {
  /** One verifier per trusted key: a static key is parsed once, not per token. */
  private readonly verifierByKid: Map<string, (token: string) => Record<string, unknown>>;

  private readonly clockToleranceMs: number;

  constructor(jwks: InternalJwks, settings: InternalVerifierSettings) {
    this.clockToleranceMs = settings.clockToleranceSeconds * 1000;
    this.verifierByKid = new Map(
      jwks.keys.map((jwk) => [
        jwk.kid,
        createVerifier({
          key: createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "pem" }).toString(),
          algorithms: [INTERNAL_TOKEN_ALGORITHM],
          allowedIss: INTERNAL_TOKEN_ISSUER,
          allowedAud: settings.audience,
          clockTolerance: settings.clockToleranceSeconds * 1000,
          maxAge: settings.maxAgeSeconds * 1000,
          // fast-jwt checks iss and aud only when present: requiring them makes a token without either fail.
          requiredClaims: ["iss", "aud", "sub", "iat", "exp", "role", "gid"],
          cache: settings.cacheSize ?? 10_000,
        }),
      ]),
    );
  }

  /** The verifier of the key the token's header names; the header is read unverified only to pick it. */
  private verifierFor(token: string): ((token: string) => Record<string, unknown>) | undefined {
    try {
      const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf(".")), "base64url").toString("utf8")) as { kid?: unknown };
      return typeof header.kid === "string" ? this.verifierByKid.get(header.kid) : undefined;
    } catch {
      return undefined;
    }
  }

  verify(authorization: string | undefined): InternalIdentity {
    const token = /^Bearer ([A-Za-z0-9._-]+)$/.exec(authorization ?? "")?.[1];
    if (!token) throw refused("requests must come through the gateway (missing internal identity token)");
    const verifyToken = this.verifierFor(token);
    if (!verifyToken) throw refused("internal identity token refused");
    let payload: Record<string, unknown>;
    try {
      payload = verifyToken(token);
    } catch (err) {
      if (err instanceof TokenError && err.code === TokenError.codes.expired) throw refused("internal identity token expired");
      throw refused("internal identity token refused");
    }
    // The max age counts from iat: a token dated in the future would outlive it.
    if (typeof payload.iat !== "number" || payload.iat * 1000 > Date.now() + this.clockToleranceMs)
      throw refused("internal identity token issued in the future");
    const { sub, role, gid } = payload;
    if (typeof sub !== "string" || !USER_ID_PATTERN.test(sub)) throw refused("internal identity subject is not a user id");
    if (role !== "user" && role !== "admin") throw refused("internal identity carries no valid role");
    if (typeof gid !== "string" || !GATEWAY_ID_PATTERN.test(gid)) throw refused("internal identity carries no valid gateway id");
    return { userId: sub, role, gatewayId: gid };
  }
}
