import type { Rule } from "../../policies/lib/rule";

/** A rule by name from a group, failing the test loudly when it is missing. */
export function ruleNamed(rules: readonly Rule[], name: string): Rule {
  const rule = rules.find((candidate) => candidate.name === name);
  if (!rule) throw new Error(`no rule ${name}; the group has: ${rules.map((r) => r.name).join(", ")}`);
  return rule;
}
