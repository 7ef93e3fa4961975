import * as fs from "fs";
import * as path from "path";
import { PROFILES } from "../policies/lib/rule";
import { ALL_RULES } from "../policies/rules";
import { REPO_ROOT } from "./lib/mock-stack/run-stack";
import { renderProfileConfig, renderRuleTable, withRuleTable } from "./lib/policy-files";
import { POLICY_CONFIG_DIR } from "./lib/stack-policy-check";

/** `npm run policy:config`: rewrites policies/config/<profile>.json and the rule table in docs/POLICIES.md from the rules. */
fs.mkdirSync(POLICY_CONFIG_DIR, { recursive: true });
for (const profile of PROFILES) {
  const file = path.join(POLICY_CONFIG_DIR, `${profile}.json`);
  fs.writeFileSync(file, renderProfileConfig(ALL_RULES, profile));
  console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
}
const docs = path.join(REPO_ROOT, "docs", "POLICIES.md");
fs.writeFileSync(docs, withRuleTable(fs.readFileSync(docs, "utf8"), renderRuleTable(ALL_RULES)));
console.log(`wrote the rule table in ${path.relative(REPO_ROOT, docs)}`);
