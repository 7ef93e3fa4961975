import type { PlanDiff } from "./diff";
import { exitCodeOf } from "./diff";

const MAX_VALUE = 80;

function show(value: unknown): string {
  if (value === undefined) return "—";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const short = text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
  return `\`${short.replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
}

/** The diff as Markdown fit for a pull-request comment. */
export function renderDiffMarkdown(diff: PlanDiff, context: { stack: string; base: string }): string {
  const code = exitCodeOf(diff);
  const headline =
    code === 0
      ? "no change"
      : `${diff.added.length} to add, ${diff.changed.length} to change, ${diff.removed.length} to delete${code === 2 ? ` — **${diff.dangers.length} dangerous**` : ""}`;
  const lines = [`### Plan diff: stack \`${context.stack}\` against \`${context.base}\``, "", headline];
  if (diff.dangers.length > 0) {
    lines.push("", "#### Dangerous: a stateful resource would be deleted or replaced", "", "| resource | type | why |", "|---|---|---|");
    for (const danger of diff.dangers)
      lines.push(`| \`${danger.urn.split("::").at(-1) ?? danger.urn}\` | \`${danger.type}\` | ${danger.reason} |`);
  }
  if (diff.added.length > 0) {
    lines.push("", "#### Added", "", "| type | name | component |", "|---|---|---|");
    for (const r of diff.added) lines.push(`| \`${r.type}\` | \`${r.name}\` | ${r.component} |`);
  }
  if (diff.removed.length > 0) {
    lines.push("", "#### Deleted", "", "| type | name | component |", "|---|---|---|");
    for (const r of diff.removed) lines.push(`| \`${r.type}\` | \`${r.name}\` | ${r.component} |`);
  }
  if (diff.changed.length > 0) {
    lines.push("", "#### Changed", "", "| resource | input | before | after |", "|---|---|---|---|");
    for (const change of diff.changed) {
      const label = `\`${change.resource.type.split(":").at(-1) ?? change.resource.type}\` \`${change.resource.name}\``;
      if (change.movedFrom) lines.push(`| ${label} | (moved from \`${change.movedFrom}\` through an alias) | | |`);
      for (const input of change.inputs) lines.push(`| ${label} | \`${input.path}\` | ${show(input.before)} | ${show(input.after)} |`);
    }
  }
  return `${lines.join("\n")}\n`;
}
