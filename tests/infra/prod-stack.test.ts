import { beforeAll, describe, expect, it } from "vitest";
import { parsePlatformConfig, type PlatformConfig } from "../../infra/config";
import { runStack, stackConfig, type StackRun } from "../../scripts/lib/mock-stack/run-stack";
import { D, itHoldsDataTierInvariants, primaryDatabase, readReplicas } from "./harness/data-tier-invariants";
import { itHoldsDeliveryInvariants } from "./harness/delivery-invariants";
import { managedPoliciesOf, rolesTrusting } from "./harness/finders";
import { itHoldsPlatformInvariants, subnetsOf, T } from "./harness/stack-invariants";

describe("prod stack (Pulumi.prod.yaml under mocks)", () => {
  let run: StackRun;
  let config: PlatformConfig;
  beforeAll(async () => {
    config = parsePlatformConfig({ stack: "prod", values: stackConfig("prod") });
    run = await runStack("prod");
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

  it("spans three AZs with a NAT gateway in each, every private AZ routed through its own", () => {
    const nats = run.ofType(T.nat);
    expect(nats).toHaveLength(3);
    const natByAz = new Map(
      nats.map((nat) => [run.ofType(T.subnet).find((s) => s.id === nat.inputs.subnetId)!.inputs.availabilityZone, nat.id]),
    );
    for (const subnet of subnetsOf(run, "private")) {
      const association = run.ofType(T.association).find((a) => a.inputs.subnetId === subnet.id)!;
      const route = run.ofType(T.route).find((r) => r.inputs.routeTableId === association.inputs.routeTableId)!;
      expect(route.inputs.natGatewayId).toBe(natByAz.get(subnet.inputs.availabilityZone));
    }
  });

  it("keeps the Kubernetes API private: no public endpoint at all", () => {
    const cluster = run.ofType(T.eksCluster)[0]!.inputs;
    expect(cluster.endpointPublicAccess).toBe(false);
    expect(cluster.publicAccessCidrs).toBeUndefined();
    expect(cluster.endpointPrivateAccess).toBe(true);
  });

  it("guards the cluster against deletion and forced upgrades", () => {
    const cluster = run.ofType(T.eksCluster)[0]!.inputs;
    expect(cluster.deletionProtection).toBe(true);
    expect(cluster.upgradePolicy).toEqual({ supportType: "EXTENDED" });
  });

  it("reaches SSM, ECR, STS and Logs through interface endpoints in every AZ", () => {
    const interfaces = run.ofType(T.endpoint).filter((e) => e.inputs.vpcEndpointType === "Interface");
    expect(interfaces).toHaveLength(7);
    for (const endpoint of interfaces) expect(endpoint.inputs.subnetIds).toHaveLength(3);
  });

  it("keeps at least one system and one apps node per AZ", () => {
    // A group spanning the zones needs one node per zone; a per-zone group one node in its zone.
    for (const group of run.ofType(T.nodeGroup))
      expect(group.inputs.scalingConfig.minSize * (group.inputs.subnetIds.length === 1 ? 3 : 1)).toBeGreaterThanOrEqual(3);
  });

  it("gives the apps one node group per AZ, as its DoNotSchedule zone spread needs", () => {
    const apps = run.ofType(T.nodeGroup).filter((group) => group.inputs.labels["coupon-platform/node-group"] === "apps");
    expect(apps.map((group) => group.inputs.subnetIds.length)).toEqual([1, 1, 1]);
    expect(new Set(apps.flatMap((group) => group.inputs.subnetIds)).size).toBe(3);
  });

  it("runs the cache as a primary and two replicas over three AZs with Multi-AZ automatic failover", () => {
    const cache = run.ofType(D.cacheGroup)[0]!.inputs;
    expect(cache.numCacheClusters).toBe(3);
    expect(cache.automaticFailoverEnabled).toBe(true);
    expect(cache.multiAzEnabled).toBe(true);
    expect(new Set(cache.preferredCacheClusterAzs).size).toBe(3);
    expect(cache.snapshotRetentionLimit).toBe(7);
  });

  it("runs MySQL Multi-AZ with a read replica in another AZ, deletion protection and a final snapshot", () => {
    const primary = primaryDatabase(run).inputs;
    expect(primary.multiAz).toBe(true);
    expect(primary.deletionProtection).toBe(true);
    expect(primary.skipFinalSnapshot).toBe(false);
    expect(primary.finalSnapshotIdentifier).toBe("coupon-prod-mysql-final");
    expect(primary.backupRetentionPeriod).toBe(30);
    expect(primary.performanceInsightsEnabled).toBe(true);
    expect(primary.performanceInsightsKmsKeyId).toBe(primary.kmsKeyId);
    expect(primary.monitoringInterval).toBe(60);
    // The role enhanced monitoring runs as: trusted by the RDS monitoring service and nothing else.
    const [monitoringRole] = rolesTrusting(run, "monitoring.rds.amazonaws.com");
    expect(primary.monitoringRoleArn).toBe(monitoringRole?.outputs.arn);
    expect(managedPoliciesOf(run, monitoringRole!)).toEqual([
      expect.stringMatching(/:policy\/service-role\/AmazonRDSEnhancedMonitoringRole$/),
    ]);

    const replicas = readReplicas(run);
    expect(replicas).toHaveLength(1);
    const replica = replicas[0]!.inputs;
    expect(replica.replicateSourceDb).toBe(primary.identifier);
    // Another zone than the one the Multi-AZ primary reports (AWS chooses it), among the data tier's zones.
    const primaryZone = primaryDatabase(run).outputs.availabilityZone;
    expect(subnetsOf(run, "data").map((s) => s.inputs.availabilityZone)).toContain(primaryZone);
    expect(subnetsOf(run, "data").map((s) => s.inputs.availabilityZone)).toContain(replica.availabilityZone);
    expect(replica.availabilityZone).not.toBe(primaryZone);
    expect(replica.deletionProtection).toBe(true);
  });

  it("runs three brokers, one per AZ, with three copies of every partition", () => {
    const msk = run.ofType(D.msk)[0]!.inputs;
    expect(msk.numberOfBrokerNodes).toBe(3);
    expect(msk.brokerNodeGroupInfo.clientSubnets).toHaveLength(3);
    expect(run.ofType(D.mskConfig)[0]!.inputs.serverProperties).toContain("min.insync.replicas=2");
  });
});
