import { type KeyObject, generateKeyPairSync } from "node:crypto";

/** Public keys as a JSON Web Key Set, each under its kid: what INTERNAL_JWKS holds. */
export function jwksOf(keys: readonly { kid: string; publicKey: KeyObject }[]): string {
  return JSON.stringify({ keys: keys.map(({ kid, publicKey }) => ({ ...publicKey.export({ format: "jwk" }), kid })) });
}

/**
 * A key pair made for one local run (the demo, the tests, a benchmark): the
 * gateway's environment signs with the private half, the services' trusts the
 * public half. On a stack Pulumi generates the keys and keeps them in Secrets Manager.
 */
export function generateInternalIdentityKeys(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    privateKey,
    publicKey,
    gatewayEnv: {
      INTERNAL_TOKEN_PRIVATE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      INTERNAL_SIGNING_KEY_ID: kid,
    },
    serviceEnv: { INTERNAL_JWKS: jwksOf([{ kid, publicKey }]) },
  };
}
