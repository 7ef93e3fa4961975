import type { EnforcementLevel } from "@pulumi/policy";
import type { Violation } from "../../../policies/testing/harness";
import type { Plan } from "./plan";
import { byCodeUnits } from "./order";

/** What a reviewer reads first: sizes, the profile's switches, the policy verdict. */
export interface PlanFacts {
  readonly plan: Plan;
  /** Every boolean key of the validated config, as "section.key" → value. */
  readonly switches: readonly (readonly [string, boolean])[];
  readonly violations: readonly Violation[];
  readonly policyConfigSource: string;
  readonly mermaid: string;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => byCodeUnits(a, b));
}

/** Boolean switches of a config object, flattened to dotted keys. */
export function booleanSwitches(config: unknown, prefix = ""): [string, boolean][] {
  if (typeof config !== "object" || config === null || Array.isArray(config)) return [];
  return Object.entries(config).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return typeof value === "boolean" ? [[path, value] as [string, boolean]] : booleanSwitches(value, path);
  });
}

export function verdictLine(violations: readonly Violation[]): string {
  if (violations.length === 0) return "no violations";
  const levels: EnforcementLevel[] = ["mandatory", "advisory"];
  return levels
    .map((level) => [level, violations.filter((v) => v.level === level).length] as const)
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${n} ${level}`)
    .join(", ");
}

export function renderSummary(facts: PlanFacts): string {
  const { plan } = facts;
  const components = countBy(plan.resources, (r) => r.component);
  return [
    `plan of stack ${plan.stack} (profile ${plan.profile}): ${plan.resources.length} resources in ${components.length} components, ${plan.resources.filter((r) => r.protect).length} protected`,
    `  by component: ${components.map(([name, n]) => `${name} ${n}`).join(", ")}`,
    `  by type: ${byTypeLine(plan)}`,
    `  switches on: ${
      facts.switches
        .filter(([, on]) => on)
        .map(([key]) => key)
        .join(", ") || "none"
    }`,
    `  switches off: ${
      facts.switches
        .filter(([, on]) => !on)
        .map(([key]) => key)
        .join(", ") || "none"
    }`,
    `  policy pack (${facts.policyConfigSource}): ${verdictLine(facts.violations)}`,
  ].join("\n");
}

/** The most numerous types first (then by name), the rest counted: the Markdown plan has them all. */
function byTypeLine(plan: Plan, shown = 8): string {
  const types = countBy(plan.resources, (r) => r.type).sort(([a, m], [b, n]) => n - m || byCodeUnits(a, b));
  const rest = types.length - shown;
  return `${types
    .slice(0, shown)
    .map(([type, n]) => `${type} ${n}`)
    .join(", ")}${rest > 0 ? `, and ${rest} more types` : ""}`;
}

export function renderPlanMarkdown(facts: PlanFacts): string {
  const { plan } = facts;
  const components = countBy(plan.resources, (r) => r.component);
  const lines = [
    `# Plan: stack \`${plan.stack}\` (profile \`${plan.profile}\`)`,
    "",
    `${plan.resources.length} resources in ${components.length} components; ${plan.resources.filter((r) => r.protect).length} protected. Generated offline by \`npm run plan -- --stack ${plan.stack}\` (the program under Pulumi's mock runtime).`,
    "",
    `**Policy pack** (${facts.policyConfigSource}): ${verdictLine(facts.violations)}.`,
  ];
  if (facts.violations.length > 0) {
    lines.push("", "| rule | level | resource | message |", "|---|---|---|---|");
    for (const v of facts.violations)
      lines.push(`| \`${v.rule}\` | ${v.level} | \`${v.urn.split("::").at(-1) ?? v.urn}\` | ${v.message.replace(/\|/g, "\\|")} |`);
  }
  lines.push(
    "",
    "## Architecture",
    "",
    "```mermaid",
    facts.mermaid.trimEnd(),
    "```",
    "",
    "## Profile switches",
    "",
    "| key | value |",
    "|---|---|",
  );
  for (const [key, value] of facts.switches) lines.push(`| \`${key}\` | ${value} |`);
  lines.push("", "## Resources by component");
  for (const [component, count] of components) {
    lines.push("", `### ${component} (${count})`, "", "| type | name | protect |", "|---|---|---|");
    for (const r of plan.resources.filter((resource) => resource.component === component))
      lines.push(`| \`${r.type}\` | \`${r.name}\` | ${r.protect ? "yes" : ""} |`);
  }
  lines.push("", "## Resources by type", "", "| type | count |", "|---|---|");
  for (const [type, count] of countBy(plan.resources, (r) => r.type)) lines.push(`| \`${type}\` | ${count} |`);
  return `${lines.join("\n")}\n`;
}
