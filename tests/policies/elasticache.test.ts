import { describe, expect, it } from "vitest";
import { profileConfig } from "../../policies/lib/pack-config";
import { ELASTICACHE_RULES } from "../../policies/rules/elasticache";
import { checkResource, unknown, type ResourceUnderTest } from "../../policies/testing/harness";
import { ruleNamed } from "./rule-lookup";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/cache-key-id";

/** The replication group as infra/data/cache.ts declares it in prod: a primary and two replicas across zones. */
const group = (props: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: "aws:elasticache/replicationGroup:ReplicationGroup",
  name: "cache-group",
  urn: "urn:pulumi:prod::coupon-platform::coupon-platform:data:Cache$aws:elasticache/replicationGroup:ReplicationGroup::cache-group",
  props: {
    replicationGroupId: "coupon-prod-cache",
    description: "coupon-prod: flash-sale state and pub/sub",
    engine: "valkey",
    engineVersion: "8.0",
    nodeType: "cache.r7g.large",
    port: 6379,
    numCacheClusters: 3,
    preferredCacheClusterAzs: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    parameterGroupName: "coupon-prod-cache",
    subnetGroupName: "coupon-prod-cache",
    securityGroupIds: ["sg-cache"],
    atRestEncryptionEnabled: true,
    kmsKeyId: KEY,
    transitEncryptionEnabled: true,
    transitEncryptionMode: "required",
    authToken: "a-64-character-token",
    snapshotRetentionLimit: 7,
    snapshotWindow: "03:00-04:00",
    ...props,
  },
});

/** The same group as the dev profile makes it: one node, no failover, a day of snapshots. */
const devGroup = () => group({ numCacheClusters: 1, automaticFailoverEnabled: false, multiAzEnabled: false, snapshotRetentionLimit: 1 });

const serverless = (props: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: "aws:elasticache/serverlessCache:ServerlessCache",
  name: "serverless-cache",
  props: {
    name: "sessions",
    engine: "valkey",
    kmsKeyId: KEY,
    userGroupId: "sessions-users",
    snapshotRetentionLimit: 3,
    subnetIds: ["subnet-a", "subnet-b"],
    ...props,
  },
});

const cacheCluster = (props: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: "aws:elasticache/cluster:Cluster",
  name: "cache-node",
  props: { clusterId: "node", nodeType: "cache.t4g.small", numCacheNodes: 1, ...props },
});
const memcached = (props: Record<string, unknown> = {}) =>
  cacheCluster({ engine: "memcached", numCacheNodes: 3, transitEncryptionEnabled: true, azMode: "cross-az", ...props });
const standalone = (props: Record<string, unknown> = {}) => cacheCluster({ engine: "redis", snapshotRetentionLimit: 7, ...props });
const groupMember = () => cacheCluster({ replicationGroupId: "coupon-prod-cache" });

const messages = (violations: readonly { message: string }[]) => violations.map((v) => v.message);
const prod = profileConfig(ELASTICACHE_RULES, "prod");
const dev = profileConfig(ELASTICACHE_RULES, "dev");

describe("the ElastiCache rules", () => {
  it("are named elasticache-*, belong to the elasticache service; availability and snapshots are mandatory in prod, advisory in dev", () => {
    for (const rule of ELASTICACHE_RULES) {
      expect(rule.name).toMatch(/^elasticache-[a-z0-9-]+$/);
      expect(rule.service).toBe("elasticache");
    }
    for (const name of ["elasticache-multi-az-failover", "elasticache-snapshot-retention"]) {
      expect(ruleNamed(ELASTICACHE_RULES, name).levels).toEqual({ prod: "mandatory", dev: "advisory" });
    }
    for (const name of ["elasticache-encryption-at-rest-cmk", "elasticache-encryption-in-transit", "elasticache-auth-required"]) {
      expect(ruleNamed(ELASTICACHE_RULES, name).levels).toEqual({ prod: "mandatory", dev: "mandatory" });
    }
  });

  it("pass the kit's prod replication group under the prod levels, and leave nodes of a group to the group", async () => {
    for (const rule of ELASTICACHE_RULES) {
      expect(await checkResource(rule, group(), prod)).toEqual([]);
      expect(await checkResource(rule, groupMember(), prod)).toEqual([]);
      expect(
        await checkResource(rule, { type: "aws:elasticache/parameterGroup:ParameterGroup", props: { family: "valkey8" } }, prod),
      ).toEqual([]);
    }
  });

  it("hold the kit's dev group only to the advisory availability rule", async () => {
    const found = [];
    for (const rule of ELASTICACHE_RULES) found.push(...(await checkResource(rule, devGroup(), dev)));
    expect(found.map((v) => [v.rule, v.level])).toEqual([["elasticache-multi-az-failover", "advisory"]]);
  });
});

