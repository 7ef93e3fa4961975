import { beforeAll, describe, expect, it } from "vitest";
import { parsePlatformConfig, type PlatformConfig } from "../../infra/config";
import { runStack, stackConfig, type StackRun } from "./harness/run-stack";
import { itHoldsPlatformInvariants, subnetsOf, T } from "./harness/stack-invariants";

describe("prod stack (Pulumi.prod.yaml under mocks)", () => {
  let run: StackRun;
  let config: PlatformConfig;
  beforeAll(async () => {
    config = parsePlatformConfig({ stack: "prod", values: stackConfig("prod") });
    run = await runStack("prod");
  });

  itHoldsPlatformInvariants(() => run, () => config);

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
    for (const group of run.ofType(T.nodeGroup)) expect(group.inputs.scalingConfig.minSize).toBeGreaterThanOrEqual(3);
  });
});
