import { z } from "zod";
import { KAFKA_NAMES } from "../flash-sale/kafka-names";
import { envBool, envInt, envList } from "./env-types";

export const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, "must be a valid Kafka topic name");

/** Variables every service reads: HTTP server, logging and shutdown. */
export const serverEnv = z.object({
  SERVICE_NAME: z.string().min(1).default("service"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: envInt(0, 65535).default(8080),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HTTP_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must look like "16kb"')
    .default("16kb"),
  SHUTDOWN_GRACE_MS: envInt(0, 120_000).default(10_000),
});

export const redisEnv = z.object({
  // rediss:// turns TLS on (ElastiCache in-transit encryption).
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").default("redis://127.0.0.1:6379"),
});

export const mysqlEnv = z.object({
  MYSQL_HOST: z.string().min(1).default("127.0.0.1"),
  MYSQL_PORT: envInt(1, 65535).default(3306),
  MYSQL_USER: z.string().min(1).default("root"),
  MYSQL_PASSWORD: z.string().default(""),
  MYSQL_DATABASE: z.string().regex(/^[A-Za-z0-9_]{1,64}$/, "must be a plain identifier").default("coupon_platform"),
  MYSQL_POOL_SIZE: envInt(1, 500).default(10),
  MYSQL_TLS: envBool.default(false),
  // RDS certificates are not in Node's default trust store: point at the RDS CA bundle.
  MYSQL_TLS_CA_FILE: z.string().min(1).optional(),
  // A read replica for reads that tolerate its lag (same user, database and TLS); unset: every read goes to MYSQL_HOST.
  MYSQL_READER_HOST: z.string().min(1).optional(),
  MYSQL_READER_PORT: envInt(1, 65535).optional(),
  // After the reader fails to connect, reads go to the writer this long before the reader is tried again.
  MYSQL_READER_RETRY_MS: envInt(100, 600_000).default(5_000),
});

export const kafkaEnv = z.object({
  KAFKA_BROKERS: envList.default(["127.0.0.1:9092"]),
  KAFKA_CLIENT_ID: z.string().min(1).default("coupon-platform"),
  KAFKA_AUTH: z.enum(["none", "msk-iam"], { message: 'must be "none" or "msk-iam"' }).default("none"),
  KAFKA_TLS: envBool.default(false),
  AWS_REGION: z.string().min(1).optional(),
});

/**
 * The orders topic coupon writes and payment reads. Whichever service starts first
 * creates it, with these partitions and copies, so both read the same variables.
 */
export const ordersTopicEnv = z.object({
  KAFKA_ORDERS_TOPIC: topicName.default(KAFKA_NAMES.ordersTopic),
  KAFKA_TOPIC_PARTITIONS: envInt(1, 1000).default(6),
  KAFKA_TOPIC_REPLICATION: envInt(1, 5).default(1),
});

/**
 * Cross-variable rule for MSK IAM. Kept as a function (not baked into kafkaEnv)
 * because zod refuses to extend an object schema that carries refinements.
 */
export function checkKafkaAuth(env: z.infer<typeof kafkaEnv>, ctx: z.RefinementCtx): void {
  if (env.KAFKA_AUTH !== "msk-iam") return;
  if (!env.AWS_REGION) ctx.addIssue({ code: "custom", path: ["AWS_REGION"], message: "is required when KAFKA_AUTH=msk-iam" });
  if (!env.KAFKA_TLS) ctx.addIssue({ code: "custom", path: ["KAFKA_TLS"], message: "must be true when KAFKA_AUTH=msk-iam (MSK IAM listens on TLS only)" });
}

export type ServerEnv = z.infer<typeof serverEnv>;
export type RedisEnv = z.infer<typeof redisEnv>;
export type MysqlEnv = z.infer<typeof mysqlEnv>;
export type KafkaEnv = z.infer<typeof kafkaEnv>;