describe("elasticache-encryption-at-rest-cmk", () => {
  const rule = ruleNamed(ELASTICACHE_RULES, "elasticache-encryption-at-rest-cmk");

  it("reports a group that is not encrypted at rest", async () => {
    const violations = await checkResource(rule, group({ atRestEncryptionEnabled: false, kmsKeyId: undefined }), dev);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("The replication group's data at rest is not encrypted: atRestEncryptionEnabled is false.");
    expect(violations[0]?.message).toContain("Fix: set `atRestEncryptionEnabled: true` and `kmsKeyId`");
  });

  it("reports a Redis OSS group that leaves encryption to its default, but not a Valkey group", async () => {
    expect(messages(await checkResource(rule, group({ engine: "redis", atRestEncryptionEnabled: undefined })))).toEqual([
      expect.stringContaining("atRestEncryptionEnabled is not set, and redis groups are unencrypted by default"),
    ]);
    expect(messages(await checkResource(rule, group({ engine: undefined, atRestEncryptionEnabled: undefined })))).toHaveLength(1);
    expect(await checkResource(rule, group({ atRestEncryptionEnabled: undefined }))).toEqual([]);
  });

  it("reports encryption with the AWS-managed key, on groups and serverless caches", async () => {
    expect(messages(await checkResource(rule, group({ kmsKeyId: undefined })))).toEqual([
      expect.stringContaining(
        "The replication group is encrypted at rest with the AWS-managed ElastiCache key, not a customer-managed KMS key (kmsKeyId is not set).",
      ),
    ]);
    expect(messages(await checkResource(rule, serverless({ kmsKeyId: undefined })))).toEqual([
      expect.stringContaining("The serverless cache is encrypted at rest with a key AWS owns"),
    ]);
  });

  it("reports a standalone Redis node, which cannot be encrypted at rest; does not judge Memcached", async () => {
    expect(messages(await checkResource(rule, standalone()))).toEqual([
      expect.stringContaining("is a single Redis OSS/Valkey node, which cannot encrypt its data at rest."),
    ]);
    expect(await checkResource(rule, memcached())).toEqual([]);
  });

  it("passes the kit's group and a serverless cache with its own key", async () => {
    expect(await checkResource(rule, group())).toEqual([]);
    expect(await checkResource(rule, serverless())).toEqual([]);
  });

  it("neither crashes nor reports when the settings are unknown during preview", async () => {
    expect(await checkResource(rule, group({ atRestEncryptionEnabled: unknown.boolean }))).toEqual([]);
    expect(await checkResource(rule, group({ kmsKeyId: unknown.string }))).toEqual([]);
    expect(await checkResource(rule, group({ atRestEncryptionEnabled: undefined, engine: unknown.string }))).toEqual([]);
    expect(await checkResource(rule, serverless({ kmsKeyId: unknown.string }))).toEqual([]);
    expect(await checkResource(rule, cacheCluster({ engine: "redis", replicationGroupId: unknown.string }))).toEqual([]);
    expect(await checkResource(rule, cacheCluster({ engine: unknown.string }))).toEqual([]);
  });
});

