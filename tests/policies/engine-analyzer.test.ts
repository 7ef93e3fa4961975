import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { profileConfig } from "../../policies/lib/pack-config";
import { ALL_RULES } from "../../policies/rules";
import { unknown } from "../../policies/testing/harness";
import { startAnalyzer, type AnalyzerProcess } from "./harness/analyzer-process";

// The pack as `pulumi preview --policy-pack policies` runs it: a separate process,
// compiled by ts-node, answering the engine's gRPC calls.
describe("the pack under Pulumi's own policy-pack runner", () => {
  let pack: AnalyzerProcess;
  beforeAll(async () => {
    pack = await startAnalyzer();
  }, 180_000);
  afterAll(async () => pack?.stop());

  it("serves every rule of the table, each at its prod level by default", async () => {
    const served = await pack.policies();
    expect(served.map((p) => p.name).sort()).toEqual(ALL_RULES.map((r) => r.name).sort());
    for (const rule of ALL_RULES) expect(served.find((p) => p.name === rule.name)?.level, rule.name).toBe(rule.levels.prod);
  });

  it("reports a violating resource with the fix, at the configured level", async () => {
    await pack.configure(profileConfig(ALL_RULES, "prod"));
    const diagnostics = await pack.analyze({ type: "aws:kms/key:Key", name: "key", props: { enableKeyRotation: false } });
    expect(diagnostics).toEqual([
      { policy: "kms-key-rotation", level: "mandatory", message: expect.stringContaining("Fix: set `enableKeyRotation: true`") },
    ]);
  });

  it("says nothing about a value unknown during preview", async () => {
    expect(await pack.analyze({ type: "aws:kms/key:Key", name: "key", props: { enableKeyRotation: unknown.boolean } })).toEqual([]);
  });

  it("applies a profile's config file: protection is mandatory in prod and off in dev", async () => {
    const unprotectedDatabase = { type: "aws:rds/instance:Instance", name: "database-primary", props: {}, protect: false };
    await pack.configure(profileConfig(ALL_RULES, "prod"));
    const prod = (await pack.analyzeStack([unprotectedDatabase])).filter((d) => d.policy === "stack-stateful-protected");
    expect(prod).toEqual([
      { policy: "stack-stateful-protected", level: "mandatory", message: expect.stringContaining('"database-primary" is not protected') },
    ]);
    await pack.configure(profileConfig(ALL_RULES, "dev"));
    expect((await pack.analyzeStack([unprotectedDatabase])).filter((d) => d.policy === "stack-stateful-protected")).toEqual([]);
    await pack.configure(profileConfig(ALL_RULES, "prod"));
    expect(
      (await pack.analyzeStack([{ ...unprotectedDatabase, protect: true }])).filter((d) => d.policy === "stack-stateful-protected"),
    ).toEqual([]);
  });
});
