import { describe, expect, it } from "vitest";
import { checkStackAgainstPack } from "../../../scripts/lib/stack-policy-check";

describe("a prod fork that opens the Kubernetes API to the internet through its config", () => {
  it("is stopped by eks-endpoint-private-only at prod's mandatory level", async () => {
    const fork = await checkStackAgainstPack("prod", {
      configOverrides: { "coupon-platform:cluster": JSON.stringify({ endpointPublicAccess: true, publicAccessCidrs: ["81.2.69.0/24"] }) },
    });
    // On the fork's EKS cluster, whatever its logical name.
    const clusters = fork.resources.filter((r) => r.type === "eks:index:Cluster");
    expect(clusters).toHaveLength(1);
    expect(fork.violations.map((v) => [v.rule, v.level, v.urn])).toEqual([["eks-endpoint-private-only", "mandatory", clusters[0]!.urn]]);
  });
});
