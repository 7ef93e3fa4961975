import { describe, expect, it } from "vitest";
import { serverProperties } from "../../infra/data/kafka-server-properties";
import { profileConfig } from "../../policies/lib/pack-config";
import { MSK_RULES, parseServerProperties } from "../../policies/rules/msk";
import { checkResource, checkStack, unknown, type ResourceUnderTest } from "../../policies/testing/harness";
import { ruleNamed } from "./rule-lookup";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/kafka-key-id";
const CONFIGURATION_ARN = "arn:aws:kafka:eu-west-1:123456789012:configuration/coupon-prod-kafka/mock-uuid";

/** The cluster as infra/data/kafka.ts declares it in prod. */
const cluster = (props: Record<string, unknown> = {}, outputs: Record<string, unknown> = {}): ResourceUnderTest => {
  const inputs = {
    clusterName: "coupon-prod-kafka",
    kafkaVersion: "3.9.x",
    numberOfBrokerNodes: 3,
    brokerNodeGroupInfo: {
      instanceType: "kafka.m7g.large",
      clientSubnets: ["subnet-a", "subnet-b", "subnet-c"],
      securityGroups: ["sg-kafka"],
      storageInfo: { ebsStorageInfo: { volumeSize: 500 } },
      connectivityInfo: { publicAccess: { type: "DISABLED" } },
    },
    clientAuthentication: { sasl: { iam: true }, unauthenticated: false },
    encryptionInfo: { encryptionAtRestKmsKeyArn: KEY, encryptionInTransit: { clientBroker: "TLS", inCluster: true } },
    configurationInfo: { arn: CONFIGURATION_ARN, revision: 1 },
    enhancedMonitoring: "PER_TOPIC_PER_BROKER",
    loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: "/coupon-prod/msk/broker" } } },
    ...props,
  };
  return {
    type: "aws:msk/cluster:Cluster",
    name: "kafka-cluster",
    urn: "urn:pulumi:prod::coupon-platform::coupon-platform:data:Kafka$aws:msk/cluster:Cluster::kafka-cluster",
    props: inputs,
    outputs: { ...inputs, arn: "arn:aws:kafka:eu-west-1:123456789012:cluster/coupon-prod-kafka/uuid", id: "kafka-cluster-id", ...outputs },
  };
};

/** Its configuration, with the broker settings infra/data/kafka-server-properties.ts derives from the broker count. */
const configuration = (properties: string = serverProperties(3), outputs: Record<string, unknown> = {}): ResourceUnderTest => {
  const inputs = { name: "coupon-prod-kafka", kafkaVersions: ["3.9.x"], serverProperties: properties };
  return {
    type: "aws:msk/configuration:Configuration",
    name: "kafka-config",
    props: inputs,
    outputs: { ...inputs, arn: CONFIGURATION_ARN, latestRevision: 1, id: "kafka-config-id", ...outputs },
  };
};

const serverless = (props: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: "aws:msk/serverlessCluster:ServerlessCluster",
  name: "serverless",
  props: {
    clusterName: "events",
    vpcConfigs: [{ subnetIds: ["subnet-a", "subnet-b"] }],
    clientAuthentication: { sasl: { iam: { enabled: true } } },
    ...props,
  },
});

const messages = (violations: readonly { message: string }[]) => violations.map((v) => v.message);
const prod = profileConfig(MSK_RULES, "prod");
const dev = profileConfig(MSK_RULES, "dev");

describe("the MSK rules", () => {
  it("are the security baseline: mandatory in every profile, named msk-*, of the msk service", () => {
    for (const rule of MSK_RULES) {
      expect(rule.name).toMatch(/^msk-[a-z0-9-]+$/);
      expect(rule.service).toBe("msk");
      expect(rule.levels).toEqual({ prod: "mandatory", dev: "mandatory" });
      expect(dev[rule.name]).toBe("mandatory");
    }
  });

  it("pass the kit's prod cluster and configuration under the prod levels", async () => {
    for (const rule of MSK_RULES) {
      const violations =
        rule.kind === "resource" ? await checkResource(rule, cluster(), prod) : await checkStack(rule, [configuration(), cluster()], prod);
      expect(violations).toEqual([]);
    }
  });

  it("ignore other resource types", async () => {
    for (const rule of MSK_RULES.filter((r) => r.kind === "resource")) {
      expect(await checkResource(rule, { type: "aws:rds/instance:Instance", props: { publiclyAccessible: true } })).toEqual([]);
    }
  });
});

