import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { AwsMocks } from "../../scripts/lib/mock-stack/aws-mocks";
import { stackConfig } from "../../scripts/lib/mock-stack/run-stack";

describe("a stack with bad config", () => {
  it("stops the program before any resource is declared, naming the key, the value and what is accepted", async () => {
    const mocks = new AwsMocks("eu-west-1");
    await pulumi.runtime.setMocks(mocks, "coupon-platform", "dev", false);
    pulumi.runtime.setAllConfig({ ...stackConfig("dev"), "coupon-platform:network": JSON.stringify({ azCount: 5 }) }, []);

    const error = await import("../../infra/index").then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(pulumi.RunError);
    expect((error as Error).message).toContain("coupon-platform:network.azCount = 5 (set by the stack): accepted: an integer from 2 to 3");
    expect(mocks.resources).toEqual([]);
  });
});
