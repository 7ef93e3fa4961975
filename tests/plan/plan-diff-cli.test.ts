import { execFileSync } from "node:child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/mock-stack/run-stack";
import { renderPlanJson, type Plan } from "../../scripts/lib/plan/plan";
import { runScriptAsync, type ScriptResult } from "../../scripts/lib/plan/plan-process";
import { committedPlan } from "./harness/plan-of";

/**
 * `npm run plan:diff` end to end: the base is a real git commit holding an edited
 * snapshot, written with git's plumbing into a throw-away object directory (the
 * repository's own objects stay untouched; git reads both).
 */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-git-"));
const gitDir = path.resolve(REPO_ROOT, execFileSync("git", ["rev-parse", "--git-common-dir"], { cwd: REPO_ROOT, encoding: "utf8" }).trim());
const env: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_OBJECT_DIRECTORY: scratch,
  GIT_ALTERNATE_OBJECT_DIRECTORIES: path.join(gitDir, "objects"),
  GIT_AUTHOR_NAME: "base",
  GIT_AUTHOR_EMAIL: "base@example.com",
  GIT_COMMITTER_NAME: "base",
  GIT_COMMITTER_EMAIL: "base@example.com",
};
const git = (args: string[], input?: string) => execFileSync("git", args, { cwd: REPO_ROOT, env, input, encoding: "utf8" }).trim();

/** A commit whose tree holds Pulumi.prod.yaml and the given plan as stacks/prod.plan.json. */
function baseCommit(plan: Plan): string {
  const planBlob = git(["hash-object", "-w", "--stdin"], renderPlanJson(plan));
  const stackBlob = git(["hash-object", "-w", "--stdin"], fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8"));
  const stacks = git(["mktree"], `100644 blob ${planBlob}\tprod.plan.json\n`);
  const root = git(["mktree"], `100644 blob ${stackBlob}\tPulumi.prod.yaml\n040000 tree ${stacks}\tstacks\n`);
  return git(["commit-tree", root, "-m", "base"]);
}

function withDatabaseInputs(inputs: Record<string, unknown>): Plan {
  const plan = committedPlan("prod");
  return {
    ...plan,
    resources: plan.resources.map((r) => (r.name === "database-primary" ? { ...r, inputs: { ...r.inputs, ...inputs } } : r)),
  };
}

const planDiff = (...args: string[]) => runScriptAsync("plan-diff.ts", args, { env });

describe("npm run plan:diff", () => {
  let unchanged: ScriptResult;
  let replaced: ScriptResult;
  let changed: ScriptResult;
  let markdownFile: string;

  beforeAll(async () => {
    markdownFile = path.join(scratch, "diff.md");
    [unchanged, replaced, changed] = await Promise.all([
      planDiff("--stack", "prod", "--base", baseCommit(committedPlan("prod"))),
      // The base had another key: the working tree's key would replace the database.
      planDiff(
        "--stack",
        "prod",
        "--base",
        baseCommit(withDatabaseInputs({ kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/the-old-key" })),
        "--out",
        markdownFile,
      ),
      planDiff("--stack", "prod", "--base", baseCommit(withDatabaseInputs({ backupRetentionPeriod: 7 }))),
    ]);
  }, 120_000);

  it("exits 0 and says so when the working tree plans what the base committed", () => {
    expect(unchanged.stderr).toBe("");
    expect(unchanged.status).toBe(0);
    expect(unchanged.stdout).toContain("no change");
    expect(unchanged.stdout).toMatch(/Policy pack on the working tree/);
  });

  it("exits 2 when the change replaces the database, naming the input, and writes the comment to --out", () => {
    expect(replaced.status).toBe(2);
    expect(replaced.stdout).toContain("**1 dangerous**");
    expect(replaced.stdout).toMatch(/database-primary.*`kmsKeyId` changed/);
    expect(fs.readFileSync(markdownFile, "utf8")).toBe(`${replaced.stdout.trimEnd()}\n`);
  });

  it("exits 1 on a change that updates in place, with the input's before and after", () => {
    expect(changed.status).toBe(1);
    expect(changed.stdout).toMatch(/`backupRetentionPeriod` \| `7` \| `30`/);
    expect(changed.stdout).not.toContain("dangerous");
  });

  it("exits 3 with a clear message on a ref that does not exist or a missing argument", async () => {
    const [badRef, missing] = await Promise.all([
      planDiff("--stack", "prod", "--base", "no-such-ref-anywhere"),
      planDiff("--stack", "prod"),
    ]);
    expect(badRef.status).toBe(3);
    expect(badRef.stderr).toContain("--base no-such-ref-anywhere: not a commit in this repository");
    expect(missing.status).toBe(3);
    expect(missing.stderr).toContain("--stack and --base are required");
  }, 60_000);
});
