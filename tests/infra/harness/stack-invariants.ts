import * as pulumi from "@pulumi/pulumi";
import { expect, it } from "vitest";
import { APP_PORT } from "../../../infra/apps/pod-template";
import { CONTROL_PLANE_LOG_TYPES } from "../../../infra/cluster/cluster";
import { INTERFACE_ENDPOINT_SERVICES } from "../../../infra/network/network";
import type { PlatformConfig } from "../../../infra/config";
import { contains, overlaps, parseCidr } from "../../../infra/network/cidr";
import { MOCK_ACCOUNT_ID, type CapturedResource } from "../../../scripts/lib/mock-stack/aws-mocks";
import { valueOf, type StackRun } from "../../../scripts/lib/mock-stack/run-stack";
import {
  bastionRole,
  clusterSecurityGroupId,
  inlinePoliciesOf,
  kmsKeyByArn,
  logGroupByArn,
  logGroupNamed,
  managedPoliciesOf,
  nodeRole,
  roleByReference,
} from "./finders";

export const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  nat: "aws:ec2/natGateway:NatGateway",
  internetGateway: "aws:ec2/internetGateway:InternetGateway",
  flowLog: "aws:ec2/flowLog:FlowLog",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  instance: "aws:ec2/instance:Instance",
  policyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  kmsKey: "aws:kms/key:Key",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  eksCluster: "eks:index:Cluster",
  nodeGroup: "eks:index:ManagedNodeGroup",
} as const;

export type SubnetTier = "public" | "private" | "data" | "internal-lb";
const SUBNET_TIERS: readonly SubnetTier[] = ["public", "private", "data", "internal-lb"];

/** Subnets of one tier, told apart by the tier tag the network puts on each. */
export function subnetsOf(run: StackRun, tier: SubnetTier): CapturedResource[] {
  return run.ofType(T.subnet).filter((s) => s.inputs.tags?.tier === tier);
}

/** The route table a subnet is associated with. */
export function routeTableOf(run: StackRun, subnet: CapturedResource): string {
  const association = run.ofType(T.association).find((a) => a.inputs.subnetId === subnet.id);
  expect(association, `subnet ${subnet.name} has a route table association`).toBeDefined();
  return association!.inputs.routeTableId as string;
}

export function routesOf(run: StackRun, routeTableId: string): CapturedResource[] {
  return run.ofType(T.route).filter((r) => r.inputs.routeTableId === routeTableId);
}

const isDefaultRoute = (route: { destinationCidrBlock?: string; ipv6CidrBlock?: string; destinationIpv6CidrBlock?: string }) =>
  route.destinationCidrBlock === "0.0.0.0/0" || route.destinationIpv6CidrBlock === "::/0" || route.ipv6CidrBlock === "::/0";

/**
 * The properties every stack must hold whatever its profile: the safety floor of
 * the kit. Registers one `it` per property inside the caller's describe.
 */
