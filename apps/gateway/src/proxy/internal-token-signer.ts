import { randomUUID } from "node:crypto";
import { createSigner } from "fast-jwt";
import { LRUCache } from "lru-cache";
import {
  INTERNAL_TOKEN_ALGORITHM,
  INTERNAL_TOKEN_ISSUER,
  type InternalClaims,
  type InternalIdentity,
} from "../../../lib/internal-identity/claims";
import type { GatewayConfig } from "../config";

const REUSE_MS = 3_000;

/**
 * Mints the signed identity the gateway attaches to each request it forwards: a
 * short-lived ES256 token for one audience (the service called), with the caller,
 * their role and the gateway instance holding their socket. The header names the
 * key (kid) so services can trust two keys during a rotation.
 *
 * A token is reused for the same caller, role, socket holder and audience for
 * REUSE_MS at most (and never past half its life), so a buyer's burst of requests
 * costs one signature here and one verification at the service, which keeps
 * verified tokens. 3 s stays under the smallest maximum age a service may set
 * (INTERNAL_IDENTITY_MAX_AGE_SECONDS ≥ 5), with room for iat's whole seconds and
 * clock skew. Signing uses node:crypto synchronously (fast-jwt): no WebCrypto
 * promise per request.
 */
export class InternalTokenSigner {
  private readonly sign: (claims: Record<string, unknown>) => string;
  private readonly recent: LRUCache<string, string>;

  private constructor(privateKeyPem: string, keyId: string, ttlSeconds: number, cacheSize: number) {
    this.sign = createSigner({
      key: privateKeyPem,
      algorithm: INTERNAL_TOKEN_ALGORITHM,
      kid: keyId,
      iss: INTERNAL_TOKEN_ISSUER,
      expiresIn: ttlSeconds * 1000,
    });
    this.recent = new LRUCache({ max: cacheSize, ttl: Math.min(REUSE_MS, (ttlSeconds * 1000) / 2) });
  }

  static fromConfig(
    config: Pick<GatewayConfig, "INTERNAL_TOKEN_PRIVATE_KEY" | "INTERNAL_SIGNING_KEY_ID" | "INTERNAL_IDENTITY_TTL_SECONDS">,
    cacheSize = 20_000,
  ): InternalTokenSigner {
    return new InternalTokenSigner(
      config.INTERNAL_TOKEN_PRIVATE_KEY,
      config.INTERNAL_SIGNING_KEY_ID,
      config.INTERNAL_IDENTITY_TTL_SECONDS,
      cacheSize,
    );
  }

  /** The Authorization header that carries `identity` to `audience`. */
  authorizationFor(identity: InternalIdentity, audience: string): string {
    const cacheKey = `${audience}\n${identity.userId}\n${identity.role}\n${identity.gatewayId}`;
    const cached = this.recent.get(cacheKey);
    if (cached) return cached;
    const claims: InternalClaims = { role: identity.role, gid: identity.gatewayId };
    const authorization = `Bearer ${this.sign({ ...claims, sub: identity.userId, aud: audience, jti: randomUUID() })}`;
    this.recent.set(cacheKey, authorization);
    return authorization;
  }
}
