import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { minimumDaysSetting, whenKnown } from "../lib/props";
import type { Rule } from "../lib/rule";

const REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const SERVERLESS_CACHE = "aws:elasticache/serverlessCache:ServerlessCache";
const CACHE_CLUSTER = "aws:elasticache/cluster:Cluster";

type ReplicationGroup = Unwrap<aws.elasticache.ReplicationGroupArgs>;
type ServerlessCache = Unwrap<aws.elasticache.ServerlessCacheArgs>;
type CacheCluster = Unwrap<aws.elasticache.ClusterArgs>;

/**
 * What each rule does with each kind of ElastiCache resource. An aws.elasticache.Cluster
 * that names a replicationGroupId is a node of that group and is judged on the group;
 * the others are split into Memcached clusters and standalone Redis OSS/Valkey nodes.
 */
interface CacheChecks {
  readonly group?: (group: ReplicationGroup, report: ReportViolation) => void;
  readonly serverless?: (cache: ServerlessCache, report: ReportViolation) => void;
  readonly memcached?: (cluster: CacheCluster, report: ReportViolation) => void;
  readonly standalone?: (cluster: CacheCluster, report: ReportViolation) => void;
}

function onCaches(checks: CacheChecks): (args: ResourceValidationArgs, report: ReportViolation) => void {
  return (args, report) => {
    switch (args.type) {
      case REPLICATION_GROUP:
        checks.group?.(args.props as ReplicationGroup, report);
        return;
      case SERVERLESS_CACHE:
        checks.serverless?.(args.props as ServerlessCache, report);
        return;
      case CACHE_CLUSTER: {
        const cluster = args.props as CacheCluster;
        if (cluster.replicationGroupId) return;
        if (isMemcached(cluster.engine)) checks.memcached?.(cluster, report);
        else checks.standalone?.(cluster, report);
        return;
      }
      default:
        return;
    }
  };
}

function isMemcached(engine: unknown): boolean {
  return String(engine).toLowerCase() === "memcached";
}

function setting(value: unknown): string {
  return value === undefined ? "is not set" : `is ${JSON.stringify(value)}`;
}

/** A standalone Redis OSS/Valkey node (aws.elasticache.Cluster without a replication group) has none of the group's security settings. */
const STANDALONE =
  "This standalone ElastiCache cluster (aws.elasticache.Cluster with no replicationGroupId) is a single Redis OSS/Valkey node, which";

// ---------------------------------------------------------------------------------------
// Encryption

const encryptionAtRestCmk: Rule = {
  kind: "resource",
  name: "elasticache-encryption-at-rest-cmk",
  service: "elasticache",
  description:
    "ElastiCache encrypts its data at rest (disk swaps, backups and snapshots) with a customer-managed KMS key: a replication group has atRestEncryptionEnabled true (Valkey groups default to it; Redis OSS groups default to unencrypted) and a kmsKeyId; a serverless cache names a kmsKeyId (it is always encrypted, by default with a key AWS owns). A standalone Redis OSS/Valkey node (aws.elasticache.Cluster without a replication group) cannot be encrypted at rest and is reported. Memcached keeps nothing at rest and is not judged.",
  fix: "set `atRestEncryptionEnabled: true` and `kmsKeyId` to a customer-managed key on an aws.elasticache.ReplicationGroup, as infra/data/cache.ts does with the cache's own rotating key (`kmsKeyId` on a serverless cache). At-rest encryption cannot be turned on in place: create a new group from a snapshot.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onCaches({
    group: (group, report) => {
      const enabled = group.atRestEncryptionEnabled;
      // Unset, the engine decides: Valkey groups are encrypted at rest by default, Redis OSS groups are not.
      const engine = enabled === undefined ? (group.engine ?? "redis").toLowerCase() : undefined;
      if (enabled === false || (enabled === undefined && engine !== "valkey")) {
        const why =
          enabled === false
            ? "atRestEncryptionEnabled is false"
            : `atRestEncryptionEnabled is not set, and ${engine ?? "redis"} groups are unencrypted by default`;
        report(`The replication group's data at rest is not encrypted: ${why}.`);
        return;
      }
      if (!group.kmsKeyId)
        report(
          "The replication group is encrypted at rest with the AWS-managed ElastiCache key, not a customer-managed KMS key (kmsKeyId is not set).",
        );
    },
    serverless: (cache, report) => {
      if (!cache.kmsKeyId)
        report("The serverless cache is encrypted at rest with a key AWS owns, not a customer-managed KMS key (kmsKeyId is not set).");
    },
    standalone: (_cluster, report) => report(`${STANDALONE} cannot encrypt its data at rest.`),
  }),
};