export function itHoldsPlatformInvariants(getRun: () => StackRun, getConfig: () => PlatformConfig): void {
  it("protects every stateful resource (stores, cluster, KMS keys) exactly when the profile says so", () => {
    const stateful = [
      "aws:rds/instance:Instance",
      "aws:msk/cluster:Cluster",
      "aws:elasticache/replicationGroup:ReplicationGroup",
      T.eksCluster,
      T.kmsKey,
    ];
    const declared = getRun().declared.filter((r) => stateful.includes(r.type));
    expect(new Set(declared.map((r) => r.type))).toEqual(new Set(stateful));
    for (const resource of declared) {
      expect(resource.options.protect, `${resource.type} ${resource.name}`).toBe(getConfig().protectStatefulResources);
    }
  });

  it("declares one subnet per tier in each of azCount distinct availability zones", () => {
    const run = getRun();
    const { azCount } = getConfig().network;
    const zonesByTier = SUBNET_TIERS.map((tier) => subnetsOf(run, tier).map((s) => s.inputs.availabilityZone as string));
    for (const zones of zonesByTier) {
      expect(zones).toHaveLength(azCount);
      expect(new Set(zones).size).toBe(azCount);
      expect([...zones].sort()).toEqual([...zonesByTier[0]!].sort());
    }
    expect(run.ofType(T.subnet)).toHaveLength(SUBNET_TIERS.length * azCount);
  });

  it("keeps every subnet inside the VPC and apart from every other", () => {
    const run = getRun();
    const vpc = parseCidr(run.ofType(T.vpc)[0]!.inputs.cidrBlock);
    const blocks = run.ofType(T.subnet).map((s) => parseCidr(s.inputs.cidrBlock));
    blocks.forEach((block, i) => {
      expect(contains(vpc, block)).toBe(true);
      blocks.slice(i + 1).forEach((other) => expect(overlaps(block, other)).toBe(false));
    });
  });

  it("turns on DNS in the VPC and closes the default security group", () => {
    const run = getRun();
    const vpc = run.ofType(T.vpc)[0]!;
    expect(vpc.inputs.enableDnsHostnames).toBe(true);
    expect(vpc.inputs.enableDnsSupport).toBe(true);
    const [defaultSg] = run.ofType(T.defaultSg);
    expect(defaultSg?.inputs.ingress ?? []).toEqual([]);
    expect(defaultSg?.inputs.egress ?? []).toEqual([]);
  });

  it("places NAT gateways in public subnets: one per AZ (perAz) or exactly one (single)", () => {
    const run = getRun();
    const { azCount, natGateways } = getConfig().network;
    const nats = run.ofType(T.nat);
    expect(nats).toHaveLength(natGateways === "perAz" ? azCount : 1);
    const publicIds = subnetsOf(run, "public").map((s) => s.id);
    for (const nat of nats) expect(publicIds).toContain(nat.inputs.subnetId);
    expect(new Set(nats.map((n) => n.inputs.subnetId)).size).toBe(nats.length);
  });

  it("routes the public tier to the internet gateway and the private tier only through NAT", () => {
    const run = getRun();
    const natIds = run.ofType(T.nat).map((n) => n.id);
    // The VPC's internet gateway: the one attached to the stack's VPC.
    const igws = run.ofType(T.internetGateway).filter((gateway) => gateway.inputs.vpcId === run.ofType(T.vpc)[0]!.id);
    expect(igws).toHaveLength(1);
    for (const subnet of subnetsOf(run, "public")) {
      const defaults = routesOf(run, routeTableOf(run, subnet)).filter((r) => isDefaultRoute(r.inputs));
      expect(defaults).toHaveLength(1);
      expect(defaults[0]!.inputs.gatewayId).toBe(igws[0]!.id);
    }
    for (const subnet of subnetsOf(run, "private")) {
      const defaults = routesOf(run, routeTableOf(run, subnet)).filter((r) => isDefaultRoute(r.inputs));
      expect(defaults).toHaveLength(1);
      expect(defaults[0]!.inputs.gatewayId).toBeUndefined();
      expect(natIds).toContain(defaults[0]!.inputs.natGatewayId);
    }
  });

  it("gives the data and internal-LB tiers no route out of the VPC", () => {
    const run = getRun();
    const dataTables = new Set([...subnetsOf(run, "data"), ...subnetsOf(run, "internal-lb")].map((s) => routeTableOf(run, s)));
    const privateOrPublicTables = new Set([...subnetsOf(run, "private"), ...subnetsOf(run, "public")].map((s) => routeTableOf(run, s)));
    for (const table of dataTables) {
      expect(privateOrPublicTables.has(table)).toBe(false);
      expect(routesOf(run, table).filter((r) => isDefaultRoute(r.inputs))).toEqual([]);
      expect(routesOf(run, table)).toEqual([]);
      const declared = run.ofType(T.routeTable).find((t) => t.id === table);
      expect((declared?.inputs.routes ?? []).filter(isDefaultRoute)).toEqual([]);
    }
    for (const endpoint of run.ofType(T.endpoint)) {
      for (const table of endpoint.inputs.routeTableIds ?? []) expect(dataTables.has(table)).toBe(false);
    }
  });

  it("tags subnets for EKS load-balancer discovery, and never the data tier", () => {
    const run = getRun();
    const clusterTag = `kubernetes.io/cluster/${getConfig().name}`;
    for (const s of subnetsOf(run, "public")) {
      expect(s.inputs.tags["kubernetes.io/role/elb"]).toBe("1");
      expect(s.inputs.tags[clusterTag]).toBe("shared");
    }
    // Internal ALBs go only to their own small subnets, never among the pods.
    for (const s of subnetsOf(run, "internal-lb")) {
      expect(s.inputs.tags["kubernetes.io/role/internal-elb"]).toBe("1");
      expect(s.inputs.tags[clusterTag]).toBe("shared");
    }
    for (const s of subnetsOf(run, "private")) expect(s.inputs.tags["kubernetes.io/role/internal-elb"]).toBeUndefined();
    for (const s of subnetsOf(run, "data")) {
      expect(Object.keys(s.inputs.tags).filter((k) => k.startsWith("kubernetes.io/"))).toEqual([]);
    }
    for (const s of run.ofType(T.subnet)) expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
  });

  it("logs all VPC traffic to an encrypted log group with the profile's retention", () => {
    const run = getRun();
    const [flowLog] = run.ofType(T.flowLog);
    expect(flowLog?.inputs.trafficType).toBe("ALL");
    expect(flowLog?.inputs.vpcId).toBe(run.ofType(T.vpc)[0]!.id);
    expect(flowLog?.inputs.logDestinationType).toBe("cloud-watch-logs");
    // The group the flow log writes to, encrypted with one of the stack's keys.
    const group = logGroupByArn(run, flowLog!.inputs.logDestination);
    expect(group.inputs.retentionInDays).toBe(getConfig().network.flowLogRetentionDays);
    expect(kmsKeyByArn(run, group.inputs.kmsKeyId).inputs.enableKeyRotation).toBe(true);
  });

  it("reaches S3 through a gateway endpoint and switches interface endpoints with the profile", () => {
    const run = getRun();
    const endpoints = run.ofType(T.endpoint);
    const gateway = endpoints.filter((e) => e.inputs.vpcEndpointType === "Gateway");
    expect(gateway.map((e) => e.inputs.serviceName)).toEqual([expect.stringMatching(/\.s3$/)]);
    const interfaces = endpoints.filter((e) => e.inputs.vpcEndpointType === "Interface");
    if (getConfig().network.interfaceEndpoints) {
      expect(interfaces.map((e) => e.inputs.serviceName.split(".").slice(3).join(".")).sort()).toEqual(
        [...INTERFACE_ENDPOINT_SERVICES].sort(),
      );
      const privateIds = subnetsOf(run, "private")
        .map((s) => s.id)
        .sort();
      for (const e of interfaces) {
        expect([...e.inputs.subnetIds].sort()).toEqual(privateIds);
        expect(e.inputs.privateDnsEnabled).toBe(true);
      }
    } else {
      expect(interfaces).toEqual([]);
    }
  });

  it("encrypts log groups with a rotating key that CloudWatch Logs may use only for this account's groups", () => {
    const run = getRun();
    // The key every log group names: one for all of them.
    const keyArns = new Set(run.ofType(T.logGroup).map((group) => group.inputs.kmsKeyId as string));
    expect(keyArns.size).toBe(1);
    const key = kmsKeyByArn(run, [...keyArns][0]!).inputs;
    expect(key.enableKeyRotation).toBe(true);
    const policy = JSON.parse(key.policy);
    const services = policy.Statement.map((st: any) => st.Principal?.Service).filter(Boolean);
    expect(services).toEqual([expect.stringMatching(/^logs\.[a-z0-9-]+\.amazonaws\.com$/)]);
    const logsStatement = policy.Statement.find((st: any) => st.Principal?.Service);
    // This account: the one the caller identity reports (the mocks answer MOCK_ACCOUNT_ID).
    expect(logsStatement.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toMatch(
      new RegExp(`^arn:aws:logs:[a-z0-9-]+:${MOCK_ACCOUNT_ID}:log-group:\\*$`),
    );
    expect(logsStatement.Action.some((action: string) => action === "kms:*")).toBe(false);
  });

  it("lets only this account's flow-log service write, and only to the flow-log group", () => {
    const run = getRun();
    const flowLog = run.ofType(T.flowLog)[0]!.inputs;
    const role = roleByReference(run, flowLog.iamRoleArn);
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } },
      }),
    ]);
    expect(managedPoliciesOf(run, role)).toEqual([]);
    const policies = inlinePoliciesOf(run, role);
    expect(policies).toHaveLength(1);
    const write = JSON.parse(policies[0]!.inputs.policy);
    expect(write.Statement).toHaveLength(1);
    // The flow log's own destination group and its streams, nothing else.
    expect(write.Statement[0].Resource).toEqual([flowLog.logDestination, `${flowLog.logDestination}:*`]);
  });

  it("gives nodes only the worker, CNI and image-pull policies", () => {
    const run = getRun();
    const role = nodeRole(run);
    const nodePolicies = managedPoliciesOf(run, role).map((arn) => arn.split("/").pop());
    expect(nodePolicies.sort()).toEqual(["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy"]);
    expect(inlinePoliciesOf(run, role)).toEqual([]);
  });

  it("lets the VPC CNI give pods security groups of their own, in standard mode, with NetworkPolicies enforced", () => {
    const run = getRun();
    const [cluster] = run.ofType(T.eksCluster);
    expect(cluster!.inputs.vpcCniOptions).toMatchObject({
      enableNetworkPolicy: true,
      enablePodEni: true,
      configurationValues: { env: { POD_SECURITY_GROUP_ENFORCING_MODE: "standard" } },
    });
    // The control plane's VPC resource controller attaches the pods' interfaces with the cluster role.
    const clusterRoleName = String(cluster!.outputs.eksCluster.roleArn).split("/").pop();
    const attached = run
      .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => a.inputs.role === clusterRoleName)
      .map((a) => String(a.inputs.policyArn).split("/").pop());
    expect(attached).toEqual(["AmazonEKSVPCResourceController"]);
  });

  it("runs the bastion in a private subnet with no ingress, no public IP, no SSH key, IMDSv2 and an encrypted root volume", () => {
    const run = getRun();
    const [bastion] = run.ofType(T.instance);
    expect(bastion).toBeDefined();
    const inputs = bastion!.inputs;
    expect(subnetsOf(run, "private").map((s) => s.id)).toContain(inputs.subnetId);
    expect(inputs.associatePublicIpAddress).toBe(false);
    expect(inputs.keyName).toBeUndefined();
    expect(inputs.metadataOptions.httpTokens).toBe("required");
    expect(inputs.rootBlockDevice.encrypted).toBe(true);
    expect(inputs.ami).toMatch(/^ami-/); // the format AWS gives image ids (the dev test pins which parameter it came from)
    const groups = run.ofType(T.securityGroup).filter((g) => inputs.vpcSecurityGroupIds.includes(g.id));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.inputs.ingress ?? []).toEqual([]);
  });

  it("gives the bastion's role AmazonSSMManagedInstanceCore and nothing else", () => {
    const run = getRun();
    const role = bastionRole(run);
    expect(managedPoliciesOf(run, role)).toEqual(["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
    expect(inlinePoliciesOf(run, role)).toEqual([]);
  });

  it("puts the node groups only in the private subnets, one per zone where the profile says so, with sizes from the profile", () => {
    const run = getRun();
    const { nodeGroups } = getConfig().cluster;
    const zones = getConfig().network.azCount;
    const privateIds = subnetsOf(run, "private")
      .map((s) => s.id)
      .sort();
    const groups = run.ofType(T.nodeGroup);
    for (const name of ["apps", "system"] as const) {
      const spec = nodeGroups[name];
      const mine = groups.filter((g) => g.inputs.labels["coupon-platform/node-group"] === name);
      const split = (size: number) => (spec.perZone ? Math.ceil(size / zones) : size);
      expect(mine, name).toHaveLength(spec.perZone ? zones : 1);
      // Together they cover every private subnet, each zone once.
      expect(mine.flatMap((g) => [...g.inputs.subnetIds]).sort()).toEqual(privateIds);
      for (const group of mine) {
        expect(group.inputs.subnetIds, group.name).toHaveLength(spec.perZone ? 1 : zones);
        expect(group.inputs.scalingConfig).toEqual({
          minSize: split(spec.minSize),
          desiredSize: split(spec.desiredSize),
          maxSize: split(spec.maxSize),
        });
        expect(group.inputs.instanceTypes).toEqual(spec.instanceTypes);
        expect(group.inputs.version).toBe(getConfig().cluster.kubernetesVersion);
      }
    }
  });

  it("boots nodes from launch templates with encrypted gp3 disks and IMDSv2 only", () => {
    const run = getRun();
    for (const group of run.ofType(T.nodeGroup)) {
      const template = run.ofType(T.launchTemplate).find((t) => t.id === group.inputs.launchTemplate.id);
      expect(template, `node group ${group.name} uses one of our launch templates`).toBeDefined();
      const disk = template!.inputs.blockDeviceMappings[0].ebs;
      expect(disk.encrypted).toBe("true");
      expect(disk.volumeType).toBe("gp3");
      expect(template!.inputs.metadataOptions.httpTokens).toBe("required");
      expect(template!.inputs.metadataOptions.httpPutResponseHopLimit).toBe(1);
    }
  });

  it("encrypts Kubernetes secrets with a rotating KMS key and ships all five control-plane log types", () => {
    const run = getRun();
    const cluster = run.ofType(T.eksCluster)[0]!.inputs;
    const key = kmsKeyByArn(run, cluster.encryptionConfigKeyArn);
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(key.inputs.deletionWindowInDays).toBe(getConfig().encryption.keyDeletionWindowDays);
    expect([...cluster.enabledClusterLogTypes].sort()).toEqual([...CONTROL_PLANE_LOG_TYPES].sort());
    // EKS writes control-plane logs to /aws/eks/<cluster name>/cluster (AWS's name, not ours to choose).
    const logs = logGroupNamed(run, `/aws/eks/${cluster.name}/cluster`);
    expect(logs.inputs.retentionInDays).toBe(getConfig().cluster.logRetentionDays);
    expect(kmsKeyByArn(run, logs.inputs.kmsKeyId).inputs.enableKeyRotation).toBe(true);
  });

  it("authenticates through access entries, creates an OIDC provider, and pins the Kubernetes version", () => {
    const run = getRun();
    const cluster = run.ofType(T.eksCluster)[0]!.inputs;
    expect(cluster.authenticationMode).toBe("API");
    expect(cluster.createOidcProvider).toBe(true);
    expect(cluster.version).toBe(getConfig().cluster.kubernetesVersion);
    expect(cluster.skipDefaultNodeGroup).toBe(true);
    expect(cluster.vpcCniOptions).toMatchObject({ enableNetworkPolicy: true });
    expect(run.ofType("aws:eks/addon:Addon").filter((a) => a.inputs.addonName === "vpc-cni")).toEqual([]);
    expect(cluster.endpointPrivateAccess).toBe(true);
    const privateIds = subnetsOf(run, "private")
      .map((s) => s.id)
      .sort();
    expect([...cluster.privateSubnetIds].sort()).toEqual(privateIds);
    expect(cluster.publicSubnetIds).toBeUndefined();
    expect(cluster.subnetIds).toBeUndefined();
  });

  it("opens the private API endpoint on 443 to the bastion and the configured CI networks only", () => {
    const run = getRun();
    const clusterSg = clusterSecurityGroupId(run);
    const rules = run
      .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((r) => r.inputs.securityGroupId === clusterSg);
    const toApi = rules.filter((r) => r.inputs.ipProtocol === "-1" || (r.inputs.fromPort <= 443 && 443 <= r.inputs.toPort));
    const bastionSg = run.ofType(T.instance)[0]!.inputs.vpcSecurityGroupIds[0];
    expect(toApi.map((r) => r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4).sort()).toEqual(
      [bastionSg, ...getConfig().cluster.privateApiAccessCidrs].sort(),
    );
    for (const rule of toApi) {
      expect(rule.inputs).toMatchObject({ ipProtocol: "tcp", fromPort: 443, toPort: 443 });
    }
    // The one other rule the kit adds admits the internal ALB to the pods' app port (see the delivery invariants).
    expect(rules.filter((r) => !toApi.includes(r)).map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort])).toEqual([
      ["tcp", APP_PORT, APP_PORT],
    ]);
  });

  it("never opens the API endpoint to 0.0.0.0/0", () => {
    const cluster = getRun().ofType(T.eksCluster)[0]!.inputs;
    expect(cluster.publicAccessCidrs ?? []).not.toContain("0.0.0.0/0");
    if (cluster.endpointPublicAccess) expect((cluster.publicAccessCidrs ?? []).length).toBeGreaterThan(0);
  });

  it("exports the kubeconfig only as a secret and the bastion's session command", async () => {
    const { outputs } = getRun();
    expect(await pulumi.isSecret(outputs.kubeconfig as pulumi.Output<string>)).toBe(true);
    expect(await valueOf(outputs.bastionSessionCommand as never)).toBe(
      `aws ssm start-session --region ${String(await valueOf(outputs.region as never))} --target ${getRun().ofType(T.instance)[0]!.id}`,
    );
    expect(await valueOf(outputs.bastionPortForwardExample as never)).toContain(
      "--document-name AWS-StartPortForwardingSessionToRemoteHost",
    );
    for (const name of ["vpcId", "clusterName", "subnetIds", "availabilityZones", "nodeSecurityGroupId"]) {
      expect(outputs[name], `stack output ${name}`).toBeDefined();
    }
  });
}
