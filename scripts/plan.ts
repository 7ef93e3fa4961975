import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "./lib/mock-stack/run-stack";
import { makePlan } from "./lib/plan/make-plan";
import { renderPlanJson } from "./lib/plan/plan";
import { renderPlanMarkdown, renderSummary } from "./lib/plan/report";
import { snapshotPath } from "./lib/plan/snapshots";

/**
 * `npm run plan -- --stack <name> [--out <dir>]`: the stack's offline plan (no
 * credentials, no Pulumi CLI) as JSON, Markdown and a Mermaid architecture drawing,
 * with a summary and the policy pack's verdict. `--snapshot` writes the committed
 * snapshot (stacks/<name>.plan.json) instead.
 */
const USAGE = "usage: npm run plan -- --stack <name> [--out dist/plan] [--snapshot]";

async function main(): Promise<number> {
  let values: { stack?: string; out?: string; snapshot?: boolean };
  try {
    ({ values } = parseArgs({
      options: { stack: { type: "string" }, out: { type: "string" }, snapshot: { type: "boolean" } },
      strict: true,
    }));
  } catch (error) {
    console.error(`plan: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const stack = values.stack;
  if (!stack) {
    console.error(`plan: --stack is required\n${USAGE}`);
    return 2;
  }
  if (!fs.existsSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`))) {
    console.error(`plan: no stack file Pulumi.${stack}.yaml`);
    return 2;
  }
  const facts = await makePlan(stack);
  if (values.snapshot) {
    fs.writeFileSync(snapshotPath(stack), renderPlanJson(facts.plan));
    console.log(`wrote ${path.relative(REPO_ROOT, snapshotPath(stack))} (${facts.plan.resources.length} resources)`);
    return 0;
  }
  const out = path.resolve(values.out ?? path.join(REPO_ROOT, "dist", "plan"));
  fs.mkdirSync(out, { recursive: true });
  const files = {
    json: path.join(out, `${stack}.plan.json`),
    markdown: path.join(out, `${stack}.plan.md`),
    mermaid: path.join(out, `${stack}.architecture.mmd`),
  };
  fs.writeFileSync(files.json, renderPlanJson(facts.plan));
  fs.writeFileSync(files.markdown, renderPlanMarkdown(facts));
  fs.writeFileSync(files.mermaid, facts.mermaid);
  console.log(renderSummary(facts));
  console.log(
    `wrote ${Object.values(files)
      .map((file) => path.relative(process.cwd(), file))
      .join(", ")}`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`plan: ${(error as Error).message}`);
    process.exit(2);
  },
);