const encryptionInTransit: Rule = {
  kind: "resource",
  name: "elasticache-encryption-in-transit",
  service: "elasticache",
  description:
    'ElastiCache accepts TLS connections only: a replication group has transitEncryptionEnabled true and transitEncryptionMode "required" or unset (required is the default; "preferred", meant for migrating clients, still lets plaintext clients in); a Memcached cluster has transitEncryptionEnabled true (Memcached 1.6.12 and later). A standalone Redis OSS/Valkey node cannot encrypt in transit and is reported. Serverless caches always require TLS and are not judged.',
  fix: 'set `transitEncryptionEnabled: true` and `transitEncryptionMode: "required"`, as infra/data/cache.ts does, and connect clients with TLS. A group being migrated goes through "preferred" for one update, then to "required".',
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onCaches({
    group: (group, report) => {
      if (group.transitEncryptionEnabled !== true) {
        report(
          `The replication group accepts unencrypted connections: transitEncryptionEnabled ${setting(group.transitEncryptionEnabled)}.`,
        );
      } else if (group.transitEncryptionMode === "preferred") {
        report('The replication group still accepts unencrypted connections: transitEncryptionMode is "preferred"; it must be "required".');
      }
    },
    memcached: (cluster, report) => {
      if (cluster.transitEncryptionEnabled !== true) {
        report(
          `The Memcached cluster accepts unencrypted connections: transitEncryptionEnabled ${setting(cluster.transitEncryptionEnabled)}.`,
        );
      }
    },
    standalone: (_cluster, report) => report(`${STANDALONE} cannot encrypt connections (TLS needs a replication group).`),
  }),
};

// ---------------------------------------------------------------------------------------
// Authentication

const authRequired: Rule = {
  kind: "resource",
  name: "elasticache-auth-required",
  service: "elasticache",
  description:
    "Redis OSS and Valkey caches make clients authenticate: a replication group has an AUTH token (authToken or the write-only authTokenWo) or role-based access control (a user group in userGroupIds); a serverless cache has a userGroupId, without which any client reaching its endpoint connects as the passwordless default user. A standalone Redis OSS/Valkey node cannot require either and is reported. Memcached has neither and is not judged: its security group is its only guard.",
  fix: "give the cache an aws.elasticache.UserGroup with one user per client and a disabled default user (`userGroupIds` on a replication group, `userGroupId` on a serverless cache), as infra/data/cache.ts does, or set `authToken` from a random password kept in Secrets Manager (random.RandomPassword and infra/security/stored-secret.ts). An AUTH token needs transitEncryptionEnabled.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onCaches({
    group: (group, report) => {
      const token = whenKnown(() => Boolean(group.authToken) || Boolean(group.authTokenWo));
      const users = whenKnown(() => (group.userGroupIds?.length ?? 0) > 0);
      if (token === false && users === false) {
        report(
          "The replication group lets clients in without authenticating: it has no AUTH token (authToken, authTokenWo) and no user group (userGroupIds).",
        );
      }
    },
    serverless: (cache, report) => {
      if (isMemcached(cache.engine)) return;
      if (!cache.userGroupId)
        report(
          "The serverless cache lets clients in without authenticating: it has no user group (userGroupId), so every client is the passwordless default user.",
        );
    },
    standalone: (_cluster, report) => report(`${STANDALONE} cannot require an AUTH token or a user group.`),
  }),
};

// ---------------------------------------------------------------------------------------
// Availability and backups

