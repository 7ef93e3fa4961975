import { beforeAll, describe, expect, it } from "vitest";
import { runStack, type StackRun } from "../../scripts/lib/mock-stack/run-stack";
import { clusterSecurityGroupId } from "./harness/finders";

describe("a stack that lets CI runners call the private API", () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack("dev", {
      "coupon-platform:cluster": JSON.stringify({ publicAccessCidrs: ["81.2.69.160/32"], privateApiAccessCidrs: ["10.99.0.0/24"] }),
    });
  });

  it("opens 443 on the cluster security group to that network", () => {
    const rules = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.cidrIpv4);
    expect(rules.map((r) => [r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.securityGroupId])).toEqual([
      ["10.99.0.0/24", 443, clusterSecurityGroupId(run)],
    ]);
  });
});
