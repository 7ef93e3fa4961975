import { z } from "zod";

const publicEcKey = z.looseObject({
  kty: z.literal("EC", { message: 'kty must be "EC"' }),
  crv: z.literal("P-256", { message: 'crv must be "P-256" (ES256)' }),
  kid: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "kid must be 1-64 of A-Z a-z 0-9 . _ -"),
  x: z.string().min(1),
  y: z.string().min(1),
});

/**
 * INTERNAL_JWKS: the gateway's public keys, a JSON Web Key Set of P-256 keys each
 * with its own kid. During a rotation it lists the old and the new key. A private
 * key in the set (a "d" member) is refused: it would let every holder of the
 * service's configuration sign identities.
 */
export const internalJwks = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a JSON Web Key Set" });
      return z.NEVER;
    }
  })
  .pipe(
    z.strictObject({
      keys: z
        .array(publicEcKey)
        .min(1, "must hold at least one key")
        .max(5, "holds at most 5 keys")
        .refine((keys) => keys.every((key) => !("d" in key)), "must hold public keys only (a key has a private d member)")
        .refine((keys) => new Set(keys.map((key) => key.kid)).size === keys.length, "must not repeat a kid"),
    }),
  );

export type InternalJwks = z.output<typeof internalJwks>;
