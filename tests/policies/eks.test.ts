import { describe, expect, it } from "vitest";
import { profileConfig } from "../../policies/lib/pack-config";
import { EKS_RULES, EXTENDED_SUPPORT_VERSIONS, STANDARD_SUPPORT_VERSIONS } from "../../policies/rules/eks";
import { checkResource, checkStack, unknown, type ResourceUnderTest } from "../../policies/testing/harness";
import { ruleNamed } from "./rule-lookup";

const ALL_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** The @pulumi/eks component as infra/cluster/cluster.ts declares it in prod. */
const componentCluster = (props: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: "eks:index:Cluster",
  name: "cluster-eks",
  props: {
    version: "1.35",
    upgradePolicy: { supportType: "EXTENDED" },
    endpointPrivateAccess: true,
    endpointPublicAccess: false,
    encryptionConfigKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/secrets",
    enabledClusterLogTypes: ALL_LOGS,
    authenticationMode: "API",
    ...props,
  },
});

/** The aws.eks.Cluster the component creates, as a real engine hands it to the pack. */
const awsCluster = (props: Record<string, unknown> = {}, vpcConfig: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: "aws:eks/cluster:Cluster",
  name: "cluster-eks-eksCluster",
  props: {
    version: "1.35",
    vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], endpointPrivateAccess: true, endpointPublicAccess: false, ...vpcConfig },
    encryptionConfig: { provider: { keyArn: "arn:aws:kms:eu-west-1:123456789012:key/secrets" }, resources: ["secrets"] },
    enabledClusterLogTypes: ALL_LOGS,
    accessConfig: { authenticationMode: "API" },
    ...props,
  },
});

const messages = (violations: readonly { message: string }[]) => violations.map((v) => v.message);

