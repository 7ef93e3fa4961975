import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/** Environment variables for an app, keyed by the app's own zod env schema. */
export type EnvOf<Schema extends z.ZodType> = { readonly [Name in keyof z.input<Schema>]?: pulumi.Input<string> };

/** Settings (rendered into a ConfigMap) and credentials (into a Secret). */
export interface AppEnv<Schema extends z.ZodType> {
  readonly config: EnvOf<Schema>;
  readonly secrets: EnvOf<Schema>;
}

/** `Env` with every key the schema does not know turned into an error. */
type KnownOnly<Env, Schema extends z.ZodType> = Env & { readonly [Name in Exclude<keyof Env, keyof z.input<Schema>>]: never };

/**
 * Builds an app's environment and refuses, at type-check time, any variable the
 * app's schema does not declare — spreads included, which TypeScript's own excess
 * property check lets through. A variable the service renames or drops then fails
 * here, not in a crash-looping pod.
 *
 *     envFor<typeof couponEnvSchema>()({ config: {...}, secrets: {...} })
 */
export function envFor<Schema extends z.ZodType>() {
  return <Config extends EnvOf<Schema>, Secrets extends EnvOf<Schema>>(env: {
    readonly config: KnownOnly<Config, Schema>;
    readonly secrets: KnownOnly<Secrets, Schema>;
  }): AppEnv<Schema> => env;
}
