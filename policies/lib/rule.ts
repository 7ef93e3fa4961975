import {
  UnknownValueError,
  type EnforcementLevel,
  type PolicyConfigSchema,
  type ReportViolation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";

/** The profiles a stack picks (stacks/<profile>.yaml); each has its own level per rule. */
export const PROFILES = ["prod", "dev"] as const;
export type Profile = (typeof PROFILES)[number];

/** The services rules are grouped by, in the order the rule table lists them. */
export const SERVICES = ["vpc", "eks", "rds", "msk", "elasticache", "compute", "encryption", "iam", "kubernetes", "stack"] as const;
export type Service = (typeof SERVICES)[number];

interface RuleBasics {
  /** Unique, kebab-case, prefixed with its service: what a config file and a violation name it by. */
  readonly name: string;
  readonly service: Service;
  /** What the rule checks, in words a user of the kit understands. */
  readonly description: string;
  /** How to fix a violation: shown with every violation and in the rule table. */
  readonly fix: string;
  /** The level each profile's config file gives the rule. A rule mandatory in every profile is locked: a fork may not lower it. */
  readonly levels: Readonly<Record<Profile, EnforcementLevel>>;
  /** Settings a config file may give the rule, with their defaults. */
  readonly configSchema?: PolicyConfigSchema;
}

/** A rule that looks at one resource at a time, as the engine registers it. */
export interface ResourceRule extends RuleBasics {
  readonly kind: "resource";
  readonly validateResource: (args: ResourceValidationArgs, report: ReportViolation) => Promise<void> | void;
}

/** A rule that looks at the whole stack at once (coverage, cross-references, resource options). */
export interface StackRule extends RuleBasics {
  readonly kind: "stack";
  readonly validateStack: (args: StackValidationArgs, report: ReportViolation) => Promise<void> | void;
}

export type Rule = ResourceRule | StackRule;

/** A rule no profile may lower: mandatory everywhere (the security baseline). */
export function isLocked(rule: Rule): boolean {
  return PROFILES.every((profile) => rule.levels[profile] === "mandatory");
}

/**
 * What the pack hands the engine for a rule. Its own level is the strictest profile's,
 * so a stack run without a config file gets the prod guard rails. During preview a
 * value that depends on a resource not yet created is unknown; reading it throws
 * UnknownValueError. The rule cannot judge it then, so it reports nothing (where the
 * engine would add a "can't run policy" advisory). `pulumi up` runs the pack again on
 * resolved values: resource rules before each resource is created or updated, stack
 * rules once at the end, on outputs — after the update, so for stack rules the preview
 * is the gate and `up` the backstop.
 */
export function toPolicy(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
  const common = {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.levels.prod,
    remediationSteps: rule.fix,
    ...(rule.configSchema ? { configSchema: rule.configSchema } : {}),
  };
  // Every violation ends with how to fix it, so a user reading one line knows what to do.
  const withFix =
    (report: ReportViolation): ReportViolation =>
    (message, urn) =>
      report(`${message} Fix: ${rule.fix}`, urn);
  if (rule.kind === "resource") {
    return { ...common, validateResource: (args, report) => skipWhenUnknown(() => rule.validateResource(args, withFix(report))) };
  }
  return { ...common, validateStack: (args, report) => skipWhenUnknown(() => rule.validateStack(args, withFix(report))) };
}

async function skipWhenUnknown(validate: () => Promise<void> | void): Promise<void> {
  try {
    await validate();
  } catch (error) {
    if (error instanceof UnknownValueError) return;
    throw error;
  }
}
