import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { OFFLINE_PLAN_ENV } from "../../infra/configuration/placeholders";
import { AwsMocks } from "../../scripts/lib/mock-stack/aws-mocks";
import { stackConfig } from "../../scripts/lib/mock-stack/run-stack";

describe('a stack whose owner has values still to set ("unset")', () => {
  it("is refused by a real preview or update before any resource is declared, naming every key to set", async () => {
    // As the Pulumi engine runs the program: not the offline runner.
    delete process.env[OFFLINE_PLAN_ENV];
    const mocks = new AwsMocks("eu-west-1");
    await pulumi.runtime.setMocks(mocks, "coupon-platform", "dev", true);
    pulumi.runtime.setAllConfig(stackConfig("dev"), []);

    const error = await import("../../infra/index").then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(pulumi.RunError);
    const message = (error as Error).message;
    expect(message).toContain(
      'coupon-platform:cluster.publicAccessCidrs[0] = "unset": set it for this stack before `pulumi preview` or `pulumi up`',
    );
    expect(message).toContain('coupon-platform:delivery.certificateArn = "unset"');
    expect(mocks.resources).toEqual([]);
  });
});
