import { type JWTPayload, createLocalJWKSet, errors, jwtVerify } from "jose";
import { HttpError } from "../http/http-error";
import { GATEWAY_ID_PATTERN, INTERNAL_TOKEN_ALGORITHM, INTERNAL_TOKEN_ISSUER, type InternalIdentity, USER_ID_PATTERN } from "./claims";
import type { InternalJwks } from "./jwks-env";

export interface InternalVerifierSettings {
  /** This service's name: the aud a token must carry to be accepted here. */
  audience: string;
  clockToleranceSeconds: number;
  /** Tokens older than this are refused even before their exp (limits a replay's window). */
  maxAgeSeconds: number;
}

const refused = (message: string) => new HttpError(401, "unauthenticated", message, { "www-authenticate": 'Bearer error="invalid_token"' });

/**
 * Verifies the gateway's internal tokens against its public key set: exactly
 * ES256 (so neither "none" nor an HMAC keyed with the public key gets through),
 * the gateway as issuer, this service as audience, and a fresh iat and exp.
 */
export class InternalIdentityVerifier {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;

  constructor(
    jwks: InternalJwks,
    private readonly settings: InternalVerifierSettings,
  ) {
    this.keys = createLocalJWKSet({ keys: jwks.keys.map((key) => ({ ...key, alg: INTERNAL_TOKEN_ALGORITHM, use: "sig" })) });
  }

  async verify(authorization: string | undefined): Promise<InternalIdentity> {
    const token = /^Bearer ([A-Za-z0-9._-]+)$/.exec(authorization ?? "")?.[1];
    if (!token) throw refused("requests must come through the gateway (missing internal identity token)");
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: [INTERNAL_TOKEN_ALGORITHM],
        issuer: INTERNAL_TOKEN_ISSUER,
        audience: this.settings.audience,
        clockTolerance: this.settings.clockToleranceSeconds,
        maxTokenAge: this.settings.maxAgeSeconds,
        requiredClaims: ["sub", "iat", "exp", "role", "gid"],
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw refused("internal identity token expired");
      if (err instanceof errors.JOSEError) throw refused("internal identity token refused");
      throw err;
    }
    const { sub, role, gid } = payload;
    if (typeof sub !== "string" || !USER_ID_PATTERN.test(sub)) throw refused("internal identity subject is not a user id");
    if (role !== "user" && role !== "admin") throw refused("internal identity carries no valid role");
    if (typeof gid !== "string" || !GATEWAY_ID_PATTERN.test(gid)) throw refused("internal identity carries no valid gateway id");
    return { userId: sub, role, gatewayId: gid };
  }
}
