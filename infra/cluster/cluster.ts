import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "../shared/aws-context";
import { serviceTrustPolicy } from "../security/trust-policy";
import { cpuArchitecture } from "../shared/instance-types";
import { createRotatingKey } from "../security/kms-key";
import { createEncryptedLogGroup } from "../security/log-group";
import { NODE_GROUP_LABEL, SYSTEM_NODE_TAINT } from "./node-placement";

/** Every EKS control-plane log type: audit trails are worthless with gaps. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export interface NodeGroupSpec {
  readonly instanceTypes: string[];
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  readonly diskSizeGiB: number;
  /** One group per zone (sizes split evenly) instead of one across them. */
  readonly perZone: boolean;
}

export interface ClusterArgs {
  readonly clusterName: string;
  readonly aws: AwsContext;
  readonly vpcId: pulumi.Input<string>;
  /** Nodes and the control plane's network interfaces go only here. */
  readonly privateSubnetIds: pulumi.Input<string[]>;
  readonly kubernetesVersion: string;
  readonly upgradeSupport: "STANDARD" | "EXTENDED";
  readonly endpointPublicAccess: boolean;
  readonly publicAccessCidrs: string[];
  /** Granted AmazonEKSClusterAdminPolicy through an access entry; "" for none. */
  readonly adminRoleArn: string;
  readonly serviceCidr: string;
  /** Who may call the private API endpoint (443) besides the nodes: the bastion, CI runners. */
  readonly apiClients: { readonly securityGroupIds: pulumi.Input<string>[]; readonly cidrBlocks: string[] };
  readonly logRetentionDays: number;
  readonly logsKeyArn: pulumi.Input<string>;
  readonly deletionProtection: boolean;
  readonly keyDeletionWindowDays: number;
  /** Pulumi `protect` on the cluster and its secrets key: a destroy or a replacing change stops instead. */
  readonly protect: boolean;
  readonly nodeGroups: { readonly system: NodeGroupSpec; readonly apps: NodeGroupSpec };
  /** How many zones privateSubnetIds covers (one subnet each, in zone order): a per-zone group gets one. */
  readonly zoneCount: number;
  readonly tags: Record<string, string>;
}

