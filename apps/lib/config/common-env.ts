import { z } from "zod";
import { KAFKA_NAMES } from "../flash-sale/kafka-names";
import { internalJwks } from "../internal-identity/jwks-env";
import { envBool, envInt, envList } from "./env-types";

export const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, "must be a valid Kafka topic name");

/** Variables every service reads: HTTP server, logging and shutdown. */
export const serverEnv = z.object({
  SERVICE_NAME: z.string().min(1).default("service").describe("Names the service in logs and metrics."),
  HOST: z.string().min(1).default("0.0.0.0").describe("Address the HTTP server binds."),
  PORT: envInt(0, 65535).default(8080).describe("HTTP port: the API and the health probes."),
  METRICS_PORT: envInt(0, 65535)
    .default(9464)
    .describe("Port serving only GET /metrics, which the network policy opens to Prometheus alone."),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info").describe("pino log level."),
  HTTP_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must look like "16kb"')
    .default("16kb")
    .describe("Largest JSON body accepted; bigger ones get 413 before parsing."),
  SHUTDOWN_GRACE_MS: envInt(0, 120_000)
    .default(10_000)
    .describe("How long in-flight requests may take after SIGTERM before their connections are closed."),
});

export const redisEnv = z.object({
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
    .default("redis://127.0.0.1:6379")
    .describe(
      "Redis (ElastiCache) URL with the service's own ACL user and password (redis://user:password@host:port/db); rediss:// turns TLS on.",
    ),
});

const awsRegion = z.string().min(1).optional().describe("Region MSK IAM tokens and RDS IAM auth tokens are signed for.");

export const mysqlEnv = z.object({
  MYSQL_HOST: z.string().min(1).default("127.0.0.1").describe("MySQL writer host."),
  MYSQL_PORT: envInt(1, 65535).default(3306).describe("MySQL port."),
  MYSQL_USER: z.string().min(1).default("root").describe("MySQL user."),
  MYSQL_PASSWORD: z.string().default("").describe("MySQL password (MYSQL_AUTH=password)."),
  MYSQL_AUTH: z
    .enum(["password", "rds-iam"], { message: 'must be "password" or "rds-iam"' })
    .default("password")
    .describe(
      "password, or rds-iam: connect with an RDS IAM auth token signed by the pod's IAM role (no password anywhere; needs MYSQL_TLS and AWS_REGION).",
    ),
  AWS_REGION: awsRegion,
  MYSQL_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,64}$/, "must be a plain identifier")
    .default("coupon_platform")
    .describe("Database (schema) name; migrations create it when missing."),
  MIGRATE_ON_START: envBool
    .default(true)
    .describe(
      "Apply pending schema migrations at start (under a MySQL named lock): local runs as the master user; on a stack the release's migration Job does it.",
    ),
  MYSQL_POOL_SIZE: envInt(1, 500).default(10).describe("Connections in the pool."),
  MYSQL_TLS: envBool.default(false).describe("Require TLS with a verified server certificate."),
  // RDS certificates are not in Node's default trust store: point at the RDS CA bundle.
  MYSQL_TLS_CA_FILE: z.string().min(1).optional().describe("CA bundle to verify MySQL's certificate (RDS's is not in Node's trust store)."),
  MYSQL_READER_HOST: z
    .string()
    .min(1)
    .optional()
    .describe("A read replica for reads that tolerate its lag (same user, database and TLS); unset: every read goes to MYSQL_HOST."),
  MYSQL_READER_PORT: envInt(1, 65535).optional().describe("The read replica's port; MYSQL_PORT when unset."),
  MYSQL_READER_RETRY_MS: envInt(100, 600_000)
    .default(5_000)
    .describe("After the reader fails to connect, reads go to the writer this long before the reader is tried again."),
});

export const kafkaEnv = z.object({
  KAFKA_BROKERS: envList.default(["127.0.0.1:9092"]).describe("Bootstrap brokers, comma-separated."),
  KAFKA_CLIENT_ID: z.string().min(1).default("coupon-platform").describe("Kafka client id."),
  KAFKA_AUTH: z
    .enum(["none", "msk-iam"], { message: 'must be "none" or "msk-iam"' })
    .default("none")
    .describe("none (local Kafka) or msk-iam (SASL/OAUTHBEARER signed for MSK IAM; needs KAFKA_TLS and AWS_REGION)."),
  KAFKA_TLS: envBool.default(false).describe("TLS to the brokers."),
  AWS_REGION: awsRegion,
});

/**
 * The orders topic coupon writes and payment reads. Whichever service starts first
 * creates it, with these partitions and copies, so both read the same variables.
 */
export const ordersTopicEnv = z.object({
  KAFKA_ORDERS_TOPIC: topicName.default(KAFKA_NAMES.ordersTopic).describe("The orders topic (coupon writes, payment reads)."),
  KAFKA_TOPIC_PARTITIONS: envInt(1, 1000)
    .default(6)
    .describe("Partitions the orders topic is created with, by whichever service starts first."),
  KAFKA_TOPIC_REPLICATION: envInt(1, 5).default(1).describe("Copies of each partition the topics are created with."),
});

/**
 * Cross-variable rule for MSK IAM. Kept as a function (not baked into kafkaEnv)
 * because zod refuses to extend an object schema that carries refinements.
 */
export function checkKafkaAuth(env: z.infer<typeof kafkaEnv>, ctx: z.RefinementCtx): void {
  if (env.KAFKA_AUTH !== "msk-iam") return;
  if (!env.AWS_REGION) ctx.addIssue({ code: "custom", path: ["AWS_REGION"], message: "is required when KAFKA_AUTH=msk-iam" });
  if (!env.KAFKA_TLS)
    ctx.addIssue({ code: "custom", path: ["KAFKA_TLS"], message: "must be true when KAFKA_AUTH=msk-iam (MSK IAM listens on TLS only)" });
}

export function checkMysqlAuth(env: z.infer<typeof mysqlEnv>, ctx: z.RefinementCtx): void {
  if (env.MYSQL_AUTH !== "rds-iam") return;
  if (!env.AWS_REGION) ctx.addIssue({ code: "custom", path: ["AWS_REGION"], message: "is required when MYSQL_AUTH=rds-iam" });
  if (!env.MYSQL_TLS)
    ctx.addIssue({
      code: "custom",
      path: ["MYSQL_TLS"],
      message: "must be true when MYSQL_AUTH=rds-iam (RDS takes IAM auth tokens over TLS only)",
    });
}

export type ServerEnv = z.infer<typeof serverEnv>;
export type RedisEnv = z.infer<typeof redisEnv>;
export type MysqlEnv = z.infer<typeof mysqlEnv>;
export type KafkaEnv = z.infer<typeof kafkaEnv>;

/** What a service behind the gateway needs to verify the gateway's signed identity (docs/SECURITY.md). */
export const internalIdentityEnv = z.object({
  INTERNAL_JWKS: internalJwks.describe(
    "The gateway's public keys (JSON Web Key Set, P-256, one kid each) that verify its signed internal identity; two during a key rotation.",
  ),
  INTERNAL_IDENTITY_MAX_AGE_SECONDS: envInt(5, 600)
    .default(60)
    .describe("Oldest internal identity token accepted (by its iat), whatever its exp says: bounds a replay."),
  INTERNAL_IDENTITY_CLOCK_TOLERANCE_SECONDS: envInt(0, 60).default(5).describe("Clock skew tolerated against the gateway's iat and exp."),
});
