import { execFileSync } from "node:child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/mock-stack/run-stack";
import { runScriptAsync, type ScriptResult } from "../../scripts/lib/plan/plan-process";
import { snapshotPath, stackOfFile } from "../../scripts/lib/plan/snapshots";

/** The stacks the repository commits: each must have a snapshot that matches its program. */
const committedStacks = execFileSync("git", ["ls-files", "Pulumi.*.yaml"], { cwd: REPO_ROOT, encoding: "utf8" })
  .split("\n")
  .map(stackOfFile)
  .filter((stack): stack is string => stack !== undefined);

const OUTPUTS = ["plan.json", "plan.md", "architecture.mmd"] as const;

interface PlanRun {
  readonly result: ScriptResult;
  readonly files: Record<(typeof OUTPUTS)[number], string>;
}

/** One `npm run plan` into a fresh directory, from a given working directory and environment. */
async function plan(stack: string, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<PlanRun> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `plan-${stack}-`));
  const result = await runScriptAsync("plan.ts", ["--stack", stack, "--out", out], options);
  const files = Object.fromEntries(
    OUTPUTS.map((suffix) => [
      suffix,
      fs.existsSync(path.join(out, `${stack}.${suffix}`)) ? fs.readFileSync(path.join(out, `${stack}.${suffix}`), "utf8") : "",
    ]),
  );
  fs.rmSync(out, { recursive: true, force: true });
  return { result, files: files as PlanRun["files"] };
}

describe.each(committedStacks)("the plan of stack %s", (stack) => {
  let first: PlanRun;
  let second: PlanRun;
  let elsewhere: string;

  beforeAll(async () => {
    // The second run stands in for another machine: another working directory, time
    // zone, locale and home. Nothing of either may reach the plan.
    elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "plan-elsewhere-"));
    [first, second] = await Promise.all([
      plan(stack, { cwd: REPO_ROOT, env: process.env }),
      plan(stack, {
        cwd: elsewhere,
        env: { ...process.env, TZ: "Pacific/Chatham", LANG: "de_DE.UTF-8", LC_ALL: "de_DE.UTF-8", HOME: elsewhere },
      }),
    ]);
  }, 180_000);

  it("is written without error", () => {
    expect(first.result.stderr).not.toMatch(/error/i);
    expect(first.result.status).toBe(0);
    expect(second.result.status).toBe(0);
  });

  it("is byte-identical across runs, working directories, time zones and locales", () => {
    for (const output of OUTPUTS) {
      expect(first.files[output].length, output).toBeGreaterThan(0);
      expect(second.files[output], output).toBe(first.files[output]);
    }
  });

  it("carries no machine path, timestamp or home directory", () => {
    for (const output of OUTPUTS) {
      // (A bare /tmp may appear: it is a mount path in the pod templates.)
      expect(first.files[output]).not.toContain(REPO_ROOT);
      expect(second.files[output]).not.toContain(elsewhere);
      expect(first.files[output]).not.toContain(`${os.tmpdir()}/plan-`);
      expect(first.files[output]).not.toContain(os.homedir());
      expect(first.files[output]).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
  });

  it("matches the committed snapshot stacks/<stack>.plan.json (run `npm run plan:update` after an intended change)", () => {
    const committed = fs.readFileSync(snapshotPath(stack), "utf8");
    expect(first.files["plan.json"] === committed, `stacks/${stack}.plan.json is stale: run npm run plan:update and review the diff`).toBe(
      true,
    );
  });
});

describe("committed stacks", () => {
  it("are the dev and prod stacks at least, each with a snapshot", () => {
    expect(committedStacks).toEqual(expect.arrayContaining(["dev", "prod"]));
    for (const stack of committedStacks) expect(fs.existsSync(snapshotPath(stack)), stack).toBe(true);
  });
});
