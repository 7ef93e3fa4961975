import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "node:util";
import { renderComment } from "./lib/plan/comment";
import { runScriptAsync, type ScriptResult } from "./lib/plan/plan-process";
import { definedStacks } from "./lib/plan/snapshots";

/**
 * `npm run plan:comment -- --base <git ref> [--out comment.md] [stack …]`: the
 * pull-request comment — each stack's plan diff against the base, with the policy
 * pack's verdict — in one Markdown document. Every stack's diff runs in its own
 * process (Pulumi's runtime is process-global), all at once. Exits with the worst
 * stack's plan:diff code: 0 no change, 1 changes, 2 dangerous, 3 a diff failed.
 */
const USAGE = "usage: npm run plan:comment -- --base <git ref> [--out comment.md] [stack …]";

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
  const { worst, comment } = renderComment(
    base,
    stacks.map((stack, i) => ({ stack, result: results[i] as ScriptResult })),
  );
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
