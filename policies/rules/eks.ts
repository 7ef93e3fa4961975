import type { ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type * as eks from "@pulumi/eks";
import type { Unwrap } from "@pulumi/pulumi";
import { isOpenToTheWorld, tagsOf, TIER_TAG, whenKnown } from "../lib/props";
import type { Rule } from "../lib/rule";

/**
 * @pulumi/eks is a remote component: under a preview the pack may see only the
 * component's inputs (eks:index:*), while a real engine also hands it the AWS
 * resources the component creates. Every rule reads both shapes.
 */
const COMPONENT_CLUSTER = "eks:index:Cluster";
const AWS_CLUSTER = "aws:eks/cluster:Cluster";
const COMPONENT_NODE_GROUP = "eks:index:ManagedNodeGroup";
const AWS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const NODE_GROUP_TYPES: readonly string[] = [COMPONENT_NODE_GROUP, AWS_NODE_GROUP];
const SUBNET = "aws:ec2/subnet:Subnet";

/**
 * Every EKS control-plane log type: an audit trail with gaps is not one. The same list as
 * infra/cluster/cluster.ts, repeated because importing infra would load the provider SDKs.
 */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/**
 * Kubernetes versions in Amazon EKS standard support and in extended support, per the
 * EKS release calendar (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html)
 * as of November 2026: 1.34 leaves standard support on 2 December 2026, 1.33 and 1.32
 * are in extended support until July and March 2027. 1.31 is left out: its extended
 * support ends on 26 November 2026. Forks move these with the rule's settings.
 */
export const STANDARD_SUPPORT_VERSIONS = ["1.34", "1.35", "1.36"] as const;
export const EXTENDED_SUPPORT_VERSIONS = ["1.32", "1.33"] as const;

/** The tag infra/network/network.ts marks each subnet's tier with. */
const PRIVATE_TIER = "private";

type ComponentCluster = Unwrap<
  Pick<
    eks.ClusterArgs,
    | "endpointPublicAccess"
    | "endpointPrivateAccess"
    | "publicAccessCidrs"
    | "enabledClusterLogTypes"
    | "encryptionConfigKeyArn"
    | "authenticationMode"
    | "version"
    | "upgradePolicy"
  >
>;
type AwsCluster = Unwrap<aws.eks.ClusterArgs>;
type ComponentNodeGroup = Unwrap<Pick<eks.ManagedNodeGroupArgs, "version" | "subnetIds">>;
type AwsNodeGroup = Unwrap<aws.eks.NodeGroupArgs>;

/**
 * The settings a rule reads, whichever shape declared the cluster. Each is a function so
 * a rule touches only what it judges: a value unknown during preview in one setting
 * must not silence a rule about another.
 */
interface ClusterView {
  readonly field: {
    readonly publicAccess: string;
    readonly privateAccess: string;
    readonly cidrs: string;
    readonly authenticationMode: string;
  };
  /** EKS turns the public endpoint on unless told otherwise. */
  readonly publicAccess: () => boolean;
  readonly privateAccess: () => boolean;
  readonly publicAccessCidrs: () => readonly string[] | undefined;
  readonly logTypes: () => readonly string[];
  /** What is missing for Kubernetes secrets to be encrypted with a KMS key; undefined when nothing is. */
  readonly secretsEncryptionGap: () => string | undefined;
  readonly authenticationMode: () => string | undefined;
  readonly version: () => string | undefined;
  readonly supportType: () => string | undefined;
}

function componentCluster(cluster: ComponentCluster): ClusterView {
  return {
    field: {
      publicAccess: "endpointPublicAccess",
      privateAccess: "endpointPrivateAccess",
      cidrs: "publicAccessCidrs",
      authenticationMode: "authenticationMode",
    },
    publicAccess: () => cluster.endpointPublicAccess ?? true,
    privateAccess: () => cluster.endpointPrivateAccess ?? false,
    publicAccessCidrs: () => cluster.publicAccessCidrs,
    logTypes: () => cluster.enabledClusterLogTypes ?? [],
    secretsEncryptionGap: () => (cluster.encryptionConfigKeyArn ? undefined : "encryptionConfigKeyArn is not set"),
    authenticationMode: () => cluster.authenticationMode,
    version: () => cluster.version,
    supportType: () => cluster.upgradePolicy?.supportType,
  };
}

function awsCluster(cluster: AwsCluster): ClusterView {
  return {
    field: {
      publicAccess: "vpcConfig.endpointPublicAccess",
      privateAccess: "vpcConfig.endpointPrivateAccess",
      cidrs: "vpcConfig.publicAccessCidrs",
      authenticationMode: "accessConfig.authenticationMode",
    },
    publicAccess: () => cluster.vpcConfig?.endpointPublicAccess ?? true,
    privateAccess: () => cluster.vpcConfig?.endpointPrivateAccess ?? false,
    publicAccessCidrs: () => cluster.vpcConfig?.publicAccessCidrs,
    logTypes: () => cluster.enabledClusterLogTypes ?? [],
    secretsEncryptionGap: () => {
      const config = cluster.encryptionConfig;
      if (!config) return "encryptionConfig is not set";
      if (!config.provider?.keyArn) return "encryptionConfig.provider.keyArn is not set";
      if (!(config.resources ?? []).includes("secrets")) return 'encryptionConfig.resources does not include "secrets"';
      return undefined;
    },
    authenticationMode: () => cluster.accessConfig?.authenticationMode,
    version: () => cluster.version,
    supportType: () => cluster.upgradePolicy?.supportType,
  };
}

function onClusters(check: (cluster: ClusterView, args: ResourceValidationArgs, report: ReportViolation) => void) {
  return (args: ResourceValidationArgs, report: ReportViolation): void => {
    if (args.type === COMPONENT_CLUSTER) check(componentCluster(args.props as ComponentCluster), args, report);
    else if (args.type === AWS_CLUSTER) check(awsCluster(args.props as AwsCluster), args, report);
  };
}

const endpointNotOpenToTheWorld: Rule = {
  kind: "resource",
  name: "eks-endpoint-not-public-to-world",
  service: "eks",
  description:
    "The EKS API endpoint is never reachable from the whole internet: a public endpoint must list the networks allowed to call it in publicAccessCidrs, none of them 0.0.0.0/0 or ::/0. A public endpoint with no list is open to 0.0.0.0/0, since that is what EKS fills in. Checked on the @pulumi/eks component and on aws.eks.Cluster.",
  fix: "turn the public endpoint off with `cluster.endpointPublicAccess: false` in the stack's profile (stacks/prod.yaml), or keep it on and list only your own egress addresses in `cluster.publicAccessCidrs` in Pulumi.<stack>.yaml; infra/cluster/cluster.ts passes them as publicAccessCidrs.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onClusters((cluster, _args, report) => {
    if (!cluster.publicAccess()) return;
    const cidrs = cluster.publicAccessCidrs() ?? [];
    if (cidrs.length === 0) {
      report(
        `The cluster's public API endpoint (${cluster.field.publicAccess}) lists no ${cluster.field.cidrs}, so EKS opens it to 0.0.0.0/0.`,
      );
      return;
    }
    const open = cidrs.filter(isOpenToTheWorld);
    if (open.length > 0) {
      report(
        `The cluster's public API endpoint admits ${open.join(" and ")} in ${cluster.field.cidrs}: anyone on the internet can reach the Kubernetes API.`,
      );
    }
  }),
};

