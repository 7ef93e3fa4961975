import type { PolicyResource, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { conditionValues, listOf, statementsOf, type Statement } from "../lib/policy-document";
import { indicesOf, onTypes, whenKnown } from "../lib/props";
import type { Rule } from "../lib/rule";

const kmsKeyRotation: Rule = {
  kind: "resource",
  name: "kms-key-rotation",
  service: "encryption",
  description:
    "Every customer-managed symmetric KMS key rotates its key material (yearly by default). Asymmetric and HMAC keys, and keys in a custom key store, cannot rotate automatically and are not judged.",
  fix: "set `enableKeyRotation: true` on the aws.kms.Key (infra/security/kms-key.ts does this for every key the kit makes).",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onTypes<Unwrap<aws.kms.KeyArgs>>("aws:kms/key:Key", (key, _args, report) => {
    // Asymmetric and HMAC keys, and keys in a custom key store (CloudHSM, external), cannot
    // rotate automatically: only symmetric keys in KMS's own store are held to it.
    const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
    if (key.customKeyStoreId) return;
    if (spec === "SYMMETRIC_DEFAULT" && key.enableKeyRotation !== true) {
      report("This KMS key does not rotate its key material.");
    }
  }),
};

// ---------------------------------------------------------------------------------------
// Secrets Manager

const SECRET = "aws:secretsmanager/secret:Secret";
type SecretProps = Unwrap<aws.secretsmanager.SecretArgs>;

const secretCmk: Rule = {
  kind: "resource",
  name: "secretsmanager-secret-cmk",
  service: "encryption",
  description:
    "Secrets Manager secrets are encrypted with a customer-managed KMS key (kmsKeyId), not the AWS-managed aws/secretsmanager key, which every principal of the account allowed to call Secrets Manager may use: with our own key, its key policy decides who can decrypt. Each replica in another region (replicas[]) names its own kmsKeyId too.",
  fix: "set `kmsKeyId` to the customer-managed key of the store the secret belongs to (and on every replica), as createStoredSecret in infra/security/stored-secret.ts does for the database credentials and the cache users' passwords.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onTypes<SecretProps>(SECRET, (secret, _args, report) => {
    const key = whenKnown(() => secret.kmsKeyId ?? "");
    if (key === "")
      report("This secret is encrypted with the AWS-managed aws/secretsmanager key, not a customer-managed KMS key (kmsKeyId is not set).");
    const replicas = whenKnown(() => secret.replicas);
    indicesOf(replicas).forEach((i) => {
      const replica = whenKnown(() => ({ region: replicas![i]!.region, key: replicas![i]!.kmsKeyId ?? "" }));
      if (replica?.key === "")
        report(
          `This secret's replica in ${String(replica.region)} (replicas[${i}]) is encrypted with the AWS-managed aws/secretsmanager key (kmsKeyId is not set).`,
        );
    });
  }),
};

// ---------------------------------------------------------------------------------------
// CloudWatch Logs

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
type LogGroupProps = Unwrap<aws.cloudwatch.LogGroupArgs>;

const logGroupRetention: Rule = {
  kind: "resource",
  name: "cloudwatch-log-group-retention",
  service: "encryption",
  description:
    "CloudWatch log groups expire their events: retentionInDays is set and above 0 (unset or 0 keeps them forever, storing personal data and paying for it with no end). Only log groups the stack declares can be judged: a group an AWS service creates on its first write never expires, so the kit creates every group it writes to first.",
  fix: "set `retentionInDays` (one of CloudWatch's values: 1, 3, 5, 7, 14, 30, 60, 90, … 365, … 3653), as createEncryptedLogGroup in infra/security/log-group.ts does from each component's `logRetentionDays` in the stack's profile.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onTypes<LogGroupProps>(LOG_GROUP, (group, _args, report) => {
    const days = group.retentionInDays;
    if (days === undefined || days === 0) {
      report(`This log group keeps its events forever: retentionInDays is ${days === undefined ? "not set" : "0"}.`);
    }
  }),
};

const logGroupCmk: Rule = {
  kind: "resource",
  name: "cloudwatch-log-group-cmk",
  service: "encryption",
  description:
    "CloudWatch log groups are encrypted with a customer-managed KMS key (kmsKeyId), so the key policy, not only IAM, decides who can read logs that may carry personal data, and disabling the key cuts access to them. Without one, CloudWatch Logs encrypts with a key of its own.",
  fix: "set `kmsKeyId` to the logs key (infra/security/logs-key.ts, whose key policy lets CloudWatch Logs use it), as createEncryptedLogGroup in infra/security/log-group.ts does for every group the kit creates.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onTypes<LogGroupProps>(LOG_GROUP, (group, _args, report) => {
    if (!group.kmsKeyId)
      report(
        "This log group is not encrypted with a customer-managed KMS key (kmsKeyId is not set): CloudWatch Logs uses a key of its own.",
      );
  }),
};

