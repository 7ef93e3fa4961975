import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/mock-stack/run-stack";
import { runScriptAsync, type ScriptResult } from "../../scripts/lib/plan/plan-process";

/** `npm run policy` as a user runs it before a pull request: its table, its exit codes, its refusals. */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "policy-cli-"));
const devLevels = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policies", "config", "dev.json"), "utf8")) as Record<string, unknown>;
const configFile = (name: string, config: Record<string, unknown>) => {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
};
const policy = (...args: string[]) => runScriptAsync("policy.ts", args);

describe("npm run policy", () => {
  let prod: ScriptResult;
  let strictDev: ScriptResult;
  let lowered: ScriptResult;

  beforeAll(async () => {
    [prod, strictDev, lowered] = await Promise.all([
      policy("--stack", "prod"),
      // dev checked with Multi-AZ made mandatory: its single-AZ database now blocks.
      policy("--stack", "dev", "--config", configFile("strict-dev.json", { ...devLevels, "rds-multi-az": "mandatory" })),
      // A fork's file that switches a locked rule to advisory.
      policy("--stack", "prod", "--config", configFile("lowered.json", { "rds-not-publicly-accessible": "advisory" })),
    ]);
  }, 120_000);

  it("exits 0 on prod, saying which config it used and that nothing is wrong", () => {
    expect(prod.status).toBe(0);
    expect(prod.stdout).toContain("stack prod (profile prod); levels from policies/config/prod.json");
    expect(prod.stdout).toContain("no violations");
  });

  it("exits 1 on a mandatory violation, listing rule, level, resource and message", () => {
    expect(strictDev.status).toBe(1);
    expect(strictDev.stdout).toMatch(
      /rds-multi-az\s+mandatory\s+aws:rds\/instance:Instance::database-primary\s+The database instance is single-AZ/,
    );
    expect(strictDev.stdout).toMatch(/violations: 1 mandatory, 4 advisory/);
  });

  it("refuses (exit 2) a config that lowers a locked rule, naming it", () => {
    expect(lowered.status).toBe(2);
    expect(lowered.stderr).toContain("rds-not-publicly-accessible");
    expect(lowered.stderr).toMatch(/locked/);
  });

  it("refuses a stack that does not exist, pointing at stack:new", async () => {
    const missing = await policy("--stack", "nowhere");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("npm run stack:new -- nowhere --from <profile>");
  }, 60_000);
});
