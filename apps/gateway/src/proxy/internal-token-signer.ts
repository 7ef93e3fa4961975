import { randomUUID } from "node:crypto";
import { type CryptoKey, SignJWT, importPKCS8 } from "jose";
import {
  INTERNAL_TOKEN_ALGORITHM,
  INTERNAL_TOKEN_ISSUER,
  type InternalClaims,
  type InternalIdentity,
} from "../../../lib/internal-identity/claims";
import type { GatewayConfig } from "../config";

/**
 * Mints the signed identity the gateway attaches to each request it forwards:
 * one short-lived ES256 token per request, for one audience (the service called),
 * with the caller, their role and the gateway instance holding their socket.
 * The header names the key (kid) so services can trust two keys during a rotation.
 */
export class InternalTokenSigner {
  private constructor(
    private readonly key: CryptoKey,
    private readonly keyId: string,
    private readonly ttlSeconds: number,
  ) {}

  static async fromConfig(
    config: Pick<GatewayConfig, "INTERNAL_TOKEN_PRIVATE_KEY" | "INTERNAL_SIGNING_KEY_ID" | "INTERNAL_IDENTITY_TTL_SECONDS">,
  ): Promise<InternalTokenSigner> {
    const key = await importPKCS8(config.INTERNAL_TOKEN_PRIVATE_KEY, INTERNAL_TOKEN_ALGORITHM);
    return new InternalTokenSigner(key, config.INTERNAL_SIGNING_KEY_ID, config.INTERNAL_IDENTITY_TTL_SECONDS);
  }

  /** The Authorization header that carries `identity` to `audience`. */
  async authorizationFor(identity: InternalIdentity, audience: string): Promise<string> {
    const claims: InternalClaims = { role: identity.role, gid: identity.gatewayId };
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: INTERNAL_TOKEN_ALGORITHM, kid: this.keyId, typ: "JWT" })
      .setIssuer(INTERNAL_TOKEN_ISSUER)
      .setAudience(audience)
      .setSubject(identity.userId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .setJti(randomUUID())
      .sign(this.key);
    return `Bearer ${token}`;
  }
}