// ---------------------------------------------------------------------------------------
// ECR

const REPOSITORY = "aws:ecr/repository:Repository";
type RepositoryProps = Unwrap<aws.ecr.RepositoryArgs>;

/** IMMUTABLE_WITH_EXCLUSION keeps every tag immutable but those matching imageTagMutabilityExclusionFilters. */
const IMMUTABLE = ["IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"];

const ecrImmutableTags: Rule = {
  kind: "resource",
  name: "ecr-immutable-tags",
  service: "encryption",
  description:
    'ECR repositories keep image tags immutable (imageTagMutability "IMMUTABLE", or "IMMUTABLE_WITH_EXCLUSION", where only tags matching its exclusion filters may be overwritten): a tag then names one build forever, so what was reviewed, scanned and rolled back to is what runs. ECR repositories are MUTABLE unless told otherwise.',
  fix: 'set `imageTagMutability: "IMMUTABLE"`, as infra/apps/image-registry.ts does for every app repository, and push each build under a new tag (delivery.imageTag in the stack\'s profile, never "latest").',
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onTypes<RepositoryProps>(REPOSITORY, (repository, _args, report) => {
    const mutability = repository.imageTagMutability;
    if (mutability === undefined || !IMMUTABLE.includes(mutability)) {
      const now = mutability === undefined ? "is not set (MUTABLE by default)" : `is "${mutability}"`;
      report(`This ECR repository lets a pushed tag be overwritten with another image: imageTagMutability ${now}.`);
    }
  }),
};

const ecrScanOnPush: Rule = {
  kind: "resource",
  name: "ecr-scan-on-push",
  service: "encryption",
  description:
    "ECR repositories scan every image for known vulnerabilities when it is pushed (imageScanningConfiguration.scanOnPush true). AWS is deprecating this repository-level setting in favour of registry-level scanning rules (aws.ecr.RegistryScanningConfiguration, basic or enhanced with Amazon Inspector), which take precedence once the account sets them; the pack cannot see account settings the stack does not declare, so the rule checks the repository, where the setting does no harm under registry scanning and keeps images scanned without it.",
  fix: "set `imageScanningConfiguration: { scanOnPush: true }`, as infra/apps/image-registry.ts does for every app repository.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onTypes<RepositoryProps>(REPOSITORY, (repository, _args, report) => {
    const scanOnPush = repository.imageScanningConfiguration?.scanOnPush;
    if (scanOnPush !== true) {
      report(
        `This ECR repository does not scan images when they are pushed: imageScanningConfiguration.scanOnPush is ${scanOnPush === false ? "false" : "not set"}.`,
      );
    }
  }),
};

// ---------------------------------------------------------------------------------------
// S3: stack rules, since a bucket's protections are resources of their own that point at it

