import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { Account } from "./accounts";
import type { SigningKeys } from "./signing-keys";

export interface IssuedToken {
  accessToken: string;
  tokenType: "Bearer";
  expiresIn: number;
}

export interface IssuerSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** Short-lived access tokens: subject = user id, plus the role the gateway enforces and the account's token version. */
export class TokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly settings: IssuerSettings,
  ) {}

  /** `tokenVersion` is the account's current one: bumping it later refuses this token (TokenVersions). */
  async issue(account: Account, tokenVersion: number): Promise<IssuedToken> {
    const accessToken = await new SignJWT({ role: account.role, ver: tokenVersion })
      .setProtectedHeader({ alg: this.keys.algorithm, typ: "JWT" })
      .setSubject(account.userId)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.settings.ttlSeconds}s`)
      .setJti(randomUUID())
      .sign(this.keys.signing);
    return { accessToken, tokenType: "Bearer", expiresIn: this.settings.ttlSeconds };
  }
}