describe("elasticache-encryption-in-transit", () => {
  const rule = ruleNamed(ELASTICACHE_RULES, "elasticache-encryption-in-transit");

  it("reports a group without TLS", async () => {
    const violations = await checkResource(
      rule,
      group({ transitEncryptionEnabled: false, transitEncryptionMode: undefined, authToken: undefined }),
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("The replication group accepts unencrypted connections: transitEncryptionEnabled is false.");
    expect(violations[0]?.message).toContain('Fix: set `transitEncryptionEnabled: true` and `transitEncryptionMode: "required"`');
    expect(messages(await checkResource(rule, group({ transitEncryptionEnabled: undefined })))).toEqual([
      expect.stringContaining("transitEncryptionEnabled is not set"),
    ]);
  });

  it('reports the "preferred" mode, which still lets plaintext clients in', async () => {
    expect(messages(await checkResource(rule, group({ transitEncryptionMode: "preferred" })))).toEqual([
      expect.stringContaining(
        'The replication group still accepts unencrypted connections: transitEncryptionMode is "preferred"; it must be "required".',
      ),
    ]);
  });

  it("reports Memcached without TLS and a standalone Redis node", async () => {
    expect(messages(await checkResource(rule, memcached({ transitEncryptionEnabled: undefined })))).toEqual([
      expect.stringContaining("The Memcached cluster accepts unencrypted connections: transitEncryptionEnabled is not set."),
    ]);
    expect(messages(await checkResource(rule, standalone()))).toEqual([
      expect.stringContaining("cannot encrypt connections (TLS needs a replication group)"),
    ]);
  });

  it("passes the kit's group, TLS with the mode left to its default, Memcached with TLS and serverless caches (always TLS)", async () => {
    expect(await checkResource(rule, group())).toEqual([]);
    expect(await checkResource(rule, group({ transitEncryptionMode: undefined }))).toEqual([]);
    expect(await checkResource(rule, memcached())).toEqual([]);
    expect(await checkResource(rule, serverless())).toEqual([]);
  });

  it("neither crashes nor reports when the settings are unknown during preview", async () => {
    expect(await checkResource(rule, group({ transitEncryptionEnabled: unknown.boolean }))).toEqual([]);
    expect(await checkResource(rule, group({ transitEncryptionMode: unknown.string }))).toEqual([]);
    expect(await checkResource(rule, memcached({ transitEncryptionEnabled: unknown.boolean }))).toEqual([]);
  });
});

describe("elasticache-auth-required", () => {
  const rule = ruleNamed(ELASTICACHE_RULES, "elasticache-auth-required");

  it("reports a group with neither an AUTH token nor a user group", async () => {
    const violations = await checkResource(rule, group({ authToken: undefined }), dev);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain(
      "The replication group lets clients in without authenticating: it has no AUTH token (authToken, authTokenWo) and no user group (userGroupIds).",
    );
    expect(violations[0]?.message).toContain("Fix: give the cache an aws.elasticache.UserGroup with one user per client");
    expect(await checkResource(rule, group({ authToken: "", userGroupIds: [] }))).toHaveLength(1);
  });

  it("reports a serverless cache without a user group and a standalone Redis node", async () => {
    expect(messages(await checkResource(rule, serverless({ userGroupId: undefined })))).toEqual([
      expect.stringContaining("The serverless cache lets clients in without authenticating: it has no user group (userGroupId)"),
    ]);
    expect(messages(await checkResource(rule, standalone()))).toEqual([
      expect.stringContaining("cannot require an AUTH token or a user group"),
    ]);
  });

  it("passes the kit's AUTH token, a write-only token, RBAC user groups; does not judge Memcached", async () => {
    expect(await checkResource(rule, group())).toEqual([]);
    expect(await checkResource(rule, group({ authToken: undefined, authTokenWo: "token", authTokenWoVersion: 1 }))).toEqual([]);
    expect(await checkResource(rule, group({ authToken: undefined, userGroupIds: ["coupon-users"] }))).toEqual([]);
    expect(await checkResource(rule, serverless())).toEqual([]);
    expect(await checkResource(rule, serverless({ engine: "memcached", userGroupId: undefined }))).toEqual([]);
    expect(await checkResource(rule, memcached())).toEqual([]);
  });

  it("neither crashes nor reports when either credential is unknown during preview", async () => {
    expect(await checkResource(rule, group({ authToken: unknown.string }))).toEqual([]);
    expect(await checkResource(rule, group({ authToken: undefined, userGroupIds: unknown.array }))).toEqual([]);
    expect(await checkResource(rule, serverless({ userGroupId: unknown.string }))).toEqual([]);
  });
});

describe("elasticache-multi-az-failover", () => {
  const rule = ruleNamed(ELASTICACHE_RULES, "elasticache-multi-az-failover");

  it("reports a group without Multi-AZ and failover: mandatory under prod, advisory under dev", async () => {
    const violations = await checkResource(rule, devGroup(), prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain(
      "The replication group does not fail over to another availability zone: multiAzEnabled is false and automaticFailoverEnabled is false.",
    );
    expect(violations[0]?.message).toContain("`cache.multiAz: true`");
    expect((await checkResource(rule, devGroup(), dev)).map((v) => v.level)).toEqual(["advisory"]);
  });

  it("reports either setting missing on its own", async () => {
    expect(messages(await checkResource(rule, group({ multiAzEnabled: undefined })))).toEqual([
      expect.stringContaining("multiAzEnabled is not set."),
    ]);
    expect(messages(await checkResource(rule, group({ multiAzEnabled: false, automaticFailoverEnabled: true })))).toEqual([
      expect.stringContaining(": multiAzEnabled is false."),
    ]);
  });

  it("reports Memcached in one zone and a standalone Redis node", async () => {
    expect(messages(await checkResource(rule, memcached({ azMode: "single-az" })))).toEqual([
      expect.stringContaining(
        'The Memcached cluster keeps all its nodes in one availability zone: azMode is "single-az"; it must be "cross-az".',
      ),
    ]);
    expect(messages(await checkResource(rule, memcached({ azMode: undefined })))).toEqual([expect.stringContaining("azMode is not set")]);
    expect(messages(await checkResource(rule, standalone()))).toEqual([expect.stringContaining("has no replica to fail over to")]);
  });

  it("passes the kit's prod group, cross-AZ Memcached and serverless caches (always spread)", async () => {
    expect(await checkResource(rule, group())).toEqual([]);
    expect(await checkResource(rule, memcached())).toEqual([]);
    expect(await checkResource(rule, serverless())).toEqual([]);
  });

  it("neither crashes nor reports what is unknown during preview, and judges each setting on its own", async () => {
    expect(await checkResource(rule, group({ multiAzEnabled: unknown.boolean, automaticFailoverEnabled: unknown.boolean }))).toEqual([]);
    expect(await checkResource(rule, group({ multiAzEnabled: unknown.boolean }))).toEqual([]);
    expect(messages(await checkResource(rule, group({ multiAzEnabled: unknown.boolean, automaticFailoverEnabled: false })))).toEqual([
      expect.stringContaining(": automaticFailoverEnabled is false."),
    ]);
    expect(await checkResource(rule, memcached({ azMode: unknown.string }))).toEqual([]);
  });
});

describe("elasticache-snapshot-retention", () => {
  const rule = ruleNamed(ELASTICACHE_RULES, "elasticache-snapshot-retention");

  it("reports a group that takes no snapshots: mandatory under prod, advisory under dev", async () => {
    const violations = await checkResource(rule, group({ snapshotRetentionLimit: 0 }), prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain(
      "The replication group takes no automatic snapshots (snapshotRetentionLimit is 0); they must be kept for at least 1 day.",
    );
    expect(violations[0]?.message).toContain("`cache.snapshotRetentionDays`");
    expect((await checkResource(rule, group({ snapshotRetentionLimit: undefined }), dev)).map((v) => v.level)).toEqual(["advisory"]);
  });

  it("reports serverless caches and standalone Redis nodes without snapshots; does not judge Memcached", async () => {
    expect(messages(await checkResource(rule, serverless({ snapshotRetentionLimit: undefined })))).toEqual([
      expect.stringContaining("The serverless cache takes no automatic snapshots (snapshotRetentionLimit is not set)"),
    ]);
    expect(messages(await checkResource(rule, standalone({ snapshotRetentionLimit: 0 })))).toEqual([
      expect.stringContaining("This standalone ElastiCache cluster takes no automatic snapshots"),
    ]);
    expect(await checkResource(rule, memcached())).toEqual([]);
    expect(await checkResource(rule, serverless({ engine: "memcached", snapshotRetentionLimit: undefined }))).toEqual([]);
  });

  it("passes the kit's prod and dev groups and any day of snapshots by default", async () => {
    expect(await checkResource(rule, group())).toEqual([]);
    expect(await checkResource(rule, devGroup(), dev)).toEqual([]);
    expect(await checkResource(rule, serverless())).toEqual([]);
    expect(await checkResource(rule, standalone())).toEqual([]);
  });

  it("takes the minimum from the pack config", async () => {
    const strict = { "elasticache-snapshot-retention": { minimumDays: 14 } };
    expect(messages(await checkResource(rule, group(), strict))).toEqual([
      expect.stringContaining(
        "The replication group keeps automatic snapshots for 7 days (snapshotRetentionLimit); at least 14 days are required.",
      ),
    ]);
    expect(messages(await checkResource(rule, devGroup(), { "elasticache-snapshot-retention": { minimumDays: 3 } }))).toEqual([
      expect.stringContaining("for 1 day (snapshotRetentionLimit)"),
    ]);
    expect(rule.configSchema?.properties.minimumDays?.default).toBe(1);
  });

  it("neither crashes nor reports when the retention is unknown during preview", async () => {
    expect(await checkResource(rule, group({ snapshotRetentionLimit: unknown.number }))).toEqual([]);
    expect(await checkResource(rule, serverless({ engine: unknown.string, snapshotRetentionLimit: 0 }))).toEqual([]);
    expect(await checkResource(rule, cacheCluster({ engine: "redis", replicationGroupId: unknown.string }))).toEqual([]);
  });
});
