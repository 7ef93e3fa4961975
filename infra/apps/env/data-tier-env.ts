import * as pulumi from "@pulumi/pulumi";
import type { kafkaEnv, mysqlEnv, ordersTopicEnv, redisEnv, serverEnv } from "../../../apps/lib/config/common-env";
import type { ServiceConnections, TopicSettings } from "../../data/connections";
import { APP_PORT, METRICS_PORT } from "../pod-template";
import type { EnvOf } from "./app-env";

/** Where the image keeps the RDS certificate bundle (see Dockerfile). */
export const RDS_CA_FILE = "/etc/ssl/rds/global-bundle.pem";

/*
 * The parts of the environment several services share, each keyed by the shared
 * env schema the services spread into their own.
 */

export const serverSettings = (app: string): EnvOf<typeof serverEnv> => ({
  SERVICE_NAME: app,
  PORT: String(APP_PORT),
  METRICS_PORT: String(METRICS_PORT),
  LOG_LEVEL: "info",
  SHUTDOWN_GRACE_MS: "30000",
});

export const redisCredentials = ({ redis }: ServiceConnections): EnvOf<typeof redisEnv> => ({
  REDIS_URL: pulumi.interpolate`rediss://:${redis.authToken}@${redis.host}:${redis.port}`,
});

export interface MysqlUse {
  /** Send the reads that tolerate replica lag to the read replica (where the stack has one). */
  readonly readReplica: boolean;
}

export const mysqlSettings = ({ mysql }: ServiceConnections, use: MysqlUse): EnvOf<typeof mysqlEnv> => ({
  MYSQL_HOST: mysql.writerHost,
  MYSQL_PORT: String(mysql.port),
  MYSQL_USER: mysql.username,
  MYSQL_DATABASE: mysql.database,
  MYSQL_TLS: String(mysql.tls),
  MYSQL_TLS_CA_FILE: RDS_CA_FILE,
  ...(use.readReplica && mysql.readerHost ? { MYSQL_READER_HOST: mysql.readerHost } : {}),
});

export const mysqlCredentials = ({ mysql }: ServiceConnections): EnvOf<typeof mysqlEnv> => ({ MYSQL_PASSWORD: mysql.password });

export const kafkaSettings = ({ kafka }: ServiceConnections): EnvOf<typeof kafkaEnv> => ({
  KAFKA_BROKERS: kafka.bootstrapBrokers,
  KAFKA_AUTH: kafka.auth,
  KAFKA_TLS: String(kafka.tls),
  AWS_REGION: kafka.region,
});

/** The orders topic, with the partitions and copies whichever service starts first creates it with. */
export const ordersTopicSettings = (topic: TopicSettings): EnvOf<typeof ordersTopicEnv> => ({
  KAFKA_ORDERS_TOPIC: topic.name,
  KAFKA_TOPIC_PARTITIONS: String(topic.partitions),
  KAFKA_TOPIC_REPLICATION: String(topic.replicationFactor),
});
