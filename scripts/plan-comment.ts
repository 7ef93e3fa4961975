import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "node:util";
import { runScriptAsync } from "./lib/plan/plan-process";
import { definedStacks } from "./lib/plan/snapshots";

/**
 * `npm run plan:comment -- --base <git ref> [--out comment.md] [stack …]`: the
 * pull-request comment — each stack's plan diff against the base, with the policy
 * pack's verdict — in one Markdown document. Every stack's diff runs in its own
 * process (Pulumi's runtime is process-global), all at once. Exits with the worst
 * stack's plan:diff code: 0 no change, 1 changes, 2 dangerous, 3 a diff failed.
 */
const USAGE = "usage: npm run plan:comment -- --base <git ref> [--out comment.md] [stack …]";
/** GitHub refuses comments over 65,536 characters. */
const MAX_COMMENT = 60_000;

async function main(): Promise<number> {
  let parsed: { values: { base?: string; out?: string }; positionals: string[] };
  try {
    parsed = parseArgs({ options: { base: { type: "string" }, out: { type: "string" } }, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`plan:comment: ${(error as Error).message}\n${USAGE}`);
    return 3;
  }
  const { base, out } = parsed.values;
  if (!base) {
    console.error(`plan:comment: --base is required\n${USAGE}`);
    return 3;
  }
  const stacks = parsed.positionals.length > 0 ? parsed.positionals : definedStacks();
  const results = await Promise.all(stacks.map((stack) => runScriptAsync("plan-diff.ts", ["--stack", stack, "--base", base])));
  const codes = results.map((result) => (result.status === null || result.status > 3 ? 3 : result.status));
  const worst = Math.max(0, ...codes);
  const sections = results.map((result, i) =>
    codes[i] === 3 ? `### Plan diff: stack \`${stacks[i]}\`\n\nThe diff could not be made:\n\n\`\`\`\n${result.stderr.trim()}\n\`\`\`\n` : result.stdout.trim(),
  );
  const headline = ["**Offline plan diff** (`npm run plan:diff`, no cloud credentials): ", ["no change", "changes, nothing stateful replaced", "**a stateful resource would be deleted or replaced**", "**a diff failed**"][worst]].join("");
  let comment = `${headline}\n\n${sections.join("\n\n---\n\n")}\n`;
  if (comment.length > MAX_COMMENT) comment = `${comment.slice(0, MAX_COMMENT)}\n\n… cut to fit a comment: run \`npm run plan:diff -- --stack <name> --base ${base}\` for the whole diff.\n`;
  if (out) {
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    fs.writeFileSync(out, comment);
  }
  console.log(comment);
  return worst;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`plan:comment: ${(error as Error).message}`);
    process.exit(3);
  },
);