const endpointPrivateOnly: Rule = {
  kind: "resource",
  name: "eks-endpoint-private-only",
  service: "eks",
  description:
    "The EKS API endpoint is private only (public endpoint off, private endpoint on), so the Kubernetes API answers only inside the VPC. Mandatory in prod; advisory in dev, whose profile deliberately keeps a public endpoint limited to the stack's publicAccessCidrs, so a dev stack reports it as an advisory.",
  fix: "set `cluster.endpointPublicAccess: false` and `cluster.publicAccessCidrs: []` in the stack's profile (stacks/prod.yaml does) and reach the API through the bastion's SSM port forward or from CI inside the VPC (`cluster.privateApiAccessCidrs`); infra/cluster/cluster.ts always sets endpointPrivateAccess: true.",
  levels: { prod: "mandatory", dev: "advisory" },
  validateResource: onClusters((cluster, _args, report) => {
    if (cluster.publicAccess()) {
      report(
        `The cluster's API endpoint is public (${cluster.field.publicAccess} is true or unset): the Kubernetes API answers outside the VPC.`,
      );
      return;
    }
    if (!cluster.privateAccess()) {
      report(
        `The cluster has neither endpoint: ${cluster.field.publicAccess} is false and ${cluster.field.privateAccess} is not true, so the Kubernetes API would be unreachable (EKS refuses this).`,
      );
    }
  }),
};

const controlPlaneLogs: Rule = {
  kind: "resource",
  name: "eks-control-plane-logs",
  service: "eks",
  description: `The EKS control plane sends all five log types (${CONTROL_PLANE_LOG_TYPES.join(", ")}) to CloudWatch Logs: who called the API, what it allowed, and what the controllers did.`,
  fix: "list all five types in `enabledClusterLogTypes` (infra/cluster/cluster.ts passes CONTROL_PLANE_LOG_TYPES); their retention is `cluster.logRetentionDays` in the stack's profile.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onClusters((cluster, _args, report) => {
    const enabled = new Set(cluster.logTypes());
    const missing = CONTROL_PLANE_LOG_TYPES.filter((type) => !enabled.has(type));
    if (missing.length === CONTROL_PLANE_LOG_TYPES.length) {
      report("The cluster sends no control-plane logs to CloudWatch (enabledClusterLogTypes is empty or unset).");
    } else if (missing.length > 0) {
      report(
        `The cluster does not send the ${missing.join(", ")} control-plane log${missing.length > 1 ? "s" : ""} to CloudWatch (enabledClusterLogTypes).`,
      );
    }
  }),
};

