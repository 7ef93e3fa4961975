import { describe, expect, it } from "vitest";
import { profileConfig } from "../../policies/lib/pack-config";
import { COMPUTE_RULES, familyOf } from "../../policies/rules/compute";
import { checkResource, unknown } from "../../policies/testing/harness";
import { ruleNamed } from "./rule-lookup";

const rule = ruleNamed(COMPUTE_RULES, "compute-instance-family-allowed");
const messages = (violations: readonly { message: string }[]) => violations.map((v) => v.message);

describe("compute-instance-family-allowed", () => {
  it("reads the family of every kind of instance type", () => {
    expect(
      ["m7i.large", "db.r7g.large", "cache.t4g.small", "kafka.m7g.large", "express.m7g.large", "c7i.metal-48xl"].map(familyOf),
    ).toEqual(["m7i", "r7g", "t4g", "m7g", "m7g", "c7i"]);
    expect(familyOf("nonsense")).toBeUndefined();
  });

  it("reports an old or unplanned family on each kind of resource, naming the field and the allowed families", async () => {
    const cases = [
      { type: "aws:ec2/instance:Instance", props: { instanceType: "m5.large" }, field: "instanceType is m5.large, of family m5" },
      {
        type: "eks:index:ManagedNodeGroup",
        props: { instanceTypes: ["m7i.large", "m4.xlarge"] },
        field: "instanceTypes[1] is m4.xlarge, of family m4",
      },
      { type: "aws:rds/instance:Instance", props: { instanceClass: "db.r5.large" }, field: "instanceClass is db.r5.large, of family r5" },
      {
        type: "aws:elasticache/replicationGroup:ReplicationGroup",
        props: { nodeType: "cache.m4.large" },
        field: "nodeType is cache.m4.large, of family m4",
      },
      {
        type: "aws:msk/cluster:Cluster",
        props: { brokerNodeGroupInfo: { instanceType: "kafka.m5.large" } },
        field: "brokerNodeGroupInfo.instanceType is kafka.m5.large, of family m5",
      },
    ];
    for (const { type, props, field } of cases) {
      const violations = await checkResource(rule, { type, props });
      expect(messages(violations), type).toEqual([
        expect.stringContaining(`${field}, which is not among the allowed families (t3, t3a, t4g`),
      ]);
      expect(violations[0]?.message).toContain("Fix: pick a type of an allowed family");
    }
  });

  it("passes the kit's types in both profiles and serverless capacity", async () => {
    for (const props of [{ instanceTypes: ["c7i.xlarge", "c6i.xlarge", "m7i.xlarge"] }, { instanceTypes: ["t3.large", "t3a.large"] }]) {
      expect(await checkResource(rule, { type: "eks:index:ManagedNodeGroup", props })).toEqual([]);
    }
    expect(
      await checkResource(rule, { type: "aws:msk/cluster:Cluster", props: { brokerNodeGroupInfo: { instanceType: "kafka.m7g.large" } } }),
    ).toEqual([]);
    expect(
      await checkResource(rule, { type: "aws:rds/clusterInstance:ClusterInstance", props: { instanceClass: "db.serverless" } }),
    ).toEqual([]);
  });

  it("takes the families from its setting, and is advisory in dev", async () => {
    const config = { [rule.name]: { enforcementLevel: "mandatory", families: ["m5"] } } as const;
    expect(await checkResource(rule, { type: "aws:ec2/instance:Instance", props: { instanceType: "m5.large" } }, config)).toEqual([]);
    expect(await checkResource(rule, { type: "aws:ec2/instance:Instance", props: { instanceType: "m7i.large" } }, config)).toHaveLength(1);
    const dev = await checkResource(
      rule,
      { type: "aws:ec2/instance:Instance", props: { instanceType: "m5.large" } },
      profileConfig(COMPUTE_RULES, "dev"),
    );
    expect(dev.map((v) => v.level)).toEqual(["advisory"]);
  });

  it("neither crashes nor reports on unknown types, and still judges the known ones of a list", async () => {
    expect(await checkResource(rule, { type: "aws:ec2/instance:Instance", props: { instanceType: unknown.string } })).toEqual([]);
    expect(await checkResource(rule, { type: "eks:index:ManagedNodeGroup", props: { instanceTypes: unknown.array } })).toEqual([]);
    expect(
      messages(await checkResource(rule, { type: "eks:index:ManagedNodeGroup", props: { instanceTypes: [unknown.string, "m5.large"] } })),
    ).toEqual([expect.stringContaining("instanceTypes[1] is m5.large")]);
  });
});
