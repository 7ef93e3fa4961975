import { describe, expect, it } from "vitest";
import { configProblems, levelOf, profileConfig, settingsOf } from "../../policies/lib/pack-config";
import { isLocked, PROFILES, SERVICES, type Rule } from "../../policies/lib/rule";
import { ALL_RULES } from "../../policies/rules";

const baseline = ALL_RULES.find(isLocked) as Rule;
const relaxable = ALL_RULES.find((rule) => !isLocked(rule)) as Rule;

describe("the rule table", () => {
  it("names every rule once, prefixed and kebab-case, and never 'all' (reserved by Pulumi)", () => {
    const names = ALL_RULES.map((rule) => rule.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
    expect(names).not.toContain("all");
  });

  it("gives every rule a service, a description, a fix and a level in every profile", () => {
    for (const rule of ALL_RULES) {
      expect(SERVICES, rule.name).toContain(rule.service);
      expect(rule.description.length, rule.name).toBeGreaterThan(20);
      expect(rule.fix.length, rule.name).toBeGreaterThan(10);
      for (const profile of PROFILES)
        expect(["mandatory", "advisory", "disabled"], `${rule.name} ${profile}`).toContain(rule.levels[profile]);
    }
  });

  it("never makes dev stricter than prod", () => {
    const strictness = { disabled: 0, advisory: 1, remediate: 2, mandatory: 3 };
    for (const rule of ALL_RULES) expect(strictness[rule.levels.dev], rule.name).toBeLessThanOrEqual(strictness[rule.levels.prod]);
  });

  it("has both locked baseline rules and rules a profile may relax", () => {
    expect(baseline).toBeDefined();
    expect(relaxable).toBeDefined();
  });

  it("declares no setting named enforcementLevel (the engine refuses such a pack)", () => {
    for (const rule of ALL_RULES) expect(Object.keys(rule.configSchema?.properties ?? {})).not.toContain("enforcementLevel");
  });
});

describe("pack config files", () => {
  it("resolves a rule's level as the Pulumi CLI does: its own entry, then `all`, then the pack's (prod) level", () => {
    expect(levelOf(relaxable, {})).toBe(relaxable.levels.prod);
    expect(levelOf(relaxable, { all: "advisory" })).toBe("advisory");
    expect(levelOf(relaxable, { all: "advisory", [relaxable.name]: "disabled" })).toBe("disabled");
    expect(levelOf(relaxable, { [relaxable.name]: { enforcementLevel: "advisory" } })).toBe("advisory");
    expect(levelOf(relaxable, { [relaxable.name]: { someSetting: 1 } })).toBe(relaxable.levels.prod);
  });

  it("hands a rule its settings without the level", () => {
    expect(settingsOf(relaxable, { [relaxable.name]: { enforcementLevel: "advisory", minimum: 3 } })).toEqual({ minimum: 3 });
    expect(settingsOf(relaxable, { [relaxable.name]: "advisory" })).toEqual({});
  });

  it("accepts the shipped profile configs as they are", () => {
    for (const profile of PROFILES) expect(configProblems(ALL_RULES, profileConfig(ALL_RULES, profile))).toEqual([]);
  });

  it("lets a fork lower a relaxable rule", () => {
    expect(configProblems(ALL_RULES, { ...profileConfig(ALL_RULES, "prod"), [relaxable.name]: "advisory" })).toEqual([]);
  });

  it("refuses a config that lowers a locked rule, directly or through `all`", () => {
    expect(configProblems(ALL_RULES, { [baseline.name]: "advisory" })).toEqual([
      `${baseline.name}: is locked at mandatory (part of the security baseline in every profile); a config may not set it to advisory`,
    ]);
    const throughAll = configProblems(ALL_RULES, { all: "disabled" });
    expect(throughAll.length).toBe(ALL_RULES.filter(isLocked).length);
  });

  it("refuses unknown rules, unknown levels and settings a rule does not have", () => {
    expect(configProblems(ALL_RULES, { "rds-publc": "disabled" })).toEqual([
      "rds-publc: no such rule in the pack (see docs/POLICIES.md for the rule table)",
    ]);
    expect(configProblems(ALL_RULES, { [relaxable.name]: "sometimes" as never })).toContain(
      `${relaxable.name}: level "sometimes" is not one of mandatory, advisory, remediate, disabled`,
    );
    expect(configProblems(ALL_RULES, { [relaxable.name]: { enforcementLevel: "advisory", typo: true } })[0]).toMatch(
      new RegExp(`^${relaxable.name}\\.typo: not a setting of this rule`),
    );
  });
});
