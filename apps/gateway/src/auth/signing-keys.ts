import { createPublicKey } from "node:crypto";
import { type CryptoKey, importPKCS8 } from "jose";
import type { GatewayConfig } from "../config";

export interface SigningKeys {
  algorithm: GatewayConfig["JWT_ALGORITHM"];
  signing: CryptoKey | Uint8Array;
  /** What verifies the tokens, as node:crypto takes it: the secret's bytes, or the public key's PEM. */
  verifying: Buffer | string;
}

/** The gateway's own token keys, from config: a shared secret (HS256) or a private key whose public half verifies. */
export async function loadSigningKeys(
  config: Pick<GatewayConfig, "JWT_ALGORITHM" | "JWT_SECRET" | "JWT_PRIVATE_KEY">,
): Promise<SigningKeys> {
  if (config.JWT_ALGORITHM === "HS256") {
    if (!config.JWT_SECRET) throw new Error("JWT_SECRET is required for HS256");
    const secret = new TextEncoder().encode(config.JWT_SECRET);
    return { algorithm: "HS256", signing: secret, verifying: Buffer.from(secret) };
  }
  if (!config.JWT_PRIVATE_KEY) throw new Error(`JWT_PRIVATE_KEY is required for ${config.JWT_ALGORITHM}`);
  const publicPem = createPublicKey(config.JWT_PRIVATE_KEY).export({ type: "spki", format: "pem" }).toString();
  return {
    algorithm: config.JWT_ALGORITHM,
    signing: await importPKCS8(config.JWT_PRIVATE_KEY, config.JWT_ALGORITHM),
    verifying: publicPem,
  };
}