describe("eks-endpoint-not-public-to-world", () => {
  const rule = ruleNamed(EKS_RULES, "eks-endpoint-not-public-to-world");

  it("reports a public endpoint with no CIDR list, since EKS then opens it to 0.0.0.0/0", async () => {
    const violations = await checkResource(rule, componentCluster({ endpointPublicAccess: true }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("lists no publicAccessCidrs, so EKS opens it to 0.0.0.0/0");
    expect(violations[0]?.message).toContain("Fix: turn the public endpoint off");
  });

  it("reports an unset endpointPublicAccess (EKS's default is public) and an empty list", async () => {
    expect(messages(await checkResource(rule, componentCluster({ endpointPublicAccess: undefined })))).toEqual([
      expect.stringContaining("0.0.0.0/0"),
    ]);
    expect(messages(await checkResource(rule, componentCluster({ endpointPublicAccess: true, publicAccessCidrs: [] })))).toEqual([
      expect.stringContaining("lists no publicAccessCidrs"),
    ]);
  });

  it("reports a list containing 0.0.0.0/0 or ::/0, naming it, on both shapes", async () => {
    const component = await checkResource(
      rule,
      componentCluster({ endpointPublicAccess: true, publicAccessCidrs: ["198.51.100.7/32", "0.0.0.0/0"] }),
    );
    expect(messages(component)).toEqual([expect.stringContaining("admits 0.0.0.0/0 in publicAccessCidrs")]);
    const aws = await checkResource(rule, awsCluster({}, { endpointPublicAccess: true, publicAccessCidrs: ["::/0"] }));
    expect(messages(aws)).toEqual([expect.stringContaining("admits ::/0 in vpcConfig.publicAccessCidrs")]);
    const awsNoList = await checkResource(rule, awsCluster({}, { endpointPublicAccess: undefined }));
    expect(messages(awsNoList)).toEqual([expect.stringContaining("(vpcConfig.endpointPublicAccess) lists no vpcConfig.publicAccessCidrs")]);
  });

  it("passes a private endpoint and a public one limited to named CIDRs (the dev profile)", async () => {
    expect(await checkResource(rule, componentCluster())).toEqual([]);
    expect(await checkResource(rule, componentCluster({ endpointPublicAccess: true, publicAccessCidrs: ["198.51.100.7/32"] }))).toEqual([]);
    expect(await checkResource(rule, awsCluster({}, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }))).toEqual([]);
  });

  it("is mandatory in the dev profile too (locked)", async () => {
    const violations = await checkResource(rule, componentCluster({ endpointPublicAccess: true }), profileConfig(EKS_RULES, "dev"));
    expect(violations[0]?.level).toBe("mandatory");
  });

  it("neither crashes nor reports when the endpoint settings are unknown during preview", async () => {
    expect(await checkResource(rule, componentCluster({ endpointPublicAccess: unknown.boolean }))).toEqual([]);
    expect(await checkResource(rule, componentCluster({ endpointPublicAccess: true, publicAccessCidrs: unknown.array }))).toEqual([]);
    expect(await checkResource(rule, componentCluster({ endpointPublicAccess: true, publicAccessCidrs: [unknown.string] }))).toEqual([]);
    expect(await checkResource(rule, awsCluster({ vpcConfig: unknown.object }))).toEqual([]);
    expect(await checkResource(rule, awsCluster({}, { endpointPublicAccess: true, publicAccessCidrs: unknown.array }))).toEqual([]);
  });

  it("ignores other resource types", async () => {
    expect(await checkResource(rule, { type: "aws:ec2/vpc:Vpc", props: { endpointPublicAccess: true } })).toEqual([]);
  });
});

describe("eks-endpoint-private-only", () => {
  const rule = ruleNamed(EKS_RULES, "eks-endpoint-private-only");

  it("reports any public endpoint, even one limited to CIDRs: mandatory under prod, advisory under dev", async () => {
    const publicToOneCidr = componentCluster({ endpointPublicAccess: true, publicAccessCidrs: ["198.51.100.7/32"] });
    const prod = await checkResource(rule, publicToOneCidr, profileConfig(EKS_RULES, "prod"));
    expect(prod).toHaveLength(1);
    expect(prod[0]?.level).toBe("mandatory");
    expect(prod[0]?.message).toContain("API endpoint is public (endpointPublicAccess is true or unset)");
    expect(prod[0]?.message).toContain("cluster.endpointPublicAccess: false");
    const dev = await checkResource(rule, publicToOneCidr, profileConfig(EKS_RULES, "dev"));
    expect(dev.map((v) => v.level)).toEqual(["advisory"]);
  });

  it("reports the AWS cluster's public endpoint, unset counting as public", async () => {
    expect(messages(await checkResource(rule, awsCluster({}, { endpointPublicAccess: undefined })))).toEqual([
      expect.stringContaining("vpcConfig.endpointPublicAccess is true or unset"),
    ]);
  });

  it("reports a cluster with neither endpoint", async () => {
    const violations = await checkResource(rule, componentCluster({ endpointPrivateAccess: undefined }));
    expect(messages(violations)).toEqual([
      expect.stringContaining("endpointPrivateAccess is not true, so the Kubernetes API would be unreachable"),
    ]);
  });

  it("passes a private-only endpoint on both shapes", async () => {
    expect(await checkResource(rule, componentCluster())).toEqual([]);
    expect(await checkResource(rule, awsCluster())).toEqual([]);
  });

  it("neither crashes nor reports when the endpoint settings are unknown during preview", async () => {
    expect(await checkResource(rule, componentCluster({ endpointPublicAccess: unknown.boolean }))).toEqual([]);
    expect(await checkResource(rule, componentCluster({ endpointPrivateAccess: unknown.boolean }))).toEqual([]);
    expect(await checkResource(rule, awsCluster({ vpcConfig: unknown.object }))).toEqual([]);
    expect(await checkResource(rule, awsCluster({}, { endpointPrivateAccess: unknown.boolean }))).toEqual([]);
  });
});

describe("eks-control-plane-logs", () => {
  const rule = ruleNamed(EKS_RULES, "eks-control-plane-logs");

  it("reports the missing log types by name", async () => {
    const violations = await checkResource(rule, componentCluster({ enabledClusterLogTypes: ["api", "audit", "authenticator"] }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("does not send the controllerManager, scheduler control-plane logs");
    expect(violations[0]?.message).toContain("CONTROL_PLANE_LOG_TYPES");
  });

  it("reports a cluster with no logs at all, on both shapes", async () => {
    expect(messages(await checkResource(rule, componentCluster({ enabledClusterLogTypes: undefined })))).toEqual([
      expect.stringContaining("sends no control-plane logs"),
    ]);
    expect(messages(await checkResource(rule, awsCluster({ enabledClusterLogTypes: [] })))).toEqual([
      expect.stringContaining("sends no control-plane logs"),
    ]);
    expect(
      messages(await checkResource(rule, awsCluster({ enabledClusterLogTypes: ["api", "audit", "authenticator", "scheduler"] }))),
    ).toEqual([expect.stringContaining("does not send the controllerManager control-plane log ")]);
  });

  it("passes all five", async () => {
    expect(await checkResource(rule, componentCluster())).toEqual([]);
    expect(await checkResource(rule, awsCluster())).toEqual([]);
  });

  it("neither crashes nor reports when the list or one of its entries is unknown during preview", async () => {
    expect(await checkResource(rule, componentCluster({ enabledClusterLogTypes: unknown.array }))).toEqual([]);
    expect(await checkResource(rule, awsCluster({ enabledClusterLogTypes: ["api", unknown.string] }))).toEqual([]);
  });
});

describe("eks-secrets-encrypted", () => {
  const rule = ruleNamed(EKS_RULES, "eks-secrets-encrypted");

  it("reports a component without encryptionConfigKeyArn", async () => {
    const violations = await checkResource(rule, componentCluster({ encryptionConfigKeyArn: undefined }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("does not encrypt Kubernetes secrets with a KMS key: encryptionConfigKeyArn is not set");
    expect(violations[0]?.message).toContain("Fix: set `encryptionConfigKeyArn`");
  });

  it("reports an AWS cluster with no encryptionConfig, no key, or secrets left out of its resources", async () => {
    expect(messages(await checkResource(rule, awsCluster({ encryptionConfig: undefined })))).toEqual([
      expect.stringContaining("encryptionConfig is not set"),
    ]);
    expect(messages(await checkResource(rule, awsCluster({ encryptionConfig: { provider: {}, resources: ["secrets"] } })))).toEqual([
      expect.stringContaining("encryptionConfig.provider.keyArn is not set"),
    ]);
    expect(
      messages(
        await checkResource(
          rule,
          awsCluster({ encryptionConfig: { provider: { keyArn: "arn:aws:kms:eu-west-1:1:key/k" }, resources: [] } }),
        ),
      ),
    ).toEqual([expect.stringContaining('encryptionConfig.resources does not include "secrets"')]);
  });

  it("passes secrets encrypted with a KMS key", async () => {
    expect(await checkResource(rule, componentCluster())).toEqual([]);
    expect(await checkResource(rule, awsCluster())).toEqual([]);
  });

  it("neither crashes nor reports when the key or the encryption settings are unknown during preview", async () => {
    expect(await checkResource(rule, componentCluster({ encryptionConfigKeyArn: unknown.string }))).toEqual([]);
    expect(await checkResource(rule, awsCluster({ encryptionConfig: unknown.object }))).toEqual([]);
    expect(
      await checkResource(rule, awsCluster({ encryptionConfig: { provider: { keyArn: unknown.string }, resources: ["secrets"] } })),
    ).toEqual([]);
    expect(
      await checkResource(rule, awsCluster({ encryptionConfig: { provider: { keyArn: "arn:k" }, resources: unknown.array } })),
    ).toEqual([]);
  });
});

describe("eks-node-groups-private-subnets", () => {
  const rule = ruleNamed(EKS_RULES, "eks-node-groups-private-subnets");
  const subnet = (name: string, tier: string | undefined, extra: Record<string, unknown> = {}): ResourceUnderTest => {
    const props = {
      vpcId: "vpc-1",
      cidrBlock: "10.10.0.0/20",
      mapPublicIpOnLaunch: false,
      tags: tier ? { Name: name, tier } : { Name: name },
      ...extra,
    };
    return { type: "aws:ec2/subnet:Subnet", name, props, outputs: { ...props, id: `${name}-id` } };
  };
  const network = [subnet("private-0", "private"), subnet("private-1", "private"), subnet("public-0", "public"), subnet("data-0", "data")];
  const componentGroup = (subnetIds: unknown): ResourceUnderTest => ({
    type: "eks:index:ManagedNodeGroup",
    name: "cluster-apps",
    urn: "urn:pulumi:prod::coupon-platform::coupon-platform:cluster:Cluster$eks:index:ManagedNodeGroup::cluster-apps",
    props: { subnetIds },
  });
  const awsGroup = (subnetIds: unknown): ResourceUnderTest => ({
    type: "aws:eks/nodeGroup:NodeGroup",
    name: "cluster-system",
    props: { clusterName: "coupon-prod", nodeRoleArn: "arn:role", scalingConfig: { minSize: 1, maxSize: 2, desiredSize: 1 }, subnetIds },
  });

  it("reports a node group in a public subnet, naming the subnet and its tier, at the group's URN", async () => {
    const group = componentGroup(["private-0-id", "public-0-id"]);
    const violations = await checkStack(rule, [...network, group]);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ rule: "eks-node-groups-private-subnets", level: "mandatory", urn: group.urn });
    expect(violations[0]?.message).toContain(
      'eks:index:ManagedNodeGroup "cluster-apps" places nodes outside the private tier: subnet public-0-id (public-0) is tagged tier: public.',
    );
    expect(violations[0]?.message).toContain("network.privateSubnetIds");
  });

  it("reports untagged subnets, subnets the stack does not declare, and private-tier subnets that hand out public IPs", async () => {
    const stack = [
      ...network,
      subnet("loose", undefined),
      subnet("leaky", "private", { mapPublicIpOnLaunch: true }),
      awsGroup(["loose-id", "subnet-elsewhere", "leaky-id", "data-0-id"]),
    ];
    const [violation, ...rest] = await checkStack(rule, stack);
    expect(rest).toEqual([]);
    expect(violation?.message).toContain("subnet loose-id (loose) is not tagged tier");
    expect(violation?.message).toContain("subnet subnet-elsewhere is not one this stack declares");
    expect(violation?.message).toContain("subnet leaky-id (leaky) gives instances public IP addresses (mapPublicIpOnLaunch: true)");
    expect(violation?.message).toContain("subnet data-0-id (data-0) is tagged tier: data");
  });

  it("compares on the subnets' outputs (their ids), not their inputs", async () => {
    const renamed = { ...subnet("private-0", "private"), outputs: { ...subnet("private-0", "private").props, id: "subnet-0abc" } };
    expect(await checkStack(rule, [renamed, awsGroup(["subnet-0abc"])])).toEqual([]);
    expect(messages(await checkStack(rule, [renamed, awsGroup(["private-0-id"])]))).toEqual([
      expect.stringContaining("subnet private-0-id is not one this stack declares"),
    ]);
  });

  it("passes node groups in private subnets only, on both shapes", async () => {
    expect(await checkStack(rule, [...network, componentGroup(["private-0-id", "private-1-id"]), awsGroup(["private-1-id"])])).toEqual([]);
  });

  it("leaves a component node group without subnetIds to the aws.eks.NodeGroup it creates", async () => {
    expect(await checkStack(rule, [...network, componentGroup(undefined)])).toEqual([]);
  });

  it("neither crashes nor reports on what is unknown during preview, and still judges what is known", async () => {
    // A node group whose list, or one entry of it, is unknown.
    expect(await checkStack(rule, [...network, componentGroup(unknown.array)])).toEqual([]);
    expect(await checkStack(rule, [...network, componentGroup(["private-0-id", unknown.string])])).toEqual([]);
    // A subnet whose tags or public-IP setting are unknown: that subnet is not judged, the others are.
    const unknownTags = { ...subnet("later", "private"), outputs: { id: "later-id", tags: unknown.object, mapPublicIpOnLaunch: false } };
    const unknownIps = {
      ...subnet("later-2", "private"),
      outputs: { id: "later-2-id", tags: { tier: "private" }, mapPublicIpOnLaunch: unknown.boolean },
    };
    const found = await checkStack(rule, [...network, unknownTags, unknownIps, awsGroup(["later-id", "later-2-id", "public-0-id"])]);
    expect(messages(found)).toEqual([expect.stringMatching(/: subnet public-0-id \(public-0\) is tagged tier: public\. Fix/)]);
    // A subnet whose id is unknown may be the one a group names: "not declared" is not claimed.
    const unknownId = { ...subnet("new", "private"), outputs: { id: unknown.string, tags: { tier: "private" } } };
    expect(await checkStack(rule, [...network, unknownId, awsGroup(["new-subnet-id"])])).toEqual([]);
    // Another group whose list is unknown does not hide this one's violation.
    expect(await checkStack(rule, [...network, componentGroup(unknown.array), awsGroup(["public-0-id"])])).toHaveLength(1);
  });
});

describe("eks-supported-version", () => {
  const rule = ruleNamed(EKS_RULES, "eks-supported-version");

  it("includes the kit's configured version in standard support by default", () => {
    expect(STANDARD_SUPPORT_VERSIONS).toContain("1.35");
    expect(rule.configSchema?.properties.versions?.default).toEqual([...STANDARD_SUPPORT_VERSIONS]);
    expect(rule.configSchema?.properties.extendedVersions?.default).toEqual([...EXTENDED_SUPPORT_VERSIONS]);
  });

  it("reports a version EKS no longer supports, listing the supported ones", async () => {
    const violations = await checkResource(rule, componentCluster({ version: "1.29" }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain(
      "runs Kubernetes 1.29, which is not a version Amazon EKS supports (standard support: 1.34, 1.35, 1.36; extended support: 1.32, 1.33)",
    );
    expect(violations[0]?.message).toContain("cluster.kubernetesVersion");
  });

  it("reports an unpinned cluster and an unsupported node group version, on both shapes", async () => {
    expect(messages(await checkResource(rule, awsCluster({ version: undefined })))).toEqual([
      expect.stringContaining("pins no Kubernetes version"),
    ]);
    expect(messages(await checkResource(rule, { type: "eks:index:ManagedNodeGroup", props: { version: "1.28" } }))).toEqual([
      expect.stringContaining("The node group pins Kubernetes 1.28, which is not a version Amazon EKS supports"),
    ]);
    expect(messages(await checkResource(rule, { type: "aws:eks/nodeGroup:NodeGroup", props: { version: "1.30" } }))).toHaveLength(1);
  });

  it("allows an extended-support version only under the EXTENDED upgrade policy (EKS's default)", async () => {
    expect(await checkResource(rule, componentCluster({ version: "1.33" }))).toEqual([]);
    expect(await checkResource(rule, awsCluster({ version: "1.32", upgradePolicy: undefined }))).toEqual([]);
    const standardPolicy = await checkResource(rule, componentCluster({ version: "1.33", upgradePolicy: { supportType: "STANDARD" } }));
    expect(messages(standardPolicy)).toEqual([
      expect.stringContaining("Kubernetes 1.33, which is only in extended support, but its upgradePolicy.supportType is STANDARD"),
    ]);
  });

  it("passes supported versions and node groups that follow their cluster", async () => {
    expect(await checkResource(rule, componentCluster())).toEqual([]);
    expect(await checkResource(rule, awsCluster({ version: "1.36", upgradePolicy: { supportType: "STANDARD" } }))).toEqual([]);
    expect(await checkResource(rule, { type: "eks:index:ManagedNodeGroup", props: { version: "1.35" } })).toEqual([]);
    expect(await checkResource(rule, { type: "aws:eks/nodeGroup:NodeGroup", props: {} })).toEqual([]);
  });

  it("takes the supported lists from the pack config", async () => {
    const config = { "eks-supported-version": { versions: ["1.36", "1.37"], extendedVersions: [] } };
    expect(messages(await checkResource(rule, componentCluster(), config))).toEqual([
      expect.stringContaining(
        "runs Kubernetes 1.35, which is not a version Amazon EKS supports (standard support: 1.36, 1.37; extended support: none)",
      ),
    ]);
    expect(await checkResource(rule, componentCluster({ version: "1.37" }), config)).toEqual([]);
    expect(
      await checkResource(rule, componentCluster({ version: "1.29" }), { "eks-supported-version": { extendedVersions: ["1.29"] } }),
    ).toEqual([]);
  });

  it("neither crashes nor reports when the version or the upgrade policy is unknown during preview", async () => {
    expect(await checkResource(rule, componentCluster({ version: unknown.string }))).toEqual([]);
    expect(await checkResource(rule, componentCluster({ version: "1.33", upgradePolicy: unknown.object }))).toEqual([]);
    expect(await checkResource(rule, awsCluster({ version: "1.33", upgradePolicy: { supportType: unknown.string } }))).toEqual([]);
    expect(await checkResource(rule, { type: "aws:eks/nodeGroup:NodeGroup", props: { version: unknown.string } })).toEqual([]);
  });
});

describe("eks-authentication-mode-api", () => {
  const rule = ruleNamed(EKS_RULES, "eks-authentication-mode-api");

  it("reports a mode that keeps the aws-auth ConfigMap", async () => {
    const violations = await checkResource(rule, componentCluster({ authenticationMode: "API_AND_CONFIG_MAP" }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("authenticationMode is API_AND_CONFIG_MAP");
    expect(violations[0]?.message).toContain("eks.AuthenticationMode.Api");
  });

  it("reports an unset mode (CONFIG_MAP by default), on both shapes", async () => {
    expect(messages(await checkResource(rule, componentCluster({ authenticationMode: undefined })))).toEqual([
      expect.stringContaining("sets no authenticationMode, so EKS uses CONFIG_MAP"),
    ]);
    expect(messages(await checkResource(rule, awsCluster({ accessConfig: undefined })))).toEqual([
      expect.stringContaining("sets no accessConfig.authenticationMode"),
    ]);
    expect(messages(await checkResource(rule, awsCluster({ accessConfig: { authenticationMode: "CONFIG_MAP" } })))).toEqual([
      expect.stringContaining("accessConfig.authenticationMode is CONFIG_MAP"),
    ]);
  });

  it("passes API", async () => {
    expect(await checkResource(rule, componentCluster())).toEqual([]);
    expect(await checkResource(rule, awsCluster())).toEqual([]);
  });

  it("neither crashes nor reports when the mode is unknown during preview", async () => {
    expect(await checkResource(rule, componentCluster({ authenticationMode: unknown.string }))).toEqual([]);
    expect(await checkResource(rule, awsCluster({ accessConfig: unknown.object }))).toEqual([]);
    expect(await checkResource(rule, awsCluster({ accessConfig: { authenticationMode: unknown.string } }))).toEqual([]);
  });
});

describe("the EKS rules together", () => {
  it("are named eks-*, belong to the eks service and each say how to fix a violation", () => {
    for (const rule of EKS_RULES) {
      expect(rule.name).toMatch(/^eks-[a-z0-9-]+$/);
      expect(rule.service).toBe("eks");
      expect(rule.fix.length).toBeGreaterThan(20);
    }
  });

  it("pass the kit's prod cluster as the mock runtime declares it", async () => {
    for (const rule of EKS_RULES.filter((r) => r.kind === "resource")) {
      expect(await checkResource(rule, componentCluster(), profileConfig(EKS_RULES, "prod"))).toEqual([]);
    }
  });
});
