import { runPlanScript } from "./lib/plan/plan-process";
import { definedStacks } from "./lib/plan/snapshots";

/** `npm run plan:update`: rewrites stacks/<stack>.plan.json for every Pulumi.<stack>.yaml. */
let failed = false;
for (const stack of definedStacks()) {
  const result = runPlanScript(["--stack", stack, "--snapshot"]);
  process.stdout.write(result.stdout);
  if (result.status !== 0) {
    failed = true;
    process.stderr.write(`plan:update: stack ${stack} failed:\n${result.stderr}`);
  }
}
process.exit(failed ? 1 : 0);
