import * as pulumi from "@pulumi/pulumi";
import type { kafkaEnv, mysqlEnv, ordersTopicEnv, redisEnv, serverEnv } from "../../../apps/lib/config/common-env";
import type { RedisService } from "../../../apps/lib/flash-sale/redis-acl";
import { type DbService, dbUserName } from "../../../apps/lib/db/service-users";
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

/** The service logs in as its own ElastiCache user: only its keys, channels and commands. */
export const redisCredentials = ({ redis }: ServiceConnections, service: RedisService): EnvOf<typeof redisEnv> => {
  const { username, password } = redis.users[service];
  return { REDIS_URL: pulumi.interpolate`rediss://${username}:${password}@${redis.host}:${redis.port}` };
};

export interface MysqlUse {
  /** Send the reads that tolerate replica lag to the read replica (where the stack has one). */
  readonly readReplica: boolean;
}

const mysqlServer = ({ mysql }: ServiceConnections): EnvOf<typeof mysqlEnv> => ({
  MYSQL_HOST: mysql.writerHost,
  MYSQL_PORT: String(mysql.port),
  MYSQL_DATABASE: mysql.database,
  MYSQL_TLS: String(mysql.tls),
  MYSQL_TLS_CA_FILE: RDS_CA_FILE,
});

/**
 * A service signs in as its own user with an RDS IAM auth token (its IRSA role may
 * rds-db:connect as that user only): no database password reaches its pod. It never
 * migrates; the release's migration Job did before its Rollout changed.
 */
export const mysqlSettings = (connections: ServiceConnections, service: DbService, use: MysqlUse): EnvOf<typeof mysqlEnv> => ({
  ...mysqlServer(connections),
  MYSQL_USER: dbUserName(service),
  MYSQL_AUTH: connections.mysql.auth,
  AWS_REGION: connections.mysql.region,
  MIGRATE_ON_START: "false",
  ...(use.readReplica && connections.mysql.readerHost ? { MYSQL_READER_HOST: connections.mysql.readerHost } : {}),
});

/** The migration Job's: the master user and password, and nothing else of the platform. */
export const migrationJobMysql = (
  connections: ServiceConnections,
): { config: EnvOf<typeof mysqlEnv>; secrets: EnvOf<typeof mysqlEnv> } => ({
  config: { ...mysqlServer(connections), MYSQL_USER: connections.mysql.username, MYSQL_AUTH: "password" },
  secrets: { MYSQL_PASSWORD: connections.mysql.password },
});

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
