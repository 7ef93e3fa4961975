/**
 * The stateful resource types a plan diff guards, and for each the inputs the AWS
 * provider cannot change in place: a change to one of them makes the engine delete
 * the resource and create a new one (an empty database, a cluster with new brokers,
 * a key that no longer decrypts what the old one encrypted).
 *
 * Read from the provider's schema: terraform-provider-aws v6.57–6.58 (which
 * @pulumi/aws 7.48 is built on), attributes marked `ForceNew` or replaced by a
 * `CustomizeDiff`, camelCased as Pulumi names them; nested blocks are dotted paths,
 * list blocks use `[]`. A block marked ForceNew replaces only when added or removed
 * as a whole, so only its ForceNew fields are listed. `region` replaces every type
 * and is not repeated. tests/plan/replacement-inputs.test.ts checks every path
 * against the provider's TypeScript input types.
 */
import { STATEFUL_TYPES } from "../../../policies/rules/stack";

export interface ReplacementInput {
  readonly path: string;
  /** When only some changes replace (a downgrade, one direction of a switch): which. */
  readonly replacesWhen?: (before: unknown, after: unknown) => boolean;
}

const always = (...paths: string[]): ReplacementInput[] => paths.map((path) => ({ path }));

/** Dotted numeric versions, compared part by part ("3.9.x" < "4.0.x.kraft"). */
export function isDowngrade(before: unknown, after: unknown): boolean {
  const parts = (value: unknown) =>
    String(value ?? "")
      .split(".")
      .map((part) => Number.parseInt(part, 10))
      .filter((n) => !Number.isNaN(n));
  const [a, b] = [parts(before), parts(after)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((b[i] ?? 0) !== (a[i] ?? 0)) return (b[i] ?? 0) < (a[i] ?? 0);
  }
  return false;
}

function isKraft(version: unknown): boolean {
  return typeof version === "string" && version.endsWith(".kraft");
}

/** An RDS instance or cluster restored from a backup in S3: every field of the import replaces it. */
const S3_IMPORT = ["bucketName", "bucketPrefix", "ingestionRole", "sourceEngine", "sourceEngineVersion"].map(
  (field) => `s3Import.${field}`,
);

