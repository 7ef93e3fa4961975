import * as pulumi from "@pulumi/pulumi";
import type { Cache } from "./cache";
import type { Database } from "./database";
import type { Kafka } from "./kafka";
import type { KafkaContract } from "./kafka-iam-policies";

export interface KafkaConnection {
  readonly bootstrapBrokers: string;
  /** Clients authenticate with SASL/OAUTHBEARER tokens signed for MSK IAM, over TLS. */
  readonly auth: "aws-msk-iam";
  readonly tls: true;
  readonly ordersTopic: string;
  readonly deadLetterTopic: string;
  readonly settlementGroup: string;
}

export interface RedisConnection {
  readonly host: string;
  readonly readerHost: string;
  readonly port: number;
  readonly tls: true;
  readonly authToken: string;
}

export interface MysqlConnection {
  readonly writerHost: string;
  readonly readerHost: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly password: string;
  /** Where the same credentials live in Secrets Manager. */
  readonly credentialsSecretArn: string;
  readonly tls: true;
}

/** Everything a service needs to reach the data tier; every field travels as a secret. */
export interface AppConnections {
  readonly kafka: pulumi.Output<KafkaConnection>;
  readonly redis: pulumi.Output<RedisConnection>;
  readonly mysql: pulumi.Output<MysqlConnection>;
}

/**
 * The one place that turns the data tier into what the services consume. The app
 * layer renders these into Kubernetes Secrets; they are secret outputs so that no
 * token or password reaches a plain stack output or a log.
 */
export function appConnections(parts: { kafka: Kafka; cache: Cache; database: Database; contract: KafkaContract }): AppConnections {
  const { kafka, cache, database, contract } = parts;
  return {
    kafka: pulumi.secret(
      kafka.bootstrapBrokers.apply((bootstrapBrokers): KafkaConnection => ({ bootstrapBrokers, auth: "aws-msk-iam", tls: true, ...contract })),
    ),
    redis: pulumi.secret(
      pulumi.all([cache.primaryEndpoint, cache.readerEndpoint, cache.authToken]).apply(
        ([host, readerHost, authToken]): RedisConnection => ({ host, readerHost, port: cache.port, tls: true, authToken }),
      ),
    ),
    mysql: pulumi.secret(
      pulumi.all([database.writerEndpoint, database.readerEndpoint, database.masterPassword, database.credentialsSecretArn]).apply(
        ([writerHost, readerHost, password, credentialsSecretArn]): MysqlConnection => ({
          writerHost,
          readerHost,
          port: database.port,
          database: database.databaseName,
          username: database.masterUsername,
          password,
          credentialsSecretArn,
          tls: true,
        }),
      ),
    ),
  };
}