describe("msk-tls-only", () => {
  const rule = ruleNamed(MSK_RULES, "msk-tls-only");
  const inTransit = (encryptionInTransit: unknown) => cluster({ encryptionInfo: { encryptionAtRestKmsKeyArn: KEY, encryptionInTransit } });

  it("reports a plaintext client listener, naming the setting, at mandatory", async () => {
    const violations = await checkResource(rule, inTransit({ clientBroker: "TLS_PLAINTEXT", inCluster: true }), dev);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain(
      'The MSK cluster accepts plaintext client connections: encryptionInfo.encryptionInTransit.clientBroker is "TLS_PLAINTEXT"; it must be "TLS".',
    );
    expect(violations[0]?.message).toContain(
      'Fix: set `encryptionInfo: { encryptionInTransit: { clientBroker: "TLS", inCluster: true } }`',
    );
    expect(messages(await checkResource(rule, inTransit({ clientBroker: "PLAINTEXT" })))).toEqual([
      expect.stringContaining('clientBroker is "PLAINTEXT"'),
    ]);
  });

  it("reports plaintext replication between brokers, on its own and with a plaintext listener", async () => {
    expect(messages(await checkResource(rule, inTransit({ clientBroker: "TLS", inCluster: false })))).toEqual([
      expect.stringContaining(
        "The MSK cluster's brokers replicate to each other in plaintext: encryptionInfo.encryptionInTransit.inCluster is false.",
      ),
    ]);
    expect(await checkResource(rule, inTransit({ clientBroker: "PLAINTEXT", inCluster: false }))).toHaveLength(2);
  });

  it("passes TLS set explicitly or left to MSK's defaults (TLS, in-cluster on)", async () => {
    expect(await checkResource(rule, cluster())).toEqual([]);
    expect(await checkResource(rule, inTransit(undefined))).toEqual([]);
    expect(await checkResource(rule, cluster({ encryptionInfo: undefined }))).toEqual([]);
  });

  it("neither crashes nor reports what is unknown during preview, and judges each setting on its own", async () => {
    expect(await checkResource(rule, cluster({ encryptionInfo: unknown.object }))).toEqual([]);
    expect(await checkResource(rule, inTransit(unknown.object))).toEqual([]);
    expect(await checkResource(rule, inTransit({ clientBroker: unknown.string, inCluster: unknown.boolean }))).toEqual([]);
    expect(messages(await checkResource(rule, inTransit({ clientBroker: unknown.string, inCluster: false })))).toEqual([
      expect.stringContaining("inCluster is false"),
    ]);
    expect(messages(await checkResource(rule, inTransit({ clientBroker: "PLAINTEXT", inCluster: unknown.boolean })))).toEqual([
      expect.stringContaining('clientBroker is "PLAINTEXT"'),
    ]);
  });
});

