import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/** Environment variables for an app, keyed by the app's own zod env schema. */
export type EnvOf<Schema extends z.ZodType> = { readonly [Name in keyof z.input<Schema>]?: pulumi.Input<string> };

/** Settings (rendered into a ConfigMap) and credentials (into a Secret). */
export interface AppEnv<Schema extends z.ZodType> {
  readonly config: EnvOf<Schema>;
  readonly secrets: EnvOf<Schema>;
}

/** `Env` with every variable the schema does not declare turned into an error (its type becomes never). */
type KnownOnly<Env, Schema extends z.ZodType> = {
  readonly [Name in keyof Env]: Name extends keyof z.input<Schema> ? pulumi.Input<string> | undefined : never;
};

/**
 * Builds an app's environment and refuses, at type-check time, any variable the
 * app's schema does not declare — spreads included, which TypeScript's own excess
 * property check lets through. A variable the service renames or drops then fails
 * here, not in a crash-looping pod.
 *
 *     envFor<typeof couponEnvSchema>()({ config: {...}, secrets: {...} })
 */
export function envFor<Schema extends z.ZodType>() {
  return <Config extends KnownOnly<Config, Schema>, Secrets extends KnownOnly<Secrets, Schema>>(env: {
    readonly config: Config;
    readonly secrets: Secrets;
  }): AppEnv<Schema> => env as AppEnv<Schema>;
}
