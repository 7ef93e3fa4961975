import type { PolicyResource, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { onTypes, whenKnown } from "../lib/props";
import type { Rule } from "../lib/rule";

const CLUSTER = "aws:msk/cluster:Cluster";
const SERVERLESS_CLUSTER = "aws:msk/serverlessCluster:ServerlessCluster";
const CONFIGURATION = "aws:msk/configuration:Configuration";

type Cluster = Unwrap<aws.msk.ClusterArgs>;
type ServerlessCluster = Unwrap<aws.msk.ServerlessClusterArgs>;
type ClusterOutputs = Cluster & { readonly arn?: string };
type ConfigurationOutputs = Unwrap<aws.msk.ConfigurationArgs> & { readonly arn?: string };

// ---------------------------------------------------------------------------------------
// Encryption

const tlsOnly: Rule = {
  kind: "resource",
  name: "msk-tls-only",
  service: "msk",
  description:
    'MSK clusters encrypt every connection: clients reach the brokers over TLS only (encryptionInfo.encryptionInTransit.clientBroker "TLS", which MSK also applies when it is not set; "TLS_PLAINTEXT" and "PLAINTEXT" open a plaintext listener) and brokers replicate to each other over TLS (inCluster true, the default). MSK Serverless is always TLS-only and is not judged.',
  fix: 'set `encryptionInfo: { encryptionInTransit: { clientBroker: "TLS", inCluster: true } }`, as infra/data/kafka.ts does, and point clients at the TLS (IAM: port 9098) bootstrap brokers. MSK cannot change in-cluster encryption on an existing cluster: create a new one and move the topics.',
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onTypes<Cluster>(CLUSTER, (cluster, _args, report) => {
    // Each setting is judged on its own: one unknown during preview must not hide the other.
    const clientBroker = whenKnown(() => cluster.encryptionInfo?.encryptionInTransit?.clientBroker ?? "TLS");
    if (clientBroker !== undefined && clientBroker !== "TLS") {
      report(
        `The MSK cluster accepts plaintext client connections: encryptionInfo.encryptionInTransit.clientBroker is "${clientBroker}"; it must be "TLS".`,
      );
    }
    const inCluster = whenKnown(() => cluster.encryptionInfo?.encryptionInTransit?.inCluster);
    if (inCluster === false) {
      report("The MSK cluster's brokers replicate to each other in plaintext: encryptionInfo.encryptionInTransit.inCluster is false.");
    }
  }),
};

const encryptionAtRestCmk: Rule = {
  kind: "resource",
  name: "msk-encryption-at-rest-cmk",
  service: "msk",
  description:
    "MSK clusters encrypt their broker storage with a customer-managed KMS key (encryptionInfo.encryptionAtRestKmsKeyArn), not the AWS-managed aws/msk key that MSK uses when none is given, whose use no key policy of ours controls. MSK Serverless offers no choice of key and is not judged.",
  fix: "set `encryptionInfo.encryptionAtRestKmsKeyArn` to a customer-managed key, as infra/data/kafka.ts does with the cluster's own rotating key (infra/security/kms-key.ts). The key cannot be changed on an existing cluster: create a new one and move the topics.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onTypes<Cluster>(CLUSTER, (cluster, _args, report) => {
    if (!cluster.encryptionInfo?.encryptionAtRestKmsKeyArn) {
      report(
        "The MSK cluster's storage is encrypted with the AWS-managed aws/msk key, not a customer-managed KMS key (encryptionInfo.encryptionAtRestKmsKeyArn is not set).",
      );
    }
  }),
};

// ---------------------------------------------------------------------------------------
// Logs

const LOG_DESTINATIONS = ["cloudwatchLogs", "firehose", "s3"] as const;

const brokerLogs: Rule = {
  kind: "resource",
  name: "msk-broker-logs",
  service: "msk",
  description:
    "MSK clusters deliver their broker logs somewhere they are kept: loggingInfo.brokerLogs has at least one of cloudwatchLogs, firehose or s3 with enabled true. Without them, authentication failures, under-replicated partitions and broker restarts leave no trace. MSK Serverless has no broker logs and is not judged.",
  fix: "set `loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup } } }` with a log group the stack creates, as infra/data/kafka.ts does (createEncryptedLogGroup in infra/security/log-group.ts: a retention and the logs KMS key).",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onTypes<Cluster>(CLUSTER, (cluster, _args, report) => {
    const logs = whenKnown(() => cluster.loggingInfo?.brokerLogs ?? null);
    if (logs === undefined) return;
    if (logs === null) {
      report("The MSK cluster keeps no broker logs: loggingInfo.brokerLogs is not set.");
      return;
    }
    const enabled = LOG_DESTINATIONS.map((destination) => whenKnown(() => logs[destination]?.enabled === true));
    // A destination not known yet during preview may turn out to be the enabled one.
    if (enabled.includes(true) || enabled.includes(undefined)) return;
    report("The MSK cluster keeps no broker logs: none of loggingInfo.brokerLogs.cloudwatchLogs, .firehose or .s3 is enabled.");
  }),
};

