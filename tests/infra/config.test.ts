import { describe, expect, it } from "vitest";
import { parsePlatformConfig, type PlatformConfig } from "../../infra/config";
import { PlatformConfigError } from "../../infra/configuration/errors";
import { deepMerge } from "../../infra/configuration/merge";
import { stackConfig } from "../../scripts/lib/mock-stack/run-stack";

/** The dev stack's real config with some `coupon-platform:` keys changed, as `pulumi config set --path` would. */
function devWith(overrides: Record<string, unknown>): Record<string, string> {
  const values = stackConfig("dev");
  for (const [key, value] of Object.entries(overrides)) {
    const fullKey = `coupon-platform:${key}`;
    if (typeof value === "string") {
      values[fullKey] = value;
    } else {
      const current = values[fullKey] === undefined ? undefined : JSON.parse(values[fullKey]!);
      values[fullKey] = JSON.stringify(deepMerge(current, value));
    }
  }
  return values;
}

function problemsOf(values: Record<string, string>): string[] {
  try {
    parsePlatformConfig({ stack: "dev", values });
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformConfigError);
    return [...(error as PlatformConfigError).problems];
  }
  throw new Error("expected the config to be refused");
}

describe("stack config", () => {
  it("reads the dev and prod stacks into their profiles with the stacks' overrides", () => {
    const dev: PlatformConfig = parsePlatformConfig({ stack: "dev", values: stackConfig("dev") });
    expect(dev.profile).toBe("dev");
    expect(dev.name).toBe("coupon-dev");
    expect(dev.network.azCount).toBe(2);
    // Left for the stack's owner: rendered offline, refused by a real preview (unset-placeholders.test.ts).
    expect(dev.cluster.publicAccessCidrs).toEqual(["unset"]);
    expect(dev.delivery.certificateArn).toBe("unset");
    expect(dev.cluster.kubernetesVersion).toBe("1.35");
    expect(dev.tags).toEqual({ environment: "dev" });

    const prod = parsePlatformConfig({ stack: "prod", values: stackConfig("prod") });
    expect(prod.network).toMatchObject({ azCount: 3, natGateways: "perAz", interfaceEndpoints: true });
    expect(prod.cluster.endpointPublicAccess).toBe(false);
    expect(prod.cluster.deletionProtection).toBe(true);
  });

  it("merges a stack override into one key of a profile section and leaves the rest", () => {
    const config = parsePlatformConfig({ stack: "dev", values: devWith({ network: { azCount: 3 }, kafka: { brokerCount: 3 } }) });
    expect(config.network.azCount).toBe(3);
    expect(config.network.vpcCidr).toBe("10.20.0.0/16");
    expect(config.cluster.publicAccessCidrs).toEqual(["unset"]);
  });

  it("refuses a certificate from a region other than the stack's, and takes one from its own", () => {
    const certificate = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
    const values = { ...devWith({ delivery: { certificateArn: certificate("us-east-1") } }), "aws:region": "eu-west-1" };
    expect(problemsOf(values)).toEqual([
      `coupon-platform:delivery.certificateArn = "${certificate("us-east-1")}": is a certificate in us-east-1, but the stack deploys to aws:region eu-west-1 and a load balancer uses certificates of its own region only; accepted: an ACM certificate in eu-west-1`,
    ]);
    const ownRegion = { ...devWith({ delivery: { certificateArn: certificate("eu-west-1") } }), "aws:region": "eu-west-1" };
    expect(parsePlatformConfig({ stack: "dev", values: ownRegion }).delivery.certificateArn).toBe(certificate("eu-west-1"));
  });

  it("ignores other namespaces such as aws:region", () => {
    expect(() => parsePlatformConfig({ stack: "dev", values: { ...stackConfig("dev"), "aws:region": "us-east-2" } })).not.toThrow();
  });

  it("refuses a stack without a profile, naming the profiles on offer", () => {
    const values = stackConfig("dev");
    delete values["coupon-platform:profile"];
    expect(problemsOf(values)).toEqual(["coupon-platform:profile is not set; accepted: one of dev, prod (the files in stacks/)"]);
  });

  it("refuses an unknown profile", () => {
    expect(problemsOf(devWith({ profile: "staging" }))).toEqual([
      'coupon-platform:profile = "staging": unknown profile; accepted: one of dev, prod (the files in stacks/)',
    ]);
    expect(problemsOf(devWith({ profile: "../Pulumi" }))[0]).toMatch(/unknown profile/);
  });

  it("refuses an unknown top-level key, listing the accepted ones", () => {
    const [problem] = problemsOf(devWith({ netwrk: { azCount: 3 } }));
    expect(problem).toBe(
      'coupon-platform:netwrk = {"azCount":3}: unknown key; accepted keys: coupon-platform:profile, coupon-platform:name, coupon-platform:tags, coupon-platform:protectStatefulResources, coupon-platform:encryption, coupon-platform:network, coupon-platform:bastion, coupon-platform:cluster, coupon-platform:kafka, coupon-platform:cache, coupon-platform:database, coupon-platform:delivery',
    );
  });

  it("refuses an unknown nested key, listing the section's keys", () => {
    const [problem] = problemsOf(devWith({ network: { azCuont: 3 } }));
    expect(problem).toBe(
      "coupon-platform:network.azCuont = 3: unknown key; accepted keys: vpcCidr, azCount, availabilityZones, natGateways, flowLogRetentionDays, interfaceEndpoints",
    );
  });

  it.each([
    [
      { network: { azCount: 4 }, kafka: { brokerCount: 4 } },
      "coupon-platform:network.azCount = 4 (set by the stack): accepted: an integer from 2 to 3",
    ],
    [{ network: { azCount: 1 } }, "coupon-platform:network.azCount = 1 (set by the stack): accepted: an integer from 2 to 3"],
    [{ network: { azCount: 2.5 } }, "coupon-platform:network.azCount = 2.5 (set by the stack): accepted: an integer from 2 to 3"],
    [{ network: { azCount: "three" } }, 'coupon-platform:network.azCount = "three" (set by the stack): accepted: an integer from 2 to 3'],
    [
      { network: { natGateways: "two" } },
      'coupon-platform:network.natGateways = "two" (set by the stack): accepted: one of "perAz", "single"',
    ],
    [
      { network: { flowLogRetentionDays: 10 } },
      /network\.flowLogRetentionDays = 10 \(set by the stack\): accepted: a CloudWatch Logs retention in days: 1, 3, 5, 7, 14, 30/,
    ],
    [
      { network: { interfaceEndpoints: "yes" } },
      'coupon-platform:network.interfaceEndpoints = "yes" (set by the stack): accepted: true or false',
    ],
    [
      { network: { vpcCidr: "10.0.0/16" } },
      /network\.vpcCidr = "10\.0\.0\/16" \(set by the stack\): "10\.0\.0\/16" is not an IPv4 CIDR block like 10\.0\.0\.0\/16; accepted: an IPv4 CIDR block/,
    ],
    [{ network: { vpcCidr: "10.0.1.0/16" } }, /network\.vpcCidr = "10\.0\.1\.0\/16" .*host bits set; did you mean 10\.0\.0\.0\/16\?/],
    [
      { network: { vpcCidr: "10.0.0.0/24" } },
      /network\.vpcCidr = "10\.0\.0\.0\/24" .*prefix \/24 is out of range; accepted: .*with a prefix from \/16 to \/20/,
    ],
    [
      { network: { vpcCidr: "8.8.0.0/16" } },
      /network\.vpcCidr = "8\.8\.0\.0\/16" .*not a private range; accepted: .*inside 10\.0\.0\.0\/8, 172\.16\.0\.0\/12 or 192\.168\.0\.0\/16/,
    ],
    [
      { network: { availabilityZones: ["eu-west-1a"] } },
      /network\.availabilityZones = \["eu-west-1a"\] \(set by the stack\): lists 1 zones but network\.azCount is 2/,
    ],
    [
      { network: { availabilityZones: ["eu-west-1a", "eu-west-1a"] } },
      /network\.availabilityZones = .*: repeats a zone; accepted: distinct availability zones/,
    ],
    [
      { network: { availabilityZones: ["eu-west-1a", "west"] } },
      'coupon-platform:network.availabilityZones.1 = "west" (set by the stack): accepted: an availability zone name such as eu-west-1a',
    ],
    [
      { bastion: { instanceType: "large" } },
      'coupon-platform:bastion.instanceType = "large" (set by the stack): accepted: an EC2 instance type such as m7i.large or t4g.small',
    ],
    [{ bastion: { instanceType: "m5-large" } }, /bastion\.instanceType = "m5-large" .*accepted: an EC2 instance type/],
    [
      { cluster: { nodeGroups: { apps: { instanceTypes: ["c7i.xlarge", "C6I.XLARGE"] } } } },
      /cluster\.nodeGroups\.apps\.instanceTypes\.1 = "C6I\.XLARGE" .*accepted: an EC2 instance type/,
    ],
    [
      { cluster: { nodeGroups: { apps: { instanceTypes: [] } } } },
      /cluster\.nodeGroups\.apps\.instanceTypes = \[\] .*accepted: a list of 1 to 10 EC2 instance types/,
    ],
    [
      { cluster: { nodeGroups: { system: { minSize: 3, desiredSize: 2 } } } },
      /cluster\.nodeGroups\.system\.desiredSize = 2 .*min 3, desired 2, max 3; accepted: minSize <= desiredSize <= maxSize/,
    ],
    [
      { cluster: { nodeGroups: { apps: { instanceTypes: ["m7g.large", "m7i.large"] } } } },
      /cluster\.nodeGroups\.apps\.instanceTypes = .*mixes arm64 \(Graviton\) and x86_64 types/,
    ],
    // Gateway pods need a branch network interface for their security group: burstable types have none.
    [
      { cluster: { nodeGroups: { apps: { instanceTypes: ["m6i.large", "t3.large"] } } } },
      'coupon-platform:cluster.nodeGroups.apps.instanceTypes.1 = "t3.large" (set by the stack): has no trunk network interface (t3 family), so gateway pods could not get the security group the internal ALB admits; accepted: a type with security groups for pods, such as m6i.large, m7i.large, c7i.xlarge or m7g.large (not the t families or previous generations)',
    ],
    [
      { cluster: { kubernetesVersion: "1.20" } },
      'coupon-platform:cluster.kubernetesVersion = "1.20" (set by the stack): accepted: one of "1.34", "1.35", "1.36"',
    ],
    [
      { cluster: { serviceCidr: "10.20.0.0/16" } },
      /cluster\.serviceCidr = "10\.20\.0\.0\/16" .*overlaps network\.vpcCidr 10\.20\.0\.0\/16; accepted: a private range outside the VPC/,
    ],
    [
      { cluster: { publicAccessCidrs: ["0.0.0.0/0"] } },
      /cluster\.publicAccessCidrs\.0 = "0\.0\.0\.0\/0" \(set by the stack\): opens the Kubernetes API to the whole internet/,
    ],
    [
      { cluster: { publicAccessCidrs: [] } },
      /cluster\.publicAccessCidrs = \[\] \(set by the stack\): accepted: at least one CIDR .* while cluster\.endpointPublicAccess is true/,
    ],
    // Placeholders that pass a format check and fail at AWS: a documentation address, the all-zero certificate.
    [
      { cluster: { publicAccessCidrs: ["198.51.100.7/32"] } },
      /cluster\.publicAccessCidrs\.0 = "198\.51\.100\.7\/32" .*inside a documentation range \(RFC 5737\).*or "unset" to plan before you know it/,
    ],
    [
      { delivery: { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000" } },
      /delivery\.certificateArn = .* is the all-zero placeholder, no certificate of yours/,
    ],
    [
      { cluster: { endpointPublicAccess: false } },
      /cluster\.publicAccessCidrs = \["unset"\] .*has no effect while cluster\.endpointPublicAccess is false/,
    ],
    [
      { cluster: { adminRoleArn: "admins" } },
      /cluster\.adminRoleArn = "admins" .*accepted: an IAM role ARN such as arn:aws:iam::123456789012:role\/platform-admins, or "" for none/,
    ],
    [{ cluster: { logRetentionDays: 0 } }, /cluster\.logRetentionDays = 0 .*accepted: a CloudWatch Logs retention/],
    [
      { kafka: { brokerCount: 3 } },
      "coupon-platform:kafka.brokerCount = 3 (set by the stack): is not a multiple of network.azCount (2); accepted: 2, 4, 6, … (MSK puts the same number of brokers in every AZ)",
    ],
    // KEDA 2.20, Argo Rollouts 1.9.1 and the 1.35 autoscaler stop at 1.35: a newer control plane would run add-ons untested on it.
    [
      { cluster: { kubernetesVersion: "1.36" } },
      /cluster\.kubernetesVersion = "1\.36" .*outside what the pinned add-ons support: argo-rollouts \(1\.32–1\.35\), cluster-autoscaler \(1\.35–1\.35\), keda \(1\.33–1\.35\)/,
    ],
    // A zone spread with DoNotSchedule needs the autoscaler to add nodes per zone.
    [
      { delivery: { highAvailability: true } },
      "coupon-platform:cluster.nodeGroups.apps.perZone = false (from stacks/dev.yaml): is false while delivery.highAvailability spreads pods across zones with DoNotSchedule, which a node group spanning zones cannot scale for (Cluster Autoscaler FAQ); accepted: true",
    ],
    [{ kafka: { brokerCount: 1 } }, "coupon-platform:kafka.brokerCount = 1 (set by the stack): accepted: an integer from 2 to 30"],
    [
      { kafka: { kafkaVersion: "2.8.1" } },
      'coupon-platform:kafka.kafkaVersion = "2.8.1" (set by the stack): accepted: one of "3.8.x", "3.9.x", "3.9.x.kraft", "4.0.x.kraft", "4.1.x.kraft"',
    ],
    // MSK names its Kafka 4 versions with the KRaft suffix and refuses the bare one.
    [{ kafka: { kafkaVersion: "4.0.x" } }, /kafka\.kafkaVersion = "4\.0\.x" .*accepted: one of .*"4\.0\.x\.kraft"/],
    [
      { kafka: { instanceType: "m7g.large" } },
      'coupon-platform:kafka.instanceType = "m7g.large" (set by the stack): accepted: a kafka.* instance class such as kafka.m7g.large',
    ],
    [
      { kafka: { maxStorageGiB: 10 } },
      "coupon-platform:kafka.maxStorageGiB = 10 (set by the stack): is below kafka.storageGiB (20); accepted: at least the initial storage",
    ],
    [{ kafka: { enhancedMonitoring: "ALL" } }, /kafka\.enhancedMonitoring = "ALL" .*accepted: one of "DEFAULT", "PER_BROKER"/],
    [{ cache: { replicas: 6 } }, "coupon-platform:cache.replicas = 6 (set by the stack): accepted: an integer from 0 to 5"],
    [
      { cache: { multiAz: true } },
      "coupon-platform:cache.multiAz = true (set by the stack): needs a replica to fail over to; accepted: false, or cache.replicas of 1 or more",
    ],
    [
      { cache: { engine: "memcached" } },
      'coupon-platform:cache.engine = "memcached" (set by the stack): accepted: one of "valkey", "redis"',
    ],
    [
      { cache: { nodeType: "cache.huge" } },
      /cache\.nodeType = "cache\.huge" .*accepted: a cache\.\* instance class such as cache\.r7g\.large/,
    ],
    [{ database: { instanceClass: "r7g.large" } }, /database\.instanceClass = "r7g\.large" .*accepted: a db\.\* instance class/],
    [
      { database: { backupRetentionDays: 0 } },
      "coupon-platform:database.backupRetentionDays = 0 (set by the stack): accepted: an integer from 1 to 35",
    ],
    [{ database: { maxAllocatedStorageGiB: 19 } }, /database\.maxAllocatedStorageGiB = 19 .*accepted: an integer from 20 to 65536/],
    [
      { database: { allocatedStorageGiB: 200 } },
      "coupon-platform:database.maxAllocatedStorageGiB = 100 (from stacks/dev.yaml): is less than 10 % above database.allocatedStorageGiB (200), which RDS storage autoscaling refuses; accepted: at least 220",
    ],
    // Equal, or a few GiB above, is what the old check let through and RDS refuses.
    [
      { database: { allocatedStorageGiB: 100, maxAllocatedStorageGiB: 105 } },
      /maxAllocatedStorageGiB = 105 .*less than 10 % above database\.allocatedStorageGiB \(100\).*accepted: at least 110/,
    ],
    [
      { database: { enhancedMonitoringIntervalSeconds: 20 } },
      "coupon-platform:database.enhancedMonitoringIntervalSeconds = 20 (set by the stack): accepted: one of 0, 1, 5, 10, 15, 30, 60 (seconds; 0 = off)",
    ],
    [{ cluster: { privateApiAccessCidrs: ["8.8.8.0/24"] } }, /cluster\.privateApiAccessCidrs\.0 = "8\.8\.8\.0\/24" .*not a private range/],
    [
      { encryption: { keyDeletionWindowDays: 3 } },
      "coupon-platform:encryption.keyDeletionWindowDays = 3 (set by the stack): accepted: an integer from 7 to 30",
    ],
    [{ name: "Coupon_Prod" }, /coupon-platform:name = "Coupon_Prod" \(set by the stack\): accepted: 3–32 lowercase letters/],
    [{ tags: { "aws:owner": "me" } }, /coupon-platform:tags\.aws:owner.*not starting with aws:/],
  ])("refuses %j", (overrides, expected) => {
    const problems = problemsOf(devWith(overrides));
    expect(problems).toHaveLength(1);
    if (typeof expected === "string") expect(problems[0]).toBe(expected);
    else expect(problems[0]).toMatch(expected);
  });

  it("names where a bad value came from: the stack or the profile file", () => {
    const values = devWith({ cluster: { publicAccessCidrs: ["0.0.0.0/0"] } });
    const [fromStack] = problemsOf(values);
    expect(fromStack).toContain("(set by the stack)");
    const withoutStackCidrs = stackConfig("dev");
    delete withoutStackCidrs["coupon-platform:cluster"];
    const [fromProfile] = problemsOf(withoutStackCidrs);
    expect(fromProfile).toBe(
      "coupon-platform:cluster.publicAccessCidrs = [] (from stacks/dev.yaml): accepted: at least one CIDR (such as your egress IP as a /32) while cluster.endpointPublicAccess is true",
    );
  });

  it("reports every problem at once", () => {
    const problems = problemsOf(devWith({ network: { azCount: 9, natGateways: "many" }, bastion: { instanceType: "big" } }));
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/azCount[\s\S]*natGateways[\s\S]*instanceType/);
  });

  it("puts the problems in the error's message, one per line, under the stack's name", () => {
    try {
      parsePlatformConfig({ stack: "dev", values: devWith({ network: { azCount: 4 }, kafka: { brokerCount: 4 } }) });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(
        'Invalid stack config (stack "dev", profile "dev"):\n  - coupon-platform:network.azCount = 4 (set by the stack): accepted: an integer from 2 to 3',
      );
    }
  });
});
