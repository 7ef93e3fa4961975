import type { ScriptResult } from "./plan-process";

/** Exit codes of plan:diff: 0 no change, 1 changes, 2 dangerous, 3 the diff could not be made. */
export type DiffOutcome = 0 | 1 | 2 | 3;

/** GitHub refuses comments over 65,536 characters. */
const MAX_COMMENT = 60_000;
const HEADLINES: Record<DiffOutcome, string> = {
  0: "no change",
  1: "changes, nothing stateful replaced",
  2: "**a stateful resource would be deleted or replaced**",
  3: "**a diff failed**",
};

/**
 * What one plan:diff run means. Its codes 0–2 count only with the diff it prints: a
 * script that crashes before printing (a module that throws at import) also exits 1,
 * and must not read as "changes".
 */
export function outcomeOf(result: ScriptResult): DiffOutcome {
  const printedDiff = result.stdout.includes("### Plan diff: stack");
  return (result.status === 0 || result.status === 1 || result.status === 2) && printedDiff ? result.status : 3;
}

/** The pull-request comment: a headline for the worst outcome, then each stack's diff or why it failed. */
export function renderComment(
  base: string,
  runs: readonly { readonly stack: string; readonly result: ScriptResult }[],
): { readonly worst: DiffOutcome; readonly comment: string } {
  const outcomes = runs.map(({ result }) => outcomeOf(result));
  const worst = Math.max(0, ...outcomes) as DiffOutcome;
  const sections = runs.map(({ stack, result }, i) =>
    outcomes[i] === 3
      ? `### Plan diff: stack \`${stack}\`\n\nThe diff could not be made:\n\n\`\`\`\n${result.stderr.trim() || `exit code ${String(result.status)}, no output`}\n\`\`\`\n`
      : result.stdout.trim(),
  );
  let comment = `**Offline plan diff** (\`npm run plan:diff\`, no cloud credentials): ${HEADLINES[worst]}\n\n${sections.join("\n\n---\n\n")}\n`;
  if (comment.length > MAX_COMMENT)
    comment = `${comment.slice(0, MAX_COMMENT)}\n\n… cut to fit a comment: run \`npm run plan:diff -- --stack <name> --base ${base}\` for the whole diff.\n`;
  return { worst, comment };
}