export const STATEFUL_REPLACEMENT_INPUTS: Readonly<Record<string, readonly ReplacementInput[]>> = {
  "aws:rds/instance:Instance": always(
    "availabilityZone",
    "backupTarget",
    "characterSetName",
    "customIamInstanceProfile",
    "dbName",
    "engine",
    "kmsKeyId",
    "ncharCharacterSetName",
    "restoreToPointInTime",
    ...S3_IMPORT,
    "snapshotIdentifier",
    "storageEncrypted",
    "timezone",
    "username",
  ),
  "aws:rds/cluster:Cluster": [
    ...always(
      "availabilityZones",
      "clusterIdentifier",
      "clusterIdentifierPrefix",
      "clusterScalabilityType",
      "databaseName",
      "dbSubnetGroupName",
      "dbSystemId",
      "engine",
      "engineMode",
      "kmsKeyId",
      "masterUsername",
      "restoreToPointInTime",
      ...S3_IMPORT,
      "snapshotIdentifier",
      "sourceRegion",
      "storageEncrypted",
    ),
    // Aurora (storage types "aurora", "aurora-iopt1") changes storage in place; Multi-AZ DB clusters cannot.
    { path: "storageType", replacesWhen: (_before, after) => !isAuroraStorage(after) },
  ],
  "aws:msk/cluster:Cluster": [
    ...always(
      "brokerNodeGroupInfo.azDistribution",
      "brokerNodeGroupInfo.clientSubnets",
      "brokerNodeGroupInfo.securityGroups",
      "clusterName",
      "encryptionInfo.encryptionAtRestKmsKeyArn",
      "encryptionInfo.encryptionInTransit.inCluster",
    ),
    // A downgrade replaces; so does a move between ZooKeeper and KRaft (".kraft"), which
    // MSK cannot make on an existing cluster: the update would fail, a new cluster is needed.
    { path: "kafkaVersion", replacesWhen: (before, after) => isDowngrade(before, after) || isKraft(before) !== isKraft(after) },
    { path: "storageMode", replacesWhen: (_before, after) => after === "LOCAL" },
  ],
  "aws:elasticache/replicationGroup:ReplicationGroup": [
    ...always(
      "atRestEncryptionEnabled",
      "dataTieringEnabled",
      "durability",
      "globalReplicationGroupId",
      "kmsKeyId",
      "networkType",
      "port",
      "replicationGroupId",
      "securityGroupNames",
      "snapshotArns",
      "snapshotName",
      "subnetGroupName",
    ),
    // Redis → Valkey is an in-place upgrade; any other engine change is a new group.
    { path: "engine", replacesWhen: (before, after) => !(before === "redis" && after === "valkey") },
    { path: "engineVersion", replacesWhen: isDowngrade },
  ],
  "aws:eks/cluster:Cluster": [
    ...always(
      "accessConfig.bootstrapClusterCreatorAdminPermissions",
      "bootstrapSelfManagedAddons",
      "kubernetesNetworkConfig.ipFamily",
      "kubernetesNetworkConfig.serviceIpv4Cidr",
      "name",
      "outpostConfig",
      "roleArn",
    ),
    // Envelope encryption can be turned on in place, never off.
    { path: "encryptionConfig", replacesWhen: (before, after) => before !== undefined && after === undefined },
  ],
  // The @pulumi/eks component passes these to its aws.eks.Cluster unchanged.
  "eks:index:Cluster": [
    ...always("name", "ipFamily", "kubernetesServiceIpAddressRange"),
    { path: "encryptionConfigKeyArn", replacesWhen: (before, after) => before !== undefined && after === undefined },
  ],
  "aws:kms/key:Key": always("customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"),
  "aws:ec2/vpc:Vpc": [
    ...always("cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"),
    { path: "instanceTenancy", replacesWhen: (before, after) => !(before === "dedicated" && after === "default") },
  ],
  "aws:ec2/subnet:Subnet": always(
    "availabilityZone",
    "availabilityZoneId",
    "cidrBlock",
    "ipv4IpamPoolId",
    "ipv4NetmaskLength",
    "ipv6IpamPoolId",
    "ipv6Native",
    "ipv6NetmaskLength",
    "outpostArn",
    "vpcId",
  ),
  "aws:ecr/repository:Repository": always("encryptionConfigurations", "name"),
  "aws:s3/bucket:Bucket": always("bucket", "bucketNamespace", "bucketPrefix", "objectLockEnabled"),
  "aws:secretsmanager/secret:Secret": always("name", "namePrefix", "type"),
};

function isAuroraStorage(storageType: unknown): boolean {
  return typeof storageType === "string" && storageType.startsWith("aurora");
}

/**
 * Stateful types the plan diff guards: those of the table, and every type the policy
 * pack requires `protect` on (serverless and standalone stores among them), whose
 * deletion or type change counts even where the table lists no replacing input.
 */
export function isStatefulType(type: string): boolean {
  return type in STATEFUL_REPLACEMENT_INPUTS || STATEFUL_TYPES.includes(type);
}

/** The value at a dotted path inside a value; undefined when any step is missing. */
function valueAt(value: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (node, key) => (typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined),
      value,
    );
}

/**
 * The table's entry that a changed input (a dotted path from the diff) replaces the
 * resource under, if any. A change at or under a listed path counts; so does a change
 * of a whole block (added, removed, rewritten) in which a listed path's value differs.
 */
export function replacingEntry(type: string, change: { path: string; before: unknown; after: unknown }): ReplacementInput | undefined {
  const replaces = (entry: ReplacementInput, before: unknown, after: unknown) => !entry.replacesWhen || entry.replacesWhen(before, after);
  for (const entry of STATEFUL_REPLACEMENT_INPUTS[type] ?? []) {
    const path = entry.path.replace(/\[\]/g, "");
    if (change.path === path || change.path.startsWith(`${path}.`) || change.path.startsWith(`${path}[`)) {
      if (replaces(entry, change.before, change.after)) return entry;
      continue;
    }
    if (path.startsWith(`${change.path}.`)) {
      const rest = path.slice(change.path.length + 1);
      const [before, after] = [valueAt(change.before, rest), valueAt(change.after, rest)];
      if (JSON.stringify(before) !== JSON.stringify(after) && replaces(entry, before, after)) return entry;
    }
  }
  return undefined;
}