// ---------------------------------------------------------------------------------------
// Access

const clientAuthentication: Rule = {
  kind: "resource",
  name: "msk-client-authentication",
  service: "msk",
  description:
    "MSK clusters authenticate every client: clientAuthentication turns on at least one of SASL/IAM (sasl.iam), SASL/SCRAM (sasl.scram) or TLS client certificates (tls.certificateAuthorityArns), and unauthenticated access is off (clientAuthentication.unauthenticated not true). A cluster with no clientAuthentication at all lets anyone who reaches a broker in. MSK Serverless clusters must have IAM enabled (clientAuthentication.sasl.iam.enabled).",
  fix: "set `clientAuthentication: { sasl: { iam: true }, unauthenticated: false }`, as infra/data/kafka.ts does, and grant each service the topics it needs through IAM policies (infra/data/kafka-iam-policies.ts).",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: (args, report) => {
    if (args.type === SERVERLESS_CLUSTER) {
      const iam = (args.props as ServerlessCluster).clientAuthentication?.sasl?.iam?.enabled;
      if (iam !== true)
        report(
          `The MSK Serverless cluster does not authenticate clients with IAM (clientAuthentication.sasl.iam.enabled is ${iam === false ? "false" : "not set"}).`,
        );
      return;
    }
    if (args.type !== CLUSTER) return;
    const cluster = args.props as Cluster;
    const auth = whenKnown(() => cluster.clientAuthentication ?? null);
    if (auth === undefined) return;
    if (auth === null) {
      report("The MSK cluster sets no clientAuthentication, so MSK lets clients connect without authenticating.");
      return;
    }
    if (whenKnown(() => auth.unauthenticated) === true) {
      report(
        "The MSK cluster allows unauthenticated access (clientAuthentication.unauthenticated: true): any client that reaches a broker is let in.",
      );
    }
    const methods = [
      whenKnown(() => auth.sasl?.iam === true),
      whenKnown(() => auth.sasl?.scram === true),
      whenKnown(() => (auth.tls?.certificateAuthorityArns?.length ?? 0) > 0),
    ];
    if (methods.includes(true) || methods.includes(undefined)) return;
    report(
      "The MSK cluster turns on no client authentication: neither SASL/IAM (clientAuthentication.sasl.iam), SASL/SCRAM (sasl.scram) nor TLS client certificates (tls.certificateAuthorityArns).",
    );
  },
};

const noPublicAccess: Rule = {
  kind: "resource",
  name: "msk-no-public-access",
  service: "msk",
  description:
    'MSK brokers are not reachable from the internet: brokerNodeGroupInfo.connectivityInfo.publicAccess.type is absent or "DISABLED". "SERVICE_PROVIDED_EIPS" gives every broker a public IP address.',
  fix: 'leave out `publicAccess` or set `connectivityInfo: { publicAccess: { type: "DISABLED" } }`, as infra/data/kafka.ts does; clients reach the brokers from inside the VPC (the EKS nodes, through the tier security group of infra/security/tier-security-group.ts).',
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onTypes<Cluster>(CLUSTER, (cluster, _args, report) => {
    const type = cluster.brokerNodeGroupInfo?.connectivityInfo?.publicAccess?.type;
    if (type !== undefined && type !== "DISABLED") {
      report(
        `The MSK cluster's brokers are reachable from the internet: brokerNodeGroupInfo.connectivityInfo.publicAccess.type is "${type}"; it must be "DISABLED" or absent.`,
      );
    }
  }),
};

// ---------------------------------------------------------------------------------------
// Replication settings against the broker count

/**
 * The settings of a Java properties text (what aws.msk.Configuration serverProperties
 * holds): `key=value`, `key: value` or `key value` per line, # and ! start comments.
 */
export function parseServerProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    const match = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (match) properties.set(match[1] as string, (match[2] as string).trim());
  }
  return properties;
}

const REPLICATION_FACTORS = [
  { key: "default.replication.factor", effect: "topics created with the default replication factor cannot be created" },
  { key: "offsets.topic.replication.factor", effect: "the consumer-offsets topic cannot be created, so consumer groups cannot commit" },
  {
    key: "transaction.state.log.replication.factor",
    effect: "the transaction-state topic cannot be created, so transactional producers fail",
  },
] as const;

