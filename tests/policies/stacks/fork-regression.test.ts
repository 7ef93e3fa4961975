import { describe, expect, it } from "vitest";
import { checkStackAgainstPack } from "../../../scripts/lib/stack-policy-check";

describe("a prod fork that opens the Kubernetes API to the internet through its config", () => {
  it("is stopped by eks-endpoint-private-only at prod's mandatory level", async () => {
    const fork = await checkStackAgainstPack("prod", {
      configOverrides: { "coupon-platform:cluster": JSON.stringify({ endpointPublicAccess: true, publicAccessCidrs: ["81.2.69.0/24"] }) },
    });
    expect(fork.violations.map((v) => [v.rule, v.level, v.urn.split("::").pop()])).toEqual([
      ["eks-endpoint-private-only", "mandatory", "cluster-eks"],
    ]);
  });
});
