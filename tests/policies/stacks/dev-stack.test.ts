import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../scripts/lib/mock-stack/run-stack";
import { checkStackAgainstPack, type StackCheck } from "../../../scripts/lib/stack-policy-check";

/** The advisories docs/POLICIES.md documents for dev, as "rule resource" pairs. */
function documentedAdvisories(): string[] {
  const doc = fs.readFileSync(path.join(REPO_ROOT, "docs", "POLICIES.md"), "utf8");
  const list = /<!-- dev-advisories:start -->([\s\S]*?)<!-- dev-advisories:end -->/.exec(doc)?.[1] ?? "";
  return [...list.matchAll(/^- `([a-z0-9-]+)` on `([^`]+)`/gm)].map(([, rule, resource]) => `${rule} ${resource}`).sort();
}

let dev: StackCheck;
beforeAll(async () => {
  dev = await checkStackAgainstPack("dev");
}, 60_000);

describe("the dev stack under the policy pack", () => {
  it("is checked at the dev levels", () => {
    expect(dev.configSource).toBe("policies/config/dev.json");
  });

  it("reports nothing mandatory", () => {
    expect(dev.violations.filter((v) => v.level === "mandatory")).toEqual([]);
  });

  it("reports exactly the advisories docs/POLICIES.md lists for it", () => {
    // By logical name on purpose: the document names each resource so, and a rename must update it.
    const reported = dev.violations.map((v) => `${v.rule} ${v.urn.split("::").pop()}`).sort();
    expect(documentedAdvisories().length).toBeGreaterThan(0);
    expect(reported).toEqual(documentedAdvisories());
  });
});
