import { describe, expect, it } from "vitest";
import { profileConfig } from "../../policies/lib/pack-config";
import { ENCRYPTION_RULES } from "../../policies/rules/encryption";
import { checkResource, checkStack, unknown, type ResourceUnderTest } from "../../policies/testing/harness";
import { ruleNamed } from "./rule-lookup";

describe("kms-key-rotation", () => {
  const rule = ruleNamed(ENCRYPTION_RULES, "kms-key-rotation");
  const key = (props: Record<string, unknown>) => ({ type: "aws:kms/key:Key", name: "key", props });

  it("reports a symmetric key that does not rotate, saying how to fix it", async () => {
    const violations = await checkResource(rule, key({ enableKeyRotation: false }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain("does not rotate");
    expect(violations[0]?.message).toContain("enableKeyRotation: true");
    expect(violations[0]?.level).toBe("mandatory");
  });

  it("passes a rotating key and an asymmetric key (which cannot rotate)", async () => {
    expect(await checkResource(rule, key({ enableKeyRotation: true }))).toEqual([]);
    expect(await checkResource(rule, key({ customerMasterKeySpec: "RSA_2048" }))).toEqual([]);
    expect(await checkResource(rule, key({ customKeyStoreId: "cks-1234567890abcdef0" }))).toEqual([]);
  });

  it("neither crashes nor reports when the setting is unknown during preview", async () => {
    expect(await checkResource(rule, key({ enableKeyRotation: unknown.boolean }))).toEqual([]);
    expect(await checkResource(rule, key({ customerMasterKeySpec: unknown.string }))).toEqual([]);
  });

  it("ignores other resource types", async () => {
    expect(await checkResource(rule, { type: "aws:s3/bucket:Bucket", props: {} })).toEqual([]);
  });
});

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/database-key-id";
const LOGS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/logs-key-id";
const messages = (violations: readonly { message: string }[]) => violations.map((v) => v.message);
const prod = profileConfig(ENCRYPTION_RULES, "prod");
const dev = profileConfig(ENCRYPTION_RULES, "dev");

describe("the encryption rules", () => {
  it("are the security baseline: mandatory in every profile, of the encryption service", () => {
    for (const rule of ENCRYPTION_RULES) {
      expect(rule.service).toBe("encryption");
      expect(rule.name).toMatch(/^(kms|secretsmanager|cloudwatch|ecr|s3)-[a-z0-9-]+$/);
      expect(rule.levels).toEqual({ prod: "mandatory", dev: "mandatory" });
      expect(dev[rule.name]).toBe("mandatory");
    }
  });
});

describe("secretsmanager-secret-cmk", () => {
  const rule = ruleNamed(ENCRYPTION_RULES, "secretsmanager-secret-cmk");
  /** As createStoredSecret in infra/security/stored-secret.ts declares the database credentials. */
  const secret = (props: Record<string, unknown> = {}): ResourceUnderTest => ({
    type: "aws:secretsmanager/secret:Secret",
    name: "database-credentials",
    props: {
      name: "coupon-prod/mysql/master",
      description: "coupon-prod: RDS MySQL master credentials",
      kmsKeyId: KEY,
      recoveryWindowInDays: 30,
      ...props,
    },
  });

  it("reports a secret on the AWS-managed key", async () => {
    const violations = await checkResource(rule, secret({ kmsKeyId: undefined }), prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain(
      "This secret is encrypted with the AWS-managed aws/secretsmanager key, not a customer-managed KMS key (kmsKeyId is not set).",
    );
    expect(violations[0]?.message).toContain("Fix: set `kmsKeyId`");
    expect(violations[0]?.message).toContain("infra/security/stored-secret.ts");
  });

  it("reports a replica in another region on the AWS-managed key", async () => {
    const replicas = [{ region: "eu-central-1", kmsKeyId: "arn:aws:kms:eu-central-1:123456789012:key/k" }, { region: "us-east-1" }];
    expect(messages(await checkResource(rule, secret({ replicas })))).toEqual([
      expect.stringContaining("This secret's replica in us-east-1 (replicas[1]) is encrypted with the AWS-managed aws/secretsmanager key"),
    ]);
  });

  it("passes the kit's secrets", async () => {
    expect(await checkResource(rule, secret())).toEqual([]);
    expect(
      await checkResource(
        rule,
        secret({ replicas: [{ region: "eu-central-1", kmsKeyId: "arn:aws:kms:eu-central-1:123456789012:key/k" }] }),
      ),
    ).toEqual([]);
  });

  it("neither crashes nor reports what is unknown during preview, and judges each key on its own", async () => {
    expect(await checkResource(rule, secret({ kmsKeyId: unknown.string }))).toEqual([]);
    expect(await checkResource(rule, secret({ replicas: unknown.array }))).toEqual([]);
    expect(await checkResource(rule, secret({ replicas: [unknown.object, { region: "eu-central-1", kmsKeyId: unknown.string }] }))).toEqual(
      [],
    );
    expect(messages(await checkResource(rule, secret({ kmsKeyId: unknown.string, replicas: [{ region: "us-east-1" }] })))).toEqual([
      expect.stringContaining("replica in us-east-1"),
    ]);
  });
});

/** As createEncryptedLogGroup in infra/security/log-group.ts declares the broker logs' group. */
const logGroup = (props: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: "aws:cloudwatch/logGroup:LogGroup",
  name: "kafka-broker-logs",
  props: { name: "/coupon-prod/msk/broker", retentionInDays: 365, kmsKeyId: LOGS_KEY, ...props },
});

describe("cloudwatch-log-group-retention", () => {
  const rule = ruleNamed(ENCRYPTION_RULES, "cloudwatch-log-group-retention");

  it("reports a log group that never expires, unset or 0", async () => {
    const violations = await checkResource(rule, logGroup({ retentionInDays: undefined }), prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("This log group keeps its events forever: retentionInDays is not set.");
    expect(violations[0]?.message).toContain("Fix: set `retentionInDays`");
    expect(messages(await checkResource(rule, logGroup({ retentionInDays: 0 })))).toEqual([
      expect.stringContaining("retentionInDays is 0."),
    ]);
  });

  it("passes the kit's prod and dev retentions", async () => {
    expect(await checkResource(rule, logGroup())).toEqual([]);
    expect(await checkResource(rule, logGroup({ retentionInDays: 30 }), dev)).toEqual([]);
  });

  it("neither crashes nor reports when the retention is unknown during preview", async () => {
    expect(await checkResource(rule, logGroup({ retentionInDays: unknown.number }))).toEqual([]);
  });
});

describe("cloudwatch-log-group-cmk", () => {
  const rule = ruleNamed(ENCRYPTION_RULES, "cloudwatch-log-group-cmk");

  it("reports a log group without a customer-managed key", async () => {
    const violations = await checkResource(rule, logGroup({ kmsKeyId: undefined }), prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("This log group is not encrypted with a customer-managed KMS key (kmsKeyId is not set)");
    expect(violations[0]?.message).toContain("infra/security/logs-key.ts");
  });

  it("passes the kit's log groups", async () => {
    expect(await checkResource(rule, logGroup())).toEqual([]);
  });

  it("neither crashes nor reports when the key is unknown during preview", async () => {
    expect(await checkResource(rule, logGroup({ kmsKeyId: unknown.string }))).toEqual([]);
  });
});

/** As infra/apps/image-registry.ts declares an app's repository. */
const repository = (props: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: "aws:ecr/repository:Repository",
  name: "images-coupon",
  props: {
    name: "coupon-prod/coupon",
    imageTagMutability: "IMMUTABLE",
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfigurations: [{ encryptionType: "KMS" }],
    ...props,
  },
});

describe("ecr-immutable-tags", () => {
  const rule = ruleNamed(ENCRYPTION_RULES, "ecr-immutable-tags");

  it("reports mutable tags, set or by default", async () => {
    const violations = await checkResource(rule, repository({ imageTagMutability: "MUTABLE" }), prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain(
      'This ECR repository lets a pushed tag be overwritten with another image: imageTagMutability is "MUTABLE".',
    );
    expect(violations[0]?.message).toContain('Fix: set `imageTagMutability: "IMMUTABLE"`');
    expect(messages(await checkResource(rule, repository({ imageTagMutability: undefined })))).toEqual([
      expect.stringContaining("imageTagMutability is not set (MUTABLE by default)"),
    ]);
    expect(messages(await checkResource(rule, repository({ imageTagMutability: "MUTABLE_WITH_EXCLUSION" })))).toEqual([
      expect.stringContaining('"MUTABLE_WITH_EXCLUSION"'),
    ]);
  });

  it("passes IMMUTABLE (the kit's) and IMMUTABLE_WITH_EXCLUSION", async () => {
    expect(await checkResource(rule, repository())).toEqual([]);
    expect(
      await checkResource(
        rule,
        repository({
          imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
          imageTagMutabilityExclusionFilters: [{ filter: "dev-*", filterType: "WILDCARD" }],
        }),
      ),
    ).toEqual([]);
  });

  it("neither crashes nor reports when the setting is unknown during preview", async () => {
    expect(await checkResource(rule, repository({ imageTagMutability: unknown.string }))).toEqual([]);
  });
});

describe("ecr-scan-on-push", () => {
  const rule = ruleNamed(ENCRYPTION_RULES, "ecr-scan-on-push");

  it("reports a repository that does not scan on push", async () => {
    const violations = await checkResource(rule, repository({ imageScanningConfiguration: { scanOnPush: false } }), prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain(
      "This ECR repository does not scan images when they are pushed: imageScanningConfiguration.scanOnPush is false.",
    );
    expect(violations[0]?.message).toContain("Fix: set `imageScanningConfiguration: { scanOnPush: true }`");
    expect(messages(await checkResource(rule, repository({ imageScanningConfiguration: undefined })))).toEqual([
      expect.stringContaining("scanOnPush is not set"),
    ]);
  });

  it("passes the kit's repositories", async () => {
    expect(await checkResource(rule, repository())).toEqual([]);
  });

  it("neither crashes nor reports when the setting is unknown during preview", async () => {
    expect(await checkResource(rule, repository({ imageScanningConfiguration: unknown.object }))).toEqual([]);
    expect(await checkResource(rule, repository({ imageScanningConfiguration: { scanOnPush: unknown.boolean } }))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// S3 (the kit declares no bucket: these model what a fork adding one should declare)

const bucket = (name: string, outputs: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: "aws:s3/bucket:Bucket",
  name,
  urn: `urn:pulumi:test::test::aws:s3/bucket:Bucket::${name}`,
  props: { bucket: `coupon-prod-${name}` },
  outputs: { bucket: `coupon-prod-${name}`, id: `coupon-prod-${name}`, arn: `arn:aws:s3:::coupon-prod-${name}`, ...outputs },
});
const attached = (type: string, name: string, outputs: Record<string, unknown>): ResourceUnderTest => ({
  type,
  name,
  props: outputs,
  outputs: { id: `${name}-id`, ...outputs },
});
const FLAGS = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
const publicAccessBlock = (target: unknown, flags: Record<string, unknown> = FLAGS) =>
  attached("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${String(target)}-pab`, { bucket: target, ...flags });
const encryption = (
  target: unknown,
  rules: unknown = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY }, bucketKeyEnabled: true }],
) =>
  attached("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `${String(target)}-sse`, {
    bucket: target,
    rules,
  });
const TLS_STATEMENT = {
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: ["arn:aws:s3:::coupon-prod-assets", "arn:aws:s3:::coupon-prod-assets/*"],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
};
const bucketPolicy = (target: unknown, statements: unknown[] = [TLS_STATEMENT], asObject = false) => {
  const document = { Version: "2012-10-17", Statement: statements };
  return attached("aws:s3/bucketPolicy:BucketPolicy", `${String(target)}-policy`, {
    bucket: target,
    policy: asObject ? document : JSON.stringify(document),
  });
};

describe("s3-public-access-blocked", () => {
  const rule = ruleNamed(ENCRYPTION_RULES, "s3-public-access-blocked");

  it("reports a bucket no public access block points at, at the bucket", async () => {
    const violations = await checkStack(rule, [bucket("assets"), bucket("exports"), publicAccessBlock("coupon-prod-assets")], prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ level: "mandatory", urn: bucket("exports").urn });
    expect(violations[0]?.message).toContain(
      "S3 bucket exports (coupon-prod-exports) has no aws.s3.BucketPublicAccessBlock: nothing in the stack stops an ACL or a bucket policy from making it public.",
    );
    expect(violations[0]?.message).toContain("Fix: declare `new aws.s3.BucketPublicAccessBlock(");
  });

  it("reports a block that leaves flags off, naming them", async () => {
    const partial = publicAccessBlock("coupon-prod-assets", { blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true });
    expect(messages(await checkStack(rule, [bucket("assets"), partial]))).toEqual([
      expect.stringContaining(
        "S3 bucket assets (coupon-prod-assets)'s public access block leaves public access open: blockPublicPolicy, restrictPublicBuckets are not true.",
      ),
    ]);
  });

  it("passes a full block matched by the bucket's name or ARN, an account-wide block, and a stack without buckets", async () => {
    expect(await checkStack(rule, [bucket("assets"), publicAccessBlock("coupon-prod-assets")])).toEqual([]);
    expect(await checkStack(rule, [bucket("assets", { id: "assets-id" }), publicAccessBlock("assets-id")])).toEqual([]);
    expect(await checkStack(rule, [bucket("assets"), publicAccessBlock("arn:aws:s3:::coupon-prod-assets")])).toEqual([]);
    expect(
      await checkStack(rule, [bucket("assets"), attached("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account", FLAGS)]),
    ).toEqual([]);
    expect(
      await checkStack(rule, [{ ...bucket("assets"), type: "aws:s3/bucketV2:BucketV2" }, publicAccessBlock("coupon-prod-assets")]),
    ).toEqual([]);
    expect(await checkStack(rule, [])).toEqual([]);
  });

  it("still reports when the account-wide block is partial", async () => {
    const partialAccount = attached("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account", {
      ...FLAGS,
      restrictPublicBuckets: false,
    });
    expect(await checkStack(rule, [bucket("assets"), partialAccount])).toHaveLength(1);
  });

  it("neither crashes nor reports what is unknown during preview, and still judges what is known", async () => {
    expect(await checkStack(rule, [bucket("assets", { id: unknown.string, bucket: unknown.string, arn: unknown.string })])).toEqual([]);
    expect(await checkStack(rule, [bucket("assets"), publicAccessBlock(unknown.string)])).toEqual([]);
    expect(
      await checkStack(rule, [bucket("assets"), publicAccessBlock("coupon-prod-assets", { ...FLAGS, blockPublicPolicy: unknown.boolean })]),
    ).toEqual([]);
    expect(
      await checkStack(rule, [
        bucket("assets"),
        attached("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account", { ...FLAGS, blockPublicAcls: unknown.boolean }),
      ]),
    ).toHaveLength(1);
    const mixed = await checkStack(rule, [
      bucket("assets", { id: unknown.string, bucket: unknown.string, arn: unknown.string }),
      bucket("exports"),
    ]);
    expect(mixed.map((v) => v.urn)).toEqual([bucket("exports").urn]);
  });
});

describe("s3-encryption-configured", () => {
  const rule = ruleNamed(ENCRYPTION_RULES, "s3-encryption-configured");

  it("reports a bucket without an encryption configuration", async () => {
    const violations = await checkStack(rule, [bucket("assets")], prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ level: "mandatory", urn: bucket("assets").urn });
    expect(violations[0]?.message).toContain("S3 bucket assets (coupon-prod-assets) has no aws.s3.BucketServerSideEncryptionConfiguration");
    expect(violations[0]?.message).toContain("Fix: declare `new aws.s3.BucketServerSideEncryptionConfiguration(");
  });

  it("reports a configuration without default encryption, and ignores the inline output S3 fills in", async () => {
    expect(messages(await checkStack(rule, [bucket("assets"), encryption("coupon-prod-assets", [{ bucketKeyEnabled: true }])]))).toEqual([
      expect.stringContaining(
        "encryption configuration sets no default encryption: no rule sets applyServerSideEncryptionByDefault.sseAlgorithm.",
      ),
    ]);
    const inline = bucket("assets", {
      serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } },
    });
    expect(await checkStack(rule, [inline])).toHaveLength(1);
  });

  it("passes a bucket with a KMS or SSE-S3 configuration (either resource version)", async () => {
    expect(await checkStack(rule, [bucket("assets"), encryption("coupon-prod-assets")])).toEqual([]);
    expect(
      await checkStack(rule, [
        bucket("assets"),
        encryption("coupon-prod-assets", [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]),
      ]),
    ).toEqual([]);
    const v2 = {
      ...encryption("coupon-prod-assets"),
      type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    };
    expect(await checkStack(rule, [bucket("assets"), v2])).toEqual([]);
  });

  it("neither crashes nor reports what is unknown during preview", async () => {
    expect(await checkStack(rule, [bucket("assets"), encryption(unknown.string)])).toEqual([]);
    expect(await checkStack(rule, [bucket("assets"), encryption("coupon-prod-assets", unknown.array)])).toEqual([]);
    expect(
      await checkStack(rule, [
        bucket("assets"),
        encryption("coupon-prod-assets", [{ applyServerSideEncryptionByDefault: unknown.object }]),
      ]),
    ).toEqual([]);
  });
});

describe("s3-tls-only", () => {
  const rule = ruleNamed(ENCRYPTION_RULES, "s3-tls-only");

  it("reports a bucket without a bucket policy", async () => {
    const violations = await checkStack(rule, [bucket("assets")], prod);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ level: "mandatory", urn: bucket("assets").urn });
    expect(violations[0]?.message).toContain(
      "S3 bucket assets (coupon-prod-assets) has no bucket policy (aws.s3.BucketPolicy): nothing refuses requests made without TLS.",
    );
    expect(violations[0]?.message).toContain('Condition: { Bool: { "aws:SecureTransport": "false" } }');
  });

  it("reports a policy whose statements do not deny insecure transport for everything", async () => {
    const allowOnly = {
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::coupon-prod-assets/*",
    };
    expect(messages(await checkStack(rule, [bucket("assets"), bucketPolicy("coupon-prod-assets", [allowOnly])]))).toEqual([
      expect.stringContaining(
        'S3 bucket assets (coupon-prod-assets)\'s bucket policy does not refuse requests made without TLS: no statement denies "s3:*" to every principal',
      ),
    ]);
    for (const weaker of [
      { ...TLS_STATEMENT, Action: "s3:GetObject" },
      { ...TLS_STATEMENT, Principal: { AWS: "arn:aws:iam::123456789012:role/app" } },
      { ...TLS_STATEMENT, Resource: "arn:aws:s3:::coupon-prod-assets" },
      { ...TLS_STATEMENT, Condition: { Bool: { "aws:SecureTransport": "true" } } },
      { ...TLS_STATEMENT, Effect: "Allow" },
    ]) {
      expect(await checkStack(rule, [bucket("assets"), bucketPolicy("coupon-prod-assets", [weaker])])).toHaveLength(1);
    }
  });

  it("passes the recommended statement, as a JSON string or an object, with its variants, or inline on the bucket", async () => {
    expect(await checkStack(rule, [bucket("assets"), bucketPolicy("coupon-prod-assets")])).toEqual([]);
    expect(await checkStack(rule, [bucket("assets"), bucketPolicy("coupon-prod-assets", [TLS_STATEMENT], true)])).toEqual([]);
    const variant = {
      ...TLS_STATEMENT,
      Principal: { AWS: ["*"] },
      Action: ["*"],
      Resource: "*",
      Condition: { BoolIfExists: { "aws:securetransport": false } },
    };
    expect(
      await checkStack(rule, [
        bucket("assets"),
        bucketPolicy("coupon-prod-assets", [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }, variant]),
      ]),
    ).toEqual([]);
    expect(await checkStack(rule, [bucket("assets", { policy: JSON.stringify({ Statement: TLS_STATEMENT }) })])).toEqual([]);
  });

  it("neither crashes nor reports what is unknown during preview", async () => {
    expect(
      await checkStack(rule, [
        bucket("assets"),
        attached("aws:s3/bucketPolicy:BucketPolicy", "p", { bucket: "coupon-prod-assets", policy: unknown.string }),
      ]),
    ).toEqual([]);
    expect(await checkStack(rule, [bucket("assets"), bucketPolicy(unknown.string)])).toEqual([]);
    expect(await checkStack(rule, [bucket("assets", { policy: unknown.string })])).toEqual([]);
    expect(await checkStack(rule, [bucket("assets"), bucketPolicy("coupon-prod-assets", [unknown.object], true)])).toEqual([]);
  });
});