const multiAzFailover: Rule = {
  kind: "resource",
  name: "elasticache-multi-az-failover",
  service: "elasticache",
  description:
    'ElastiCache survives the loss of a node or an availability zone: a replication group has multiAzEnabled and automaticFailoverEnabled true (a replica in another zone is promoted when the primary fails; both need at least one replica); a Memcached cluster spreads its nodes (azMode "cross-az"). A standalone Redis OSS/Valkey node has no replica and is reported. Serverless caches are always spread over zones and are not judged.',
  fix: 'give the cache replicas and turn on failover: `cache.replicas` of at least 1 and `cache.multiAz: true` in the stack\'s profile (stacks/prod.yaml has 2 replicas across zones); infra/data/cache.ts then sets automaticFailoverEnabled and multiAzEnabled. For Memcached, set `azMode: "cross-az"`.',
  levels: { prod: "mandatory", dev: "advisory" },
  validateResource: onCaches({
    group: (group, report) => {
      const multiAz = whenKnown(() => ({ value: group.multiAzEnabled }));
      const failover = whenKnown(() => ({ value: group.automaticFailoverEnabled }));
      const off = [
        ...(multiAz && multiAz.value !== true ? [`multiAzEnabled ${setting(multiAz.value)}`] : []),
        ...(failover && failover.value !== true ? [`automaticFailoverEnabled ${setting(failover.value)}`] : []),
      ];
      if (off.length > 0) report(`The replication group does not fail over to another availability zone: ${off.join(" and ")}.`);
    },
    memcached: (cluster, report) => {
      if (cluster.azMode !== "cross-az")
        report(
          `The Memcached cluster keeps all its nodes in one availability zone: azMode ${setting(cluster.azMode)}; it must be "cross-az".`,
        );
    },
    standalone: (_cluster, report) =>
      report(`${STANDALONE} has no replica to fail over to: an outage of its node or zone takes the cache down.`),
  }),
};

interface SnapshotSettings {
  readonly minimumDays?: number;
}
const DEFAULT_MINIMUM_SNAPSHOT_DAYS = 1;

const snapshotRetention: Rule = {
  kind: "resource",
  name: "elasticache-snapshot-retention",
  service: "elasticache",
  description: `Redis OSS and Valkey caches take daily automatic snapshots and keep them for at least \`minimumDays\` days (default ${DEFAULT_MINIMUM_SNAPSHOT_DAYS}): snapshotRetentionLimit on a replication group, a serverless cache or a standalone node. Left unset or 0, ElastiCache takes no automatic snapshots, and a cache lost with its replicas cannot be restored. Memcached has no snapshots and is not judged.`,
  fix: "set `cache.snapshotRetentionDays` in the stack's profile (1–35 days; stacks/prod.yaml keeps 7); infra/data/cache.ts passes it as snapshotRetentionLimit. The minimum is this rule's `minimumDays` in policies/config/<profile>.json.",
  levels: { prod: "mandatory", dev: "advisory" },
  configSchema: {
    properties: {
      minimumDays: minimumDaysSetting(
        DEFAULT_MINIMUM_SNAPSHOT_DAYS,
        "The fewest days of automatic snapshots a Redis OSS or Valkey cache may keep.",
      ),
    },
  },
  validateResource: (args, report) => {
    const minimum = args.getConfig<SnapshotSettings>().minimumDays ?? DEFAULT_MINIMUM_SNAPSHOT_DAYS;
    const check = (what: string) => (cache: { readonly snapshotRetentionLimit?: number }) => {
      const days = cache.snapshotRetentionLimit;
      if (days === undefined || days === 0) {
        report(
          `${what} takes no automatic snapshots (snapshotRetentionLimit ${setting(days)}); they must be kept for at least ${minimum} day${minimum === 1 ? "" : "s"}.`,
        );
      } else if (days < minimum) {
        report(
          `${what} keeps automatic snapshots for ${days} day${days === 1 ? "" : "s"} (snapshotRetentionLimit); at least ${minimum} days are required.`,
        );
      }
    };
    onCaches({
      group: check("The replication group"),
      serverless: (cache) => {
        if (!isMemcached(cache.engine)) check("The serverless cache")(cache);
      },
      standalone: check("This standalone ElastiCache cluster"),
    })(args, report);
  },
};

export const ELASTICACHE_RULES: readonly Rule[] = [
  encryptionAtRestCmk,
  encryptionInTransit,
  authRequired,
  multiAzFailover,
  snapshotRetention,
];
