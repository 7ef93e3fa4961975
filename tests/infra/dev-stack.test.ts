import { beforeAll, describe, expect, it } from "vitest";
import { parsePlatformConfig, type PlatformConfig } from "../../infra/config";
import { runStack, stackConfig, type StackRun } from "../../scripts/lib/mock-stack/run-stack";
import { D, itHoldsDataTierInvariants, primaryDatabase, readReplicas } from "./harness/data-tier-invariants";
import { itHoldsDeliveryInvariants } from "./harness/delivery-invariants";
import { rolesTrusting } from "./harness/finders";
import { itHoldsPlatformInvariants, T } from "./harness/stack-invariants";

describe("dev stack (Pulumi.dev.yaml under mocks)", () => {
  let run: StackRun;
  let config: PlatformConfig;
  beforeAll(async () => {
    config = parsePlatformConfig({ stack: "dev", values: stackConfig("dev") });
    run = await runStack("dev");
  });

  itHoldsPlatformInvariants(
    () => run,
    () => config,
  );
  itHoldsDataTierInvariants(
    () => run,
    () => config,
  );
  itHoldsDeliveryInvariants(
    () => run,
    () => config,
  );

  it("is the cheaper shape: two AZs, one NAT gateway, no interface endpoints", () => {
    expect(run.ofType(T.subnet)).toHaveLength(8);
    expect(run.ofType(T.nat)).toHaveLength(1);
    expect(run.ofType(T.endpoint).filter((e) => e.inputs.vpcEndpointType === "Interface")).toEqual([]);
  });

  it("spreads over the region's standard zones, skipping the opt-in Local Zone", () => {
    const zones = run.ofType(T.subnet).map((s) => s.inputs.availabilityZone as string);
    // The mocks' region offers eu-west-1a..c and the opt-in Local Zone eu-west-1-lz-1a, in that order:
    // a change there fails this loudly rather than making it pass vacuously.
    expect(new Set(zones)).toEqual(new Set(["eu-west-1a", "eu-west-1b"]));
  });

  it("keeps a public API endpoint limited to the stack's CIDRs, without deletion protection", () => {
    const cluster = run.ofType(T.eksCluster)[0]!.inputs;
    expect(cluster.endpointPublicAccess).toBe(true);
    expect(cluster.publicAccessCidrs).toEqual(["unset"]);
    expect(cluster.deletionProtection).toBe(false);
    expect(cluster.upgradePolicy).toEqual({ supportType: "STANDARD" });
  });

  it("runs a Graviton bastion from the arm64 Amazon Linux 2023 parameter", () => {
    const bastion = run.ofType(T.instance)[0]!.inputs;
    expect(bastion.instanceType).toBe("t4g.nano");
    // The AMI the mocks answer for the arm64 SSM parameter (x86_64 gets another): the only trace of
    // which parameter the program read, since the mock runtime records no invokes.
    expect(bastion.ami).toBe("ami-0a1b2c3d4e5f6a7b8");
  });

  it("runs a single cache node without failover, and MySQL single-AZ without replica or deletion protection", () => {
    const cache = run.ofType(D.cacheGroup)[0]!.inputs;
    expect(cache.numCacheClusters).toBe(1);
    expect(cache.automaticFailoverEnabled).toBe(false);
    expect(cache.multiAzEnabled).toBe(false);
    const primary = primaryDatabase(run).inputs;
    expect(primary.multiAz).toBe(false);
    expect(primary.deletionProtection).toBe(false);
    expect(primary.skipFinalSnapshot).toBe(true);
    expect(primary.backupRetentionPeriod).toBe(7);
    expect(primary.performanceInsightsEnabled).toBe(false);
    expect(primary.monitoringInterval).toBe(0);
    expect(readReplicas(run)).toEqual([]);
    expect(rolesTrusting(run, "monitoring.rds.amazonaws.com")).toEqual([]);
  });

  it("runs two small brokers with two copies of every partition", () => {
    const msk = run.ofType(D.msk)[0]!.inputs;
    expect(msk.numberOfBrokerNodes).toBe(2);
    expect(msk.brokerNodeGroupInfo.instanceType).toBe("kafka.t3.small");
    expect(run.ofType(D.mskConfig)[0]!.inputs.serverProperties).toContain("default.replication.factor=2");
  });
});
