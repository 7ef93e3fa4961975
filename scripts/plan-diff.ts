import { execFileSync } from "node:child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "./lib/mock-stack/run-stack";
import { diffPlans, exitCodeOf } from "./lib/plan/diff";
import { renderDiffMarkdown } from "./lib/plan/diff-report";
import { makePlan } from "./lib/plan/make-plan";
import { parsePlanJson, type Plan } from "./lib/plan/plan";
import { verdictLine } from "./lib/plan/report";

/**
 * `npm run plan:diff -- --stack <name> --base <git ref> [--out <file.md>]`: what the
 * working tree changes in the stack's plan compared with the base's committed
 * snapshot (stacks/<name>.plan.json at that ref). Prints Markdown fit for a
 * pull-request comment. Exit 0 no change, 1 changes, 2 a stateful resource deleted or
 * replaced, 3 the diff could not be made.
 */
const USAGE = "usage: npm run plan:diff -- --stack <name> --base <git ref> [--out diff.md]";

async function main(): Promise<number> {
  let values: { stack?: string; base?: string; out?: string };
  try {
    ({ values } = parseArgs({ options: { stack: { type: "string" }, base: { type: "string" }, out: { type: "string" } }, strict: true }));
  } catch (error) {
    console.error(`plan:diff: ${(error as Error).message}\n${USAGE}`);
    return 3;
  }
  const { stack, base } = values;
  if (!stack || !base) {
    console.error(`plan:diff: --stack and --base are required\n${USAGE}`);
    return 3;
  }
  const basePlan = planAtRef(stack, base);
  const facts = await makePlan(stack);
  const diff = diffPlans(basePlan, facts.plan);
  const markdown = `${renderDiffMarkdown(diff, { stack, base })}\nPolicy pack on the working tree (${facts.policyConfigSource}): ${verdictLine(facts.violations)}.\n`;
  if (values.out) fs.writeFileSync(values.out, markdown);
  console.log(markdown);
  return exitCodeOf(diff);
}

/** The committed snapshot at a ref; a stack that did not exist there starts from nothing. */
function planAtRef(stack: string, ref: string): Plan {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  try {
    git("rev-parse", "--verify", `${ref}^{commit}`);
  } catch {
    throw new Error(`--base ${ref}: not a commit in this repository (fetch it first, e.g. git fetch origin main)`);
  }
  const snapshot = path.posix.join("stacks", `${stack}.plan.json`);
  try {
    return parsePlanJson(git("show", `${ref}:${snapshot}`), `${ref}:${snapshot}`);
  } catch (error) {
    const stackExisted = (() => {
      try {
        git("cat-file", "-e", `${ref}:Pulumi.${stack}.yaml`);
        return true;
      } catch {
        return false;
      }
    })();
    if (!stackExisted) return { project: "coupon-platform", stack, profile: "", resources: [] };
    throw new Error(
      `${ref} has no ${snapshot} (${(error as Error).message.split("\n")[0] ?? ""}); diff against a ref that has plan snapshots`,
      { cause: error },
    );
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`plan:diff: ${(error as Error).message}`);
    process.exit(3);
  },
);