const BUCKET_TYPES: readonly string[] = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const ACCOUNT_PUBLIC_ACCESS_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock";
const ENCRYPTION_CONFIGURATION_TYPES: readonly string[] = [
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

type BucketOutputs = { readonly id?: string; readonly bucket?: string; readonly arn?: string; readonly policy?: unknown };
type PublicAccessBlockOutputs = Unwrap<aws.s3.BucketPublicAccessBlockArgs>;
type AccountPublicAccessBlockOutputs = Unwrap<aws.s3.AccountPublicAccessBlockArgs>;
type EncryptionConfigurationOutputs = Unwrap<aws.s3.BucketServerSideEncryptionConfigurationArgs>;
type BucketPolicyOutputs = { readonly bucket?: string; readonly policy?: unknown };

/**
 * A resource that protects a bucket: which bucket it names (its `bucket` output, the
 * bucket's name or id), and whether it does the job: true, what it lacks, or undefined
 * while that is not known during preview.
 */
interface Protection {
  readonly bucket: string | undefined;
  readonly verdict: true | string | undefined;
}

function protectionsOf(
  resources: readonly PolicyResource[],
  types: readonly string[],
  judge: (props: Record<string, unknown>) => true | string,
): Protection[] {
  return resources
    .filter((resource) => types.includes(resource.type))
    .map((resource) => ({
      bucket: whenKnown(() => resource.props.bucket as string | undefined),
      verdict: whenKnown(() => judge(resource.props)),
    }));
}

/**
 * Judges every bucket of the stack by the protections that name it (matched on the
 * bucket's id, name or ARN outputs). A bucket is reported only when nothing that is
 * still unknown could turn out to protect it.
 */
function judgeBuckets(
  args: StackValidationArgs,
  report: ReportViolation,
  protections: readonly Protection[],
  messages: { readonly missing: (bucket: string) => string; readonly lacking: (bucket: string, problems: readonly string[]) => string },
): void {
  const someTargetUnknown = protections.some((protection) => protection.bucket === undefined);
  for (const resource of args.resources.filter((r) => BUCKET_TYPES.includes(r.type))) {
    const outputs = resource.props as BucketOutputs;
    const names = [whenKnown(() => outputs.id), whenKnown(() => outputs.bucket), whenKnown(() => outputs.arn)].filter(
      (name): name is string => typeof name === "string" && name !== "",
    );
    if (names.length === 0) continue;
    const mine = protections.filter((protection) => protection.bucket !== undefined && names.includes(protection.bucket));
    if (mine.some((protection) => protection.verdict === true)) continue;
    if (someTargetUnknown || mine.some((protection) => protection.verdict === undefined)) continue;
    const bucketName = whenKnown(() => outputs.bucket);
    const label = `S3 bucket ${resource.name}${bucketName ? ` (${bucketName})` : ""}`;
    const problems = mine.map((protection) => protection.verdict as string);
    report(problems.length === 0 ? messages.missing(label) : messages.lacking(label, problems), resource.urn);
  }
}

const s3PublicAccessBlocked: Rule = {
  kind: "stack",
  name: "s3-public-access-blocked",
  service: "encryption",
  description:
    "Every S3 bucket of the stack (aws.s3.Bucket, aws.s3.BucketV2) has an aws.s3.BucketPublicAccessBlock whose `bucket` is the bucket's name and which sets blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true, so no ACL or bucket policy can make its objects public. An aws.s3.AccountPublicAccessBlock in the stack with the four flags true covers every bucket. AWS turns the four on for buckets created since April 2023, but only a block the stack declares is kept in place by Pulumi and visible to this pack.",
  fix: "declare `new aws.s3.BucketPublicAccessBlock(name, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true })` next to the bucket; content the internet must read goes through CloudFront with origin access control, not a public bucket.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateStack: (args, report) => {
    const accountBlocked = args.resources
      .filter((r) => r.type === ACCOUNT_PUBLIC_ACCESS_BLOCK)
      .some(
        (r) => whenKnown(() => PUBLIC_ACCESS_FLAGS.every((flag) => (r.props as AccountPublicAccessBlockOutputs)[flag] === true)) === true,
      );
    if (accountBlocked) return;
    const protections = protectionsOf(args.resources, [PUBLIC_ACCESS_BLOCK], (props) => {
      const block = props as PublicAccessBlockOutputs;
      const off = PUBLIC_ACCESS_FLAGS.filter((flag) => block[flag] !== true);
      return off.length === 0 ? true : `${off.join(", ")} ${off.length === 1 ? "is" : "are"} not true`;
    });
    judgeBuckets(args, report, protections, {
      missing: (bucket) =>
        `${bucket} has no aws.s3.BucketPublicAccessBlock: nothing in the stack stops an ACL or a bucket policy from making it public.`,
      lacking: (bucket, problems) => `${bucket}'s public access block leaves public access open: ${problems.join("; ")}.`,
    });
  },
};

const s3EncryptionConfigured: Rule = {
  kind: "stack",
  name: "s3-encryption-configured",
  service: "encryption",
  description:
    "Every S3 bucket of the stack (aws.s3.Bucket, aws.s3.BucketV2) has an aws.s3.BucketServerSideEncryptionConfiguration whose `bucket` is the bucket's name and whose rules set applyServerSideEncryptionByDefault.sseAlgorithm. S3 encrypts new objects with SSE-S3 since January 2023 even without one, but a declared configuration states the encryption, keeps it from being changed outside Pulumi, and is the place to choose a customer-managed key (aws:kms with kmsMasterKeyId). The bucket's deprecated inline serverSideEncryptionConfiguration does not count: among a bucket's outputs it shows S3's default whether the program set it or not.",
  fix: 'declare `new aws.s3.BucketServerSideEncryptionConfiguration(name, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }] })` with a key from createRotatingKey in infra/security/kms-key.ts.',
  levels: { prod: "mandatory", dev: "mandatory" },
  validateStack: (args, report) => {
    const protections = protectionsOf(args.resources, ENCRYPTION_CONFIGURATION_TYPES, (props) => {
      const rules = (props as EncryptionConfigurationOutputs).rules;
      const encrypts = indicesOf(rules).some((i) => Boolean(rules[i]!.applyServerSideEncryptionByDefault?.sseAlgorithm));
      return encrypts ? true : "no rule sets applyServerSideEncryptionByDefault.sseAlgorithm";
    });
    judgeBuckets(args, report, protections, {
      missing: (bucket) =>
        `${bucket} has no aws.s3.BucketServerSideEncryptionConfiguration: the stack does not state how its objects are encrypted.`,
      lacking: (bucket, problems) => `${bucket}'s encryption configuration sets no default encryption: ${problems.join("; ")}.`,
    });
  },
};

