import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { PROFILES } from "../../policies/lib/rule";
import { ALL_RULES } from "../../policies/rules";
import { REPO_ROOT } from "../../scripts/lib/mock-stack/run-stack";
import { renderProfileConfig, renderRuleTable, withRuleTable } from "../../scripts/lib/policy-files";

describe("files generated from the rules (`npm run policy:config` rewrites them)", () => {
  it.each(PROFILES)("policies/config/%s.json matches the rule table", (profile) => {
    const committed = fs.readFileSync(path.join(REPO_ROOT, "policies", "config", `${profile}.json`), "utf8");
    expect(committed).toBe(renderProfileConfig(ALL_RULES, profile));
  });

  it("docs/POLICIES.md lists every rule as the code defines it", () => {
    const committed = fs.readFileSync(path.join(REPO_ROOT, "docs", "POLICIES.md"), "utf8");
    expect(committed).toBe(withRuleTable(committed, renderRuleTable(ALL_RULES)));
  });
});