/**
 * An EKS cluster (@pulumi/eks) that is private by default: nodes only in private
 * subnets, the API endpoint private (or public for listed CIDRs only), secrets
 * envelope-encrypted with a rotating KMS key, every control-plane log kept, IAM
 * access through access entries, IRSA through an OIDC provider, and managed
 * node groups on encrypted disks with IMDSv2 only.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly clusterName: string;
  /** Admin kubeconfig; a secret, since it names the endpoint and the auth command. */
  readonly kubeconfig: pulumi.Output<string>;
  /** The Kubernetes provider the app layer deploys through. */
  readonly provider: k8s.Provider;
  /** The EKS-managed cluster security group, which managed node groups' nodes carry. */
  readonly nodeSecurityGroupId: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly oidcProviderUrl: pulumi.Output<string>;
  readonly nodeRoleArn: pulumi.Output<string>;
  readonly secretsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coupon-platform:cluster:Cluster", name, {}, opts);
    const parent = { parent: this };
    const tags = { ...args.tags, cluster: args.clusterName };

    const secretsKey = createRotatingKey(
      `${name}-secrets-key`,
      {
        alias: `${args.clusterName}-eks-secrets`,
        description: `${args.clusterName}: Kubernetes secrets envelope encryption`,
        deletionWindowDays: args.keyDeletionWindowDays,
        tags,
      },
      { parent: this, protect: args.protect },
    );

    // EKS writes to this exact group name once the cluster exists.
    const controlPlaneLogs = createEncryptedLogGroup(
      `${name}-control-plane-logs`,
      { logGroupName: `/aws/eks/${args.clusterName}/cluster`, retentionDays: args.logRetentionDays, kmsKeyArn: args.logsKeyArn, tags },
      parent,
    );

    const accessEntries: Record<string, eks.types.input.AccessEntryArgs> = {};
    if (args.adminRoleArn) {
      accessEntries.platformAdmins = {
        principalArn: args.adminRoleArn,
        accessPolicies: {
          clusterAdmin: {
            policyArn: pulumi.interpolate`arn:${args.aws.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
            accessScope: { type: "cluster" },
          },
        },
      };
    }

    const cluster = new eks.Cluster(
      `${name}-eks`,
      {
        name: args.clusterName,
        version: args.kubernetesVersion,
        upgradePolicy: { supportType: args.upgradeSupport },
        vpcId: args.vpcId,
        privateSubnetIds: args.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: args.endpointPublicAccess,
        ...(args.endpointPublicAccess ? { publicAccessCidrs: args.publicAccessCidrs } : {}),
        kubernetesServiceIpAddressRange: args.serviceCidr,
        encryptionConfigKeyArn: secretsKey.arn,
        enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
        authenticationMode: eks.AuthenticationMode.Api,
        accessEntries,
        createOidcProvider: true,
        deletionProtection: args.deletionProtection,
        // Node groups are declared below with our own launch templates; the defaults
        // would add a self-managed group and extra security groups we do not use.
        skipDefaultNodeGroup: true,
        skipDefaultSecurityGroups: true,
        vpcCniOptions: {
          // @pulumi/eks manages the VPC CNI add-on; its network-policy agent must be on, or
          // Kubernetes NetworkPolicies are accepted by the API and enforced by nobody.
          enableNetworkPolicy: true,
          // Security groups for pods: a SecurityGroupPolicy gives matching pods a branch
          // interface with their own groups (the gateway's, which the internal ALB admits).
          enablePodEni: true,
          // Standard mode: such pods otherwise behave like every other pod (kubelet probes and
          // same-node traffic skip the groups, traffic leaving the VPC goes out via the node),
          // and NetworkPolicies still apply to them.
          configurationValues: { env: { POD_SECURITY_GROUP_ENFORCING_MODE: "standard" } },
        },
        tags,
      },
      { parent: this, dependsOn: [controlPlaneLogs], protect: args.protect },
    );

    // The private endpoint's network interfaces carry the cluster security group, which
    // admits only itself: open 443 to the named API clients, nobody else.
    const clusterSecurityGroupId = cluster.eksCluster.apply((c) => pulumi.output(c.vpcConfig).apply((vpc) => vpc.clusterSecurityGroupId));
    args.apiClients.securityGroupIds.forEach(
      (sourceId, i) =>
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-api-from-sg-${i}`,
          {
            securityGroupId: clusterSecurityGroupId,
            referencedSecurityGroupId: sourceId,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            description: "Kubernetes API from an operator host",
          },
          { parent: this },
        ),
    );
    args.apiClients.cidrBlocks.forEach(
      (cidrIpv4, i) =>
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-api-from-cidr-${i}`,
          {
            securityGroupId: clusterSecurityGroupId,
            cidrIpv4,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            description: "Kubernetes API from a CI network",
          },
          { parent: this },
        ),
    );

    // The control plane's VPC resource controller attaches trunk and branch interfaces (security
    // groups for pods) with the cluster role; @pulumi/eks grants that role only AmazonEKSClusterPolicy.
    new aws.iam.RolePolicyAttachment(
      `${name}-cluster-AmazonEKSVPCResourceController`,
      {
        role: cluster.eksCluster.apply((c) => pulumi.output(c.roleArn).apply(roleNameOf)),
        policyArn: pulumi.interpolate`arn:${args.aws.partition}:iam::aws:policy/AmazonEKSVPCResourceController`,
      },
      { parent: this },
    );

    const nodeRole = this.createNodeRole(name, args, tags);
    const nodeGroups = Object.entries(args.nodeGroups).flatMap(([groupName, spec]) =>
      this.createNodeGroups(name, groupName, spec, cluster, nodeRole, args, tags),
    );

    this.clusterName = args.clusterName;
    this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
    // Everything Kubernetes goes through this provider, so it waits for the node groups:
    // Helm releases do not race node creation, and on destroy every Kubernetes object
    // (the load balancer controller's Ingresses, whose ALBs it deletes) goes before the nodes.
    // pulumi-eks makes its kubeconfig wait only for its default node group, which the kit skips.
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      { ...parent, dependsOn: nodeGroups },
    );
    this.nodeSecurityGroupId = clusterSecurityGroupId;
    this.oidcProviderArn = cluster.oidcProviderArn;
    this.oidcProviderUrl = cluster.oidcProviderUrl;
    this.nodeRoleArn = nodeRole.arn;
    this.secretsKeyArn = secretsKey.arn;
    this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig, nodeSecurityGroupId: this.nodeSecurityGroupId });
  }

  /**
   * One role for every node group: kubelet registration, image pulls, the VPC CNI.
   * Workloads get their own AWS permissions through IRSA, never through this role —
   * the launch templates' hop limit of 1 keeps pods away from the node's credentials.
   */
  private createNodeRole(name: string, args: ClusterArgs, tags: Record<string, string>): aws.iam.Role {
    const role = new aws.iam.Role(
      `${name}-node-role`,
      {
        assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"),
        tags,
      },
      { parent: this },
    );
    for (const policy of ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly"]) {
      new aws.iam.RolePolicyAttachment(
        `${name}-node-${policy}`,
        { role: role.name, policyArn: pulumi.interpolate`arn:${args.aws.partition}:iam::aws:policy/${policy}` },
        { parent: this },
      );
    }
    return role;
  }

  /**
   * A managed node group over every private subnet, on our launch template: the one
   * @pulumi/eks would create leaves the root volume unencrypted.
   */
  private createNodeGroups(
    name: string,
    groupName: string,
    spec: NodeGroupSpec,
    cluster: eks.Cluster,
    nodeRole: aws.iam.Role,
    args: ClusterArgs,
    tags: Record<string, string>,
  ): eks.ManagedNodeGroup[] {
    const groupTags = { ...tags, Name: `${args.clusterName}-${groupName}`, "node-group": groupName };
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-${groupName}-lt`,
      {
        description: `${args.clusterName} ${groupName} nodes: encrypted gp3 root, IMDSv2 only`,
        updateDefaultVersion: true,
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: { volumeSize: spec.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
          },
        ],
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        tagSpecifications: [
          { resourceType: "instance", tags: groupTags },
          { resourceType: "volume", tags: groupTags },
        ],
        tags: groupTags,
      },
      { parent: this },
    );

    const architecture = cpuArchitecture(spec.instanceTypes[0] ?? "");
    const isSystem = groupName === "system";
    // One group across the zones, or one per zone with the sizes split evenly (rounded up).
    const placements = spec.perZone
      ? Array.from({ length: args.zoneCount }, (_, zone) => ({
          suffix: `-z${zone}`,
          subnetIds: pulumi.output(args.privateSubnetIds).apply((ids) => [ids[zone] as string]),
          share: (size: number) => Math.ceil(size / args.zoneCount),
        }))
      : [{ suffix: "", subnetIds: pulumi.output(args.privateSubnetIds), share: (size: number) => size }];
    return placements.map(
      ({ suffix, subnetIds, share }) =>
        new eks.ManagedNodeGroup(
          `${name}-${groupName}${suffix}`,
          {
            cluster,
            nodeGroupNamePrefix: `${groupName}${suffix}-`,
            nodeRole,
            // Nodes follow the control plane's version: changing it rolls both.
            version: args.kubernetesVersion,
            subnetIds,
            instanceTypes: spec.instanceTypes,
            amiType: architecture === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
            capacityType: "ON_DEMAND",
            scalingConfig: { minSize: share(spec.minSize), desiredSize: share(spec.desiredSize), maxSize: share(spec.maxSize) },
            // The cluster autoscaler moves desiredSize; a later `pulumi up` must not undo it.
            ignoreScalingChanges: true,
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
            labels: { [NODE_GROUP_LABEL]: groupName },
            // Keep the system group for cluster add-ons, which tolerate CriticalAddonsOnly.
            taints: isSystem ? [{ ...SYSTEM_NODE_TAINT, effect: "NO_SCHEDULE" }] : [],
            tags: groupTags,
          },
          { parent: this },
        ),
    );
  }
}

/** A role's name from its ARN (arn:aws:iam::123456789012:role/path/name). */
function roleNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}
