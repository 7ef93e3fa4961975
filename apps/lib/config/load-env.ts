import { z } from "zod";
import { isSecretName, redactUrl } from "../redaction";

/** Thrown at start-up when the environment does not describe a runnable service. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Validates environment variables against a zod object schema whose keys are the
 * variable names, so every problem names the variable an operator must fix.
 */
export function loadEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join(".") || "(environment)";
    const given = issue.path.length > 0 ? env[String(issue.path[0])] : undefined;
    const shown = given === undefined ? "not set" : describeGiven(variable, given);
    return `${variable}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(problems);
}

/**
 * What an operator may see of a bad value: never a secret's value (its length says
 * whether it was set at all), and URLs without their credentials.
 */
function describeGiven(variable: string, given: string): string {
  if (isSecretName(variable)) return `a ${given.length}-character value, not shown`;
  return `got ${JSON.stringify(given.includes("://") ? redactUrl(given) : given)}`;
}
