import * as pulumi from "@pulumi/pulumi";
import type { KafkaEnv } from "../../apps/lib/config/common-env";
import type { KafkaNames } from "../../apps/lib/flash-sale/kafka-names";
import type { Cache } from "./cache";
import type { Database } from "./database";
import type { Kafka } from "./kafka";

export interface TopicSettings {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}

/**
 * What the services need to reach the data tier, built once from the data-tier
 * components. The pods' environment is rendered from it (infra/apps/env/) and the
 * secret stack output `appConnections` is this same object, so the two cannot drift.
 */
export interface ServiceConnections {
  readonly kafka: {
    readonly bootstrapBrokers: pulumi.Output<string>;
    /** SASL/OAUTHBEARER tokens signed for MSK IAM, over TLS (the services' KAFKA_AUTH value). */
    readonly auth: Extract<KafkaEnv["KAFKA_AUTH"], "msk-iam">;
    readonly tls: true;
    readonly region: pulumi.Input<string>;
    /** CloudWatch's consumer-lag metrics are keyed by it. */
    readonly clusterName: string;
    readonly ordersTopic: TopicSettings;
    readonly deadLetterTopic: TopicSettings;
    readonly settlementGroup: string;
  };
  readonly redis: {
    readonly host: pulumi.Output<string>;
    readonly readerHost: pulumi.Output<string>;
    readonly port: number;
    readonly tls: true;
    /** Each service's own RBAC user. */
    readonly users: Cache["users"];
  };
  readonly mysql: {
    readonly writerHost: pulumi.Output<string>;
    /** The read replica, where the stack has one: reads that tolerate its lag go there. */
    readonly readerHost?: pulumi.Output<string>;
    readonly port: number;
    readonly database: string;
    /** The services sign in as their own users with RDS IAM auth tokens, signed for this region. */
    readonly auth: "rds-iam";
    readonly region: pulumi.Input<string>;
    /** The master user: only the release's migration Job uses it. */
    readonly username: string;
    readonly password: pulumi.Output<string>;
    /** Where the master credentials live in Secrets Manager. */
    readonly credentialsSecretArn: pulumi.Output<string>;
    readonly tls: true;
  };
}

export interface ServiceConnectionsArgs {
  readonly kafka: Kafka;
  readonly cache: Cache;
  readonly database: Database;
  readonly names: KafkaNames;
  /** Partitions of the orders topic: payment's consumers scale up to this many. */
  readonly orderPartitions: number;
  readonly region: pulumi.Input<string>;
}

export function serviceConnections(args: ServiceConnectionsArgs): ServiceConnections {
  const { kafka, cache, database, names } = args;
  const topic = (name: string): TopicSettings => ({ name, partitions: args.orderPartitions, replicationFactor: kafka.replicationFactor });
  return {
    kafka: {
      bootstrapBrokers: kafka.bootstrapBrokers,
      auth: "msk-iam",
      tls: true,
      region: args.region,
      clusterName: kafka.clusterName,
      ordersTopic: topic(names.ordersTopic),
      deadLetterTopic: topic(names.deadLetterTopic),
      settlementGroup: names.settlementGroup,
    },
    redis: { host: cache.primaryEndpoint, readerHost: cache.readerEndpoint, port: cache.port, tls: true, users: cache.users },
    mysql: {
      writerHost: database.writerEndpoint,
      ...(database.hasReadReplica ? { readerHost: database.readerEndpoint } : {}),
      port: database.port,
      database: database.databaseName,
      auth: "rds-iam",
      region: args.region,
      username: database.masterUsername,
      password: database.masterPassword,
      credentialsSecretArn: database.credentialsSecretArn,
      tls: true,
    },
  };
}

/** The stack output: the same object, every field secret, so no token or password reaches a plain output or a log. */
export function connectionsOutput(connections: ServiceConnections): pulumi.Output<unknown> {
  return pulumi.secret(pulumi.output(connections));
}