const secretsEncrypted: Rule = {
  kind: "resource",
  name: "eks-secrets-encrypted",
  service: "eks",
  description:
    'Kubernetes secrets are envelope-encrypted in etcd with a customer-managed KMS key: encryptionConfigKeyArn on the @pulumi/eks component, encryptionConfig with a provider keyArn and resources including "secrets" on aws.eks.Cluster. It cannot be turned off once on, and a cluster created without it must be updated to add it.',
  fix: 'set `encryptionConfigKeyArn` on the eks.Cluster to a customer-managed KMS key (infra/cluster/cluster.ts passes its rotating secrets key); on an aws.eks.Cluster set `encryptionConfig: { provider: { keyArn }, resources: ["secrets"] }`.',
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onClusters((cluster, _args, report) => {
    const gap = cluster.secretsEncryptionGap();
    if (gap) report(`The cluster does not encrypt Kubernetes secrets with a KMS key: ${gap}.`);
  }),
};

interface VersionSettings {
  readonly versions?: readonly string[];
  readonly extendedVersions?: readonly string[];
}

const supportedVersion: Rule = {
  kind: "resource",
  name: "eks-supported-version",
  service: "eks",
  description: `The cluster pins a Kubernetes version Amazon EKS supports: one in standard support (setting \`versions\`), or one in extended support (setting \`extendedVersions\`, billed extra) when the cluster's upgradePolicy.supportType is EXTENDED or unset (EKS's default is EXTENDED). A managed node group that pins a version must use a supported one too. An unpinned cluster gets whatever version is newest on the day it is created. The defaults follow the EKS release calendar as of November 2026.`,
  fix: "set `cluster.kubernetesVersion` in the stack's profile (stacks/<profile>.yaml, or Pulumi.<stack>.yaml) to a version in standard support — infra/configuration/rules.ts KUBERNETES_VERSIONS lists what the kit accepts; when AWS moves its calendar, update the rule's `versions` and `extendedVersions` in policies/config/<profile>.json.",
  levels: { prod: "mandatory", dev: "mandatory" },
  configSchema: {
    properties: {
      versions: {
        type: "array",
        items: { type: "string" },
        default: [...STANDARD_SUPPORT_VERSIONS],
        description: "Kubernetes minor versions in Amazon EKS standard support.",
      },
      extendedVersions: {
        type: "array",
        items: { type: "string" },
        default: [...EXTENDED_SUPPORT_VERSIONS],
        description:
          "Kubernetes minor versions in Amazon EKS extended support (allowed only on clusters whose upgrade policy is EXTENDED).",
      },
    },
  },
  validateResource: (args, report) => {
    const settings = args.getConfig<VersionSettings>();
    const standard = settings.versions ?? STANDARD_SUPPORT_VERSIONS;
    const extended = settings.extendedVersions ?? EXTENDED_SUPPORT_VERSIONS;
    const supported = `standard support: ${standard.join(", ") || "none"}; extended support: ${extended.join(", ") || "none"}`;

    if (NODE_GROUP_TYPES.includes(args.type)) {
      // An unpinned node group follows its cluster, which this rule judges on its own.
      const version = (args.props as ComponentNodeGroup | AwsNodeGroup).version;
      if (version !== undefined && !standard.includes(version) && !extended.includes(version)) {
        report(`The node group pins Kubernetes ${version}, which is not a version Amazon EKS supports (${supported}).`);
      }
      return;
    }
    onClusters((cluster) => {
      const version = cluster.version();
      if (version === undefined) {
        report(
          `The cluster pins no Kubernetes version: EKS picks the newest on the day it is created and nothing keeps it in support afterwards (${supported}).`,
        );
        return;
      }
      if (standard.includes(version)) return;
      if (!extended.includes(version)) {
        report(`The cluster runs Kubernetes ${version}, which is not a version Amazon EKS supports (${supported}).`);
        return;
      }
      const supportType = cluster.supportType() ?? "EXTENDED";
      if (supportType !== "EXTENDED") {
        report(
          `The cluster runs Kubernetes ${version}, which is only in extended support, but its upgradePolicy.supportType is ${supportType}: EKS upgrades the control plane on its own schedule (${supported}).`,
        );
      }
    })(args, report);
  },
};