const IN_SYNC_MINIMUMS = [
  { key: "min.insync.replicas", factor: "default.replication.factor", what: "acks=all writes" },
  { key: "transaction.state.log.min.isr", factor: "transaction.state.log.replication.factor", what: "transactions" },
] as const;

/** What is wrong with a configuration's replication settings on a cluster of `brokers` brokers; one phrase each. */
function replicationProblems(properties: ReadonlyMap<string, string>, brokers: number): string[] {
  const number = (key: string): number | undefined => {
    const value = Number.parseInt(properties.get(key) ?? "", 10);
    return Number.isFinite(value) ? value : undefined;
  };
  const problems: string[] = [];
  for (const { key, effect } of REPLICATION_FACTORS) {
    const factor = number(key);
    if (factor !== undefined && factor > brokers) problems.push(`${key} = ${factor} exceeds the ${brokers} brokers: ${effect}`);
  }
  for (const { key, factor: factorKey, what } of IN_SYNC_MINIMUMS) {
    const minimum = number(key);
    if (minimum === undefined) continue;
    const factor = number(factorKey);
    if (minimum > brokers) {
      problems.push(`${key} = ${minimum} exceeds the ${brokers} brokers: ${what} can never succeed`);
    } else if (factor !== undefined && minimum >= factor) {
      problems.push(
        `${key} = ${minimum} is not below ${factorKey} = ${factor}: with one broker down (every rolling update or patch takes one down) ${what} are refused`,
      );
    }
  }
  return problems;
}

const replicationConsistent: Rule = {
  kind: "stack",
  name: "msk-replication-consistent",
  service: "msk",
  description:
    "The replication settings of an aws.msk.Configuration fit every MSK cluster that uses it (configurationInfo.arn equal to the configuration's ARN): default.replication.factor, offsets.topic.replication.factor and transaction.state.log.replication.factor are at most the cluster's numberOfBrokerNodes (the total across its availability zones); min.insync.replicas and transaction.state.log.min.isr are at most the broker count and below their replication factor, so one broker can be down, as during every rolling update MSK makes, without refusing acks=all writes. Clusters on MSK's default configuration (3 replicas and 2 in sync on 3 zones, 2 and 1 on 2 zones) are not judged; neither are settings the configuration leaves out.",
  fix: "derive the replication settings from the broker count, as serverProperties in infra/data/kafka-server-properties.ts does for infra/data/kafka.ts: replication factor min(3, brokers) and min.insync.replicas one below it (at least 1); or raise `kafka.brokerCount` in the stack's profile (a multiple of the zone count).",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    const configurations = new Map<string, { readonly name: string; readonly properties: Map<string, string> }>();
    for (const resource of args.resources.filter((r) => r.type === CONFIGURATION)) {
      const found = whenKnown(() => {
        const configuration = resource.props as ConfigurationOutputs;
        return {
          arn: configuration.arn,
          name: configuration.name ?? resource.name,
          properties: parseServerProperties(String(configuration.serverProperties ?? "")),
        };
      });
      if (found?.arn) configurations.set(found.arn, { name: found.name, properties: found.properties });
    }
    for (const resource of args.resources.filter((r) => r.type === CLUSTER)) checkCluster(resource, configurations, report);
  },
};

function checkCluster(
  resource: PolicyResource,
  configurations: ReadonlyMap<string, { readonly name: string; readonly properties: Map<string, string> }>,
  report: ReportViolation,
): void {
  const cluster = whenKnown(() => {
    const outputs = resource.props as ClusterOutputs;
    return {
      configurationArn: outputs.configurationInfo?.arn,
      brokers: outputs.numberOfBrokerNodes,
      name: outputs.clusterName ?? resource.name,
    };
  });
  if (!cluster?.configurationArn || typeof cluster.brokers !== "number") return;
  const configuration = configurations.get(cluster.configurationArn);
  if (!configuration) return;
  const problems = replicationProblems(configuration.properties, cluster.brokers);
  if (problems.length === 0) return;
  report(
    `MSK cluster "${cluster.name}" (${cluster.brokers} brokers) uses configuration "${configuration.name}", whose ${problems.join("; ")}.`,
    resource.urn,
  );
}

export const MSK_RULES: readonly Rule[] = [
  tlsOnly,
  encryptionAtRestCmk,
  brokerLogs,
  clientAuthentication,
  noPublicAccess,
  replicationConsistent,
];
