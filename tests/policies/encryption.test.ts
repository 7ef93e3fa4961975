import { describe, expect, it } from "vitest";
import { ENCRYPTION_RULES } from "../../policies/rules/encryption";
import { checkResource, unknown } from "../../policies/testing/harness";
import { ruleNamed } from "./rule-lookup";

describe("kms-key-rotation", () => {
  const rule = ruleNamed(ENCRYPTION_RULES, "kms-key-rotation");
  const key = (props: Record<string, unknown>) => ({ type: "aws:kms/key:Key", name: "key", props });

  it("reports a symmetric key that does not rotate, saying how to fix it", async () => {
    const violations = await checkResource(rule, key({ enableKeyRotation: false }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain("does not rotate");
    expect(violations[0]?.message).toContain("enableKeyRotation: true");
    expect(violations[0]?.level).toBe("mandatory");
  });

  it("passes a rotating key and an asymmetric key (which cannot rotate)", async () => {
    expect(await checkResource(rule, key({ enableKeyRotation: true }))).toEqual([]);
    expect(await checkResource(rule, key({ customerMasterKeySpec: "RSA_2048" }))).toEqual([]);
  });

  it("neither crashes nor reports when the setting is unknown during preview", async () => {
    expect(await checkResource(rule, key({ enableKeyRotation: unknown.boolean }))).toEqual([]);
    expect(await checkResource(rule, key({ customerMasterKeySpec: unknown.string }))).toEqual([]);
  });

  it("ignores other resource types", async () => {
    expect(await checkResource(rule, { type: "aws:s3/bucket:Bucket", props: {} })).toEqual([]);
  });
});
