import * as path from "path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/mock-stack/run-stack";

/**
 * `npm test` lints the whole repository first (eslint.config.mjs); these prove the
 * rules that matter most would catch their bug, on fixtures that are wrong on
 * purpose (tests/fixtures/ is otherwise left out of the lint).
 */
async function findings(fixture: string, rule: string): Promise<number[]> {
  const eslint = new ESLint({ cwd: REPO_ROOT, ignore: false });
  const [result] = await eslint.lintFiles([path.join(REPO_ROOT, "tests", "fixtures", fixture)]);
  return (result?.messages ?? []).filter((message) => message.ruleId === rule).map((message) => message.line);
}

describe("lint rules", () => {
  it("find a Pulumi Output in a plain template literal, and leave pulumi.interpolate alone", async () => {
    expect(await findings("output-in-template.ts", "@typescript-eslint/restrict-template-expressions")).toEqual([6, 7]);
  }, 120_000);

  it("find a promise nobody awaits, and leave awaited and explicitly ignored ones alone", async () => {
    expect(await findings("floating-promise.ts", "@typescript-eslint/no-floating-promises")).toEqual([5]);
  }, 120_000);
});