describe("msk-encryption-at-rest-cmk", () => {
  const rule = ruleNamed(MSK_RULES, "msk-encryption-at-rest-cmk");

  it("reports storage on the AWS-managed key", async () => {
    const violations = await checkResource(rule, cluster({ encryptionInfo: { encryptionInTransit: { clientBroker: "TLS" } } }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain(
      "The MSK cluster's storage is encrypted with the AWS-managed aws/msk key, not a customer-managed KMS key (encryptionInfo.encryptionAtRestKmsKeyArn is not set).",
    );
    expect(violations[0]?.message).toContain("Fix: set `encryptionInfo.encryptionAtRestKmsKeyArn`");
    expect(await checkResource(rule, cluster({ encryptionInfo: undefined }))).toHaveLength(1);
  });

  it("passes the kit's cluster and does not judge MSK Serverless, which has no key choice", async () => {
    expect(await checkResource(rule, cluster())).toEqual([]);
    expect(await checkResource(rule, serverless())).toEqual([]);
  });

  it("neither crashes nor reports when the key is unknown during preview", async () => {
    expect(await checkResource(rule, cluster({ encryptionInfo: { encryptionAtRestKmsKeyArn: unknown.string } }))).toEqual([]);
    expect(await checkResource(rule, cluster({ encryptionInfo: unknown.object }))).toEqual([]);
  });
});

describe("msk-broker-logs", () => {
  const rule = ruleNamed(MSK_RULES, "msk-broker-logs");
  const brokerLogs = (logs: unknown) => cluster({ loggingInfo: { brokerLogs: logs } });

  it("reports a cluster without broker logs", async () => {
    const violations = await checkResource(rule, cluster({ loggingInfo: undefined }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("The MSK cluster keeps no broker logs: loggingInfo.brokerLogs is not set.");
    expect(violations[0]?.message).toContain("createEncryptedLogGroup in infra/security/log-group.ts");
  });

  it("reports broker logs whose destinations are all turned off", async () => {
    expect(
      messages(
        await checkResource(
          rule,
          brokerLogs({ cloudwatchLogs: { enabled: false, logGroup: "/x" }, s3: { enabled: false, bucket: "logs" } }),
        ),
      ),
    ).toEqual([expect.stringContaining("none of loggingInfo.brokerLogs.cloudwatchLogs, .firehose or .s3 is enabled")]);
    expect(await checkResource(rule, brokerLogs({}))).toHaveLength(1);
  });

  it("passes the kit's CloudWatch logs, and Firehose or S3 delivery", async () => {
    expect(await checkResource(rule, cluster())).toEqual([]);
    expect(await checkResource(rule, brokerLogs({ firehose: { enabled: true, deliveryStream: "broker-logs" } }))).toEqual([]);
    expect(await checkResource(rule, brokerLogs({ cloudwatchLogs: { enabled: false }, s3: { enabled: true, bucket: "logs" } }))).toEqual(
      [],
    );
  });

  it("neither crashes nor reports when a destination is unknown during preview", async () => {
    expect(await checkResource(rule, cluster({ loggingInfo: unknown.object }))).toEqual([]);
    expect(await checkResource(rule, brokerLogs(unknown.object))).toEqual([]);
    expect(await checkResource(rule, brokerLogs({ cloudwatchLogs: { enabled: false }, s3: unknown.object }))).toEqual([]);
    expect(await checkResource(rule, brokerLogs({ cloudwatchLogs: { enabled: unknown.boolean } }))).toEqual([]);
  });
});

describe("msk-client-authentication", () => {
  const rule = ruleNamed(MSK_RULES, "msk-client-authentication");
  const auth = (clientAuthentication: unknown) => cluster({ clientAuthentication });

  it("reports unauthenticated access, even next to IAM", async () => {
    const violations = await checkResource(rule, auth({ sasl: { iam: true }, unauthenticated: true }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain("The MSK cluster allows unauthenticated access (clientAuthentication.unauthenticated: true)");
    expect(violations[0]?.message).toContain("Fix: set `clientAuthentication: { sasl: { iam: true }, unauthenticated: false }`");
  });

  it("reports a cluster that turns on no authentication method, or sets no clientAuthentication", async () => {
    expect(messages(await checkResource(rule, auth({ sasl: { iam: false, scram: false }, unauthenticated: true })))).toEqual([
      expect.stringContaining("allows unauthenticated access"),
      expect.stringContaining("turns on no client authentication: neither SASL/IAM"),
    ]);
    expect(messages(await checkResource(rule, auth({ tls: { certificateAuthorityArns: [] } })))).toEqual([
      expect.stringContaining("turns on no client authentication"),
    ]);
    expect(messages(await checkResource(rule, auth(undefined)))).toEqual([
      expect.stringContaining("sets no clientAuthentication, so MSK lets clients connect without authenticating"),
    ]);
  });

  it("passes IAM (the kit's), SCRAM and TLS client certificates", async () => {
    expect(await checkResource(rule, cluster())).toEqual([]);
    expect(await checkResource(rule, auth({ sasl: { scram: true } }))).toEqual([]);
    expect(
      await checkResource(
        rule,
        auth({ tls: { certificateAuthorityArns: ["arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/ca"] } }),
      ),
    ).toEqual([]);
  });

  it("wants IAM on MSK Serverless", async () => {
    expect(await checkResource(rule, serverless())).toEqual([]);
    expect(messages(await checkResource(rule, serverless({ clientAuthentication: { sasl: { iam: { enabled: false } } } })))).toEqual([
      expect.stringContaining(
        "The MSK Serverless cluster does not authenticate clients with IAM (clientAuthentication.sasl.iam.enabled is false)",
      ),
    ]);
  });

  it("neither crashes nor reports what is unknown during preview, and judges each setting on its own", async () => {
    expect(await checkResource(rule, auth(unknown.object))).toEqual([]);
    expect(await checkResource(rule, auth({ sasl: unknown.object, unauthenticated: false }))).toEqual([]);
    expect(await checkResource(rule, auth({ sasl: { iam: false }, tls: { certificateAuthorityArns: unknown.array } }))).toEqual([]);
    expect(messages(await checkResource(rule, auth({ sasl: unknown.object, unauthenticated: true })))).toEqual([
      expect.stringContaining("allows unauthenticated access"),
    ]);
    expect(await checkResource(rule, serverless({ clientAuthentication: { sasl: { iam: { enabled: unknown.boolean } } } }))).toEqual([]);
  });
});

describe("msk-no-public-access", () => {
  const rule = ruleNamed(MSK_RULES, "msk-no-public-access");
  const publicAccess = (access: unknown) =>
    cluster({
      brokerNodeGroupInfo: {
        instanceType: "kafka.m7g.large",
        clientSubnets: ["subnet-a"],
        securityGroups: ["sg-kafka"],
        connectivityInfo: { publicAccess: access },
      },
    });

  it("reports brokers with public addresses", async () => {
    const violations = await checkResource(rule, publicAccess({ type: "SERVICE_PROVIDED_EIPS" }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.level).toBe("mandatory");
    expect(violations[0]?.message).toContain(
      'brokerNodeGroupInfo.connectivityInfo.publicAccess.type is "SERVICE_PROVIDED_EIPS"; it must be "DISABLED" or absent.',
    );
    expect(violations[0]?.message).toContain("Fix: leave out `publicAccess`");
  });

  it("passes DISABLED (the kit's) and no public-access setting at all", async () => {
    expect(await checkResource(rule, cluster())).toEqual([]);
    expect(await checkResource(rule, publicAccess(undefined))).toEqual([]);
    expect(await checkResource(rule, publicAccess({}))).toEqual([]);
  });

  it("neither crashes nor reports when the setting is unknown during preview", async () => {
    expect(await checkResource(rule, publicAccess({ type: unknown.string }))).toEqual([]);
    expect(await checkResource(rule, cluster({ brokerNodeGroupInfo: unknown.object }))).toEqual([]);
  });
});

describe("msk-replication-consistent", () => {
  const rule = ruleNamed(MSK_RULES, "msk-replication-consistent");
  const properties = (settings: Record<string, number>) =>
    Object.entries(settings)
      .map(([key, value]) => `${key}=${value}`)
      .join("\n");

  it("reads Java properties: = : or a space, comments and blank lines", () => {
    const parsed = parseServerProperties(
      "# comment\n! also a comment\n\n  default.replication.factor = 3\nmin.insync.replicas:2\r\nnum.partitions 6\n",
    );
    expect(Object.fromEntries(parsed)).toEqual({ "default.replication.factor": "3", "min.insync.replicas": "2", "num.partitions": "6" });
  });

  it("reports a replication factor above the broker count, at the cluster, naming the configuration", async () => {
    const violations = await checkStack(rule, [
      configuration(properties({ "default.replication.factor": 3, "min.insync.replicas": 1 })),
      cluster({ numberOfBrokerNodes: 2 }),
    ]);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ rule: "msk-replication-consistent", level: "mandatory", urn: cluster().urn });
    expect(violations[0]?.message).toContain(
      'MSK cluster "coupon-prod-kafka" (2 brokers) uses configuration "coupon-prod-kafka", whose default.replication.factor = 3 exceeds the 2 brokers',
    );
    expect(violations[0]?.message).toContain("Fix: derive the replication settings from the broker count");
  });

  it("reports internal topics' replication factors above the broker count", async () => {
    const tooMany = properties({ "offsets.topic.replication.factor": 4, "transaction.state.log.replication.factor": 4 });
    expect(messages(await checkStack(rule, [configuration(tooMany), cluster()]))).toEqual([
      expect.stringMatching(
        /offsets\.topic\.replication\.factor = 4 exceeds the 3 brokers.*; transaction\.state\.log\.replication\.factor = 4 exceeds the 3 brokers/,
      ),
    ]);
  });

  it("reports min.insync.replicas that leaves no broker to lose, or exceeds the brokers", async () => {
    expect(
      messages(
        await checkStack(rule, [configuration(properties({ "default.replication.factor": 3, "min.insync.replicas": 3 })), cluster()]),
      ),
    ).toEqual([expect.stringContaining("min.insync.replicas = 3 is not below default.replication.factor = 3: with one broker down")]);
    expect(messages(await checkStack(rule, [configuration(properties({ "min.insync.replicas": 4 })), cluster()]))).toEqual([
      expect.stringContaining("min.insync.replicas = 4 exceeds the 3 brokers: acks=all writes can never succeed"),
    ]);
    expect(
      messages(
        await checkStack(rule, [
          configuration(properties({ "transaction.state.log.replication.factor": 2, "transaction.state.log.min.isr": 2 })),
          cluster(),
        ]),
      ),
    ).toEqual([expect.stringContaining("transaction.state.log.min.isr = 2 is not below transaction.state.log.replication.factor = 2")]);
  });

  it("passes the kit's settings for every broker count the profiles allow", async () => {
    for (const brokers of [2, 3, 4, 6, 9, 30]) {
      expect(await checkStack(rule, [configuration(serverProperties(brokers)), cluster({ numberOfBrokerNodes: brokers })])).toEqual([]);
    }
  });

  it("does not judge a cluster on MSK's default configuration, another configuration, or settings left out", async () => {
    expect(
      await checkStack(rule, [configuration(properties({ "default.replication.factor": 9 })), cluster({ configurationInfo: undefined })]),
    ).toEqual([]);
    expect(
      await checkStack(rule, [
        configuration(properties({ "default.replication.factor": 9 })),
        cluster({ configurationInfo: { arn: "arn:aws:kafka:eu-west-1:123456789012:configuration/other/x", revision: 1 } }),
      ]),
    ).toEqual([]);
    expect(await checkStack(rule, [configuration("auto.create.topics.enable=false\n"), cluster()])).toEqual([]);
  });

  it("matches the cluster to its configuration by the configuration's ARN output", async () => {
    const renamed = "arn:aws:kafka:eu-west-1:123456789012:configuration/coupon-prod-kafka/real-uuid";
    const bad = properties({ "default.replication.factor": 5 });
    expect(await checkStack(rule, [configuration(bad, { arn: renamed }), cluster()])).toEqual([]);
    expect(
      await checkStack(rule, [configuration(bad, { arn: renamed }), cluster({}, { configurationInfo: { arn: renamed, revision: 1 } })]),
    ).toHaveLength(1);
  });

  it("neither crashes nor reports what is unknown during preview, and still judges the clusters it can", async () => {
    const bad = properties({ "default.replication.factor": 5 });
    expect(await checkStack(rule, [configuration(bad, { arn: unknown.string }), cluster()])).toEqual([]);
    expect(await checkStack(rule, [configuration(unknown.string), cluster()])).toEqual([]);
    expect(await checkStack(rule, [configuration(bad), cluster({ configurationInfo: unknown.object })])).toEqual([]);
    expect(await checkStack(rule, [configuration(bad), cluster({ numberOfBrokerNodes: unknown.number })])).toEqual([]);
    const pending: ResourceUnderTest = {
      ...cluster({ numberOfBrokerNodes: unknown.number }),
      name: "pending",
      urn: "urn:pulumi:test::test::aws:msk/cluster:Cluster::pending",
    };
    expect((await checkStack(rule, [configuration(bad), pending, cluster()])).map((v) => v.urn)).toEqual([cluster().urn]);
  });
});