/**
 * The statement AWS recommends: Deny, every principal, every S3 action, on the bucket's
 * objects (a Resource "*" or ending in "/*"), when aws:SecureTransport is false.
 */
function deniesInsecureTransport(statement: Statement): boolean {
  if (statement.Effect !== "Deny") return false;
  const principal = statement.Principal;
  const everyone =
    principal === "*" ||
    (typeof principal === "object" && principal !== null && listOf((principal as Record<string, unknown>).AWS).includes("*"));
  if (!everyone) return false;
  if (!listOf(statement.Action).some((action) => action === "*" || action.toLowerCase() === "s3:*")) return false;
  if (!listOf(statement.Resource).some((resource) => resource === "*" || resource.endsWith("/*"))) return false;
  const condition =
    typeof statement.Condition === "object" && statement.Condition !== null ? (statement.Condition as Record<string, unknown>) : {};
  return ["Bool", "BoolIfExists"].some((operator) =>
    (conditionValues(condition[operator], "aws:SecureTransport") ?? []).some((value) => value.toLowerCase() === "false"),
  );
}

const s3TlsOnly: Rule = {
  kind: "stack",
  name: "s3-tls-only",
  service: "encryption",
  description:
    'Every S3 bucket of the stack (aws.s3.Bucket, aws.s3.BucketV2) refuses requests that do not use TLS: its bucket policy (an aws.s3.BucketPolicy whose `bucket` is the bucket\'s name, or the bucket\'s deprecated inline `policy`) has a statement with Effect "Deny", Principal "*", Action "s3:*", a Resource covering its objects ("<bucket ARN>/*") and the condition Bool aws:SecureTransport "false". S3 answers plain HTTP otherwise.',
  fix: 'declare an aws.s3.BucketPolicy for the bucket with the statement `{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.arn, `${bucket.arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }` (pulumi.jsonStringify builds the document from the bucket\'s outputs).',
  levels: { prod: "mandatory", dev: "mandatory" },
  validateStack: (args, report) => {
    const judge = (document: unknown): true | string =>
      statementsOf(document).some(
        (statement) => typeof statement === "object" && statement !== null && deniesInsecureTransport(statement as Statement),
      )
        ? true
        : 'no statement denies "s3:*" to every principal on its objects when aws:SecureTransport is "false"';
    const protections = protectionsOf(args.resources, [BUCKET_POLICY], (props) => judge((props as BucketPolicyOutputs).policy));
    // The deprecated inline policy on the bucket itself counts too.
    for (const resource of args.resources.filter((r) => BUCKET_TYPES.includes(r.type))) {
      const outputs = resource.props as BucketOutputs;
      // Unknown during preview ({ policy } itself undefined) is not the same as no inline policy.
      const inline = whenKnown(() => ({ policy: outputs.policy }));
      if (inline !== undefined && (inline.policy === undefined || inline.policy === null || inline.policy === "")) continue;
      protections.push({
        bucket: whenKnown(() => outputs.bucket ?? outputs.id),
        verdict: inline === undefined ? undefined : whenKnown(() => judge(inline.policy)),
      });
    }
    judgeBuckets(args, report, protections, {
      missing: (bucket) => `${bucket} has no bucket policy (aws.s3.BucketPolicy): nothing refuses requests made without TLS.`,
      lacking: (bucket, problems) => `${bucket}'s bucket policy does not refuse requests made without TLS: ${problems.join("; ")}.`,
    });
  },
};

export const ENCRYPTION_RULES: readonly Rule[] = [
  kmsKeyRotation,
  secretCmk,
  logGroupRetention,
  logGroupCmk,
  ecrImmutableTags,
  ecrScanOnPush,
  s3PublicAccessBlocked,
  s3EncryptionConfigured,
  s3TlsOnly,
];