const authenticationModeApi: Rule = {
  kind: "resource",
  name: "eks-authentication-mode-api",
  service: "eks",
  description:
    "The cluster authenticates IAM principals through EKS access entries only (authentication mode API), the kit's access model: no aws-auth ConfigMap that anyone with write access to kube-system could edit to grant themselves cluster admin. CONFIG_MAP and API_AND_CONFIG_MAP, and an unset mode (EKS's default is CONFIG_MAP), are violations.",
  fix: 'set `authenticationMode: eks.AuthenticationMode.Api` on the eks.Cluster as infra/cluster/cluster.ts does (or `accessConfig: { authenticationMode: "API" }` on an aws.eks.Cluster) and grant access with access entries (`cluster.adminRoleArn` in the stack\'s profile).',
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onClusters((cluster, _args, report) => {
    const mode = cluster.authenticationMode();
    if (mode === undefined) {
      report(
        `The cluster sets no ${cluster.field.authenticationMode}, so EKS uses CONFIG_MAP (the aws-auth ConfigMap) instead of access entries.`,
      );
    } else if (mode !== "API") {
      report(
        `The cluster's ${cluster.field.authenticationMode} is ${mode}: the aws-auth ConfigMap can grant access beside access entries; only API is accepted.`,
      );
    }
  }),
};

interface SubnetFacts {
  readonly name: string;
  readonly tier: string | undefined;
  readonly mapsPublicIps: boolean;
}

/** Declared subnets by their id (on outputs, as the engine hands them to stack rules). */
function subnetsById(args: StackValidationArgs): { readonly byId: Map<string, SubnetFacts | "unknown">; readonly someIdUnknown: boolean } {
  const byId = new Map<string, SubnetFacts | "unknown">();
  let someIdUnknown = false;
  for (const resource of args.resources.filter((r) => r.type === SUBNET)) {
    const id = whenKnown(() => resource.props.id as unknown);
    if (typeof id !== "string") {
      someIdUnknown = true;
      continue;
    }
    const facts = whenKnown(() => ({
      name: resource.name,
      // Provider default tags reach only tagsAll, which stays unknown longer during preview: read it last.
      tier: tagsOf(resource.props)[TIER_TAG] ?? tagsOf({ tags: resource.props.tagsAll })[TIER_TAG],
      mapsPublicIps: resource.props.mapPublicIpOnLaunch === true,
    }));
    byId.set(id, facts ?? "unknown");
  }
  return { byId, someIdUnknown };
}

const nodeGroupsInPrivateSubnets: Rule = {
  kind: "stack",
  name: "eks-node-groups-private-subnets",
  service: "eks",
  description: `Every managed node group runs only in private subnets: each of its subnetIds is a subnet this stack declares, tagged ${TIER_TAG}: ${PRIVATE_TIER} (as infra/network/network.ts tags the private tier), that does not give instances public IP addresses (mapPublicIpOnLaunch not true). Checked on aws.eks.NodeGroup and on the @pulumi/eks ManagedNodeGroup when it carries its subnetIds; one that leaves them to its cluster is judged through the aws.eks.NodeGroup it creates.`,
  fix: "give node groups `subnetIds` from the private tier only: infra/cluster/cluster.ts passes network.privateSubnetIds (tagged tier: private, mapPublicIpOnLaunch: false by infra/network/network.ts).",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateStack: (args, report) => {
    const { byId, someIdUnknown } = subnetsById(args);
    for (const group of args.resources.filter((r) => NODE_GROUP_TYPES.includes(r.type))) {
      const subnetIds = whenKnown(() => {
        const list = group.props.subnetIds as unknown;
        return Array.isArray(list) ? list.filter((id): id is string => typeof id === "string") : [];
      });
      if (subnetIds === undefined) continue;
      const problems: string[] = [];
      for (const id of subnetIds) {
        const facts = byId.get(id);
        if (facts === "unknown") continue;
        if (facts === undefined) {
          // A subnet whose id is not known yet may be this one.
          if (!someIdUnknown) problems.push(`subnet ${id} is not one this stack declares, so its tier cannot be verified`);
          continue;
        }
        if (facts.tier !== PRIVATE_TIER) {
          problems.push(
            `subnet ${id} (${facts.name}) is ${facts.tier === undefined ? `not tagged ${TIER_TAG}` : `tagged ${TIER_TAG}: ${facts.tier}`}`,
          );
        }
        if (facts.mapsPublicIps)
          problems.push(`subnet ${id} (${facts.name}) gives instances public IP addresses (mapPublicIpOnLaunch: true)`);
      }
      if (problems.length > 0) {
        report(`${group.type} "${group.name}" places nodes outside the private tier: ${problems.join("; ")}.`, group.urn);
      }
    }
  },
};

export const EKS_RULES: readonly Rule[] = [
  endpointNotOpenToTheWorld,
  endpointPrivateOnly,
  controlPlaneLogs,
  secretsEncrypted,
  nodeGroupsInPrivateSubnets,
  supportedVersion,
  authenticationModeApi,
];
