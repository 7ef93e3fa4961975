import { describe, expect, it } from "vitest";
import { runStack } from "../../scripts/lib/mock-stack/run-stack";
import { buildPlan, renderPlanJson } from "../../scripts/lib/plan/plan";

/** Every string found where the redacted copy of the same inputs says "[secret]". */
function secretValues(inputs: unknown, redacted: unknown): string[] {
  if (redacted === "[secret]") return [typeof inputs === "string" ? inputs : JSON.stringify(inputs)];
  if (typeof inputs !== "object" || inputs === null || typeof redacted !== "object" || redacted === null) return [];
  return Object.keys(inputs).flatMap((key) =>
    secretValues((inputs as Record<string, unknown>)[key], (redacted as Record<string, unknown>)[key]),
  );
}

describe("the plan of prod", () => {
  it("holds no secret the program declares: passwords, tokens, keys and Kubernetes Secret data read [secret]", async () => {
    const run = await runStack("prod");
    const secrets = run.declared
      .flatMap((resource) => secretValues(resource.inputs, resource.redactedInputs))
      .filter((value) => value.length >= 8);
    // The generated database password, cache AUTH token and JWT key, and the Secrets built from them, at least.
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    const text = renderPlanJson(buildPlan(run, { project: "coupon-platform", stack: "prod", profile: "prod" }));
    for (const secret of secrets) expect(text.includes(secret), `a secret of ${secret.length} characters reached the plan`).toBe(false);
    expect(text).toContain('"[secret]"');
  });
});
