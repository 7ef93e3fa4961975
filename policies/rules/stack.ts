import type { Rule } from "../lib/rule";

/**
 * Resources whose deletion loses data or breaks what depends on them: a replaced
 * database starts empty, a deleted KMS key makes everything it encrypted unreadable.
 * Remote components count as well as what they create, since under a preview the
 * component may be all the pack sees of it.
 */
export const STATEFUL_TYPES: readonly string[] = [
  "aws:rds/instance:Instance",
  "aws:rds/cluster:Cluster",
  "aws:msk/cluster:Cluster",
  "aws:msk/serverlessCluster:ServerlessCluster",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:elasticache/cluster:Cluster",
  "aws:elasticache/serverlessCache:ServerlessCache",
  "eks:index:Cluster",
  "aws:eks/cluster:Cluster",
  "aws:kms/key:Key",
];

const statefulProtected: Rule = {
  kind: "stack",
  name: "stack-stateful-protected",
  service: "stack",
  description:
    "In a prod-profile stack every stateful resource (RDS, MSK, ElastiCache, the EKS cluster, KMS keys) carries Pulumi's `protect` option, so `pulumi destroy` or a change that would replace it stops with an error. `retainOnDelete` is not passed to policy packs, so `protect` is what this rule can verify. Dev stacks are disposable: the rule is off there.",
  fix: "set `protectStatefulResources: true` in the stack's profile (stacks/prod.yaml has it); components pass it as `protect` on each store, the cluster and every key.",
  levels: { prod: "mandatory", dev: "disabled" },
  validateStack: (args, report) => {
    for (const resource of args.resources) {
      if (STATEFUL_TYPES.includes(resource.type) && !resource.opts.protect) {
        report(`${resource.type} "${resource.name}" is not protected: destroying or replacing it would lose its data.`, resource.urn);
      }
    }
  },
};

export const STACK_RULES: readonly Rule[] = [statefulProtected];
