import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { PlatformConfigError } from "./configuration/errors";
import { deepMerge, isPlainObject, valueAt } from "./configuration/merge";
import { OFFLINE_PLAN_ENV, UNSET, unsetKeys } from "./configuration/placeholders";
import { availableProfiles, PROFILES_DIR, readProfile } from "./configuration/profiles";
import { platformConfigSchema, type PlatformConfig } from "./configuration/schema";

export type { PlatformConfig } from "./configuration/schema";

export const PROJECT = "coupon-platform";

/** Top-level keys a stack file may set under `coupon-platform:`. */
const STACK_KEYS = Object.keys(platformConfigSchema.shape);

export interface ConfigSource {
  /** The stack's name (`pulumi stack select <name>`). */
  readonly stack: string;
  /** Flat config as Pulumi holds it: "namespace:key" → string (objects as JSON). */
  readonly values: Readonly<Record<string, string>>;
  /** Where profiles live; stacks/ unless a test points elsewhere. */
  readonly profilesDir?: string;
}

/**
 * Reads the running stack's config. Only infra/index.ts calls this. Values still
 * "unset" stop a real preview or update here, before any resource is declared; the
 * offline runner (npm run plan, the tests) renders them instead.
 */
export function loadPlatformConfig(): PlatformConfig {
  const stack = pulumi.getStack();
  const config = parsePlatformConfig({ stack, values: pulumi.runtime.allConfig() });
  const unset = unsetKeys(config);
  if (unset.length > 0 && process.env[OFFLINE_PLAN_ENV] !== "1") {
    throw new PlatformConfigError(
      unset.map(
        (key) =>
          `${PROJECT}:${key} = "${UNSET}": set it for this stack before \`pulumi preview\` or \`pulumi up\` (\`pulumi config set --path '${PROJECT}:${key}' <value>\`); stacks/README.md says what it accepts`,
      ),
      `stack "${stack}"`,
    );
  }
  return config;
}

/**
 * Stack config → validated PlatformConfig: the stack's profile (stacks/<profile>.yaml)
 * with the stack's own `coupon-platform:*` keys merged over it. Throws one
 * PlatformConfigError listing every problem — key, value, what is accepted — so a
 * bad stack fails before any resource is declared.
 */
export function parsePlatformConfig(source: ConfigSource): PlatformConfig {
  const profilesDir = source.profilesDir ?? PROFILES_DIR;
  const overrides = stackOverrides(source.values);
  const context = `stack "${source.stack}"`;

  const unknownKeys = Object.keys(overrides).filter((key) => !STACK_KEYS.includes(key));
  if (unknownKeys.length > 0) {
    throw new PlatformConfigError(
      unknownKeys.map(
        (key) =>
          `${PROJECT}:${key} = ${show(overrides[key])}: unknown key; accepted keys: ${STACK_KEYS.map((k) => `${PROJECT}:${k}`).join(", ")}`,
      ),
      context,
    );
  }

  const profileName = overrides.profile;
  const profiles = availableProfiles(profilesDir);
  const profile = typeof profileName === "string" ? readProfile(profileName, profilesDir) : undefined;
  if (!isPlainObject(profile)) {
    const problem =
      profileName === undefined
        ? `${PROJECT}:profile is not set; accepted: one of ${profiles.join(", ")} (the files in stacks/)`
        : `${PROJECT}:profile = ${show(profileName)}: unknown profile; accepted: one of ${profiles.join(", ")} (the files in stacks/)`;
    throw new PlatformConfigError([problem], context);
  }

  const defaults = { name: defaultName(source.stack), tags: {} };
  const merged = deepMerge(deepMerge(defaults, profile), overrides);
  const result = platformConfigSchema.safeParse(merged);
  if (result.success) {
    const regionProblem = certificateRegionProblem(result.data, source.values["aws:region"]);
    if (regionProblem) throw new PlatformConfigError([regionProblem], `${context}, profile "${String(profileName)}"`);
    return result.data;
  }

  // A profile was read above, so its name is a string here.
  const name = String(profileName);
  const problems = result.error.issues.map((issue) => describeIssue(issue, merged, overrides, name));
  throw new PlatformConfigError(problems, `${context}, profile "${name}"`);
}

function stackOverrides(values: Readonly<Record<string, string>>): Record<string, unknown> {
  const prefix = `${PROJECT}:`;
  const overrides: Record<string, unknown> = {};
  for (const [fullKey, raw] of Object.entries(values)) {
    if (fullKey.startsWith(prefix)) overrides[fullKey.slice(prefix.length)] = decode(raw);
  }
  return overrides;
}

/** Pulumi hands structured values over as JSON and plain strings as they are. */
function decode(raw: string): unknown {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === "object" && value !== null ? value : raw;
  } catch {
    return raw;
  }
}

/**
 * The ALB takes only an ACM certificate from its own region: one from another region
 * passes every format check and fails late, when the load balancer controller
 * reconciles the Ingress. The schema cannot see aws:region, so the check lives here.
 */
function certificateRegionProblem(config: PlatformConfig, region: string | undefined): string | undefined {
  const arn = config.delivery.certificateArn;
  if (region === undefined || arn === UNSET) return undefined;
  const certificateRegion = arn.split(":")[3];
  if (certificateRegion === region) return undefined;
  return `${PROJECT}:delivery.certificateArn = ${show(arn)}: is a certificate in ${String(certificateRegion)}, but the stack deploys to aws:region ${region} and a load balancer uses certificates of its own region only; accepted: an ACM certificate in ${region}`;
}

function defaultName(stack: string): string {
  return `coupon-${stack.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`.slice(0, 32).replace(/-+$/, "");
}

function describeIssue(issue: z.core.$ZodIssue, merged: unknown, overrides: unknown, profile: string): string {
  const key = `${PROJECT}:${issue.path.map(String).join(".")}`;
  if (issue.code === "unrecognized_keys") {
    const parent = valueAt(merged, issue.path);
    const known = schemaKeysAt(platformConfigSchema, issue.path);
    return issue.keys
      .map((unknownKey) => `${key}.${unknownKey} = ${show(valueAt(parent, [unknownKey]))}: unknown key; accepted keys: ${known.join(", ")}`)
      .join("\n  - ");
  }
  // A refused map key (such as a tag name) carries the key's own problem inside.
  const message = issue.code === "invalid_key" ? issue.issues.map((inner) => inner.message).join("; ") : issue.message;
  const value = valueAt(merged, issue.path);
  const origin = valueAt(overrides, issue.path) !== undefined ? "set by the stack" : `from stacks/${profile}.yaml`;
  const valueText = value === undefined ? "(missing)" : show(value);
  return `${key} = ${valueText} (${origin}): ${message}`;
}

/** The keys the schema accepts for the object at `path`, to list them in an error. */
function schemaKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = schema;
  for (const key of path) {
    if (node instanceof z.ZodObject) node = (node.shape as Record<PropertyKey, z.ZodType>)[key];
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else return [];
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
