import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "node:util";
import type { EnforcementLevel } from "@pulumi/policy";
import { levelOf } from "../policies/lib/pack-config";
import { REPO_ROOT } from "./lib/mock-stack/run-stack";
import { checkStackAgainstPack, type StackCheck } from "./lib/stack-policy-check";

/**
 * `npm run policy -- --stack <name> [--config <file>]`: every resource the stack
 * declares (the real program under Pulumi's mock runtime, no credentials) through the
 * policy pack, at the levels of the stack's config file. Exit 1 on a mandatory
 * violation, 2 on bad usage or a config the pack refuses.
 */
const USAGE = "usage: npm run policy -- --stack <name> [--config policies/config/<file>.json]";
const LEVEL_ORDER: readonly EnforcementLevel[] = ["mandatory", "remediate", "advisory", "disabled"];

async function main(): Promise<number> {
  let values: { stack?: string; config?: string };
  try {
    ({ values } = parseArgs({ options: { stack: { type: "string" }, config: { type: "string" } }, strict: true }));
  } catch (error) {
    console.error(`policy: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.stack) {
    console.error(`policy: --stack is required\n${USAGE}`);
    return 2;
  }
  if (!fs.existsSync(path.join(REPO_ROOT, `Pulumi.${values.stack}.yaml`))) {
    console.error(
      `policy: no stack file Pulumi.${values.stack}.yaml (create one with \`npm run stack:new -- ${values.stack} --from <profile>\`)`,
    );
    return 2;
  }
  let check: StackCheck;
  try {
    check = await checkStackAgainstPack(values.stack, { configFile: values.config });
  } catch (error) {
    console.error(`policy: ${(error as Error).message}`);
    return 2;
  }
  console.log(report(check));
  return check.violations.some((v) => v.level === "mandatory") ? 1 : 0;
}

function report(check: StackCheck): string {
  const ruleLevels = check.rules.map((rule) => levelOf(rule, check.config));
  const lines = [
    `stack ${check.stack} (profile ${check.profile}); levels from ${check.configSource}`,
    `${check.resources.length} resources checked against ${check.rules.length} rules (${formatCounts(ruleLevels)})`,
  ];
  if (check.violations.length === 0) return [...lines, "no violations"].join("\n");
  const rows = [...check.violations]
    .sort(
      (a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level) || a.rule.localeCompare(b.rule) || a.urn.localeCompare(b.urn),
    )
    .map((v) => [v.rule, v.level, resourceOf(v.urn), v.message]);
  return [
    ...lines,
    "",
    table(["rule", "level", "resource", "message"], rows),
    "",
    `violations: ${formatCounts(check.violations.map((v) => v.level))}`,
  ].join("\n");
}

/** "type::name" from a URN: the part a reader recognises. */
function resourceOf(urn: string): string {
  const parts = urn.split("::");
  const [, , type, name] = parts;
  return type !== undefined && name !== undefined ? `${type.split("$").at(-1) ?? type}::${name}` : urn;
}

function formatCounts(levels: readonly EnforcementLevel[]): string {
  return LEVEL_ORDER.map((level) => [level, levels.filter((l) => l === level).length] as const)
    .filter(([, count]) => count > 0)
    .map(([level, count]) => `${count} ${level}`)
    .join(", ");
}

/** A plain-text table; the message column is last so long messages do not push the others. */
function table(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.slice(0, -1).map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i] as number) : cell)).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w)).concat("-------")), ...rows.map(line)].join("\n");
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
