import type { EnforcementLevel } from "@pulumi/policy";
import { isLocked, PROFILES, type Profile, type Rule } from "./rule";

/**
 * A policy pack config file, as `pulumi preview --policy-pack-config` reads it: per rule,
 * a level or an object with an optional level and the rule's settings; `all` sets the
 * level of every rule the file does not name.
 */
export type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

const LEVELS: readonly EnforcementLevel[] = ["mandatory", "advisory", "remediate", "disabled"];
const STRICTNESS: Record<EnforcementLevel, number> = { mandatory: 3, remediate: 2, advisory: 1, disabled: 0 };

/** The level a rule runs at under a config, resolved the way the Pulumi CLI resolves it. */
export function levelOf(rule: Rule, config: PackConfig): EnforcementLevel {
  const entry = config[rule.name];
  const own = typeof entry === "string" ? entry : entry?.enforcementLevel;
  const all = typeof config.all === "string" ? config.all : config.all?.enforcementLevel;
  return own ?? all ?? rule.levels.prod;
}

/** The settings a config gives a rule (what `args.getConfig()` returns to it). */
export function settingsOf(rule: Rule, config: PackConfig): Record<string, unknown> {
  const entry = config[rule.name];
  if (entry === undefined || typeof entry === "string") return {};
  const { enforcementLevel: _level, ...settings } = entry;
  return settings;
}

/** The config file the kit ships for a profile: every rule at that profile's level. */
export function profileConfig(rules: readonly Rule[], profile: Profile): PackConfig {
  return Object.fromEntries(rules.map((rule) => [rule.name, rule.levels[profile]]));
}

export function isProfile(value: string): value is Profile {
  return (PROFILES as readonly string[]).includes(value);
}

/**
 * What is wrong with a config file, one line each: rule names the pack does not have,
 * levels that do not exist, settings the rule does not declare, and locked rules
 * (mandatory in every profile: the security baseline) set below mandatory.
 */
export function configProblems(rules: readonly Rule[], config: PackConfig): string[] {
  const byName = new Map(rules.map((rule) => [rule.name, rule]));
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(config)) {
    const level = typeof entry === "string" ? entry : entry.enforcementLevel;
    if (level !== undefined && !LEVELS.includes(level)) {
      problems.push(`${name}: level "${String(level)}" is not one of ${LEVELS.join(", ")}`);
    }
    if (name === "all") continue;
    const rule = byName.get(name);
    if (!rule) {
      problems.push(`${name}: no such rule in the pack (see docs/POLICIES.md for the rule table)`);
      continue;
    }
    if (typeof entry === "object") {
      const declared = Object.keys(rule.configSchema?.properties ?? {});
      for (const key of Object.keys(entry).filter((k) => k !== "enforcementLevel" && !declared.includes(k))) {
        problems.push(`${name}.${key}: not a setting of this rule (settings: ${declared.join(", ") || "none"})`);
      }
    }
  }
  for (const rule of rules.filter(isLocked)) {
    const level = levelOf(rule, config);
    if (STRICTNESS[level] < STRICTNESS.mandatory) {
      problems.push(
        `${rule.name}: is locked at mandatory (part of the security baseline in every profile); a config may not set it to ${level}`,
      );
    }
  }
  return problems;
}
